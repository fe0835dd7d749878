package wechat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/bot/wechat"
)

// partsBot replies to every message with the parts its text lists,
// separated by "|", as one reply.
func partsBot(ctx context.Context, r bot.Replier, m bot.Message) error {
	return bot.Send(ctx, r, strings.Split(m.Text, "|"))
}

func startFake(t *testing.T, ctx context.Context, cfg wechat.Config, h bot.HandlerFunc) (*fakeWeChat, context.CancelFunc, <-chan error) {
	t.Helper()
	fake := newFakeWeChat(t)
	fake.setScan("201", "200")
	cfg.LoginFile = filepath.Join(t.TempDir(), "login.json")
	cfg.Transport = fake
	runCtx, stop := context.WithCancel(ctx)
	done := start(runCtx, cfg, h)
	waitFor(ctx, t, "the first synccheck", func() bool { return fake.count("/cgi-bin/mmwebwx-bin/synccheck") > 0 })
	return fake, stop, done
}

// TestSend_ReplyWholeOrNothing: a full queue used to cut a reply after its
// first part, and a part that failed twice was dropped while the parts
// after it went out ("（2/3）（3/3）" without the first).
func TestSend_ReplyWholeOrNothing(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var mu sync.Mutex
	var errs []error
	h := func(ctx context.Context, r bot.Replier, m bot.Message) error {
		if err := partsBot(ctx, r, m); err != nil {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		}
		return nil
	}
	fake, stop, done := startFake(t, ctx, wechat.Config{
		SendInterval: 20 * time.Millisecond, SendJitter: time.Millisecond, QueueSize: 4,
	}, h)
	now := time.Now()
	// Fill the queue: 3 of 4 places; the next reply of 3 parts does not fit
	// and must not be cut to its first part.
	fake.push(textMsg(1, "@bob0001", selfUser, "a1|a2|a3", now), textMsg(2, "@carol0001", selfUser, "b1|b2|b3", now))
	waitUntil(ctx, t, fake, func(s []sentMsg) bool { return len(s) >= 3 })
	time.Sleep(50 * time.Millisecond)
	sent := fake.sentMessages()
	var got []string
	for _, s := range sent {
		got = append(got, s.Content)
	}
	if strings.Join(got, " ") != "a1 a2 a3" {
		t.Errorf("sent %q, want the first reply whole and none of the second", got)
	}
	mu.Lock()
	if len(errs) != 1 {
		t.Errorf("handler errors = %v, want one: the second reply refused whole", errs)
	}
	mu.Unlock()

	// The first part of a reply fails twice: the rest of it is not sent.
	fake.failSends(2)
	fake.push(textMsg(3, "@bob0001", selfUser, "c1|c2|c3", time.Now()))
	waitFor(ctx, t, "two failed attempts", func() bool { return len(fake.sendAttempts()) >= 5 })
	fake.push(textMsg(4, "@bob0001", selfUser, "d1", time.Now()))
	sent = waitUntil(ctx, t, fake, func(s []sentMsg) bool { return len(s) >= 4 })
	if last := sent[len(sent)-1].Content; len(sent) != 4 || last != "d1" {
		t.Errorf("sent %v, want the failed reply dropped whole and d1 sent", sent)
	}
	stop()
	if err := wait(ctx, done); err != nil {
		t.Fatal(err)
	}
}

// TestSend_FairChats: one queue used to serve every chat in arrival order,
// so a quiet chat waited behind all of a busy group's replies.
func TestSend_FairChats(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var fake *fakeWeChat
	var mu sync.Mutex
	handled, sentBeforeQuiet := 0, -1
	h := func(ctx context.Context, r bot.Replier, m bot.Message) error {
		// Count what went out once the reply is queued: a busy machine may
		// send more of the busy chat between the handler's start and then.
		err := partsBot(ctx, r, m)
		mu.Lock()
		handled++
		if m.Text == "carol" {
			sentBeforeQuiet = len(fake.sentMessages())
		}
		mu.Unlock()
		return err
	}
	fake, stop, done := startFake(t, ctx, wechat.Config{
		SendInterval: 30 * time.Millisecond, SendJitter: time.Millisecond,
	}, h)
	now := time.Now()
	var busy []map[string]any
	for i := range 10 {
		busy = append(busy, textMsg(10+i, "@bob0001", selfUser, fmt.Sprintf("bob%d", i), now))
	}
	fake.push(busy...)
	waitFor(ctx, t, "the busy chat's messages handled", func() bool { mu.Lock(); defer mu.Unlock(); return handled == 10 })
	fake.push(textMsg(99, "@carol0001", selfUser, "carol", now))
	sent := waitUntil(ctx, t, fake, func(s []sentMsg) bool { return len(s) == 11 })
	pos := -1
	for i, s := range sent {
		if s.Content == "carol" {
			pos = i
		}
	}
	mu.Lock()
	// At most the reply being sent and one taken meanwhile go before it.
	if pos > sentBeforeQuiet+2 {
		t.Errorf("the quiet chat's reply went out %d-th of %d, %d after it was queued; want the next turn", pos+1, len(sent), pos-sentBeforeQuiet)
	}
	mu.Unlock()
	for i, want := 0, 0; i < len(sent); i++ {
		if sent[i].Content == "carol" {
			continue
		}
		if sent[i].Content != fmt.Sprintf("bob%d", want) {
			t.Errorf("busy chat's replies out of order: %v", sent)
			break
		}
		want++
	}
	stop()
	if err := wait(ctx, done); err != nil {
		t.Fatal(err)
	}
}

// TestSyncCheck_TooOften: a synccheck retcode 1205 used to stop polling for
// about 40 s (30 retry backoffs), and five of them dropped the session.
// Now the sends slow down, polling resumes after a short pause, and the
// session stays.
func TestSyncCheck_TooOften(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	logs := &transporttest.Buffer{}
	log := slogJSON(logs)
	const backoff = 10 * time.Millisecond
	fake, stop, done := startFake(t, ctx, wechat.Config{
		SendInterval: time.Millisecond, SendJitter: time.Millisecond, RetryBackoff: backoff, Log: log,
	}, partsBot)
	before := fake.count("/cgi-bin/mmwebwx-bin/synccheck")
	fake.failSyncChecks("1205", "1205", "1205", "1205", "1205", "1205")
	waitFor(ctx, t, "six 1205s", func() bool { return fake.count("/cgi-bin/mmwebwx-bin/synccheck") >= before+7 })
	fake.push(textMsg(1, "@bob0001", selfUser, "你好", time.Now()))
	waitUntil(ctx, t, fake, func(s []sentMsg) bool { return len(s) == 1 })
	if n := fake.count("/cgi-bin/mmwebwx-bin/webwxinit"); n != 1 {
		t.Errorf("webwxinit calls = %d, want 1: a 1205 is not a broken session", n)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var e struct {
			Msg    string `json:"msg"`
			PollIn string `json:"poll_in"`
		}
		json.Unmarshal([]byte(line), &e)
		if !strings.Contains(e.Msg, "operates too often") {
			continue
		}
		n++
		d, err := time.ParseDuration(e.PollIn)
		if err != nil || d > 4*backoff*3/2 {
			t.Errorf("polling paused %s after a 1205, want at most %s", e.PollIn, 4*backoff*3/2)
		}
	}
	if n != 6 {
		t.Errorf("%d log lines about 1205, want 6:\n%s", n, logs)
	}
	stop()
	if err := wait(ctx, done); err != nil {
		t.Fatal(err)
	}
}

func slogJSON(w *transporttest.Buffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, nil))
}
