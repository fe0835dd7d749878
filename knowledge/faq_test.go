package knowledge_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/qualbot/qualbot/knowledge"
)

// faqKB is a knowledge base with one topic and the FAQs given.
func faqKB(faq string) fstest.MapFS {
	return fstest.MapFS{
		"categories/01-社交.yaml": {Data: []byte(`categories:
  - path: [社交, 直播]
    subjects: [企业]
    requirements:
      - all: [《营业执照》]
    sources:
      - {seed: s.txt, date: 2026-01-01}
`)},
		"licences.yaml": {Data: []byte(`licences:
  - name: 《营业执照》
    sources:
      - {seed: s.txt, date: 2026-01-01}
`)},
		"topics.yaml": {Data: []byte(`topics:
  - id: 备案
    title: 小程序备案
    body: 五个环节。
    sources:
      - {seed: t.txt, date: 2026-01-02}
`)},
		"faq.yaml": {Data: []byte(faq)},
	}
}

func TestLoad_FAQ(t *testing.T) {
	kb, err := knowledge.Load(faqKB(`faq:
  - id: 备案流程
    topic: 备案
    questions: [备案怎么做, 怎么备案]
    answer: 在后台点【去备案】，五个环节。
    categories: [[社交, 直播]]
    licences: [《营业执照》]
  - id: 备案要多久
    topic: 备案
    ask: duration
    questions: [备案要多久]
    answer: 一般1到3周。
    sources:
      - {url: https://example.org, date: 2026-02-01}
  - id: 无主题
    questions: [问题]
    answer: 答案。
    sources:
      - {seed: u.txt, date: 2026-01-03}
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(kb.FAQs) != 3 {
		t.Fatalf("FAQs = %d, want 3", len(kb.FAQs))
	}
	topic := kb.Topic("备案")
	general, long := kb.FAQs[0], kb.FAQs[1]
	if general.Topic != topic || len(topic.FAQs) != 2 || topic.FAQs[0] != general || topic.FAQs[1] != long {
		t.Errorf("topic links: FAQ topic %v, topic FAQs %v", general.Topic, topic.FAQs)
	}
	if len(general.Categories) != 1 || general.Categories[0].ID() != "社交/直播" || len(general.Licences) != 1 || general.Licences[0].Name != "《营业执照》" {
		t.Errorf("references: categories %v, licences %v", general.Categories, general.Licences)
	}
	if len(general.Sources) != 1 || general.Sources[0].Seed != "t.txt" {
		t.Errorf("an FAQ without sources takes its topic's: %v", general.Sources)
	}
	if len(long.Sources) != 1 || long.Sources[0].URL != "https://example.org" {
		t.Errorf("an FAQ's own sources: %v", long.Sources)
	}
	if got := (&knowledge.Topic{FAQs: []*knowledge.FAQ{long}}).Answering(knowledge.AskHow); got != long {
		t.Errorf("Answering() of a topic without a general FAQ = %v, want its first", got)
	}
	for _, test := range []struct {
		kind knowledge.AskKind
		want *knowledge.FAQ
	}{
		{knowledge.AskDuration, long},
		{knowledge.AskHow, general},
		{knowledge.AskLookup, general},
	} {
		if got := topic.Answering(test.kind); got != test.want {
			t.Errorf("Answering(%q) = %v, want %v", test.kind, got.ID, test.want.ID)
		}
	}
}

func TestLoad_FAQErrors(t *testing.T) {
	for _, test := range []struct {
		name, faq, want string
	}{
		{"unknown topic", "faq:\n  - {id: a, topic: 没有, questions: [q], answer: a}\n", "faq.yaml:2: faq a: topic 没有 does not exist"},
		{"unknown category", "faq:\n  - {id: a, topic: 备案, questions: [q], answer: a, categories: [[社交, 没有]]}\n", "faq a: category 社交/没有 does not exist"},
		{"unknown licence", "faq:\n  - {id: a, topic: 备案, questions: [q], answer: a, licences: [营业执照]}\n", "faq a: unknown licence 营业执照"},
		{"no questions", "faq:\n  - {id: a, topic: 备案, answer: a}\n", "faq a has no questions"},
		{"no answer", "faq:\n  - {id: a, topic: 备案, questions: [q]}\n", "faq a has no answer"},
		{"long answer", "faq:\n  - {id: a, topic: 备案, questions: [q], answer: " + strings.Repeat("长", knowledge.MaxAnswerRunes+1) + "}\n", "more than 170"},
		{"unknown ask", "faq:\n  - {id: a, topic: 备案, ask: weather, questions: [q], answer: a}\n", `unknown ask "weather"`},
		{"no sources", "faq:\n  - {id: a, questions: [q], answer: a}\n", "faq a has no sources and no topic"},
		{"duplicate", "faq:\n  - {id: a, topic: 备案, questions: [q], answer: a, ask: how}\n  - {id: a, topic: 备案, questions: [q], answer: a}\n", "duplicate faq a"},
	} {
		t.Run(test.name, func(t *testing.T) {
			_, err := knowledge.Load(faqKB(test.faq))
			if err == nil || !strings.Contains(err.Error(), test.want) {
				t.Errorf("Load() error = %v, want %q", err, test.want)
			}
		})
	}
}
