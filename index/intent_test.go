package index

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/qualbot/qualbot/knowledge"
)

// TestIntents checks every labelled sentence of testdata/intents.txt against
// the shipped intents and knowledge base, and that every rule decides at
// least one of them: a rule nobody can show working is a rule to delete.
func TestIntents(t *testing.T) {
	t.Parallel()
	ix := shippedIndex(t)
	f, err := os.Open("testdata/intents.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	used := map[string]bool{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.HasPrefix(text, "#") || strings.TrimSpace(text) == "" {
			continue
		}
		label, q, ok := strings.Cut(text, "\t")
		if !ok {
			t.Fatalf("intents.txt:%d: want LABEL<TAB>SENTENCE", line)
		}
		res, err := ix.Search(context.Background(), q, 5)
		if err != nil {
			t.Fatal(err)
		}
		used[res.Ask.Rule] = true
		if got := askLabel(res.Ask, label); got != label {
			t.Errorf("intents.txt:%d: %q is %s (rule %s), want %s", line, q, got, res.Ask.Rule, label)
		}
	}
	for _, r := range ix.Base().Intents.Rules {
		if !used[r.Name()] {
			t.Errorf("rule %s (%s) decides no sentence of testdata/intents.txt", r.Name(), r.Kind)
		}
	}
}

// askLabel writes a as a label of testdata/intents.txt, in the form want
// uses: with the reason or capture only when want has one.
func askLabel(a knowledge.Ask, want string) string {
	kind := string(a.Kind)
	if a.Kind == knowledge.AskLookup {
		kind = "lookup"
	}
	switch {
	case a.Notice != nil && strings.Contains(want, ":") && a.Notice.Category != nil:
		return kind + "/" + string(a.Notice.Reason) + ":" + a.Notice.Category.Title()
	case a.Notice != nil && strings.Contains(want, "/"):
		return kind + "/" + string(a.Notice.Reason)
	case a.Kind == knowledge.AskOtherPlatform && strings.Contains(want, ":"):
		return kind + ":" + a.Platform
	case a.Kind == knowledge.AskGroup && strings.Contains(want, ":"):
		return kind + ":" + a.Group
	}
	return kind
}

