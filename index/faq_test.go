package index

import (
	"testing"

	"github.com/qualbot/qualbot/knowledge"
)

func TestOneAnswerPerTopic(t *testing.T) {
	filing := &knowledge.Topic{ID: "备案"}
	howLong := &knowledge.FAQ{ID: "备案要多久", Topic: filing}
	how := &knowledge.FAQ{ID: "备案流程", Topic: filing}
	live := &knowledge.Category{Path: []string{"社交", "直播"}}
	topic := scored{id: "t/备案", hit: knowledge.Hit{Kind: knowledge.KindTopic, Topic: filing, Score: 3}, raw: 3, coverage: 0.9}
	faq1 := scored{id: "f/备案要多久", hit: knowledge.Hit{Kind: knowledge.KindFAQ, FAQ: howLong, Score: 2}, raw: 2, coverage: 0.5}
	faq2 := scored{id: "f/备案流程", hit: knowledge.Hit{Kind: knowledge.KindFAQ, FAQ: how, Score: 1}, raw: 1, coverage: 0.4}
	cat := scored{id: "c/社交/直播", hit: knowledge.Hit{Kind: knowledge.KindCategory, Category: live, Score: 1.5}, raw: 1.5, coverage: 1}

	got := oneAnswerPerTopic([]scored{topic, faq1, cat, faq2})
	if len(got) != 2 {
		t.Fatalf("got %d hits, want the topic's one answer and the category", len(got))
	}
	if g := got[0]; g.hit.FAQ != howLong || g.id != "f/备案要多久" || g.hit.Topic != nil || g.hit.Score != 3 || g.raw != 3 || g.coverage != 0.9 {
		t.Errorf("first = %+v, want the best FAQ in the topic's place, with the topic's score and evidence", g)
	}
	if got[1].hit.Category != live {
		t.Errorf("second = %+v, want the category", got[1])
	}
	got = oneAnswerPerTopic([]scored{faq2, topic})
	if len(got) != 1 || got[0].hit.FAQ != how || got[0].raw != 3 {
		t.Errorf("an FAQ before its topic: got %+v, want the FAQ with the topic's evidence", got)
	}
}
