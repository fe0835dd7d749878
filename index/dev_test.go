package index

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/qualbot/qualbot/knowledge"
	"gopkg.in/yaml.v3"
)

// devQuestion is one labelled real question from testdata/dev-questions.yaml.
type devQuestion struct {
	Q           string    `yaml:"q"`
	Expect      yaml.Node `yaml:"expect"`
	ExpectTopic string    `yaml:"expect_topic"`
}

// want lists the acceptable top hits: category paths, or a topic id as a
// one-element path.
func (d devQuestion) want() ([][]string, error) {
	if d.ExpectTopic != "" {
		return [][]string{{d.ExpectTopic}}, nil
	}
	var pair []string
	if err := d.Expect.Decode(&pair); err == nil {
		return [][]string{pair}, nil
	}
	var pairs [][]string
	if err := d.Expect.Decode(&pairs); err != nil {
		return nil, fmt.Errorf("question %q: expect: %v", d.Q, err)
	}
	return pairs, nil
}

func loadDev(t testing.TB) []devQuestion { return loadQuestions(t, "testdata/dev-questions.yaml") }

// loadQuestions reads a file of labelled questions in the format of
// testdata/dev-questions.yaml.
func loadQuestions(t testing.TB, path string) []devQuestion {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var qs []devQuestion
	if err := yaml.Unmarshal(data, &qs); err != nil {
		t.Fatal(err)
	}
	return qs
}

// The shipped knowledge base and its index are built once per test binary,
// for the tests that only read them.
var (
	shipped   = sync.OnceValues(func() (*knowledge.Base, error) { return knowledge.Load(knowledge.Shipped()) })
	shippedIx = sync.OnceValues(func() (*Index, error) {
		kb, err := shipped()
		if err != nil {
			return nil, err
		}
		return Build(kb)
	})
)

// shippedBase returns the shipped knowledge base, loaded once. Tests must
// not change it.
func shippedBase(t testing.TB) *knowledge.Base {
	t.Helper()
	kb, err := shipped()
	if err != nil {
		t.Fatalf("load shipped knowledge base: %v", err)
	}
	return kb
}

// shippedIndex returns the index of the shipped knowledge base, built once.
// Tests must not reload or close it.
func shippedIndex(t testing.TB) *Index {
	t.Helper()
	ix, err := shippedIx()
	if err != nil {
		t.Fatalf("build shipped index: %v", err)
	}
	return ix
}

// matches reports whether h is the answer w names: a topic id, or a category
// path. The labels use the short names people say, so a category counts when
// its first level is the same and its second level contains the label's
// (文娱/视频 is answered by 文娱/其他视频; 教育服务/培训机构 by
// 教育服务/学历教育（培训机构）); a third level below it counts too. A
// label of one element is a topic id or a first-level category.
func matches(h knowledge.Hit, w []string) bool {
	switch h.Kind {
	case knowledge.KindTopic:
		return len(w) == 1 && h.Topic.ID == w[0]
	case knowledge.KindCategory:
		p := h.Category.Path
		if len(w) == 1 { // a first-level label: any category below it
			return p[0] == w[0]
		}
		return len(w) == 2 && len(p) >= 2 && p[0] == w[0] && strings.Contains(p[1], w[1])
	}
	return false
}

// devScore is the outcome of the dev set.
type devScore struct {
	answerable, hit1, hit3, confident1 int
	none, declined                     int
	clarify, clarified                 int
}

func (s devScore) String() string {
	pct := func(a, b int) float64 {
		if b == 0 {
			return 100
		}
		return 100 * float64(a) / float64(b)
	}
	return fmt.Sprintf("hit@1 %d/%d (%.0f%%, %d confident), hit@3 %d/%d (%.0f%%), declines %d/%d (%.0f%%), clarifications %d/%d",
		s.hit1, s.answerable, pct(s.hit1, s.answerable), s.confident1, s.hit3, s.answerable, pct(s.hit3, s.answerable),
		s.declined, s.none, pct(s.declined, s.none), s.clarified, s.clarify)
}

func (s devScore) pct() (hit1, hit3, declines float64) {
	return 100 * float64(s.hit1) / float64(s.answerable), 100 * float64(s.hit3) / float64(s.answerable),
		100 * float64(s.declined) / float64(s.none)
}

