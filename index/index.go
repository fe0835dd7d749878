package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/qualbot/qualbot/knowledge"
)

var _ knowledge.Searcher = (*Index)(nil)

// ErrClosed is returned by Search and Reload after Close.
var ErrClosed = errors.New("index: closed")

// Index is a searchable knowledge base. It is safe for concurrent use;
// Reload replaces what it serves without failing searches in flight.
type Index struct {
	mode analysisMode
	par  Params

	// mu guards cur. Search holds the read lock for the whole search, so
	// Reload's swap waits for searches in flight and the old index can be
	// closed as soon as the swap is done (the same protocol as bleve's
	// IndexAlias.Swap, but the knowledge base, its synonyms and its
	// segmenter are swapped together with the index).
	mu  sync.RWMutex
	cur *served

	reload  sync.Mutex  // serialises Reload and Close
	release *time.Timer // returns memory to the OS after reloads; guarded by reload
}

// served is one knowledge base and the bleve index built from it.
type served struct {
	kb    *knowledge.Base
	bi    bleve.Index
	segID string
	hits  map[string]knowledge.Hit // document id → what it points at
	// owners maps a name key (see nameKey) to the documents that have
	// that name, in the order they were indexed.
	owners map[string][]string
	vocab  *vocab
	q      *querier
	par    Params
	// tmp is the directory of an opened snapshot (see openSnapshotIndex).
	tmp string
	// prebuilt says the index was opened from the snapshot.
	prebuilt bool

	// For updating the index in place (see update.go); ia is nil when it
	// cannot be.
	ia, qa analysis.Analyzer // the mapping's index and query analyzers
	gen    int               // updates since the index was built
}

// Build indexes every category, licence and topic of kb in memory. The index
// is derived data: it is rebuilt from the knowledge base at start-up and on
// every reload instead of being stored.
func Build(kb *knowledge.Base) (*Index, error) {
	return BuildWith(kb, DefaultParams())
}

// BuildWith is Build with other parameters, for measuring them.
func BuildWith(kb *knowledge.Base, par Params) (*Index, error) {
	return build(kb, modeSegment, par)
}

func build(kb *knowledge.Base, mode analysisMode, par Params) (*Index, error) {
	s, err := newServed(context.Background(), kb, mode, par)
	if err != nil {
		return nil, err
	}
	return &Index{mode: mode, par: par, cur: s}, nil
}

// Reload builds an index from kb and swaps it in atomically. Searches in
// flight finish on the old index, which is closed afterwards. If building
// fails, the old knowledge base stays in service and the error is returned.
func (ix *Index) Reload(kb *knowledge.Base) error {
	return ix.ReloadContext(context.Background(), kb)
}

// ReloadContext is Reload stopped by ctx: the build runs beside the searches
// (they go on against the old index), and a cancelled build leaves the old
// index in service.
func (ix *Index) ReloadContext(ctx context.Context, kb *knowledge.Base) error {
	ix.reload.Lock()
	defer ix.reload.Unlock()
	ix.mu.RLock()
	cur := ix.cur
	ix.mu.RUnlock()
	if cur == nil {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("index: reload: %w", err)
	}
	// The same files give the same index: a reindex with nothing changed
	// keeps the one it has (knowledge.Base.Version).
	if kb != nil && kb.Version != "" && kb.Version == cur.kb.Version {
		return nil
	}
	// An edit of a few documents replaces them in the index (update.go);
	// anything else builds the index again beside the searches.
	if kb != nil && cur.kb.Version != "" {
		next, apply, err := cur.update(ctx, kb)
		switch {
		case err == nil:
			ix.mu.Lock()
			if err := apply(); err != nil {
				ix.mu.Unlock()
				return err
			}
			ix.cur = next
			ix.mu.Unlock()
			ix.releaseLater()
			return nil
		case !errors.Is(err, errNoUpdate):
			return fmt.Errorf("index: reload: %w", err)
		}
	}
	next, err := newServed(ctx, kb, ix.mode, ix.par)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		next.close()
		return fmt.Errorf("index: reload: %w", err)
	}
	ix.mu.Lock()
	old := ix.cur
	ix.cur = next
	ix.mu.Unlock()
	if err := old.close(); err != nil {
		return fmt.Errorf("index: reload: close old index: %w", err)
	}
	ix.releaseLater()
	return nil
}

