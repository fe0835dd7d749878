package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/index"
)

// loadQuestions are what the load test's users send: answers, lists of
// choices, requirement checks, declines, help, numbered follow-ups, admin
// commands from non-admins, and group chatter.
var loadQuestions = []string{
	"直播带货的小程序要什么资质", "EDI是什么", "社交", "2", "我只有ICP备案，能做社交直播吗",
	"有文网文能选哪些类目", "备案要多久", "怎么做红烧肉", "帮助", "網約車小程序需要什麼類目",
	"医疗器械", "/reindex", "今天天气怎么样", "1", "电商平台需要什么",
}

// loadDefaults returns qualbot's default limits (cmd/qualbot DefaultConfig).
func loadDefaults() *bot.RateLimit {
	return &bot.RateLimit{
		Sender: bot.Bucket{Every: 6 * time.Second, Burst: 5},
		Chat:   bot.Bucket{Every: 2 * time.Second, Burst: 10},
		Global: bot.Bucket{Every: time.Second, Burst: 20},
	}
}

// loadChain is the whole standard chain over the shipped knowledge base,
// with the given limits and an unanswered-question log of at most logMax
// bytes in dir, reporting to obs.
func loadChain(tb testing.TB, ix *index.Index, limits *bot.RateLimit, dir string, logMax int64, obs bot.Observer) bot.HandlerFunc {
	tb.Helper()
	stats := bot.NewStats(time.Now())
	b := &bot.Bot{
		Log:      slog.New(slog.DiscardHandler),
		Triggers: bot.Triggers{Prefix: "资质", Names: []string{"资质助手"}},
		Limits:   limits,
		Admin:    &bot.Admin{Identities: []string{"管理员"}, Base: ix.Base, Stats: stats},
		Answerer: &bot.Answerer{
			Searcher:      ix,
			ToTraditional: index.ToTraditional,
			Prefix:        "资质",
			FollowUps:     bot.NewFollowUps(bot.DefaultFollowUpTTL, bot.DefaultFollowUpKeep),
			Stats:         stats,
			Unanswered:    &bot.UnansweredLog{Path: filepath.Join(dir, "unanswered.jsonl"), Max: logMax},
		},
	}
	if obs != nil {
		b.Observers = []bot.Observer{obs}
	}
	return b.Handler()
}

// loadMessage is message i of a load run: a crowd of senders in DMs and in
// groups, 20 ms apart on a virtual clock starting at t0. Every 7th sender
// is new, so per-sender state keeps growing unless it is bounded.
func loadMessage(i int, t0 time.Time) bot.Message {
	sender := fmt.Sprintf("u%d", i%300)
	if i%7 == 0 {
		sender = fmt.Sprintf("new%d", i)
	}
	m := bot.Message{
		ID:     fmt.Sprint(i),
		Chat:   sender,
		Sender: sender,
		Text:   loadQuestions[i%len(loadQuestions)],
		Time:   t0.Add(time.Duration(i) * 20 * time.Millisecond),
	}
	if g := i % 3; g > 0 { // two thirds in 10 groups; half of those addressed to the bot
		m.InGroup = true
		m.Chat = fmt.Sprintf("group%d", i%10)
		m.ChatName = m.Chat
		if i%2 == 0 {
			m.Mentioned = true
			m.Text = "@资质助手 " + m.Text
		}
	}
	return m
}

// tally counts outcomes and replies per sender, safely across goroutines.
type tally struct {
	mu       sync.Mutex
	outcomes map[bot.Outcome]int
	notices  int
	replies  int
	passed   map[string]int // messages per sender that got past the limits
}

func (t *tally) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.outcomes = make(map[bot.Outcome]int)
	t.passed = make(map[string]int)
	t.notices, t.replies = 0, 0
}

func (t *tally) Observe(_ context.Context, e *bot.Event) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.outcomes[e.Outcome]++
	t.replies += e.Replies
	switch e.Outcome {
	case bot.OutcomeRateLimited:
		t.notices += e.Replies
	case bot.OutcomeIgnored:
	default:
		t.passed[e.Message.Sender]++
	}
}

