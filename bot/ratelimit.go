package bot

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// A Bucket is a token bucket: Every is the time to earn one token back, and
// Burst the tokens it holds when full. A zero Every means no limit.
type Bucket struct {
	Every time.Duration
	Burst int
}

func (b Bucket) limiter() *rate.Limiter {
	return rate.NewLimiter(rate.Every(b.Every), max(b.Burst, 1))
}

// maxTimeJitter is how far message times may go back and still be taken as
// out of order rather than as a clock that was set back.
const maxTimeJitter = 5 * time.Minute

// DefaultMaxKeys bounds how many senders and chats RateLimit tracks.
const DefaultMaxKeys = 10000

// DefaultReplyParts is how many messages RateLimit expects an answer to
// take when it asks the channel for room.
const DefaultReplyParts = 3

// RateLimit is the flood protection: a token bucket per sender, one per
// chat, and a global budget for everything the bot sends, counted in
// messages (an answer sent in three parts takes three tokens, a notice
// one). A message that finds any of them empty, or a channel without room
// for an answer, is dropped. The first drop of a flood gets one fixed
// "稍后再试" notice; the following ones get nothing until the flood is
// over, that is until the bucket it emptied is full again. The bot's owner
// is never limited.
type RateLimit struct {
	Sender Bucket
	Chat   Bucket
	// Global is the budget of messages sent; set it from what the channel
	// can send (a send rate), so that the bot never takes more questions
	// than it can answer.
	Global Bucket
	// Room, when set, returns how many more messages the channel takes now
	// (the free places of a send queue). A question is taken only when an
	// answer of ReplyParts messages and a notice fit, and a notice only when
	// it fits.
	Room func() int
	// ReplyParts is the room an answer needs; 0 means DefaultReplyParts.
	ReplyParts int
	// MaxKeys bounds the senders and chats tracked; 0 means DefaultMaxKeys.
	MaxKeys int

	once    sync.Once
	mu      sync.Mutex
	senders map[string]*entry
	chats   map[string]*entry
	global  *rate.Limiter
	// globalNoticed is set while a global flood has been told once.
	globalNoticed bool
	// latest is the latest message time seen; time never goes back.
	latest time.Time
}

type entry struct {
	lim      *rate.Limiter
	noticed  bool
	lastSeen time.Time
}

func (rl *RateLimit) init() {
	rl.senders = make(map[string]*entry)
	rl.chats = make(map[string]*entry)
	if rl.Global.Every > 0 {
		rl.global = rl.Global.limiter()
	}
}

// Middleware returns the limits as a Middleware.
func (rl *RateLimit) Middleware(next HandlerFunc) HandlerFunc {
	rl.once.Do(rl.init)
	return func(ctx context.Context, r Replier, m Message) error {
		if m.Owner {
			return next(ctx, r, m)
		}
		pass, notice := rl.admit(m)
		if pass {
			pc := &countingReplier{r: r}
			err := next(ctx, pc, m)
			// The admission took one token; the other parts take theirs now.
			rl.spend(m.Time, pc.count()-1)
			return err
		}
		noteOutcome(ctx, OutcomeRateLimited)
		if notice && rl.noticeFits(m.Time) {
			return r.Reply(ctx, replyRateLimited)
		}
		return nil
	}
}

