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
// bleve's analysis goroutines, a text at a time.
type scratch struct {
	off, next []int
	best      []float64
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

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
	sc.best, sc.next = best, next
	best[n], next[n] = 0, 0
	for k := n - 1; k >= 0; k-- {
		found := false
		words := c.dict.all()
		for i := k; i < n; i++ {
			var freq float64
			if words, freq = c.dict.narrow(words, text[off[k]:off[i+1]]); words.empty() {
				break
			}
			if freq <= 0 || splitsASCII(text, off[k]) || splitsASCII(text, off[i+1]) {
				continue
			}
			f := math.Log(freq) - c.logT + best[i+1]
			// gse keeps the later end on a tie.
			if !found || f > best[k] || (f == best[k] && i+1 > next[k]) {
				best[k], next[k] = f, i+1
				found = true
			}
		}
		if !found {
			best[k], next[k] = -c.logT+best[k+1], k+1
		}
	}

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
