package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/qualbot/qualbot/bot"
)

// envConfig names the config file when --config is not given.
const envConfig = "QUALBOT_CONFIG"

// envPaths are the environment variables that override a file path from the
// config file (a flag overrides them in turn), and the flag each stands for.
var envPaths = []struct{ env, flag string }{
	{"QUALBOT_KB", "kb"},
	{"QUALBOT_LOGIN_FILE", "login-file"},
	{"QUALBOT_UNANSWERED_LOG", "unanswered"},
}

// addOpsFlags binds the operator's settings to fs: the config file, the
// rate limits, the logs and the metrics endpoint.
func (c *Config) addOpsFlags(fs *flag.FlagSet) {
	fs.String("config", "", "YAML `file` of settings, one \"flag-name: value\" per line (see below)")
	fs.Var((*bucketFlag)(&c.SenderLimit), "sender-limit", "token bucket per sender, `BURST:EVERY`: BURST messages at once, then one more every EVERY; 0 turns it off")
	fs.Var((*bucketFlag)(&c.ChatLimit), "chat-limit", "token bucket per chat, `BURST:EVERY`")
	fs.Var((*bucketFlag)(&c.SendBudget), "send-budget", "token bucket for all the messages the bot answers, `BURST:EVERY`")
	fs.DurationVar(&c.FollowUpTTL, "followup-ttl", c.FollowUpTTL, "how long a numbered list can be picked from by replying with a number")
	fs.Int64Var(&c.UnansweredMax, "unanswered-max", c.UnansweredMax, "`bytes` at which the unanswered-question log is rotated to FILE.1")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", c.MetricsAddr, "serve /metrics and /healthz on `[host]:port`; without a host, on 127.0.0.1 (default: off)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log `format`: auto (text on a terminal, JSON otherwise), text or json")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "least `level` logged: debug (also ignored messages), info (one line per message), warn or error")
}

// parseSettings parses args into fs, whose flags are bound to a Config,
// then fills each setting not given as a flag from the environment and the
// config file. Precedence: defaults < config file < environment < flags.
// It also adds the environment and the config file to fs's usage.
func parseSettings(fs *flag.FlagSet, args []string) error {
	usage := fs.Usage
	fs.Usage = func() {
		if usage != nil {
			usage()
		}
		printSettingsHelp(fs.Output(), fs)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	explicit := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { explicit[f.Name] = true })

	var path string
	if f := fs.Lookup("config"); f != nil {
		path = f.Value.String()
	}
	if v, ok := os.LookupEnv(envConfig); ok && !explicit["config"] {
		path = v
	}
	var errs []error
	if path != "" {
		settings, err := readConfigFile(path)
		if err != nil && settings == nil {
			return err
		}
		// Report every problem of the file at once: its own, then the
		// settings that do not exist or do not take their value.
		errs = append(errs, unjoin(err)...)
		all := allSettings()
		for _, s := range settings {
			switch {
			case s.key == "config" || all.Lookup(s.key) == nil:
				errs = append(errs, fmt.Errorf("%s:%d: unknown setting %q", path, s.line, s.key))
			case fs.Lookup(s.key) == nil || explicit[s.key]:
				// Another command's setting (the file is shared), or one
				// a flag gave.
			default:
				if pathSettings[s.key] {
					s.value = besideConfig(path, s.value)
				}
				if err := fs.Set(s.key, s.value); err != nil {
					errs = append(errs, fmt.Errorf("%s:%d: %s: %v", path, s.line, s.key, err))
				}
			}
		}
	}
	for _, e := range envPaths {
		if v, ok := os.LookupEnv(e.env); ok && fs.Lookup(e.flag) != nil && !explicit[e.flag] {
			if err := fs.Set(e.flag, v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %v", e.env, err))
			}
		}
	}
	return errors.Join(errs...)
}

// pathSettings are the settings that name a file or directory. In a config
// file, a relative one is relative to the file's directory, the way an
// include is: the file works from whatever directory qualbot starts in.
var pathSettings = map[string]bool{"kb": true, "login-file": true, "unanswered": true}

