//go:build unix

package index

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// The directory of a snapshot opened by a process that is gone is removed
// when another opens one; those of live processes stay.
func TestSnapshot_StaleDirectories(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	done := exec.Command(os.Args[0], "-test.run=^$")
	if err := done.Run(); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(tmp, snapshotDirPrefix+strconv.Itoa(done.Process.Pid)+"-1")
	live := filepath.Join(tmp, snapshotDirPrefix+strconv.Itoa(os.Getppid())+"-1")
	other := filepath.Join(tmp, "qualbot-index-notes")
	for _, d := range []string{stale, live, other} {
		if err := os.MkdirAll(filepath.Join(d, "store"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	removeStaleSnapshots()
	for d, want := range map[string]bool{stale: false, live: true, other: true} {
		if _, err := os.Stat(d); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(d), err == nil, want)
		}
	}
	s := openSnapshot(shippedBase(t), DefaultParams())
	if s == nil {
		t.Fatal("the snapshot does not open")
	}
	if _, err := os.Stat(s.tmp); err != nil || filepath.Dir(s.tmp) != tmp {
		t.Errorf("open snapshot directory %s: %v", s.tmp, err)
	}
	if err := s.close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the directory of a closed snapshot is left: %v", err)
	}
}
