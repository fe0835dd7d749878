package bot_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
)

// TestUnansweredLog_BoundedLines: the log rotated at 1 MiB whatever the
// size of a line, so two or three long messages from one sender wiped the
// curators' log and its .1.
func TestUnansweredLog_BoundedLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "unanswered.jsonl")
	l := &bot.UnansweredLog{Path: path}
	m := bot.Message{Chat: "c", Time: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}
	if err := l.Record(m, "怎么做红烧肉"); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("刷屏", 1<<19) // 3 MiB
	for range 3 {
		if err := l.Record(m, long); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "怎么做红烧肉") {
		t.Errorf("the first question was rotated away by three long ones")
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if n := utf8.RuneCountInString(line); n > bot.MaxQuestionRunes+100 {
			t.Errorf("a line of %d runes, want the question cut to %d", n, bot.MaxQuestionRunes)
		}
	}
}

// TestUnansweredLog_Symlink: the log followed a symbolic link planted at its
// path, and kept the permissions of an existing file.
func TestUnansweredLog_Symlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere")
	if err := os.WriteFile(target, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "unanswered.jsonl")
	if err := os.Symlink(target, path); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	l := &bot.UnansweredLog{Path: path}
	if err := l.Record(bot.Message{}, "怎么做红烧肉"); err == nil {
		t.Errorf("Record through a symbolic link = nil, want an error")
	}
	if b, _ := os.ReadFile(target); len(b) != 0 {
		t.Errorf("the link's target got %q", b)
	}
}

func TestUnansweredLog_Mode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unanswered.jsonl")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	l := &bot.UnansweredLog{Path: path}
	if err := l.Record(bot.Message{}, "怎么做红烧肉"); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
}

// TestStats_Bounded: /stats kept up to 500 distinct questions whole (500
// messages of 1 MB took the process to 1 GB).
func TestStats_Bounded(t *testing.T) {
	ix := transporttest.SharedIndex(t, "testdata/kb")
	stats := bot.NewStats(time.Now())
	a := &bot.Answerer{Searcher: ix, Stats: stats}
	h := a.Handle
	long := strings.Repeat("红烧肉", 1<<18)
	if err := h(t.Context(), &recorder{}, bot.Message{Chat: "c", Text: long}); err != nil {
		t.Fatal(err)
	}
	_, declined, top := stats.Snapshot(5)
	if declined != 1 || len(top) != 1 {
		t.Fatalf("declined %d, top %v; want the question declined", declined, len(top))
	}
	if n := utf8.RuneCountInString(top[0].Question); n > bot.MaxQuestionRunes {
		t.Errorf("/stats keeps %d runes of a question, want at most %d", n, bot.MaxQuestionRunes)
	}
}
