//go:build unix

package bot

import "syscall"

// oNoFollow makes OpenFile fail on a symbolic link.
const oNoFollow = syscall.O_NOFOLLOW
