package main

import (
	"context"
	"errors"
	"io"
)

// cmdChat is a placeholder until its issue lands.
func cmdChat(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return errors.New("chat: not built yet")
}
