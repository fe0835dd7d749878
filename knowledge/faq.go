package knowledge

import (
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// An FAQ is one question people ask, in the phrasings they use, with a
// short answer in the project's own words: "备案要多久" → the durations.
// The index searches its phrasings, so a short question finds the one
// answer. Its topic holds the long text, which the bot sends as details.
type FAQ struct {
	// ID is a short Chinese key, unique among FAQs: "备案要多久".
	ID string
	// Questions are phrasings of the question, as users write them.
	Questions []string
	// Answer is the short answer: one or two sentences, at most
	// MaxAnswerRunes characters.
	Answer string
	// Ask is the kind of question it answers about its topic ("duration"
	// for 备案要多久), so that a question of that kind which finds the
	// topic gets this answer; empty for the topic's general answer.
	Ask AskKind
	// Topic holds the long text; nil when the answer is all there is.
	Topic *Topic
	// Categories and Licences are what the answer concerns, resolved by Load.
	Categories []*Category
	Licences   []*Licence
	// Sources are where the answer comes from; the topic's when the entry
	// names none.
	Sources []Source
	Pos     Pos
}

// MaxAnswerRunes is the longest short answer an FAQ may have: the answer
// and a hint fit in one glance at a phone (about 200 characters).
const MaxAnswerRunes = 170

// askKinds are the kinds an FAQ may answer.
var askKinds = []AskKind{AskLookup, AskReviewFailed, AskNotice, AskWhichCategory, AskLicences, AskIndividual,
	AskDuration, AskHow, AskDifference, AskLicenceCategories, AskHave}

// pendingFAQ is an FAQ's references, resolved after every file is read.
type pendingFAQ struct {
	faq        *FAQ
	topic      *yaml.Node
	categories []*yaml.Node
	licences   *yaml.Node
	file       string
}

func (p *fileParser) faq(n *yaml.Node) {
	f := p.fields(n, "faq", "id", "topic", "ask", "questions", "answer", "categories", "licences", "sources")
	if f == nil {
		return
	}
	q := &FAQ{
		ID:        strings.TrimSpace(p.str(f.get("id"), "id")),
		Questions: p.strs(f.get("questions"), "questions"),
		Answer:    strings.TrimSpace(p.str(f.get("answer"), "answer")),
		Ask:       AskKind(p.str(f.get("ask"), "ask")),
		Pos:       p.pos(n),
	}
	name := "faq " + q.ID
	if q.ID == "" {
		name = "faq"
		if !badKind(f.get("id"), yaml.ScalarNode) {
			p.errorf(n, "faq has no id")
		}
	}
	if len(q.Questions) == 0 && !badKind(f.get("questions"), yaml.SequenceNode) {
		p.errorf(n, "%s has no questions", name)
	}
	switch size := utf8.RuneCountInString(q.Answer); {
	case size == 0 && !badKind(f.get("answer"), yaml.ScalarNode):
		p.errorf(n, "%s has no answer", name)
	case size > MaxAnswerRunes:
		p.errorf(f.get("answer"), "%s: answer has %d characters, more than %d: keep it short and put the rest in the topic", name, size, MaxAnswerRunes)
	}
	if !slices.Contains(askKinds, q.Ask) {
		p.errorf(f.get("ask"), "%s: unknown ask %q", name, q.Ask)
	}
	if f.get("sources") != nil {
		q.Sources = p.sources(n, f.get("sources"), name)
	} else if f.get("topic") == nil {
		p.errorf(n, "%s has no sources and no topic to take them from", name)
	}
	if q.ID == "" || p.duplicate(n, "faq", q.ID) {
		return
	}
	p.l.faqs = append(p.l.faqs, pendingFAQ{faq: q, topic: f.get("topic"), categories: p.list(f.get("categories"), "categories"), licences: f.get("licences"), file: p.file})
	p.l.base.FAQs = append(p.l.base.FAQs, q)
}

// resolveFAQs links each FAQ to its topic, categories and licences.
func (l *loader) resolveFAQs() {
	topics := map[string]*Topic{}
	for _, t := range l.base.Topics {
		topics[t.ID] = t
	}
	for _, pf := range l.faqs {
		q := pf.faq
		if n := pf.topic; n != nil {
			t, ok := topics[strings.TrimSpace(n.Value)]
			if !ok {
				l.errorf(pf.file, n.Line, "faq %s: topic %s does not exist", q.ID, n.Value)
			} else {
				q.Topic = t
				t.FAQs = append(t.FAQs, q)
				if q.Sources == nil {
					q.Sources = t.Sources
				}
			}
		}
		for _, n := range pf.categories {
			var path []string
			for _, c := range n.Content {
				path = append(path, strings.TrimSpace(c.Value))
			}
			c, ok := l.cats[strings.Join(path, "/")]
			if !ok {
				l.errorf(pf.file, n.Line, "faq %s: category %s does not exist", q.ID, strings.Join(path, "/"))
				continue
			}
			q.Categories = append(q.Categories, c)
		}
		if n := pf.licences; n != nil {
			for _, v := range n.Content {
				lc, ok := l.lics[strings.TrimSpace(v.Value)]
				if !ok {
					l.errorf(pf.file, v.Line, "faq %s: unknown licence %s (write its full name in 《》)", q.ID, v.Value)
					continue
				}
				q.Licences = append(q.Licences, lc)
			}
		}
	}
}

// Answering returns the first FAQ of t that answers a question of kind k,
// else its first general FAQ (no ask kind), else its first FAQ, else nil.
func (t *Topic) Answering(k AskKind) *FAQ {
	var general *FAQ
	for _, q := range t.FAQs {
		if q.Ask == k && k != AskLookup {
			return q
		}
		if q.Ask == AskLookup && general == nil {
			general = q
		}
	}
	if general == nil && len(t.FAQs) > 0 {
		return t.FAQs[0]
	}
	return general
}
