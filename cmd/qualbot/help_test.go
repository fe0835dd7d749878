package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// Every command's -h names what --kb takes the same way, as the README does.
func TestHelp_KbTakesADirectory(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"run", "chat", "ask", "check", "serve", "mcp"} {
		var stdout, stderr bytes.Buffer
		_ = run(context.Background(), []string{cmd, "-h"}, strings.NewReader(""), &stdout, &stderr)
		help := stdout.String() + stderr.String()
		if !strings.Contains(help, "-kb directory\n") {
			t.Errorf("qualbot %s -h does not show \"-kb directory\":\n%s", cmd, help)
		}
	}
}
