package index

import "github.com/qualbot/qualbot/knowledge"

// The decision thresholds, tuned on testdata/dev-questions.yaml (see
// TestDevQuestions): below minScore nothing matched well enough to answer;
// a runner-up within margin of the top hit makes the answer ambiguous.
const (
	minScore = 0.2
	margin   = 0.15 // relative: (top - second) / top
)

// decide says how sure hits (best first) are of their answer.
func decide(hits []knowledge.Hit) knowledge.Decision {
	if len(hits) == 0 || hits[0].Score < minScore {
		return knowledge.None
	}
	if len(hits) > 1 && (hits[0].Score-hits[1].Score)/hits[0].Score < margin {
		return knowledge.Ambiguous
	}
	return knowledge.Confident
}
