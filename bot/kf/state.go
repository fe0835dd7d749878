package kf

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// handledKeep is how many handled message ids the state file remembers.
const handledKeep = 2000

// state is what survives a restart: the sync_msg cursor and the ids of the
// messages handled since the page it points at was read.
type state struct {
	Cursor  string   `json:"cursor"`
	Handled []string `json:"handled,omitempty"`
}

// stateFile keeps state in a JSON file, written atomically with mode 0600.
type stateFile struct {
	path string
	st   state
	ids  map[string]bool
}

func openState(path string) (*stateFile, error) {
	f := &stateFile{path: path, ids: map[string]bool{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("kf: read state: %w", err)
	}
	if err := json.Unmarshal(data, &f.st); err != nil {
		return nil, fmt.Errorf("kf: state file %s: %w", path, err)
	}
	for _, id := range f.st.Handled {
		f.ids[id] = true
	}
	return f, nil
}

// fresh reports that no cursor was ever saved: the first start.
func (f *stateFile) fresh() bool { return f.st.Cursor == "" }

func (f *stateFile) handled(id string) bool { return f.ids[id] }

// markHandled records id and saves.
func (f *stateFile) markHandled(id string) error {
	if f.ids[id] {
		return nil
	}
	f.ids[id] = true
	f.st.Handled = append(f.st.Handled, id)
	if n := len(f.st.Handled) - handledKeep; n > 0 {
		for _, old := range f.st.Handled[:n] {
			delete(f.ids, old)
		}
		f.st.Handled = append([]string(nil), f.st.Handled[n:]...)
	}
	return f.save()
}

// advance records the cursor after a page whose messages are all handled.
func (f *stateFile) advance(cursor string) error {
	if cursor == "" || cursor == f.st.Cursor {
		return nil
	}
	f.st.Cursor = cursor
	return f.save()
}

func (f *stateFile) save() error {
	data, err := json.Marshal(f.st)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return fmt.Errorf("kf: save state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.path), ".kf-state-*")
	if err != nil {
		return fmt.Errorf("kf: save state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("kf: save state: %w", err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("kf: save state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("kf: save state: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("kf: save state: %w", err)
	}
	return nil
}
