package index

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/qualbot/qualbot/knowledge"
)

// The snapshot is the index of the shipped knowledge base, built ahead of
// time and embedded, so that a process serving the shipped knowledge base
// opens it instead of analysing every document at start-up (issue 17: the
// analysis and bleve's segment building were two thirds of the start-up).
// It is used only for the knowledge base it was built from, by content
// (knowledge.Base.Version and every document id); any other knowledge
// base, a --kb directory with edits, is built as before.
//
// It is rewritten with
//
//	go test ./index -run '^TestSnapshot$' -update
//
// and TestSnapshot fails when it is not what a build of today's knowledge
// base with today's code gives, term by term and posting by posting.
//
//go:generate go test -run ^TestSnapshot$ -update .
//go:embed snapshot
var snapshotFS embed.FS

// snapshotRoot is the snapshot's directory in snapshotFS and in the package.
const snapshotRoot = "snapshot"

// The snapshot's files, below snapshotRoot.
const (
	snapshotMetaFile  = "snapshot.json"
	snapshotVocabFile = "vocab.bin"
	snapshotIndexDir  = "bleve" // a persisted bleve scorch index
)

// snapshotSegID is the segmenter id the snapshot's stored mapping names: a
// bleve index keeps its mapping, analyzer configurations included, and
// builds its analyzers from it when opened.
const snapshotSegID = "snapshot"

// snapshotMeta says what a snapshot was built from.
type snapshotMeta struct {
	KB   string `json:"kb"`   // knowledge.Base.Version
	Docs int    `json:"docs"` // documents indexed
}

// snapshotOpen serialises the opening of snapshots: the segmenter is
// registered under snapshotSegID while bleve builds the stored analyzers.
var snapshotOpen sync.Mutex

// openSnapshot returns the snapshot, served for kb, when it was built from
// kb; nil when it was not or cannot be opened (the caller builds instead).
func openSnapshot(kb *knowledge.Base, par Params) *served {
	meta, ok := readSnapshotMeta()
	if !ok || meta.KB != kb.Version {
		return nil
	}
	es := entries(kb)
	if len(es) != meta.Docs {
		return nil
	}
	v, err := readVocab(snapshotFS, path.Join(snapshotRoot, snapshotVocabFile))
	if err != nil || v.n != len(es) {
		return nil
	}
	for _, e := range es {
		if _, ok := v.docs[e.id]; !ok {
			return nil
		}
	}
	seg := newSegmenter(domainTerms(kb))
	bi, dir, err := openSnapshotIndex(seg)
	if err != nil {
		return nil
	}
	ia, qa := bi.Mapping().AnalyzerNamed(analyzerIndex), bi.Mapping().AnalyzerNamed(analyzerQuery)
	if ia == nil || qa == nil {
		bi.Close()
		os.RemoveAll(dir)
		return nil
	}
	s := &served{kb: kb, bi: bi, vocab: v, par: par, tmp: dir, prebuilt: true, ia: ia, qa: qa}
	s.serve(es, qa)
	return s
}

func readSnapshotMeta() (snapshotMeta, bool) {
	var meta snapshotMeta
	data, err := snapshotFS.ReadFile(path.Join(snapshotRoot, snapshotMetaFile))
	if err != nil || json.Unmarshal(data, &meta) != nil {
		return meta, false
	}
	return meta, meta.KB != ""
}

// openSnapshotIndex copies the embedded bleve index to a temporary
// directory (bleve maps its files and writes there what a reindex changes)
// and opens it with seg as its segmenter. The directory is removed when the
// index closes.
func openSnapshotIndex(seg *wordDict) (bleve.Index, string, error) {
	staleOnce.Do(removeStaleSnapshots)
	dir, err := os.MkdirTemp("", snapshotDirPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return nil, "", err
	}
	src, err := fs.Sub(snapshotFS, path.Join(snapshotRoot, snapshotIndexDir))
	if err == nil {
		err = os.CopyFS(dir, src)
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, "", err
	}
	snapshotOpen.Lock()
	segmenters.Store(snapshotSegID, seg)
	// A reindex's batch returns once searches see it; bleve writes it to
	// the directory afterwards.
	bi, err := bleve.OpenUsing(dir, map[string]interface{}{"unsafe_batch": true})
	segmenters.Delete(snapshotSegID)
	snapshotOpen.Unlock()
	if err != nil {
		os.RemoveAll(dir)
		return nil, "", err
	}
	return bi, dir, nil
}

// snapshotDirPrefix starts the name of an opened snapshot's directory, which
// goes on with the process id: qualbot-index-PID-RANDOM.
const snapshotDirPrefix = "qualbot-index-"

var staleOnce sync.Once

