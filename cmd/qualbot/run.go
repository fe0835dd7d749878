package main

import (
	"context"
	"errors"
	"io"
)

// cmdRun is a placeholder until its issue lands.
func cmdRun(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return errors.New("run: not built yet")
}
