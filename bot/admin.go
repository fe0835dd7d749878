package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/qualbot/qualbot/knowledge"
)

// maxErrorLines is how many loader errors a failed /reindex shows.
const maxErrorLines = 10

// maxQuestionShown is how much of an unanswered question /stats shows.
const maxQuestionShown = 40

// Admin handles the admin commands /reindex and /stats. They work only in
// direct messages from an admin: the bot's own account (Message.Owner) or a
// contact whose stable Identity is in Identities. Anyone else gets one fixed
// refusal and nothing changes. Other messages go on down the chain.
type Admin struct {
	// Identities are the admins' stable identities: in WeChat, remark names
	// (备注) that the bot's owner set, never nicknames.
	Identities []string
	// Reload loads the knowledge base again and swaps it into the index. On
	// error the old index must keep serving; the error lists the loader's
	// "file:line: message" problems, one per line. Nil disables /reindex.
	Reload func(ctx context.Context) (*knowledge.Base, error)
	// Base returns the knowledge base being served.
	Base func() *knowledge.Base
	// Stats are the counters /stats reports.
	Stats *Stats
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	reloading sync.Mutex // held while a reindex runs; a second one is told to wait

	mu       sync.Mutex
	loadedAt time.Time
}

// SetLoaded records when the knowledge base being served was loaded.
func (a *Admin) SetLoaded(t time.Time) {
	a.mu.Lock()
	a.loadedAt = t
	a.mu.Unlock()
}

func (a *Admin) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// IsAdmin reports whether m comes from an admin.
func (a *Admin) IsAdmin(m Message) bool {
	return m.Owner || (m.Identity != "" && slices.Contains(a.Identities, m.Identity))
}

// Middleware returns the admin commands as a Middleware.
func (a *Admin) Middleware(next HandlerFunc) HandlerFunc {
	return func(ctx context.Context, r Replier, m Message) error {
		cmd := strings.ToLower(strings.TrimSpace(m.Text))
		if cmd != "/reindex" && cmd != "/stats" {
			return next(ctx, r, m)
		}
		if m.InGroup || !a.IsAdmin(m) {
			noteOutcome(ctx, OutcomeRefused)
			return r.Reply(ctx, replyNotAdmin)
		}
		noteOutcome(ctx, OutcomeAdmin)
		var text string
		if cmd == "/reindex" {
			text = a.reindex(ctx)
		} else {
			text = a.stats()
		}
		return Send(ctx, r, split(text, DefaultMaxRunes))
	}
}

// reindex reloads the knowledge base; one at a time.
func (a *Admin) reindex(ctx context.Context) string {
	if a.Reload == nil {
		return replyNoReindex
	}
	if !a.reloading.TryLock() {
		return replyReindexBusy
	}
	defer a.reloading.Unlock()
	start := a.now()
	kb, err := a.Reload(ctx)
	if err != nil {
		return fmt.Sprintf(reindexFail, errorLines(err))
	}
	end := a.now()
	a.SetLoaded(end)
	return fmt.Sprintf(reindexOK, durationText(end.Sub(start)),
		len(kb.Categories), len(kb.Licences), len(kb.Topics), len(kb.Synonyms), shortVersion(kb.Version))
}

// stats reports uptime, counters, top unanswered questions and the
// knowledge base's version and load time.
func (a *Admin) stats() string {
	answered, declined, top := a.Stats.Snapshot(5)
	var b lines
	for i, c := range top {
		b.add(fmt.Sprintf(statsTopLine, i+1, clip(c.Question, maxQuestionShown), c.N))
	}
	if len(b) == 0 {
		b.add(replyUnansweredNo)
	}
	version := ""
	if a.Base != nil {
		if kb := a.Base(); kb != nil {
			version = shortVersion(kb.Version)
		}
	}
	a.mu.Lock()
	loaded := a.loadedAt
	a.mu.Unlock()
	var uptime time.Duration
	if a.Stats != nil {
		uptime = a.now().Sub(a.Stats.Started)
	}
	return fmt.Sprintf(statsText, durationText(uptime), answered, declined,
		version, loaded.Format("2006-01-02 15:04:05"), b.String())
}

// errorLines writes a loader error one problem per line, at most maxErrorLines.
func errorLines(err error) string {
	var ls []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			ls = append(ls, l)
		}
	}
	if len(ls) > maxErrorLines {
		rest := len(ls) - maxErrorLines
		ls = append(ls[:maxErrorLines], fmt.Sprintf(reindexMore, rest))
	}
	return strings.Join(ls, "\n")
}

// clip shortens s to at most n runes, marking the cut with "…".
func clip(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}

func shortVersion(v string) string {
	if len(v) > 12 {
		return v[:12]
	}
	return v
}
