package index

import "github.com/qualbot/qualbot/knowledge"

// The decision thresholds, tuned on testdata/dev-questions.yaml (see
// TestDevQuestions).
var (
	// minEvidence is the least score × coverage of a top hit worth
	// answering with.
	minEvidence = 0.15
	// needName declines questions that contain no name from the knowledge
	// base at all: text overlap alone is too weak to answer on.
	needName = true
	// margin: a runner-up within this share of the top score makes the
	// answer ambiguous.
	margin = 0.15
)

// decide says how sure hits (best first) are of their answer. named says
// whether the question contains a name from the knowledge base (a title,
// alias, keyword or synonym) or is a one- or two-character question.
func decide(hits []scored, named bool) knowledge.Decision {
	if len(hits) == 0 {
		return knowledge.None
	}
	top := hits[0]
	if top.raw*top.coverage < minEvidence || (needName && !named) {
		return knowledge.None
	}
	if len(hits) > 1 && (top.hit.Score-hits[1].hit.Score)/top.hit.Score < margin {
		return knowledge.Ambiguous
	}
	return knowledge.Confident
}
