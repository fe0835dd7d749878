package wechat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/eatmoreapple/openwechat"

	"github.com/qualbot/qualbot/bot"
)

// errQueueFull is returned by Reply when the send queue has no room; the
// reply is dropped rather than blocking the message loop.
var errQueueFull = errors.New("wechat: send queue full, reply dropped")

// A queued reply waits in the send queue: all the parts of one answer, sent
// in order, or none.
type queued struct {
	to    string // the session user name of the chat (changes with each login)
	parts []string
}

// conn is what the send queue needs of one logged-in session. Its fields are
// set during login and never change, so the send goroutine may use them
// while the polling goroutine runs.
type conn struct {
	caller *openwechat.Caller
	info   *openwechat.LoginInfo
	req    *openwechat.BaseRequest
	self   string // the account's session user name
}

func (c *conn) sendText(ctx context.Context, to, text string) (string, error) {
	msg := openwechat.NewTextSendMessage(text, c.self, to)
	sent, err := c.caller.WebWxSendMsg(fromSender(ctx), &openwechat.CallerWebWxSendMsgOptions{
		LoginInfo:   c.info,
		BaseRequest: c.req,
		Message:     msg,
	})
	if err != nil {
		return "", err
	}
	return sent.MsgId, nil
}

// sender sends queued replies one message at a time, at most one per
// interval plus a random jitter: bursts get personal accounts restricted.
//
// Each chat has its own line of replies, and the chats take turns, one
// reply each, so a busy group cannot make a quiet one wait behind it. A
// reply is queued whole or not at all, and its parts go out in order: a
// part that fails twice drops the parts after it, never the ones before.
type sender struct {
	interval, jitter time.Duration
	log              *slog.Logger
	sent             *bot.SeenIDs // ids of sent messages, so their echoes are ignored
	depth            func(int)    // told the number of waiting messages when it changes; may be nil
	size             int          // the most messages (parts) waiting

	mu      sync.Mutex
	c       *conn
	next    time.Time // earliest time of the next send
	chats   map[string][]queued
	turns   []string          // chats with waiting replies, in arrival order
	served  map[string]uint64 // when each waiting chat was last served
	seq     uint64
	n       int // messages (parts) waiting
	sending int // parts of the reply being sent, still to go
	wake    chan struct{}
}

func newSender(size int, interval, jitter time.Duration, log *slog.Logger, sent *bot.SeenIDs) *sender {
	return &sender{
		interval: interval, jitter: jitter, log: log, sent: sent, size: size,
		chats:  map[string][]queued{},
		served: map[string]uint64{},
		wake:   make(chan struct{}, 1),
	}
}

func (s *sender) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// use makes the sender send through c from now on.
func (s *sender) use(c *conn) {
	s.mu.Lock()
	s.c = c
	s.mu.Unlock()
	s.poke()
}

func (s *sender) conn() *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c
}

// enqueue queues the parts of one reply to chat to, all or none, without
// blocking.
func (s *sender) enqueue(to string, parts []string) error {
	if len(parts) == 0 {
		return nil
	}
	s.mu.Lock()
	if s.n+s.sending+len(parts) > s.size {
		s.mu.Unlock()
		return errQueueFull
	}
	if len(s.chats[to]) == 0 {
		s.turns = append(s.turns, to)
	}
	s.chats[to] = append(s.chats[to], queued{to: to, parts: parts})
	s.n += len(parts)
	n := s.n + s.sending
	s.mu.Unlock()
	s.report(n)
	s.poke()
	return nil
}

// Room returns how many more messages the queue takes.
func (s *sender) Room() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return max(0, s.size-s.n-s.sending)
}

// waiting returns the number of messages waiting or being sent.
func (s *sender) waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n + s.sending
}

// take removes the next reply: the first of the chat served longest ago,
// so a chat that just arrived goes before one that was just served.
func (s *sender) take() (queued, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.turns) == 0 {
		return queued{}, false
	}
	k := 0
	for i, c := range s.turns {
		if s.served[c] < s.served[s.turns[k]] {
			k = i
		}
	}
	chat := s.turns[k]
	q := s.chats[chat]
	r := q[0]
	if len(q) > 1 {
		s.chats[chat] = q[1:]
		s.seq++
		s.served[chat] = s.seq
	} else {
		s.turns = append(s.turns[:k], s.turns[k+1:]...)
		delete(s.chats, chat)
		delete(s.served, chat)
	}
	s.n -= len(r.parts)
	s.sending = len(r.parts)
	return r, true
}

// done records that n more parts of the reply being sent are finished
// (sent or dropped).
func (s *sender) done(n int) {
	s.mu.Lock()
	s.sending -= n
	total := s.n + s.sending
	s.mu.Unlock()
	s.report(total)
}

func (s *sender) report(n int) {
	if s.depth != nil {
		s.depth(n)
	}
}

