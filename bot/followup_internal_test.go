package bot

import (
	"fmt"
	"testing"
	"time"
)

// The order of puts stays bounded when the same senders ask again and
// again, and eviction skips what was put again or deleted since.
func TestFollowUps_Order(t *testing.T) {
	f := NewFollowUps(time.Hour, 3)
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	for i := range 10000 {
		f.Put(fmt.Sprint("k", i%2), Pending{}, t0.Add(time.Duration(i)*time.Millisecond))
	}
	if n := len(f.order); n > 2*f.max+16 {
		t.Errorf("%d puts recorded for 2 lists", n)
	}
	// k0 and k1 are held; k1 was put last. a is put, k0 deleted: the next
	// new list evicts k1, the oldest left, not the deleted k0 again.
	at := t0.Add(time.Hour / 2)
	f.Put("a", Pending{}, at)
	f.Delete("k0")
	f.Put("b", Pending{}, at.Add(time.Second))
	f.Put("c", Pending{}, at.Add(2*time.Second))
	for k, want := range map[string]bool{"k0": false, "k1": false, "a": true, "b": true, "c": true} {
		if _, ok := f.Get(k, at.Add(3*time.Second)); ok != want {
			t.Errorf("Get(%q) ok = %v, want %v", k, ok, want)
		}
	}
}
