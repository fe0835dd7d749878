package bot

import "sync"

// SeenIDs is a bounded set of message ids, for transports that must not
// answer a message twice (a redelivered event, a replayed callback): when
// full, the oldest id is forgotten. It is safe for concurrent use.
type SeenIDs struct {
	mu   sync.Mutex
	ids  map[string]struct{}
	ring []string
	pos  int
}

// NewSeenIDs returns a set that remembers the last size ids.
func NewSeenIDs(size int) *SeenIDs {
	return &SeenIDs{ids: make(map[string]struct{}, size), ring: make([]string, size)}
}

// Add records id and reports whether it was new. The empty id is never
// recorded and never new: a caller that accepts messages without an id
// checks for it first.
func (s *SeenIDs) Add(id string) bool {
	if id == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.ids[id]; ok {
		return false
	}
	if old := s.ring[s.pos]; old != "" {
		delete(s.ids, old)
	}
	s.ring[s.pos] = id
	s.pos = (s.pos + 1) % len(s.ring)
	s.ids[id] = struct{}{}
	return true
}

// Has reports whether id is in the set.
func (s *SeenIDs) Has(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.ids[id]
	return ok
}
