package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/qualbot/qualbot/knowledge"
)

// signature is what a search answers, scores included, as text.
func signature(r knowledge.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v %v", r.Decision, r.Ask.Kind)
	for _, h := range r.Hits {
		fmt.Fprintf(&b, " %s=%.9g", h.ID(), h.Score)
	}
	return b.String()
}

// updateQuestions are the dev questions and a few that reach the edited
// documents of the tests below.
func updateQuestions(t testing.TB) []string {
	qs := []string{"潜水爱好者交友", "登山爱好者结识", "陌生人交友要什么资质", "备案要多久", "直播", "药"}
	for _, q := range loadDev(t) {
		qs = append(qs, q.Q)
	}
	return qs
}

// answers returns the signature of every question searched in ix.
func answers(t testing.TB, ix *Index, qs []string) []string {
	t.Helper()
	out := make([]string, len(qs))
	for i, q := range qs {
		r, err := ix.Search(context.Background(), q, 5)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = signature(r)
	}
	return out
}

// withFAQs is kb with its FAQs replaced: a knowledge base that differs from
// kb in documents only (FAQ phrasings are not words of the segmenter).
func withFAQs(kb *knowledge.Base, version string, faqs []*knowledge.FAQ) *knowledge.Base {
	next := *kb
	next.FAQs = faqs
	next.Version = kb.Version + "-" + version
	return &next
}

// TestUpdate_SameAsBuild: a reindex that replaces the documents an edit
// changed answers every question exactly as a build of the edited
// knowledge base does, scores included, through a chain of edits: a
// changed description, a removed FAQ, an added one, and back.
func TestUpdate_SameAsBuild(t *testing.T) {
	t.Parallel()
	a := editedBase(t, "潜水爱好者")
	b := editedBase(t, "登山爱好者")
	last := a.FAQs[len(a.FAQs)-1]
	added := &knowledge.FAQ{ID: "潜水证", Questions: []string{"潜水俱乐部小程序要潜水证吗"}, Answer: last.Answer, Ask: last.Ask, Topic: last.Topic}
	steps := []struct {
		name string
		kb   *knowledge.Base
	}{
		{"a description changed", b},
		{"an FAQ removed", withFAQs(b, "removed", b.FAQs[:len(b.FAQs)-1])},
		{"an FAQ added", withFAQs(b, "added", append(b.FAQs[:len(b.FAQs):len(b.FAQs)], added))},
		{"back to the first", a},
	}
	qs := updateQuestions(t)
	ix := mustBuild(t, a)
	// From the snapshot too: the shipped knowledge base, edited and back.
	shipped := shippedBase(t)
	fromSnapshot := []struct {
		name string
		kb   *knowledge.Base
	}{{"the snapshot, a description changed", a}, {"the snapshot, back", shipped}}
	t.Run("snapshot", func(t *testing.T) {
		ix := mustBuild(t, shipped)
		if !ix.cur.prebuilt {
			t.Fatal("the shipped index was not opened from the snapshot")
		}
		dir := ix.cur.tmp
		for i, step := range fromSnapshot {
			updateStep(t, ix, step.name, step.kb, i+1, qs)
		}
		// The snapshot's directory goes with the updated index.
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the snapshot's directory %s is left after Close: %v", dir, err)
		}
	})
	for i, step := range steps {
		updateStep(t, ix, step.name, step.kb, i+1, qs)
	}
}

// updateStep reindexes ix to kb, which must be update number gen, and
// compares its answers to qs with a build's.
func updateStep(t *testing.T, ix *Index, name string, kb *knowledge.Base, gen int, qs []string) {
	t.Helper()
	if err := ix.Reload(kb); err != nil {
		t.Fatal(err)
	}
	if ix.cur.gen != gen {
		t.Fatalf("%s: the reindex built the index (update generation %d, want %d)", name, ix.cur.gen, gen)
	}
	want := answers(t, mustBuild(t, kb), qs)
	got := answers(t, ix, qs)
	for j := range qs {
		if got[j] != want[j] {
			t.Errorf("%s: %q\nupdated: %s\nbuilt:   %s", name, qs[j], got[j], want[j])
		}
	}
}

// TestUpdate_WhenItBuilds: an edit that changes the segmenter's words, one
// that touches more documents than Params.UpdateMaxDocs and an index
// updated Params.UpdateGenerations times are built again.
func TestUpdate_WhenItBuilds(t *testing.T) {
	t.Parallel()
	a, b := editedBase(t, "潜水爱好者"), editedBase(t, "登山爱好者")
	built := func(t *testing.T, ix *Index, kb *knowledge.Base) {
		t.Helper()
		if err := ix.Reload(kb); err != nil {
			t.Fatal(err)
		}
		if ix.cur.gen != 0 || ix.cur.ia == nil {
			t.Fatalf("updated (generation %d), want a build", ix.cur.gen)
		}
	}
	t.Run("new words", func(t *testing.T) {
		ix := mustBuild(t, a)
		words := withFAQs(a, "words", a.FAQs)
		words.Words = append(words.Words[:len(words.Words):len(words.Words)], "潜水俱乐部")
		built(t, ix, words)
	})
	t.Run("many documents", func(t *testing.T) {
		par := DefaultParams()
		par.UpdateMaxDocs = 0
		ix, err := BuildWith(a, par)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		built(t, ix, b)
	})
	t.Run("generations", func(t *testing.T) {
		par := DefaultParams()
		par.UpdateGenerations = 2
		ix, err := BuildWith(a, par)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		for i, kb := range []*knowledge.Base{b, a} {
			if err := ix.Reload(kb); err != nil {
				t.Fatal(err)
			}
			if ix.cur.gen != i+1 {
				t.Fatalf("reindex %d: generation %d", i+1, ix.cur.gen)
			}
		}
		built(t, ix, b)
	})
}

// TestUpdate_WhileSearching: searches during updates each answer from one
// whole knowledge base, the one the result names, exactly as a build of it
// would; run with -race.
func TestUpdate_WhileSearching(t *testing.T) {
	t.Parallel()
	kbs := []*knowledge.Base{editedBase(t, "潜水爱好者"), editedBase(t, "登山爱好者")}
	qs := []string{"潜水爱好者交友", "登山爱好者结识", "陌生人交友要什么资质"}
	want := map[*knowledge.Base][]string{}
	for _, kb := range kbs {
		want[kb] = answers(t, mustBuild(t, kb), qs)
	}
	par := DefaultParams()
	par.UpdateGenerations = 1 << 20
	ix, err := BuildWith(kbs[0], par)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var (
		wg       sync.WaitGroup
		stop     atomic.Bool
		searches atomic.Int64
	)
	errs := make(chan string, 8)
	for g := range 2 {
		wg.Go(func() {
			for i := g; !stop.Load(); i++ {
				r, err := ix.Search(context.Background(), qs[i%len(qs)], 5)
				if err != nil {
					errs <- err.Error()
					return
				}
				if got, w := signature(r), want[r.Base][i%len(qs)]; got != w {
					errs <- fmt.Sprintf("%q: %s, want %s", qs[i%len(qs)], got, w)
					return
				}
				searches.Add(1)
			}
		})
	}
	for i := range 30 {
		if err := ix.Reload(kbs[(i+1)%2]); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if ix.cur.gen != 30 {
		t.Errorf("generation %d after 30 reindexes, want 30 updates", ix.cur.gen)
	}
	t.Logf("%d searches during 30 updates", searches.Load())
}
