package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/kf"
	"github.com/qualbot/qualbot/bot/wechat"
	"github.com/qualbot/qualbot/bot/wecombot"
)

// The channels qualbot run can answer on.
const (
	channelWeChat   = "wechat"    // web WeChat through openwechat: unofficial
	channelKF       = "kf"        // 微信客服
	channelWeComBot = "wecom-bot" // 企业微信 智能机器人
)

var channelNames = []string{channelWeChat, channelKF, channelWeComBot}

// The environment variables that hold the channels' secrets. A secret is
// never a flag: flags show in the process list and in shell history.
const (
	envKFSecret       = "QUALBOT_KF_SECRET"
	envKFToken        = "QUALBOT_KF_TOKEN"
	envKFAESKey       = "QUALBOT_KF_AES_KEY"
	envWeComBotSecret = "QUALBOT_WECOM_BOT_SECRET"
)

// channelConfig is the part of Config that chooses the channels of
// qualbot run and sets up the official ones.
type channelConfig struct {
	// Channels are the channels to answer on, at once, from one knowledge
	// base and one index.
	Channels channelList
	KF       kfSettings
	WeComBot wecomBotSettings
}

// kfSettings set up the 微信客服 channel. The app secret comes from
// QUALBOT_KF_SECRET or SecretFile.
type kfSettings struct {
	CorpID, SecretFile, Token, AESKey, OpenKfID string
	Addr, Path, API                             string
	// Admins are the external user ids (wm…) of the admins.
	Admins []string
}

// wecomBotSettings set up the 企业微信 智能机器人 channel. The secret comes
// from QUALBOT_WECOM_BOT_SECRET or SecretFile.
type wecomBotSettings struct {
	BotID, SecretFile, URL string
	// Admins are the WeCom user ids of the admins.
	Admins []string
}

func defaultChannelConfig() channelConfig {
	return channelConfig{
		Channels: channelList{names: []string{channelWeChat}},
		KF:       kfSettings{Addr: kf.DefaultAddr, Path: kf.DefaultPath, API: kf.DefaultBaseURL},
		WeComBot: wecomBotSettings{URL: wecombot.DefaultURL},
	}
}

// addFlags binds the channel settings to fs.
func (c *channelConfig) addFlags(fs *flag.FlagSet) {
	fs.Var(&c.Channels, "channel", "`channels` to answer on, comma-separated or repeated: wechat (unofficial web WeChat), kf (微信客服), wecom-bot (企业微信 智能机器人)")
	fs.StringVar(&c.KF.CorpID, "kf-corp-id", c.KF.CorpID, "微信客服: the 企业微信 corp `id` (企业ID)")
	fs.StringVar(&c.KF.SecretFile, "kf-secret-file", c.KF.SecretFile, "微信客服: `file` holding the self-built app's secret (else $"+envKFSecret+")")
	fs.StringVar(&c.KF.Token, "kf-token", c.KF.Token, "微信客服: the callback `Token` (else $"+envKFToken+")")
	fs.StringVar(&c.KF.AESKey, "kf-aes-key", c.KF.AESKey, "微信客服: the callback `EncodingAESKey` (else $"+envKFAESKey+")")
	fs.StringVar(&c.KF.OpenKfID, "kf-open-kfid", c.KF.OpenKfID, "微信客服: the 客服账号 `open_kfid` (wk…) to answer for")
	fs.StringVar(&c.KF.Addr, "kf-addr", c.KF.Addr, "微信客服: `[host]:port` the callback server listens on")
	fs.StringVar(&c.KF.Path, "kf-path", c.KF.Path, "微信客服: the callback URL's `path`")
	fs.StringVar(&c.KF.API, "kf-api", c.KF.API, "微信客服: the WeCom API base `URL`")
	fs.Var((*listFlag)(&c.KF.Admins), "kf-admins", "微信客服: comma-separated external user `ids` (wm…) of admins")
	fs.StringVar(&c.WeComBot.BotID, "wecom-bot-id", c.WeComBot.BotID, "智能机器人: the bot `id` (API 模式, 长连接)")
	fs.StringVar(&c.WeComBot.SecretFile, "wecom-bot-secret-file", c.WeComBot.SecretFile, "智能机器人: `file` holding the bot's secret (else $"+envWeComBotSecret+")")
	fs.StringVar(&c.WeComBot.URL, "wecom-bot-url", c.WeComBot.URL, "智能机器人: the WebSocket `URL`")
	fs.Var((*listFlag)(&c.WeComBot.Admins), "wecom-bot-admins", "智能机器人: comma-separated WeCom user `ids` of admins")
}

// channelList is the --channel flag: comma-separated, repeatable, with
// "wechat" as the default until it is set.
type channelList struct {
	names []string
	set   bool
}

func (l *channelList) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(l.names, ",")
}

func (l *channelList) Set(s string) error {
	if !l.set {
		l.names, l.set = nil, true
	}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !slices.Contains(channelNames, f) {
			return fmt.Errorf("unknown channel %q: want %s", f, strings.Join(channelNames, ", "))
		}
		if !slices.Contains(l.names, f) {
			l.names = append(l.names, f)
		}
	}
	return nil
}

// adminIdentities are the Message.Identity values of the official
// channels' admins: each transport prefixes its ids with its name.
func (c channelConfig) adminIdentities() []string {
	var ids []string
	for _, a := range c.KF.Admins {
		ids = append(ids, "kf:"+a)
	}
	for _, a := range c.WeComBot.Admins {
		ids = append(ids, "wecom:"+a)
	}
	return ids
}

