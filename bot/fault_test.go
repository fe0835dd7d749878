package bot_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qualbot/qualbot/bot"
)

// TestUnansweredLog_Faults: when the unanswered-question log cannot be
// written (a full disk, a path that cannot be created), the user still gets
// the decline, the operator gets a warning, and the bot goes on answering.
func TestUnansweredLog_Faults(t *testing.T) {
	ix := obsIndex(t)
	for _, test := range []struct {
		name string
		path func(t *testing.T) string
	}{
		{"disk full", func(t *testing.T) string {
			if _, err := os.Stat("/dev/full"); err != nil {
				t.Skip("no /dev/full on this system")
			}
			return "/dev/full"
		}},
		{"parent is a file", func(t *testing.T) string {
			f := filepath.Join(t.TempDir(), "file")
			if err := os.WriteFile(f, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(f, "unanswered.jsonl")
		}},
		{"path is a directory", func(t *testing.T) string { return t.TempDir() }},
		{"read-only directory", func(t *testing.T) string {
			if os.Geteuid() == 0 {
				t.Skip("root writes whatever the mode")
			}
			dir := t.TempDir()
			if err := os.Chmod(dir, 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
			return filepath.Join(dir, "unanswered.jsonl")
		}},
	} {
		t.Run(test.name, func(t *testing.T) {
			var logs bytes.Buffer
			var obs events
			log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
			b := &bot.Bot{
				Log:       log,
				Observers: []bot.Observer{&obs},
				Answerer: &bot.Answerer{
					Searcher:   ix,
					Unanswered: &bot.UnansweredLog{Path: test.path(t)},
					Log:        log,
				},
			}
			h := b.Handler()
			for _, q := range []string{"怎么做红烧肉", "红烧肉要炖多久", "EDI是什么"} {
				s := &sink{}
				if err := h(context.Background(), s, bot.Message{Chat: "c", Sender: "s", Text: q}); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				if len(s.replies) == 0 {
					t.Fatalf("%s: no reply", q)
				}
			}
			var got []string
			for _, e := range obs.list {
				got = append(got, string(e.Outcome))
			}
			if want := "declined declined answered"; strings.Join(got, " ") != want {
				t.Errorf("outcomes %q, want %q", got, want)
			}
			if n := strings.Count(logs.String(), "record unanswered question"); n != 2 {
				t.Errorf("%d warnings about the log, want 2:\n%s", n, logs.String())
			}
			if strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("a failed log write was handled as an error:\n%s", logs.String())
			}
		})
	}
}
