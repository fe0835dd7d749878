//go:build unix

package index

import (
	"errors"
	"syscall"
)

// processAlive reports whether process pid exists (signal 0 checks without
// sending anything; EPERM is a process of another user).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