// removeStaleSnapshots removes the directories of opened snapshots whose
// process is gone: one killed, or a test binary that left its index open.
func removeStaleSnapshots() {
	tmp := os.TempDir()
	des, err := os.ReadDir(tmp)
	if err != nil {
		return
	}
	for _, de := range des {
		rest, ok := strings.CutPrefix(de.Name(), snapshotDirPrefix)
		if !ok || !de.IsDir() {
			continue
		}
		pid, _, _ := strings.Cut(rest, "-")
		if n, err := strconv.Atoi(pid); err == nil && n != os.Getpid() && !processAlive(n) {
			os.RemoveAll(filepath.Join(tmp, de.Name()))
		}
	}
}

// writeSnapshot writes the snapshot of kb to dir (snapshotRoot of the
// package when regenerating it).
func writeSnapshot(kb *knowledge.Base, dir string) error {
	// The vocabulary comes from an ordinary build, as at run time.
	s, err := newBuilt(context.Background(), kb, modeSegment, DefaultParams())
	if err != nil {
		return err
	}
	defer s.close()
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// The bleve index, built again on disk, with the stored mapping naming
	// snapshotSegID.
	segmenters.Store(snapshotSegID, newSegmenter(domainTerms(kb)))
	defer segmenters.Delete(snapshotSegID)
	m, err := newMapping(modeSegment, snapshotSegID, "", stopWords(kb))
	if err != nil {
		return err
	}
	bi, err := bleve.NewUsing(filepath.Join(dir, snapshotIndexDir), m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return err
	}
	es := entries(kb)
	if err := indexEntries(context.Background(), bi, es, 1, 1); err != nil {
		bi.Close()
		return err
	}
	if err := bi.Close(); err != nil {
		return err
	}
	var vb bytes.Buffer
	if err := writeVocab(&vb, s.vocab); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, snapshotVocabFile), vb.Bytes(), 0o644); err != nil {
		return err
	}
	meta, err := json.MarshalIndent(snapshotMeta{KB: kb.Version, Docs: len(es)}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, snapshotMetaFile), append(meta, '\n'), 0o644)
}

// vocabMagic starts a serialised vocabulary.
const vocabMagic = "qualbot-vocab 1\n"

// writeVocab writes v: its terms sorted, then each document (sorted by id)
// with its term numbers in that order, as uvarint deltas. The same
// vocabulary always gives the same bytes.
func writeVocab(w io.Writer, v *vocab) error {
	bw := bufio.NewWriter(w)
	terms := slices.Clone(v.terms)
	sort.Strings(terms)
	num := make(map[string]uint64, len(terms))
	for i, t := range terms {
		num[t] = uint64(i)
	}
	var buf [binary.MaxVarintLen64]byte
	uv := func(x uint64) { bw.Write(buf[:binary.PutUvarint(buf[:], x)]) }
	str := func(s string) { uv(uint64(len(s))); bw.WriteString(s) }
	bw.WriteString(vocabMagic)
	uv(uint64(len(terms)))
	for _, t := range terms {
		str(t)
	}
	ids := make([]string, 0, len(v.docs))
	for id := range v.docs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	uv(uint64(len(ids)))
	for _, id := range ids {
		str(id)
		ns := make([]uint64, 0, len(v.docs[id]))
		for _, t := range v.docs[id] {
			ns = append(ns, num[v.terms[t]])
		}
		slices.Sort(ns)
		uv(uint64(len(ns)))
		prev := uint64(0)
		for _, n := range ns {
			uv(n - prev)
			prev = n
		}
	}
	return bw.Flush()
}

// readVocab reads a vocabulary writeVocab wrote to file name of fsys.
func readVocab(fsys fs.FS, name string) (*vocab, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	bad := fmt.Errorf("index: %s: not a vocabulary", name)
	if !bytes.HasPrefix(data, []byte(vocabMagic)) {
		return nil, bad
	}
	r := bytes.NewReader(data[len(vocabMagic):])
	var failed bool
	uv := func() uint64 {
		x, err := binary.ReadUvarint(r)
		if err != nil {
			failed = true
		}
		return x
	}
	str := func() string {
		n := uv()
		if failed || n > uint64(r.Len()) {
			failed = true
			return ""
		}
		b := make([]byte, n)
		r.Read(b)
		return string(b)
	}
	nt := uv()
	if failed || nt > uint64(r.Len()) {
		return nil, bad
	}
	v := &vocab{ids: make(map[string]int32, nt), terms: make([]string, 0, nt), df: make([]int32, nt)}
	for i := range nt {
		t := str()
		v.ids[t] = int32(i)
		v.terms = append(v.terms, t)
	}
	nd := uv()
	if failed || nd > uint64(r.Len()) {
		return nil, bad
	}
	v.docs = make(map[string][]int32, nd)
	for range nd {
		id := str()
		n := uv()
		if failed || n > uint64(r.Len()) {
			return nil, bad
		}
		ts := make([]int32, n)
		t := uint64(0)
		for i := range ts {
			t += uv()
			if t >= nt {
				return nil, bad
			}
			ts[i] = int32(t)
			v.df[t]++
		}
		v.docs[id] = ts
		v.n++
	}
	if failed || r.Len() != 0 {
		return nil, bad
	}
	return v, nil
}
