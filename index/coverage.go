package index

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
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

// intern returns the id of term, adding it if it is new.
func (v *vocab) intern(term []byte) int32 {
	tid, ok := v.ids[string(term)]
	if !ok {
		s := string(term) // one copy for the map and the list
		tid = int32(len(v.df))
		v.ids[s] = tid
		v.terms = append(v.terms, s)
		v.df = append(v.df, 0)
	}
	return tid
}

// add records the terms of document id: the ids of what each of its
// texts was analysed into (see termRecorder).
func (v *vocab) add(id string, texts ...[]int32) {
	var ts []int32
	for _, t := range texts {
		ts = append(ts, t...)
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
	return v.covers(id, v.question(terms, alt))
}

// A questionTerm is a term of a question as coverage reads it.
type questionTerm struct {
	w   float64 // its weight
	ids []int32 // the term ids that count for it: its own and its alternatives' that documents have
}

// question returns the terms of a question, each once and in order, with
// what coverage needs of them: a search computes it once for all its hits.
func (v *vocab) question(terms []string, alt map[string][]string) []questionTerm {
	qs := make([]questionTerm, 0, len(terms))
	for i, t := range terms {
		if slices.Contains(terms[:i], t) {
			continue
		}
		q := questionTerm{w: v.weight(t)}
		if id, ok := v.ids[t]; ok {
			q.ids = append(q.ids, id)
		}
		for _, a := range alt[t] {
			if id, ok := v.ids[a]; ok {
				q.ids = append(q.ids, id)
			}
		}
		qs = append(qs, q)
	}
	return qs
}

// covers is coverage for the terms question returned.
func (v *vocab) covers(id string, qs []questionTerm) float64 {
	doc := v.docs[id]
	var have, all float64
	for _, q := range qs {
		all += q.w
		if slices.ContainsFunc(q.ids, func(t int32) bool {
			_, found := slices.BinarySearch(doc, t)
			return found
		}) {
			have += q.w
		}
	}
	if all == 0 {
		return 0
	}
	return have / all
}

// A termRecorder keeps the terms the index analyzer produces while bleve
// indexes a batch, by the text analysed, so that the vocabulary comes from
// the one analysis bleve does instead of a second pass. Analysis runs on
// bleve's worker goroutines, hence the lock.
type termRecorder struct {
	mu    sync.Mutex
	v     *vocab
	texts map[string][]int32 // text analysed → its term ids
}

func (r *termRecorder) record(input []byte, ts analysis.TokenStream) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.texts == nil {
		return // finished
	}
	if _, ok := r.texts[string(input)]; ok {
		return
	}
	ids := make([]int32, len(ts))
	for i, t := range ts {
		ids[i] = r.v.intern(t.Term)
	}
	r.texts[string(input)] = ids
}

// terms returns the term ids recorded for text.
func (r *termRecorder) terms(text string) []int32 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.texts[text]
}

// finish stops recording and drops what was recorded.
func (r *termRecorder) finish() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.texts = nil
}

// Recorders are handed to the analyzer constructor by id, like segmenters.
var recorders sync.Map // string → *termRecorder

func registerRecorder(r *termRecorder) string {
	id := "rec" + strconv.FormatUint(segSeq.Add(1), 10)
	recorders.Store(id, r)
	return id
}

// recordedType wraps the analyzer of its "analyzer" config (a config with a
// "type") so that it reports what it produces to the recorder named by
// "recorder". Without that recorder it is the inner analyzer.
const recordedType = "qualbot_recorded"

func init() { registry.RegisterAnalyzer(recordedType, newRecordedAnalyzer) }

func newRecordedAnalyzer(config map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
	inner, _ := config["analyzer"].(map[string]interface{})
	typ, _ := inner["type"].(string)
	a, err := registry.AnalyzerBuild(typ, inner, cache)
	if err != nil {
		return nil, err
	}
	an, ok := a.(analysis.Analyzer)
	if !ok {
		return nil, fmt.Errorf("index: %s is not an analyzer", typ)
	}
	id, _ := config["recorder"].(string)
	rec, ok := recorders.Load(id)
	if !ok {
		return an, nil
	}
	return recordedAnalyzer{an, rec.(*termRecorder)}, nil
}

type recordedAnalyzer struct {
	analysis.Analyzer
	rec *termRecorder
}

func (a recordedAnalyzer) Analyze(input []byte) analysis.TokenStream {
	ts := a.Analyzer.Analyze(input)
	a.rec.record(input, ts)
	return ts
}
