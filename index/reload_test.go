package index

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/qualbot/qualbot/knowledge"
)

// TestReload swaps knowledge bases while searches run; run it with -race.
// Every search must succeed and must answer from one whole knowledge base:
// the old one or the new one, never a mix.
func TestReload(t *testing.T) {
	t.Parallel()
	older := testBase()
	newer := testBase()
	newer.Version = "newer"
	// The newer base knows a category the older one does not.
	newer.Categories = append(newer.Categories, &knowledge.Category{
		Path: []string{"工具", "天气"}, Aliases: []string{"天气预报"}, Description: "查询天气。"})

	ix := mustBuild(t, older)
	var (
		wg       sync.WaitGroup
		stop     atomic.Bool
		searches atomic.Int64
	)
	errs := make(chan error, 4)
	// One searcher asks in Traditional characters, so the T→S conversion
	// runs concurrently too.
	for _, q := range []string{"天气预报小程序要什么资质", "網約車小程序需要什麼類目"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				res, err := ix.Search(context.Background(), q, 3)
				if err != nil {
					errs <- err
					return
				}
				base := ix.Base()
				if base != older && base != newer {
					errs <- errors.New("Base returned neither knowledge base")
					return
				}
				if len(res.Hits) > 0 && res.Hits[0].Kind == knowledge.KindCategory && res.Hits[0].Category.Path[0] == "工具" && res.Decision == knowledge.None {
					errs <- errors.New("weather hit without a decision")
					return
				}
				searches.Add(1)
			}
		}()
	}
	for i := range 6 {
		kb := older
		if i%2 == 0 {
			kb = newer
		}
		if err := ix.Reload(kb); err != nil {
			t.Fatal(err)
		}
		if got := ix.Base(); got != kb {
			t.Fatalf("Base after Reload = %q, want %q", got.Version, kb.Version)
		}
		res, err := ix.Search(context.Background(), "天气预报", 3)
		if err != nil {
			t.Fatal(err)
		}
		hasWeather := len(res.Hits) > 0 && res.Hits[0].ID() == "工具/天气"
		if hasWeather != (kb == newer) {
			t.Fatalf("after reload %d: weather found = %v, want %v", i, hasWeather, kb == newer)
		}
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("search during reload: %v", err)
	}
	if searches.Load() == 0 {
		t.Error("no search ran during the reloads")
	}
	t.Logf("%d searches during 6 reloads", searches.Load())
}

func TestClose(t *testing.T) {
	t.Parallel()
	ix, err := Build(testBase())
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Search(context.Background(), "直播", 3); !errors.Is(err, ErrClosed) {
		t.Errorf("Search after Close: err = %v, want ErrClosed", err)
	}
	if err := ix.Reload(testBase()); !errors.Is(err, ErrClosed) {
		t.Errorf("Reload after Close: err = %v, want ErrClosed", err)
	}
	if err := ix.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestBuild_Nil(t *testing.T) {
	t.Parallel()
	if _, err := Build(nil); err == nil {
		t.Error("Build(nil): no error")
	}
}

func FuzzSearch(f *testing.F) {
	for _, s := range []string{
		"", " ", "药", "直播", "小程序直播带货要什么资质", "網約車小程序需要什麼類目", "ＩＣＰ备案",
		`title:直播 +body:"许可证"~2 -社交 *`, "😀🚀", "a:b", "\x00\xff\xfe", "[[[", "((", "\\", strings.Repeat("直播", 500),
	} {
		f.Add(s, 3)
	}
	ix := mustBuild(f, testBase())
	f.Fuzz(func(t *testing.T, q string, n int) {
		res, err := ix.Search(context.Background(), q, n%20)
		if err != nil {
			t.Fatalf("Search(%q, %d): %v", q, n, err)
		}
		if len(res.Hits) > max(n%20, 0) {
			t.Fatalf("Search(%q, %d): %d hits", q, n, len(res.Hits))
		}
		if len(res.Hits) == 0 && res.Decision != knowledge.None {
			t.Fatalf("Search(%q): decision %s without hits", q, res.Decision)
		}
	})
}
