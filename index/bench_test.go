package index

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/qualbot/qualbot/knowledge"
	"github.com/qualbot/qualbot/knowledge/knowledgetest"
)

// The benchmarks compare three indexes over the shipped knowledge base, in
// one run: this package's (gse segmentation), its bigram fallback, and a
// plain bleve `cjk` index with no query pre-processing (the baseline).
// docs/benchmarks.md records a run.

// plainCJK is the baseline: bleve's cjk analyzer on the same fields, the
// question as one boosted match per field.
type plainCJK struct{ bi bleve.Index }

func buildPlainCJK(kb *knowledge.Base) (*plainCJK, error) {
	m := bleve.NewIndexMapping()
	doc := bleve.NewDocumentStaticMapping()
	for _, f := range []string{fieldTitle, fieldNames, fieldBody} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = cjk.AnalyzerName
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		fm.DocValues = false
		doc.AddFieldMappingsAt(f, fm)
	}
	m.DefaultMapping = doc
	m.DefaultAnalyzer = cjk.AnalyzerName
	bi, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, err
	}
	b := bi.NewBatch()
	add := func(id string, d document) {
		f := d.fields()
		delete(f, fieldExact)
		b.Index(id, f)
	}
	for _, c := range kb.Categories {
		add("c/"+c.ID(), categoryDoc(c))
	}
	for _, l := range kb.Licences {
		add("l/"+l.ID(), licenceDoc(l))
	}
	for _, t := range kb.Topics {
		add("t/"+t.ID, topicDoc(t))
	}
	return &plainCJK{bi}, bi.Batch(b)
}

func (p *plainCJK) search(ctx context.Context, q string, n int) (int, error) {
	ids, err := p.top(ctx, q, n)
	return len(ids), err
}

// top returns the ids of the first n hits for q.
func (p *plainCJK) top(ctx context.Context, q string, n int) ([]string, error) {
	var qs []query.Query
	for _, f := range []struct {
		field string
		boost float64
	}{{fieldTitle, DefaultParams().BoostTitle}, {fieldNames, DefaultParams().BoostNames}, {fieldBody, DefaultParams().BoostBody}} {
		mq := bleve.NewMatchQuery(q)
		mq.SetField(f.field)
		mq.SetBoost(f.boost)
		qs = append(qs, mq)
	}
	res, err := p.bi.SearchInContext(ctx, bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(qs...), n, 0, false))
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

type searchFunc func(ctx context.Context, q string, n int) (int, error)

// engines builds each compared index over kb.
func engines(b *testing.B, kb *knowledge.Base) []struct {
	name   string
	search searchFunc
} {
	seg, err := build(kb, modeSegment, DefaultParams())
	if err != nil {
		b.Fatal(err)
	}
	bi, err := build(kb, modeBigram, DefaultParams())
	if err != nil {
		b.Fatal(err)
	}
	plain, err := buildPlainCJK(kb)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { seg.Close(); bi.Close(); plain.bi.Close() })
	wrap := func(ix *Index) searchFunc {
		return func(ctx context.Context, q string, n int) (int, error) {
			r, err := ix.Search(ctx, q, n)
			return len(r.Hits), err
		}
	}
	return []struct {
		name   string
		search searchFunc
	}{{"gse", wrap(seg)}, {"bigram", wrap(bi)}, {"plain-cjk", plain.search}}
}

