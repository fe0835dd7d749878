package index

import (
	"context"
	"testing"

	"github.com/qualbot/qualbot/knowledge"
)

// testBase is a small knowledge base built in memory, shaped like the real one.
func testBase() *knowledge.Base {
	icp := &knowledge.Licence{Name: "《增值电信业务经营许可证》", Short: []string{"ICP许可证", "ICP证", "EDI"},
		About: "经营增值电信业务的许可，由通信管理局核发。"}
	av := &knowledge.Licence{Name: "《信息网络传播视听节目许可证》", Short: []string{"视听许可证"},
		About: "通过信息网络传播视听节目的许可。"}
	drug := &knowledge.Licence{Name: "《药品经营许可证》", About: "经营药品的许可。"}
	cats := []*knowledge.Category{
		{Path: []string{"社交", "直播"}, Aliases: []string{"直播"}, Keywords: []string{"主播", "连麦"},
			Description: "提供在线直播服务。",
			Requirements: []knowledge.Group{{Pick: 1, Items: []knowledge.Item{
				{Text: "《信息网络传播视听节目许可证》", Licences: []*knowledge.Licence{av}}}}}},
		{Path: []string{"社交", "婚恋"}, Aliases: []string{"婚恋", "相亲"}, Description: "婚恋交友服务。",
			Requirements: []knowledge.Group{{Items: []knowledge.Item{
				{Text: "《增值电信业务经营许可证》", Licences: []*knowledge.Licence{icp}}}}}},
		{Path: []string{"社交", "陌生人交友"}, Aliases: []string{"陌生人交友"}, Description: "陌生人之间的交友服务。"},
		{Path: []string{"医疗服务", "药品（非处方药）"}, Aliases: []string{"药店", "药品"}, Description: "在线销售非处方药。",
			Requirements: []knowledge.Group{{Items: []knowledge.Item{
				{Text: "《药品经营许可证》", Licences: []*knowledge.Licence{drug}}}}}},
		{Path: []string{"交通服务", "网约车"}, Aliases: []string{"网约车", "打车"}, Description: "网络预约出租汽车服务。"},
		{Path: []string{"电商平台", "电商平台"}, Aliases: []string{"电商平台", "多商家"}, Description: "多个商家入驻的在线交易平台。",
			Requirements: []knowledge.Group{{Items: []knowledge.Item{
				{Text: "《增值电信业务经营许可证》", Licences: []*knowledge.Licence{icp}}}}}},
	}
	topics := []*knowledge.Topic{
		{ID: "备案", Title: "小程序备案的流程与时限", Aliases: []string{"ICP备案", "备案要多久"},
			Body: "小程序上架前须完成备案，平台初审后工信部短信核验，再由通管局审核。"},
		{ID: "审核驳回", Title: "审核不通过怎么办", Aliases: []string{"审核不通过", "驳回", "被拒"},
			Body: "查看驳回站内信中的具体原因，修改后重新提交审核。"},
	}
	return &knowledge.Base{
		Categories: cats,
		Licences:   []*knowledge.Licence{icp, av, drug},
		Topics:     topics,
		Synonyms: []knowledge.Synonym{
			{Word: "带货", Means: []string{"直播"}},
			{Word: "交友", Means: []string{"社交"}},
			{Word: "看病", Means: []string{"医疗"}},
			{Word: "叫车", Means: []string{"网约车"}},
		},
		Words:   []string{"网约车"},
		Version: "test",
		Intents: shippedIntents(),
	}
}

// shippedIntents are the shipped intents rules, for knowledge bases built in
// memory.
func shippedIntents() *knowledge.Intents {
	kb, err := shipped()
	if err != nil {
		panic(err)
	}
	return kb.Intents
}

