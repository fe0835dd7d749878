package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qualbot/qualbot/bot"
)

// askKB is a small knowledge base in the repository: 社交 categories, the
// licences they name, and the topics 备案 and 审核驳回.
const askKB = goodKB

func runAsk(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), append([]string{"ask"}, args...), strings.NewReader(stdin), &stdout, &stderr); err != nil {
		t.Fatalf("ask %q: %v\nstderr:\n%s", args, err, &stderr)
	}
	return stdout.String()
}

// wireTest wires the bot over the knowledge directory dir ("" for the
// embedded base) with the unanswered log off and logs discarded; the index
// is closed when the test ends.
func wireTest(t *testing.T, dir string) *app {
	t.Helper()
	cfg := DefaultConfig()
	cfg.KnowledgeDir = dir
	cfg.UnansweredLog = ""
	a, err := wire(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// copyKB copies the small knowledge base of the repository (goodKB) into
// dir, for a test that edits or breaks its knowledge directory.
func copyKB(t *testing.T, dir string) {
	t.Helper()
	if err := os.CopyFS(dir, os.DirFS(goodKB)); err != nil {
		t.Fatal(err)
	}
}

// botReply is what the bot itself replies to q, for comparing with ask.
func botReply(t *testing.T, q string) string {
	t.Helper()
	a := wireTest(t, askKB)
	rep, _, err := a.Answerer.Answer(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return rep.Text()
}

func TestAsk_JSON(t *testing.T) {
	t.Parallel()
	questions := []string{"小程序直播带货要什么资质", "ICP备案要多久", "今天天气怎么样：+-\"~*"}
	out := runAsk(t, strings.Join(questions, "\n")+"\n\n", "--json", "--kb", askKB, "--top", "2")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(questions) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(questions), out)
	}
	var got []bot.Explanation
	for _, l := range lines {
		var r bot.Explanation
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		got = append(got, r)
	}
	for i, r := range got {
		if r.Query != questions[i] {
			t.Errorf("line %d: query = %q, want %q", i, r.Query, questions[i])
		}
		if len(r.Hits) > 2 {
			t.Errorf("%q: %d hits, want at most --top 2", r.Query, len(r.Hits))
		}
		if want := botReply(t, r.Query); r.Reply != want {
			t.Errorf("%q: reply differs from the bot's:\n got %q\nwant %q", r.Query, r.Reply, want)
		}
		if n := utf8.RuneCountInString(r.Reply); r.Parts < 1 || r.FirstChars < 1 || r.FirstChars > n || r.Parts == 1 && r.FirstChars != n {
			t.Errorf("%q: parts = %d, first_chars = %d, for a reply of %d characters", r.Query, r.Parts, r.FirstChars, n)
		}
		for _, h := range r.Hits {
			if (h.Kind == "category") != (len(h.Path) > 0) {
				t.Errorf("%q: hit %+v: path must be present exactly for categories", r.Query, h)
			}
			if h.ID == "" || h.Title == "" || h.Score <= 0 {
				t.Errorf("%q: incomplete hit %+v", r.Query, h)
			}
		}
	}
	if r := got[0]; !r.Answered || len(r.Hits) == 0 || r.Hits[0].ID != "社交/直播" ||
		strings.Join(r.Hits[0].Path, "-") != "社交-直播" || r.Hits[0].Title != "社交-直播" {
		t.Errorf("直播带货: got %+v, want an answer led by 社交/直播", r)
	}
	if r := got[1]; !r.Answered || len(r.Hits) == 0 || r.Hits[0].Kind != "topic" || r.Hits[0].ID != "备案" {
		t.Errorf("ICP备案要多久: got %+v, want an answer led by topic 备案", r)
	}
	if r := got[2]; r.Answered || r.Clarify {
		t.Errorf("off-topic question: got %+v, want a decline", r)
	}
	if got[0].ReplyKind != "answer" || got[0].Details == "" || got[2].ReplyKind != "decline" || got[2].Details != "" {
		t.Errorf("reply kinds and details: got %q with %d characters of details, %q with %q",
			got[0].ReplyKind, len(got[0].Details), got[2].ReplyKind, got[2].Details)
	}
}

func TestAsk_Text(t *testing.T) {
	t.Parallel()
	q1, q2 := "小程序直播带货要什么资质", "網約車要什麼類目"
	out := runAsk(t, "", "--kb", askKB, q1, q2)
	want := botReply(t, q1) + "\n\n" + botReply(t, q2) + "\n"
	if out != want {
		t.Errorf("ask printed:\n%s\nwant the bot's replies:\n%s", out, want)
	}
}

func TestAsk_Errors(t *testing.T) {
	var stdout, stderr bytes.Buffer
	for _, args := range [][]string{
		{"ask", "--kb", "testdata/no-such-dir", "直播"},
		{"ask", "--kb", badKB, "直播"},
		{"ask", "--top", "-1", "直播"},
	} {
		if err := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); err == nil {
			t.Errorf("run %q: no error", args)
		}
	}
}
