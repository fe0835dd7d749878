package wechat_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/wechat"
)

// states records what Run reports for metrics: the login state and the
// send queue's depth.
type states struct {
	mu       sync.Mutex
	loggedIn []bool
	maxDepth int
	depth    int
}

func (s *states) login(ok bool) {
	s.mu.Lock()
	s.loggedIn = append(s.loggedIn, ok)
	s.mu.Unlock()
}

func (s *states) queue(n int) {
	s.mu.Lock()
	s.depth, s.maxDepth = n, max(s.maxDepth, n)
	s.mu.Unlock()
}

func (s *states) get() ([]bool, int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]bool(nil), s.loggedIn...), s.depth, s.maxDepth
}

// TestRun_Reports: Run reports the login and the send queue as they change.
func TestRun_Reports(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	fake := newFakeWeChat(t)
	fake.setScan("201", "200")
	st := &states{}
	// Three parts per reply, sent 20 ms apart: the queue fills, then drains.
	three := func(ctx context.Context, r bot.Replier, m bot.Message) error {
		for _, p := range []string{"一", "二", "三"} {
			if err := r.Reply(ctx, p); err != nil {
				return err
			}
		}
		return nil
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := start(runCtx, wechat.Config{
		LoginFile:    filepath.Join(t.TempDir(), "login.json"),
		SendInterval: 20 * time.Millisecond,
		SendJitter:   time.Millisecond,
		Transport:    fake,
		LoginState:   st.login,
		QueueDepth:   st.queue,
	}, three)
	waitFor(ctx, t, "the login to be reported", func() bool { l, _, _ := st.get(); return len(l) > 0 })
	fake.push(textMsg(1, "@bob0001", selfUser, "你好", time.Now()))
	waitUntil(ctx, t, fake, func(s []sentMsg) bool { return len(s) == 3 })
	waitFor(ctx, t, "the queue to drain", func() bool { _, d, _ := st.get(); return d == 0 })
	stop()
	if err := wait(ctx, done); err != nil {
		t.Fatal(err)
	}
	logins, depth, most := st.get()
	if len(logins) < 2 || !logins[0] || logins[len(logins)-1] {
		t.Errorf("login states %v, want true first and false after Run returned", logins)
	}
	if most < 2 || depth != 0 {
		t.Errorf("queue depth peaked at %d and ended at %d; want at least 2, then 0", most, depth)
	}
}
