package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/index"
	"github.com/qualbot/qualbot/knowledge"
)

// app is the wired bot: the knowledge base, its index and the handler chain
// every transport (WeChat, the terminal) feeds messages into.
type app struct {
	Handler  bot.HandlerFunc
	Answerer *bot.Answerer
	Admin    *bot.Admin
	Stats    *bot.Stats
	Index    *index.Index
	// Bot is the chain Handler was built from; instrument adds observers.
	Bot *bot.Bot
	// shared reports that Index is shippedIndex's, which Close leaves open.
	shared bool
}

// Close releases the app's index.
func (a *app) Close() error {
	if a.shared {
		return nil
	}
	return a.Index.Close()
}

// shippedIndex, when set, returns the index wire serves the embedded
// knowledge base from instead of building one. Tests set it so that the
// shipped index is built once per test binary; the apps that share it do
// not close it.
var shippedIndex func() (*index.Index, error)

// wire loads the knowledge base from cfg.KnowledgeDir (the embedded one when
// empty), indexes it, and builds the whole handler chain from cfg. /reindex
// loads cfg.KnowledgeDir again; with no directory it reloads the embedded
// base. Close the app when done.
func wire(cfg Config, log *slog.Logger) (*app, error) {
	started := time.Now()
	shared := cfg.KnowledgeDir == "" && shippedIndex != nil
	var ix *index.Index
	if shared {
		var err error
		if ix, err = shippedIndex(); err != nil {
			return nil, err
		}
	} else {
		kb, err := loadKB(cfg.KnowledgeDir)
		if err != nil {
			return nil, fmt.Errorf("load knowledge base:\n%w", err)
		}
		if ix, err = index.Build(kb); err != nil {
			return nil, err
		}
	}
	stats := bot.NewStats(started)
	var unanswered *bot.UnansweredLog
	if cfg.UnansweredLog != "" {
		unanswered = &bot.UnansweredLog{Path: cfg.UnansweredLog, Max: cfg.UnansweredMax, WithSender: cfg.LogSenders}
	}
	answerer := &bot.Answerer{
		Searcher:      ix,
		ToTraditional: index.ToTraditional,
		Prefix:        cfg.GroupPrefix,
		FollowUps:     bot.NewFollowUps(cfg.FollowUpTTL, bot.DefaultFollowUpKeep),
		Stats:         stats,
		Unanswered:    unanswered,
		Log:           log,
	}
	admin := &bot.Admin{
		Identities: cfg.Admins,
		// The loader's error is returned unwrapped: the admin sees its
		// "file:line: message" lines as they are.
		Load: func(ctx context.Context) (*knowledge.Base, error) {
			kb, err := loadKBContext(ctx, cfg.KnowledgeDir)
			if err != nil {
				// The old knowledge base keeps serving.
				log.WarnContext(ctx, "knowledge base reload failed", "dir", cfg.KnowledgeDir, "err", err)
			}
			return kb, err
		},
		Serve: func(ctx context.Context, kb *knowledge.Base) error {
			changes := knowledge.Diff(ix.Base(), kb)
			if err := ix.ReloadContext(ctx, kb); err != nil {
				log.WarnContext(ctx, "knowledge base reload failed", "dir", cfg.KnowledgeDir, "err", err)
				return err
			}
			log.InfoContext(ctx, "knowledge base reloaded", "dir", cfg.KnowledgeDir, "version", kb.Version,
				"added", len(changes.Added), "removed", len(changes.Removed), "changed", len(changes.Changed))
			return nil
		},
		// A reload indexes beside the answering: questions go on being
		// answered from the old base meanwhile.
		Background: true,
		Base:       ix.Base,
		Stats:      stats,
	}
	admin.SetLoaded(time.Now())
	b := &bot.Bot{
		Log:      log,
		LogText:  cfg.LogText,
		Triggers: bot.Triggers{Prefix: cfg.GroupPrefix, Names: cfg.BotNames, Groups: cfg.Groups},
		Limits:   &bot.RateLimit{Sender: cfg.SenderLimit, Chat: cfg.ChatLimit, Global: cfg.SendBudget},
		Admin:    admin,
		Answerer: answerer,
	}
	return &app{Handler: b.Handler(), Answerer: answerer, Admin: admin, Stats: stats, Index: ix, Bot: b, shared: shared}, nil
}
