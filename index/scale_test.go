package index

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/qualbot/qualbot/knowledge"
	"github.com/qualbot/qualbot/knowledge/knowledgetest"
)

// scaledBase is the shipped knowledge base with every category file
// repeated n times: copy j renames each category's last level (社交/陌生人交友
// becomes 社交/陌生人交友j) and keeps its text, so a base of n times the
// categories has the shipped text's vocabulary and n times its postings.
// Licences, topics and synonyms stay as shipped.
func scaledBase(tb testing.TB, n int) *knowledge.Base {
	tb.Helper()
	shipped := knowledgetest.Copy(tb, knowledge.Shipped())
	out := maps.Clone(shipped)
	path := regexp.MustCompile(`(?m)^(\s*- path: \[[^\]]*?)\]`)
	for name, f := range shipped {
		if !strings.HasPrefix(name, "categories/") {
			continue
		}
		for j := 1; j < n; j++ {
			suffix := strconv.Itoa(j)
			copied := path.ReplaceAllString(string(f.Data), "${1}"+suffix+"]")
			out[strings.TrimSuffix(name, ".yaml")+"-"+suffix+".yaml"] = &fstest.MapFile{Data: []byte(copied)}
		}
	}
	// ×100 is more than the 16 MiB a knowledge base may have by default.
	kb, err := knowledge.LoadContext(context.Background(), out, knowledge.Limits{File: knowledge.DefaultLimits.File})
	if err != nil {
		tb.Fatalf("scaled ×%d: %v", n, err)
	}
	if want := n * len(shippedBase(tb).Categories); len(kb.Categories) != want {
		tb.Fatalf("scaled ×%d: %d categories, want %d", n, len(kb.Categories), want)
	}
	return kb
}

// BenchmarkScale builds this package's index and the plain cjk index over
// the shipped knowledge base and over generated ones 10 and 100 times its
// categories, and reports for each the build time, the live heap the index
// adds, and the latency percentiles of the dev questions' searches. One op
// is one build and one pass over the questions.
//
//	go test ./index -run '^$' -bench BenchmarkScale -benchtime 1x
func BenchmarkScale(b *testing.B) {
	var qs []string
	for _, q := range loadDev(b) {
		qs = append(qs, q.Q)
	}
	qs = append(qs, "药", "直播", "網約車", "ICP许可证", "小程序直播带货要什么资质")
	for _, n := range []int{1, 10, 100} {
		kb := scaledBase(b, n)
		for _, engine := range []string{"gse", "plain-cjk"} {
			b.Run(fmt.Sprintf("x%d/%s", n, engine), func(b *testing.B) {
				var buildTime time.Duration
				var heap float64
				var lat []time.Duration
				ctx := context.Background()
				for b.Loop() {
					runtime.GC()
					before := liveHeap()
					start := time.Now()
					var search searchFunc
					var closeIndex func() error
					if engine == "gse" {
						// Built, at every size: the snapshot is only of ×1.
						s, err := newBuilt(ctx, kb, modeSegment, DefaultParams())
						if err != nil {
							b.Fatal(err)
						}
						ix := &Index{mode: modeSegment, par: s.par, cur: s}
						search = func(ctx context.Context, q string, n int) (int, error) {
							r, err := ix.Search(ctx, q, n)
							return len(r.Hits), err
						}
						closeIndex = ix.Close
					} else {
						p, err := buildPlainCJK(kb)
						if err != nil {
							b.Fatal(err)
						}
						search, closeIndex = p.search, p.bi.Close
					}
					buildTime += time.Since(start)
					runtime.GC()
					heap += float64(liveHeap()-before) / (1 << 20)
					for _, q := range qs {
						start := time.Now()
						if _, err := search(ctx, q, 5); err != nil {
							b.Fatal(err)
						}
						lat = append(lat, time.Since(start))
					}
					closeIndex()
				}
				slices.Sort(lat)
				ops := float64(b.N)
				b.ReportMetric(float64(buildTime.Milliseconds())/ops, "ms/build")
				b.ReportMetric(heap/ops, "MiB-index")
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			})
		}
	}
}

func liveHeap() int64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestScaledBase checks the generator: twice the categories, the
// copies under their new names.
func TestScaledBase(t *testing.T) {
	t.Parallel()
	kb := scaledBase(t, 2)
	if kb.Category("社交", "陌生人交友1") == nil {
		t.Error("no 社交/陌生人交友1 in the base scaled ×2")
	}
}
