package httpapi

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/qualbot/qualbot/bot"
)

// maxClients bounds how many client addresses the limiter remembers.
const maxClients = 10000

// clientLimits is a token bucket per client address.
type clientLimits struct {
	b  bot.Bucket
	mu sync.Mutex
	m  map[string]*rate.Limiter
}

func newClientLimits(b bot.Bucket) *clientLimits {
	return &clientLimits{b: b, m: make(map[string]*rate.Limiter)}
}

// admit takes a token from key's bucket; when there is none it reports how
// long until there is.
func (l *clientLimits) admit(key string, t time.Time) (time.Duration, bool) {
	if l == nil || l.b.Every <= 0 {
		return 0, true
	}
	burst := max(l.b.Burst, 1)
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.m[key]
	if !ok {
		if len(l.m) >= maxClients {
			// A full bucket is the same as a new one: forget those.
			for k, v := range l.m {
				if v.TokensAt(t) >= float64(burst) {
					delete(l.m, k)
				}
			}
			if len(l.m) >= maxClients {
				clear(l.m)
			}
		}
		lim = rate.NewLimiter(rate.Every(l.b.Every), burst)
		l.m[key] = lim
	}
	r := lim.ReserveN(t, 1)
	if d := r.DelayFrom(t); d > 0 {
		r.CancelAt(t)
		return d, false
	}
	return 0, true
}
