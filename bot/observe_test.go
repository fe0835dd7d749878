package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/index"
)

// sink is a fake Replier that keeps what the bot said; it fails when fail is set.
type sink struct {
	mu      sync.Mutex
	replies []string
	fail    bool
}

func (s *sink) Reply(_ context.Context, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return errors.New("send: connection reset")
	}
	s.replies = append(s.replies, text)
	return nil
}

var _ bot.Replier = (*sink)(nil)

// events is an Observer that keeps every Event.
type events struct {
	mu   sync.Mutex
	list []bot.Event
}

func (o *events) Observe(_ context.Context, e *bot.Event) {
	o.mu.Lock()
	o.list = append(o.list, *e)
	o.mu.Unlock()
}

// obsIndex is the real index over testdata/kb.
func obsIndex(t testing.TB) *index.Index {
	t.Helper()
	return transporttest.BuildIndex(t, os.DirFS("testdata/kb"))
}

// observedBot is the whole standard chain over ix, logging to log.
func observedBot(ix *index.Index, log *slog.Logger, logText bool, obs ...bot.Observer) bot.HandlerFunc {
	b := &bot.Bot{
		Log:      log,
		LogText:  logText,
		Triggers: bot.Triggers{Prefix: "资质", Names: []string{"资质助手"}},
		Limits: &bot.RateLimit{
			Sender: bot.Bucket{Every: time.Minute, Burst: 2},
			Chat:   bot.Bucket{Every: time.Second, Burst: 50},
			Global: bot.Bucket{Every: time.Millisecond, Burst: 100},
		},
		Admin:    &bot.Admin{Identities: []string{"管理员"}, Base: ix.Base, Stats: bot.NewStats(time.Now())},
		Answerer: &bot.Answerer{Searcher: ix, Prefix: "资质", FollowUps: bot.NewFollowUps(0, 0)},
	}
	b.Observers = obs
	return b.Handler()
}

func TestObserve(t *testing.T) {
	ix := obsIndex(t)
	for _, test := range []struct {
		name        string
		m           bot.Message
		fail        bool
		wantTrigger string
		wantOutcome bot.Outcome
		wantHits    bool
	}{
		{"dm answered", bot.Message{Sender: "a", Text: "直播带货的小程序要什么资质"}, false, bot.TriggerDirect, bot.OutcomeAnswered, true},
		{"group mention", bot.Message{Chat: "g", InGroup: true, Mentioned: true, Sender: "b", Text: "@资质助手 EDI是什么"}, false, bot.TriggerMention, bot.OutcomeAnswered, true},
		{"group prefix", bot.Message{Chat: "g", InGroup: true, Sender: "c", Text: "资质：电商平台需要什么"}, false, bot.TriggerPrefix, "", true},
		{"group chatter", bot.Message{Chat: "g", InGroup: true, Sender: "d", Text: "今天谁去吃饭"}, false, "", bot.OutcomeIgnored, false},
		{"declined", bot.Message{Sender: "e", Text: "怎么做红烧肉"}, false, bot.TriggerDirect, bot.OutcomeDeclined, false},
		{"help", bot.Message{Sender: "f", Text: "帮助"}, false, bot.TriggerDirect, bot.OutcomeHelp, false},
		{"choices", bot.Message{Sender: "g", Text: "社交"}, false, bot.TriggerDirect, bot.OutcomeClarify, true},
		{"admin", bot.Message{Sender: "h", Identity: "管理员", Text: "/stats"}, false, bot.TriggerDirect, bot.OutcomeAdmin, false},
		{"refused", bot.Message{Sender: "i", Text: "/reindex"}, false, bot.TriggerDirect, bot.OutcomeRefused, false},
		{"send fails", bot.Message{Sender: "j", Text: "EDI是什么"}, true, bot.TriggerDirect, bot.OutcomeError, true},
	} {
		t.Run(test.name, func(t *testing.T) {
			var obs events
			h := observedBot(ix, slog.New(slog.DiscardHandler), false, &obs)
			s := &sink{fail: test.fail}
			h(context.Background(), s, test.m)
			if len(obs.list) != 1 {
				t.Fatalf("observed %d events, want 1", len(obs.list))
			}
			e := obs.list[0]
			if e.Trigger != test.wantTrigger {
				t.Errorf("trigger = %q, want %q", e.Trigger, test.wantTrigger)
			}
			if test.wantOutcome != "" && e.Outcome != test.wantOutcome {
				t.Errorf("outcome = %q, want %q", e.Outcome, test.wantOutcome)
			}
			if (len(e.Hits) > 0) != test.wantHits {
				t.Errorf("hits = %q, want some: %v", e.IDs(), test.wantHits)
			}
			if e.Replies != len(s.replies) {
				t.Errorf("Replies = %d, the replier got %d", e.Replies, len(s.replies))
			}
			if (e.Err != nil) != test.fail {
				t.Errorf("Err = %v", e.Err)
			}
			if e.Latency <= 0 {
				t.Errorf("Latency = %v", e.Latency)
			}
		})
	}
}

