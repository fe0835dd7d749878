package index

import (
	"context"
	"testing"
)

// TestSearch_Invisible: a zero-width space inside a keyword or a NUL
// anywhere used to turn a clear question into a decline.
func TestSearch_Invisible(t *testing.T) {
	ix := mustBuild(t, testBase())
	ctx := context.Background()
	want, err := ix.Search(ctx, "直播要什么证", 3)
	if err != nil || len(want.Hits) == 0 {
		t.Fatalf("Search(plain) = %v, %v; want hits", want, err)
	}
	for _, q := range []string{
		"直\u200b播要什么证",       // zero-width space
		"直\u200d播要什么证\u200e", // zero-width joiner, left-to-right mark
		"\ufeff直播要什么证",       // byte-order mark
		"直播\x00要什么证",         // NUL
		"直播要什么证\x00",
		"直\u00ad播要什么证", // soft hyphen
	} {
		got, err := ix.Search(ctx, q, 3)
		if err != nil {
			t.Fatal(err)
		}
		if got.Decision != want.Decision || len(got.Hits) == 0 || got.Hits[0].ID() != want.Hits[0].ID() {
			t.Errorf("Search(%q) = %s %v, want %s %s like the plain question", q, got.Decision, describe(got.Hits), want.Decision, want.Hits[0].ID())
		}
	}
}
