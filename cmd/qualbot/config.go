package main

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/qualbot/qualbot/bot"
)

// Config is everything an operator can set. Flags fill it; nothing else
// reads flags or the environment.
type Config struct {
	// KnowledgeDir is the directory of knowledge *.yaml files; "" means the
	// knowledge base embedded in the binary. /reindex reloads from here.
	KnowledgeDir string
	// BotNames are the names that follow "@" when someone mentions the bot
	// in a group. The WeChat transport adds the logged-in account's names.
	BotNames []string
	// GroupPrefix starts a group question without an @-mention.
	GroupPrefix string
	// Groups is the allow-list of group names; empty means every group.
	Groups []string
	// Admins are the remark names (备注) of contacts who may use the admin
	// commands in direct messages. The bot's own account always may.
	Admins []string
	// SenderLimit, ChatLimit and SendBudget are the token buckets per
	// sender, per chat, and for everything the bot sends.
	SenderLimit bot.Bucket
	ChatLimit   bot.Bucket
	SendBudget  bot.Bucket
	// FollowUpTTL is how long a list of choices can be picked from by number.
	FollowUpTTL time.Duration
	// UnansweredLog is the JSON-lines file of declined questions; "" turns it off.
	UnansweredLog string
	// UnansweredMax is the size at which that file is rotated.
	UnansweredMax int64
	// LogSenders records who asked in the unanswered log.
	LogSenders bool
	// LogText puts message texts into the operator's error log.
	LogText bool
	// LoginFile is the WeChat hot-login file (qualbot run), created 0600.
	LoginFile string
	// SendRate is the most messages qualbot run sends per minute; each send
	// also waits a random extra of up to half the interval.
	SendRate int
	// MetricsAddr is where /metrics and /healthz listen; "" turns them off.
	// An address without a host (":9090", "9090") binds to 127.0.0.1.
	MetricsAddr string
	// LogFormat is "auto" (text on a terminal, JSON otherwise), "text" or "json".
	LogFormat string
	// LogLevel is the least level logged: debug, info, warn or error.
	LogLevel string
	// ServeAddr is where qualbot serve listens; without a host, on 127.0.0.1.
	ServeAddr string
	// AdminTokenFile holds the HTTP API's admin token (qualbot serve).
	AdminTokenFile string
	// ClientLimit is the token bucket per client address of the HTTP API.
	ClientLimit bot.Bucket
	// channelConfig chooses the channels of qualbot run (channels.go).
	channelConfig
}

// DefaultConfig returns the settings qualbot runs with when no flag is given.
func DefaultConfig() Config {
	return Config{
		GroupPrefix:   "资质",
		SenderLimit:   bot.Bucket{Every: 6 * time.Second, Burst: 5},
		ChatLimit:     bot.Bucket{Every: 2 * time.Second, Burst: 10},
		SendBudget:    bot.Bucket{Every: time.Second, Burst: 20},
		FollowUpTTL:   bot.DefaultFollowUpTTL,
		UnansweredLog: defaultUnansweredLog(),
		UnansweredMax: bot.DefaultUnansweredMax,
		LoginFile:     defaultLoginFile(),
		SendRate:      30,
		LogFormat:     "auto",
		LogLevel:      "info",
		ServeAddr:     "8080",
		ClientLimit:   bot.Bucket{Every: 100 * time.Millisecond, Burst: 60},
		channelConfig: defaultChannelConfig(),
	}
}

// addFlags binds the settings every bot-running subcommand shares to fs.
func (c *Config) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.KnowledgeDir, "kb", c.KnowledgeDir, "`directory` of knowledge yaml files (default: the embedded knowledge base)")
	fs.StringVar(&c.GroupPrefix, "prefix", c.GroupPrefix, "text that starts a group question without an @-mention")
	fs.Var((*listFlag)(&c.BotNames), "name", "comma-separated `names` that follow @ when the bot is mentioned")
	fs.Var((*listFlag)(&c.Groups), "groups", "comma-separated group `names` to answer in (default: every group)")
	fs.Var((*listFlag)(&c.Admins), "admins", "comma-separated remark `names` (备注) of admins")
	fs.StringVar(&c.UnansweredLog, "unanswered", c.UnansweredLog, "JSON-lines `file` of questions the bot could not answer (\"\" turns it off)")
	fs.BoolVar(&c.LogSenders, "log-senders", c.LogSenders, "record who asked in the unanswered-question log")
	fs.BoolVar(&c.LogText, "log-text", c.LogText, "include message texts and user and group names in logs")
	c.addOpsFlags(fs)
}

// addRunFlags binds the settings only qualbot run has to fs.
func (c *Config) addRunFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.LoginFile, "login-file", c.LoginFile, "the WeChat login `file` kept between restarts (created 0600)")
	fs.IntVar(&c.SendRate, "send-rate", c.SendRate, "at most `n` messages sent per minute, each with a random extra delay")
	c.channelConfig.addFlags(fs)
}

// listFlag is a comma-separated list flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	*l = nil
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			*l = append(*l, f)
		}
	}
	return nil
}

// defaultUnansweredLog is where the unanswered questions go when
// --unanswered is not given: the user's state directory ($XDG_STATE_HOME,
// else ~/.local/state on Unix; the configuration directory elsewhere),
// never the working directory, where they could end up in a repository.
func defaultUnansweredLog() string {
	return filepath.Join(stateDir(), "qualbot", "unanswered.jsonl")
}

// stateDir returns the directory for data a program keeps between runs.
func stateDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return d
	}
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" && runtime.GOOS != "ios" && runtime.GOOS != "plan9" {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, ".local", "state")
		}
	}
	if d, err := os.UserConfigDir(); err == nil {
		return d
	}
	return "."
}