// TestAsk checks what an Ask carries besides its kind, on the shipped data.
func TestAsk(t *testing.T) {
	t.Parallel()
	ix := shippedIndex(t)
	ask := func(q string) knowledge.Result {
		t.Helper()
		res, err := ix.Search(context.Background(), q, 5)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	t.Run("have", func(t *testing.T) {
		res := ask("我只有ICP许可证，能做社交直播吗")
		a := res.Ask
		if a.Kind != knowledge.AskHave || a.Category == nil || a.Category.ID() != "社交/直播" {
			t.Fatalf("Ask = %+v, want have with category 社交/直播", a)
		}
		if len(a.Have) != 1 || a.HaveOther {
			t.Errorf("Have = %v, HaveOther %v; want one licence", a.Have, a.HaveOther)
		}
	})
	t.Run("have something unknown", func(t *testing.T) {
		// ICP备案 is a filing (a topic), not a licence.
		a := ask("我只有ICP备案，能做社交直播吗").Ask
		if a.Kind != knowledge.AskHave || len(a.Have) != 0 || !a.HaveOther {
			t.Errorf("Ask = %+v, want have with HaveOther", a)
		}
	})
	t.Run("negation is not having", func(t *testing.T) {
		a := ask("我没有ICP许可证，能做社交直播吗").Ask
		if a.Kind == knowledge.AskHave {
			t.Errorf("Ask = %+v, want no have", a)
		}
	})
	t.Run("licence categories", func(t *testing.T) {
		a := ask("有文网文能选哪些类目").Ask
		if a.Kind != knowledge.AskLicenceCategories || a.Licence == nil || !strings.Contains(a.Licence.Name, "网络文化经营许可证") {
			t.Errorf("Ask = %+v, want licence_categories of 《网络文化经营许可证》", a)
		}
	})
	t.Run("notice names its category", func(t *testing.T) {
		a := ask("请补充选择：社交-直播类目").Ask
		if a.Kind != knowledge.AskNotice || a.Notice == nil || a.Notice.Reason != knowledge.NoticeAddCategory ||
			a.Notice.Category == nil || a.Notice.Category.ID() != "社交/直播" {
			t.Errorf("Ask = %+v (notice %+v), want add_category 社交/直播", a, a.Notice)
		}
	})
	t.Run("a retold notice names the category it names first", func(t *testing.T) {
		// 在线视频课程 is longer, but comes after: it is what the user says.
		a := ask("审核说涉及直播，其实是在线视频课程的回放").Ask
		if a.Kind != knowledge.AskNotice || a.Notice == nil || a.Notice.Reason != knowledge.NoticeAddCategory ||
			a.Notice.Category == nil || a.Notice.Category.ID() != "社交/直播" {
			t.Errorf("Ask = %+v (notice %+v), want add_category 社交/直播", a, a.Notice)
		}
	})
	t.Run("a notice naming a group is about the group", func(t *testing.T) {
		// 医疗 is also 政务民生-医疗's name; the notice means the group.
		res := ask("被说涉及医疗")
		if res.Ask.Kind != knowledge.AskGroup || res.Ask.Group != "医疗服务" || res.Decision != knowledge.Ambiguous {
			t.Errorf("Ask = %+v, %s; want group 医疗服务, ambiguous", res.Ask, res.Decision)
		}
	})
	t.Run("a notice naming nothing falls through", func(t *testing.T) {
		a := ask("审核说涉及的东西太多了，怎么办").Ask
		if a.Kind == knowledge.AskNotice {
			t.Errorf("Ask = %+v, want the next rule's kind", a)
		}
	})
	for _, q := range []string{"帮我查下北京天气", "wx.getLocation怎么申请", "他们那个是怎么过审的", "这个能过吗"} {
		t.Run("out of reach: "+q, func(t *testing.T) {
			// The bot says what it can do or asks: no hit answers it.
			res := ask(q)
			if (res.Ask.Kind != knowledge.AskOffTopic && res.Ask.Kind != knowledge.AskNeedsContext) || res.Decision != knowledge.None {
				t.Errorf("Ask = %+v, %s; want off_topic or needs_context, none", res.Ask, res.Decision)
			}
		})
	}
	t.Run("difference pair", func(t *testing.T) {
		a := ask("备案和ICP许可证有什么区别").Ask
		if a.Kind != knowledge.AskDifference || len(a.Pair) != 2 {
			t.Errorf("Ask = %+v, want difference of two", a)
		}
	})
	t.Run("group hits are the whole group", func(t *testing.T) {
		res := ask("医疗")
		n := 0
		for _, c := range res.Base.Categories {
			if c.Path[0] == "医疗服务" {
				n++
			}
		}
		if res.Ask.Group != "医疗服务" || res.Decision != knowledge.Ambiguous || len(res.Hits) != n {
			t.Errorf("Search(医疗): group %q, %s, %d hits; want 医疗服务, ambiguous, %d", res.Ask.Group, res.Decision, len(res.Hits), n)
		}
	})
	t.Run("traditional", func(t *testing.T) {
		res := ask("醫療類小程序要什麼資質")
		if res.Ask.Group != "医疗服务" || !res.Traditional {
			t.Errorf("Ask = %+v, Traditional %v", res.Ask, res.Traditional)
		}
	})
	t.Run("help skips the search", func(t *testing.T) {
		res := ask("帮助")
		if res.Ask.Kind != knowledge.AskHelp || len(res.Hits) != 0 || res.Base == nil {
			t.Errorf("Search(帮助) = %+v", res)
		}
	})
}

func TestDiversify(t *testing.T) {
	t.Parallel()
	cat := func(id string, score float64) scored {
		return scored{id: id, hit: knowledge.Hit{Kind: knowledge.KindCategory, Score: score}}
	}
	topic := func(id string, score float64) scored {
		return scored{id: id, hit: knowledge.Hit{Kind: knowledge.KindTopic, Score: score}}
	}
	ids := func(hs []scored) (s []string) {
		for _, h := range hs {
			s = append(s, h.id)
		}
		return s
	}
	par := DefaultParams()
	for _, tc := range []struct {
		name string
		in   []scored
		want string
	}{
		{"a close category joins three topics", []scored{topic("a", 10), topic("b", 9), topic("c", 8), topic("d", 7), cat("e", 2)}, "[a b e c d]"},
		{"a distant category does not", []scored{topic("a", 10), topic("b", 9), topic("c", 8), cat("d", 0.5)}, "[a b c d]"},
		{"a topic joins three categories", []scored{cat("a", 10), cat("b", 9), cat("c", 8), topic("d", 3)}, "[a b d c]"},
		{"both kinds already shown", []scored{cat("a", 10), topic("b", 9), cat("c", 8), topic("d", 7)}, "[a b c d]"},
		{"too few hits", []scored{topic("a", 10), topic("b", 9), cat("c", 8)}, "[a b c]"},
	} {
		diversify(tc.in, par.DiverseTop, par.DiverseShare)
		if got := fmt.Sprint(ids(tc.in)); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestChoices checks which hits a list of choices offers: those close to
// the top, plus the first hit of a kind they lack when it is among the first
// three.
func TestChoices(t *testing.T) {
	t.Parallel()
	topic := func(id string, score float64) knowledge.Hit {
		return knowledge.Hit{Kind: knowledge.KindTopic, Topic: &knowledge.Topic{ID: id}, Score: score}
	}
	cat := func(name string, score float64) knowledge.Hit {
		return knowledge.Hit{Kind: knowledge.KindCategory, Category: &knowledge.Category{Path: []string{"文娱", name}}, Score: score}
	}
	par := DefaultParams()
	for _, tc := range []struct {
		name string
		hits []knowledge.Hit
		want string
	}{
		{"close hits only", []knowledge.Hit{topic("备案", 10), topic("ICP", 8), topic("审核驳回", 2)}, "[备案 ICP]"},
		{"a category third joins two topics", []knowledge.Hit{topic("备案", 10), topic("ICP", 8), cat("其他视频", 2)}, "[备案 ICP 文娱/其他视频]"},
		{"a category fourth does not", []knowledge.Hit{topic("备案", 10), topic("ICP", 8), topic("审核驳回", 2), cat("其他视频", 2)}, "[备案 ICP]"},
		{"both kinds close", []knowledge.Hit{cat("音乐", 10), topic("备案", 9), cat("其他视频", 1)}, "[文娱/音乐 备案]"},
	} {
		var got []string
		for _, h := range choices(tc.hits, &par) {
			got = append(got, h.ID())
		}
		if fmt.Sprint(got) != tc.want {
			t.Errorf("%s: got %v, want %s", tc.name, got, tc.want)
		}
	}
}

// TestSearch_Group checks which questions ask about a whole first-level
// group of the shipped knowledge base.
func TestSearch_Group(t *testing.T) {
	t.Parallel()
	ix := shippedIndex(t)
	for q, want := range map[string]string{
		"教育类的小程序需要什么证":    "教育服务",
		"醫療類小程序要什麼資質":     "医疗服务",
		"社交类目要什么资质":       "社交",
		"金融类小程序个人能做吗":     "金融业",
		"医疗":              "医疗服务", // a bare industry word
		"教育行业":            "教育服务",
		"医疗类的互联网医院要什么证":   "", // names a category of the group
		"电商平台类目要交啥材料":     "", // the group's name is its category's
		"社交类目审核要多久":       "", // names a topic
		"抖音小程序的社交类目要什么资质": "", // another platform
	} {
		res, err := ix.Search(context.Background(), q, 3)
		if err != nil {
			t.Fatal(err)
		}
		if res.Ask.Group != want {
			t.Errorf("Search(%q).Ask.Group = %q, want %q", q, res.Ask.Group, want)
		}
		if want != "" && res.Decision != knowledge.Ambiguous {
			t.Errorf("Search(%q).Decision = %s, want ambiguous", q, res.Decision)
		}
		if want != "" && (len(res.Hits) == 0 || res.Hits[0].Kind != knowledge.KindCategory || res.Hits[0].Category.Path[0] != want) {
			t.Errorf("Search(%q): first hit %v is not a category of %s", q, res.Hits, want)
		}
	}
}

// TestSearch_GroupSynonym checks that a synonym standing for a whole
// first-level group alone asks what the group's name asks, on a knowledge
// base built in memory: 交友 stands for 社交 there.
func TestSearch_GroupSynonym(t *testing.T) {
	t.Parallel()
	ix := mustBuild(t, testBase())
	for q, want := range map[string]string{
		"社交要什么资质":    "社交",
		"交友要什么资质":    "社交", // the synonym alone
		"交友":         "社交",
		"我想做交友":      "社交",
		"交友直播要什么资质":  "", // names a category of the group
		"陌生人交友要什么资质": "", // the synonym is inside a category's name
		"交友要ICP证吗":   "", // names a licence
		"交友带货要什么资质":  "", // another synonym stands for a category
		"看病要什么资质":    "", // 医疗服务 is too small to be a group here
	} {
		res, err := ix.Search(context.Background(), q, 3)
		if err != nil {
			t.Fatal(err)
		}
		if res.Ask.Group != want {
			t.Errorf("Search(%q).Ask.Group = %q (%s), want %q", q, res.Ask.Group, res.Ask.Kind, want)
		}
		if want != "" && (res.Ask.Kind != knowledge.AskGroup || res.Decision != knowledge.Ambiguous || len(res.Hits) != 3) {
			t.Errorf("Search(%q): %s, %s, %d hits; want group, ambiguous, the group's 3 categories", q, res.Ask.Kind, res.Decision, len(res.Hits))
		}
	}
}
