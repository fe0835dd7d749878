package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qualbot/qualbot/bot"
)

// TestReindex_BrokenDirectory breaks the knowledge directory in the ways an
// operator can, sends /reindex, and checks that the admin gets a clear
// error and the old knowledge base keeps answering.
func TestReindex_BrokenDirectory(t *testing.T) {
	t.Parallel()
	// One bot for every case: a failed reindex leaves it as it was.
	dir := filepath.Join(t.TempDir(), "kb")
	copyKB(t, dir)
	a := wireTest(t, dir)
	ask := func(text string) string {
		var out lines
		if err := a.Handler(context.Background(), &out, bot.Message{Chat: "me", Owner: true, Text: text}); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		a.Admin.Wait() // a /reindex replies when it is done
		return strings.Join(out, "\n")
	}
	before := ask("EDI是什么")
	version := a.Index.Base().Version

	for _, test := range []struct {
		name   string
		break_ func(t *testing.T, dir string)
		want   string // in the admin's reply
		root   bool   // whether the case works when running as root
	}{
		{"deleted", func(t *testing.T, dir string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		}, "no such file or directory", true},
		{"replaced by a file", func(t *testing.T, dir string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dir, []byte("not a directory"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "not a directory", true},
		{"emptied", func(t *testing.T, dir string) {
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
					t.Fatal(err)
				}
			}
		}, "", true},
		{"unreadable directory", func(t *testing.T, dir string) {
			if err := os.Chmod(dir, 0); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
		}, "permission denied", false},
		{"unreadable file", func(t *testing.T, dir string) {
			if err := os.Chmod(filepath.Join(dir, "licences.yaml"), 0); err != nil {
				t.Fatal(err)
			}
		}, "permission denied", false},
	} {
		t.Run(test.name, func(t *testing.T) {
			if !test.root && os.Geteuid() == 0 {
				t.Skip("root reads files whatever their mode")
			}
			os.Chmod(dir, 0o755)
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			copyKB(t, dir)
			test.break_(t, dir)
			reply := ask("/reindex")
			t.Logf("/reindex: %s", reply)
			if !strings.Contains(reply, "重建失败，旧索引继续使用") || !strings.Contains(reply, test.want) {
				t.Errorf("/reindex replied %q, want the failure and %q", reply, test.want)
			}
			if got := a.Index.Base().Version; got != version {
				t.Errorf("knowledge base version %s after a failed reindex, want the old %s", got, version)
			}
			if after := ask("EDI是什么"); after != before {
				t.Errorf("after the failed reindex the answer changed:\n%s\nwant:\n%s", after, before)
			}
		})
	}
}