// BenchmarkSearch reports the latency percentiles of single searches. One
// op is one pass over the dev questions plus a few short ones, so that a
// small -benchtime (which the build benchmarks need) still gives thousands
// of samples.
func BenchmarkSearch(b *testing.B) {
	kb := shippedBase(b)
	var qs []string
	for _, q := range loadDev(b) {
		qs = append(qs, q.Q)
	}
	qs = append(qs, "药", "直播", "網約車", "ICP许可证", "小程序直播带货要什么资质")
	for _, e := range engines(b, kb) {
		b.Run(e.name, func(b *testing.B) {
			ctx := context.Background()
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				for _, q := range qs {
					start := time.Now()
					if _, err := e.search(ctx, q, 5); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(start))
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}

// benchModes are this project's two analyses, measured beside plain cjk.
var benchModes = []struct {
	name string
	mode analysisMode
}{{"gse", modeSegment}, {"bigram", modeBigram}}

// BenchmarkBuild indexes the shipped knowledge base. The gse build includes
// its segmenter (the dictionary text is parsed once per process); snapshot
// is what serving the shipped knowledge base costs instead: opening the
// embedded snapshot (see snapshot.go).
func BenchmarkBuild(b *testing.B) {
	kb := shippedBase(b)
	for _, mode := range benchModes {
		b.Run(mode.name, func(b *testing.B) {
			for b.Loop() {
				s, err := newBuilt(context.Background(), kb, mode.mode, DefaultParams())
				if err != nil {
					b.Fatal(err)
				}
				s.close()
			}
		})
	}
	b.Run("snapshot", func(b *testing.B) {
		for b.Loop() {
			s := openSnapshot(kb, DefaultParams())
			if s == nil {
				b.Fatal("the snapshot does not open")
			}
			s.close()
		}
	})
	b.Run("plain-cjk", func(b *testing.B) {
		for b.Loop() {
			p, err := buildPlainCJK(kb)
			if err != nil {
				b.Fatal(err)
			}
			p.bi.Close()
		}
	})
}

// BenchmarkReload is a reindex after an edit (the load excluded; see
// TestStartupProbe for load and reload together): the index alternates
// between two knowledge bases that differ in one sentence. update replaces
// the one document in the serving index (update.go); gse and bigram build
// the whole index beside it and swap, as a reindex does when it cannot
// update.
func BenchmarkReload(b *testing.B) {
	kbs := []*knowledge.Base{editedBase(b, "潜水爱好者"), editedBase(b, "登山爱好者")}
	run := func(b *testing.B, mode analysisMode, par Params) {
		ix, err := build(kbs[1], mode, par)
		if err != nil {
			b.Fatal(err)
		}
		defer ix.Close()
		i := 0
		for b.Loop() {
			if err := ix.Reload(kbs[i%2]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	}
	b.Run("update", func(b *testing.B) {
		par := DefaultParams()
		par.UpdateGenerations = 1 << 30
		run(b, modeSegment, par)
	})
	for _, mode := range benchModes {
		b.Run(mode.name, func(b *testing.B) {
			par := DefaultParams()
			par.UpdateMaxDocs = -1
			run(b, mode.mode, par)
		})
	}
}

// editedBase is the shipped knowledge base with one sentence of a category
// description changed to mention who: a knowledge base the snapshot is not
// of, as after a curator's edit.
func editedBase(tb testing.TB, who string) *knowledge.Base {
	tb.Helper()
	kb, err := knowledge.Load(editedFS(tb, who))
	if err != nil {
		tb.Fatal(err)
	}
	return kb
}

// editedFS is the files of editedBase.
func editedFS(tb testing.TB, who string) fstest.MapFS {
	tb.Helper()
	fsys := knowledgetest.Copy(tb, knowledge.Shipped())
	const file, was = "categories/01-社交.yaml", "让互不相识的用户结识"
	if !strings.Contains(string(fsys[file].Data), was) {
		tb.Fatalf("%s no longer has %q; pick another sentence", file, was)
	}
	fsys[file].Data = []byte(strings.Replace(string(fsys[file].Data), was, "让互不相识的"+who+"结识", 1))
	return fsys
}

// startupEnv makes the test binary a start-up probe (see TestStartupProbe).
const startupEnv = "QUALBOT_INDEX_STARTUP"

// BenchmarkStartup measures a cold start in a new process: load the shipped
// knowledge base, index it, answer one question. gse opens the snapshot of
// the shipped knowledge base, as qualbot does; gse-built builds the index
// (dictionary included), as for a knowledge base the snapshot is not of. It
// reports the time and the process's peak RSS.
func BenchmarkStartup(b *testing.B) {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"gse", "gse-built", "bigram", "plain-cjk"} {
		b.Run(mode, func(b *testing.B) {
			var ms, rss, heap float64
			n := 0
			for b.Loop() {
				cmd := exec.Command(exe, "-test.run=^TestStartupProbe$")
				cmd.Env = append(os.Environ(), startupEnv+"="+mode)
				out, err := cmd.CombinedOutput()
				if err != nil {
					b.Fatalf("%v\n%s", err, out)
				}
				var m, r, h float64
				if _, err := fmt.Sscanf(lastLine(string(out), "startup "), "startup %f ms %f MiB-rss %f MiB-heap", &m, &r, &h); err != nil {
					b.Fatalf("probe output %q: %v", out, err)
				}
				ms, rss, heap, n = ms+m, rss+r, heap+h, n+1
			}
			b.ReportMetric(ms/float64(n), "ms/start")
			b.ReportMetric(rss/float64(n), "MiB-peak-rss")
			b.ReportMetric(heap/float64(n), "MiB-heap")
		})
	}
}

func lastLine(out, prefix string) string {
	var last string
	for l := range strings.Lines(out) {
		if strings.HasPrefix(l, prefix) {
			last = strings.TrimSpace(l)
		}
	}
	return last
}

// TestStartupProbe is the process BenchmarkStartup starts; it does nothing
// in a normal test run.
func TestStartupProbe(t *testing.T) {
	mode := os.Getenv(startupEnv)
	if mode == "" {
		t.Skip("run by BenchmarkStartup")
	}
	start := time.Now()
	kb, err := knowledge.Load(knowledge.Shipped())
	if err != nil {
		t.Fatal(err)
	}
	var search searchFunc
	var ix *Index
	switch mode {
	case "plain-cjk":
		p, err := buildPlainCJK(kb)
		if err != nil {
			t.Fatal(err)
		}
		search = p.search
	default:
		m := modeSegment
		if mode == "bigram" {
			m = modeBigram
		}
		par := DefaultParams()
		// QUALBOT_INDEX_STARTUP_BATCHES=b/c builds in b batches, c at once.
		if bc := os.Getenv(startupEnv + "_BATCHES"); bc != "" {
			if _, err := fmt.Sscanf(bc, "%d/%d", &par.BuildBatches, &par.BuildConcurrent); err != nil {
				t.Fatal(err)
			}
		}
		if mode == "gse-built" {
			// What a knowledge base the snapshot is not of costs.
			var s *served
			s, err = newBuilt(context.Background(), kb, m, par)
			ix = &Index{mode: m, par: par, cur: s}
		} else {
			ix, err = build(kb, m, par)
		}
		if err != nil {
			t.Fatal(err)
		}
		search = func(ctx context.Context, q string, n int) (int, error) {
			r, err := ix.Search(ctx, q, n)
			return len(r.Hits), err
		}
	}
	if _, err := search(context.Background(), "網約車小程序需要什麼類目", 5); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	// Twice: what the first collection leaves in sync.Pool caches is
	// dropped by the second; the live heap is what stays.
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("startup %.1f ms %.1f MiB-rss %.1f MiB-heap\n", float64(elapsed.Microseconds())/1000, peakRSS(), float64(ms.HeapAlloc)/(1<<20))
	// With QUALBOT_INDEX_STARTUP_RELOADS=n, n reloads (load the knowledge
	// base, build, swap) follow, each with a question, and what the process
	// keeps. The reloads alternate between two edits (see editedFS), as
	// after a curator's: reloading unchanged files keeps the index.
	n, _ := strconv.Atoi(os.Getenv(startupEnv + "_RELOADS"))
	if n == 0 || ix == nil {
		return
	}
	edits := []fs.FS{editedFS(t, "潜水爱好者"), editedFS(t, "登山爱好者")}
	// With QUALBOT_INDEX_STARTUP_ASKS=q, q questions (the dev set's, in
	// turn) come before each reload, and the reloads are spaced out (the
	// day of a bot whose curators reindex now and then) instead of back to
	// back.
	asks, _ := strconv.Atoi(os.Getenv(startupEnv + "_ASKS"))
	var questions []string
	for _, q := range loadDev(t) {
		questions = append(questions, q.Q)
	}
	var reload time.Duration
	for i := range n {
		for j := range asks {
			if _, err := search(context.Background(), questions[(i*asks+j)%len(questions)], 5); err != nil {
				t.Fatal(err)
			}
		}
		start := time.Now()
		kb, err := knowledge.Load(edits[i%len(edits)])
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.Reload(kb); err != nil {
			t.Fatal(err)
		}
		reload += time.Since(start)
		if _, err := search(context.Background(), "小程序直播带货要什么资质", 5); err != nil {
			t.Fatal(err)
		}
		if asks > 0 {
			time.Sleep(releaseDelay + 200*time.Millisecond)
		}
	}
	time.Sleep(releaseDelay + 500*time.Millisecond) // the memory goes back to the OS once reloads pause
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	fmt.Printf("reloads %d %.1f ms/reload %.1f MiB-rss (%.1f file) %.1f MiB-peak-rss %.1f MiB-heap\n", n, float64(reload.Microseconds())/1000/float64(n), procStatus("VmRSS:"), procStatus("RssFile:"), peakRSS(), float64(ms.HeapAlloc)/(1<<20))
	runtime.KeepAlive(ix) // the index serves on: what it keeps is counted
}

// peakRSS is the process's peak resident set (VmHWM) in MiB; 0 where /proc
// is not available.
func peakRSS() float64 { return procStatus("VmHWM:") }

// procStatus is a memory figure of /proc/self/status in MiB.
func procStatus(key string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}
