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

	"github.com/qualbot/qualbot/bot"

	"github.com/eatmoreapple/openwechat"
)

// errQueueFull is returned by Reply when the send queue has no room; the
// reply is dropped rather than blocking the message loop.
var errQueueFull = errors.New("wechat: send queue full, reply dropped")

// An outgoing message waits in the send queue.
type outgoing struct {
	to   string // the session user name of the chat (changes with each login)
	text string
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

// sender sends queued messages one at a time, at most one per interval plus
// a random jitter: bursts get personal accounts restricted. A failed send is
// retried once, then logged and dropped.
type sender struct {
	interval, jitter time.Duration
	log              *slog.Logger
	sent             *bot.SeenIDs // ids of sent messages, so their echoes are ignored
	depth            func(int)    // told the queue's length when it changes; may be nil

	q    chan outgoing
	mu   sync.Mutex
	c    *conn
	next time.Time // earliest time of the next send
	wake chan struct{}
}

func newSender(size int, interval, jitter time.Duration, log *slog.Logger, sent *bot.SeenIDs) *sender {
	return &sender{
		interval: interval, jitter: jitter, log: log, sent: sent,
		q:    make(chan outgoing, size),
		wake: make(chan struct{}, 1),
	}
}

// use makes the sender send through c from now on.
func (s *sender) use(c *conn) {
	s.mu.Lock()
	s.c = c
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *sender) conn() *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c
}

// enqueue adds parts to the queue without blocking.
func (s *sender) enqueue(to string, parts []string) error {
	for _, p := range parts {
		select {
		case s.q <- outgoing{to: to, text: p}:
			s.queued()
		default:
			return errQueueFull
		}
	}
	return nil
}

// queued reports the queue's length to depth.
func (s *sender) queued() {
	if s.depth != nil {
		s.depth(len(s.q))
	}
}

// run sends until ctx is done. When drain is closed it returns as soon as
// the queue is empty.
func (s *sender) run(ctx context.Context, drain <-chan struct{}) {
	for {
		var o outgoing
		select {
		case <-ctx.Done():
			return
		case o = <-s.q:
		case <-drain:
			select {
			case o = <-s.q:
			default:
				return
			}
		}
		s.queued()
		s.send(ctx, o)
	}
}

func (s *sender) send(ctx context.Context, o outgoing) {
	for attempt := 1; ; attempt++ {
		if !s.waitTurn(ctx) {
			return
		}
		c := s.conn()
		id, err := c.sendText(ctx, o.to, o.text)
		s.mu.Lock()
		s.next = time.Now().Add(s.interval + s.randJitter())
		s.mu.Unlock()
		if err == nil {
			s.sent.Add(id)
			return
		}
		if ctx.Err() != nil {
			return
		}
		if attempt == 2 {
			s.log.Error("send failed twice, dropped", "to", o.to, "runes", utf8.RuneCountInString(o.text), "err", err)
			return
		}
		s.log.Warn("send failed, retrying once", "to", o.to, "err", err)
	}
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
			return true
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

// Reply implements bot.Replier. It queues the reply and returns at once; the
// polling goroutine never waits for WeChat.
func (r replier) Reply(_ context.Context, text string) error {
	parts := split(text, r.max)
	if r.echo != nil {
		for _, p := range parts {
			r.echo.add(p)
		}
	}
	if err := r.s.enqueue(r.to, parts); err != nil {
		return fmt.Errorf("reply to %s: %w", r.to, err)
	}
	return nil
}
