package knowledge_test

import (
	"os"
	"strings"
	"testing"

	"github.com/qualbot/qualbot/knowledge"
)

func TestLint(t *testing.T) {
	kb, err := knowledge.Load(os.DirFS("testdata/lint"))
	if err != nil {
		t.Fatalf("load testdata/lint: %v", err)
	}
	var got []string
	for _, f := range knowledge.Lint(kb) {
		got = append(got, f.String())
	}
	// Each want is the start of one finding and a phrase it must contain.
	want := []struct{ at, class, says string }{
		{"categories/01.yaml:20:", "source-third-party-unlabelled", "https://example.com/blog/1"},
		{"categories/01.yaml:28:", "source-from-eval", "据项目评测集的摘录"},
		{"licences.yaml:2:", "required-but-option", "【时政信息-时政信息】里它只是2选1之一"},
		{"licences.yaml:2:", "required-but-option", "一级类目【资讯】下没有类目"},
		{"synonyms.yaml:2:", "synonym-individual-only", "法律咨询"},
		{"topics.yaml:2:", "source-from-eval", "from the eval set"},
		{"topics.yaml:2:", "source-third-party-unlabelled", "https://github.com/someone/notes"},
	}
	if len(got) != len(want) {
		t.Fatalf("Lint found %d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w.at+" "+w.class+": ") || !strings.Contains(got[i], w.says) {
			t.Errorf("finding %d = %s\nwant %s %s: …%s…", i, got[i], w.at, w.class, w.says)
		}
	}
}

// TestLint_Shipped keeps the shipped knowledge base free of the problems
// Lint finds: a new one fails here with its file:line.
func TestLint_Shipped(t *testing.T) {
	kb, err := knowledge.Load(knowledge.Shipped())
	if err != nil {
		t.Fatalf("load shipped knowledge: %v", err)
	}
	for _, f := range knowledge.Lint(kb) {
		t.Error(f)
	}
}
