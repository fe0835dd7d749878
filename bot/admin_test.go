package bot_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/knowledge"
)

func TestAdmin(t *testing.T) {
	kb := &knowledge.Base{Version: "0123456789abcdef", Categories: make([]*knowledge.Category, 3), Licences: make([]*knowledge.Licence, 2)}
	reloads := 0
	newAdmin := func() *bot.Admin {
		return &bot.Admin{
			Identities: []string{"管理员小王"},
			Reload: func(context.Context) (*knowledge.Base, error) {
				reloads++
				return kb, nil
			},
			Base:  func() *knowledge.Base { return kb },
			Stats: bot.NewStats(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)),
			Now:   func() time.Time { return time.Date(2026, 11, 26, 10, 30, 0, 0, time.UTC) },
		}
	}
	for _, test := range []struct {
		name       string
		m          bot.Message
		want       string
		wantReload bool
	}{
		{"owner reindex", bot.Message{Owner: true, Text: "/reindex"}, "索引已重建，用时0毫秒：类目3个、资质2个、流程0个、同义词0个。知识库版本0123456789ab。", true},
		{"remark-name admin", bot.Message{Identity: "管理员小王", SenderName: "随便", Text: " /REINDEX "}, "索引已重建", true},
		{"stats", bot.Message{Owner: true, Text: "/stats"}, "运行时间：1天1小时30分钟\n已回答：0\n未回答：0\n知识库版本：0123456789ab", false},
		{"nickname is not an identity", bot.Message{SenderName: "管理员小王", Text: "/reindex"}, "只有管理员在私聊中才能使用", false},
		{"stranger", bot.Message{Identity: "路人", Text: "/stats"}, "只有管理员在私聊中才能使用", false},
		{"admin in a group", bot.Message{InGroup: true, Identity: "管理员小王", Text: "/reindex"}, "只有管理员在私聊中才能使用", false},
		{"owner in a group", bot.Message{InGroup: true, Owner: true, Text: "/stats"}, "只有管理员在私聊中才能使用", false},
		{"not a command", bot.Message{Owner: true, Text: "/reindex 现在"}, "/reindex 现在", false},
	} {
		t.Run(test.name, func(t *testing.T) {
			reloads = 0
			rec := &recorder{}
			h := bot.Chain(echo, newAdmin().Middleware)
			if err := h(context.Background(), rec, test.m); err != nil {
				t.Fatal(err)
			}
			if len(rec.replies) != 1 || !strings.Contains(rec.replies[0], test.want) {
				t.Errorf("replies = %q, want one containing %q", rec.replies, test.want)
			}
			if got := reloads > 0; got != test.wantReload {
				t.Errorf("reloaded = %v, want %v", got, test.wantReload)
			}
		})
	}
}

func TestAdmin_StatsTop(t *testing.T) {
	stats := bot.NewStats(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	a := &bot.Admin{Stats: stats, Now: func() time.Time { return time.Date(2026, 11, 25, 9, 5, 0, 0, time.UTC) }}
	ans := &bot.Answerer{Searcher: searchFunc(func(context.Context, string, int) (knowledge.Result, error) {
		return knowledge.Result{Decision: knowledge.None}, nil
	}), Stats: stats}
	long := strings.Repeat("很长的问题", 20)
	for _, q := range []string{"红烧肉", "天气", "红烧肉", long, "红烧肉", "天气", "a", "b"} {
		if err := ans.Handle(context.Background(), &recorder{}, bot.Message{Text: q}); err != nil {
			t.Fatal(err)
		}
	}
	rec := &recorder{}
	if err := bot.Chain(echo, a.Middleware)(context.Background(), rec, bot.Message{Owner: true, Text: "/stats"}); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rec.replies, "\n")
	want := "运行时间：5分钟\n已回答：0\n未回答：8\n"
	if !strings.HasPrefix(got, want) {
		t.Errorf("stats =\n%s\nwant it to start\n%s", got, want)
	}
	for _, w := range []string{"1. 红烧肉（3次）\n2. 天气（2次）\n3. a（1次）\n4. b（1次）\n5. 很长的问题很长", "…（1次）"} {
		if !strings.Contains(got, w) {
			t.Errorf("stats =\n%s\nwant %q", got, w)
		}
	}
	if n := strings.Count(got, "次）"); n != 5 {
		t.Errorf("stats lists %d questions, want the top 5", n)
	}
}

func TestAdmin_ReindexFails(t *testing.T) {
	var errs []error
	for i := range 14 {
		errs = append(errs, &knowledge.LoadError{Pos: knowledge.Pos{File: "categories/01-社交.yaml", Line: i + 1}, Err: errors.New(`unknown key "anwser"`)})
	}
	a := &bot.Admin{Reload: func(context.Context) (*knowledge.Base, error) { return nil, errors.Join(errs...) }}
	rec := &recorder{}
	if err := bot.Chain(echo, a.Middleware)(context.Background(), rec, bot.Message{Owner: true, Text: "/reindex"}); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rec.replies, "\n")
	for _, w := range []string{"旧索引继续使用", "categories/01-社交.yaml:1: unknown key \"anwser\"", "categories/01-社交.yaml:10: unknown", "另有4个问题"} {
		if !strings.Contains(got, w) {
			t.Errorf("reply =\n%s\nwant %q", got, w)
		}
	}
	if strings.Contains(got, "01-社交.yaml:11:") {
		t.Errorf("reply =\n%s\nwant at most 10 error lines", got)
	}
}

// TestAdmin_ReindexOnce starts a second /reindex while the first is running:
// it is told to wait, and only one reload runs.
func TestAdmin_ReindexOnce(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	running, maxRunning, calls := 0, 0, 0
	a := &bot.Admin{Reload: func(context.Context) (*knowledge.Base, error) {
		mu.Lock()
		running++
		calls++
		maxRunning = max(maxRunning, running)
		mu.Unlock()
		if calls == 1 {
			close(started)
		}
		<-release
		mu.Lock()
		running--
		mu.Unlock()
		return &knowledge.Base{}, nil
	}}
	h := bot.Chain(echo, a.Middleware)
	first := &recorder{}
	done := make(chan error)
	go func() { done <- h(context.Background(), first, bot.Message{Owner: true, Text: "/reindex"}) }()
	<-started
	second := &recorder{}
	if err := h(context.Background(), second, bot.Message{Owner: true, Text: "/reindex"}); err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(second.replies) != 1 || !strings.Contains(second.replies[0], "正在重建索引") {
		t.Errorf("second reindex replies = %q, want the busy notice", second.replies)
	}
	if len(first.replies) != 1 || !strings.Contains(first.replies[0], "索引已重建") {
		t.Errorf("first reindex replies = %q, want success", first.replies)
	}
	if calls != 1 || maxRunning != 1 {
		t.Errorf("reloads = %d, at most %d at once; want 1 and 1", calls, maxRunning)
	}
}
