// Package knowledgetest helps tests that change knowledge files: it copies
// a tree of them into memory, where a test may edit, add or delete files
// and then load the result.
package knowledgetest

import (
	"io/fs"
	"testing"
	"testing/fstest"
)

// Copy returns every file of fsys as a MapFS that a test may change.
func Copy(tb testing.TB, fsys fs.FS) fstest.MapFS {
	tb.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}
