package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestLongLine: a line of 1 MiB or more used to end chat and ask with exit
// status 1 and lose the questions after it.
func TestLongLine(t *testing.T) {
	long := strings.Repeat("直播", 1<<20/3) // more than 1 MiB
	in := "备案要多久\n" + long + "\n备案要多久\n"
	for _, cmd := range []string{"ask", "chat"} {
		t.Run(cmd, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), []string{cmd, "--kb", askKB}, strings.NewReader(in), &stdout, &stderr)
			if err != nil {
				t.Fatalf("%s: %v\n%s", cmd, err, &stderr)
			}
			if n := strings.Count(stdout.String(), "【"); n < 2 {
				t.Errorf("%s answered %d times, want the question after the long line answered too:\n%.500s", cmd, n, stdout.String())
			}
			if stdout.Len() > 200<<10 {
				t.Errorf("%s wrote %d bytes, want the long line capped", cmd, stdout.Len())
			}
		})
	}
}

func TestLineScanner(t *testing.T) {
	in := "ab\n" + strings.Repeat("字", 10) + "\r\nlast"
	s := newLineScanner(strings.NewReader(in), 10)
	var got []string
	for s.Scan() {
		got = append(got, s.Text())
	}
	if s.Err() != nil {
		t.Fatal(s.Err())
	}
	if want := []string{"ab", "字字字", "last"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lines = %q, want %q", got, want)
	}
}

// TestDefaultUnansweredLog: the questions went to unanswered.jsonl in the
// working directory, often a repository checkout.
func TestDefaultUnansweredLog(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/state")
	if got, want := defaultUnansweredLog(), filepath.Join("/state", "qualbot", "unanswered.jsonl"); got != want {
		t.Errorf("defaultUnansweredLog() = %q, want %q", got, want)
	}
	t.Setenv("XDG_STATE_HOME", "")
	if got := defaultUnansweredLog(); !filepath.IsAbs(got) {
		t.Errorf("defaultUnansweredLog() = %q, want a path in the user's state directory", got)
	}
}
