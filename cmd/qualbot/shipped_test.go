package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/qualbot/qualbot/knowledge"
)

var update = flag.Bool("update", false, "rewrite testdata/shipped.golden")

// TestShippedGolden answers common questions with the shipped knowledge base
// through the path of `qualbot ask` and compares the replies with
// testdata/shipped.golden, so every knowledge or ranking change shows its
// user-visible diff in review. `go test ./cmd/qualbot -run Shipped -update`
// rewrites the file.
func TestShippedGolden(t *testing.T) {
	t.Parallel()
	a, err := wire(Config{GroupPrefix: DefaultConfig().GroupPrefix}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	f, err := os.Open("testdata/shipped-questions.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		q := strings.TrimSpace(sc.Text())
		if q == "" || strings.HasPrefix(q, "#") {
			continue
		}
		rep, res, err := a.Answerer.Answer(context.Background(), q)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		fmt.Fprintf(&got, "> %s\n[%s, %s]\n%s\n\n", q, askName(res.Ask.Kind), rep.Kind, rep.Text())
	}
	const golden = "testdata/shipped.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/qualbot -run Shipped -update writes it)", err)
	}
	if got.String() != string(want) {
		g, w := strings.Split(got.String(), "\n"), strings.Split(string(want), "\n")
		for i := range max(len(g), len(w)) {
			var gl, wl string
			if i < len(g) {
				gl = g[i]
			}
			if i < len(w) {
				wl = w[i]
			}
			if gl != wl {
				t.Fatalf("%s differs (go test ./cmd/qualbot -run Shipped -update rewrites it); first difference at line %d:\n got: %s\nwant: %s", golden, i+1, gl, wl)
			}
		}
	}
}

func askName(k knowledge.AskKind) string {
	if k == "" {
		return "lookup"
	}
	return string(k)
}
