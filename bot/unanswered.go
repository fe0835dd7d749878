package bot

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"
)

// DefaultUnansweredMax is the size at which the unanswered-question log is rotated.
const DefaultUnansweredMax = 1 << 20

// UnansweredLog appends declined questions to a JSON-lines file for the
// knowledge-base curators: {"time", "chat": "group"|"direct", "question"}.
// It records who asked only when WithSender is set, and only the file's
// owner may read it: questions are what users typed. When the file grows
// past Max bytes it is renamed to Path+".1" (replacing the previous one)
// and a new file starts, so the log never takes more than about twice Max.
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
	e := unansweredEntry{Time: now(m.Time).UTC(), Chat: "direct", Question: question}
	if m.InGroup {
		e.Chat = "group"
	}
	if l.WithSender {
		e.Sender = m.Identity
		if e.Sender == "" {
			e.Sender = m.SenderName
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
	if fi, err := os.Stat(l.Path); err == nil && fi.Size()+int64(len(line)) > max {
		if err := os.Rename(l.Path, l.Path+".1"); err != nil {
			return fmt.Errorf("unanswered log: rotate: %w", err)
		}
	}
	f, err := os.OpenFile(l.Path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("unanswered log: %w", err)
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return fmt.Errorf("unanswered log: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("unanswered log: %w", err)
	}
	return nil
}
