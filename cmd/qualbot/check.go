package main

import (
	"context"
	"errors"
	"io"
)

// cmdCheck is a placeholder until its issue lands.
func cmdCheck(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return errors.New("check: not built yet")
}
