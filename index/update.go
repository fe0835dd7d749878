package index

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"slices"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/qualbot/qualbot/knowledge"
)

// A reindex after an edit re-analyses only the documents the edit touched,
// when it can: bleve's analysis and segment building are most of a build,
// and an edit touches a few of the six hundred documents. The documents
// that changed are replaced in the serving bleve index in one batch, while
// searches wait (Search holds the read lock for a whole search, so none
// sees the batch without the knowledge base it belongs to); everything else
// is prepared beside the searches. Scores come out as a full build's: a
// replaced document no longer counts in any term's document frequency or
// in the document count (TestUpdate_SameAsBuild).
//
// It cannot when the segmenter's dictionary (the knowledge base's words)
// or the stop words changed, which changes how every text is analysed; when
// too many documents changed (the batch would keep searches waiting); and after
// Params.UpdateGenerations updates in a row, since every update adds a
// segment to the index. Then the index is built again, beside the searches.

// docSeed hashes documents for comparing them across reloads.
var docSeed = maphash.MakeSeed()

// docSum is the hash of an entry's indexed fields.
func docSum(e entry) uint64 {
	var h maphash.Hash
	h.SetSeed(docSeed)
	for _, f := range []string{fieldTitle, fieldNames, fieldBody} {
		h.WriteString(e.fields[f].(string))
		h.WriteByte(0)
	}
	for _, n := range e.fields[fieldExact].([]string) {
		h.WriteString(n)
		h.WriteByte(1)
	}
	return h.Sum64()
}

// sums returns the hash of every entry's fields by id.
func sums(es []entry) map[string]uint64 {
	m := make(map[string]uint64, len(es))
	for _, e := range es {
		m[e.id] = docSum(e)
	}
	return m
}

// sortedDomain returns the knowledge base's words for the segmenter, sorted
// and each once: two knowledge bases with the same have the same segmenter.
func sortedDomain(kb *knowledge.Base) []string {
	d := domainTerms(kb)
	slices.Sort(d)
	return slices.Compact(d)
}

// errNoUpdate says an index cannot be updated for a knowledge base; it is
// built instead.
var errNoUpdate = errors.New("index: not updatable")

// update returns the index of kb made from s by replacing the documents that
// changed, and the function that applies the change to the bleve index s
// and the result share; the caller runs it while no search runs, and then
// serves the result instead of s. errNoUpdate means it must be built.
func (s *served) update(ctx context.Context, kb *knowledge.Base) (*served, func() error, error) {
	if s.ia == nil || s.gen >= s.par.UpdateGenerations {
		return nil, nil, errNoUpdate
	}
	if !slices.Equal(sortedDomain(kb), sortedDomain(s.kb)) || !slices.Equal(stopWords(kb), stopWords(s.kb)) {
		return nil, nil, errNoUpdate
	}
	es := entries(kb)
	was, now := sums(entries(s.kb)), sums(es)
	next := &served{kb: kb, bi: s.bi, segID: s.segID, par: s.par, ia: s.ia, qa: s.qa, gen: s.gen + 1, tmp: s.tmp}
	var changed []entry
	for _, e := range es {
		if sum, ok := was[e.id]; !ok || sum != now[e.id] {
			changed = append(changed, e)
		}
	}
	var removed []string
	for id := range was {
		if _, ok := now[id]; !ok {
			removed = append(removed, id)
		}
	}
	if len(changed)+len(removed) > s.par.UpdateMaxDocs {
		return nil, nil, errNoUpdate
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	next.vocab = s.vocab.replace(removed, changed, s.ia)
	next.serve(es, s.qa)
	b := s.bi.NewBatch()
	for _, id := range removed {
		b.Delete(id)
	}
	for _, e := range changed {
		if err := b.Index(e.id, e.fields); err != nil {
			return nil, nil, fmt.Errorf("index: update: %w", err)
		}
	}
	apply := func() error {
		if b.Size() == 0 {
			return nil
		}
		if err := s.bi.Batch(b); err != nil {
			return fmt.Errorf("index: update: %w", err)
		}
		return nil
	}
	return next, apply, nil
}

// replace returns a copy of v without the documents removed and with the
// documents of changed as analyser a analyses them, as bleve does when it
// indexes them. v itself is left as it is: it serves until the swap.
func (v *vocab) replace(removed []string, changed []entry, a analysis.Analyzer) *vocab {
	next := &vocab{
		ids:   maps.Clone(v.ids),
		terms: slices.Clone(v.terms),
		df:    slices.Clone(v.df),
		docs:  maps.Clone(v.docs),
		n:     v.n,
	}
	drop := func(id string) {
		ts, ok := next.docs[id]
		if !ok {
			return
		}
		for _, t := range ts {
			next.df[t]--
		}
		delete(next.docs, id)
		next.n--
	}
	for _, id := range removed {
		drop(id)
	}
	for _, e := range changed {
		drop(e.id)
		var texts [][]int32
		for _, f := range []string{fieldTitle, fieldNames, fieldBody} {
			ts := a.Analyze([]byte(e.fields[f].(string)))
			ids := make([]int32, len(ts))
			for i, t := range ts {
				ids[i] = next.intern(t.Term)
			}
			texts = append(texts, ids)
		}
		next.add(e.id, texts...)
	}
	return next
}
