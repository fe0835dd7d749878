package httpapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/qualbot/qualbot/index"
	"github.com/qualbot/qualbot/knowledge"
)

// loadQuestions are questions of the kinds people ask, for the load.
var loadQuestions = []string{
	"做直播带货的小程序要什么资质", "ICP备案要多久", "EDI许可证是什么", "我只有ICP备案，能做社交直播吗",
	"网约车小程序选什么类目", "教育类的小程序要什么证", "审核说类目不符怎么办", "个人主体能做商城吗",
	"有文网文能选哪些类目", "怎么做红烧肉",
}

// BenchmarkAPI puts a short local load on the API over real HTTP
// (loopback TCP, keep-alive), with the shipped knowledge base and
// 4×GOMAXPROCS concurrent clients, and reports each request's latency at
// the 50th and 99th percentile. Run it with
//
//	go test ./bot/httpapi -run '^$' -bench API -benchtime 2000x
func BenchmarkAPI(b *testing.B) {
	kb, err := knowledge.Load(knowledge.Shipped())
	if err != nil {
		b.Fatal(err)
	}
	ix, err := index.Build(kb)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	var cats []string
	for _, c := range kb.Categories {
		cats = append(cats, "/v1/categories/"+url.PathEscape(c.Path[0])+"/"+url.PathEscape(c.ID()[len(c.Path[0])+1:]))
	}
	for _, ep := range []struct {
		name  string
		paths []string
	}{
		{"ask", prefixAll("/v1/ask?q=", loadQuestions)},
		{"category", cats},
		{"tree", []string{"/v1/tree", "/v1/tree?individual=true", "/v1/tree?licence=EDI", "/v1/tree?live=true"}},
		{"version", []string{"/v1/version"}},
	} {
		b.Run(ep.name, func(b *testing.B) {
			e := newEnv(b, ix, nil)
			ts := httptest.NewServer(e.h)
			defer ts.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
			var mu sync.Mutex
			lat := make([]time.Duration, 0, b.N)
			var next sync.Mutex
			i := 0
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					next.Lock()
					p := ep.paths[i%len(ep.paths)]
					i++
					next.Unlock()
					start := time.Now()
					res, err := client.Get(ts.URL + p)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					d := time.Since(start)
					if res.StatusCode != 200 {
						b.Errorf("%s: %d", p, res.StatusCode)
						return
					}
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			})
			b.StopTimer()
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(ms(lat[len(lat)*50/100]), "p50-ms")
				b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*99/100)]), "p99-ms")
			}
		})
	}
}

func prefixAll(prefix string, qs []string) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = prefix + url.QueryEscape(q)
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
