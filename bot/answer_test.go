package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/index"
	"github.com/qualbot/qualbot/knowledge"
)

func newAnswerer(t *testing.T) *bot.Answerer {
	ix := transporttest.SharedIndex(t, "testdata/kb")
	return &bot.Answerer{Searcher: ix, ToTraditional: index.ToTraditional, Prefix: "资质"}
}

func TestAnswer(t *testing.T) {
	a := newAnswerer(t)
	for _, test := range []struct {
		question string
		kind     bot.ReplyKind
		want     []string // in the first message
		details  []string // in the details
	}{
		{"帮助", bot.KindHelp, []string{"例如", "“资质”开头"}, nil},
		{"/help", bot.KindHelp, []string{"例如"}, nil},
		{"幫助", bot.KindHelp, []string{"例如", "資質"}, nil},
		{"直播带货的小程序要什么资质", bot.KindAnswer, []string{"【社交-直播】（个人不可选），需要：\n· 3选1：《信息网络传播视听节目许可证》；", "回复「详情」"},
			[]string{"以下3项任选1项", "支持直播：是", "developers.weixin.qq.com/miniprogram/product/material/#非个人主体小程序开放的服务类目（2026-02-21）"}},
		{"直播帶貨要什麼資質", bot.KindAnswer, []string{"【社交-直播】", "3選1：《信息网络传播视听节目许可证》"}, []string{"資質要求", "以下3項任選1項"}},
		{"社交", bot.KindChoices, []string{"【社交】下有4个类目", "1. 陌生人交友"}, nil}, // a bare group name asks about the whole group
		{"文网文", bot.KindAnswer, []string{"《网络文化经营许可证》", "必须用它的类目有1个：文娱-动漫。\n它是可选资质之一的类目有1个：文娱-音乐。"}, []string{"需要它的类目（1个）：文娱-动漫\n可用它的类目（1个，它是几种可选资质之一）：文娱-音乐（2选1之一）", "来源：微信官方服务类目表"}},
		{"我已经有视听许可证了，能做社交直播吗", bot.KindCheck, []string{"做【社交-直播】", "已满足：《信息网络传播视听节目许可证》", "满足该类目的资质要求"}, []string{"已有：《信息网络传播视听节目许可证》"}},
		{"红烧肉要炖多久", bot.KindDecline, []string{"帮助"}, nil},
		{"你好", bot.KindHelp, []string{"例如"}, nil},
		{"有文網文能選哪些類目", bot.KindAnswer, []string{"《网络文化经营许可证》：必須用它的類目有1個：文娛-動漫"}, []string{"簡稱：文網文", "需要它的類目（1個）：文娛-動漫", "文娛-音樂（2選1之一）"}},
		{"我只有ICP備案，能做社交直播嗎", bot.KindCheck, []string{"做【社交-直播】", "還缺"}, []string{"還缺"}},
		{"谢谢！", bot.KindThanks, []string{"不客气"}, nil},
		{"我只有一个问题，直播带货要什么资质", bot.KindAnswer, []string{"【社交-直播】", "3选1"}, []string{"以下3项任选1项"}},
		{"只有企业资质的小程序才可以做社交直播吗", bot.KindAnswer, []string{"【社交-直播】", "3选1"}, nil},
		{"办了视听许可证，没办文网文，能做社交直播吗", bot.KindCheck, []string{"已满足：《信息网络传播视听节目许可证》\n", "满足该类目的资质要求"}, nil},
		{"我们有视听许可证，想做直播带货", bot.KindCheck, []string{"做【社交-直播】", "满足该类目的资质要求"}, []string{"【社交-直播】对照你已有的资质"}},
		{"公司已经有EDI了，还能做电商平台吗", bot.KindCheck, []string{"【电商平台-电商平台】", "另有协议、规则等材料要准备"}, []string{"还需准备的材料：\n· 一："}},
		{"我只有 ICP备案 能做社交直播吗", bot.KindCheck, []string{"不在该类目的资质要求里", "还缺"}, nil},
		{"没有视听许可证，只有ICP备案，能做社交直播吗", bot.KindCheck, []string{"还缺"}, []string{"已有：你提到的材料", "还缺"}},
		{"我只有ICP备案，能做社交直播吗", bot.KindCheck, []string{"还缺：\n以下3项任选1项"}, []string{"还缺：\n以下3项任选1项"}},
	} {
		t.Run(test.question, func(t *testing.T) {
			rep, _, err := a.Answer(context.Background(), test.question)
			if err != nil {
				t.Fatal(err)
			}
			text := rep.Text()
			if rep.Kind != test.kind {
				t.Fatalf("Answer(%q) kind = %s, want %s:\n%s", test.question, rep.Kind, test.kind, text)
			}
			if strings.Contains(text+rep.Details, "“ICP备案”") {
				t.Errorf("Answer(%q) repeats the user's words:\n%s\n%s", test.question, text, rep.Details)
			}
			for _, w := range test.want {
				if !strings.Contains(rep.Parts[0], w) {
					t.Errorf("Answer(%q) first message =\n%s\nwant %q", test.question, rep.Parts[0], w)
				}
			}
			for _, w := range test.details {
				if !strings.Contains(rep.Details, w) {
					t.Errorf("Answer(%q) details =\n%s\nwant %q", test.question, rep.Details, w)
				}
			}
			if n := len([]rune(rep.Parts[0])); (rep.Kind == bot.KindAnswer || rep.Kind == bot.KindCheck) && (n > 200 || len(rep.Parts) > 1) {
				t.Errorf("Answer(%q) = %d parts, the first of %d runes; want one of at most 200:\n%s", test.question, len(rep.Parts), n, text)
			}
		})
	}
}

