package index

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/longbridgeapp/opencc"
)

// TestConvert checks the generated tables against OpenCC itself: t2s on
// every key of the t2s table (alone and run together), the questions and
// the knowledge base in both scripts; s2tw on every text of the shipped
// knowledge base and every line of the bot's own texts, which are what
// the bot converts.
func TestConvert(t *testing.T) {
	t.Parallel()
	t2s, err := opencc.New("t2s")
	if err != nil {
		t.Fatal(err)
	}
	s2tw, err := opencc.New("s2tw")
	if err != nil {
		t.Fatal(err)
	}
	var simplified []string // texts the bot can say
	kb := shippedBase(t)
	for _, c := range kb.Categories {
		simplified = append(simplified, c.Path...)
		simplified = append(simplified, c.Aliases...)
		simplified = append(simplified, c.Keywords...)
		simplified = append(simplified, c.Description)
		simplified = append(simplified, c.Notes...)
		for _, g := range c.Requirements {
			for _, it := range g.Items {
				simplified = append(simplified, it.Text)
			}
		}
	}
	for _, l := range kb.Licences {
		simplified = append(simplified, l.ID(), l.About, l.Issuer)
		simplified = append(simplified, l.Short...)
	}
	for _, tp := range kb.Topics {
		simplified = append(simplified, tp.Title, tp.Body)
		simplified = append(simplified, tp.Aliases...)
	}
	files, _ := filepath.Glob("../bot/*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		simplified = append(simplified, strings.Split(string(data), "\n")...)
	}
	for _, q := range loadDev(t) {
		simplified = append(simplified, q.Q)
	}
	if len(simplified) < 1000 {
		t.Fatalf("only %d texts", len(simplified))
	}
	var traditional []string
	for _, s := range simplified {
		want, err := s2tw.Convert(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := ToTraditional(s); got != want {
			t.Errorf("ToTraditional(%q) = %q, OpenCC s2tw %q (after editing knowledge/data or bot texts, run go generate ./index)", s, got, want)
		}
		traditional = append(traditional, want)
	}
	keys := t2sTable().keys
	traditional = append(traditional, strings.Join(keys, ""), strings.Join(keys, "。"))
	traditional = append(traditional, keys...)
	for _, s := range append(traditional, simplified...) {
		want, err := t2s.Convert(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := toSimplified(s); got != want {
			t.Errorf("toSimplified(%q) = %q, OpenCC t2s %q", s, got, want)
		}
	}
}
