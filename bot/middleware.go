package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ReplyOnError handles an error or a panic from next exactly once: it logs
// the details for the operator and sends the user a fixed apology. The
// message text goes to the log only when logText is set. It returns the
// apology's own send error, if any, and nil otherwise.
func ReplyOnError(log *slog.Logger, logText bool) Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(ctx context.Context, r Replier, m Message) (err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
				}
				if err == nil {
					return
				}
				// An observed message gets its one log line, with the
				// error, from the observers.
				if !noteError(ctx, err) {
					attrs := []any{"chat", m.Chat, "group", m.InGroup, "msg", m.ID, "err", redact(err, m.Text)}
					if logText {
						attrs = append(attrs[:len(attrs)-1], err, "text", m.Text)
					}
					log.ErrorContext(ctx, "handle message", attrs...)
				}
				if ctx.Err() != nil {
					// Shutting down: the work was cut short, not broken,
					// and an apology now would be one per queued message.
					err = nil
					return
				}
				if serr := r.Reply(ctx, replyInternal); serr != nil {
					err = fmt.Errorf("bot: send apology: %w", serr)
					return
				}
				err = nil
			}()
			return next(ctx, r, m)
		}
	}
}

// Triggers decides which messages the bot answers at all. It drops the
// bot's own messages, non-text messages, and group messages that are not
// addressed to it, and groups not in Groups when Groups is set. Direct
// messages are always answered.
//
// A group message is addressed to the bot when it @-mentions one of the
// bot's names exactly (see [StripMention]), when the transport says it was
// mentioned, when it starts with Prefix followed by a separator ("资质 …",
// "资质：…") or as a command ("/资质 …"), or when it is a bare number or
// 「详情」 from someone whose list or answer in this chat is still live. The mention or
// the prefix is stripped; after a mention the text is kept as it is, so
// "@bot 资质审核被驳回怎么办" asks about 资质审核.
type Triggers struct {
	// Prefix starts a group question without an @-mention, e.g. "资质".
	Prefix string
	// Names are the bot's names that follow "@" in a mention: its nickname
	// and its display names in groups. Message.BotNames adds to them.
	Names []string
	// Groups is the allow-list of group names; empty means every group.
	Groups []string
	// FollowUps, when set, lets a bare number or 「详情」 in a group through
	// from a sender whose list or answer is live (Bot.Handler sets it to the
	// Answerer's).
	FollowUps *FollowUps
}

// Middleware returns the trigger rules as a Middleware.
func (t Triggers) Middleware(next HandlerFunc) HandlerFunc {
	return func(ctx context.Context, r Replier, m Message) error {
		text, trigger := t.accept(m)
		if trigger == "" {
			return nil
		}
		m.Text = text
		if trigger == TriggerMention {
			m.Mentioned = true
		}
		noteTrigger(ctx, m, trigger)
		return next(ctx, r, m)
	}
}

// accept returns the text to answer and why m is answered (a Trigger*
// value), or "" when it is not.
func (t Triggers) accept(m Message) (text, trigger string) {
	if m.FromSelf || m.NotText {
		return "", ""
	}
	text, trigger = strings.TrimSpace(m.Text), TriggerDirect
	if m.InGroup {
		if len(t.Groups) > 0 && !slices.Contains(t.Groups, m.ChatName) {
			return "", ""
		}
		rest, mentioned := StripMention(text, append(slices.Clone(t.Names), m.BotNames...))
		switch {
		case mentioned:
			text, trigger = rest, TriggerMention
		case m.Mentioned:
			text, trigger = stripLeadingMention(text), TriggerMention
		default:
			if q, ok := t.prefixed(text); ok {
				text, trigger = q, TriggerPrefix
				break
			}
			if t.FollowUps != nil {
				p, live := t.FollowUps.Get(followKey(m), m.Time)
				if _, ok := choiceNumber(text); ok && live && len(p.Hits) > 0 {
					trigger = TriggerNumber
					break
				}
				if isDetails(text) && live && p.Details != "" {
					trigger = TriggerNumber
					break
				}
			}
			return "", ""
		}
	}
	if text == "" {
		return "", ""
	}
	return text, trigger
}

// prefixed returns the question after the trigger prefix: "资质 …",
// "资质：…" or "/资质 …". A word that merely starts with it ("资质审核…",
// "资质这东西真麻烦") is chat, not a trigger.
func (t Triggers) prefixed(text string) (string, bool) {
	if t.Prefix == "" {
		return "", false
	}
	rest, ok := strings.CutPrefix(text, "/"+t.Prefix)
	if !ok {
		if rest, ok = strings.CutPrefix(text, t.Prefix); !ok {
			return "", false
		}
		r, _ := utf8.DecodeRuneInString(rest)
		if rest != "" && !unicode.IsSpace(r) && !strings.ContainsRune(":：,，、", r) {
			return "", false
		}
	}
	return trimLead(rest), true
}

// trimLead trims spaces (U+2005 included) and the punctuation people put
// after a mention or a prefix: "资质：…", "@bot，…".
func trimLead(s string) string {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	return strings.TrimLeftFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(":：,，、", r)
	})
}