// secret reads a secret from file when one is named, else from the
// environment variable env.
func secret(what, file, env string) (string, error) {
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("%s: %w", what, err)
		}
		if s := strings.TrimSpace(string(data)); s != "" {
			return s, nil
		}
		return "", fmt.Errorf("%s: %s is empty", what, file)
	}
	if s := strings.TrimSpace(os.Getenv(env)); s != "" {
		return s, nil
	}
	return "", fmt.Errorf("%s: set $%s or give a secret file", what, env)
}

// orEnv returns v, or the environment variable env when v is empty.
func orEnv(v, env string) string {
	if v != "" {
		return v
	}
	return strings.TrimSpace(os.Getenv(env))
}

// kfStateFile is where the 微信客服 sync cursor is kept: beside the login
// file, one per 客服账号.
func kfStateFile(loginFile, openKfID string) string {
	return filepath.Join(filepath.Dir(loginFile), "kf-"+openKfID+".json")
}

// namedTransport is a channel ready to run.
type namedTransport struct {
	name string
	t    bot.Transport
}

// transportFunc makes a function a bot.Transport.
type transportFunc func(ctx context.Context, h bot.HandlerFunc) error

func (f transportFunc) Run(ctx context.Context, h bot.HandlerFunc) error { return f(ctx, h) }

// connState tells the metrics that the bot is connected when every
// channel is.
type connState struct {
	mu   sync.Mutex
	up   map[string]bool
	tell func(bool)
}

func newConnState(names []string, tell func(bool)) *connState {
	c := &connState{up: map[string]bool{}, tell: tell}
	for _, n := range names {
		c.up[n] = false
	}
	return c
}

func (c *connState) set(name string) func(bool) {
	return func(ok bool) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.up[name] = ok
		all := true
		for _, v := range c.up {
			all = all && v
		}
		c.tell(all)
	}
}

// wechatConfig is the web WeChat channel's configuration from cfg, without
// its outputs.
func wechatConfig(cfg Config) wechat.Config {
	interval := time.Minute / time.Duration(max(cfg.SendRate, 1))
	return wechat.Config{
		LoginFile:    cfg.LoginFile,
		SendInterval: interval,
		SendJitter:   interval / 2,
	}
}

// buildTransports turns the chosen channels into transports. It reads the
// secrets and checks the settings, and contacts nothing.
// queueDepth, when set, is told the web WeChat send queue's depth too.
func buildTransports(cfg Config, log *slog.Logger, stdout io.Writer, m *metrics, queueDepth func(int)) ([]namedTransport, error) {
	conn := newConnState(cfg.Channels.names, m.setLoggedIn)
	var out []namedTransport
	var errs []error
	for _, name := range cfg.Channels.names {
		switch name {
		case channelWeChat:
			wcfg := wechatConfig(cfg)
			wcfg.Out, wcfg.Log, wcfg.LoginState = stdout, log, conn.set(name)
			wcfg.QueueDepth = func(n int) {
				m.setQueueDepth(n)
				if queueDepth != nil {
					queueDepth(n)
				}
			}
			out = append(out, namedTransport{name, wechat.Transport{Config: wcfg}})
		case channelKF:
			k := cfg.KF
			sec, err := secret("微信客服 app secret", k.SecretFile, envKFSecret)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			t, err := kf.New(kf.Config{
				CorpID: k.CorpID, Secret: sec, Token: orEnv(k.Token, envKFToken), EncodingAESKey: orEnv(k.AESKey, envKFAESKey),
				OpenKfID: k.OpenKfID, Addr: k.Addr, Path: k.Path, BaseURL: k.API,
				StateFile: kfStateFile(cfg.LoginFile, k.OpenKfID),
				Log:       log.With("channel", name),
			})
			if err != nil {
				errs = append(errs, err)
				continue
			}
			up := conn.set(name)
			out = append(out, namedTransport{name, transportFunc(func(ctx context.Context, h bot.HandlerFunc) error {
				go func() {
					select {
					case <-t.Ready():
						up(true)
					case <-ctx.Done():
					}
				}()
				defer up(false)
				return t.Run(ctx, h)
			})})
		case channelWeComBot:
			w := cfg.WeComBot
			sec, err := secret("智能机器人 secret", w.SecretFile, envWeComBotSecret)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			t, err := wecombot.New(wecombot.Config{
				URL: w.URL, BotID: w.BotID, Secret: sec, Names: cfg.BotNames,
				Log:       log.With("channel", name),
				Connected: conn.set(name),
			})
			if err != nil {
				errs = append(errs, err)
				continue
			}
			out = append(out, namedTransport{name, t})
		}
	}
	return out, errors.Join(errs...)
}

// runTransports runs every transport with h until ctx ends (then it
// returns nil) or one of them stops for good: then the others are stopped
// too and its error is returned.
func runTransports(ctx context.Context, ts []namedTransport, h bot.HandlerFunc, log *slog.Logger) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		name string
		err  error
	}
	results := make(chan result, len(ts))
	for _, t := range ts {
		go func() { results <- result{t.name, t.t.Run(ctx, h)} }()
	}
	var first error
	for range ts {
		r := <-results
		if ctx.Err() == nil {
			// The first channel to stop on its own stops them all.
			if r.err == nil {
				r.err = fmt.Errorf("channel %s stopped", r.name)
			}
			first = r.err
			if len(ts) > 1 {
				log.Error("a channel stopped; stopping the others", "channel", r.name, "err", r.err)
			}
			cancel()
		} else if r.err != nil && first == nil {
			first = r.err
		}
	}
	return first
}