// spend takes n more tokens from the global budget, going into debt: the
// messages are already sent, and the next questions wait for them.
func (rl *RateLimit) spend(mt time.Time, n int) {
	if n <= 0 || rl.global == nil {
		return
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.global.ReserveN(rl.at(mt), n)
}

// noticeFits reports whether a notice may be sent: the channel has room for
// it. Its message is counted in the global budget, in debt if need be (a
// flood gets one notice, so the debt is bounded by the floods).
func (rl *RateLimit) noticeFits(mt time.Time) bool {
	if !rl.roomFor(1) {
		return false
	}
	rl.spend(mt, 1)
	return true
}

// at returns the time a message stamped mt counts at: never before the
// latest seen (see admit). The caller holds rl.mu.
func (rl *RateLimit) at(mt time.Time) time.Time {
	t := now(mt)
	if t.Before(rl.latest) {
		return rl.latest
	}
	return t
}

// admit takes one token from every bucket m passes through, or none. It
// reports whether m may go on and, if not, whether to send the notice.
func (rl *RateLimit) admit(m Message) (pass, notice bool) {
	t := now(m.Time)
	sender := m.Sender
	if sender == "" {
		sender = m.Chat
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	// Message times are not in order (WeChat stamps them in whole seconds,
	// and a sync brings several chats at once). A token bucket that is
	// asked about an earlier time and then a later one earns the tokens in
	// between twice, so a flood with jumbled times would never run dry.
	// A time far behind the latest is a clock that was set back, or a
	// latest time that was wrong: follow it, so that one stray stamp from
	// the future cannot stop the buckets from refilling.
	if t.Before(rl.latest) && rl.latest.Sub(t) < maxTimeJitter {
		t = rl.latest
	}
	rl.latest = t
	s := rl.get(rl.senders, rl.Sender, m.Chat+"\x00"+sender, t)
	c := rl.get(rl.chats, rl.Chat, m.Chat, t)
	// A flood is over when the bucket it emptied is full again; until
	// then its drops get no further notice, even when a message passes
	// now and then as tokens trickle back.
	for _, e := range []*entry{s, c} {
		if e != nil && e.noticed && e.lim.TokensAt(t) >= float64(e.lim.Burst()) {
			e.noticed = false
		}
	}
	// One place more than an answer takes: the flood's notice must fit.
	need := cmpOr(rl.ReplyParts, DefaultReplyParts) + 1
	if rl.globalNoticed && (rl.global == nil || rl.global.TokensAt(t) >= float64(rl.global.Burst())) && rl.roomFor(need) {
		rl.globalNoticed = false
	}
	var rs []*rate.Reservation
	ok := rl.roomFor(need)
	for _, lim := range []*rate.Limiter{limOf(s), limOf(c), rl.global} {
		if lim == nil || !ok {
			continue
		}
		res := lim.ReserveN(t, 1)
		rs = append(rs, res)
		if !res.OK() || res.DelayFrom(t) > 0 {
			ok = false
			break
		}
	}
	if ok {
		return true, false
	}
	for _, res := range rs {
		res.CancelAt(t)
	}
	// One notice per flood: the sender's own flood, or the chat's, or the
	// global one, whichever came first.
	switch {
	case s != nil && s.noticed, c != nil && c.noticed:
		return false, false
	case rl.global != nil && rl.global.TokensAt(t) < 1, !rl.roomFor(need):
		if rl.globalNoticed {
			return false, false
		}
		rl.globalNoticed = true
	}
	if s != nil {
		s.noticed = true
	}
	if c != nil {
		c.noticed = true
	}
	return false, true
}

// roomFor reports whether the channel takes n more messages now.
func (rl *RateLimit) roomFor(n int) bool {
	return rl.Room == nil || rl.Room() >= n
}

func limOf(e *entry) *rate.Limiter {
	if e == nil {
		return nil
	}
	return e.lim
}

// get returns the bucket for key, creating it, and forgetting idle full
// buckets when the map is at its bound: a full bucket is the same as a new one.
func (rl *RateLimit) get(m map[string]*entry, b Bucket, key string, t time.Time) *entry {
	if b.Every <= 0 {
		return nil
	}
	e, ok := m[key]
	if !ok {
		if len(m) >= cmpOr(rl.MaxKeys, DefaultMaxKeys) {
			prune(m, b, t)
		}
		e = &entry{lim: b.limiter()}
		m[key] = e
	}
	e.lastSeen = t
	return e
}

// prune drops the buckets that are full again, or the least recently seen
// one if none is.
func prune(m map[string]*entry, b Bucket, t time.Time) {
	var oldest string
	var oldestAt time.Time
	pruned := false
	for k, e := range m {
		if e.lim.TokensAt(t) >= float64(max(b.Burst, 1)) {
			delete(m, k)
			pruned = true
			continue
		}
		if oldest == "" || e.lastSeen.Before(oldestAt) {
			oldest, oldestAt = k, e.lastSeen
		}
	}
	if !pruned && oldest != "" {
		delete(m, oldest)
	}
}

func cmpOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// Tracked returns how many senders and chats the limiter holds state for.
func (rl *RateLimit) Tracked() int {
	rl.once.Do(rl.init)
	rl.mu.Lock()
	defer rl.mu.Unlock()
	return len(rl.senders) + len(rl.chats)
}
