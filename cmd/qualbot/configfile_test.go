package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
)

// clearEnv unsets the environment variables qualbot reads, for this test.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{envConfig, "QUALBOT_KB", "QUALBOT_LOGIN_FILE", "QUALBOT_UNANSWERED_LOG"} {
		t.Setenv(k, "") // restores the old value after the test
		os.Unsetenv(k)
	}
}

// writeFile writes text to name in a new temporary directory and returns its path.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runSettings parses args the way qualbot run does.
func runSettings(args []string) (Config, error) {
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg.addFlags(fs)
	cfg.addRunFlags(fs)
	err := parseSettings(fs, args)
	return cfg, err
}

func TestParseSettings_Precedence(t *testing.T) {
	clearEnv(t)
	file := writeFile(t, "qualbot.yaml", `# defaults < file < environment < flags
kb: /from/file/kb
prefix: 文件
login-file: /from/file/login.json
unanswered: /from/file/unanswered.jsonl
admins: [张三, 李四]
groups: 开发群
send-rate: 12
log-text: true
sender-limit: "3:10s"
followup-ttl: 2m
`)
	t.Setenv("QUALBOT_KB", "/from/env/kb")
	t.Setenv("QUALBOT_LOGIN_FILE", "/from/env/login.json")
	cfg, err := runSettings([]string{"--config", file, "--prefix", "旗", "--login-file", "/from/flag/login.json"})
	if err != nil {
		t.Fatal(err)
	}
	for _, test := range []struct{ name, got, want string }{
		{"kb: env over file", cfg.KnowledgeDir, "/from/env/kb"},
		{"prefix: flag over file", cfg.GroupPrefix, "旗"},
		{"login-file: flag over env and file", cfg.LoginFile, "/from/flag/login.json"},
		{"unanswered: file over default", cfg.UnansweredLog, "/from/file/unanswered.jsonl"},
		{"log-format: default", cfg.LogFormat, "auto"},
	} {
		if test.got != test.want {
			t.Errorf("%s: got %q, want %q", test.name, test.got, test.want)
		}
	}
	if !slices.Equal(cfg.Admins, []string{"张三", "李四"}) || !slices.Equal(cfg.Groups, []string{"开发群"}) {
		t.Errorf("lists: admins %q, groups %q", cfg.Admins, cfg.Groups)
	}
	if cfg.SendRate != 12 || !cfg.LogText || cfg.FollowUpTTL != 2*time.Minute {
		t.Errorf("send-rate %d, log-text %v, followup-ttl %v", cfg.SendRate, cfg.LogText, cfg.FollowUpTTL)
	}
	if cfg.SenderLimit != (bot.Bucket{Every: 10 * time.Second, Burst: 3}) {
		t.Errorf("sender-limit = %+v", cfg.SenderLimit)
	}
	if def := DefaultConfig(); cfg.ChatLimit != def.ChatLimit {
		t.Errorf("chat-limit = %+v, want the default %+v", cfg.ChatLimit, def.ChatLimit)
	}
}

