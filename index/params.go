package index

import "github.com/qualbot/qualbot/knowledge"

// Params are the numbers that shape ranking and decisions. They were tuned
// on testdata/dev-questions.yaml and checked on testdata/check-questions.yaml
// (TestDevQuestions, TestCheckQuestions; docs/benchmarks.md). An Index keeps
// its own copy, so tests and the ablation build variants side by side
// instead of changing package state.
type Params struct {
	// Query-time field boosts: what users call a thing counts most, then
	// its title, then the prose about it.
	BoostTitle, BoostNames, BoostBody float64
	// BoostSynonym scales the words a synonym stands for, relative to the
	// literal words of the question.
	BoostSynonym float64
	// BoostExact is the boost of a name the question contains, per two characters.
	BoostExact float64
	// BoostPrefix is the boost of a one- or two-character question that
	// starts a name.
	BoostPrefix float64

	// KindWeight scales each kind's score. Questions name licences mostly to
	// ask which category needs them, so a licence wins only when the
	// question is about little else.
	KindWeight map[knowledge.Kind]float64
	// RankCoverage blends coverage into the ranking: a hit's score is
	// multiplied by RankCoverage plus its coverage. A huge value turns
	// coverage off.
	RankCoverage float64
	// ProcessBoost multiplies the topics' scores of a question about the
	// review process (an intents review_failed rule matched): what it asks
	// for is a topic, and the categories it names are context. Chosen from
	// the plateau where 5 to 8 give the same dev figures.
	ProcessBoost float64

	// MinEvidence is the least score × coverage of a top hit worth answering with.
	MinEvidence float64
	// AskedEvidence replaces MinEvidence for a question that asks for a
	// category or qualification (an intents which_category or licences
	// rule matched): it is in the domain even in words the knowledge base
	// does not use.
	AskedEvidence float64
	// NeedName declines questions that contain no name from the knowledge
	// base unless the top hit accounts for most of a question of several
	// words (MinUnnamedTerms distinct terms, MinUnnamedCoverage): a stray
	// word in common ("答题", "清单") is too weak to answer on.
	NeedName           bool
	MinUnnamedTerms    int
	MinUnnamedCoverage float64
	// Margin: a runner-up within this share of the top score makes the
	// answer ambiguous.
	Margin float64

	// The first DiverseTop hits show both a category and a topic when the
	// kind they lack has a hit scoring at least DiverseShare of the top
	// hit: a question that mixes a review problem with a category
	// ("说有在线视频,类目不一致") is offered both.
	DiverseTop   int
	DiverseShare float64
	// CloseRatio is how close to the top hit's score a hit must be to be
	// offered as a choice: a list should hold real candidates, not filler.
	CloseRatio float64
	// MixedChoices is how many of the first hits may add a kind the close
	// hits lack to a list of choices.
	MixedChoices int

	// BuildBatches is how many batches a build indexes the documents in,
	// and BuildConcurrent how many of them at once (0: one a core). A batch
	// is analysed whole before bleve turns it into a segment, so smaller
	// batches keep less in memory (a build's peak), and two at once keep
	// both cores busy while one is turned into a segment. Scores do not
	// depend on how the documents are split. Measured with TestStartupProbe
	// (docs/benchmarks.md).
	BuildBatches, BuildConcurrent int
	// A reindex replaces the documents an edit changed, added or removed in
	// the serving index when they are at most UpdateMaxDocs (searches wait
	// while bleve indexes them: about a millisecond for a few documents),
	// and for at most UpdateGenerations reindexes in a row (each adds a
	// segment to the index, which every search then reads); otherwise it
	// builds the index again. See update.go.
	UpdateMaxDocs, UpdateGenerations int
}

// DefaultParams returns the tuned parameters that Build uses.
func DefaultParams() Params {
	return Params{
		BoostTitle:   3,
		BoostNames:   3,
		BoostBody:    1,
		BoostSynonym: 0.8,
		BoostExact:   5,
		BoostPrefix:  2,
		KindWeight: map[knowledge.Kind]float64{
			knowledge.KindCategory: 1,
			knowledge.KindTopic:    1,
			knowledge.KindFAQ:      1,
			knowledge.KindLicence:  0.3,
		},
		RankCoverage:       1,
		ProcessBoost:       6,
		MinEvidence:        0.15,
		AskedEvidence:      0.04,
		NeedName:           true,
		MinUnnamedTerms:    3,
		MinUnnamedCoverage: 0.45,
		Margin:             0.15,
		DiverseTop:         3,
		DiverseShare:       0.1,
		CloseRatio:         0.5,
		MixedChoices:       3,
		BuildBatches:       4,
		BuildConcurrent:    0,
		UpdateMaxDocs:      40,
		UpdateGenerations:  20,
	}
}
