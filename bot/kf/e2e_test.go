package kf_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/kf"
	"github.com/qualbot/qualbot/bot/kf/kftest"
	"github.com/qualbot/qualbot/bot/transporttest"
)

// recorder is the test's handler: it answers "收到" with the message id,
// and keeps what it was given. "多条" asks for six messages one by one,
// "长" for a reply too long for the quota, "慢" blocks until released.
type recorder struct {
	mu      sync.Mutex
	got     []bot.Message
	errs    []error
	release chan struct{}
	started chan string
}

func newRecorder() *recorder {
	return &recorder{release: make(chan struct{}), started: make(chan string, 10)}
}

func (rec *recorder) handle(ctx context.Context, r bot.Replier, m bot.Message) error {
	rec.mu.Lock()
	rec.got = append(rec.got, m)
	rec.mu.Unlock()
	var err error
	switch m.Text {
	case "多条":
		var errs []error
		for i := range 6 {
			errs = append(errs, r.Reply(ctx, fmt.Sprintf("第%d条", i+1)))
		}
		rec.mu.Lock()
		rec.errs = errs
		rec.mu.Unlock()
		return nil
	case "长":
		parts := make([]string, 6)
		for i := range parts {
			parts[i] = strings.Repeat("资", 600) // 1800 bytes: one message each
		}
		err = bot.Send(ctx, r, parts)
	case "慢":
		rec.started <- m.ID
		<-rec.release
		err = bot.Send(ctx, r, []string{"收到 " + m.ID})
	default:
		err = bot.Send(ctx, r, []string{"收到 " + m.ID})
	}
	return err
}

func (rec *recorder) ids() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var ids []string
	for _, m := range rec.got {
		ids = append(ids, m.ID)
	}
	return ids
}

// harness runs the kf transport against the fake, on one address across
// restarts.
type harness struct {
	t     *testing.T
	fake  *kftest.Server
	state string
	addr  string
	logs  *transporttest.Buffer
	log   *slog.Logger
}

func newHarness(t *testing.T) *harness {
	fake := kftest.New()
	t.Cleanup(fake.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logs := &transporttest.Buffer{}
	h := &harness{t: t, fake: fake, state: filepath.Join(t.TempDir(), "kf-state.json"), addr: addr, logs: logs,
		log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	fake.Callback = "http://" + addr + kf.DefaultPath
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("transport log:\n%s", logs.String())
		}
	})
	return h
}

func (h *harness) config() kf.Config {
	return kf.Config{
		CorpID: h.fake.CorpID, Secret: h.fake.Secret, Token: h.fake.Token,
		EncodingAESKey: h.fake.EncodingAESKey, OpenKfID: h.fake.OpenKfID,
		Addr: h.addr, BaseURL: h.fake.URL(), StateFile: h.state, Log: h.log,
		DrainTimeout: 2 * time.Second,
	}
}

