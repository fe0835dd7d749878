package index

import (
	"math"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
)

// vocab records which terms each document contains, so that a search can
// tell how much of a question its top hit accounts for. bleve's score alone
// cannot: it is normalised per query, so a one-word question about anything
// scores as high as a precise one.
type vocab struct {
	ids   map[string]int32
	terms []string           // term id → term
	df    []int32            // documents containing each term
	docs  map[string][]int32 // document id → its sorted term ids
	n     int                // documents
}

func newVocab() *vocab {
	return &vocab{ids: make(map[string]int32), docs: make(map[string][]int32)}
}

// add records the terms analyzer finds in the texts of document id.
func (v *vocab) add(id string, analyzer analysis.Analyzer, texts ...string) {
	var ts []int32
	for _, text := range texts {
		for _, t := range analyzer.Analyze([]byte(text)) {
			tid, ok := v.ids[string(t.Term)]
			if !ok {
				tid = int32(len(v.df))
				v.ids[string(t.Term)] = tid
				v.terms = append(v.terms, string(t.Term))
				v.df = append(v.df, 0)
			}
			ts = append(ts, tid)
		}
	}
	slices.Sort(ts)
	ts = slices.Compact(ts)
	for _, t := range ts {
		v.df[t]++
	}
	v.docs[id] = ts
	v.n++
}

// weight is how much a question term says: its inverse document frequency,
// the most for a term no document has. One character says little on its
// own (it is mostly what the segmenter could not place), so it counts half.
func (v *vocab) weight(term string) float64 {
	df := 0
	if id, ok := v.ids[term]; ok {
		df = int(v.df[id])
	}
	w := math.Log(float64(v.n+1) / float64(df+1))
	if len([]rune(term)) == 1 {
		w /= 2
	}
	return w
}

// hasPrefix reports whether document id has a term starting with prefix:
// a one- or two-character question is covered by the words it begins.
func (v *vocab) hasPrefix(id, prefix string) bool {
	for _, t := range v.docs[id] {
		if strings.HasPrefix(v.terms[t], prefix) {
			return true
		}
	}
	return false
}

// coverage is the share of the weight of terms that document id contains,
// between 0 and 1. A term also counts as contained when the document has
// one of its alternatives (what a synonym means).
func (v *vocab) coverage(id string, terms []string, alt map[string][]string) float64 {
	doc := v.docs[id]
	var have, all float64
	for i, t := range terms {
		if slices.Contains(terms[:i], t) {
			continue
		}
		w := v.weight(t)
		all += w
		if v.has(doc, t) || slices.ContainsFunc(alt[t], func(a string) bool { return v.has(doc, a) }) {
			have += w
		}
	}
	if all == 0 {
		return 0
	}
	return have / all
}

// has reports whether doc (sorted term ids) contains term.
func (v *vocab) has(doc []int32, term string) bool {
	tid, ok := v.ids[term]
	if !ok {
		return false
	}
	_, found := slices.BinarySearch(doc, tid)
	return found
}
