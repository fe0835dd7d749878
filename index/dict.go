package index

import (
	_ "embed"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:generate go run gendict.go

// zhDict is the general part of the segmenter's dictionary: the 30,000 most
// frequent words of gse's zh_s dictionary, one "word frequency" pair a line,
// sorted by word (see dict/README.md and gendict.go). Sorted at generate time,
// it is searched in place: a process parses it once, in about a millisecond,
// and a knowledge base only merges its own few thousand words into it.
//
//go:embed dict/zh.txt
var zhDict string

// wordDict is a segmentation dictionary: words sorted bytewise with their
// frequencies. The words that start with a given text are a contiguous run,
// so walking a text character by character narrows a range (see span) and
// never needs a trie.
type wordDict struct {
	words []string
	freq  []float64
	total float64           // sum of freq
	first map[rune]dictSpan // the words that start with each character
}

// baseDict parses zhDict once per process; every knowledge base's
// dictionary is merged from it.
var baseDict = sync.OnceValue(func() *wordDict {
	n := strings.Count(zhDict, "\n")
	d := &wordDict{words: make([]string, 0, n), freq: make([]float64, 0, n)}
	for line := range strings.Lines(zhDict) {
		text, freq, ok := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(freq, 64)
		if err != nil || f <= 0 || text == "" {
			continue
		}
		if k := len(d.words); k > 0 && d.words[k-1] >= text {
			panic("index: dict/zh.txt is not sorted by word; run go generate ./index")
		}
		d.words = append(d.words, text)
		d.freq = append(d.freq, f)
		d.total += f
	}
	return d
})

// newWordDict returns the general dictionary plus domain, the knowledge
// base's own words, each at least domainFreq frequent. Each knowledge base
// gets its own dictionary, so a reload never changes one in use.
func newWordDict(domain []string) *wordDict {
	base := baseDict()
	own := make([]string, 0, len(domain))
	for _, w := range domain {
		if w = normalize(strings.TrimSpace(w)); w != "" {
			own = append(own, w)
		}
	}
	slices.Sort(own)
	own = slices.Compact(own)
	d := &wordDict{
		words: make([]string, 0, len(base.words)+len(own)),
		freq:  make([]float64, 0, len(base.words)+len(own)),
		total: base.total,
	}
	i := 0
	for _, w := range own {
		for i < len(base.words) && base.words[i] < w {
			d.words = append(d.words, base.words[i])
			d.freq = append(d.freq, base.freq[i])
			i++
		}
		if i < len(base.words) && base.words[i] == w {
			// A general word the knowledge base uses is at least as
			// frequent as its own words.
			f := max(base.freq[i], domainFreq)
			d.total += f - base.freq[i]
			d.words = append(d.words, w)
			d.freq = append(d.freq, f)
			i++
			continue
		}
		d.words = append(d.words, w)
		d.freq = append(d.freq, domainFreq)
		d.total += domainFreq
	}
	d.words = append(d.words, base.words[i:]...)
	d.freq = append(d.freq, base.freq[i:]...)
	d.first = make(map[rune]dictSpan, len(base.words)/4)
	for i, w := range d.words {
		r, _ := utf8.DecodeRuneInString(w)
		s, ok := d.first[r]
		if !ok {
			s.lo = i
		}
		s.hi = i + 1
		d.first[r] = s
	}
	return d
}

// A dictSpan is the range of a dictionary's words that start with a text.
type dictSpan struct{ lo, hi int }

func (d *wordDict) all() dictSpan { return dictSpan{0, len(d.words)} }

// narrow returns the words of s that start with prefix, which must extend
// the text s was narrowed to; freq is prefix's own frequency, 0 when
// prefix only begins longer words. An empty span means no word starts with
// prefix, nor with any longer text that starts with it.
func (d *wordDict) narrow(s dictSpan, prefix string) (_ dictSpan, freq float64) {
	if s.lo == 0 && s.hi == len(d.words) && d.first != nil {
		// The first character, the widest step, from the index.
		r, size := utf8.DecodeRuneInString(prefix)
		s = d.first[r]
		if size == len(prefix) || s.empty() {
			if !s.empty() && d.words[s.lo] == prefix {
				freq = d.freq[s.lo]
			}
			return s, freq
		}
	}
	if s = narrowSorted(d.words, s, prefix); !s.empty() && d.words[s.lo] == prefix {
		freq = d.freq[s.lo]
	}
	return s, freq
}

// narrowSorted returns the strings of span s of sorted that start with
// prefix.
func narrowSorted(sorted []string, s dictSpan, prefix string) dictSpan {
	words := sorted[s.lo:s.hi]
	lo := sort.Search(len(words), func(i int) bool { return words[i] >= prefix })
	words = words[lo:]
	hi := sort.Search(len(words), func(i int) bool { return !strings.HasPrefix(words[i], prefix) })
	return dictSpan{s.lo + lo, s.lo + lo + hi}
}

func (s dictSpan) empty() bool { return s.lo >= s.hi }
