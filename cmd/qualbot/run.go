package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/qualbot/qualbot/bot"

	"github.com/qualbot/qualbot/bot/wechat"
)

// cmdRun is the WeChat bot, the default command: it logs in (a QR code in
// the terminal the first time, the login file afterwards) and answers with
// the handler chain every transport shares until SIGINT or SIGTERM.
func cmdRun(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: qualbot [run] [flags]\n\n"+
			"Log in to WeChat and answer questions. The first time, scan the QR code with the\n"+
			"bot's WeChat account; the session is saved to the login file so that a restart\n"+
			"needs no scan. Admins are contacts whose remark name (备注) is in --admins, and\n"+
			"the bot's own account writing to the file helper (文件传输助手).\n\nflags:")
		fs.PrintDefaults()
	}
	cfg.addFlags(fs)
	cfg.addRunFlags(fs)
	if err := parseSettings(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("run: unexpected arguments %q", fs.Args())
	}
	// Every problem with the settings at once.
	var errs []error
	if cfg.SendRate <= 0 || cfg.SendRate > 600 {
		errs = append(errs, fmt.Errorf("--send-rate %d: want 1 to 600 messages per minute", cfg.SendRate))
	}
	if cfg.LoginFile == "" {
		errs = append(errs, fmt.Errorf("--login-file is empty"))
	}
	log, err := newLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	if err := errors.Join(append(errs, err)...); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	interval := time.Minute / time.Duration(cfg.SendRate)
	wcfg := wechat.Config{
		LoginFile:    cfg.LoginFile,
		SendInterval: interval,
		SendJitter:   interval / 2,
		Out:          stdout,
		Log:          log,
	}
	// The bot takes no more questions than WeChat lets it answer.
	budget, queued := wechat.Admission(wcfg, wechat.DefaultMaxWait)
	cfg.SendBudget = slower(cfg.SendBudget, budget)
	a, err := wire(cfg, log)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	defer a.Index.Close()
	m, stopOps, err := startOps(ctx, cfg, a, log)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	defer stopOps()
	st := a.Index.Base().Stats()
	from := "the embedded knowledge base"
	if cfg.KnowledgeDir != "" {
		from = cfg.KnowledgeDir
	}
	log.Info("knowledge base loaded", "from", from, "categories", st.TotalCategories(), "licences", st.Licences, "topics", st.Topics)

	// A question is taken only when the send queue has room for its answer.
	var depth atomic.Int64
	if a.Bot.Limits != nil {
		a.Bot.Limits.Room = func() int { return queued - int(depth.Load()) }
	}
	wcfg.LoginState = m.setLoggedIn
	wcfg.QueueDepth = func(n int) {
		depth.Store(int64(n))
		m.setQueueDepth(n)
	}
	return wechat.Run(ctx, wcfg, a.Handler)
}

// slower returns the budget b limited to what the channel can send. A
// budget that is off is the channel's.
func slower(b, channel bot.Bucket) bot.Bucket {
	if b.Every <= 0 {
		return channel
	}
	b.Every = max(b.Every, channel.Every)
	b.Burst = min(max(b.Burst, 1), channel.Burst)
	return b
}

// defaultLoginFile is where the WeChat session is kept when --login-file is
// not given: the user's configuration directory, else the working directory.
func defaultLoginFile() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "qualbot-login.json"
	}
	return filepath.Join(dir, "qualbot", "login.json")
}
