package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/qualbot/qualbot/knowledge"
)

// ErrReindexBusy is returned by [Admin.Reindex] while another reindex runs.
var ErrReindexBusy = errors.New("bot: a reindex is already running")

// ErrNoReindex is returned by [Admin.Reindex] when reloading is not set up.
var ErrNoReindex = errors.New("bot: reindex is not available here")

// A ConfirmError is a reload that would remove entries and was not
// confirmed: the old knowledge base keeps serving. Confirming the same
// loaded version within a few minutes serves it.
type ConfirmError struct {
	Removed []knowledge.Change
}

func (e *ConfirmError) Error() string {
	return fmt.Sprintf("bot: the new knowledge base removes %d entries; confirm to serve it", len(e.Removed))
}

// Reindexed is what a reload did.
type Reindexed struct {
	Base *knowledge.Base
	Took time.Duration
	// Compared reports that the new base was compared with the old one
	// (Load and Serve are set); Changes is then what it changed.
	Compared bool
	Changes  knowledge.Changes
}

// Reindex reloads the knowledge base as the /reindex command does, for a
// way in that is not a chat (the HTTP API): one reload at a time, shared
// with /reindex, and on error the old knowledge base keeps serving. A
// reload that removes entries needs confirm, as "/reindex 确认" does, and
// is otherwise refused with a *[ConfirmError]. The error of a failed load
// lists the loader's "file:line: message" problems; see [ErrorLines].
func (a *Admin) Reindex(ctx context.Context, confirm bool) (Reindexed, error) {
	if a.Reload == nil && a.Load == nil {
		return Reindexed{}, ErrNoReindex
	}
	if !a.reloading.TryLock() {
		return Reindexed{}, ErrReindexBusy
	}
	defer a.reloading.Unlock()
	return a.reload(ctx, confirm)
}

// reload loads the knowledge base and serves it; the caller holds a.reloading.
func (a *Admin) reload(ctx context.Context, confirm bool) (Reindexed, error) {
	start := a.now()
	if a.Load == nil {
		kb, err := a.Reload(ctx)
		if err != nil {
			return Reindexed{}, err
		}
		end := a.now()
		a.SetLoaded(end)
		return Reindexed{Base: kb, Took: end.Sub(start)}, nil
	}
	kb, err := a.Load(ctx)
	if err != nil {
		return Reindexed{}, err
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
		return Reindexed{}, &ConfirmError{Removed: changes.Removed}
	}
	a.mu.Unlock()
	if err := a.Serve(ctx, kb); err != nil {
		return Reindexed{}, err
	}
	end := a.now()
	a.SetLoaded(end)
	return Reindexed{Base: kb, Took: end.Sub(start), Compared: true, Changes: changes}, nil
}

// LoadedAt returns when the knowledge base being served was loaded.
func (a *Admin) LoadedAt() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.loadedAt
}

// ErrorLines writes a loader error one problem per line, as /reindex shows
// them, at most a screenful.
func ErrorLines(err error) string { return errorLines(err) }
