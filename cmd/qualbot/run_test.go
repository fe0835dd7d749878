package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunFlags checks that qualbot run rejects bad settings before it
// contacts WeChat (these tests must not reach the network).
func TestRunFlags(t *testing.T) {
	login := filepath.Join(t.TempDir(), "login.json")
	for _, test := range []struct {
		name string
		args []string
		want string
	}{
		{"zero send rate", []string{"run", "--login-file", login, "--send-rate", "0"}, "--send-rate 0"},
		{"send rate too high", []string{"--login-file", login, "--send-rate", "1000"}, "--send-rate 1000"},
		{"empty login file", []string{"run", "--login-file", ""}, "--login-file is empty"},
		{"stray argument", []string{"run", "--login-file", login, "extra"}, "unexpected arguments"},
		{"missing knowledge directory", []string{"run", "--login-file", login, "--kb", filepath.Join(t.TempDir(), "none")}, "load knowledge base"},
	} {
		t.Run(test.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), test.args, strings.NewReader(""), &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), test.want) {
				t.Errorf("run(%q) = %v, want an error containing %q", test.args, err, test.want)
			}
		})
	}
}

func TestDefaultLoginFile(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("HOME", home)
	got := defaultLoginFile()
	if !strings.HasPrefix(got, home) || !strings.HasSuffix(got, filepath.Join("qualbot", "login.json")) {
		t.Errorf("defaultLoginFile() = %q, want a qualbot/login.json under the user's config directory", got)
	}
}
