package bot

import (
	"context"
	"errors"
	"time"

	"github.com/qualbot/qualbot/knowledge"
)

// ErrReindexBusy is returned by [Admin.Reindex] while another reindex runs.
var ErrReindexBusy = errors.New("bot: a reindex is already running")

// ErrNoReindex is returned by [Admin.Reindex] when reloading is not set up.
var ErrNoReindex = errors.New("bot: reindex is not available here")

// Reindex reloads the knowledge base as the /reindex command does, for a
// way in that is not a chat (the HTTP API): one reload at a time, shared
// with /reindex, and on error the old knowledge base keeps serving. A
// reload that would remove entries returns a *[RemovalError] and serves
// nothing until it is asked again with confirm. It reports what changed
// and how long the reload took. The error of a failed load lists the
// loader's "file:line: message" problems; see [ErrorLines].
func (a *Admin) Reindex(ctx context.Context, confirm bool) (*knowledge.Base, knowledge.Changes, time.Duration, error) {
	if a.Reload == nil && a.Load == nil {
		return nil, knowledge.Changes{}, 0, ErrNoReindex
	}
	if !a.reloading.TryLock() {
		return nil, knowledge.Changes{}, 0, ErrReindexBusy
	}
	defer a.reloading.Unlock()
	return a.reload(ctx, confirm)
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
