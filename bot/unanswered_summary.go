package bot

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"
)

// An UnansweredQuestion is a question the bot could not answer, how often
// it was asked and when last.
type UnansweredQuestion struct {
	Question string    `json:"question"`
	Count    int       `json:"count"`
	Last     time.Time `json:"last"`
}

// Summary reads the log, the rotated file and then the current one, and
// returns at most top questions, the most asked first (the latest first
// among equals). Lines it cannot read are skipped; a missing file is an
// empty log.
func (l *UnansweredLog) Summary(top int) ([]UnansweredQuestion, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	at := map[string]int{}
	var out []UnansweredQuestion
	for _, p := range []string{l.Path + ".1", l.Path} {
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("unanswered log: %w", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			var e unansweredEntry
			if json.Unmarshal(sc.Bytes(), &e) != nil {
				continue
			}
			q := strings.TrimSpace(e.Question)
			if q == "" {
				continue
			}
			i, ok := at[q]
			if !ok {
				i = len(out)
				at[q] = i
				out = append(out, UnansweredQuestion{Question: q})
			}
			out[i].Count++
			if e.Time.After(out[i].Last) {
				out[i].Last = e.Time
			}
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("unanswered log: %w", err)
		}
	}
	slices.SortFunc(out, func(a, b UnansweredQuestion) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), b.Last.Compare(a.Last), strings.Compare(a.Question, b.Question))
	})
	if top >= 0 && len(out) > top {
		out = out[:top]
	}
	return out, nil
}
