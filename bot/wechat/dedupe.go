package wechat

import (
	"sync"
	"time"
)

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