// releaseLater returns memory to the operating system releaseDelay after
// the last reload. A reload's garbage (the YAML load's, a build's) is
// several times what it leaves; without this the process keeps the peak
// resident after every reload. Once reloads pause: back to back, each
// would pay for faulting the memory in again. ix.reload must be held.
func (ix *Index) releaseLater() {
	if ix.release == nil {
		ix.release = time.AfterFunc(releaseDelay, debug.FreeOSMemory)
	} else {
		ix.release.Reset(releaseDelay)
	}
}

// releaseDelay is how long after the last reload its memory goes back to the
// operating system.
const releaseDelay = time.Second

// Base returns the knowledge base the index currently serves.
func (ix *Index) Base() *knowledge.Base {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.cur == nil {
		return nil
	}
	return ix.cur.kb
}

// Close releases the index. Searches after Close return ErrClosed.
func (ix *Index) Close() error {
	ix.reload.Lock()
	defer ix.reload.Unlock()
	if ix.release != nil {
		ix.release.Stop()
	}
	ix.mu.Lock()
	old := ix.cur
	ix.cur = nil
	ix.mu.Unlock()
	if old == nil {
		return nil
	}
	return old.close()
}

func (s *served) close() error {
	err := s.bi.Close()
	if s.segID != "" {
		unregisterSegmenter(s.segID)
	}
	if s.tmp != "" {
		os.RemoveAll(s.tmp)
	}
	return err
}

func newServed(ctx context.Context, kb *knowledge.Base, mode analysisMode, par Params) (_ *served, err error) {
	if kb == nil {
		return nil, errors.New("index: build: nil knowledge base")
	}
	if mode == modeSegment {
		if s := openSnapshot(kb, par); s != nil {
			return s, nil
		}
	}
	return newBuilt(ctx, kb, mode, par)
}

// newBuilt builds the index of kb.
func newBuilt(ctx context.Context, kb *knowledge.Base, mode analysisMode, par Params) (_ *served, err error) {
	s := &served{kb: kb, par: par}
	if mode == modeSegment {
		s.segID = registerSegmenter(newSegmenter(domainTerms(kb)))
		defer func() {
			if err != nil {
				unregisterSegmenter(s.segID)
			}
		}()
	}
	s.vocab = newVocab()
	rec := &termRecorder{v: s.vocab, texts: make(map[string][]int32)}
	recID := registerRecorder(rec)
	defer recorders.Delete(recID)
	defer rec.finish()
	m, err := newMapping(mode, s.segID, recID, stopWords(kb))
	if err != nil {
		return nil, fmt.Errorf("index: build: mapping: %w", err)
	}
	bi, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("index: build: %w", err)
	}
	es := entries(kb)
	if err = indexEntries(ctx, bi, es, par.BuildBatches, par.BuildConcurrent); err != nil {
		bi.Close()
		return nil, fmt.Errorf("index: build: %w", err)
	}
	// The vocabulary, from the terms bleve's analysis produced.
	for _, e := range es {
		f := e.fields
		s.vocab.add(e.id, rec.terms(f[fieldTitle].(string)), rec.terms(f[fieldNames].(string)), rec.terms(f[fieldBody].(string)))
	}
	qa := m.AnalyzerNamed(analyzerQuery)
	if qa == nil {
		bi.Close()
		return nil, errors.New("index: build: no query analyzer")
	}
	s.bi = bi
	s.serve(es, qa)
	if mode == modeSegment {
		s.ia, s.qa = m.AnalyzerNamed(analyzerIndex), qa
	}
	return s, nil
}

// entry is one document of the index: what it points at and its fields.
type entry struct {
	id     string
	hit    knowledge.Hit
	exact  []string // its names, whole
	fields map[string]interface{}
}

// entries are the documents of kb, in the order they are indexed.
func entries(kb *knowledge.Base) []entry {
	var es []entry
	add := func(id string, h knowledge.Hit, d document) {
		es = append(es, entry{id: id, hit: h, exact: d.exact, fields: d.fields()})
	}
	for _, c := range kb.Categories {
		add("c/"+c.ID(), knowledge.Hit{Kind: knowledge.KindCategory, Category: c}, categoryDoc(c))
	}
	for _, l := range kb.Licences {
		add("l/"+l.ID(), knowledge.Hit{Kind: knowledge.KindLicence, Licence: l}, licenceDoc(l))
	}
	for _, t := range kb.Topics {
		add("t/"+t.ID, knowledge.Hit{Kind: knowledge.KindTopic, Topic: t}, topicDoc(t))
	}
	for _, q := range kb.FAQs {
		add("f/"+q.ID, knowledge.Hit{Kind: knowledge.KindFAQ, FAQ: q}, faqDoc(q))
	}
	return es
}

