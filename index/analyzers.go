package index

import (
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/qualbot/qualbot/knowledge"
)

// newCJKAnalyzer is the measured fallback: bleve's cjk bigrams behind the
// same normalisation as the segmenting analyzer.
func newCJKAnalyzer(config map[string]interface{}, _ *registry.Cache) (analysis.Analyzer, error) {
	filters := []analysis.TokenFilter{cjk.NewCJKBigramFilter(false)}
	if stop := configWords(config["stop"]); len(stop) > 0 {
		filters = append(filters, stopFilter{stop})
	}
	return &analysis.DefaultAnalyzer{
		CharFilters:  []analysis.CharFilter{normFilter{}},
		Tokenizer:    unicode.NewUnicodeTokenizer(),
		TokenFilters: filters,
	}, nil
}

// newExactAnalyzer indexes a whole name as one normalised term, for the
// exact alias match a one- or two-character question gets.
func newExactAnalyzer(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
	return &analysis.DefaultAnalyzer{
		CharFilters: []analysis.CharFilter{keyFilter{}},
		Tokenizer:   single.NewSingleTokenTokenizer(),
	}, nil
}

// stopFilter drops the question boilerplate from a token stream.
type stopFilter struct{ words map[string]bool }

func (f stopFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	for _, t := range in {
		if !f.words[string(t.Term)] {
			out = append(out, t)
		}
	}
	return out
}

// stopWords are the words nearly every question carries and that say
// nothing about which category or topic it is about: the intents set
// "stop" of kb. They are dropped from questions only; documents keep them.
func stopWords(kb *knowledge.Base) []string {
	if kb.Intents == nil {
		return nil
	}
	var out []string
	for _, w := range kb.Intents.Sets["stop"] {
		out = append(out, normalize(w))
	}
	return out
}

// configWords reads a list of words from an analyzer's config: a []string
// as newMapping passes it, or a []interface{} after a JSON round trip.
func configWords(v interface{}) map[string]bool {
	m := map[string]bool{}
	switch ws := v.(type) {
	case []string:
		for _, w := range ws {
			m[w] = true
		}
	case []interface{}:
		for _, w := range ws {
			if s, ok := w.(string); ok {
				m[s] = true
			}
		}
	}
	return m
}

// keyFilter reduces a name to its key (see nameKey).
type keyFilter struct{}

func (keyFilter) Filter(input []byte) []byte { return []byte(nameKey(string(input))) }

// nameKey is the form in which names are compared: normalised, with
// everything but letters and digits removed, so 社交-社区/论坛 and
// 社交社区论坛 are the same name.
func nameKey(s string) string {
	s = normalize(s)
	return strings.Map(func(r rune) rune {
		if isWordRune(r) {
			return r
		}
		return -1
	}, s)
}
