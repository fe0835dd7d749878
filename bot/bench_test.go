package bot_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
)

// BenchmarkHandle measures the whole chain for one question, search and
// rendering included, over the real index of testdata/kb.
func BenchmarkHandle(b *testing.B) {
	ix := transporttest.SharedIndex(b, "testdata/kb")
	stats := bot.NewStats(time.Now())
	h := (&bot.Bot{
		Triggers: bot.Triggers{Prefix: "资质"},
		Limits:   &bot.RateLimit{Sender: bot.Bucket{Every: time.Second, Burst: 5}},
		Admin:    &bot.Admin{Base: ix.Base, Stats: stats},
		Answerer: &bot.Answerer{Searcher: ix, FollowUps: bot.NewFollowUps(0, 0), Stats: stats},
	}).Handler()
	for _, q := range []string{"直播带货的小程序要什么资质", "我只有ICP备案，能做社交直播吗", "怎么做红烧肉"} {
		b.Run(q, func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				// A new sender each time, so the rate limit never drops one.
				m := bot.Message{Chat: fmt.Sprint(i), Sender: fmt.Sprint(i), Text: q}
				if err := h(context.Background(), &recorder{}, m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
