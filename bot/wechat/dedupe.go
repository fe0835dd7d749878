package wechat

import (
	"sync"
	"time"
)

// idSet is a bounded set of message ids: when full, the oldest id is
// forgotten. It is safe for concurrent use.
type idSet struct {
	mu   sync.Mutex
	ids  map[string]struct{}
	ring []string
	pos  int
}

func newIDSet(size int) *idSet {
	return &idSet{ids: make(map[string]struct{}, size), ring: make([]string, size)}
}

// add records id and reports whether it was new. The empty id is never new.
func (s *idSet) add(id string) bool {
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

func (s *idSet) has(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.ids[id]
	return ok
}

// textLog remembers texts the bot sent to the file helper for a while, so
// that their echoes are not taken for the owner's commands even when the echo
// arrives before the send returned its message id.
type textLog struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   int
	texts map[string]time.Time
}

func newTextLog(ttl time.Duration, max int) *textLog {
	return &textLog{ttl: ttl, max: max, texts: map[string]time.Time{}}
}

func (l *textLog) add(text string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if len(l.texts) >= l.max {
		for t, at := range l.texts {
			if now.Sub(at) > l.ttl || len(l.texts) >= l.max {
				delete(l.texts, t)
			}
		}
	}
	l.texts[text] = now
}

// has reports whether text was sent within the ttl.
func (l *textLog) has(text string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	at, ok := l.texts[text]
	return ok && time.Since(at) <= l.ttl
}