// start runs a transport until the returned stop is called.
func (h *harness) start(hf bot.HandlerFunc) (stop func()) {
	tr, err := kf.New(h.config())
	if err != nil {
		h.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx, hf) }()
	select {
	case <-tr.Ready():
	case err := <-done:
		h.t.Fatalf("Run: %v", err)
	}
	return func() {
		cancel()
		if err := <-done; err != nil {
			h.t.Errorf("Run = %v, want nil after cancel", err)
		}
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func sentTo(f *kftest.Server, user string) []string {
	var out []string
	for _, s := range f.Sent() {
		if s.To == user {
			out = append(out, s.Text)
		}
	}
	return out
}

func TestEndToEnd(t *testing.T) {
	h := newHarness(t)
	rec := newRecorder()
	stop := h.start(rec.handle)
	defer func() { stop() }()
	f := h.fake

	t.Run("URL verification", func(t *testing.T) {
		got, want, err := f.VerifyURL()
		if err != nil || got != want {
			t.Errorf("VerifyURL = %q, %v; want %q", got, err, want)
		}
	})

	t.Run("a message is answered", func(t *testing.T) {
		id, err := f.Say("wmAlice", "你好")
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the answer", func() bool { return len(sentTo(f, "wmAlice")) == 1 })
		if got := sentTo(f, "wmAlice")[0]; got != "收到 "+id {
			t.Errorf("sent %q, want 收到 %s", got, id)
		}
		if st := f.State("wmAlice"); st != kftest.StateAssistant {
			t.Errorf("session state = %d, want %d (智能助手接待)", st, kftest.StateAssistant)
		}
		m := rec.got[0]
		if m.Chat != "kf:wmAlice" || m.Identity != "kf:wmAlice" || m.InGroup || m.Text != "你好" {
			t.Errorf("message = %+v", m)
		}
	})

	t.Run("bad signature", func(t *testing.T) {
		req, err := f.CallbackRequest(f.NewSyncToken(), "0123456789012345678901234567890123456789")
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status = %d, want 403", resp.StatusCode)
		}
		if !strings.Contains(h.logs.String(), "callback refused") {
			t.Errorf("the refusal was not logged")
		}
	})

	t.Run("replayed msgid", func(t *testing.T) {
		before := len(rec.ids())
		f.Replay(rec.ids()[0])
		id, err := f.Say("wmBob", "第二个问题")
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "Bob's answer", func() bool { return len(sentTo(f, "wmBob")) == 1 })
		if got := rec.ids()[before:]; len(got) != 1 || got[0] != id {
			t.Errorf("handled %v after the replay, want only %s", got, id)
		}
	})

	t.Run("expired access token", func(t *testing.T) {
		tokens := f.Calls("gettoken")
		f.ExpireAccessTokens()
		if _, err := f.Say("wmCarol", "问题"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "Carol's answer", func() bool { return len(sentTo(f, "wmCarol")) == 1 })
		if got := f.Calls("gettoken") - tokens; got != 1 {
			t.Errorf("gettoken called %d more times, want 1", got)
		}
	})

	t.Run("expired sync token", func(t *testing.T) {
		old := f.NewSyncToken()
		f.SetClock(func() time.Time { return time.Now().Add(11 * time.Minute) })
		defer f.SetClock(time.Now)
		f.Add("wmDan", "问题")
		req, err := f.CallbackRequest(old, "")
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		waitFor(t, "Dan's answer", func() bool { return len(sentTo(f, "wmDan")) == 1 })
	})

	t.Run("quota of five per user message", func(t *testing.T) {
		if _, err := f.Say("wmErin", "多条"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the six replies", func() bool { rec.mu.Lock(); defer rec.mu.Unlock(); return len(rec.errs) == 6 })
		for i, err := range rec.errs {
			if i < 5 && err != nil {
				t.Errorf("reply %d: %v", i+1, err)
			}
			if i == 5 && !errors.Is(err, kf.ErrQuota) {
				t.Errorf("reply 6: err = %v, want ErrQuota", err)
			}
		}
		if got := sentTo(f, "wmErin"); len(got) != 5 {
			t.Errorf("sent %d messages, want 5", len(got))
		}
		// A reply too long for the quota goes out not at all.
		if _, err := f.Say("wmFay", "长"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the long reply to be refused", func() bool { return strings.Contains(h.logs.String(), "quota") })
		if got := sentTo(f, "wmFay"); len(got) != 0 {
			t.Errorf("sent %d messages of a reply over the quota, want none", len(got))
		}
	})

	t.Run("a person has the session", func(t *testing.T) {
		f.SetState("wmGus", kftest.StatePerson)
		before := len(rec.ids())
		if _, err := f.Say("wmGus", "人工在吗"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the log line", func() bool { return strings.Contains(h.logs.String(), "session is with a person") })
		if got := len(rec.ids()) - before; got != 0 {
			t.Errorf("handled %d messages of a session a person has", got)
		}
	})

	t.Run("send_msg fails", func(t *testing.T) {
		f.FailSends(1)
		if _, err := f.Say("wmHal", "问题"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the failure to be logged", func() bool { return strings.Contains(h.logs.String(), "system busy") })
		if got := sentTo(f, "wmHal"); len(got) != 0 {
			t.Errorf("sent %q after a failed send", got)
		}
		// The next message is answered as usual.
		if _, err := f.Say("wmHal", "再问一次"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the next answer", func() bool { return len(sentTo(f, "wmHal")) == 1 })
	})

	t.Run("send failure event", func(t *testing.T) {
		f.AddSendFail("wmAlice", "sent0001", 1)
		if err := f.Notify(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the warning", func() bool { return strings.Contains(h.logs.String(), "could not deliver") })
	})
}

// TestRestart stops the transport while a page of messages is half
// answered, adds a message while it is down, and starts it again: every
// message is answered exactly once.
func TestRestart(t *testing.T) {
	h := newHarness(t)
	h.fake.PageSize = 2
	f := h.fake

	// The first start: messages from before it are not answered.
	f.AddAt("wmOld", "很久以前的问题", time.Now().Add(-time.Hour))
	rec := newRecorder()
	stop := h.start(rec.handle)
	waitFor(t, "the first sync", func() bool { return f.Calls("kf/sync_msg") > 0 })

	slow := f.Add("wmA", "慢")
	second := f.Add("wmB", "问题二")
	third := f.Add("wmC", "问题三")
	if err := f.Notify(); err != nil {
		t.Fatal(err)
	}
	<-rec.started
	// The callback is answered while the handler is still busy.
	if err := f.Notify(); err != nil {
		t.Fatalf("callback during a slow answer: %v", err)
	}
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	time.Sleep(20 * time.Millisecond) // let shutdown begin; the slow answer still goes out
	close(rec.release)
	<-stopped
	if got := rec.ids(); len(got) != 1 || got[0] != slow {
		t.Fatalf("before the restart handled %v, want only %s", got, slow)
	}
	if got := sentTo(f, "wmA"); len(got) != 1 {
		t.Errorf("the slow message got %d answers, want 1", len(got))
	}

	fourth := f.Add("wmD", "停机时的问题") // no callback reaches a stopped bot
	rec2 := newRecorder()
	stop2 := h.start(rec2.handle)
	defer stop2()
	waitFor(t, "the messages after the restart", func() bool { return len(rec2.ids()) == 3 })
	want := []string{second, third, fourth}
	if got := rec2.ids(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after the restart handled %v, want %v", got, want)
	}
	if got := sentTo(f, "wmOld"); len(got) != 0 {
		t.Errorf("a message from before the first start was answered")
	}
	if got := sentTo(f, "wmA"); len(got) != 1 {
		t.Errorf("the slow message got %d answers in all, want 1", len(got))
	}
}

func TestNew_MissingSettings(t *testing.T) {
	_, err := kf.New(kf.Config{CorpID: "ww1"})
	if err == nil || !strings.Contains(err.Error(), "Secret") || !strings.Contains(err.Error(), "StateFile") {
		t.Errorf("New = %v, want the missing settings named", err)
	}
}