func TestParseSettings_Environment(t *testing.T) {
	clearEnv(t)
	file := writeFile(t, "qualbot.yaml", "unanswered: /from/file.jsonl\nprefix: 问\n")
	t.Setenv(envConfig, file)
	t.Setenv("QUALBOT_UNANSWERED_LOG", "") // an empty path turns the log off
	cfg, err := runSettings(nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.GroupPrefix != "问" || cfg.UnansweredLog != "" {
		t.Errorf("QUALBOT_CONFIG file not read, or QUALBOT_UNANSWERED_LOG ignored: prefix %q, unanswered %q", cfg.GroupPrefix, cfg.UnansweredLog)
	}
	// --config overrides QUALBOT_CONFIG.
	other := writeFile(t, "other.yaml", "prefix: 另\n")
	if cfg, err = runSettings([]string{"--config", other}); err != nil || cfg.GroupPrefix != "另" {
		t.Errorf("--config over QUALBOT_CONFIG: prefix %q, err %v", cfg.GroupPrefix, err)
	}
}

func TestParseSettings_Errors(t *testing.T) {
	clearEnv(t)
	for _, test := range []struct {
		name, yaml string
		want       []string
	}{
		{"unknown key", "prefix: 资质\n\nprefx: 资质\nconfig: other.yaml\n",
			[]string{`qualbot.yaml:3: unknown setting "prefx"`, `qualbot.yaml:4: unknown setting "config"`}},
		{"bad value", "send-rate: many\nsender-limit: 5\n",
			[]string{"qualbot.yaml:1: send-rate:", "qualbot.yaml:2: sender-limit:"}},
		{"syntax", "prefix: 资质\nadmins: [a, b\n", []string{"qualbot.yaml:"}},
		{"not a mapping", "- kb\n- prefix\n", []string{`qualbot.yaml:1: want settings as "name: value" lines`}},
		{"nested", "admins:\n  a: b\n", []string{"qualbot.yaml:2: admins: want a value or a list"}},
		{"set twice", "prefix: a\nprefix: b\n", []string{"qualbot.yaml:2: \"prefix\" is set twice (first at line 1)"}},
		{"comma in a list item", "admins: [\"a,b\"]\n", []string{"qualbot.yaml:1: admins:"}},
	} {
		t.Run(test.name, func(t *testing.T) {
			file := writeFile(t, "qualbot.yaml", test.yaml)
			_, err := runSettings([]string{"--config", file})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range test.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		_, err := runSettings([]string{"--config", filepath.Join(t.TempDir(), "none.yaml")})
		if err == nil || !strings.Contains(err.Error(), "none.yaml") {
			t.Errorf("err = %v, want one naming the file", err)
		}
	})
	t.Run("empty file", func(t *testing.T) {
		if _, err := runSettings([]string{"--config", writeFile(t, "q.yaml", "# nothing yet\n")}); err != nil {
			t.Errorf("err = %v", err)
		}
	})
}

// TestParseSettings_SharedFile checks that chat accepts a config file
// written for run: run's settings are not unknown, just not chat's.
func TestParseSettings_SharedFile(t *testing.T) {
	clearEnv(t)
	file := writeFile(t, "qualbot.yaml", "login-file: /srv/login.json\nsend-rate: 20\nprefix: 问\n")
	t.Setenv("QUALBOT_LOGIN_FILE", "/env/login.json")
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	cfg.addFlags(fs)
	if err := parseSettings(fs, []string{"--config", file}); err != nil {
		t.Fatal(err)
	}
	if cfg.GroupPrefix != "问" || cfg.SendRate != DefaultConfig().SendRate {
		t.Errorf("prefix %q, send-rate %d", cfg.GroupPrefix, cfg.SendRate)
	}
}

func TestBucketFlag(t *testing.T) {
	for _, test := range []struct {
		in   string
		want bot.Bucket
		bad  bool
	}{
		{"5:6s", bot.Bucket{Every: 6 * time.Second, Burst: 5}, false},
		{" 1:1m ", bot.Bucket{Every: time.Minute, Burst: 1}, false},
		{"0", bot.Bucket{}, false},
		{"off", bot.Bucket{}, false},
		{"5", bot.Bucket{}, true},
		{"0:1s", bot.Bucket{}, true},
		{"5:0s", bot.Bucket{}, true},
		{"5:soon", bot.Bucket{}, true},
		{"x:1s", bot.Bucket{}, true},
	} {
		var b bucketFlag
		err := b.Set(test.in)
		if (err != nil) != test.bad || (err == nil && bot.Bucket(b) != test.want) {
			t.Errorf("Set(%q) = %+v, %v; want %+v, error %v", test.in, b, err, test.want, test.bad)
		}
		if err == nil {
			var again bucketFlag
			if err := again.Set(b.String()); err != nil || again != b {
				t.Errorf("Set(%q).String() = %q does not parse back: %v", test.in, b.String(), err)
			}
		}
	}
}

// TestHelp checks that qualbot -h and qualbot run -h name every setting
// with its default and the environment variables, and chat -h its own.
func TestHelp(t *testing.T) {
	clearEnv(t)
	all := allSettings()
	runFlags := flag.NewFlagSet("run", flag.ContinueOnError)
	runCfg := DefaultConfig()
	runCfg.addRunFlags(runFlags)
	for _, args := range [][]string{{"-h"}, {"run", "-h"}, {"chat", "-h"}} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
		if err != flag.ErrHelp {
			t.Errorf("%q: err = %v, want flag.ErrHelp", args, err)
		}
		help := stderr.String()
		isChat := args[0] == "chat"
		all.VisitAll(func(f *flag.Flag) {
			runOnly := runFlags.Lookup(f.Name) != nil
			serveOnly := f.Name == "addr" || f.Name == "admin-token-file" || f.Name == "client-limit"
			if isChat && runOnly || serveOnly {
				return
			}
			if !strings.Contains(help, "-"+f.Name+" ") && !strings.Contains(help, "-"+f.Name+"\n") {
				t.Errorf("%q: help does not name -%s", args, f.Name)
			}
		})
		for _, want := range []string{"QUALBOT_CONFIG", "QUALBOT_KB", "QUALBOT_UNANSWERED_LOG", `(default "info")`, "(default 5:6s)", "config file:"} {
			if isChat && want == `(default "info")` {
				want = `(default "warn")`
			}
			if !strings.Contains(help, want) {
				t.Errorf("%q: help does not contain %q", args, want)
			}
		}
		if got := strings.Contains(help, "QUALBOT_LOGIN_FILE"); got == isChat {
			t.Errorf("%q: help names QUALBOT_LOGIN_FILE = %v", args, got)
		}
	}
}

// TestSampleConfig checks the sample qualbot.yaml in README.md: it
// loads, and it gives the defaults, as it says.
func TestSampleConfig(t *testing.T) {
	clearEnv(t)
	doc, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```yaml\n# qualbot.yaml")
	sample, _, ok2 := strings.Cut("# qualbot.yaml"+rest, "```")
	if !ok || !ok2 {
		t.Fatal("no sample qualbot.yaml in README.md")
	}
	cfg, err := runSettings([]string{"--config", writeFile(t, "qualbot.yaml", sample)})
	if err != nil {
		t.Fatalf("the sample config: %v", err)
	}
	if want := DefaultConfig(); !reflect.DeepEqual(cfg, want) {
		t.Errorf("the sample config gives\n%+v\nwant the defaults\n%+v", cfg, want)
	}
	// Every commented-out setting is a real one.
	all := allSettings()
	commented := regexp.MustCompile(`(?m)^# ([a-z][a-z-]*): `)
	found := commented.FindAllStringSubmatch(sample, -1)
	if len(found) < 5 {
		t.Errorf("only %d commented-out settings found in the sample", len(found))
	}
	for _, m := range found {
		if all.Lookup(m[1]) == nil {
			t.Errorf("sample names an unknown setting %q", m[1])
		}
	}
}

// TestParseSettings_RelativePaths: a relative path in a config file used to
// resolve against the working directory, not the file's.
func TestParseSettings_RelativePaths(t *testing.T) {
	clearEnv(t)
	path := writeFile(t, "qualbot.yaml", "kb: knowledge\nunanswered: logs/unanswered.jsonl\nlogin-file: /abs/login.json\n")
	dir := filepath.Dir(path)
	cfg, err := runSettings([]string{"--config", path})
	if err != nil {
		t.Fatal(err)
	}
	for _, test := range []struct{ name, got, want string }{
		{"kb", cfg.KnowledgeDir, filepath.Join(dir, "knowledge")},
		{"unanswered", cfg.UnansweredLog, filepath.Join(dir, "logs", "unanswered.jsonl")},
		{"login-file", cfg.LoginFile, "/abs/login.json"},
	} {
		if test.got != test.want {
			t.Errorf("%s = %q, want %q", test.name, test.got, test.want)
		}
	}
	// A flag is relative to the working directory, as always.
	cfg, err = runSettings([]string{"--config", path, "--kb", "here"})
	if err != nil || cfg.KnowledgeDir != "here" {
		t.Errorf("--kb here with a config file: %q, %v; want %q", cfg.KnowledgeDir, err, "here")
	}
}

// TestParseSettings_AllErrors: only the first class of errors used to be
// reported (a repeated key hid a misspelt one and a bad value).
func TestParseSettings_AllErrors(t *testing.T) {
	clearEnv(t)
	path := writeFile(t, "bad.yaml", "prefix: 资质\nprefix: 问\nadmin: [张三]\nsend-rate: many\n")
	_, err := runSettings([]string{"--config", path})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{":2: \"prefix\" is set twice", ":3: unknown setting \"admin\"", ":4: send-rate:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error:\n%v\nwant it to include %q", err, want)
		}
	}
}

// TestShutdownSignals: SIGHUP used to kill qualbot without draining its
// queued replies; it now shuts down like SIGTERM.
func TestShutdownSignals(t *testing.T) {
	for _, want := range []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP} {
		if !slices.Contains(shutdownSignals, want) {
			t.Errorf("%v does not shut down gracefully", want)
		}
	}
}

// TestRun_AllSettingErrors: run reported only the first bad setting.
func TestRun_AllSettingErrors(t *testing.T) {
	clearEnv(t)
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"run", "--send-rate", "0", "--login-file", "", "--log-format", "xml"}, strings.NewReader(""), &stdout, &stderr)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"--send-rate 0", "--login-file is empty", "xml"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error:\n%v\nwant it to include %q", err, want)
		}
	}
}
