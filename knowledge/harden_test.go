package knowledge_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/qualbot/qualbot/knowledge"
	"github.com/qualbot/qualbot/knowledge/knowledgetest"
)

// goodFS returns testdata/good as a MapFS that a test may change.
func goodFS(t *testing.T) fstest.MapFS {
	t.Helper()
	return knowledgetest.Copy(t, os.DirFS("testdata/good"))
}

// loadLines loads fsys and returns its problems, one per line.
func loadLines(t *testing.T, fsys fs.FS, lim knowledge.Limits) []string {
	t.Helper()
	kb, err := knowledge.LoadContext(context.Background(), fsys, lim)
	if err == nil {
		t.Fatalf("Load = %d categories, no error; want an error", len(kb.Categories))
	}
	if kb != nil {
		t.Errorf("Load returned a base with its error")
	}
	return strings.Split(err.Error(), "\n")
}

// TestLoad_EmptyFile: a category file truncated to nothing used to load
// without its categories and without a word.
func TestLoad_EmptyFile(t *testing.T) {
	for name, data := range map[string]string{
		"zero bytes":    "",
		"blank lines":   "\n  \n",
		"only comments": "# 金融业\n",
		"a null":        "~\n",
	} {
		t.Run(name, func(t *testing.T) {
			m := goodFS(t)
			m["categories/02-电商平台.yaml"].Data = []byte(data)
			got := loadLines(t, m, knowledge.DefaultLimits)
			if want := "categories/02-电商平台.yaml: the file is empty"; !strings.HasPrefix(got[0], want) {
				t.Errorf("first problem = %q, want it to start %q", got[0], want)
			}
		})
	}
}

// TestLoad_YmlNamed: a file renamed to .yml used to be skipped silently.
func TestLoad_YmlNamed(t *testing.T) {
	m := goodFS(t)
	m["categories/02-电商平台.yml"] = m["categories/02-电商平台.yaml"]
	delete(m, "categories/02-电商平台.yaml")
	got := loadLines(t, m, knowledge.DefaultLimits)
	if want := "categories/02-电商平台.yml: knowledge files end in .yaml"; !strings.HasPrefix(got[0], want) {
		t.Errorf("problems = %q, want the first to start %q", got, want)
	}
}

func TestLoad_SizeLimits(t *testing.T) {
	t.Run("file", func(t *testing.T) {
		m := goodFS(t)
		const w = "  - 小程序开发者\n"
		words := "words:\n" + strings.Repeat(w, int(knowledge.DefaultLimits.File)/len(w)+1)
		m["words.yaml"] = &fstest.MapFile{Data: []byte(words)}
		got := loadLines(t, m, knowledge.DefaultLimits)
		if want := "words.yaml: the file is 2"; len(got) != 1 || !strings.HasPrefix(got[0], want) || !strings.Contains(got[0], "limit of 2 MiB") {
			t.Errorf("problems = %q, want one starting %q naming the limit", got, want)
		}
	})
	t.Run("base", func(t *testing.T) {
		got := loadLines(t, goodFS(t), knowledge.Limits{File: 2000, Base: 3000})
		if !strings.Contains(got[0], "the knowledge base passes") || !strings.Contains(got[0], "the limit is 2 KiB") {
			t.Errorf("problems = %q, want the first about the whole base", got)
		}
	})
}

// TestLoad_FutureDate: a date in the future is shown to users as the source
// date and hides staleness.
func TestLoad_FutureDate(t *testing.T) {
	m := goodFS(t)
	f := m["licences.yaml"]
	f.Data = []byte(strings.Replace(string(f.Data), "date: 2026-01-02}", "date: 2962-02-21}", 1))
	got := loadLines(t, m, knowledge.DefaultLimits)
	if len(got) != 1 || !strings.HasSuffix(got[0], "date 2962-02-21 is in the future") {
		t.Errorf("problems = %q, want one about the future date", got)
	}
}