// searchFunc injects a failing search.
type searchFunc func(ctx context.Context, q string, n int) (knowledge.Result, error)

func (f searchFunc) Search(ctx context.Context, q string, n int) (knowledge.Result, error) {
	return f(ctx, q, n)
}

func TestAnswer_SearchError(t *testing.T) {
	a := &bot.Answerer{Searcher: searchFunc(func(context.Context, string, int) (knowledge.Result, error) {
		return knowledge.Result{}, errors.New("index: closed")
	})}
	_, _, err := a.Answer(context.Background(), "EDI")
	if err == nil || !strings.Contains(err.Error(), "index: closed") {
		t.Errorf("err = %v, want the search error wrapped", err)
	}
	if err := a.Handle(context.Background(), &recorder{}, bot.Message{Text: "EDI"}); err == nil {
		t.Errorf("Handle: err = nil, want the error for ReplyOnError")
	}
}

func TestHandle_FollowUps(t *testing.T) {
	a := newAnswerer(t)
	a.FollowUps = bot.NewFollowUps(5*time.Minute, 100)
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	type msg struct {
		chat, sender, text string
		at                 time.Duration
		want               string
	}
	for _, test := range []struct {
		name string
		msgs []msg
	}{
		{"pick", []msg{{"c", "a", "社交", 0, "回复序号"}, {"c", "a", "2", time.Minute, "【社交-"}}},
		{"pick twice", []msg{{"c", "a", "社交", 0, "回复序号"}, {"c", "a", "1", 0, "【社交-"}, {"c", "a", "3", 0, "【社交-"}}},
		{"out of range", []msg{{"c", "a", "社交", 0, "回复序号"}, {"c", "a", "9", 0, "请回复1到"}}},
		{"another sender in the group", []msg{{"g", "a", "社交", 0, "回复序号"}, {"g", "b", "1", 0, "没有对应的列表"}}},
		{"the same sender in another chat", []msg{{"g", "a", "社交", 0, "回复序号"}, {"h", "a", "1", 0, "没有对应的列表"}}},
		{"expired", []msg{{"c", "a", "社交", 0, "回复序号"}, {"c", "a", "1", 6 * time.Minute, "没有对应的列表"}}},
		{"a new question forgets the list", []msg{{"c", "a", "社交", 0, "回复序号"}, {"c", "a", "文网文", 0, "网络文化"}, {"c", "a", "1", 0, "《网络文化经营许可证》"}}},
		{"details of the last answer", []msg{{"c", "a", "文网文", 0, "回复「详情」"}, {"c", "a", "详情", 0, "简称：文网文"}, {"c", "a", "详情。", 0, "简称：文网文"}, {"c", "a", "「详情」", 0, "简称：文网文"}, {"c", "a", "詳情", 0, "简称：文网文"}}},
		{"details of a pick", []msg{{"c", "a", "社交", 0, "回复序号"}, {"c", "a", "1", 0, "回复「详情」"}, {"c", "a", "详情", 0, "可申请主体"}}},
		{"no details to give", []msg{{"c", "a", "详情", 0, "没有可展开的详情"}}},
		{"another sender's details", []msg{{"g", "a", "文网文", 0, "网络文化"}, {"g", "b", "详情", 0, "没有可展开的详情"}}},
		{"help keeps the list", []msg{{"c", "a", "社交", 0, "回复序号"}, {"c", "a", "帮助", 0, "例如"}, {"c", "a", "1", 0, "【社交-"}}},
		{"traditional list, traditional pick", []msg{{"c", "a", "社交類目", 0, "回覆序號"}, {"c", "a", "1", 0, "個人不可選"}}},
	} {
		t.Run(test.name, func(t *testing.T) {
			a.FollowUps = bot.NewFollowUps(5*time.Minute, 100)
			for i, m := range test.msgs {
				rec := &recorder{}
				err := a.Handle(context.Background(), rec, bot.Message{Chat: m.chat, Sender: m.sender, Text: m.text, Time: t0.Add(m.at)})
				if err != nil {
					t.Fatal(err)
				}
				if got := strings.Join(rec.replies, "\n"); !strings.Contains(got, m.want) {
					t.Fatalf("message %d %q: reply =\n%s\nwant %q", i+1, m.text, got, m.want)
				}
			}
		})
	}
}

