package index

import (
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"
)

// The Traditional↔Simplified tables, generated from OpenCC's dictionaries
// by gendict.go: t2s.txt is OpenCC's t2s whole; s2t.txt then tw.txt are its
// s2tw without the phrases that convert like their characters and occur
// nowhere in the knowledge base or the bot's texts. TestConvert checks them
// against OpenCC.
var (
	//go:embed dict/t2s.txt
	t2sText string
	//go:embed dict/s2t.txt
	s2tText string
	//go:embed dict/tw.txt
	twText string
)

// convMaxRunes is the longest key OpenCC's conversion tries.
const convMaxRunes = 10

// A convTable is one step of an OpenCC conversion: at each character, the
// longest key that starts there is replaced by its value. Keys are sorted,
// so the keys that start with a text are a contiguous run (see dictSpan).
type convTable struct {
	keys, vals []string
	first      map[rune]dictSpan // the keys that start with each character
	// The characters of the Basic Multilingual Plane that start a key, a
	// bit each (8 KiB): most characters of a text start none, and are
	// passed over without a map lookup.
	starts *[0x10000 / 64]uint64
}

func parseConvTable(text string) *convTable {
	n := strings.Count(text, "\n")
	t := &convTable{keys: make([]string, 0, n), vals: make([]string, 0, n), first: make(map[rune]dictSpan, n), starts: new([0x10000 / 64]uint64)}
	for line := range strings.Lines(text) {
		k, v, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		if !ok || k == "" {
			continue
		}
		if i := len(t.keys); i > 0 && t.keys[i-1] >= k {
			panic("index: conversion table not sorted; run go generate ./index")
		}
		r, _ := utf8.DecodeRuneInString(k)
		if r < 0x10000 {
			t.starts[r/64] |= 1 << (r % 64)
		}
		s, seen := t.first[r]
		if !seen {
			s.lo = len(t.keys)
		}
		s.hi = len(t.keys) + 1
		t.first[r] = s
		t.keys = append(t.keys, k)
		t.vals = append(t.vals, v)
	}
	return t
}

// convert returns s with the table applied; s itself when nothing changes,
// which is the common case and allocates nothing.
func (t *convTable) convert(s string) string { return t.apply(s, false) }

// apply returns s with the table applied and, with lower, then in lower
// case as strings.ToLower has it, in the same pass: lower case goes
// character by character, so it can be applied to each value the table
// puts in and to each character it leaves. s itself when nothing changes,
// without an allocation.
func (t *convTable) apply(s string, lower bool) string {
	var b strings.Builder
	changed := false
	done := 0 // s[:done] is in b
	// change replaces s[i:end] with v.
	change := func(i, end int, v string) {
		if !changed {
			b.Grow(len(s) + 8)
			changed = true
		}
		b.WriteString(s[done:i])
		b.WriteString(v)
		done = end
	}
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if best, end := t.match(s, i, r, size); best >= 0 {
			v := t.vals[best]
			if lower {
				v = strings.ToLower(v)
			}
			if v != s[i:end] {
				change(i, end, v)
			}
			i = end
			continue
		}
		if lower {
			if r == utf8.RuneError && size == 1 {
				change(i, i+1, "\uFFFD") // as strings.ToLower has it
			} else if l := lowerRune(r); l != r {
				change(i, i+size, string(l))
			}
		}
		i += size
	}
	if !changed {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// match returns the longest key that starts at byte i of s, whose first
// character is r of size bytes, and the end of its match; best is -1 when
// no key starts there.
func (t *convTable) match(s string, i int, r rune, size int) (best, end int) {
	if r < 0x10000 && t.starts[r/64]&(1<<(r%64)) == 0 {
		return -1, 0
	}
	span, ok := t.first[r]
	if !ok {
		return -1, 0
	}
	best = -1
	if t.keys[span.lo] == s[i:i+size] {
		best, end = span.lo, i+size
	}
	for j, n := i+size, 1; j < len(s) && n < convMaxRunes; n++ {
		_, sz := utf8.DecodeRuneInString(s[j:])
		j += sz
		if span = narrowSorted(t.keys, span, s[i:j]); span.empty() {
			break
		}
		if t.keys[span.lo] == s[i:j] {
			best, end = span.lo, j
		}
	}
	return best, end
}

var (
	t2sTable = sync.OnceValue(func() *convTable { return parseConvTable(t2sText) })
	s2tTable = sync.OnceValue(func() *convTable { return parseConvTable(s2tText) })
	twTable  = sync.OnceValue(func() *convTable { return parseConvTable(twText) })
)
