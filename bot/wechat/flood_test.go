package wechat_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/bot/wechat"
	"github.com/qualbot/qualbot/index"
)

// floodScale is how much faster than real time the flood runs: a send
// interval of 2 s becomes 20 ms, and a minute of flood 0.6 s. The rate
// limits read the messages' own (simulated) times.
const floodScale = 100

// failedReplies records the replies a transport refused.
type failedReplies struct {
	r bot.Replier
	n *atomic.Int64
}

func (f failedReplies) Reply(ctx context.Context, text string) error {
	return f.ReplyParts(ctx, []string{text})
}

func (f failedReplies) ReplyParts(ctx context.Context, parts []string) error {
	err := bot.Send(ctx, f.r, parts)
	if err != nil {
		f.n.Add(1)
	}
	return err
}

// TestFlood_Sustained is a many-sender flood of 10 questions a second for a
// minute (simulated) against the fake WeChat, through the real bot chain
// and the default limits of `qualbot run`. Before, the global limit counted
// answers rather than messages and ignored the send queue: the queue filled,
// replies were dropped with an ERROR each, and a real reply waited behind
// about 100 queued messages. Now admission follows what the channel can
// send: nothing is dropped, a flood gets at most one notice, and every
// answer goes out whole.
func TestFlood_Sustained(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("a flood")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ix := transporttest.BuildIndex(t, os.DirFS("testdata/kb"))

	const (
		perSecond = 10
		seconds   = 60
		senders   = perSecond * seconds // every message from someone new
	)
	sendInterval := 2 * time.Second / floodScale // --send-rate 30
	cfg := wechat.Config{SendInterval: sendInterval, SendJitter: sendInterval / 2}
	// The global budget and the queue bound as `qualbot run` derives them;
	// the budget in the messages' simulated time.
	budget, queued := wechat.Admission(cfg, wechat.DefaultMaxWait/floodScale)
	budget.Every *= floodScale
	var depth atomic.Int64
	limits := &bot.RateLimit{ // cmd/qualbot's defaults
		Sender: bot.Bucket{Every: 6 * time.Second, Burst: 5},
		Chat:   bot.Bucket{Every: 2 * time.Second, Burst: 10},
		Global: budget,
		Room:   func() int { return queued - int(depth.Load()) },
	}
	chain := (&bot.Bot{
		Limits:   limits,
		Answerer: &bot.Answerer{Searcher: ix, ToTraditional: index.ToTraditional},
	}).Handler()
	var refused, handled atomic.Int64
	h := func(ctx context.Context, r bot.Replier, m bot.Message) error {
		defer handled.Add(1)
		return chain(ctx, failedReplies{r, &refused}, m)
	}

	fake := newFakeWeChat(t)
	fake.setScan("201", "200")
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := start(runCtx, wechat.Config{
		LoginFile:    filepath.Join(t.TempDir(), "login.json"),
		SendInterval: cfg.SendInterval,
		SendJitter:   cfg.SendJitter,
		Transport:    fake,
		QueueDepth:   func(n int) { depth.Store(int64(n)) },
		DrainTimeout: time.Minute,
	}, h)
	waitFor(ctx, t, "the first synccheck", func() bool { return fake.count("/cgi-bin/mmwebwx-bin/synccheck") > 0 })

	questions := []string{"做直播要什么证", "社交笔记类目要什么资质", "备案要多久", "电商平台要什么资质"}
	asked := map[string]time.Time{} // chat → when its question arrived (real time)
	start := time.Now().Add(time.Second)
	realStart := time.Now()
	var mu sync.Mutex
	for s := range seconds {
		var batch []map[string]any
		for k := range perSecond {
			i := s*perSecond + k
			user := fmt.Sprintf("@u%05d", i)
			batch = append(batch, textMsg(1000+i, user, selfUser, questions[i%len(questions)], start.Add(time.Duration(s)*time.Second)))
			mu.Lock()
			asked[user] = time.Now()
			mu.Unlock()
		}
		fake.push(batch...)
		// Keep to the schedule, so that the simulated time the limits read
		// and the real time the sends take stay in step.
		time.Sleep(time.Until(realStart.Add(time.Duration(s+1) * time.Second / floodScale)))
	}
	pushed := time.Now()
	waitFor(ctx, t, "every message polled", func() bool { fake.mu.Lock(); defer fake.mu.Unlock(); return len(fake.batches) == 0 })
	waitFor(ctx, t, "every message handled", func() bool { return handled.Load() == senders })
	t.Logf("all handled %s after the start", time.Since(realStart))
	waitFor(ctx, t, "the send queue empty", func() bool { return depth.Load() == 0 })
	stop()
	if err := wait(ctx, done); err != nil {
		t.Fatal(err)
	}

	sent := fake.sentMessages()
	if len(sent) > 0 {
		t.Logf("flood took %s real; sends from %s to %s after its start", pushed.Sub(realStart), sent[0].At.Sub(realStart), sent[len(sent)-1].At.Sub(realStart))
	}
	answers, notices := map[string]int{}, 0
	var worst time.Duration
	for _, s := range sent {
		if strings.Contains(s.Content, "稍后再试") {
			notices++
			continue
		}
		answers[s.To]++
		if w := s.At.Sub(asked[s.To]); w > worst {
			worst = w
		}
	}
	t.Logf("flood of %d questions in %d s (simulated): %d answers sent (%d messages), %d replies dropped, %d notices, worst wait %s (simulated)",
		senders, seconds, len(answers), len(sent)-notices, refused.Load(), notices, (worst * floodScale).Round(time.Second))
	if n := refused.Load(); n != 0 {
		t.Errorf("%d replies dropped by a full send queue, want none: admission must follow the channel", n)
	}
	if notices != 1 {
		t.Errorf("%d notices, want one for the flood: at most one, and room is kept for it", notices)
	}
	if len(answers) == 0 {
		t.Errorf("no answers at all, want the flood answered at the channel's rate")
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Errorf("timed out")
	}
}
