package index

import (
	"math"
	"sync"
)

// cutter is gse's dictionary cut without its HMM (gse's Cut(text, false)),
// rewritten over byte offsets with slices instead of maps: it allocates a
// fraction of what gse does and gives each word's place in the text.
type cutter struct {
	dict *wordDict
	logT float64 // log of the dictionary's total frequency
}

func newCutter(d *wordDict) *cutter {
	return &cutter{dict: d, logT: math.Log(d.total)}
}

// scratch is the cut's working memory, reused: documents are cut on
// bleve's analysis goroutines, a text at a time. After a cut it also holds
// the text's word graph, which the tokenizer reads for the words inside
// each word.
type scratch struct {
	off, next []int
	best      []float64
	// The word graph: the ends (rune indexes) of the dictionary words that
	// start at rune k are ends[from[k]:from[k-1]] (ends[from[0]:] for the
	// first rune), in increasing order. Only the words the cut may choose
	// are there: frequency above 0, no end inside a run of ASCII letters
	// and digits.
	ends []int32
	from []int
	// The tokenizer's: the cut and the words it keeps.
	spans []span
	kept  []keptWord
	logs  logCache
}

// logCache remembers the logarithms of the last frequencies seen, a slot
// each by a hash of the frequency: a dictionary has few distinct
// frequencies, the common words' most of all, and math.Log was a fifth of
// the cut.
type logCache [512]struct{ freq, log float64 }

func (c *logCache) log(freq float64) float64 {
	e := &c[(math.Float64bits(freq)*0x9E3779B97F4A7C15)>>(64-9)]
	if e.freq != freq {
		e.freq, e.log = freq, math.Log(freq)
	}
	return e.log
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// edges returns the ends of the words the last cut found at rune k.
func (sc *scratch) edges(k int) []int32 {
	if k == 0 {
		return sc.ends[sc.from[0]:]
	}
	return sc.ends[sc.from[k]:sc.from[k-1]]
}

// grow returns s resized to n, reusing its array when it is large enough.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// span is a word of a text, as byte offsets.
type span struct{ start, end int }

// cut splits text, which must already be lower case, into words: the most
// probable path through the dictionary words it contains, single characters
// where it contains none, and runs of ASCII letters and digits kept whole.
func (c *cutter) cut(text string, out []span) []span {
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	return c.cutWith(sc, text, out)
}

// cutWith is cut with sc as its working memory; sc keeps the offsets of the
// runes of text (off) and its word graph (see scratch) for the caller.
func (c *cutter) cutWith(sc *scratch, text string, out []span) []span {
	// off[k] is the byte offset of rune k; off[n] is len(text).
	off := sc.off[:0]
	for i := range text {
		off = append(off, i)
	}
	n := len(off)
	off = append(off, len(text))
	sc.off = off

	// Dynamic programming from the end, as gse's calc: best[k] is the best
	// log probability of text from rune k on, next[k] the end of its first word.
	best := grow(sc.best, n+1)
	next := grow(sc.next, n+1)
	from := grow(sc.from, n+1)
	ends := sc.ends[:0]
	best[n], next[n] = 0, 0
	for k := n - 1; k >= 0; k-- {
		from[k] = len(ends)
		found := false
		// No word starts inside a run of ASCII letters and digits.
		if !splitsASCII(text, off[k]) {
			// The words that start with runes k to i, i from k on.
			start := off[k]
			words, freq := c.dict.firstRune(text[start:off[k+1]])
			for i := k; !words.empty(); {
				if freq > 0 && !splitsASCII(text, off[i+1]) {
					ends = append(ends, int32(i+1))
					f := sc.logs.log(freq) - c.logT + best[i+1]
					// gse keeps the later end on a tie.
					if !found || f > best[k] || (f == best[k] && i+1 > next[k]) {
						best[k], next[k] = f, i+1
						found = true
					}
				}
				if i++; i == n {
					break
				}
				words, freq = c.dict.narrowPast(words, text[start:off[i+1]], off[i]-start)
			}
		}
		if !found {
			best[k], next[k] = -c.logT+best[k+1], k+1
		}
	}
	sc.best, sc.next, sc.from, sc.ends = best, next, from, ends

	for x := 0; x < n; {
		y := next[x]
		// Single ASCII letters and digits join into one word, as gse's
		// [[:alnum:]] buffer does.
		if y == x+1 && isASCIIAlnum(text[off[x]:off[y]]) {
			z := x
			for z < n && next[z] == z+1 && isASCIIAlnum(text[off[z]:off[z+1]]) {
				z++
			}
			out = append(out, span{off[x], off[z]})
			x = z
			continue
		}
		out = append(out, span{off[x], off[y]})
		x = y
	}
	return out
}

// splitsASCII reports whether byte offset i of text falls inside a run of
// ASCII letters and digits: a dictionary word never starts or ends there, so
// "fail" is not read as f + ai + l.
func splitsASCII(text string, i int) bool {
	return i > 0 && i < len(text) && isASCIIAlnumByte(text[i-1]) && isASCIIAlnumByte(text[i])
}

func isASCIIAlnumByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isASCIIAlnum(s string) bool {
	if len(s) != 1 {
		return false
	}
	c := s[0]
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