// TestLoad pushes 10,000 messages through the whole chain, with the default
// rate limits, from 4 goroutines: heap and goroutines stay bounded, and the
// limits cap the replies.
func TestLoad(t *testing.T) {
	const n = 10000
	const workers = 4
	ix := transporttest.SharedIndex(t, "")
	dir := t.TempDir()
	const logMax = 16 << 10
	tl := &tally{}
	tl.reset()
	limits := loadDefaults()
	h := loadChain(t, ix, limits, dir, logMax, tl)
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

	// Warm up (lazy initialisation, the first searches), then measure.
	for i := range 50 {
		h(context.Background(), &sink{}, loadMessage(n+i, t0.Add(-time.Hour)))
	}
	tl.reset()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	goroutines := runtime.NumGoroutine()

	msgs := make(chan bot.Message)
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range msgs {
				if err := h(context.Background(), &sink{}, m); err != nil {
					t.Errorf("message %s: %v", m.ID, err)
				}
			}
		}()
	}
	for i := range n {
		msgs <- loadMessage(i, t0)
	}
	close(msgs)
	wg.Wait()
	elapsed := time.Since(start)

	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("%d messages in %v: %.0f messages/s; outcomes %v; %d replies", n, elapsed.Round(time.Millisecond),
		n/elapsed.Seconds(), tl.outcomes, tl.replies)
	t.Logf("heap %.1f MiB before, %.1f MiB after; goroutines %d before, %d after",
		float64(before.HeapAlloc)/(1<<20), float64(after.HeapAlloc)/(1<<20), goroutines, runtime.NumGoroutine())

	// Memory: the chain's state (rate-limit buckets, follow-up lists,
	// counters) is bounded, so 10,000 messages must not grow the heap much
	// beyond the index it started with.
	if limit := before.HeapAlloc*2 + 32<<20; after.HeapAlloc > limit {
		t.Errorf("heap grew from %d to %d bytes, over %d", before.HeapAlloc, after.HeapAlloc, limit)
	}
	// Goroutines: nothing is left running.
	for i := 0; runtime.NumGoroutine() > goroutines && i < 100; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if got := runtime.NumGoroutine(); got > goroutines {
		t.Errorf("goroutines: %d before, %d after", goroutines, got)
	}

	// Replies are capped by the limits. The virtual clock spans n×20 ms;
	// every message that got past the limits took a token from the global
	// budget and from its sender's bucket.
	span := time.Duration(n) * 20 * time.Millisecond
	passed := 0
	for sender, k := range tl.passed {
		passed += k
		if most := limits.Sender.Burst + int(span/limits.Sender.Every) + 1; k > most {
			t.Errorf("sender %s: %d messages past the limits, the bucket allows %d", sender, k, most)
		}
	}
	if most := limits.Global.Burst + int(span/limits.Global.Every) + 1; passed > most {
		t.Errorf("%d messages past the limits, the global budget allows %d", passed, most)
	}
	if tl.outcomes[bot.OutcomeRateLimited] == 0 {
		t.Error("no message was rate-limited: the load did not reach the limits")
	}
	// A flood gets one notice, not one per message: a notice needs a
	// message of that sender or chat to pass in between, or a new key.
	if most := passed + len(tl.passed) + 10 + 1; tl.notices > most {
		t.Errorf("%d rate-limit notices, want at most %d", tl.notices, most)
	}
	if tl.notices >= tl.outcomes[bot.OutcomeRateLimited] {
		t.Errorf("%d notices for %d rate-limited messages: a flood got one notice per message", tl.notices, tl.outcomes[bot.OutcomeRateLimited])
	}
	// The unanswered log rotates: at most about twice its bound on disk.
	var onDisk int64
	for _, name := range []string{"unanswered.jsonl", "unanswered.jsonl.1"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil {
			onDisk += fi.Size()
		}
	}
	// (The global budget counts every message sent, so which questions get
	// through, and whether a decline is among them, depends on the order.)
	if onDisk == 0 && tl.outcomes[bot.OutcomeDeclined] > 0 || onDisk > 2*logMax {
		t.Errorf("unanswered log takes %d bytes, want 1 to %d", onDisk, 2*logMax)
	}
}

// BenchmarkChain measures messages through the whole chain over the
// shipped knowledge base: with the default limits (most of a flood is
// dropped early) and with limits too wide to drop anything (every message
// is searched and answered).
func BenchmarkChain(b *testing.B) {
	ix := transporttest.SharedIndex(b, "")
	wide := bot.Bucket{Every: time.Nanosecond, Burst: 1 << 30}
	for _, bench := range []struct {
		name   string
		limits func() *bot.RateLimit
	}{
		{"default-limits", loadDefaults},
		{"no-drops", func() *bot.RateLimit { return &bot.RateLimit{Sender: wide, Chat: wide, Global: wide} }},
	} {
		b.Run(bench.name, func(b *testing.B) {
			h := loadChain(b, ix, bench.limits(), b.TempDir(), 1<<20, nil)
			t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				h(context.Background(), &sink{}, loadMessage(i, t0))
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// TestRateLimit_JumbledTimes: WeChat stamps messages in whole seconds and
// a sync brings several chats at once, so message times go back and forth.
// The limits must hold all the same.
func TestRateLimit_JumbledTimes(t *testing.T) {
	lim := &bot.RateLimit{Global: bot.Bucket{Every: time.Second, Burst: 20}}
	passed := 0
	h := lim.Middleware(func(context.Context, bot.Replier, bot.Message) error { passed++; return nil })
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	const n = 1000
	for i := range n {
		// 100 seconds of messages, each second's times jumbled: 1 s back, then on.
		at := t0.Add(time.Duration(i/10)*time.Second - time.Duration(i%2)*time.Second)
		s := fmt.Sprint("u", i)
		h(context.Background(), &sink{}, bot.Message{Chat: s, Sender: s, Text: "EDI", Time: at})
	}
	if most := 20 + n/10 + 1; passed > most {
		t.Errorf("%d of %d messages passed the global budget, which allows %d", passed, n, most)
	}
}

// TestRateLimit_StrayTime: one message stamped a day ahead must not stop
// the buckets from refilling for everyone else.
func TestRateLimit_StrayTime(t *testing.T) {
	lim := &bot.RateLimit{Sender: bot.Bucket{Every: time.Second, Burst: 1}}
	passed := 0
	h := lim.Middleware(func(context.Context, bot.Replier, bot.Message) error { passed++; return nil })
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	h(context.Background(), &sink{}, bot.Message{Chat: "x", Sender: "x", Time: t0.Add(24 * time.Hour)})
	for i := range 10 {
		h(context.Background(), &sink{}, bot.Message{Chat: "a", Sender: "a", Time: t0.Add(time.Duration(i) * 2 * time.Second)})
	}
	if passed < 10 {
		t.Errorf("%d of 11 messages passed; one a second per sender should let all through", passed)
	}
}
