package bot

import (
	"log/slog"
)

// Bot is the standard handler chain, in the order every transport uses:
// the observers (one log line per message, metrics) first, then errors and
// panics, the trigger rules, the rate limits, the admin commands, and the
// answerer at the end.
type Bot struct {
	// Log receives operator diagnostics.
	Log *slog.Logger
	// LogText puts message texts into error logs.
	LogText  bool
	Triggers Triggers
	// Limits may be nil: no rate limits.
	Limits *RateLimit
	// Admin may be nil: no admin commands.
	Admin    *Admin
	Answerer *Answerer
	// Observers are told about every message after it was handled, after
	// the log line that LogEvents(Log, LogText) writes for it.
	Observers []Observer
}

// Handler returns the chain as one HandlerFunc.
func (b *Bot) Handler() HandlerFunc {
	log := b.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	obs := append([]Observer{LogEvents(log, b.LogText)}, b.Observers...)
	t := b.Triggers
	if t.FollowUps == nil && b.Answerer != nil {
		t.FollowUps = b.Answerer.FollowUps
	}
	mw := []Middleware{Observe(obs...), ReplyOnError(log, b.LogText), t.Middleware}
	if b.Limits != nil {
		mw = append(mw, b.Limits.Middleware)
	}
	if b.Admin != nil {
		mw = append(mw, b.Admin.Middleware)
	}
	return Chain(b.Answerer.Handle, mw...)
}
