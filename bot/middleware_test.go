package bot_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/knowledge"
)

// echo is the end of a chain in middleware tests: it replies with the text it got.
func echo(ctx context.Context, r bot.Replier, m bot.Message) error { return r.Reply(ctx, m.Text) }

func TestTriggers(t *testing.T) {
	tr := bot.Triggers{Prefix: "资质", Names: []string{"资质助手", "小助手"}}
	allow := bot.Triggers{Prefix: "资质", Names: []string{"资质助手"}, Groups: []string{"开发群"}}
	for _, test := range []struct {
		name string
		tr   bot.Triggers
		m    bot.Message
		want string // "" means ignored
	}{
		{"dm", tr, bot.Message{Text: " 直播要什么资质 "}, "直播要什么资质"},
		{"dm keeps a leading prefix word", tr, bot.Message{Text: "资质怎么办"}, "资质怎么办"},
		{"own message", tr, bot.Message{Text: "直播", FromSelf: true}, ""},
		{"non-text", tr, bot.Message{Text: "[图片]", NotText: true}, ""},
		{"empty dm", tr, bot.Message{Text: "  \u2005 "}, ""},
		{"group without trigger", tr, bot.Message{InGroup: true, Text: "直播要什么资质"}, ""},
		{"group mention", tr, bot.Message{InGroup: true, Mentioned: true, Text: "@资质助手\u2005直播要什么资质"}, "直播要什么资质"},
		{"group mention at the end", tr, bot.Message{InGroup: true, Mentioned: true, Text: "直播要什么资质 @小助手"}, "直播要什么资质"},
		{"group mention vouched, typed with a space", tr, bot.Message{InGroup: true, Mentioned: true, Text: "@智能机器人 EDI是什么"}, "EDI是什么"},
		{"group mention of another name", tr, bot.Message{InGroup: true, Mentioned: true, Text: "@群里的昵称\u2005EDI是什么"}, "EDI是什么"},
		{"group mention keeps the word 资质", tr, bot.Message{InGroup: true, Text: "@资质助手\u2005资质审核被驳回怎么办"}, "资质审核被驳回怎么办"},
		{"group mention found without the transport", tr, bot.Message{InGroup: true, Text: "@小助手 EDI是什么"}, "EDI是什么"},
		{"group mention of the card name", tr, bot.Message{InGroup: true, BotNames: []string{"审核小助理"}, Text: "@审核小助理\u2005EDI是什么"}, "EDI是什么"},
		{"group mention of a longer name", tr, bot.Message{InGroup: true, Text: "@资质助手粉丝 EDI是什么"}, ""},
		{"group prefix glued to a word", tr, bot.Message{InGroup: true, Text: "资质审核被驳回怎么办"}, ""},
		{"group chatter", tr, bot.Message{InGroup: true, Text: "资质这东西真麻烦"}, ""},
		{"group prefix as a command", tr, bot.Message{InGroup: true, Text: "/资质 EDI是什么"}, "EDI是什么"},
		{"group bare number without a list", tr, bot.Message{InGroup: true, Chat: "g", Sender: "a", Text: "2"}, ""},
		{"group mention only", tr, bot.Message{InGroup: true, Mentioned: true, Text: "@资质助手\u2005"}, ""},
		{"group prefix", tr, bot.Message{InGroup: true, Text: "资质：电商平台需要什么"}, "电商平台需要什么"},
		{"group prefix and a space", tr, bot.Message{InGroup: true, Text: "资质 电商平台需要什么"}, "电商平台需要什么"},
		{"group prefix with comma", tr, bot.Message{InGroup: true, Text: "资质，EDI"}, "EDI"},
		{"group prefix only", tr, bot.Message{InGroup: true, Text: "资质"}, ""},
		{"group prefix not at start", tr, bot.Message{InGroup: true, Text: "问个资质问题"}, ""},
		{"allow-listed group", allow, bot.Message{InGroup: true, ChatName: "开发群", Text: "资质 EDI"}, "EDI"},
		{"group not on the allow-list", allow, bot.Message{InGroup: true, ChatName: "闲聊群", Mentioned: true, Text: "@资质助手 EDI"}, ""},
		{"allow-list does not touch dms", allow, bot.Message{ChatName: "某人", Text: "EDI"}, "EDI"},
	} {
		t.Run(test.name, func(t *testing.T) {
			rec := &recorder{}
			h := bot.Chain(echo, test.tr.Middleware)
			if err := h(context.Background(), rec, test.m); err != nil {
				t.Fatal(err)
			}
			var got string
			if len(rec.replies) > 0 {
				got = rec.replies[0]
			}
			if got != test.want {
				t.Errorf("handled text = %q, want %q", got, test.want)
			}
		})
	}
}

