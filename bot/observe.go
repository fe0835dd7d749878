package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/qualbot/qualbot/knowledge"
)

// An Outcome says what the bot did with one message. It is the "decision"
// in logs and metrics.
type Outcome string

// The outcomes, one per handled message.
const (
	// OutcomeAnswered: one answer or a requirement check was sent.
	OutcomeAnswered Outcome = "answered"
	// OutcomeClarify: a numbered list of close hits was sent to pick from.
	OutcomeClarify Outcome = "clarify"
	// OutcomeDeclined: nothing confident was found; the fixed decline was sent.
	OutcomeDeclined Outcome = "declined"
	// OutcomeHelp: the help text was sent.
	OutcomeHelp Outcome = "help"
	// OutcomeRateLimited: a rate limit dropped the message (at most one
	// "稍后再试" notice per flood was sent).
	OutcomeRateLimited Outcome = "rate-limited"
	// OutcomeIgnored: the trigger rules dropped the message (a group message
	// not addressed to the bot, the bot's own message, a non-text message).
	OutcomeIgnored Outcome = "ignored"
	// OutcomeAdmin: an admin command ran.
	OutcomeAdmin Outcome = "admin"
	// OutcomeRefused: an admin command from someone who may not use it.
	OutcomeRefused Outcome = "refused"
	// OutcomeError: handling failed; the user got the fixed apology.
	OutcomeError Outcome = "error"
)

// Outcomes lists every Outcome, for metrics that want all series present.
var Outcomes = []Outcome{OutcomeAnswered, OutcomeClarify, OutcomeDeclined, OutcomeHelp,
	OutcomeRateLimited, OutcomeIgnored, OutcomeAdmin, OutcomeRefused, OutcomeError}

// The triggers that make the bot answer a message.
const (
	TriggerDirect  = "direct"  // a direct message
	TriggerMention = "mention" // a group message that @-mentions the bot
	TriggerPrefix  = "prefix"  // a group message that starts with the prefix
	TriggerNumber  = "number"  // a bare number or 「详情」 in a group from the person whose list or answer is live
)

// An Event describes how the bot handled one message, for the operator's
// logs and metrics. The middleware of the chain fill it in as the message
// passes; [Observe] hands it to the observers when the chain returns.
type Event struct {
	// Message is the message as the transport handed it over.
	Message Message
	// Trigger is TriggerDirect, TriggerMention, TriggerPrefix or TriggerNumber; "" when
	// the trigger rules dropped the message.
	Trigger string
	// Outcome is what the bot did.
	Outcome Outcome
	// Hits are what the search matched, best first; empty when there was no search.
	Hits []knowledge.Hit
	// Replies is how many reply parts were sent.
	Replies int
	// Latency is the time from receiving the message to the chain's return,
	// sends included.
	Latency time.Duration
	// Err is the error that was handled (OutcomeError) or returned.
	Err error
}

// ChatKind is "group" or "direct".
func (e *Event) ChatKind() string {
	if e.Message.InGroup {
		return "group"
	}
	return "direct"
}

// IDs returns the ids of the hits, best first.
func (e *Event) IDs() []string {
	ids := make([]string, 0, len(e.Hits))
	for _, h := range e.Hits {
		ids = append(ids, h.ID())
	}
	return ids
}

// Score is the top hit's score, or 0.
func (e *Event) Score() float64 {
	if len(e.Hits) == 0 {
		return 0
	}
	return e.Hits[0].Score
}

// An Observer is told about every message the chain handled, once, after it
// was handled. Observe must not block for long: it runs on the handler's
// goroutine.
type Observer interface {
	Observe(ctx context.Context, e *Event)
}

// ObserverFunc adapts a function to an Observer.
type ObserverFunc func(ctx context.Context, e *Event)

// Observe calls f.
func (f ObserverFunc) Observe(ctx context.Context, e *Event) { f(ctx, e) }

// Observe returns a Middleware that records an Event for each message and
// hands it to every observer when the rest of the chain returns. Put it
// first in the chain so the latency covers everything and a panic below it
// is already turned into an error by [ReplyOnError].
func Observe(obs ...Observer) Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(ctx context.Context, r Replier, m Message) error {
			e := &Event{Message: m}
			start := time.Now()
			cr := &countingReplier{r: r}
			err := next(context.WithValue(ctx, eventKey{}, e), cr, m)
			e.Latency = time.Since(start)
			e.Replies = cr.count()
			if err != nil {
				e.Err = err
				e.Outcome = OutcomeError
			}
			if e.Outcome == "" {
				e.Outcome = OutcomeIgnored
			}
			for _, o := range obs {
				o.Observe(ctx, e)
			}
			return err
		}
	}
}