// run sends until ctx is done. When drain is closed it returns as soon as
// the queue is empty.
func (s *sender) run(ctx context.Context, drain <-chan struct{}) {
	for {
		r, ok := s.take()
		if !ok {
			select {
			case <-ctx.Done():
				return
			case <-s.wake:
				continue
			case <-drain:
				if r, ok = s.take(); !ok {
					return
				}
			}
		}
		s.sendReply(ctx, r)
	}
}

// sendReply sends the parts of r in order. When one fails for good, the
// parts after it are dropped: the user never gets a reply's end without
// its beginning.
func (s *sender) sendReply(ctx context.Context, r queued) {
	for i, p := range r.parts {
		if !s.send(ctx, r.to, p) {
			s.done(len(r.parts) - i)
			if ctx.Err() == nil {
				s.log.Error("reply dropped: a part failed twice", "to", r.to, "part", i+1, "parts", len(r.parts))
			}
			return
		}
		s.done(1)
	}
}

// send sends one message, retrying once. It reports whether it was sent.
func (s *sender) send(ctx context.Context, to, text string) bool {
	for attempt := 1; ; attempt++ {
		if !s.waitTurn(ctx) {
			return false
		}
		c := s.conn()
		id, err := c.sendText(ctx, to, text)
		wait := s.interval + s.randJitter()
		var ret openwechat.Ret
		if errors.As(err, &ret) && ret == 1205 {
			// "Operate too often": slow down before WeChat restricts the account.
			wait = max(wait, 10*s.interval)
		}
		s.mu.Lock()
		s.next = time.Now().Add(wait)
		s.mu.Unlock()
		if err == nil {
			s.sent.Add(id)
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if attempt == 2 {
			s.log.Error("send failed twice", "to", to, "runes", utf8.RuneCountInString(text), "err", err)
			return false
		}
		s.log.Warn("send failed, retrying once", "to", to, "err", err)
	}
}

// slowDown makes the next send wait at least d: WeChat said the account
// operates too often.
func (s *sender) slowDown(d time.Duration) {
	s.mu.Lock()
	if t := time.Now().Add(d); t.After(s.next) {
		s.next = t
	}
	s.mu.Unlock()
}

// waitTurn waits for a connection and for the rate limit. It reports false
// when ctx ended first.
func (s *sender) waitTurn(ctx context.Context) bool {
	for {
		s.mu.Lock()
		c, next := s.c, s.next
		s.mu.Unlock()
		if c == nil {
			select {
			case <-ctx.Done():
				return false
			case <-s.wake:
				continue
			}
		}
		d := time.Until(next)
		if d <= 0 {
			return true
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-t.C:
			// next may have moved meanwhile (slowDown): look again.
		}
	}
}

func (s *sender) randJitter() time.Duration {
	if s.jitter <= 0 {
		return 0
	}
	return rand.N(s.jitter)
}

// split cuts text into parts of at most max runes, preferring paragraph
// breaks, then line breaks, then any rune boundary.
func split(text string, max int) []string {
	text = strings.TrimSpace(text)
	if max <= 0 || utf8.RuneCountInString(text) <= max {
		return []string{text}
	}
	var parts []string
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			parts = append(parts, s)
		}
		cur.Reset()
	}
	add := func(piece, sep string) {
		if cur.Len() > 0 && utf8.RuneCountInString(cur.String())+utf8.RuneCountInString(sep+piece) > max {
			flush()
		}
		if cur.Len() > 0 {
			cur.WriteString(sep)
		}
		cur.WriteString(piece)
	}
	for _, para := range strings.Split(text, "\n\n") {
		if utf8.RuneCountInString(para) <= max {
			add(para, "\n\n")
			continue
		}
		flush()
		for _, line := range strings.Split(para, "\n") {
			if utf8.RuneCountInString(line) <= max {
				add(line, "\n")
				continue
			}
			r := []rune(line)
			for len(r) > 0 {
				n := min(max, len(r))
				add(string(r[:n]), "")
				r = r[n:]
			}
		}
		flush()
	}
	flush()
	return parts
}

// replier sends a reply to one chat through the send queue.
type replier struct {
	s    *sender
	to   string
	max  int
	echo *textLog // non-nil for the file helper: remember texts to ignore their echoes
}

var _ bot.PartsReplier = replier{}

// Reply implements bot.Replier: one reply, split when it is too long.
func (r replier) Reply(ctx context.Context, text string) error {
	return r.ReplyParts(ctx, []string{text})
}

// ReplyParts implements bot.PartsReplier. It queues the parts as one unit
// and returns at once; the polling goroutine never waits for WeChat.
func (r replier) ReplyParts(_ context.Context, texts []string) error {
	var parts []string
	for _, t := range texts {
		parts = append(parts, split(t, r.max)...)
	}
	if err := r.s.enqueue(r.to, parts); err != nil {
		return fmt.Errorf("reply to %s: %w", r.to, err)
	}
	if r.echo != nil {
		for _, p := range parts {
			r.echo.add(p)
		}
	}
	return nil
}
