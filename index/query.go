package index

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/qualbot/qualbot/knowledge"
)

// maxQuestion bounds the runes of a question that are searched: a pasted
// page must not cost more than a sentence.
const maxQuestion = 300

// Query-time field boosts: what users call a thing counts most, then its
// title, then the prose about it.
const (
	boostTitle   = 3.0
	boostNames   = 3.0
	boostBody    = 1.0
	boostSynonym = 0.8  // relative to the literal words of the question
	boostExact   = 10.0 // the whole question is a name
	boostPrefix  = 2.0  // a one- or two-character question starts a word
)

// kindWeight scales each kind's score. Questions name licences mostly to
// ask which category needs them, so a licence wins only when the question is
// about little else.
var kindWeight = map[knowledge.Kind]float64{
	knowledge.KindCategory: 1,
	knowledge.KindTopic:    1,
	knowledge.KindLicence:  0.3,
}

// querier turns questions into bleve queries for one knowledge base.
type querier struct {
	synonyms []synonym
	names    map[string]bool // name keys (see nameKey) of every document
	maxName  int             // runes in the longest name key
}

type synonym struct {
	word  string
	means []string
}

func newQuerier(kb *knowledge.Base, names []string) *querier {
	q := &querier{names: make(map[string]bool, len(names))}
	for _, n := range names {
		if k := nameKey(n); utf8.RuneCountInString(k) >= 2 {
			q.names[k] = true
			q.maxName = max(q.maxName, utf8.RuneCountInString(k))
		}
	}
	for _, s := range kb.Synonyms {
		w := normalize(s.Word)
		if w == "" {
			continue
		}
		sy := synonym{word: w}
		for _, m := range s.Means {
			if m = normalize(m); m != "" {
				sy.means = append(sy.means, m)
			}
		}
		q.synonyms = append(q.synonyms, sy)
	}
	return q
}

// prepared is a question after normalisation and pre-processing.
type prepared struct {
	normalized  string
	traditional bool
	text        string   // what is searched: the normalised question
	expansion   []string // synonyms of words in the question
	names       []string // keys of the names the question contains
	short       string   // the question's content when it is one or two characters
}

func (q *querier) prepare(question string) prepared {
	if utf8.RuneCountInString(question) > maxQuestion {
		question = string([]rune(question)[:maxQuestion])
	}
	folded := foldWidth(question)
	simplified := toSimplified(folded)
	p := prepared{
		normalized:  strings.TrimSpace(simplified),
		traditional: simplified != folded,
	}
	p.text = strings.ToLower(p.normalized)
	for _, s := range q.synonyms {
		if strings.Contains(p.text, s.word) {
			p.expansion = append(p.expansion, s.means...)
		}
	}
	p.names = q.contained(nameKey(p.text))
	if c := content(p.text); c != "" && utf8.RuneCountInString(c) <= 2 {
		p.short = c
	}
	return p
}

// contained returns the name keys that occur in key, each once.
func (q *querier) contained(key string) []string {
	var found []string
	seen := make(map[string]bool)
	for i := range key {
		j, n := i, 0
		for j < len(key) && n < q.maxName {
			_, size := utf8.DecodeRuneInString(key[j:])
			j += size
			n++
			if n < 2 {
				continue
			}
			if s := key[i:j]; q.names[s] && !seen[s] {
				seen[s] = true
				found = append(found, s)
			}
		}
	}
	return found
}

// content is text without boilerplate and punctuation, used to recognise a
// question that is just one short word ("药", "直播吗").
func content(text string) string {
	var b strings.Builder
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return !isWordRune(r) }) {
		b.WriteString(f)
	}
	s := b.String()
	for _, w := range shortBoilerplate {
		s = strings.ReplaceAll(s, w, "")
	}
	return s
}

// shortBoilerplate is removed, longest first, before deciding whether a
// question is short.
var shortBoilerplate = []string{
	"微信小程序", "小程序", "什么资质", "需要什么", "要什么", "什么", "资质", "需要", "请问", "怎么", "类目",
	"呢", "吗", "啊", "呀", "的", "要", "啥",
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// query builds the bleve query for p. Chat text only ever reaches match,
// term and prefix queries, never a query-string parser.
func (p prepared) query() query.Query {
	var clauses []query.Query
	match := func(text, field, analyzer string, boost float64) {
		mq := bleve.NewMatchQuery(text)
		mq.SetField(field)
		mq.Analyzer = analyzer
		mq.SetBoost(boost)
		clauses = append(clauses, mq)
	}
	for _, f := range []struct {
		field string
		boost float64
	}{{fieldTitle, boostTitle}, {fieldNames, boostNames}, {fieldBody, boostBody}} {
		match(p.text, f.field, analyzerQuery, f.boost)
		if len(p.expansion) > 0 {
			match(strings.Join(p.expansion, " "), f.field, analyzerQuery, f.boost*boostSynonym)
		}
	}
	for _, name := range p.names {
		t := bleve.NewTermQuery(name)
		t.SetField(fieldExact)
		t.SetBoost(boostExact * float64(utf8.RuneCountInString(name)) / 2)
		clauses = append(clauses, t)
	}
	if p.short != "" {
		for _, field := range []string{fieldTitle, fieldNames} {
			pq := bleve.NewPrefixQuery(p.short)
			pq.SetField(field)
			pq.SetBoost(boostPrefix)
			clauses = append(clauses, pq)
		}
	}
	return bleve.NewDisjunctionQuery(clauses...)
}

// Search implements [knowledge.Searcher]. Any text is a valid question; an
// error means the index is closed or ctx is done.
func (ix *Index) Search(ctx context.Context, question string, n int) (knowledge.Result, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := ix.cur
	if s == nil {
		return knowledge.Result{Decision: knowledge.None}, ErrClosed
	}
	p := s.q.prepare(question)
	res := knowledge.Result{Decision: knowledge.None, Normalized: p.normalized, Traditional: p.traditional}
	if n <= 0 || p.text == "" {
		return res, nil
	}
	// Ask for more than n: kind weights below may reorder the top.
	size := max(n, 2) + 10
	req := bleve.NewSearchRequestOptions(p.query(), size, 0, false)
	sr, err := s.bi.SearchInContext(ctx, req)
	if err != nil {
		return res, fmt.Errorf("index: search %q: %w", question, err)
	}
	for _, h := range sr.Hits {
		hit, ok := s.hits[h.ID]
		if !ok {
			continue
		}
		hit.Score = h.Score * kindWeight[hit.Kind]
		res.Hits = append(res.Hits, hit)
	}
	slices.SortStableFunc(res.Hits, func(a, b knowledge.Hit) int { return cmp.Compare(b.Score, a.Score) })
	res.Decision = decide(res.Hits)
	if len(res.Hits) > n {
		res.Hits = res.Hits[:n]
	}
	return res, nil
}