// scoreDev runs every dev question through ix. log, when not nil, gets one
// line per question that was not answered right.
func scoreDev(t testing.TB, ix *Index, qs []devQuestion, log func(string)) devScore {
	t.Helper()
	var s devScore
	for _, q := range qs {
		res, err := ix.Search(context.Background(), q.Q, 3)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, fmt.Sprintf("%s(%.3f)", h.ID(), h.Score))
		}
		ok := false
		switch q.ExpectTopic {
		case "none":
			s.none++
			ok = res.Decision == knowledge.None
			if ok {
				s.declined++
			}
		case "clarify":
			// Too vague to answer: listing choices or declining both make
			// the user say more; only a confident answer is wrong.
			s.clarify++
			ok = res.Decision != knowledge.Confident
			if ok {
				s.clarified++
			}
		default:
			s.answerable++
			want, err := q.want()
			if err != nil {
				t.Fatal(err)
			}
			if res.Decision != knowledge.None {
				for i, h := range res.Hits {
					if slices.ContainsFunc(want, func(w []string) bool { return matches(h, w) }) {
						if i == 0 {
							s.hit1++
							ok = true
							if res.Decision == knowledge.Confident {
								s.confident1++
							}
						}
						s.hit3++
						break
					}
				}
			}
			if log != nil && !ok {
				log(fmt.Sprintf("MISS %-10s want %v got %v %s  %q", res.Decision, want, got, "", q.Q))
			}
			continue
		}
		if log != nil && !ok {
			log(fmt.Sprintf("MISS %-10s want %s got %v  %q", res.Decision, q.ExpectTopic, got, q.Q))
		}
	}
	return s
}

// devTarget4 is what issue 4 asked of the dev set, in percent. The test
// reports whether it is met; it does not fail on it: a gate with no slack
// rewards patching single questions, and the product is measured on
// questions nobody tuned on.
var devTarget4 = devTarget{hit1: 85, hit3: 95, declines: 85}

// devFloor is what TestDevQuestions holds: the figures of the last tuning
// (hit@1 59/68, hit@3 64/68, declines 10/11) less about two questions each,
// in percent.
var devFloor = devTarget{hit1: 83, hit3: 91, declines: 80}

type devTarget struct{ hit1, hit3, declines float64 }

func (d devTarget) met(s devScore) bool {
	hit1, hit3, declines := s.pct()
	return hit1 >= d.hit1 && hit3 >= d.hit3 && declines >= d.declines
}

// TestDevQuestions measures retrieval on the real questions in testdata and
// fails below devFloor. The product is also judged on a held-out
// set of the same kind, so it is tuned by mechanism (normalisation,
// synonyms, boosts, thresholds), never per question.
//
// hit@1 counts a question when the search does not decline it and its top
// hit is one of the expected answers; hit@3 when one of the first three is.
// A "none" question must be declined (Decision None). A "clarify" question
// is too vague to answer: listing choices (Ambiguous) or declining both make
// the user say more, so anything but Confident counts.
func TestDevQuestions(t *testing.T) {
	t.Parallel()
	ix := shippedIndex(t)
	s := scoreDev(t, ix, loadDev(t), func(line string) { t.Log(line) })
	t.Logf("dev set: %v", s)
	if !devTarget4.met(s) {
		t.Logf("dev set below issue 4's target (hit@1 %.0f%%, hit@3 %.0f%%, declines %.0f%%)", devTarget4.hit1, devTarget4.hit3, devTarget4.declines)
	}
	if !devFloor.met(s) {
		t.Errorf("dev set below the floor (hit@1 %.0f%%, hit@3 %.0f%%, declines %.0f%%): %v", devFloor.hit1, devFloor.hit3, devFloor.declines, s)
	}
}

// checkFloor is what TestCheckQuestions holds: the figures of the last
// tuning less about two questions each, in percent.
var checkFloor = devTarget{hit1: 72, hit3: 88, declines: 80}

// TestCheckQuestions measures retrieval on testdata/check-questions.yaml,
// questions written without sight of the knowledge base (see its header). It
// reports the same figures as TestDevQuestions and fails below checkFloor, so
// a change tuned on the dev set that costs generality shows here.
func TestCheckQuestions(t *testing.T) {
	t.Parallel()
	ix := shippedIndex(t)
	s := scoreDev(t, ix, loadQuestions(t, "testdata/check-questions.yaml"), func(line string) { t.Log(line) })
	t.Logf("check set: %v", s)
	if !checkFloor.met(s) {
		t.Errorf("check set below the floor (hit@1 %.0f%%, hit@3 %.0f%%, declines %.0f%%): %v", checkFloor.hit1, checkFloor.hit3, checkFloor.declines, s)
	}
}

