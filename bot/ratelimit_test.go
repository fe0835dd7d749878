package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
)

// A step sends n messages at one moment (offset from the start).
type step struct {
	at     time.Duration
	chat   string
	sender string
	owner  bool
	n      int
}

func TestRateLimit(t *testing.T) {
	const notice = "稍后再试"
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	limits := func() *bot.RateLimit {
		return &bot.RateLimit{
			Sender: bot.Bucket{Every: 10 * time.Second, Burst: 3},
			Chat:   bot.Bucket{Every: 5 * time.Second, Burst: 5},
			Global: bot.Bucket{Every: time.Second, Burst: 8},
		}
	}
	for _, test := range []struct {
		name        string
		steps       []step
		wantAnswers int
		wantNotices int
	}{
		{"within the burst", []step{{chat: "a", sender: "a", n: 3}}, 3, 0},
		{"a flood gets one notice", []step{{chat: "a", sender: "a", n: 20}}, 3, 1},
		{"the bucket refills", []step{{chat: "a", sender: "a", n: 5}, {at: 30 * time.Second, chat: "a", sender: "a", n: 5}}, 6, 2},
		{"the owner is never limited", []step{{chat: "o", sender: "o", owner: true, n: 20}}, 20, 0},
		{"a busy group: per-chat bucket", []step{
			{chat: "g", sender: "x", n: 3}, {chat: "g", sender: "y", n: 3}, {chat: "g", sender: "z", n: 3},
		}, 5, 1},
		{"many chats: the global budget", []step{
			{chat: "1", sender: "1", n: 3}, {chat: "2", sender: "2", n: 3}, {chat: "3", sender: "3", n: 3}, {chat: "4", sender: "4", n: 3},
		}, 8, 1},
	} {
		t.Run(test.name, func(t *testing.T) {
			h := bot.Chain(echo, limits().Middleware)
			rec := &recorder{}
			for _, s := range test.steps {
				for i := range s.n {
					m := bot.Message{Chat: s.chat, Sender: s.sender, Owner: s.owner, Text: fmt.Sprint("q", i), Time: t0.Add(s.at)}
					if err := h(context.Background(), rec, m); err != nil {
						t.Fatal(err)
					}
				}
			}
			notices := 0
			for _, r := range rec.replies {
				if strings.Contains(r, notice) {
					notices++
				}
			}
			if answers := len(rec.replies) - notices; answers != test.wantAnswers || notices != test.wantNotices {
				t.Errorf("got %d answers and %d notices, want %d and %d: %q", answers, notices, test.wantAnswers, test.wantNotices, rec.replies)
			}
		})
	}
}

// TestRateLimit_OutOfOrder sends a flood whose timestamps jitter backwards,
// as concurrent transports deliver them: the buckets must not refill twice.
func TestRateLimit_OutOfOrder(t *testing.T) {
	rl := &bot.RateLimit{Sender: bot.Bucket{Every: 10 * time.Second, Burst: 2}}
	h := bot.Chain(echo, rl.Middleware)
	rec := &recorder{}
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for i := range 60 {
		// 0s, 9s, 0s, 9s, 1s, 10s, … : half a minute of messages, half of them late.
		at := time.Duration(i/4) * time.Second
		if i%2 == 1 {
			at += 9 * time.Second
		}
		m := bot.Message{Chat: "c", Sender: "s", Text: "q", Time: t0.Add(at)}
		if err := h(context.Background(), rec, m); err != nil {
			t.Fatal(err)
		}
	}
	answers := 0
	for _, r := range rec.replies {
		if r == "q" {
			answers++
		}
	}
	// The latest stamp is 23s: the burst of 2 plus one token per 10s.
	if most := 2 + 23/10; answers > most {
		t.Errorf("%d answers, want at most %d", answers, most)
	}
}