// besideConfig resolves value, a path from the config file at config.
func besideConfig(config, value string) string {
	if value == "" || filepath.IsAbs(value) {
		return value
	}
	return filepath.Join(filepath.Dir(config), value)
}

// allSettings returns a flag set with every setting of every command, for
// telling a setting of another command from a misspelt one.
func allSettings() *flag.FlagSet {
	fs := flag.NewFlagSet("all", flag.ContinueOnError)
	c := DefaultConfig()
	c.addFlags(fs)
	c.addRunFlags(fs)
	c.addServeFlags(fs)
	return fs
}

// printSettingsHelp explains the config file and the environment variables
// that apply to fs.
func printSettingsHelp(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "\nenvironment (overrides the config file; a flag overrides both):\n")
	fmt.Fprintf(w, "  %-24s the config file, like --config\n", envConfig)
	for _, e := range envPaths {
		if fs.Lookup(e.flag) != nil {
			fmt.Fprintf(w, "  %-24s like --%s\n", e.env, e.flag)
		}
	}
	fmt.Fprint(w, `
config file: YAML with the flags' names as keys, e.g.
  kb: /srv/qualbot/knowledge
  admins: [张三, 李四]
  metrics-addr: ":9090"
Settings of other commands are allowed in it; unknown keys are errors.
`)
}

// A setting is one key and its value from the config file.
type setting struct {
	key, value string
	line       int
}

// yamlLine matches the position yaml.v3 puts in its syntax errors.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// readConfigFile reads the settings in a YAML config file: a mapping of
// setting names to scalars or lists of scalars (lists become the
// comma-separated values the list flags take).
func readConfigFile(path string) ([]setting, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			return nil, fmt.Errorf("%s:%s: %s", path, m[1], strings.TrimPrefix(msg, m[0]))
		}
		return nil, fmt.Errorf("%s: %s", path, msg)
	}
	if len(doc.Content) == 0 {
		return nil, nil // an empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want settings as \"name: value\" lines", path, root.Line)
	}
	var (
		out  []setting
		errs []error
		seen = make(map[string]int)
	)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if first, ok := seen[k.Value]; ok {
			errs = append(errs, fmt.Errorf("%s:%d: %q is set twice (first at line %d)", path, k.Line, k.Value, first))
			continue
		}
		seen[k.Value] = k.Line
		s := setting{key: k.Value, line: k.Line}
		switch {
		case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		case v.Kind == yaml.ScalarNode:
			s.value = v.Value
		case v.Kind == yaml.SequenceNode:
			var items []string
			for _, it := range v.Content {
				if it.Kind != yaml.ScalarNode {
					errs = append(errs, fmt.Errorf("%s:%d: %s: want a list of plain values", path, it.Line, k.Value))
					continue
				}
				if strings.Contains(it.Value, ",") {
					errs = append(errs, fmt.Errorf("%s:%d: %s: %q: a name may not contain a comma", path, it.Line, k.Value, it.Value))
				}
				items = append(items, it.Value)
			}
			s.value = strings.Join(items, ",")
		default:
			errs = append(errs, fmt.Errorf("%s:%d: %s: want a value or a list", path, v.Line, k.Value))
			continue
		}
		out = append(out, s)
	}
	return out, errors.Join(errs...)
}

// bucketFlag is a bot.Bucket as a flag: "BURST:EVERY", or "0" for no limit.
type bucketFlag bot.Bucket

func (b *bucketFlag) String() string {
	if b == nil || b.Every <= 0 {
		return "0"
	}
	return fmt.Sprintf("%d:%s", b.Burst, b.Every)
}

func (b *bucketFlag) Set(s string) error {
	s = strings.TrimSpace(s)
	if s == "0" || s == "off" {
		*b = bucketFlag{}
		return nil
	}
	burst, every, ok := strings.Cut(s, ":")
	n, err := strconv.Atoi(burst)
	if !ok || err != nil || n < 1 {
		return fmt.Errorf("%q: want BURST:EVERY such as 5:6s, or 0", s)
	}
	d, err := time.ParseDuration(every)
	if err != nil || d <= 0 {
		return fmt.Errorf("%q: want BURST:EVERY such as 5:6s, or 0", s)
	}
	*b = bucketFlag{Every: d, Burst: n}
	return nil
}
