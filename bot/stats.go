package bot

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"
)

// maxUnansweredKinds bounds how many distinct unanswered questions Stats counts.
const maxUnansweredKinds = 500

// Stats counts what the bot did since it started, for /stats. A nil *Stats
// counts nothing. Use [NewStats].
type Stats struct {
	Started time.Time

	mu         sync.Mutex
	nAnswered  int
	nDeclined  int
	unanswered map[string]int
}

// NewStats returns counters starting at started.
func NewStats(started time.Time) *Stats {
	return &Stats{Started: started, unanswered: make(map[string]int)}
}

// A Count is a question and how often it was asked.
type Count struct {
	Question string
	N        int
}

// Snapshot returns the counters and the top unanswered questions, most
// asked first.
func (s *Stats) Snapshot(top int) (answered, declined int, unanswered []Count) {
	if s == nil {
		return 0, 0, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for q, n := range s.unanswered {
		unanswered = append(unanswered, Count{q, n})
	}
	slices.SortFunc(unanswered, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.N, a.N), strings.Compare(a.Question, b.Question))
	})
	if len(unanswered) > top {
		unanswered = unanswered[:top]
	}
	return s.nAnswered, s.nDeclined, unanswered
}

func (s *Stats) answered() {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.nAnswered++
	s.mu.Unlock()
}

func (s *Stats) declined(q string) {
	if s == nil {
		return
	}
	// A bounded prefix: 500 distinct questions of a megabyte each would
	// otherwise hold half a gigabyte.
	q = clip(strings.TrimSpace(q), MaxQuestionRunes)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nDeclined++
	if _, ok := s.unanswered[q]; ok || len(s.unanswered) < maxUnansweredKinds {
		s.unanswered[q]++
	}
}