// TestTriggers_ListNumber checks that a bare number in a group reaches the
// bot from the person whose list is live there, and from nobody else.
func TestTriggers_ListNumber(t *testing.T) {
	t.Parallel()
	f := bot.NewFollowUps(time.Minute, 10)
	now := time.Now()
	f.Put("g\x00alice", bot.Pending{Hits: make([]knowledge.Hit, 3)}, now)
	tr := bot.Triggers{Prefix: "资质", Names: []string{"资质助手"}, FollowUps: f}
	for _, test := range []struct {
		name string
		m    bot.Message
		want string
	}{
		{"the list's owner", bot.Message{InGroup: true, Chat: "g", Sender: "alice", Text: "2", Time: now}, "2"},
		{"the list's owner, in words", bot.Message{InGroup: true, Chat: "g", Sender: "alice", Text: "第2个", Time: now}, "第2个"},
		{"someone else", bot.Message{InGroup: true, Chat: "g", Sender: "bob", Text: "2", Time: now}, ""},
		{"the owner in another group", bot.Message{InGroup: true, Chat: "h", Sender: "alice", Text: "2", Time: now}, ""},
		{"after the list expired", bot.Message{InGroup: true, Chat: "g", Sender: "alice", Text: "2", Time: now.Add(time.Hour)}, ""},
		{"not a number", bot.Message{InGroup: true, Chat: "g", Sender: "alice", Text: "好的", Time: now}, ""},
	} {
		rec := &recorder{}
		if err := bot.Chain(echo, tr.Middleware)(context.Background(), rec, test.m); err != nil {
			t.Fatal(err)
		}
		got := ""
		if len(rec.replies) > 0 {
			got = rec.replies[0]
		}
		if got != test.want {
			t.Errorf("%s: handled %q, want %q", test.name, got, test.want)
		}
	}
}

// failingReplier fails every send.
type failingReplier struct{ n int }

func (r *failingReplier) Reply(context.Context, string) error {
	r.n++
	return errors.New("wechat: send: connection reset")
}

func TestReplyOnError(t *testing.T) {
	for _, test := range []struct {
		name    string
		h       bot.HandlerFunc
		logText bool
		wantLog []string
		notLog  []string
	}{
		{"error", func(context.Context, bot.Replier, bot.Message) error { return errors.New("index: search: boom") },
			false, []string{"index: search: boom"}, []string{"秘密问题"}},
		{"panic", func(context.Context, bot.Replier, bot.Message) error { panic("nil map") },
			false, []string{"panic: nil map"}, []string{"秘密问题"}},
		{"error with text logged", func(context.Context, bot.Replier, bot.Message) error { return errors.New("boom") },
			true, []string{"boom", "秘密问题"}, nil},
	} {
		t.Run(test.name, func(t *testing.T) {
			var log bytes.Buffer
			h := bot.Chain(test.h, bot.ReplyOnError(slog.New(slog.NewTextHandler(&log, nil)), test.logText))
			rec := &recorder{}
			if err := h(context.Background(), rec, bot.Message{Chat: "c1", Text: "秘密问题"}); err != nil {
				t.Fatalf("err = %v, want nil (handled once)", err)
			}
			if len(rec.replies) != 1 || strings.Contains(rec.replies[0], "boom") || strings.Contains(rec.replies[0], "panic") {
				t.Fatalf("replies = %q, want one apology without internal detail", rec.replies)
			}
			if n := strings.Count(log.String(), "level=ERROR"); n != 1 {
				t.Errorf("logged %d errors, want 1:\n%s", n, log.String())
			}
			for _, w := range test.wantLog {
				if !strings.Contains(log.String(), w) {
					t.Errorf("log = %s\nwant %q", log.String(), w)
				}
			}
			for _, n := range test.notLog {
				if strings.Contains(log.String(), n) {
					t.Errorf("log = %s\nwant no %q", log.String(), n)
				}
			}
		})
	}
	t.Run("no error", func(t *testing.T) {
		var log bytes.Buffer
		h := bot.Chain(echo, bot.ReplyOnError(slog.New(slog.NewTextHandler(&log, nil)), false))
		rec := &recorder{}
		if err := h(context.Background(), rec, bot.Message{Text: "EDI"}); err != nil || len(rec.replies) != 1 || rec.replies[0] != "EDI" || log.Len() > 0 {
			t.Errorf("err = %v, replies = %q, log = %q; want the handler's reply only", err, rec.replies, log.String())
		}
	})
	t.Run("apology cannot be sent", func(t *testing.T) {
		h := bot.Chain(echo, bot.ReplyOnError(slog.New(slog.DiscardHandler), false))
		r := &failingReplier{}
		err := h(context.Background(), r, bot.Message{Text: "EDI"})
		if err == nil || r.n != 2 {
			t.Errorf("err = %v after %d sends; want the apology's send error after 2 sends", err, r.n)
		}
	})
}
