package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
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
		fmt.Fprintln(stderr, "usage: qualbot [run] [--channel wechat,kf,wecom-bot] [flags]\n\n"+
			"Answer questions on the chosen channels, all from one knowledge base; an admin on\n"+
			"any of them can /reindex it for all. The README's \"Which channel?\" compares them.\n\n"+
			"  wechat     web WeChat through openwechat (unofficial: accounts get banned). The\n"+
			"             first time, scan the QR code with the bot's account; the session is\n"+
			"             saved to the login file. Admins: remark names (备注) in --admins, and\n"+
			"             the bot's own account writing to the file helper (文件传输助手).\n"+
			"  kf         微信客服: serves WeCom's callback on --kf-addr; secret in $"+envKFSecret+".\n"+
			"             Admins: external user ids in --kf-admins.\n"+
			"  wecom-bot  企业微信 智能机器人 over its WebSocket; secret in $"+envWeComBotSecret+".\n"+
			"             Admins: WeCom user ids in --wecom-bot-admins.\n\nflags:")
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
	// On web WeChat alone, the bot takes no more questions than WeChat lets
	// it answer: the global budget is what the send rate allows, and a
	// question is taken only when the send queue has room for its answer
	// (and a notice). With other channels beside it, the budget is theirs
	// too, and stays as set.
	wechatOnly := slices.Equal(cfg.Channels.names, []string{channelWeChat})
	var queued int
	if wechatOnly {
		var budget bot.Bucket
		budget, queued = wechat.Admission(wechatConfig(cfg), wechat.DefaultMaxWait)
		cfg.SendBudget = slower(cfg.SendBudget, budget)
	}
	// One knowledge base and one index answer on every channel; the
	// official channels' admins are known by their transport's identity.
	cfg.Admins = append(cfg.Admins, cfg.adminIdentities()...)
	// The channels' settings are checked before the knowledge base is
	// indexed: a missing secret is reported at once.
	m := newMetrics(time.Now())
	var depth atomic.Int64
	transports, err := buildTransports(cfg, log, stdout, m, func(n int) { depth.Store(int64(n)) })
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	a, err := wire(cfg, log)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	defer a.Close()
	stopOps, err := startOps(ctx, cfg, a, m, log)
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

	if wechatOnly && a.Bot.Limits != nil {
		a.Bot.Limits.Room = func() int { return queued - int(depth.Load()) }
	}
	return runTransports(ctx, transports, a.Handler, log)
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
