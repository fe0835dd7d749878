package index

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

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

func (normFilter) Filter(input []byte) []byte { return []byte(normalize(string(input))) }

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
		Tokenizer:   &segTokenizer{dict: v.(*wordDict), cut: newCutter(v.(*wordDict)), maxWord: maxWord, stop: stop},
	}, nil
}

// segTokenizer is a bleve tokenizer over the dictionary cut. With maxWord it also emits
// the dictionary words inside each word at the same position (the IK
// "max_word" pattern), so a document's 增值电信业务经营许可证 matches 许可证.
type segTokenizer struct {
	dict    *wordDict
	cut     *cutter
	maxWord bool
	stop    map[string]bool // words dropped (questions only)
}

func (t *segTokenizer) Tokenize(input []byte) analysis.TokenStream {
	text := string(input)
	spans := t.cut.cut(text, make([]span, 0, len(text)/3+1))
	rv := make(analysis.TokenStream, 0, len(spans))
	// Tokens are allocated in slabs rather than one by one.
	slab := make([]analysis.Token, 0, len(spans)+len(spans)/2)
	token := func(t analysis.Token) *analysis.Token {
		if len(slab) == cap(slab) {
			slab = make([]analysis.Token, 0, 64)
		}
		slab = append(slab, t)
		return &slab[len(slab)-1]
	}
	pos := 0
	for _, sp := range spans {
		w := text[sp.start:sp.end]
		if !hasWordChar(w) || t.stop[w] {
			continue
		}
		pos++
		rv = append(rv, token(analysis.Token{Term: input[sp.start:sp.end:sp.end], Start: sp.start, End: sp.end, Position: pos, Type: tokenType(w)}))
		if !t.maxWord {
			continue
		}
		// Dictionary words inside w, two to eight characters long.
		for i := sp.start; i < sp.end; {
			_, size := utf8.DecodeRuneInString(text[i:])
			j, n := i+size, 1
			words, _ := t.dict.narrow(t.dict.all(), text[i:j])
			for j < sp.end && n < 8 && !words.empty() {
				_, size := utf8.DecodeRuneInString(text[j:])
				j += size
				n++
				if i == sp.start && j == sp.end {
					break // w itself
				}
				var freq float64
				if words, freq = t.dict.narrow(words, text[i:j]); words.empty() {
					break
				}
				if freq > 0 && !splitsASCII(text, i) && !splitsASCII(text, j) {
					rv = append(rv, token(analysis.Token{Term: input[i:j:j], Start: i, End: j, Position: pos, Type: analysis.Ideographic}))
				}
			}
			i += size
		}
	}
	return rv
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
