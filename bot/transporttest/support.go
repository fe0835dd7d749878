package transporttest

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/qualbot/qualbot/index"
	"github.com/qualbot/qualbot/knowledge"
)

// BuildIndex loads the knowledge base in fsys and builds the real index
// over it, closed when the test ends: for a test that reloads it.
func BuildIndex(tb testing.TB, fsys fs.FS) *index.Index {
	tb.Helper()
	kb, err := knowledge.Load(fsys)
	if err != nil {
		tb.Fatal(err)
	}
	ix, err := index.Build(kb)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}

var (
	sharedMu sync.Mutex
	shared   = map[string]func() (*index.Index, error){}
)

// SharedIndex returns the real index over the knowledge base in the
// directory dir, or over the shipped one when dir is "". It is built once
// per test binary and never closed: for the tests that only search it.
func SharedIndex(tb testing.TB, dir string) *index.Index {
	tb.Helper()
	key := dir
	if dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			tb.Fatal(err)
		}
		key = abs
	}
	sharedMu.Lock()
	build, ok := shared[key]
	if !ok {
		build = sync.OnceValues(func() (*index.Index, error) {
			var fsys fs.FS = knowledge.Shipped()
			if dir != "" {
				fsys = os.DirFS(key)
			}
			kb, err := knowledge.Load(fsys)
			if err != nil {
				return nil, err
			}
			return index.Build(kb)
		})
		shared[key] = build
	}
	sharedMu.Unlock()
	ix, err := build()
	if err != nil {
		tb.Fatal(err)
	}
	return ix
}

// A Buffer is a bytes.Buffer safe for concurrent use: the log or terminal
// output a transport writes while the test reads it.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
