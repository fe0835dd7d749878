package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"unicode"
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
// bot's own messages, non-text messages, and group messages that neither
// @-mention the bot nor start with Prefix, and groups not in Groups when
// Groups is set. It strips the mention and the prefix, and drops what is
// left empty. Direct messages are always answered.
type Triggers struct {
	// Prefix starts a group question without an @-mention, e.g. "资质".
	Prefix string
	// Names are the bot's names that follow "@" in a mention: its nickname
	// and its display names in groups.
	Names []string
	// Groups is the allow-list of group names; empty means every group.
	Groups []string
}

// Middleware returns the trigger rules as a Middleware.
func (t Triggers) Middleware(next HandlerFunc) HandlerFunc {
	return func(ctx context.Context, r Replier, m Message) error {
		text, ok := t.accept(m)
		if !ok {
			return nil
		}
		m.Text = text
		noteTrigger(ctx, m)
		return next(ctx, r, m)
	}
}

// accept reports whether to answer m, and the text to answer.
func (t Triggers) accept(m Message) (string, bool) {
	if m.FromSelf || m.NotText {
		return "", false
	}
	text := strings.TrimSpace(m.Text)
	if m.InGroup {
		if len(t.Groups) > 0 && !slices.Contains(t.Groups, m.ChatName) {
			return "", false
		}
		switch {
		case m.Mentioned:
			text = t.stripMention(text)
			if t.Prefix != "" && strings.HasPrefix(text, t.Prefix) {
				text = trimLead(strings.TrimPrefix(text, t.Prefix))
			}
		case t.Prefix != "" && strings.HasPrefix(text, t.Prefix):
			text = trimLead(strings.TrimPrefix(text, t.Prefix))
		default:
			return "", false
		}
	}
	if text == "" {
		return "", false
	}
	return text, true
}

// stripMention removes "@name" for each of the bot's names, and otherwise a
// leading "@someone" closed by the U+2005 space WeChat puts after a mention.
func (t Triggers) stripMention(text string) string {
	found := false
	for _, n := range t.Names {
		if n != "" && strings.Contains(text, "@"+n) {
			text = strings.ReplaceAll(text, "@"+n, "")
			found = true
		}
	}
	if !found && strings.HasPrefix(text, "@") {
		if i := strings.IndexRune(text, '\u2005'); i > 0 {
			text = text[i:]
		}
	}
	return trimLead(text)
}

// trimLead trims spaces (U+2005 included) and the punctuation people put
// after a mention or a prefix: "资质：…", "@bot，…".
func trimLead(s string) string {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	return strings.TrimLeftFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(":：,，、", r)
	})
}
