package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestNewLogger(t *testing.T) {
	for _, test := range []struct {
		format, level string
		wantJSON      bool
		wantInfo      bool
	}{
		{"auto", "info", true, true}, // a buffer is not a terminal
		{"", "info", true, true},
		{"json", "warn", true, false},
		{"text", "debug", false, true},
		{"text", "ERROR", false, false},
	} {
		var buf bytes.Buffer
		log, err := newLogger(&buf, test.format, test.level)
		if err != nil {
			t.Fatalf("newLogger(%q, %q): %v", test.format, test.level, err)
		}
		log.Info("message", "decision", "answered")
		log.Error("handle message", "err", "boom")
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if want := map[bool]int{true: 2, false: 1}[test.wantInfo]; len(lines) != want {
			t.Errorf("%s/%s: %d lines, want %d:\n%s", test.format, test.level, len(lines), want, buf.String())
		}
		var v map[string]any
		isJSON := json.Unmarshal([]byte(lines[0]), &v) == nil
		if isJSON != test.wantJSON {
			t.Errorf("%s/%s: JSON = %v, want %v: %s", test.format, test.level, isJSON, test.wantJSON, lines[0])
		}
	}
	for _, bad := range [][2]string{{"xml", "info"}, {"auto", "loud"}} {
		if _, err := newLogger(&bytes.Buffer{}, bad[0], bad[1]); err == nil {
			t.Errorf("newLogger(%q, %q): no error", bad[0], bad[1])
		}
	}
}
