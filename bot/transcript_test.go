package bot_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/index"
	"github.com/qualbot/qualbot/knowledge"
)

var update = flag.Bool("update", false, "rewrite testdata/transcript.golden")

// recorder is a fake Replier that keeps what the bot said.
type recorder struct{ replies []string }

func (r *recorder) Reply(_ context.Context, text string) error {
	r.replies = append(r.replies, text)
	return nil
}

var _ bot.Replier = (*recorder)(nil)

// clock is a fake clock that the script advances.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

const botName = "资质助手"

// TestTranscript plays testdata/questions.txt through the whole handler chain,
// with the real loader and the real index over a copy of testdata/kb, and
// compares what the bot said with testdata/transcript.golden.
//
// Script lines are "CHAT SENDER> TEXT": CHAT is "dm" or "group:NAME", and
// SENDER "owner" is the bot's own account. "@资质助手" in a group marks a
// mention, as the WeChat transport would. Lines starting with "!" change the
// world: "!wait 10m" moves the clock, "!repeat N" sends the next line N
// times, "!write FILE" writes the following indented lines into the kb copy,
// "!remove FILE" deletes a file from it.
func TestTranscript(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/kb")); err != nil {
		t.Fatal(err)
	}
	ix := transporttest.BuildIndex(t, os.DirFS(dir))

	clk := &clock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	unanswered := filepath.Join(t.TempDir(), "unanswered.jsonl")
	stats := bot.NewStats(clk.Now())
	admin := &bot.Admin{
		Identities: []string{"管理员小王"},
		Reload: func(ctx context.Context) (*knowledge.Base, error) {
			kb, err := knowledge.Load(os.DirFS(dir))
			if err != nil {
				return nil, err
			}
			return kb, ix.Reload(kb)
		},
		Base:  ix.Base,
		Stats: stats,
		Now:   clk.Now,
	}
	admin.SetLoaded(clk.Now())
	b := &bot.Bot{
		Log:      slog.New(slog.DiscardHandler),
		Triggers: bot.Triggers{Prefix: "资质", Names: []string{botName}},
		Limits: &bot.RateLimit{
			Sender: bot.Bucket{Every: 10 * time.Second, Burst: 3},
			Chat:   bot.Bucket{Every: 2 * time.Second, Burst: 10},
			Global: bot.Bucket{Every: time.Second, Burst: 30},
		},
		Admin: admin,
		Answerer: &bot.Answerer{
			Searcher:      ix,
			ToTraditional: index.ToTraditional,
			Prefix:        "资质",
			FollowUps:     bot.NewFollowUps(5*time.Minute, 100),
			Stats:         stats,
			Unanswered:    &bot.UnansweredLog{Path: unanswered},
		},
	}
	h := b.Handler()

	script := mustLines(t, "testdata/questions.txt")
	var out strings.Builder
	repeat := 1
	for i := 0; i < len(script); i++ {
		line := script[i]
		switch {
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "!wait "):
			d, err := time.ParseDuration(strings.TrimPrefix(line, "!wait "))
			if err != nil {
				t.Fatalf("script line %d: %v", i+1, err)
			}
			clk.t = clk.t.Add(d)
			fmt.Fprintf(&out, "%s\n\n", line)
			continue
		case strings.HasPrefix(line, "!repeat "):
			n, err := strconv.Atoi(strings.TrimPrefix(line, "!repeat "))
			if err != nil {
				t.Fatalf("script line %d: %v", i+1, err)
			}
			repeat = n
			continue
		case strings.HasPrefix(line, "!write "):
			name := strings.TrimPrefix(line, "!write ")
			var body []string
			for i+1 < len(script) && strings.HasPrefix(script[i+1], "  ") {
				i++
				body = append(body, strings.TrimPrefix(script[i], "  "))
			}
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(strings.Join(body, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&out, "%s\n\n", line)
			continue
		case strings.HasPrefix(line, "!remove "):
			name := strings.TrimPrefix(line, "!remove ")
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&out, "%s\n\n", line)
			continue
		}
		m, err := parseLine(line)
		if err != nil {
			t.Fatalf("script line %d: %v", i+1, err)
		}
		rec := &recorder{}
		for range repeat {
			m.Time = clk.Now()
			if err := h(context.Background(), rec, m); err != nil {
				t.Fatalf("script line %d: %v", i+1, err)
			}
		}
		if repeat > 1 {
			fmt.Fprintf(&out, "> %s  (×%d)\n", line, repeat)
		} else {
			fmt.Fprintf(&out, "> %s\n", line)
		}
		if len(rec.replies) == 0 {
			out.WriteString("(no reply)\n")
		}
		for _, r := range rec.replies {
			fmt.Fprintf(&out, "< %s\n", strings.ReplaceAll(r, "\n", "\n  "))
		}
		out.WriteString("\n")
		repeat = 1
		clk.t = clk.t.Add(10 * time.Second) // people take a while to type

	}
	compareGolden(t, out.String(), "testdata/transcript.golden")

	// The declined questions reached the curators' log.
	data, err := os.ReadFile(unanswered)
	if err != nil {
		t.Fatalf("unanswered log: %v", err)
	}
	if n := strings.Count(string(data), "\n"); n == 0 {
		t.Errorf("unanswered log is empty, want the declined questions")
	}
}

// parseLine reads "CHAT SENDER> TEXT" into the Message a transport would make.
func parseLine(line string) (bot.Message, error) {
	head, text, ok := strings.Cut(line, "> ")
	if !ok {
		return bot.Message{}, fmt.Errorf("want CHAT SENDER> TEXT, got %q", line)
	}
	chat, sender, ok := strings.Cut(head, " ")
	if !ok {
		return bot.Message{}, fmt.Errorf("want CHAT SENDER> TEXT, got %q", line)
	}
	m := bot.Message{Sender: sender, SenderName: sender, Identity: sender, Text: text, Owner: sender == "owner"}
	if name, ok := strings.CutPrefix(chat, "group:"); ok {
		m.InGroup, m.Chat, m.ChatName = true, "@@"+name, name
		if strings.Contains(text, "@"+botName) {
			m.Mentioned = true
			m.Text = strings.Replace(text, "@"+botName+" ", "@"+botName+"\u2005", 1)
		}
	} else {
		m.Chat = "@" + sender
	}
	return m, nil
}

func mustLines(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ls []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		ls = append(ls, s.Text())
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return ls
}

// compareGolden compares got with the golden file, or rewrites it with -update.
func compareGolden(t *testing.T, got, name string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(name, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(name)
	if err != nil {
		if errorsIsNotExist(err) {
			t.Fatalf("%s does not exist; run go test ./bot -update", name)
		}
		t.Fatal(err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from the transcript (go test ./bot -update rewrites it); first difference at line %d:\n got: %s\nwant: %s", name, i+1, g, w)
			}
		}
	}
}

func errorsIsNotExist(err error) bool {
	return err != nil && os.IsNotExist(err) || err == fs.ErrNotExist
}
