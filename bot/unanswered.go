package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// DefaultUnansweredMax is the size at which the unanswered-question log is rotated.
const DefaultUnansweredMax = 1 << 20

// MaxQuestionRunes is how much of a question the unanswered log and /stats
// keep. A curator needs the gist; a pasted megabyte would otherwise push
// every other question out of the log and fill memory.
const MaxQuestionRunes = 200

// UnansweredLog appends declined questions to a JSON-lines file for the
// knowledge-base curators: {"time", "chat": "group"|"direct", "question"},
// the question cut to MaxQuestionRunes. It records who asked only when
// WithSender is set, and only the file's owner may read it: questions are
// what users typed. The file is opened without following a symbolic link,
// and an existing file is made 0600. When it grows past Max bytes it is
// renamed to Path+".1" (replacing the previous one) and a new file starts,
// so the log never takes more than about twice Max; with each line bounded,
// a rotation keeps thousands of questions.
type UnansweredLog struct {
	Path       string
	Max        int64 // 0 means DefaultUnansweredMax
	WithSender bool

	mu sync.Mutex
}

// An unansweredEntry is one line of the log.
type unansweredEntry struct {
	Time     time.Time `json:"time"`
	Chat     string    `json:"chat"`
	Question string    `json:"question"`
	Sender   string    `json:"sender,omitempty"`
}

// Record appends one question asked in m's chat.
func (l *UnansweredLog) Record(m Message, question string) error {
	e := unansweredEntry{Time: now(m.Time).UTC(), Chat: "direct", Question: clip(question, MaxQuestionRunes)}
	if m.InGroup {
		e.Chat = "group"
	}
	if l.WithSender {
		e.Sender = clip(m.Identity, MaxQuestionRunes)
		if e.Sender == "" {
			e.Sender = clip(m.SenderName, MaxQuestionRunes)
		}
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("unanswered log: %w", err)
	}
	line = append(line, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	max := l.Max
	if max <= 0 {
		max = DefaultUnansweredMax
	}
	if fi, err := os.Lstat(l.Path); err == nil && fi.Mode().IsRegular() && fi.Size()+int64(len(line)) > max {
		if err := os.Rename(l.Path, l.Path+".1"); err != nil {
			return fmt.Errorf("unanswered log: rotate: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(l.Path), 0o700); err != nil {
		return fmt.Errorf("unanswered log: %w", err)
	}
	// O_NOFOLLOW: a link planted at the path must not redirect the
	// questions into another file.
	f, err := os.OpenFile(l.Path, os.O_APPEND|os.O_CREATE|os.O_WRONLY|oNoFollow, 0o600)
	if err != nil {
		return fmt.Errorf("unanswered log: %w", err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = errors.New("not a regular file")
	}
	if err == nil && fi.Mode().Perm() != 0o600 {
		err = f.Chmod(0o600)
	}
	if err == nil {
		_, err = f.Write(line)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("unanswered log: %s: %w", l.Path, err)
	}
	return nil
}
