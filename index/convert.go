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
}

func parseConvTable(text string) *convTable {
	n := strings.Count(text, "\n")
	t := &convTable{keys: make([]string, 0, n), vals: make([]string, 0, n), first: make(map[rune]dictSpan, n)}
	for line := range strings.Lines(text) {
		k, v, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		if !ok || k == "" {
			continue
		}
		if i := len(t.keys); i > 0 && t.keys[i-1] >= k {
			panic("index: conversion table not sorted; run go generate ./index")
		}
		r, _ := utf8.DecodeRuneInString(k)
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
func (t *convTable) convert(s string) string {
	var b strings.Builder
	done := 0 // s[:done] is in b
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		span, ok := t.first[r]
		if !ok {
			i += size
			continue
		}
		best, end := -1, 0
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
		if best < 0 {
			i += size
			continue
		}
		if t.vals[best] != s[i:end] {
			if done == 0 {
				b.Grow(len(s) + 8)
			}
			b.WriteString(s[done:i])
			b.WriteString(t.vals[best])
			done = end
		}
		i = end
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

var (
	t2sTable = sync.OnceValue(func() *convTable { return parseConvTable(t2sText) })
	s2tTable = sync.OnceValue(func() *convTable { return parseConvTable(s2tText) })
	twTable  = sync.OnceValue(func() *convTable { return parseConvTable(twText) })
)
