package bot_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/index"
	"github.com/qualbot/qualbot/knowledge"
)

// reindexAfterSearch is the real index with a /reindex landing right after
// every search returns, before the reply is composed: the moment where a
// reply built from the search and from "the current base" would mix two.
type reindexAfterSearch struct {
	ix   *index.Index
	load func() (*knowledge.Base, error)
}

func (s reindexAfterSearch) Search(ctx context.Context, q string, n int) (knowledge.Result, error) {
	res, err := s.ix.Search(ctx, q, n)
	if err != nil {
		return res, err
	}
	kb, err := s.load()
	if err != nil {
		return res, err
	}
	return res, s.ix.Reload(kb)
}

// TestAnswer_ReloadNeverMixes checks the README's promise that a reply comes
// from one knowledge base, never from a mix: a requirement check answered
// while a reindex lands after each search still finds the licence the user has among the category's requirements
// (two bases have different *Licence values, so a mix reads
// "已有：X … 还缺：X"). Run it with -race.
func TestAnswer_ReloadNeverMixes(t *testing.T) {
	load := func() (*knowledge.Base, error) { return knowledge.Load(os.DirFS("testdata/kb")) }
	ix := transporttest.BuildIndex(t, os.DirFS("testdata/kb"))
	a := &bot.Answerer{Searcher: reindexAfterSearch{ix, load}}
	const q = "我已经有视听许可证了，能做社交直播吗"
	for range 3 {
		rep, res, err := a.Answer(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Kind != bot.KindCheck || strings.Contains(rep.Text(), "还缺") || !strings.Contains(rep.Text(), "满足该类目的资质要求") {
			t.Fatalf("Answer(%q) = %s reply\n%s\nwant a check that is satisfied", q, rep.Kind, rep.Text())
		}
		if c := res.Ask.Category; c == nil || res.Base.Category(c.Path...) != c {
			t.Fatalf("Ask.Category %v is not of Result.Base", c)
		}
	}
}
