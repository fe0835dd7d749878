package kf

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/qualbot/qualbot/bot"
)

// Errors of a reply that cannot go out whole.
var (
	ErrQuota  = errors.New("kf: reply needs more messages than the quota left for this user message")
	ErrWindow = errors.New("kf: the reply window of this user message has closed")
)

// quota is what the bot may still send about one user's last message.
type quota struct {
	left  int
	until time.Time
}

// quotas tracks the per-user send quota: every user message allows max
// messages within window of it, and a new user message starts over.
type quotas struct {
	max    int
	window time.Duration
	mu     sync.Mutex
	users  map[string]*quota
}

func newQuotas(max int, window time.Duration) *quotas {
	return &quotas{max: max, window: window, users: map[string]*quota{}}
}

// reset starts a new quota for user, who wrote at sent.
func (qs *quotas) reset(user string, sent time.Time) *quota {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	q := &quota{left: qs.max, until: sent.Add(qs.window)}
	qs.users[user] = q
	for u, old := range qs.users {
		if old.until.Before(sent) {
			delete(qs.users, u)
		}
	}
	return q
}

// take reserves n messages of q at now, all or none.
func (qs *quotas) take(q *quota, n int, now time.Time) error {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	if now.After(q.until) {
		return ErrWindow
	}
	if n > q.left {
		return fmt.Errorf("%w (%d needed, %d left)", ErrQuota, n, q.left)
	}
	q.left -= n
	return nil
}

// replier answers one user message through kf/send_msg.
type replier struct {
	t    *Transport
	user string
	q    *quota
}

var _ bot.PartsReplier = (*replier)(nil)

// Reply implements bot.Replier.
func (r *replier) Reply(ctx context.Context, text string) error {
	return r.ReplyParts(ctx, []string{text})
}

// ReplyParts implements bot.PartsReplier: the parts are packed into as few
// messages as the size limit allows, and sent only if the quota of the
// user's message has room for all of them.
func (r *replier) ReplyParts(ctx context.Context, parts []string) error {
	msgs := pack(parts, r.t.cfg.MaxReplyBytes)
	if len(msgs) == 0 {
		return nil
	}
	if err := r.t.quotas.take(r.q, len(msgs), r.t.cfg.Now()); err != nil {
		return err
	}
	for _, m := range msgs {
		if _, err := r.t.api.sendText(ctx, r.t.cfg.OpenKfID, r.user, m); err != nil {
			return err
		}
	}
	return nil
}

// pack joins consecutive parts (with a blank line) into messages of at most
// max bytes; a part longer than max is cut at line breaks, else at rune
// boundaries.
func pack(parts []string, max int) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	add := func(piece, sep string) {
		if cur.Len() > 0 && cur.Len()+len(sep)+len(piece) > max {
			flush()
		}
		if cur.Len() > 0 {
			cur.WriteString(sep)
		}
		cur.WriteString(piece)
	}
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if len(p) <= max {
			add(p, "\n\n")
			continue
		}
		flush()
		for _, line := range strings.Split(p, "\n") {
			for len(line) > max {
				n := max
				for n > 0 && !utf8.RuneStart(line[n]) {
					n--
				}
				add(line[:n], "\n")
				flush()
				line = line[n:]
			}
			add(line, "\n")
		}
		flush()
	}
	flush()
	return out
}
