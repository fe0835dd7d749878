package knowledge_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/qualbot/qualbot/knowledge"
)

// brokenFS is testdata/good with problems in many files around it, some
// of which depend on the files before them. Its first file is much larger
// than the rest, so when files are parsed at once, it is done last.
func brokenFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := goodFS(t)
	var big strings.Builder
	big.WriteString("synonyms:\n")
	for i := range 3000 {
		fmt.Fprintf(&big, "  - {word: 词%d, means: [义%d, 意%d]}\n", i, i, i)
	}
	big.WriteString("  - {word: 重复, means: [甲]}\nbogus: 1\n")
	for name, text := range map[string]string{
		"a-big.yaml":       big.String(),
		"b-syntax.yaml":    "words: [a, b\n",
		"c-dup.yaml":       "synonyms:\n  - {word: 重复, means: [乙]}\n",
		"c0-empty.yaml":    "# nothing yet\n",
		"d-docs.yaml":      "words: [x]\n---\nwords: [y]\n",
		"e-huge.yaml":      strings.Repeat("# padding\n", 30000),
		"f-tab.yaml":       "words:\n\t- x\n",
		"g-keys.yaml":      "words: [z]\nwat: 1\n",
		"h-dup.yaml":       "synonyms:\n  - {word: 重复, means: [丙]}\n  - {word: 词7, means: [丁]}\n",
		"sub/i-alias.yaml": "words: *a\n",
		"sub/j-dup.yaml":   "licences:\n  - name: 《增值电信业务经营许可证》\n    sources: [{seed: x.txt, date: 2026-01-02}]\n",
	} {
		m[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return m
}

// TestLoadContext_ParallelErrors: the files' YAML is parsed concurrently,
// but the problems are the same, in the same order, as when every file is
// taken in turn, whatever the number of goroutines. The texts wanted are
// what Load reported when it parsed one file after the other.
func TestLoadContext_ParallelErrors(t *testing.T) {
	tests := []struct {
		name string
		lim  knowledge.Limits
		want string
	}{
		{"file limit", knowledge.Limits{File: 256 << 10}, `
b-syntax.yaml:2: syntax error: did not find expected ',' or ']'
c0-empty.yaml: the file is empty; delete it if its entries should go
e-huge.yaml: the file is 292 KiB, more than the limit of 256 KiB per file
f-tab.yaml:2: syntax error: found character that cannot start any token
sub/i-alias.yaml: syntax error: unknown anchor 'a' referenced
a-big.yaml:3003: unknown key "bogus" in the file (want one of categories, licences, topics, faq, synonyms, words, intents)
c-dup.yaml:2: duplicate synonym 重复 (first defined at a-big.yaml:3002)
d-docs.yaml:3: a second YAML document starts here; a file holds one (remove the ---)
g-keys.yaml:2: unknown key "wat" in the file (want one of categories, licences, topics, faq, synonyms, words, intents)
h-dup.yaml:2: duplicate synonym 重复 (first defined at a-big.yaml:3002)
h-dup.yaml:3: duplicate synonym 词7 (first defined at a-big.yaml:9)
sub/j-dup.yaml:2: duplicate licence 《增值电信业务经营许可证》 (first defined at licences.yaml:2)
`},
		{"base limit", knowledge.Limits{File: 256 << 10, Base: 140000}, `
b-syntax.yaml:2: syntax error: did not find expected ',' or ']'
c0-empty.yaml: the file is empty; delete it if its entries should go
categories/02-电商平台.yaml: the knowledge base passes 136 KiB with this file (the limit is 136 KiB); nothing after it was read
categories/01-社交.yaml:12: category 社交/直播: unknown licence 《信息网络传播视听节目许可证》 (add it to licences); 7 references to a licence no file defines, probably because c0-empty.yaml was not read (see above): fix that first
a-big.yaml:3003: unknown key "bogus" in the file (want one of categories, licences, topics, faq, synonyms, words, intents)
c-dup.yaml:2: duplicate synonym 重复 (first defined at a-big.yaml:3002)
`},
	}
	m := brokenFS(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 3, 8} {
		runtime.GOMAXPROCS(procs)
		for _, tt := range tests {
			for range 3 {
				kb, err := knowledge.LoadContext(context.Background(), m, tt.lim)
				if kb != nil || err == nil {
					t.Fatalf("GOMAXPROCS=%d %s: LoadContext = %v, %v; want nil and errors", procs, tt.name, kb, err)
				}
				if got := err.Error(); got != strings.TrimSpace(tt.want) {
					t.Fatalf("GOMAXPROCS=%d %s: problems:\n%s\nwant:\n%s", procs, tt.name, got, strings.TrimSpace(tt.want))
				}
			}
		}
	}
}

// TestLoadContext_ParallelSame: the shipped knowledge base loads the same
// with one goroutine as with many.
func TestLoadContext_ParallelSame(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(1)
	one := mustLoad(t, knowledge.Shipped())
	for _, procs := range []int{2, 8} {
		runtime.GOMAXPROCS(procs)
		if many := mustLoad(t, knowledge.Shipped()); !reflect.DeepEqual(one, many) {
			t.Errorf("GOMAXPROCS=%d: Load differs from GOMAXPROCS=1", procs)
		}
	}
}

// TestLoadContext_NoLimits: without a size limit, files load the same.
func TestLoadContext_NoLimits(t *testing.T) {
	want := mustLoad(t, goodFS(t))
	got, err := knowledge.LoadContext(context.Background(), goodFS(t), knowledge.Limits{})
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("LoadContext(no limits) = %v; want what Load returns", err)
	}
}

// cancelFS cancels a context when the file called at is opened.
type cancelFS struct {
	fs.FS
	at     string
	cancel context.CancelFunc
}

func (c cancelFS) Open(name string) (fs.File, error) {
	if name == c.at {
		c.cancel()
	}
	return c.FS.Open(name)
}

// TestLoadContext_CancelledWhileLoading: a context done while the files are
// read, or after they are all read and while they are parsed, stops the
// load, and no goroutine is left behind.
func TestLoadContext_CancelledWhileLoading(t *testing.T) {
	m := brokenFS(t)
	for _, at := range []string{"b-syntax.yaml", "topics.yaml"} {
		before := runtime.NumGoroutine()
		ctx, cancel := context.WithCancel(context.Background())
		kb, err := knowledge.LoadContext(ctx, cancelFS{m, at, cancel}, knowledge.DefaultLimits)
		if kb != nil || !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled at %s: LoadContext = %v, %v; want context.Canceled", at, kb, err)
		}
		for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; {
			if time.Now().After(deadline) {
				t.Fatalf("cancelled at %s: %d goroutines after LoadContext, %d before", at, runtime.NumGoroutine(), before)
			}
			time.Sleep(time.Millisecond)
		}
	}
}