// TestLoad_Symlink: --kb must not follow a link out of its directory, and a
// foreign file's contents must not reach the error messages.
func TestLoad_Symlink(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.yaml")
	if err := os.WriteFile(outside, []byte("password: hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("words: [小程序]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "x.yaml")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	got := loadLines(t, os.DirFS(dir), knowledge.DefaultLimits)
	if len(got) != 1 || !strings.HasPrefix(got[0], "x.yaml: a symbolic link") {
		t.Errorf("problems = %q, want one refusing the link", got)
	}
	if strings.Contains(strings.Join(got, "\n"), "password") {
		t.Errorf("a key of the linked file reached the errors: %q", got)
	}
}

// TestLoad_FileFailuresFirst: a broken or missing licences.yaml used to
// produce one "unknown licence" per requirement, with the cause last or
// nowhere.
func TestLoad_FileFailuresFirst(t *testing.T) {
	for _, test := range []struct {
		name   string
		change func(m fstest.MapFS)
		first  string
	}{
		{"a tab", func(m fstest.MapFS) {
			m["licences.yaml"].Data = []byte(strings.Replace(string(m["licences.yaml"].Data), "    short", "\tshort", 1))
		}, "licences.yaml:2: syntax error"},
		{"too large", func(m fstest.MapFS) {
			m["licences.yaml"].Data = append(m["licences.yaml"].Data, strings.Repeat("# 注释\n", 2000)...)
		}, "licences.yaml: the file is"},
		{"missing", func(m fstest.MapFS) { delete(m, "licences.yaml") }, "categories/01-社交.yaml:"},
	} {
		t.Run(test.name, func(t *testing.T) {
			m := goodFS(t)
			test.change(m)
			got := loadLines(t, m, knowledge.Limits{File: 8000})
			if !strings.HasPrefix(got[0], test.first) {
				t.Errorf("first problem = %q, want it to start %q", got[0], test.first)
			}
			n := 0
			for _, l := range got {
				if strings.Contains(l, "unknown licence") {
					n++
					if !strings.Contains(l, "references to a licence no file defines") {
						t.Errorf("follow-on not collapsed: %q", l)
					}
				}
			}
			if n != 1 {
				t.Errorf("problems:\n%s\nwant the unknown licences in one line", strings.Join(got, "\n"))
			}
		})
	}
}

func TestLoadContext_Cancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	kb, err := knowledge.LoadContext(ctx, goodFS(t), knowledge.DefaultLimits)
	if kb != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("LoadContext(cancelled) = %v, %v; want context.Canceled", kb, err)
	}
}

func TestDiff(t *testing.T) {
	old := mustLoad(t, goodFS(t))
	m := goodFS(t)
	delete(m, "categories/02-电商平台.yaml")
	topics := m["topics.yaml"]
	topics.Data = []byte(strings.Replace(string(topics.Data), ", [电商平台, 电商平台]", "", 1))
	m["more.yaml"] = &fstest.MapFile{Data: []byte("synonyms:\n  - {word: 卖课, means: [教育]}\n")}
	next := mustLoad(t, m)
	c := knowledge.Diff(old, next)
	var got []string
	for _, l := range [][]knowledge.Change{c.Added, c.Removed, c.Changed} {
		var s []string
		for _, x := range l {
			s = append(s, x.String())
		}
		got = append(got, strings.Join(s, ","))
	}
	removed := []string{}
	for _, cat := range old.Categories {
		if cat.Path[0] == "电商平台" {
			removed = append(removed, "category "+cat.ID())
		}
	}
	want := []string{"synonym 卖课", strings.Join(removed, ","), "topic " + old.Topics[0].ID}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Diff = added %q, removed %q, changed %q; want %q", got[0], got[1], got[2], want)
	}
	if c := knowledge.Diff(old, mustLoad(t, goodFS(t))); !c.None() {
		t.Errorf("Diff(same files) = %+v, want none", c)
	}
}
