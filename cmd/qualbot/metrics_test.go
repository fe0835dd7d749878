package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
)

// lines is a fake Replier that keeps what the bot said.
type lines []string

func (l *lines) Reply(_ context.Context, text string) error {
	*l = append(*l, text)
	return nil
}

// scrape returns the body of GET url.
func scrape(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// metricValue returns the value of the sample named series (with its
// labels, as written in the exposition format) in body.
func metricValue(t *testing.T, body, series string) string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no sample %s in:\n%s", series, body)
	}
	return m[1]
}

// TestMetrics wires the bot over a copy of the shipped knowledge base, sends
// it messages and reindexes, and reads /metrics and /healthz over HTTP.
func TestMetrics(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	copyKB(t, dir)
	a := wireTest(t, dir)
	m := newMetrics(time.Now())
	a.instrument(m)
	srv := httptest.NewServer(m.handler())
	defer srv.Close()

	if code, body := scrape(t, srv.URL+"/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, `"logged_in":false`) {
		t.Errorf("/healthz before login = %d %s, want 503 not logged in", code, body)
	}
	m.setLoggedIn(true)
	m.setQueueDepth(3)

	ctx := context.Background()
	send := func(m bot.Message) {
		var out lines
		if err := a.Handler(ctx, &out, m); err != nil {
			t.Fatal(err)
		}
		a.Admin.Wait()
	}
	send(bot.Message{Chat: "u1", Sender: "u1", Text: "EDI是什么"})
	send(bot.Message{Chat: "u1", Sender: "u1", Text: "怎么做红烧肉"})
	send(bot.Message{Chat: "g", InGroup: true, Sender: "u2", Text: "今天谁去吃饭"})
	send(bot.Message{Chat: "u3", Sender: "u3", Text: "/reindex"})
	send(bot.Message{Chat: "me", Owner: true, Text: "/reindex"})
	version := a.Index.Base().Version
	// A broken knowledge directory: the reindex fails and the old base serves.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	send(bot.Message{Chat: "me", Owner: true, Text: "/reindex"})

	code, body := scrape(t, srv.URL+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d", code)
	}
	for _, test := range []struct{ series, want string }{
		{`qualbot_messages_total{decision="answered"}`, "1"},
		{`qualbot_messages_total{decision="declined"}`, "1"},
		{`qualbot_messages_total{decision="ignored"}`, "1"},
		{`qualbot_messages_total{decision="refused"}`, "1"},
		{`qualbot_messages_total{decision="admin"}`, "2"},
		{`qualbot_messages_total{decision="rate-limited"}`, "0"},
		{`qualbot_message_duration_seconds_count`, "5"},
		{`qualbot_reindexes_total{result="ok"}`, "1"},
		{`qualbot_reindexes_total{result="error"}`, "1"},
		{`qualbot_reindex_duration_seconds_count`, "2"},
		{fmt.Sprintf(`qualbot_knowledge_info{version=%q}`, version), "1"},
		{`qualbot_knowledge_entries{kind="category"}`, fmt.Sprint(len(a.Index.Base().Categories))},
		{`qualbot_logged_in`, "1"},
		{`qualbot_send_queue_depth`, "3"},
	} {
		if got := metricValue(t, body, test.series); got != test.want {
			t.Errorf("%s = %s, want %s", test.series, got, test.want)
		}
	}
	if n := strings.Count(body, "qualbot_knowledge_info{"); n != 1 {
		t.Errorf("%d knowledge_info series, want 1", n)
	}
	if !strings.Contains(body, "go_goroutines") || !strings.Contains(body, "process_") {
		t.Error("no Go or process metrics")
	}

	code, body = scrape(t, srv.URL+"/healthz")
	var h health
	if err := json.Unmarshal([]byte(body), &h); err != nil || code != http.StatusOK || h.Status != "ok" || !h.LoggedIn || h.KnowledgeVersion != version {
		t.Errorf("/healthz = %d %s (%v)", code, body, err)
	}
}

func TestListenAddr(t *testing.T) {
	for _, test := range []struct{ in, want string }{
		{"9090", "127.0.0.1:9090"},
		{":9090", "127.0.0.1:9090"},
		{"0.0.0.0:9090", "0.0.0.0:9090"},
		{"localhost:9090", "localhost:9090"},
		{"[::1]:9090", "[::1]:9090"},
		{":0", "127.0.0.1:0"},
	} {
		if got := listenAddr(test.in); got != test.want {
			t.Errorf("listenAddr(%q) = %q, want %q", test.in, got, test.want)
		}
	}
}

func TestServeMetrics(t *testing.T) {
	m := newMetrics(time.Now())
	ctx, cancel := context.WithCancel(context.Background())
	addr, stop, err := serveMetrics(ctx, ":0", m.handler(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Errorf("listening on %s, want the loopback interface", addr)
	}
	if code, _ := scrape(t, "http://"+addr+"/metrics"); code != http.StatusOK {
		t.Errorf("/metrics = %d", code)
	}
	// The port is taken now: a second endpoint on it fails at once.
	if _, _, err := serveMetrics(context.Background(), addr, m.handler(), slog.New(slog.DiscardHandler)); err == nil {
		t.Error("second serveMetrics on a used port: no error")
	}
	cancel()
	stop() // waits for the shutdown the cancel started
	if _, err := http.Get("http://" + addr + "/metrics"); err == nil {
		t.Error("endpoint still serving after the context ended")
	}
}

// TestChat_Metrics runs qualbot chat as a user would, with --metrics-addr,
// and reads /metrics and /healthz while it runs.
func TestChat_Metrics(t *testing.T) {
	clearEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	stdin, w := io.Pipe()
	stdout, stdoutW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"chat", "--metrics-addr", addr}, stdin, stdoutW, io.Discard)
		stdoutW.Close()
	}()
	// Read the banner and each reply's first line so we know chat answered.
	out := bufio.NewScanner(stdout)
	go func() {
		fmt.Fprintln(w, "EDI是什么")
		fmt.Fprintln(w, "怎么做红烧肉")
	}()
	var seen strings.Builder
	for out.Scan() {
		seen.WriteString(out.Text() + "\n")
		if strings.Contains(seen.String(), "帮助") && strings.Count(seen.String(), "\n\n") >= 2 {
			break
		}
	}
	go io.Copy(io.Discard, stdout)

	var body string
	for range 50 { // the decline may still be on its way
		_, body = scrape(t, "http://"+addr+"/metrics")
		if strings.Contains(body, `qualbot_messages_total{decision="declined"} 1`) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range []string{`qualbot_messages_total{decision="answered"} 1`, `qualbot_messages_total{decision="declined"} 1`, `qualbot_logged_in 1`} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics has no %s:\n%s", want, body)
		}
	}
	if code, body := scrape(t, "http://"+addr+"/healthz"); code != http.StatusOK || !strings.Contains(body, `"status":"ok"`) {
		t.Errorf("/healthz = %d %s", code, body)
	}
	w.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("endpoint still serving after chat ended")
	}
}