// TestRateLimit_MaxKeys shows that the per-sender state stays bounded: with
// room for 10 senders, 1000 senders still get their answers.
func TestRateLimit_MaxKeys(t *testing.T) {
	rl := &bot.RateLimit{Sender: bot.Bucket{Every: time.Minute, Burst: 1}, MaxKeys: 10}
	h := bot.Chain(echo, rl.Middleware)
	rec := &recorder{}
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for i := range 1000 {
		m := bot.Message{Chat: fmt.Sprint(i), Sender: fmt.Sprint(i), Text: "q", Time: t0.Add(time.Duration(i) * time.Millisecond)}
		if err := h(context.Background(), rec, m); err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.replies) != 1000 || strings.Contains(strings.Join(rec.replies, ""), "稍后再试") {
		t.Errorf("got %d replies, want 1000 answers", len(rec.replies))
	}
	if n := rl.Tracked(); n > 10 {
		t.Errorf("tracking %d senders and chats, want at most 10", n)
	}
}

// TestRateLimit_OneNoticePerFlood backs the README's promise: a sustained
// flood gets at most one "稍后再试" per chat. A message that passed now and
// then, as tokens trickled back, used to start a new flood with a new
// notice: 10 to 60 a minute.
func TestRateLimit_OneNoticePerFlood(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for _, test := range []struct {
		name    string
		senders int
	}{
		{"one sender", 1},
		{"many senders in one group", 600},
	} {
		t.Run(test.name, func(t *testing.T) {
			rl := &bot.RateLimit{
				Sender: bot.Bucket{Every: 6 * time.Second, Burst: 5},
				Chat:   bot.Bucket{Every: 2 * time.Second, Burst: 10},
				Global: bot.Bucket{Every: time.Second, Burst: 20},
			}
			h := bot.Chain(echo, rl.Middleware)
			rec := &recorder{}
			for i := range 600 { // 10 a second for a minute
				m := bot.Message{Chat: "g", InGroup: true, Sender: fmt.Sprint(i % test.senders), Text: "q",
					Time: t0.Add(time.Duration(i) * 100 * time.Millisecond)}
				if err := h(context.Background(), rec, m); err != nil {
					t.Fatal(err)
				}
			}
			notices := strings.Count(strings.Join(rec.replies, "\n"), "稍后再试")
			if notices != 1 {
				t.Errorf("%d notices in a one-minute flood, want 1", notices)
			}
			if answers := len(rec.replies) - notices; answers < 10 {
				t.Errorf("%d answers, want the flood still answered at the chat's rate", answers)
			}
		})
	}
}

// TestRateLimit_CountsParts: the global budget used to count answers, not
// the two or three messages each sends, nor the notices.
func TestRateLimit_CountsParts(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	rl := &bot.RateLimit{Global: bot.Bucket{Every: time.Minute, Burst: 9}}
	threeParts := func(ctx context.Context, r bot.Replier, m bot.Message) error {
		return bot.Send(ctx, r, []string{"（1/3）", "（2/3）", "（3/3）"})
	}
	h := bot.Chain(threeParts, rl.Middleware)
	rec := &recorder{}
	for i := range 6 {
		m := bot.Message{Chat: fmt.Sprint(i), Sender: fmt.Sprint(i), Text: "q", Time: t0}
		if err := h(context.Background(), rec, m); err != nil {
			t.Fatal(err)
		}
	}
	// Nine messages of budget: three answers of three parts, then one notice.
	if got, want := strings.Join(rec.replies, ""), strings.Repeat("（1/3）（2/3）（3/3）", 3)+"消息太多了，请稍后再试。"; got != want {
		t.Errorf("sent %q, want %q", got, want)
	}
}

// TestRateLimit_Room: admission follows what the channel can send. A full
// send queue used to take questions whose answers it then dropped.
func TestRateLimit_Room(t *testing.T) {
	room := 10
	rl := &bot.RateLimit{Room: func() int { return room }}
	h := bot.Chain(echo, rl.Middleware)
	rec := &recorder{}
	say := func() {
		if err := h(context.Background(), rec, bot.Message{Chat: "c", Sender: "s", Text: "q"}); err != nil {
			t.Fatal(err)
		}
	}
	say()
	room = bot.DefaultReplyParts - 1
	say()
	say()
	room = 0
	say()
	if got := strings.Join(rec.replies, "|"); got != "q|消息太多了，请稍后再试。" {
		t.Errorf("sent %q, want one answer, then one notice while the channel is short of room", got)
	}
}
