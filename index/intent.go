package index

import (
	"slices"
	"strings"

	"github.com/qualbot/qualbot/knowledge"
)

// What a question asks is decided by the knowledge base's intents rules
// (knowledge/data/intents.yaml), once per question, right after
// normalisation. This file turns the rules that matched into one
// [knowledge.Ask]: it takes the first rule, in the file's order, whose kind
// also fits what the question names (a licence for licence_categories,
// something held for have, two things for difference, nothing narrower than
// the group for group), and fills in what the kind needs.

// understand decides p's Ask from the rules that matched it, and the
// signals the ranking uses.
func (s *served) understand(p *prepared) knowledge.Ask {
	for _, m := range p.matches {
		switch m.Rule.Kind {
		case knowledge.AskReviewFailed:
			// A question about the review process ranks topics higher
			// (Params.ProcessBoost), whatever else it asks.
			p.process = true
		case knowledge.AskWhichCategory, knowledge.AskLicences:
			// It asks for a category or qualification, so it is in the
			// domain even in words the knowledge base does not use.
			p.asks = true
		}
	}
	for _, m := range p.matches {
		ask := knowledge.Ask{Kind: m.Rule.Kind, Rule: m.Rule.Name()}
		switch m.Rule.Kind {
		case knowledge.AskOtherPlatform:
			p.elsewhere = true
			ask.Platform = m.Captures["platform"]
			if ask.Platform == "" {
				ask.Platform = m.Captures["store"]
			}
		case knowledge.AskOffTopic, knowledge.AskNeedsContext:
			// Nothing the knowledge base says answers it: the bot says
			// what it can do, or asks what the mini-program does.
			p.elsewhere = true
		case knowledge.AskNotice:
			c, key := s.namedCategory(p)
			if c == nil {
				key = s.groupKeyIn(p)
			}
			if g := s.q.groups[key]; g != "" && s.wholeGroup(p, g) {
				// "被说涉及医疗" names a group, not its namesake under
				// 政务民生: which of its categories is for the user to say.
				c = nil
				if m.Rule.Reason == knowledge.NoticeAddCategory {
					ask = knowledge.Ask{Kind: knowledge.AskGroup, Rule: m.Rule.Name(), Group: g}
					p.group = g
					return ask
				}
			}
			if c == nil && m.Rule.Reason == knowledge.NoticeAddCategory {
				// To add a category it does not name is no answer: the
				// next rule that matches says what is asked.
				continue
			}
			ask.Notice = &knowledge.Notice{Reason: m.Rule.Reason, Category: c}
			ask.Category = c
		case knowledge.AskLicenceCategories:
			ls := s.kb.LicencesIn(p.text)
			if len(ls) != 1 {
				continue
			}
			ask.Licence = ls[0]
		case knowledge.AskHave:
			for _, held := range m.Held {
				ls := s.kb.LicencesIn(held)
				if len(ls) == 0 && m.Rule.HeldAfter(held) {
					ask.HaveOther = true
				}
				for _, l := range ls {
					if !slices.Contains(ask.Have, l) {
						ask.Have = append(ask.Have, l)
					}
				}
			}
			if len(ask.Have) == 0 && !ask.HaveOther {
				continue
			}
			p.rest = m.Rest
		case knowledge.AskDifference:
			if len(s.namedDocs(p)) < 2 {
				continue
			}
		case knowledge.AskGroup:
			g := m.Captures["group"]
			if !s.wholeGroup(p, g) {
				continue
			}
			ask.Group, p.group = g, g
		}
		return ask
	}
	return knowledge.Ask{}
}

// complete fills in what an Ask needs from the search: the category or
// licence the question is about, the pair a difference compares.
func (s *served) complete(ask *knowledge.Ask, p prepared, res knowledge.Result) {
	top := func(k knowledge.Kind) bool {
		return res.Decision != knowledge.None && len(res.Hits) > 0 && res.Hits[0].Kind == k
	}
	switch ask.Kind {
	case knowledge.AskGroup, knowledge.AskOtherPlatform, knowledge.AskHelp, knowledge.AskThanks, knowledge.AskNotice:
		return
	case knowledge.AskDifference:
		for _, id := range s.namedDocs(&p)[:2] {
			ask.Pair = append(ask.Pair, s.hits[id])
		}
		return
	case knowledge.AskLicenceCategories:
		return
	}
	if top(knowledge.KindCategory) {
		ask.Category = res.Hits[0].Category
	}
	if top(knowledge.KindLicence) && ask.Kind != knowledge.AskHave {
		ask.Licence = res.Hits[0].Licence
	}
}

// namedDocs returns the documents whose names p contains, in the order the
// names appear, each once.
func (s *served) namedDocs(p *prepared) []string {
	type at struct {
		i  int
		id string
	}
	var found []at
	for _, k := range p.names {
		i := strings.Index(nameKey(p.text), k)
		for _, id := range s.owners[k] {
			found = append(found, at{i, id})
		}
	}
	slices.SortStableFunc(found, func(a, b at) int { return a.i - b.i })
	var ids []string
	for _, f := range found {
		if !slices.Contains(ids, f.id) {
			ids = append(ids, f.id)
		}
	}
	return ids
}

// namedCategory returns the category a notice names, and the name key it
// was found by: the name that comes first in the text, and of those that
// start there the longest ("社交-直播" over "直播"). A notice names the
// category before the user says anything about it ("审核说我涉及直播，可我只是放了
// 录好的视频").
func (s *served) namedCategory(p *prepared) (*knowledge.Category, string) {
	var best *knowledge.Category
	bestKey, bestAt := "", -1
	text := nameKey(p.text)
	for _, k := range p.names {
		at := strings.Index(text, k)
		for _, id := range s.owners[k] {
			h := s.hits[id]
			if h.Kind != knowledge.KindCategory {
				continue
			}
			if bestAt < 0 || at < bestAt || at == bestAt && len(k) > len(bestKey) {
				best, bestKey, bestAt = h.Category, k, at
			}
			break
		}
	}
	return best, bestKey
}

// groupKeyIn returns the longest thing p contains that people call a
// first-level group ("社交", "医疗"), or "".
func (s *served) groupKeyIn(p *prepared) string {
	best := ""
	for k := range s.q.groups {
		// The longest; of two as long, the first in order, so that the
		// map's order never decides.
		if (len(k) > len(best) || len(k) == len(best) && k < best) && strings.Contains(p.ruled, k) {
			best = k
		}
	}
	return best
}

// wholeGroup reports whether p asks about group as a whole: it names
// nothing narrower than the group ("医疗类的互联网医院" names a category of
// it), itself or by a synonym (打车 stands for 网约车).
func (s *served) wholeGroup(p *prepared, group string) bool {
	if group == "" {
		return false
	}
	full := normalize(group)
	for _, n := range slices.Concat(p.names, p.synNames) {
		if !strings.Contains(full, n) {
			return false
		}
	}
	return true
}

// groupHits returns every category of group, in the knowledge base's order,
// with the score the search gave it.
func (s *served) groupHits(group string, scoredHits []scored) []knowledge.Hit {
	var out []knowledge.Hit
	for _, c := range s.kb.Categories {
		if c.Path[0] != group {
			continue
		}
		h := knowledge.Hit{Kind: knowledge.KindCategory, Category: c}
		if i := slices.IndexFunc(scoredHits, func(x scored) bool { return x.hit.Category == c }); i >= 0 {
			h.Score = scoredHits[i].hit.Score
		}
		out = append(out, h)
	}
	return out
}
