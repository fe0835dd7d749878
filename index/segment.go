package index

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// domainFreq is the frequency given to the knowledge base's own terms, so the
// segmenter keeps 互联网医院 or 网约车 whole instead of splitting them.
const domainFreq = 20000

// newSegmenter returns the dictionary of a knowledge base: the general
// dictionary plus domain, the knowledge base's own words (its names and the
// words: list of synonyms.yaml, which holds the platform's chat words the
// general dictionary lacks: without them 微信 is cut into 微 and 信).
func newSegmenter(domain []string) *wordDict {
	return newWordDict(slices.Clip(domain))
}

// Segmenters are handed to bleve's analyzer constructors by id, because a
// mapping's analysis configuration must be plain data.
var (
	segmenters sync.Map // string → *wordDict
	segSeq     atomic.Uint64
)

func registerSegmenter(seg *wordDict) string {
	id := "seg" + strconv.FormatUint(segSeq.Add(1), 10)
	segmenters.Store(id, seg)
	return id
}

func unregisterSegmenter(id string) { segmenters.Delete(id) }

// Analyzer type names registered with bleve.
const (
	zhAnalyzerType = "qualbot_zh"       // gse word segmentation; config: segmenter, max_word, stop (words)
	zhCJKType      = "qualbot_zh_cjk"   // the fallback: normalised cjk bigrams
	zhKeywordType  = "qualbot_zh_exact" // the whole normalised text as one term
)

func init() {
	registry.RegisterAnalyzer(zhAnalyzerType, newZhAnalyzer)
	registry.RegisterAnalyzer(zhCJKType, newCJKAnalyzer)
	registry.RegisterAnalyzer(zhKeywordType, newExactAnalyzer)
}

// normFilter is the char filter in front of every analyzer here: full-width
// folding, Traditional→Simplified and lower case, for documents and queries alike.
type normFilter struct{}

func (normFilter) Filter(input []byte) []byte {
	s := string(input)
	if n := normalize(s); n != s {
		return []byte(n)
	}
	return input // as most texts are: no copy
}

func newZhAnalyzer(config map[string]interface{}, _ *registry.Cache) (analysis.Analyzer, error) {
	id, _ := config["segmenter"].(string)
	v, ok := segmenters.Load(id)
	if !ok {
		return nil, fmt.Errorf("index: no segmenter %q", id)
	}
	maxWord, _ := config["max_word"].(bool)
	stop := configWords(config["stop"])
	return &analysis.DefaultAnalyzer{
		CharFilters: []analysis.CharFilter{normFilter{}},
		Tokenizer:   &segTokenizer{cut: newCutter(v.(*wordDict)), maxWord: maxWord, stop: stop},
	}, nil
}

// segTokenizer is a bleve tokenizer over the dictionary cut. With maxWord it also emits
// the dictionary words inside each word at the same position (the IK
// "max_word" pattern), so a document's 增值电信业务经营许可证 matches 许可证.
type segTokenizer struct {
	cut     *cutter
	maxWord bool
	stop    map[string]bool // words dropped (questions only)
}

func (t *segTokenizer) Tokenize(input []byte) analysis.TokenStream {
	text := string(input)
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	spans := t.cut.cutWith(sc, text, sc.spans[:0])
	off := sc.off
	// The words that become tokens, and how many tokens they make.
	kept := sc.kept[:0]
	n := 0
	end := 0 // rune index
	for _, sp := range spans {
		// The spans follow each other: each starts where the last ended.
		start := end
		for off[end] < sp.end {
			end++
		}
		w := text[sp.start:sp.end]
		if !hasWordChar(w) || t.stop[w] {
			continue
		}
		kept = append(kept, keptWord{sp, start, end})
		n++
		if t.maxWord {
			for k := start; k < end; k++ {
				n += len(sc.inner(start, end, k))
			}
		}
	}
	sc.spans, sc.kept = spans, kept

	rv := make(analysis.TokenStream, 0, n)
	tokens := make([]analysis.Token, 0, n) // allocated at once rather than one by one
	token := func(t analysis.Token) {
		tokens = append(tokens, t)
		rv = append(rv, &tokens[len(tokens)-1])
	}
	for pos, kw := range kept {
		pos++
		sp := kw.span
		token(analysis.Token{Term: input[sp.start:sp.end:sp.end], Start: sp.start, End: sp.end, Position: pos, Type: tokenType(text[sp.start:sp.end])})
		if !t.maxWord {
			continue
		}
		for k := kw.k0; k < kw.k1; k++ {
			i := off[k]
			for _, e := range sc.inner(kw.k0, kw.k1, k) {
				j := off[e]
				token(analysis.Token{Term: input[i:j:j], Start: i, End: j, Position: pos, Type: analysis.Ideographic})
			}
		}
	}
	return rv
}

// A keptWord is a word of the cut that makes a token: its bytes and its
// runes [k0, k1).
type keptWord struct {
	span
	k0, k1 int
}

// inner returns the ends of the dictionary words inside the word of runes
// [k0, k1) that start at rune k, two to eight characters long, the word
// itself excepted: with maxWord they are tokens too (the IK "max_word"
// pattern). They are in the graph of the last cut.
func (sc *scratch) inner(k0, k1, k int) []int32 {
	ends := sc.edges(k)
	if len(ends) > 0 && int(ends[0]) == k+1 {
		ends = ends[1:] // one character
	}
	last := min(k1, k+8)
	if k == k0 {
		last = min(k1-1, k+8) // not the word itself
	}
	n := 0
	for n < len(ends) && int(ends[n]) <= last {
		n++
	}
	return ends[:n]
}

func hasWordChar(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

func tokenType(s string) analysis.TokenType {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return analysis.Ideographic
		}
	}
	return analysis.AlphaNumeric
}
