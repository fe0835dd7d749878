package index_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qualbot/qualbot/index"
	"github.com/qualbot/qualbot/knowledge"
)

// TestReload_WhileSearching reloads the shipped knowledge base (a second
// Base of the same files, as /reindex makes) while 2 goroutines search it:
// not one search may fail, and every search must find what the shipped base
// answers. One reload proves it; TestReload swaps back and forth on a small
// base, and the bot's TestAnswer_ReloadNeverMixes checks whole replies.
func TestReload_WhileSearching(t *testing.T) {
	t.Parallel()
	kb, err := knowledge.Load(knowledge.Shipped())
	if err != nil {
		t.Fatal(err)
	}
	// A second, different base: the same files loaded again (a new Base,
	// as /reindex makes) minus the last topic.
	other, err := knowledge.Load(knowledge.Shipped())
	if err != nil {
		t.Fatal(err)
	}
	other.Topics = other.Topics[:len(other.Topics)-1]
	other.Version += "-minus-a-topic" // the version names the content
	ix, err := index.Build(kb)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()

	questions := []string{"直播带货的小程序要什么资质", "EDI是什么", "備案要多久", "医疗器械", "今天天气怎么样"}
	want := make(map[string]string)
	for _, q := range questions {
		res, err := ix.Search(context.Background(), q, 3)
		if err != nil {
			t.Fatal(err)
		}
		want[q] = topOf(res)
	}

	var (
		wg               sync.WaitGroup
		stop             atomic.Bool
		searches, failed atomic.Int64
		mu               sync.Mutex
		wrong            []string
	)
	const searchers = 2
	for g := range searchers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; !stop.Load(); i++ {
				q := questions[i%len(questions)]
				res, err := ix.Search(context.Background(), q, 3)
				searches.Add(1)
				if err != nil {
					failed.Add(1)
					continue
				}
				if got := topOf(res); got != want[q] {
					mu.Lock()
					wrong = append(wrong, fmt.Sprintf("%s: top %q, want %q", q, got, want[q]))
					mu.Unlock()
				}
				// Searching flat out would only starve the rebuild of the
				// two cores a test machine may have.
				time.Sleep(time.Millisecond)
			}
		}()
	}
	const reloads = 1 // each rebuild of the shipped base takes about a second
	for i := range reloads {
		next := kb
		if i%2 == 0 {
			next = other
		}
		if err := ix.Reload(next); err != nil {
			t.Errorf("reload %d: %v", i, err)
		}
	}
	stop.Store(true)
	wg.Wait()
	t.Logf("%d searches by %d goroutines during %d reloads", searches.Load(), searchers, reloads)
	if failed.Load() != 0 {
		t.Errorf("%d of %d searches failed during reloads", failed.Load(), searches.Load())
	}
	if searches.Load() < searchers {
		t.Errorf("only %d searches ran", searches.Load())
	}
	for _, w := range wrong[:min(len(wrong), 5)] {
		t.Error(w)
	}
}

// topOf is the id of the top hit and the decision.
func topOf(res knowledge.Result) string {
	if len(res.Hits) == 0 {
		return string(res.Decision)
	}
	return res.Hits[0].ID() + " " + string(res.Decision)
}
