package index

import (
	"cmp"
	"context"
	"fmt"
	"github.com/blevesearch/bleve/v2/analysis"
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

// querier turns questions into bleve queries for one knowledge base.
type querier struct {
	analyzer analysis.Analyzer // the mapping's query analyzer
	synonyms []synonym
	synFirst map[rune][]int32 // a synonym word's first character → its synonyms
	names    map[string]bool  // name keys (see nameKey) of every document
	prefixes map[string]bool  // every proper prefix of a name key
	intents  *knowledge.Intents
	groups   map[string]string // what people call a first-level group → its name
}

type synonym struct {
	word  string
	means []string
}

func newQuerier(kb *knowledge.Base, analyzer analysis.Analyzer, names []string) *querier {
	q := &querier{analyzer: analyzer, names: make(map[string]bool, len(names)), prefixes: make(map[string]bool), intents: kb.Intents, groups: kb.GroupKeys()}
	for _, n := range names {
		k := nameKey(n)
		if utf8.RuneCountInString(k) < 2 {
			continue
		}
		q.names[k] = true
		for i := range k {
			if i > 0 {
				q.prefixes[k[:i]] = true
			}
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
		r, _ := utf8.DecodeRuneInString(w)
		if q.synFirst == nil {
			q.synFirst = make(map[rune][]int32)
		}
		q.synFirst[r] = append(q.synFirst[r], int32(len(q.synonyms)))
		q.synonyms = append(q.synonyms, sy)
	}
	return q
}

// prepared is a question after normalisation and pre-processing.
type prepared struct {
	normalized  string
	traditional bool
	text        string                  // what is searched: the normalised question
	ruled       string                  // what the intents rules read (see groupWords)
	terms       []string                // the question's terms, boilerplate removed
	expansion   []string                // terms of the synonyms of words in the question
	names       []string                // keys of the names the question contains
	synNames    []string                // keys of names its synonyms mean
	alt         map[string][]string     // a synonym's term → the terms it means
	short       string                  // the question's content when it is one or two characters
	matches     []knowledge.IntentMatch // the intents rules it matches, in order
	// What understand found (see intent.go):
	process   bool   // it asks about the review process
	elsewhere bool   // it is about another platform
	group     string // the first-level group it asks about as a whole
	asks      bool   // it asks for a category or qualification
	rest      string // what it asks besides what the user has (AskHave)
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
	p.terms = q.terms(p.text)
	var means []string
	said := q.said(p.text)
	for _, s := range said {
		means = append(means, s.means...)
		// The synonym's words count as covered by a document that has
		// what it means.
		alt := q.terms(strings.Join(s.means, " "))
		for _, w := range q.terms(s.word) {
			if p.alt == nil {
				p.alt = make(map[string][]string)
			}
			p.alt[w] = append(p.alt[w], alt...)
		}
	}
	// Each meaning once, and not what the question says itself: 直播带货
	// and 带货 both mean 直播, which the question already asks for.
	for _, t := range q.terms(strings.Join(means, " ")) {
		if !slices.Contains(p.terms, t) && !slices.Contains(p.expansion, t) {
			p.expansion = append(p.expansion, t)
		}
	}
	p.names = q.contained(nameKey(p.text))
	// A synonym that means a name is as good as the name: 打车 → 网约车.
	for _, m := range means {
		if k := nameKey(m); q.names[k] && !slices.Contains(p.names, k) && !slices.Contains(p.synNames, k) {
			p.synNames = append(p.synNames, k)
		}
	}
	p.ruled = q.groupWords(p.text, said, p.names)
	p.matches = q.intents.Match(p.ruled)
	if c := q.intents.Content(p.text); c != "" && utf8.RuneCountInString(c) <= 2 {
		p.short = c
	}
	return p
}

// said returns the synonyms whose word text contains, in the order of the
// synonyms: text is read once, not once a synonym.
func (q *querier) said(text string) []synonym {
	var in []int32
	for j, r := range text {
		for _, i := range q.synFirst[r] {
			if strings.HasPrefix(text[j:], q.synonyms[i].word) && !slices.Contains(in, i) {
				in = append(in, i)
			}
		}
	}
	slices.Sort(in)
	out := make([]synonym, len(in))
	for k, i := range in {
		out[k] = q.synonyms[i]
	}
	return out
}

// groupWords returns text as the intents rules read it: when every synonym
// the question says stands for one first-level group and nothing else
// (开店 → 商家自营) and it names nothing narrower than the group (names,
// its name keys), each is replaced by what it stands for, so that the
// question asks what the group's own name would ("开店要什么资质" is
// "商家自营要什么资质").
func (q *querier) groupWords(text string, said []synonym, names []string) string {
	group := ""
	for _, s := range said {
		if len(s.means) == 0 {
			return text
		}
		for _, m := range s.means {
			g := q.groups[m]
			if g == "" || group != "" && g != group {
				return text
			}
			group = g
		}
	}
	if group == "" {
		return text
	}
	for _, n := range names {
		if !strings.Contains(normalize(group), n) {
			return text
		}
	}
	// What a synonym stands for stays as it is (自营 is in 商家自营), and
	// the longest word goes first where two start at the same place.
	var ws []synonym
	for _, s := range said {
		ws = append(ws, s, synonym{word: s.means[0], means: s.means[:1]})
	}
	slices.SortStableFunc(ws, func(a, b synonym) int { return len(b.word) - len(a.word) })
	var pairs []string
	for _, s := range ws {
		pairs = append(pairs, s.word, s.means[0])
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// contained returns the name keys that occur in key, each once.
func (q *querier) contained(key string) []string {
	var found []string
	for i := range key {
		if splitsASCII(key, i) {
			continue
		}
		for j := i; j < len(key); {
			_, size := utf8.DecodeRuneInString(key[j:])
			j += size
			s := key[i:j]
			if q.names[s] && !splitsASCII(key, j) && !slices.Contains(found, s) {
				found = append(found, s)
			}
			if !q.prefixes[s] {
				break
			}
		}
	}
	return found
}

// maxTerms bounds the terms a question contributes to a query.
const maxTerms = 64

// terms analyses text with the query analyzer.
func (q *querier) terms(text string) []string {
	var ts []string
	for _, t := range q.analyzer.Analyze([]byte(text)) {
		if len(ts) == maxTerms {
			break
		}
		ts = append(ts, string(t.Term))
	}
	return ts
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// query builds the bleve query for p. Chat text only ever reaches match,
// term and prefix queries, never a query-string parser.
func (p prepared) query(par *Params) query.Query {
	var clauses []query.Query
	// match is what a bleve MatchQuery does with its analysed terms, but the
	// question is analysed once for every field.
	match := func(terms []string, field string, boost float64) {
		if len(terms) == 0 {
			return
		}
		tqs := make([]query.Query, len(terms))
		for i, t := range terms {
			tq := bleve.NewTermQuery(t)
			tq.SetField(field)
			tq.SetBoost(boost)
			tqs[i] = tq
		}
		clauses = append(clauses, bleve.NewDisjunctionQuery(tqs...))
	}
	for _, f := range []struct {
		field string
		boost float64
	}{{fieldTitle, par.BoostTitle}, {fieldNames, par.BoostNames}, {fieldBody, par.BoostBody}} {
		match(p.terms, f.field, f.boost)
		match(p.expansion, f.field, f.boost*par.BoostSynonym)
	}
	for _, name := range p.names {
		t := bleve.NewTermQuery(name)
		t.SetField(fieldExact)
		t.SetBoost(par.BoostExact * float64(utf8.RuneCountInString(name)) / 2)
		clauses = append(clauses, t)
	}
	// A name a synonym means counts as a two-character name: its length
	// says nothing about how specific the user's word was.
	for _, name := range p.synNames {
		t := bleve.NewTermQuery(name)
		t.SetField(fieldExact)
		t.SetBoost(par.BoostExact * par.BoostSynonym)
		clauses = append(clauses, t)
	}
	if p.short != "" {
		for _, field := range []string{fieldTitle, fieldNames} {
			pq := bleve.NewPrefixQuery(p.short)
			pq.SetField(field)
			pq.SetBoost(par.BoostPrefix)
			clauses = append(clauses, pq)
		}
	}
	return bleve.NewDisjunctionQuery(clauses...)
}

// Search implements [knowledge.Searcher]. Any text is a valid question; an
// error means the index is closed or ctx is done.
func (ix *Index) Search(ctx context.Context, question string, n int) (knowledge.Result, error) {
	res, _, err := ix.search(ctx, question, n)
	return res, err
}

// scored is a hit with what the decision looks at.
type scored struct {
	id       string
	hit      knowledge.Hit
	coverage float64 // see vocab.coverage
	raw      float64 // bleve's score times the kind weight
}

// search is Search that also returns the scored hits behind the result.
func (ix *Index) search(ctx context.Context, question string, n int) (knowledge.Result, []scored, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := ix.cur
	if s == nil {
		return knowledge.Result{Decision: knowledge.None}, nil, ErrClosed
	}
	return s.search(ctx, question, n, true)
}

// search answers question on one knowledge base. understand is false for
// the second search of a requirement check, which must not check again.
func (s *served) search(ctx context.Context, question string, n int, understand bool) (knowledge.Result, []scored, error) {
	p := s.q.prepare(question)
	res := knowledge.Result{Decision: knowledge.None, Traditional: p.traditional, Base: s.kb}
	if understand {
		res.Ask = s.understand(&p)
	}
	switch res.Ask.Kind {
	case knowledge.AskHelp, knowledge.AskThanks:
		return res, nil, nil
	}
	if n <= 0 || p.text == "" {
		return res, nil, nil
	}
	// Ask for more than n: kind weights below may reorder the top. There
	// are never more hits than documents.
	n = min(n, len(s.hits))
	size := max(n, 2) + 10
	req := bleve.NewSearchRequestOptions(p.query(&s.par), size, 0, false)
	// Equal scores are ordered by id: otherwise by where bleve put each
	// document, which depends on the order analysis finished in, so two
	// builds of one knowledge base could order a tie differently.
	req.SortBy([]string{"-_score", "_id"})
	sr, err := s.bi.SearchInContext(ctx, req)
	if err != nil {
		// Not the question: errors are logged, and chat text stays out of
		// the logs unless the operator asks for it (--log-text).
		return res, nil, fmt.Errorf("index: search: %w", err)
	}
	hits := make([]scored, 0, len(sr.Hits))
	for _, h := range sr.Hits {
		hit, ok := s.hits[h.ID]
		if !ok {
			continue
		}
		hit.Score = h.Score * s.par.KindWeight[hit.Kind]
		if p.process && (hit.Kind == knowledge.KindTopic || hit.Kind == knowledge.KindFAQ) {
			hit.Score *= s.par.ProcessBoost
		}
		hits = append(hits, scored{id: h.ID, hit: hit})
	}
	qterms := s.vocab.question(p.terms, p.alt)
	for i := range hits {
		if p.short != "" && s.vocab.hasPrefix(hits[i].id, p.short) {
			hits[i].coverage = 1
		} else {
			hits[i].coverage = s.vocab.covers(hits[i].id, qterms)
		}
		hits[i].raw = hits[i].hit.Score
		hits[i].hit.Score *= s.par.RankCoverage + hits[i].coverage
	}
	slices.SortStableFunc(hits, func(a, b scored) int { return cmp.Compare(b.hit.Score, a.hit.Score) })
	hits = oneAnswerPerTopic(hits)
	res.Decision = decide(hits, p, &s.par)
	switch {
	case p.group != "" && !p.elsewhere:
		// The answer is the group's categories, in the knowledge base's
		// order: the list the bot shows.
		res.Decision = knowledge.Ambiguous
		res.Hits = s.groupHits(p.group, hits)
		slices.SortStableFunc(hits, func(a, b scored) int {
			return cmp.Compare(inGroup(b, p.group), inGroup(a, p.group))
		})
	default:
		diversify(hits, s.par.DiverseTop, s.par.DiverseShare)
		for _, h := range hits[:min(len(hits), n)] {
			res.Hits = append(res.Hits, h.hit)
		}
		if res.Decision == knowledge.Ambiguous {
			// One choice policy: the bot lists exactly these. A list of
			// one is an answer.
			if res.Hits = choices(res.Hits, &s.par); len(res.Hits) == 1 {
				res.Decision = knowledge.Confident
			}
		}
	}
	s.complete(&res.Ask, p, res)
	if res.Ask.Kind == knowledge.AskHave && res.Ask.Category == nil && strings.TrimSpace(p.rest) != "" {
		// What the user has pulls the search towards those licences; what
		// they want is the rest of the question.
		again, _, err := s.search(ctx, p.rest, n, false)
		if err != nil {
			return res, hits, err
		}
		if again.Decision != knowledge.None && len(again.Hits) > 0 && again.Hits[0].Kind == knowledge.KindCategory {
			res.Ask.Category = again.Hits[0].Category
		}
	}
	return res, hits, nil
}

// oneAnswerPerTopic keeps one hit of those that stand for one topic (the
// topic and its FAQ entries, best first): they are one answer, not rivals
// for the decision or for a place in a list. It keeps the place of the
// first, prefers an FAQ (the direct answer) to the topic, and takes the
// best evidence of the two.
func oneAnswerPerTopic(hits []scored) []scored {
	topicOf := func(h knowledge.Hit) *knowledge.Topic {
		switch h.Kind {
		case knowledge.KindTopic:
			return h.Topic
		case knowledge.KindFAQ:
			return h.FAQ.Topic
		}
		return nil
	}
	at := map[*knowledge.Topic]int{}
	out := hits[:0]
	for _, h := range hits {
		t := topicOf(h.hit)
		if t == nil {
			out = append(out, h)
			continue
		}
		i, ok := at[t]
		if !ok {
			at[t] = len(out)
			out = append(out, h)
			continue
		}
		kept := &out[i]
		kept.raw, kept.coverage = max(kept.raw, h.raw), max(kept.coverage, h.coverage)
		if kept.hit.Kind == knowledge.KindTopic && h.hit.Kind == knowledge.KindFAQ {
			kept.id, kept.hit.Kind, kept.hit.Topic, kept.hit.FAQ = h.id, knowledge.KindFAQ, nil, h.hit.FAQ
		}
	}
	return out
}

// diversify moves the best hit of the kind the first diverseTop hits lack
// into the last of those places (see Params.DiverseTop). It does not change
// which hit is first.
func diversify(hits []scored, diverseTop int, diverseShare float64) {
	if len(hits) <= diverseTop {
		return
	}
	for _, want := range []knowledge.Kind{knowledge.KindCategory, knowledge.KindTopic} {
		if slices.ContainsFunc(hits[:diverseTop], func(h scored) bool { return h.hit.Kind == want }) {
			continue
		}
		i := slices.IndexFunc(hits[diverseTop:], func(h scored) bool { return h.hit.Kind == want })
		if i < 0 || hits[diverseTop+i].hit.Score < diverseShare*hits[0].hit.Score {
			continue
		}
		i += diverseTop
		h := hits[i]
		copy(hits[diverseTop:i+1], hits[diverseTop-1:i])
		hits[diverseTop-1] = h
		return
	}
}

func inGroup(h scored, group string) int {
	if h.hit.Kind == knowledge.KindCategory && h.hit.Category.Path[0] == group {
		return 1
	}
	return 0
}
