package bot_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
	"gopkg.in/yaml.v3"
)

// BenchmarkChainLatency reports the latency percentiles of the whole
// handler chain (triggers, limits wide open, admin commands, the answerer
// with search, rendering, splitting and the unanswered log) over the
// shipped knowledge base, for the index's dev questions and a few short
// ones: the questions index.BenchmarkSearch times the bare searches with,
// so the two compare. One op is one pass over the questions.
//
//	go test ./bot -run '^$' -bench BenchmarkChainLatency -benchtime 20x
func BenchmarkChainLatency(b *testing.B) {
	data, err := os.ReadFile("../index/testdata/dev-questions.yaml")
	if err != nil {
		b.Fatal(err)
	}
	var dev []struct {
		Q string `yaml:"q"`
	}
	if err := yaml.Unmarshal(data, &dev); err != nil {
		b.Fatal(err)
	}
	var qs []string
	for _, q := range dev {
		qs = append(qs, q.Q)
	}
	qs = append(qs, "药", "直播", "網約車", "ICP许可证", "小程序直播带货要什么资质")
	wide := bot.Bucket{Every: time.Nanosecond, Burst: 1 << 30}
	h := loadChain(b, transporttest.SharedIndex(b, ""), &bot.RateLimit{Sender: wide, Chat: wide, Global: wide}, b.TempDir(), 1<<20, nil)
	lat := make([]time.Duration, 0, b.N*len(qs))
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		for _, q := range qs {
			i++
			// A new sender each time: no follow-up state carries over.
			m := bot.Message{Chat: fmt.Sprint("c", i), Sender: fmt.Sprint("u", i), Text: q}
			start := time.Now()
			if err := h(ctx, &sink{}, m); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