var ablation = flag.Bool("dev.ablation", false, "run TestDevAblation: the dev-set figures with each mechanism taken away")

// TestDevAblation prints the dev-set figures of the full index, then with one
// mechanism taken away at a time, and of a plain bleve cjk index; see
// docs/benchmarks.md. It changes package settings, so it never runs in
// parallel and restores them.
func TestDevAblation(t *testing.T) {
	if !*ablation {
		t.Skip("run with -dev.ablation")
	}
	qs := loadDev(t)
	check := loadQuestions(t, "testdata/check-questions.yaml")
	kb := shippedBase(t)
	run := func(name string, mode analysisMode, kb *knowledge.Base, tweak func(p *Params)) {
		t.Helper()
		par := DefaultParams()
		if tweak != nil {
			tweak(&par)
		}
		ix, err := build(kb, mode, par)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		t.Logf("%-40s dev:   %v", name, scoreDev(t, ix, qs, nil))
		t.Logf("%-40s check: %v", "", scoreDev(t, ix, check, nil))
	}

	run("all mechanisms", modeSegment, kb, nil)
	run("bigrams instead of segmentation", modeBigram, kb, nil)
	noSyn := *kb
	noSyn.Synonyms = nil
	run("without synonyms", modeSegment, &noSyn, nil)
	// The rules only: the sets (the stop words among them) stay.
	noIntents := *kb
	noIntents.Intents = &knowledge.Intents{Sets: kb.Intents.Sets}
	run("without the intents rules", modeSegment, &noIntents, nil)
	// The T→S table is shared by every index of the process, so this
	// changes package state: this test never runs in parallel.
	saved := t2sTable
	t2sTable = func() *convTable { return &convTable{} }
	run("without T→S", modeSegment, kb, nil)
	t2sTable = saved
	noStop := *kb
	in := *kb.Intents
	in.Sets = maps.Clone(in.Sets)
	delete(in.Sets, "stop")
	noStop.Intents = &in
	run("without boilerplate removal", modeSegment, &noStop, nil)
	run("without coverage in the ranking", modeSegment, kb, func(p *Params) { p.RankCoverage = 1e6 })
	run("without the review-process boost", modeSegment, kb, func(p *Params) { p.ProcessBoost = 1 })
	run("without mixing kinds in the top three", modeSegment, kb, func(p *Params) { p.DiverseTop = 1 << 30 })
	run("without the weaker bar for category asks", modeSegment, kb, func(p *Params) { p.AskedEvidence = p.MinEvidence })
	run("without the licence weight", modeSegment, kb, func(p *Params) {
		p.KindWeight = maps.Clone(p.KindWeight)
		p.KindWeight[knowledge.KindLicence] = 1
	})
	run("never declining", modeSegment, kb, func(p *Params) { p.NeedName, p.MinEvidence = false, 0 })
	run("declining on names only", modeSegment, kb, func(p *Params) { p.MinEvidence = 0 })
	run("declining on evidence only", modeSegment, kb, func(p *Params) { p.NeedName = false })

	// The plain cjk baseline has no decision: its top hits only.
	plain, err := buildPlainCJK(kb)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.bi.Close()
	ix := mustBuild(t, kb)
	hit1, hit3, n := 0, 0, 0
	for _, q := range qs {
		if q.ExpectTopic == "none" || q.ExpectTopic == "clarify" {
			continue
		}
		n++
		want, err := q.want()
		if err != nil {
			t.Fatal(err)
		}
		ids, err := plain.top(context.Background(), q.Q, 3)
		if err != nil {
			t.Fatal(err)
		}
		for i, id := range ids {
			if slices.ContainsFunc(want, func(w []string) bool { return matches(ix.cur.hits[id], w) }) {
				if i == 0 {
					hit1++
				}
				hit3++
				break
			}
		}
	}
	t.Logf("%-40s hit@1 %d/%d, hit@3 %d/%d (top hits, no decision)", "plain cjk index", hit1, n, hit3, n)
}
