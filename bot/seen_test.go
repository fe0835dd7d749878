package bot_test

import (
	"testing"

	"github.com/qualbot/qualbot/bot"
)

func TestSeenIDs(t *testing.T) {
	s := bot.NewSeenIDs(2)
	steps := []struct {
		id   string
		want bool
	}{
		{"a", true}, {"a", false}, {"", false}, {"b", true},
		{"c", true}, // forgets a, the oldest
		{"a", true}, {"c", false},
	}
	for i, st := range steps {
		if got := s.Add(st.id); got != st.want {
			t.Errorf("step %d: Add(%q) = %v, want %v", i, st.id, got, st.want)
		}
	}
	if s.Has("b") || !s.Has("a") {
		t.Errorf("Has: want b forgotten and a kept")
	}
}
