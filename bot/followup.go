package bot

import (
	"sync"
	"time"

	"github.com/qualbot/qualbot/knowledge"
)

// Defaults for [FollowUps].
const (
	DefaultFollowUpTTL  = 5 * time.Minute
	DefaultFollowUpKeep = 1000
)

// Pending is what a sender may ask for next: a hit from the list they were
// shown, by number, or the details of the last answer, by 「详情」.
type Pending struct {
	Hits []knowledge.Hit
	// Details are the rest of the last answer; empty when there is none.
	Details     string
	Traditional bool
	at          time.Time
}

// FollowUps remembers, per chat and sender, the last list of choices, for
// TTL. It holds at most Max lists; when full it forgets the oldest. The zero
// value is not usable: use [NewFollowUps].
type FollowUps struct {
	ttl time.Duration
	max int

	mu sync.Mutex
	m  map[string]Pending
	// order holds the keys in the order they were put, so that the oldest
	// is found without reading every list; an entry whose list was put
	// again, deleted or expired since is skipped (see evict).
	order []putAt
}

type putAt struct {
	key string
	at  time.Time
}

// NewFollowUps returns a store that keeps lists for ttl and at most max of
// them; zero values mean the defaults.
func NewFollowUps(ttl time.Duration, max int) *FollowUps {
	if ttl <= 0 {
		ttl = DefaultFollowUpTTL
	}
	if max <= 0 {
		max = DefaultFollowUpKeep
	}
	return &FollowUps{ttl: ttl, max: max, m: make(map[string]Pending)}
}

// Put remembers p for key as of time t (the message time; zero means now).
func (f *FollowUps) Put(key string, p Pending, t time.Time) {
	t = now(t)
	p.at = t
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.m[key]; !ok && len(f.m) >= f.max {
		f.evict()
	}
	f.m[key] = p
	f.order = append(f.order, putAt{key, t})
	// The same keys put again and again would grow order without end.
	if len(f.order) > 2*f.max+16 {
		live := f.order[:0]
		for _, q := range f.order {
			if f.current(q) {
				live = append(live, q)
			}
		}
		clear(f.order[len(live):])
		f.order = live
	}
}

// current reports whether q is the put of the list key holds. f.mu is held.
func (f *FollowUps) current(q putAt) bool {
	p, ok := f.m[q.key]
	return ok && p.at.Equal(q.at)
}

// Get returns the list remembered for key if it has not expired at time t.
func (f *FollowUps) Get(key string, t time.Time) (Pending, bool) {
	t = now(t)
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.m[key]
	if !ok {
		return Pending{}, false
	}
	if t.Sub(p.at) > f.ttl {
		delete(f.m, key)
		return Pending{}, false
	}
	return p, true
}

// Delete forgets key's list: the sender moved on to another question.
func (f *FollowUps) Delete(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.m, key)
}

// Len returns how many lists are held.
func (f *FollowUps) Len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.m)
}

// evict drops the list put longest ago (an expired one, when any has
// expired). f.mu is held.
func (f *FollowUps) evict() {
	for i, q := range f.order {
		if f.current(q) {
			delete(f.m, q.key)
			f.order = f.order[i+1:]
			return
		}
	}
	f.order = f.order[:0]
}
