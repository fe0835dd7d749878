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
	first map[rune]firstWords // the words that start with each character
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
	// The words that start with a character are a run of the order.
	d.first = make(map[rune]firstWords, nb/4)
	var (
		cur rune
		run firstWords
	)
	for i := range d.order {
		w, f := d.at(i)
		r, size := utf8.DecodeRuneInString(w)
		if i == 0 || r != cur {
			if i > 0 {
				d.first[cur] = run
			}
			cur, run = r, firstWords{lo: int32(i)}
		}
		run.hi = int32(i + 1)
		if size == len(w) && (r != utf8.RuneError || size > 1) {
			run.freq = f
		}
	}
	if len(d.order) > 0 {
		d.first[cur] = run
	}
	return d
}

// firstWords are the words that start with a character, and the frequency
// of the character itself as a word (0 when it is none).
type firstWords struct {
	lo, hi int32
	freq   float64
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

// word returns the i-th word in order.
func (d *wordDict) word(i int) string {
	if d.order == nil {
		return d.words[i]
	}
	id := int(d.order[i])
	if nb := len(d.base.words); id < nb {
		return d.base.words[id]
	}
	return d.words[id-len(d.base.words)]
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
	if s == d.all() && d.first != nil {
		// The first character, the widest step, from the index.
		_, size := utf8.DecodeRuneInString(prefix)
		if s, freq = d.firstRune(prefix[:size]); size == len(prefix) || s.empty() {
			return s, freq
		}
		return d.narrowPast(s, prefix, size)
	}
	return d.narrowPast(s, prefix, 0)
}

// firstRune is narrow(d.all(), r) for r a single character.
func (d *wordDict) firstRune(r string) (_ dictSpan, freq float64) {
	c, size := utf8.DecodeRuneInString(r)
	if d.first == nil || (c == utf8.RuneError && size == 1) {
		// No index, or a byte that is no character: the index is by
		// character, and would give the words that start with U+FFFD.
		return d.narrowPast(d.all(), r, 0)
	}
	f := d.first[c]
	return dictSpan{int(f.lo), int(f.hi)}, f.freq
}

// narrowPast is narrow for the case where the caller knows that the words
// of s start with prefix[:known]: only the bytes past it are compared.
func (d *wordDict) narrowPast(s dictSpan, prefix string, known int) (_ dictSpan, freq float64) {
	ext := prefix[known:]
	// lo: the first word not below prefix, by binary search. A word
	// above prefix that does not start with it bounds the words that do.
	lo, hi, end := s.lo, s.hi, s.hi
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch c := comparePrefix(d.word(m)[known:], ext); {
		case c < 0:
			lo = m + 1
		case c > 0:
			hi, end = m, m
		default:
			hi = m
		}
	}
	// The words from lo on that start with prefix, usually few: gallop
	// from lo, then search what is left.
	l := lo // the words of [lo, l) start with prefix, those of [end, s.hi) do not
	for step := 1; l < end; step *= 2 {
		m := l + step - 1
		if m >= end {
			break
		}
		if comparePrefix(d.word(m)[known:], ext) != 0 {
			end = m
			break
		}
		l = m + 1
	}
	for l < end {
		m := int(uint(l+end) >> 1)
		if comparePrefix(d.word(m)[known:], ext) == 0 {
			l = m + 1
		} else {
			end = m
		}
	}
	if lo < end && len(d.word(lo)) == len(prefix) {
		_, freq = d.at(lo)
	}
	return dictSpan{lo, end}, freq
}

// comparePrefix compares w with prefix p: 0 when w starts with p, else
// below or above 0 as w sorts before or after p. The p of a walk through
// the dictionary is a character or two, and a loop over their bytes is
// quicker than comparing strings.
func comparePrefix(w, p string) int {
	for i := 0; i < len(p); i++ {
		if i == len(w) {
			return -1
		}
		if w[i] != p[i] {
			if w[i] < p[i] {
				return -1
			}
			return 1
		}
	}
	return 0
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
