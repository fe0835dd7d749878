package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/index"
	"github.com/qualbot/qualbot/knowledge"
)

// TestLogs_NoTextWithoutLogText backs the README's promise that what people
// wrote stays out of the logs without --log-text. A failed search used to
// write the question, twice and whole, into the ERROR line.
func TestLogs_NoTextWithoutLogText(t *testing.T) {
	const q = "做直播要什么证 私人问题x9y8z7"
	ix := transporttest.SharedIndex(t, "testdata/kb")
	for _, test := range []struct {
		name     string
		searcher knowledge.Searcher
	}{
		{"an error that quotes the question", searchFunc(func(ctx context.Context, q string, n int) (knowledge.Result, error) {
			return knowledge.Result{}, fmt.Errorf("index: search %q: boom", q)
		})},
		{"the real index", ix},
	} {
		for _, logText := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, log-text %v", test.name, logText), func(t *testing.T) {
				var logs bytes.Buffer
				b := &bot.Bot{
					Log:      slog.New(slog.NewJSONHandler(&logs, nil)),
					LogText:  logText,
					Answerer: &bot.Answerer{Searcher: test.searcher, ToTraditional: index.ToTraditional},
				}
				rec := &recorder{}
				ctx := context.Background()
				if test.searcher == ix {
					// A search cut short, as on SIGTERM in a flood.
					c, cancel := context.WithCancel(ctx)
					cancel()
					ctx = c
				}
				if err := b.Handler()(ctx, rec, bot.Message{Chat: "c", Sender: "s", Text: q}); err != nil {
					t.Fatal(err)
				}
				out := logs.String()
				if !strings.Contains(out, `"level":"ERROR"`) {
					t.Fatalf("log:\n%s\nwant an ERROR line", out)
				}
				if got := strings.Contains(out, "x9y8z7"); got != logText {
					t.Errorf("question in the log = %v, want %v:\n%s", got, logText, out)
				}
				if test.searcher == ix && len(rec.replies) != 0 {
					t.Errorf("replies on shutdown = %q, want no apology", rec.replies)
				}
			})
		}
	}
}