func mustBuild(t testing.TB, kb *knowledge.Base) *Index {
	t.Helper()
	ix, err := Build(kb)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func TestSearch(t *testing.T) {
	t.Parallel()
	ix := mustBuild(t, testBase())
	for _, test := range []struct {
		question string
		wantTop  string // "" means Decision None
	}{
		{"小程序直播带货要什么资质", "社交/直播"},
		{"網約車小程序需要什麼類目", "交通服务/网约车"},
		{"相亲小程序要啥证", "社交/婚恋"},
		{"药", "医疗服务/药品（非处方药）"},
		{"ＩＣＰ备案要多久", "备案"},
		{"审核被拒了怎么办", "审核驳回"},
		{"增值电信业务经营许可证是什么", "增值电信业务经营许可证"},
		{"我们公司想做个叫车的，要办什么", "交通服务/网约车"}, // a synonym that means a name
		{"直播", "社交/直播"},
		{"請問直播帶貨需要什麼資質", "社交/直播"},
		{"今天天气怎么样", ""},
		{"ICP:备案 +-\"~*😀", "备案"}, // query syntax is just text
	} {
		t.Run(test.question, func(t *testing.T) {
			res, err := ix.Search(context.Background(), test.question, 3)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if res.Decision != knowledge.None && len(res.Hits) > 0 {
				got = res.Hits[0].ID()
			}
			if got != test.wantTop {
				t.Errorf("Search(%q) top = %q (%s), want %q; hits %v", test.question, got, res.Decision, test.wantTop, describe(res.Hits))
			}
		})
	}
}

func describe(hits []knowledge.Hit) []string {
	var s []string
	for _, h := range hits {
		s = append(s, h.ID()+":"+formatScore(h.Score))
	}
	return s
}

func TestSearch_Normalized(t *testing.T) {
	t.Parallel()
	ix := mustBuild(t, testBase())
	for _, test := range []struct {
		question, normalized string
		traditional          bool
	}{
		{"網約車小程序需要什麼類目", "网约车小程序需要什么类目", true},
		{"网约车小程序需要什么类目", "网约车小程序需要什么类目", false},
		{"ＩＣＰ备案　要多久？", "ICP备案 要多久?", false},
		{"  直播  ", "直播", false},
	} {
		res, err := ix.Search(context.Background(), test.question, 3)
		if err != nil {
			t.Fatal(err)
		}
		p := ix.cur.q.prepare(test.question)
		if p.normalized != test.normalized || res.Traditional != test.traditional {
			t.Errorf("Search(%q): normalized %q, Traditional %v; want %q, %v",
				test.question, p.normalized, res.Traditional, test.normalized, test.traditional)
		}
	}
}

func TestToTraditional(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":          "",
		"网约车需要什么资质": "網約車需要什麼資質",
		"小程序":       "小程序",
		"审核不通过怎么办，以平台为准":   "審核不通過怎麼辦，以平臺為準",
		"《增值电信业务经营许可证》ICP": "《增值電信業務經營許可證》ICP",
	} {
		if got := ToTraditional(in); got != want {
			t.Errorf("ToTraditional(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHasTraditional(t *testing.T) {
	t.Parallel()
	// Every text t2s changes must be seen by the fast check.
	for _, s := range []string{"網約車", "資質", "什麼", "審核不通過怎麼辦", "一目瞭然", "小程序上架需要什么資質"} {
		if !hasTraditional(s) {
			t.Errorf("hasTraditional(%q) = false", s)
		}
		if toSimplified(s) == s {
			t.Errorf("toSimplified(%q) did not change it", s)
		}
	}
	for _, s := range []string{"网约车", "小程序上架需要什么资质", "ICP", ""} {
		if hasTraditional(s) {
			t.Errorf("hasTraditional(%q) = true", s)
		}
	}
}

func TestSearch_ManyHits(t *testing.T) {
	t.Parallel()
	kb := testBase()
	ix := mustBuild(t, kb)
	docs := len(kb.Categories) + len(kb.Licences) + len(kb.Topics)
	for _, n := range []int{-1, 0, 1 << 40} {
		res, err := ix.Search(context.Background(), "直播", n)
		if err != nil {
			t.Fatalf("Search(直播, %d): %v", n, err)
		}
		if len(res.Hits) > max(n, 0) || len(res.Hits) > docs {
			t.Errorf("Search(直播, %d): %d hits", n, len(res.Hits))
		}
	}
}

func TestSearch_OneCharacter(t *testing.T) {
	t.Parallel()
	ix := mustBuild(t, testBase())
	res, err := ix.Search(context.Background(), "药", 3)
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision != knowledge.Ambiguous || len(res.Hits) < 2 {
		t.Errorf("Search(药) = %s with %v, want the choices (Ambiguous)", res.Decision, describe(res.Hits))
	}
}