// indexEntries indexes es into bi in batches batches, conc of them at a
// time (see Params.BuildBatches).
func indexEntries(ctx context.Context, bi bleve.Index, es []entry, batches, conc int) error {
	batches = max(1, min(batches, len(es)))
	if conc <= 0 {
		conc = runtime.GOMAXPROCS(0)
	}
	errs := make([]error, batches)
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for p := range batches {
		part := es[p*len(es)/batches : (p+1)*len(es)/batches]
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			b := bi.NewBatch()
			for _, e := range part {
				if err := ctx.Err(); err != nil {
					errs[p] = err
					return
				}
				if err := b.Index(e.id, e.fields); err != nil {
					errs[p] = err
					return
				}
			}
			errs[p] = bi.Batch(b)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// serve fills in what a search needs besides the bleve index: what each
// document points at, who owns each name, and the querier with the query
// analyzer qa.
func (s *served) serve(es []entry, qa analysis.Analyzer) {
	s.hits = make(map[string]knowledge.Hit, len(es))
	s.owners = make(map[string][]string)
	var names []string
	for _, e := range es {
		s.hits[e.id] = e.hit
		names = append(names, e.exact...)
		for _, n := range e.exact {
			if k := nameKey(n); k != "" && !slices.Contains(s.owners[k], e.id) {
				s.owners[k] = append(s.owners[k], e.id)
			}
		}
	}
	s.q = newQuerier(s.kb, qa, names)
}

// document is what one category, licence or topic contributes to each field.
type document struct {
	title, names, body, exact []string
}

func (d document) fields() map[string]interface{} {
	return map[string]interface{}{
		fieldTitle: strings.Join(d.title, "\n"),
		fieldNames: strings.Join(d.names, "\n"),
		fieldBody:  strings.Join(d.body, "\n"),
		fieldExact: d.exact,
	}
}

func categoryDoc(c *knowledge.Category) document {
	d := document{title: c.Path}
	d.names = append(append(d.names, c.Aliases...), c.Keywords...)
	d.body = append(d.body, c.Description)
	for _, g := range c.Requirements {
		for _, it := range g.Items {
			d.body = append(d.body, it.Text)
		}
	}
	d.body = append(d.body, c.Notes...)
	d.exact = append(append(append(d.exact, c.Path[1:]...), c.Title()), c.Aliases...)
	d.exact = append(d.exact, c.Keywords...)
	return d
}

func licenceDoc(l *knowledge.Licence) document {
	d := document{title: []string{l.ID()}, names: l.Short, body: []string{l.About, l.Issuer}}
	d.exact = append([]string{l.ID()}, l.Short...)
	return d
}

func topicDoc(t *knowledge.Topic) document {
	d := document{title: []string{t.Title}, names: append([]string{t.ID}, t.Aliases...), body: []string{t.Body}}
	d.exact = append([]string{t.ID}, t.Aliases...)
	return d
}

// faqDoc indexes an FAQ by its phrasings, which short questions match
// whole, and its short answer.
func faqDoc(q *knowledge.FAQ) document {
	return document{title: q.Questions[:1], names: q.Questions, body: []string{q.Answer}, exact: q.Questions}
}

// domainTerms are the knowledge base's words for the segmenter's dictionary.
func domainTerms(kb *knowledge.Base) []string {
	var terms []string
	add := func(ss ...string) {
		for _, s := range ss {
			// Split on anything that is not a letter or digit: 社区/论坛 → 社区, 论坛.
			terms = append(terms, strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) })...)
		}
	}
	for _, c := range kb.Categories {
		add(c.Path...)
		add(c.Aliases...)
		add(c.Keywords...)
	}
	for _, l := range kb.Licences {
		add(l.ID())
		add(l.Short...)
	}
	for _, t := range kb.Topics {
		add(t.ID)
		add(t.Aliases...)
	}
	for _, s := range kb.Synonyms {
		add(s.Word)
		add(s.Means...)
	}
	add(kb.Words...)
	return terms
}