func TestObserve_RateLimited(t *testing.T) {
	ix := obsIndex(t)
	var obs events
	h := observedBot(ix, slog.New(slog.DiscardHandler), false, &obs)
	s := &sink{}
	for range 5 {
		h(context.Background(), s, bot.Message{Chat: "dm", Sender: "flood", Text: "EDI是什么"})
	}
	var got []bot.Outcome
	for _, e := range obs.list {
		got = append(got, e.Outcome)
	}
	want := []bot.Outcome{bot.OutcomeAnswered, bot.OutcomeAnswered, bot.OutcomeRateLimited, bot.OutcomeRateLimited, bot.OutcomeRateLimited}
	if strings.Join(outcomes(got), " ") != strings.Join(outcomes(want), " ") {
		t.Errorf("outcomes = %v, want %v", got, want)
	}
	if obs.list[2].Replies != 1 || obs.list[3].Replies != 0 {
		t.Errorf("rate-limited replies = %d, %d; want one notice, then nothing", obs.list[2].Replies, obs.list[3].Replies)
	}
}

func outcomes(list []bot.Outcome) []string {
	var s []string
	for _, o := range list {
		s = append(s, string(o))
	}
	return s
}

// TestLogEvents checks the one log line per message: its fields, its
// level, and that texts and names appear only when asked for.
func TestLogEvents(t *testing.T) {
	ix := obsIndex(t)
	msgs := []bot.Message{
		{ID: "1", Sender: "a", SenderName: "小明", Text: "EDI是什么"},
		{ID: "2", Chat: "g", ChatName: "开发群", InGroup: true, Sender: "b", SenderName: "小红", Text: "今天谁去吃饭"},
		{ID: "3", Sender: "c", SenderName: "小刚", Text: "怎么做红烧肉"},
	}
	for _, withText := range []bool{false, true} {
		var buf bytes.Buffer
		log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
		h := observedBot(ix, log, withText)
		for _, m := range msgs {
			h(context.Background(), &sink{}, m)
		}
		// A failing send: the error goes into the message's own line, not a second one.
		h(context.Background(), &sink{fail: true}, bot.Message{ID: "4", Sender: "d", SenderName: "小华", Text: "EDI是什么"})

		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(lines) != 3 {
			t.Fatalf("withText=%v: %d lines, want 3 (the ignored message is at debug level):\n%s", withText, len(lines), buf.String())
		}
		var recs []map[string]any
		for _, l := range lines {
			var rec map[string]any
			if err := json.Unmarshal([]byte(l), &rec); err != nil {
				t.Fatalf("line %q: %v", l, err)
			}
			recs = append(recs, rec)
		}
		for _, test := range []struct {
			rec                          map[string]any
			level, decision, chat, msgID string
			wantIDs                      bool
		}{
			{recs[0], "INFO", "answered", "direct", "1", true},
			{recs[1], "INFO", "declined", "direct", "3", false},
			{recs[2], "ERROR", "error", "direct", "4", true},
		} {
			r := test.rec
			if r["msg"] != "message" || r["level"] != test.level || r["decision"] != test.decision || r["chat"] != test.chat || r["msg_id"] != test.msgID || r["trigger"] != "direct" {
				t.Errorf("withText=%v: line %v, want level %s decision %s chat %s msg_id %s", withText, r, test.level, test.decision, test.chat, test.msgID)
			}
			ids, _ := r["ids"].([]any)
			if (len(ids) > 0) != test.wantIDs {
				t.Errorf("withText=%v: ids = %v", withText, r["ids"])
			}
			for _, k := range []string{"score", "latency_ms", "replies"} {
				if _, ok := r[k]; !ok {
					t.Errorf("withText=%v: no %q in %v", withText, k, r)
				}
			}
		}
		if recs[2]["err"] == nil {
			t.Errorf("error line has no err: %v", recs[2])
		}
		for _, private := range []string{"EDI是什么", "红烧肉", "小明", "小刚"} {
			if got := strings.Contains(buf.String(), private); got != withText {
				t.Errorf("withText=%v: log contains %q = %v", withText, private, got)
			}
		}
	}
}
