package bot_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/index"
	"github.com/qualbot/qualbot/knowledge"
)

// syncRecorder is a recorder safe for concurrent use.
type syncRecorder struct {
	mu      sync.Mutex
	replies []string
}

func (r *syncRecorder) Reply(_ context.Context, text string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.replies = append(r.replies, text)
	return nil
}

// TestHandler_Concurrent runs the whole chain from many chats at once while
// admins reindex, the way a busy WeChat account does. Run it with -race.
// Every question gets an answer, and no reindex overlaps another.
func TestHandler_Concurrent(t *testing.T) {
	ix := transporttest.BuildIndex(t, os.DirFS("testdata/kb"))
	var mu sync.Mutex
	running, overlaps := 0, 0
	stats := bot.NewStats(time.Now())
	b := &bot.Bot{
		Triggers: bot.Triggers{Prefix: "资质"},
		Limits:   &bot.RateLimit{Sender: bot.Bucket{Every: time.Millisecond, Burst: 100}},
		Admin: &bot.Admin{
			Reload: func(context.Context) (*knowledge.Base, error) {
				mu.Lock()
				running++
				if running > 1 {
					overlaps++
				}
				mu.Unlock()
				defer func() { mu.Lock(); running--; mu.Unlock() }()
				kb, err := knowledge.Load(os.DirFS("testdata/kb"))
				if err != nil {
					return nil, err
				}
				return kb, ix.Reload(kb)
			},
			Base:  ix.Base,
			Stats: stats,
		},
		Answerer: &bot.Answerer{Searcher: ix, ToTraditional: index.ToTraditional,
			FollowUps: bot.NewFollowUps(time.Minute, 10), Stats: stats},
	}
	h := b.Handler()
	questions := []string{"直播带货要什么资质", "社交", "1", "文网文", "我只有ICP备案，能做社交直播吗", "備案要多久", "怎么做红烧肉"}
	var wg sync.WaitGroup
	recs := make([]*syncRecorder, 8)
	for c := range recs {
		recs[c] = &syncRecorder{}
		wg.Go(func() {
			for i := range 3 * len(questions) {
				m := bot.Message{Chat: fmt.Sprint("chat", c), Sender: fmt.Sprint("u", c), Text: questions[i%len(questions)]}
				if err := h(context.Background(), recs[c], m); err != nil {
					t.Error(err)
				}
			}
		})
	}
	admin := &syncRecorder{}
	for range 3 {
		wg.Go(func() {
			for range 2 {
				if err := h(context.Background(), admin, bot.Message{Chat: "filehelper", Owner: true, Text: "/reindex"}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for c, r := range recs {
		if len(r.replies) < 3*len(questions) {
			t.Errorf("chat %d got %d replies, want at least %d", c, len(r.replies), 3*len(questions))
		}
		for _, text := range r.replies {
			if strings.Contains(text, "系统出了点问题") {
				t.Errorf("chat %d got the apology: a search failed during a reindex", c)
			}
		}
	}
	if overlaps > 0 {
		t.Errorf("%d reindexes overlapped another", overlaps)
	}
	for _, text := range admin.replies {
		if !strings.Contains(text, "索引已重建") && !strings.Contains(text, "正在重建索引") {
			t.Errorf("admin reply %q, want success or busy", text)
		}
	}
}
