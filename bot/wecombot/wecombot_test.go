package wecombot_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/bot/wecombot"
	"github.com/qualbot/qualbot/bot/wecombot/wecombottest"
)

type recorder struct {
	mu  sync.Mutex
	got []bot.Message
}

func (rec *recorder) handle(ctx context.Context, r bot.Replier, m bot.Message) error {
	rec.mu.Lock()
	rec.got = append(rec.got, m)
	rec.mu.Unlock()
	return bot.Send(ctx, r, []string{"收到", m.ID})
}

func (rec *recorder) messages() []bot.Message {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]bot.Message(nil), rec.got...)
}

func config(t *testing.T, fake *wecombottest.Server) wecombot.Config {
	logs := &transporttest.Buffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("transport log:\n%s", logs.String())
		}
	})
	return wecombot.Config{
		URL: fake.URL(), BotID: fake.BotID, Secret: fake.Secret,
		PingInterval: 20 * time.Millisecond, RetryBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		AckTimeout: 2 * time.Second,
		Log:        slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
}

// groupMessage has the fake deliver text from user in the group chat,
// waits for the answer, and returns the message the handler got.
func groupMessage(ctx context.Context, t *testing.T, fake *wecombottest.Server, rec *recorder, chat, user, text string) bot.Message {
	t.Helper()
	req, err := fake.Group(ctx, chat, user, text)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitAnswer(ctx, req); err != nil {
		t.Fatal(err)
	}
	ms := rec.messages()
	return ms[len(ms)-1]
}

func start(t *testing.T, cfg wecombot.Config, h bot.HandlerFunc) (cancel func(), done <-chan error) {
	tr, err := wecombot.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan error, 1)
	go func() { ch <- tr.Run(ctx, h) }()
	return cancel, ch
}

func TestEndToEnd(t *testing.T) {
	t.Parallel()
	ctx, cancelTest := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelTest()
	fake := wecombottest.New()
	defer fake.Close()
	rec := &recorder{}
	cancel, done := start(t, config(t, fake), rec.handle)
	defer cancel()
	if err := fake.WaitSubscribed(ctx, 1); err != nil {
		t.Fatal(err)
	}

	t.Run("single chat, streamed reply", func(t *testing.T) {
		req, err := fake.Single(ctx, "zhangsan", "做直播要什么证")
		if err != nil {
			t.Fatal(err)
		}
		answer, err := fake.WaitAnswer(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		m := rec.messages()[0]
		if answer != "收到\n\n"+m.ID {
			t.Errorf("answer = %q", answer)
		}
		frames := fake.Replies(req)
		if len(frames) != 2 || frames[0].Finish || !frames[1].Finish || frames[0].ID != frames[1].ID || frames[0].Content != answer {
			t.Errorf("stream frames = %+v, want the content, then the same stream finished", frames)
		}
		if m.InGroup || m.Mentioned || m.Chat != "wecom:zhangsan" || m.Identity != "wecom:zhangsan" || m.Text != "做直播要什么证" {
			t.Errorf("message = %+v", m)
		}
	})

	t.Run("group @-mention", func(t *testing.T) {
		m := groupMessage(ctx, t, fake, rec, "wrGROUP1", "lisi", "@资质助手 做直播要什么证")
		if !m.InGroup || !m.Mentioned || m.Chat != "wecom:wrGROUP1" || m.Sender != "wecom:lisi" || m.Text != "@资质助手 做直播要什么证" {
			t.Errorf("message = %+v", m)
		}
	})

	t.Run("heartbeat", func(t *testing.T) {
		if err := fake.WaitPings(ctx, fake.Pings()+3); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("redelivered message", func(t *testing.T) {
		first := rec.messages()[0]
		before := len(rec.messages())
		req, err := fake.Resend(ctx, first.ID, "zhangsan", "做直播要什么证")
		if err != nil {
			t.Fatal(err)
		}
		// A fresh message after it shows the redelivery was read and passed over.
		next, err := fake.Single(ctx, "zhangsan", "下一个问题")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fake.WaitAnswer(ctx, next); err != nil {
			t.Fatal(err)
		}
		if got := len(rec.messages()) - before; got != 1 {
			t.Errorf("handled %d messages, want 1 (the redelivery is skipped)", got)
		}
		if _, ok := fake.Answer(req); ok {
			t.Errorf("the redelivered message was answered")
		}
	})

	t.Run("server closes, bot reconnects", func(t *testing.T) {
		n := fake.Subscriptions()
		fake.Drop()
		if err := fake.WaitSubscribed(ctx, n+1); err != nil {
			t.Fatal(err)
		}
		req, err := fake.Single(ctx, "wangwu", "问题")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fake.WaitAnswer(ctx, req); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("unanswered heartbeats, bot reconnects", func(t *testing.T) {
		n := fake.Subscriptions()
		fake.IgnorePings(true)
		err := fake.WaitSubscribed(ctx, n+1)
		fake.IgnorePings(false)
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("replaced by another connection", func(t *testing.T) {
		conns := fake.Connections()
		if err := fake.Replace(ctx); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if !errors.Is(err, wecombot.ErrReplaced) {
				t.Errorf("Run = %v, want ErrReplaced", err)
			}
		case <-ctx.Done():
			t.Fatal("Run did not stop after being replaced")
		}
		if got := fake.Connections(); got != conns {
			t.Errorf("the bot connected %d more times after being replaced", got-conns)
		}
	})
}

func TestRun_BadSecretAndShutdown(t *testing.T) {
	t.Parallel()
	fake := wecombottest.New()
	defer fake.Close()
	cfg := config(t, fake)
	cfg.Secret = "wrong"
	_, done := start(t, cfg, (&recorder{}).handle)
	select {
	case err := <-done:
		var se *wecombot.SubscribeError
		if !errors.As(err, &se) {
			t.Errorf("Run = %v, want a *SubscribeError", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop on a refused subscription")
	}

	cancel, done := start(t, config(t, fake), (&recorder{}).handle)
	ctx, cancelWait := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelWait()
	if err := fake.WaitSubscribed(ctx, 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v after cancel, want nil", err)
		}
	case <-ctx.Done():
		t.Fatal("Run did not stop after cancel")
	}
}

// TestGroupMention_Names: WeCom does not tell the bot its name, so the
// configured names ride on every message (BotNames), and the bot's one
// mention rule takes exactly that mention off the text, even with no name
// in the triggers: a name with a space, and a mention of someone else
// before the bot's.
func TestGroupMention_Names(t *testing.T) {
	t.Parallel()
	ctx, cancelTest := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelTest()
	fake := wecombottest.New()
	defer fake.Close()
	rec := &recorder{}
	cfg := config(t, fake)
	cfg.Names = []string{"资质 小助手"}
	cancel, done := start(t, cfg, bot.Triggers{Prefix: "资质"}.Middleware(rec.handle))
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	}()
	if err := fake.WaitSubscribed(ctx, 1); err != nil {
		t.Fatal(err)
	}
	for _, test := range []struct{ text, want string }{
		{"@资质 小助手 做直播要什么证", "做直播要什么证"},
		{"@资质 小助手\u2005EDI是什么", "EDI是什么"},
		{"@张三 @资质 小助手 备案要多久", "@张三 备案要多久"},
	} {
		m := groupMessage(ctx, t, fake, rec, "wrGROUP1", "lisi", test.text)
		if m.Text != test.want || !slices.Equal(m.BotNames, cfg.Names) {
			t.Errorf("%q reached the handler as %q with names %q, want %q with %q", test.text, m.Text, m.BotNames, test.want, cfg.Names)
		}
	}
}
