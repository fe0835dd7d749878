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
	// Load loads the knowledge base again without serving it; the error
	// lists the loader's "file:line: message" problems, one per line.
	// /reindex compares what it loaded with Base, asks for a confirmation
	// when entries would be removed, and then hands it to Serve.
	Load func(ctx context.Context) (*knowledge.Base, error)
	// Serve indexes kb and swaps it in; on error the old index keeps
	// serving. It must be set with Load.
	Serve func(ctx context.Context, kb *knowledge.Base) error
	// Reload, used when Load is nil, loads and serves in one step, without
	// the comparison. Nil with Load nil disables /reindex.
	Reload func(ctx context.Context) (*knowledge.Base, error)
	// Background runs /reindex off the answering path: the command returns
	// at once, questions go on being answered from the old base, and the
	// result is sent when the reload ends. [Admin.Wait] waits for it.
	Background bool
	// Base returns the knowledge base being served.
	Base func() *knowledge.Base
	// Stats are the counters /stats reports.
	Stats *Stats
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	reloading sync.Mutex // held while a reindex runs; a second one is told to wait
	running   sync.WaitGroup

	pending     string    // version of a loaded base waiting for "/reindex 确认"
	pendingTill time.Time // when that confirmation expires

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
		cmd := strings.Join(strings.Fields(strings.ToLower(m.Text)), " ")
		confirm := cmd == reindexConfirmCmd || cmd == "/reindex confirm"
		if confirm {
			cmd = "/reindex"
		}
		if cmd != "/reindex" && cmd != "/stats" {
			return next(ctx, r, m)
		}
		if m.InGroup || !a.IsAdmin(m) {
			noteOutcome(ctx, OutcomeRefused)
			return r.Reply(ctx, replyNotAdmin)
		}
		noteOutcome(ctx, OutcomeAdmin)
		if cmd == "/stats" {
			return Send(ctx, r, split(a.stats(), DefaultMaxRunes))
		}
		if a.Reload == nil && a.Load == nil {
			return r.Reply(ctx, replyNoReindex)
		}
		if !a.reloading.TryLock() {
			return r.Reply(ctx, replyReindexBusy)
		}
		if !a.Background {
			defer a.reloading.Unlock()
			return Send(ctx, r, split(a.reindex(ctx, confirm), DefaultMaxRunes))
		}
		a.running.Add(1)
		go func() {
			defer a.running.Done()
			text := a.reindex(ctx, confirm)
			a.reloading.Unlock()
			if ctx.Err() != nil {
				return // shutting down: nobody is waiting for the result
			}
			Send(ctx, r, split(text, DefaultMaxRunes))
		}()
		return nil
	}
}

// reindexConfirmCmd confirms a reload that removes entries.
const reindexConfirmCmd = "/reindex 确认"

// confirmFor is how long a reload that removes entries may be confirmed.
const confirmFor = 10 * time.Minute

// Wait waits for a /reindex running in the background.
func (a *Admin) Wait() { a.running.Wait() }

// reindex reloads the knowledge base for the /reindex command and says
// how it went; the caller holds a.reloading.
func (a *Admin) reindex(ctx context.Context, confirm bool) string {
	kb, changes, took, err := a.reload(ctx, confirm)
	var removal *RemovalError
	switch {
	case errors.As(err, &removal):
		return fmt.Sprintf(reindexConfirm, len(removal.Removed), changeList(removal.Removed, maxErrorLines))
	case err != nil:
		return fmt.Sprintf(reindexFail, errorLines(err))
	}
	text := fmt.Sprintf(reindexOK, durationText(took),
		len(kb.Categories), len(kb.Licences), len(kb.Topics), len(kb.Synonyms), shortVersion(kb.Version))
	if a.Load == nil {
		return text // Reload does not tell what changed
	}
	return text + "\n" + ChangesText(changes)
}

// A RemovalError is a reload that would remove entries and was not
// confirmed: the old knowledge base keeps serving. Confirming the same
// version within confirmFor serves it.
type RemovalError struct {
	knowledge.Changes
}

func (e *RemovalError) Error() string {
	return fmt.Sprintf("bot: the new knowledge base removes %d entries; confirm to serve it", len(e.Removed))
}

// reload loads the knowledge base again and serves it: with Load and
// Serve, after comparing it with what is served and, when it removes
// entries, only when confirm confirms the version shown before; else with
// Reload. The caller holds a.reloading.
func (a *Admin) reload(ctx context.Context, confirm bool) (*knowledge.Base, knowledge.Changes, time.Duration, error) {
	start := a.now()
	if a.Load == nil {
		kb, err := a.Reload(ctx)
		if err != nil {
			return nil, knowledge.Changes{}, 0, err
		}
		end := a.now()
		a.SetLoaded(end)
		return kb, knowledge.Changes{}, end.Sub(start), nil
	}
	kb, err := a.Load(ctx)
	if err != nil {
		return nil, knowledge.Changes{}, 0, err
	}
	var served *knowledge.Base
	if a.Base != nil {
		served = a.Base()
	}
	changes := knowledge.Diff(served, kb)
	a.mu.Lock()
	confirmed := confirm && a.pending == kb.Version && start.Before(a.pendingTill)
	a.pending = ""
	if len(changes.Removed) > 0 && !confirmed {
		// A truncated or deleted file must not remove answers by itself.
		a.pending, a.pendingTill = kb.Version, start.Add(confirmFor)
		a.mu.Unlock()
		return nil, changes, 0, &RemovalError{changes}
	}
	a.mu.Unlock()
	if err := a.Serve(ctx, kb); err != nil {
		return nil, changes, 0, err
	}
	end := a.now()
	a.SetLoaded(end)
	return kb, changes, end.Sub(start), nil
}

// ChangesText writes what a reload changes, by name, for an admin or a curator.
func ChangesText(c knowledge.Changes) string {
	if c.None() {
		return reindexUnchanged
	}
	var b lines
	b.add(reindexChanged)
	for _, l := range []struct {
		format string
		list   []knowledge.Change
	}{{reindexAdded, c.Added}, {reindexRemoved, c.Removed}, {reindexModified, c.Changed}} {
		if len(l.list) > 0 {
			b.add(fmt.Sprintf(l.format, len(l.list), changeList(l.list, 5)))
		}
	}
	return b.String()
}

// changeList names at most n changes, then how many there are.
func changeList(cs []knowledge.Change, n int) string {
	var names []string
	for i, c := range cs {
		if i == n {
			return strings.Join(names, separator) + fmt.Sprintf(reindexAndMore, len(cs))
		}
		names = append(names, changeName(c))
	}
	return strings.Join(names, separator)
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
