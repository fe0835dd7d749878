package index

import (
	"slices"
	"testing"
)

// TestVocab checks that the vocabulary recorded from bleve's analysis of
// each field is what analysing each text of a document on its own gives.
func TestVocab(t *testing.T) {
	t.Parallel()
	kb := testBase()
	for _, mode := range benchModes {
		t.Run(mode.name, func(t *testing.T) {
			ix, err := build(kb, mode.mode, DefaultParams())
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			s := ix.cur
			m, err := newMapping(mode.mode, s.segID, "", stopWords(kb))
			if err != nil {
				t.Fatal(err)
			}
			ia := m.AnalyzerNamed(analyzerIndex)
			check := func(id string, d document) {
				var want []string
				for _, text := range slices.Concat(d.title, d.names, d.body) {
					for _, tok := range ia.Analyze([]byte(text)) {
						want = append(want, string(tok.Term))
					}
				}
				slices.Sort(want)
				want = slices.Compact(want)
				var got []string
				for _, tid := range s.vocab.docs[id] {
					got = append(got, s.vocab.terms[tid])
				}
				slices.Sort(got)
				if len(want) == 0 || !slices.Equal(got, want) {
					t.Errorf("%s: terms %q, want %q", id, got, want)
				}
			}
			for _, c := range kb.Categories {
				check("c/"+c.ID(), categoryDoc(c))
			}
			for _, l := range kb.Licences {
				check("l/"+l.ID(), licenceDoc(l))
			}
			for _, tp := range kb.Topics {
				check("t/"+tp.ID, topicDoc(tp))
			}
			if s.vocab.n != len(kb.Categories)+len(kb.Licences)+len(kb.Topics) {
				t.Errorf("%d documents, want %d", s.vocab.n, len(kb.Categories)+len(kb.Licences)+len(kb.Topics))
			}
		})
	}
}
