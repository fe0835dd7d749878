package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startServe runs qualbot serve with args until the test ends and returns
// the URL it printed.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--log-level", "error"}, args...), strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no URL: %v", err)
	}
	go io.Copy(io.Discard, pr)
	u := regexp.MustCompile(`http://\S+/`).FindString(line)
	if u == "" {
		t.Fatalf("serve printed %q, want its URL", line)
	}
	return u
}

func getJSON(t *testing.T, method, u, token string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, u, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
	}
	return res.StatusCode
}

// TestServe runs qualbot serve as an operator would: it listens on the
// loopback interface when no host is given, answers like qualbot ask,
// records what it could not answer, and reloads only with the token.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	unanswered := filepath.Join(dir, "unanswered.jsonl")
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte("tok-123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := startServe(t, "--addr", ":0", "--kb", goodKB, "--unanswered", unanswered, "--admin-token-file", tokenFile)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Errorf("serve listens at %s, want the loopback interface", base)
	}
	var v struct {
		Version string `json:"version"`
		Admin   bool   `json:"admin"`
	}
	if code := getJSON(t, "GET", base+"v1/version", "", &v); code != 200 || v.Version == "" || !v.Admin {
		t.Errorf("version: %d %+v", code, v)
	}
	const question = "小程序直播带货要什么资质"
	var ex struct{ Reply string }
	getJSON(t, "GET", base+"v1/ask?q="+url.QueryEscape(question), "", &ex)
	if want := botReply(t, question); ex.Reply != want {
		t.Errorf("serve's reply differs from the bot's:\n got %q\nwant %q", ex.Reply, want)
	}
	getJSON(t, "GET", base+"v1/ask?q="+url.QueryEscape("怎么做红烧肉"), "", nil)
	if b, _ := os.ReadFile(unanswered); !strings.Contains(string(b), "红烧肉") {
		t.Errorf("unanswered log = %q", b)
	}
	var tooLong struct{ Error struct{ Code string } }
	if code := getJSON(t, "GET", base+"v1/ask?q="+url.QueryEscape(strings.Repeat("直播资质", 900)), "", &tooLong); code != 400 || tooLong.Error.Code != "question_too_long" {
		t.Errorf("a 10 KB question: %d %q, want 400 question_too_long", code, tooLong.Error.Code)
	}
	if code := getJSON(t, "POST", base+"v1/reload", "", nil); code != 401 {
		t.Errorf("reload without the token: %d", code)
	}
	if code := getJSON(t, "POST", base+"v1/reload", "tok-123", nil); code != 200 {
		t.Errorf("reload with the token: %d", code)
	}
	if code := getJSON(t, "GET", base, "", nil); code != 200 {
		// The page is HTML; decoding is skipped by passing nil.
		t.Errorf("page: %d", code)
	}
}

func TestServe_Errors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte(" \n"), 0o600)
	for _, args := range [][]string{
		{"serve", "--admin-token-file", empty},
		{"serve", "--admin-token-file", filepath.Join(dir, "missing")},
		{"serve", "--kb", badKB},
		{"serve", "--addr", "127.0.0.1:notaport"},
		{"serve", "extra"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := run(ctx, args, strings.NewReader(""), io.Discard, io.Discard)
		cancel()
		if err == nil {
			t.Errorf("run %q: no error", args)
		}
	}
}

func TestAdminToken(t *testing.T) {
	t.Setenv(envAdminToken, "  from-env \n")
	if got, err := adminToken(""); err != nil || got != "from-env" {
		t.Errorf("adminToken from the environment = %q, %v", got, err)
	}
	f := filepath.Join(t.TempDir(), "tok")
	os.WriteFile(f, []byte("from-file\n"), 0o600)
	if got, err := adminToken(f); err != nil || got != "from-file" {
		t.Errorf("adminToken from a file = %q, %v; the file wins over the environment", got, err)
	}
}

func TestServe_Help(t *testing.T) {
	var stderr strings.Builder
	if err := run(context.Background(), []string{"serve", "-h"}, strings.NewReader(""), io.Discard, &stderr); err == nil {
		t.Error("serve -h: no flag.ErrHelp")
	}
	for _, want := range []string{"-addr", `(default "8080")`, "-admin-token-file", envAdminToken, "-client-limit", "(default 60:100ms)", "-kb", "-unanswered"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("serve -h does not mention %q", want)
		}
	}
}
