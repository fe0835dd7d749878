package bot

import (
	"context"
	"errors"
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

// ErrReindexBusy is returned by [Admin.Reindex] while another reindex runs.
var ErrReindexBusy = errors.New("bot: a reindex is already running")

// ErrNoReindex is returned by [Admin.Reindex] when Reload is nil.
var ErrNoReindex = errors.New("bot: reindex is not available here")

// Reindex reloads the knowledge base, one reload at a time for every way
// in (a chat's /reindex, the HTTP API), and reports how long it took. On
// error the old knowledge base keeps serving.
func (a *Admin) Reindex(ctx context.Context) (*knowledge.Base, time.Duration, error) {
	if a.Reload == nil {
		return nil, 0, ErrNoReindex
	}
	if !a.reloading.TryLock() {
		return nil, 0, ErrReindexBusy
	}
	defer a.reloading.Unlock()
	start := a.now()
	kb, err := a.Reload(ctx)
	if err != nil {
		return nil, 0, err
	}
	end := a.now()
	a.SetLoaded(end)
	return kb, end.Sub(start), nil
}

// LoadedAt returns when the knowledge base being served was loaded.
func (a *Admin) LoadedAt() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.loadedAt
}

// reindex runs Reindex and says how it went.
func (a *Admin) reindex(ctx context.Context) string {
	kb, took, err := a.Reindex(ctx)
	switch {
	case errors.Is(err, ErrNoReindex):
		return replyNoReindex
	case errors.Is(err, ErrReindexBusy):
		return replyReindexBusy
	case err != nil:
		return fmt.Sprintf(reindexFail, ErrorLines(err))
	}
	return fmt.Sprintf(reindexOK, durationText(took),
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

// ErrorLines writes a loader error one problem per line, at most maxErrorLines.
func ErrorLines(err error) string {
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
