package index

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/blevesearch/bleve/v2"
)

var update = flag.Bool("update", false, "rewrite the embedded snapshot (index/snapshot) from the shipped knowledge base")

// TestSnapshot fails when the embedded snapshot is not what building the
// shipped knowledge base with today's code gives: the same knowledge base,
// the same vocabulary byte for byte, and in every field the same terms
// with the same postings (document, frequency, norm). With -update it
// rewrites the snapshot instead.
func TestSnapshot(t *testing.T) {
	kb := shippedBase(t)
	if *update {
		if err := writeSnapshot(kb, snapshotRoot); err != nil {
			t.Fatal(err)
		}
		return
	}
	const regenerate = "run: go test ./index -run '^TestSnapshot$' -update"
	meta, ok := readSnapshotMeta()
	if !ok || meta.KB != kb.Version {
		t.Fatalf("the snapshot is of knowledge base %q, the shipped one is %q; %s", meta.KB, kb.Version, regenerate)
	}
	built, err := newBuilt(context.Background(), kb, modeSegment, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	defer built.close()
	opened := openSnapshot(kb, DefaultParams())
	if opened == nil {
		t.Fatalf("the snapshot of the shipped knowledge base does not open; %s", regenerate)
	}
	defer opened.close()

	var want bytes.Buffer
	if err := writeVocab(&want, built.vocab); err != nil {
		t.Fatal(err)
	}
	got, err := snapshotFS.ReadFile(path.Join(snapshotRoot, snapshotVocabFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("the snapshot's vocabulary differs from a build's; %s", regenerate)
	}
	for _, f := range []string{fieldTitle, fieldNames, fieldBody, fieldExact} {
		g, w := postings(t, opened.bi, f), postings(t, built.bi, f)
		if len(g) != len(w) {
			t.Errorf("field %s: the snapshot has %d terms, a build %d; %s", f, len(g), len(w), regenerate)
		}
		for i := range min(len(g), len(w)) {
			if g[i] != w[i] {
				t.Errorf("field %s: the snapshot has\n\t%s\na build\n\t%s\n%s", f, g[i], w[i], regenerate)
				break
			}
		}
	}
	if n, _ := opened.bi.DocCount(); n != uint64(meta.Docs) || n != uint64(len(built.hits)) {
		t.Errorf("the snapshot has %d documents, a build %d", n, len(built.hits))
	}
}

// postings lists field f of bi: a line per term with its postings
// (document, frequency, norm), sorted.
func postings(t *testing.T, bi bleve.Index, f string) []string {
	t.Helper()
	adv, err := bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	d, err := r.FieldDict(f)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var out []string
	for {
		e, err := d.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			break
		}
		tfr, err := r.TermFieldReader(context.Background(), []byte(e.Term), f, true, true, false)
		if err != nil {
			t.Fatal(err)
		}
		var docs []string
		for {
			p, err := tfr.Next(nil)
			if err != nil {
				t.Fatal(err)
			}
			if p == nil {
				break
			}
			id, err := r.ExternalID(p.ID)
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, fmt.Sprintf("%s×%d/%.6g", id, p.Freq, p.Norm))
		}
		tfr.Close()
		slices.Sort(docs)
		out = append(out, fmt.Sprintf("%q %d: %s", e.Term, e.Count, strings.Join(docs, " ")))
	}
	slices.Sort(out)
	return out
}

// The shipped knowledge base is served from the snapshot; a knowledge base
// with any change is built, and serves the change.
func TestSnapshot_OnlyForItsKnowledgeBase(t *testing.T) {
	if s := shippedIndex(t).cur; !s.prebuilt {
		t.Fatal("the shipped index was built, not opened from the snapshot")
	}
	kb := editedBase(t, "潜水爱好者")
	ix, err := Build(kb)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.cur.prebuilt {
		t.Fatal("a changed knowledge base was served from the snapshot")
	}
	if got := ix.cur.vocab.coverage("c/社交/陌生人交友", []string{"潜水"}, nil); got != 1 {
		t.Fatalf("the changed description is not indexed: coverage of 潜水 %v", got)
	}
}

// Where the snapshot cannot be copied out (no writable temporary
// directory), the index is built.
func TestSnapshot_NoTempDir(t *testing.T) {
	t.Setenv("TMPDIR", path.Join(t.TempDir(), "missing"))
	ix, err := Build(shippedBase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.cur.prebuilt {
		t.Fatal("served from the snapshot without a temporary directory")
	}
	if r, err := ix.Search(context.Background(), "直播", 3); err != nil || len(r.Hits) == 0 {
		t.Fatalf("search: %v, %d hits", err, len(r.Hits))
	}
}

// A damaged vocabulary is an error, never a panic or a partial vocabulary.
func TestReadVocab_Damaged(t *testing.T) {
	data, err := snapshotFS.ReadFile(path.Join(snapshotRoot, snapshotVocabFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readVocab(fstest.MapFS{"v": {Data: data}}, "v"); err != nil {
		t.Fatalf("the snapshot's own vocabulary: %v", err)
	}
	for _, cut := range []int{0, 5, len(vocabMagic), len(vocabMagic) + 3, len(data) / 2, len(data) - 1} {
		if _, err := readVocab(fstest.MapFS{"v": {Data: data[:cut]}}, "v"); err == nil {
			t.Errorf("a vocabulary cut at byte %d was read", cut)
		}
	}
	if _, err := readVocab(fstest.MapFS{"v": {Data: append(slices.Clone(data), 0)}}, "v"); err == nil {
		t.Error("a vocabulary with a trailing byte was read")
	}
	if _, err := readVocab(fstest.MapFS{}, "v"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing vocabulary: %v", err)
	}
}
