package knowledge

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestPhraseSet_SameAsLinear: the indexed search finds what searching for
// every phrase in turn finds (the same end and the same captures), on the
// shipped rules' phrase lists and texts made of their phrases, pieces of
// them and other characters, including invalid UTF-8.
func TestPhraseSet_SameAsLinear(t *testing.T) {
	kb, err := Load(Shipped())
	if err != nil {
		t.Fatal(err)
	}
	var sets []phraseSet
	for _, r := range kb.Intents.Rules {
		sets = append(sets, r.any, r.not, r.skip, r.after)
		sets = append(sets, r.all...)
	}
	// Lists the shipped rules do not have: an empty phrase, duplicates,
	// one phrase inside another, a phrase of invalid UTF-8.
	sets = append(sets,
		newPhraseSet([]phrase{{text: "备案"}, {text: ""}, {text: "备案要多久"}, {text: "备案"}}),
		newPhraseSet([]phrase{{text: "要多久"}, {text: "多久"}, {text: "久"}}),
		newPhraseSet([]phrase{{text: "\xe4"}, {text: "中"}}),
		newPhraseSet(nil))
	var words []string
	for _, s := range sets {
		for _, p := range s.list {
			words = append(words, p.text)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	piece := func() string {
		w := []rune(words[rng.IntN(len(words))])
		switch rng.IntN(4) {
		case 0:
			return string(w)
		case 1:
			if len(w) > 1 {
				return string(w[rng.IntN(len(w)-1)+1:])
			}
		case 2:
			return string(w[:rng.IntN(len(w)+1)])
		}
		return []string{"，", "的", "a", "\xe4\xb8", "?", "小程序", " "}[rng.IntN(7)]
	}
	texts := []string{"", "备案", "备案要多久", "中", "\xe4\xb8\xad", "\xe4"}
	for range 3000 {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteString(piece())
		}
		texts = append(texts, b.String())
	}
	checked := 0
	for _, s := range sets {
		for _, text := range texts {
			var got, want IntentMatch
			g, w := s.find(text, &got), findAny(text, s.list, &want)
			if g != w || len(got.Captures) != len(want.Captures) {
				t.Fatalf("%q in %d phrases: find %d %v, linear %d %v", text, len(s.list), g, got.Captures, w, want.Captures)
			}
			for k, v := range want.Captures {
				if got.Captures[k] != v {
					t.Fatalf("%q: capture %s = %q, linear %q", text, k, got.Captures[k], v)
				}
			}
			if w >= 0 {
				checked++
			}
		}
	}
	if checked < 1000 {
		t.Errorf("only %d texts held a phrase; the test would not see a difference", checked)
	}
}
