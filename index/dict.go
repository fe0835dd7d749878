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
// so walking a text character by character narrows a range (see dictSpan)
// and never needs a trie. A knowledge base's dictionary holds only its own
// words and the order in which they merge into the general dictionary's, which
// all of them share.
type wordDict struct {
	words []string  // sorted; of a knowledge base: its own words only
	freq  []float64 // of each word
	total float64   // sum of the frequencies of all words
	// Of a knowledge base's dictionary: the general one, and the merged
	// order; an id below len(base.words) is a general word, the others
	// are words[id-len(base.words)].
	base  *wordDict
	order []int32
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
	nb := len(base.words)
	d := &wordDict{
		words: own,
		freq:  make([]float64, len(own)),
		total: base.total,
		base:  base,
		order: make([]int32, 0, nb+len(own)),
	}
	i := 0
	for k, w := range own {
		for i < nb && base.words[i] < w {
			d.order = append(d.order, int32(i))
			i++
		}
		d.freq[k] = domainFreq
		if i < nb && base.words[i] == w {
			// A general word the knowledge base uses is at least as
			// frequent as its own words.
			d.freq[k] = max(base.freq[i], domainFreq)
			d.total += d.freq[k] - base.freq[i]
			i++
		} else {
			d.total += domainFreq
		}
		d.order = append(d.order, int32(nb+k))
	}
	for ; i < nb; i++ {
		d.order = append(d.order, int32(i))
	}
	d.first = make(map[rune]dictSpan, nb/4)
	for i := range d.order {
		w, _ := d.at(i)
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

// at returns the i-th word in order and its frequency.
func (d *wordDict) at(i int) (string, float64) {
	if d.order == nil {
		return d.words[i], d.freq[i]
	}
	id := int(d.order[i])
	if nb := len(d.base.words); id < nb {
		return d.base.words[id], d.base.freq[id]
	}
	id -= len(d.base.words)
	return d.words[id], d.freq[id]
}

func (d *wordDict) len() int {
	if d.order == nil {
		return len(d.words)
	}
	return len(d.order)
}

// A dictSpan is the range of a dictionary's words that start with a text.
type dictSpan struct{ lo, hi int }

func (d *wordDict) all() dictSpan { return dictSpan{0, d.len()} }

// narrow returns the words of s that start with prefix, which must extend
// the text s was narrowed to; freq is prefix's own frequency, 0 when
// prefix only begins longer words. An empty span means no word starts with
// prefix, nor with any longer text that starts with it.
func (d *wordDict) narrow(s dictSpan, prefix string) (_ dictSpan, freq float64) {
	if s.lo == 0 && s.hi == d.len() && d.first != nil {
		// The first character, the widest step, from the index.
		r, size := utf8.DecodeRuneInString(prefix)
		s = d.first[r]
		if size == len(prefix) || s.empty() {
			if !s.empty() {
				if w, f := d.at(s.lo); w == prefix {
					freq = f
				}
			}
			return s, freq
		}
	}
	lo := s.lo + sort.Search(s.hi-s.lo, func(i int) bool { w, _ := d.at(s.lo + i); return w >= prefix })
	hi := lo + sort.Search(s.hi-lo, func(i int) bool { w, _ := d.at(lo + i); return !strings.HasPrefix(w, prefix) })
	s = dictSpan{lo, hi}
	if !s.empty() {
		if w, f := d.at(lo); w == prefix {
			freq = f
		}
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
