package httpapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot/transporttest"
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
// (loopback TCP, keep-alive), with the shipped knowledge base, from one
// client and from eight concurrent ones, and reports each request's latency
// at the 50th and 99th percentile. Run it with
//
//	go test ./bot/httpapi -run '^$' -bench API -benchtime 2000x
func BenchmarkAPI(b *testing.B) {
	ix := transporttest.BuildIndex(b, knowledge.Shipped())
	kb := ix.Base()
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
		for _, clients := range []int{1, 8} {
			b.Run(ep.name+"/clients="+strconv.Itoa(clients), func(b *testing.B) {
				benchLoad(b, ix, ep.paths, clients)
			})
		}
	}
}

// benchLoad sends b.N requests for paths, in turn, from the given number
// of concurrent clients, and reports the latencies' 50th and 99th percentiles.
func benchLoad(b *testing.B, ix *index.Index, paths []string, clients int) {
	e := newEnv(b, ix, nil)
	ts := httptest.NewServer(e.h)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				p := paths[i%len(paths)]
				start := time.Now()
				res, err := client.Get(ts.URL + p)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				lat[i] = time.Since(start)
				if res.StatusCode != 200 {
					b.Errorf("%s: %d", p, res.StatusCode)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(ms(lat[len(lat)*50/100]), "p50-ms")
	b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*99/100)]), "p99-ms")
	b.ReportMetric(0, "ns/op")
}

func prefixAll(prefix string, qs []string) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = prefix + url.QueryEscape(q)
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
