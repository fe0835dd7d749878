package index

import (
	"slices"
	"unicode/utf8"

	"github.com/qualbot/qualbot/knowledge"
)

// The decision thresholds, tuned on testdata/dev-questions.yaml (see
// TestDevQuestions).
var (
	// minEvidence is the least score × coverage of a top hit worth
	// answering with.
	minEvidence = 0.15
	// needName declines questions that contain no name from the knowledge
	// base unless the top hit accounts for most of a question of several
	// words (minUnnamedTerms, minUnnamedCoverage): a stray word in common
	// ("答题", "清单") is too weak to answer on.
	needName           = true
	minUnnamedTerms    = 3
	minUnnamedCoverage = 0.45
	// askedEvidence replaces minEvidence for a question that asks for a
	// category or qualification (asksForCategory).
	askedEvidence = 0.04
	// margin: a runner-up within this share of the top score makes the
	// answer ambiguous.
	margin = 0.15
)

// decide says how sure hits (best first) are of their answer to p.
func decide(hits []scored, p prepared) knowledge.Decision {
	if len(hits) == 0 || p.elsewhere {
		return knowledge.None
	}
	top := hits[0]
	least := minEvidence
	if p.asks {
		least = askedEvidence
	}
	if top.raw*top.coverage < least {
		return knowledge.None
	}
	// A name from the knowledge base (a title, alias, keyword or synonym),
	// or a one- or two-character question, is evidence enough.
	named := len(p.names) > 0 || len(p.expansion) > 0 || p.short != ""
	if needName && !named && (distinct(p.terms) < minUnnamedTerms || top.coverage < minUnnamedCoverage) {
		return knowledge.None
	}
	if len(hits) > 1 && (top.hit.Score-hits[1].hit.Score)/top.hit.Score < margin {
		return knowledge.Ambiguous
	}
	// One character (药, 车) begins too many words to be sure of any.
	if len(hits) > 1 && utf8.RuneCountInString(p.short) == 1 {
		return knowledge.Ambiguous
	}
	return knowledge.Confident
}

func distinct(terms []string) int {
	n := 0
	for i, t := range terms {
		if !slices.Contains(terms[:i], t) {
			n++
		}
	}
	return n
}
