package main

import (
	"context"
	"errors"
	"io"
)

// cmdAsk is a placeholder until its issue lands.
func cmdAsk(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return errors.New("ask: not built yet")
}