func TestFollowUps_Bound(t *testing.T) {
	f := bot.NewFollowUps(time.Minute, 3)
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for i, k := range []string{"a", "b", "c", "d", "e"} {
		f.Put(k, bot.Pending{}, t0.Add(time.Duration(i)*time.Second))
	}
	if n := f.Len(); n != 3 {
		t.Errorf("Len() = %d, want 3", n)
	}
	for k, want := range map[string]bool{"a": false, "b": false, "c": true, "d": true, "e": true} {
		if _, ok := f.Get(k, t0.Add(5*time.Second)); ok != want {
			t.Errorf("Get(%q) ok = %v, want %v (the oldest go first)", k, ok, want)
		}
	}
	if _, ok := f.Get("e", t0.Add(2*time.Minute)); ok {
		t.Errorf("Get after the TTL: ok = true, want false")
	}
}

func TestHandle_Unanswered(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for _, test := range []struct {
		name       string
		withSender bool
		m          bot.Message
		want       map[string]string
	}{
		{"group, no user id", false, bot.Message{InGroup: true, Chat: "@@g", Sender: "@u", SenderName: "小明", Identity: "小明备注", Text: "怎么做红烧肉", Time: t0},
			map[string]string{"chat": "group", "question": "怎么做红烧肉", "time": "2026-11-25T09:00:00Z"}},
		{"dm with sender configured", true, bot.Message{Chat: "@u", Sender: "@u", Identity: "小明备注", Text: "红烧肉要炖多久", Time: t0},
			map[string]string{"chat": "direct", "question": "红烧肉要炖多久", "sender": "小明备注"}},
	} {
		t.Run(test.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "unanswered.jsonl")
			a := newAnswerer(t)
			a.Unanswered = &bot.UnansweredLog{Path: path, WithSender: test.withSender}
			if err := a.Handle(context.Background(), &recorder{}, test.m); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(path); err != nil {
				t.Error(err)
			} else if fi.Mode().Perm() != 0o600 {
				t.Errorf("log file mode = %v, want -rw-------", fi.Mode())
			}
			var got map[string]string
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatalf("%s: %v", data, err)
			}
			for k, v := range test.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q (line %s)", k, got[k], v, data)
				}
			}
			if !test.withSender {
				for _, id := range []string{"@u", "小明", "@@g"} {
					if strings.Contains(string(data), id) {
						t.Errorf("line %s holds user id %q", data, id)
					}
				}
			}
		})
	}
	t.Run("answered questions are not logged", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "unanswered.jsonl")
		a := newAnswerer(t)
		a.Unanswered = &bot.UnansweredLog{Path: path}
		if err := a.Handle(context.Background(), &recorder{}, bot.Message{Text: "文网文"}); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("log exists after an answered question (err = %v)", err)
		}
	})
	t.Run("a failed write does not stop the reply", func(t *testing.T) {
		a := newAnswerer(t)
		a.Unanswered = &bot.UnansweredLog{Path: filepath.Join(t.TempDir(), "missing-dir", "unanswered.jsonl")}
		rec := &recorder{}
		if err := a.Handle(context.Background(), rec, bot.Message{Text: "怎么做红烧肉"}); err != nil {
			t.Fatal(err)
		}
		if len(rec.replies) != 1 || !strings.Contains(rec.replies[0], "帮助") {
			t.Errorf("replies = %q, want the decline", rec.replies)
		}
	})
	t.Run("bounded size", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "unanswered.jsonl")
		l := &bot.UnansweredLog{Path: path, Max: 1000}
		for range 100 {
			if err := l.Record(bot.Message{Time: t0}, "一个答不上来的问题"); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range []string{path, path + ".1"} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Size() > 1000 {
				t.Errorf("%s is %d bytes, want at most 1000", filepath.Base(p), fi.Size())
			}
		}
	})
}

// TestDecline_PromisesOnlyWhatIsLogged: the decline says the question was
// noted for the curators only when an unanswered log keeps it.
func TestDecline_PromisesOnlyWhatIsLogged(t *testing.T) {
	for _, logged := range []bool{false, true} {
		a := newAnswerer(t)
		if logged {
			a.Unanswered = &bot.UnansweredLog{Path: filepath.Join(t.TempDir(), "unanswered.jsonl")}
		}
		rep, _, err := a.Answer(context.Background(), "红烧肉要炖多久")
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(rep.Text(), "记下来"); rep.Kind != bot.KindDecline || got != logged {
			t.Errorf("logged=%v: %s reply %q; want a decline that says it was noted only when it is", logged, rep.Kind, rep.Text())
		}
	}
}
