package bot_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
	"gopkg.in/yaml.v3"
)

// TestAnswerFirst measures how the replies to the labelled real questions
// read (docs/answer-first.md): the share of answers whose first message is
// at most 200 characters, the messages per answer, and the length of the
// first message. It fails when fewer than minShort of the answers lead with
// a short first message, or when an answer needs more than one message.
//
//	go test ./bot -run TestAnswerFirst -v
func TestAnswerFirst(t *testing.T) {
	const (
		short    = 200
		minShort = 0.9
	)
	ix := transporttest.SharedIndex(t, "")
	a := &bot.Answerer{Searcher: ix, Prefix: "资质"}
	for _, set := range []struct{ name, path string }{
		{"dev", "../index/testdata/dev-questions.yaml"},
		{"check", "../index/testdata/check-questions.yaml"},
	} {
		t.Run(set.name, func(t *testing.T) {
			data, err := os.ReadFile(set.path)
			if err != nil {
				t.Fatal(err)
			}
			var qs []struct {
				Q string `yaml:"q"`
			}
			if err := yaml.Unmarshal(data, &qs); err != nil {
				t.Fatal(err)
			}
			kinds := map[bot.ReplyKind]int{}
			var firsts []int
			answers, shortAnswers, parts, maxParts := 0, 0, 0, 0
			for _, q := range qs {
				rep, _, err := a.Answer(context.Background(), q.Q)
				if err != nil {
					t.Fatal(err)
				}
				kinds[rep.Kind]++
				n := utf8.RuneCountInString(rep.Parts[0])
				firsts = append(firsts, n)
				if rep.Kind != bot.KindAnswer && rep.Kind != bot.KindCheck {
					continue
				}
				answers++
				parts += len(rep.Parts)
				maxParts = max(maxParts, len(rep.Parts))
				if n <= short {
					shortAnswers++
				} else {
					t.Logf("first message of %d characters: %q", n, q.Q)
				}
				if len(rep.Parts) > 1 {
					t.Errorf("%q: an answer in %d messages, want one", q.Q, len(rep.Parts))
				}
			}
			slices.Sort(firsts)
			var ks []string
			for _, k := range []bot.ReplyKind{bot.KindAnswer, bot.KindCheck, bot.KindChoices, bot.KindClarify, bot.KindDecline, bot.KindHelp} {
				ks = append(ks, fmt.Sprintf("%s %d", k, kinds[k]))
			}
			share := float64(shortAnswers) / float64(max(answers, 1))
			t.Logf("%s: %d questions (%s); answers with a first message ≤ %d characters: %d/%d (%.0f%%); messages per answer %.2f (max %d); first message of every reply: median %d, 90th percentile %d, max %d characters",
				set.name, len(qs), strings.Join(ks, ", "), short, shortAnswers, answers, 100*share,
				float64(parts)/float64(max(answers, 1)), maxParts, firsts[len(firsts)/2], firsts[len(firsts)*9/10], firsts[len(firsts)-1])
			if share < minShort {
				t.Errorf("%.0f%% of answers have a first message of at most %d characters, want at least %.0f%%", 100*share, short, 100*minShort)
			}
		})
	}
}