type eventKey struct{}

// event returns the Event being recorded for the message ctx belongs to, or nil.
func event(ctx context.Context) *Event {
	e, _ := ctx.Value(eventKey{}).(*Event)
	return e
}

// noteOutcome records what was done with the message, when it is observed.
func noteOutcome(ctx context.Context, o Outcome) {
	if e := event(ctx); e != nil {
		e.Outcome = o
	}
}

// noteTrigger records why the bot took up m, when it is observed.
func noteTrigger(ctx context.Context, m Message, trigger string) {
	if e := event(ctx); e != nil {
		e.Trigger = trigger
	}
}

// noteReply records the kind of reply the answerer sent and the hits behind it.
func noteReply(ctx context.Context, k ReplyKind, hits []knowledge.Hit) {
	e := event(ctx)
	if e == nil {
		return
	}
	e.Hits = hits
	if o := k.Outcome(); o != "" {
		e.Outcome = o
	}
}

// Outcome is the decision a reply of kind k is logged and counted as.
func (k ReplyKind) Outcome() Outcome {
	switch k {
	case KindAnswer, KindCheck, KindDetails:
		return OutcomeAnswered
	case KindChoices, KindClarify:
		return OutcomeClarify
	case KindDecline:
		return OutcomeDeclined
	case KindHelp, KindThanks:
		return OutcomeHelp
	}
	return ""
}

// noteError records an error that ReplyOnError handled. It reports whether
// the message is observed, in which case the observers log the error.
func noteError(ctx context.Context, err error) bool {
	e := event(ctx)
	if e == nil {
		return false
	}
	e.Err = err
	e.Outcome = OutcomeError
	return true
}

// countingReplier counts the reply parts sent through it: for the event
// log, and for the rate limit, which spends one token per message sent.
type countingReplier struct {
	r  Replier
	mu sync.Mutex
	n  int
}

func (c *countingReplier) Reply(ctx context.Context, text string) error {
	err := c.r.Reply(ctx, text)
	if err == nil {
		c.add(1)
	}
	return err
}

// ReplyParts keeps a transport's PartsReplier visible through the counter.
func (c *countingReplier) ReplyParts(ctx context.Context, parts []string) error {
	err := Send(ctx, c.r, parts)
	if err == nil {
		c.add(len(parts))
	}
	return err
}

func (c *countingReplier) add(n int) {
	c.mu.Lock()
	c.n += n
	c.mu.Unlock()
}

func (c *countingReplier) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// redact returns err with the texts cut out of its message: an error may
// quote what a user wrote, which stays out of the logs without --log-text.
func redact(err error, texts ...string) error {
	msg := err.Error()
	cut := false
	for _, t := range texts {
		for _, s := range []string{t, strings.TrimSpace(t), fmt.Sprintf("%q", t)} {
			if len(s) >= 2 && strings.Contains(msg, s) {
				msg, cut = strings.ReplaceAll(msg, s, "[text]"), true
			}
		}
	}
	if !cut {
		return err
	}
	return errors.New(msg)
}

// LogEvents returns an Observer that writes one log line per message: the
// chat kind, the trigger, the decision, the ids matched, the top score,
// the replies sent and the latency. Errors are logged at level Error with
// the error; ignored messages at Debug, since most group chatter is
// ignored; everything else at Info. The message text, the sender's and the
// group's names appear only when withText is set.
func LogEvents(log *slog.Logger, withText bool) Observer {
	return ObserverFunc(func(ctx context.Context, e *Event) {
		level := slog.LevelInfo
		switch {
		case e.Err != nil:
			level = slog.LevelError
		case e.Outcome == OutcomeIgnored:
			level = slog.LevelDebug
		}
		if !log.Enabled(ctx, level) {
			return
		}
		attrs := []slog.Attr{
			slog.String("chat", e.ChatKind()),
			slog.String("trigger", e.Trigger),
			slog.String("decision", string(e.Outcome)),
			slog.Any("ids", e.IDs()),
			slog.Float64("score", math.Round(e.Score()*1e4)/1e4),
			slog.Int("replies", e.Replies),
			slog.Float64("latency_ms", math.Round(float64(e.Latency.Microseconds()))/1e3),
			slog.String("msg_id", e.Message.ID),
		}
		if withText {
			attrs = append(attrs,
				slog.String("text", e.Message.Text),
				slog.String("sender", e.Message.SenderName),
				slog.String("group", e.Message.ChatName))
		}
		if e.Err != nil {
			err := e.Err
			if !withText {
				err = redact(err, e.Message.Text)
			}
			attrs = append(attrs, slog.Any("err", err))
		}
		log.LogAttrs(ctx, level, "message", attrs...)
	})
}
