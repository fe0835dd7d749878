package bot

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/qualbot/qualbot/knowledge"
)

var (
	licAV   = &knowledge.Licence{Name: "《信息网络传播视听节目许可证》", Short: []string{"视听许可证"}, Issuer: "国家广播电视总局", About: "通过互联网提供视听节目服务的许可证。"}
	licReg  = &knowledge.Licence{Name: "《全国网络视听平台信息登记管理系统》"}
	licCode = &knowledge.Licence{Name: "《统一社会信用代码》"}
	licNote = &knowledge.Licence{Name: "《情况说明函件》"}
	licBiz  = &knowledge.Licence{Name: "《营业执照》"}
	src     = []knowledge.Source{
		{Seed: "000_a2b7fccfaf7de460.txt", Date: "2020-12-11"},
		{URL: "https://example.org/official", Date: "2026-02-21"},
	}
	live = &knowledge.Category{
		Path:          []string{"社交", "直播"},
		Subjects:      []knowledge.Subject{knowledge.Enterprise, knowledge.Government},
		LiveStreaming: true,
		Requirements: []knowledge.Group{
			{Pick: 1, Items: []knowledge.Item{
				{Text: "《信息网络传播视听节目许可证》", Licences: []*knowledge.Licence{licAV}},
				{Text: "《全国网络视听平台信息登记管理系统》备案", Licences: []*knowledge.Licence{licReg}},
				{Text: "《统一社会信用代码》 及 《情况说明函件》（适用于政府主体）", Licences: []*knowledge.Licence{licCode, licNote}},
			}},
			{Items: []knowledge.Item{
				{Text: "《营业执照》", Licences: []*knowledge.Licence{licBiz}},
				{Text: "两家或以上的合作协议", Material: true},
			}},
		},
		Notes:   []string{"如提供时政信息服务，需补充【时政信息】类目"},
		Sources: src,
	}
)

func TestRenderCategory(t *testing.T) {
	for _, test := range []struct {
		name string
		c    *knowledge.Category
		want []string // in this order
		not  []string
	}{
		{
			name: "groups, notes, live streaming; the source is cited apart",
			c:    live,
			want: []string{"【社交-直播】\n", "可申请主体：企业、政府（个人主体不可申请）", "以下3项任选1项：\n1. 《信息网络传播视听节目许可证》\n2. ",
				"另需全部提供：\n· 《营业执照》\n· 两家或以上的合作协议", "说明：\n· 如提供时政信息服务", "支持直播：是"},
			not: []string{"000_a2b7fccfaf7de460.txt", "来源", "example.org"},
		},
		{
			name: "no requirement, open to individuals",
			c: &knowledge.Category{Path: []string{"工具", "记账"}, Subjects: []knowledge.Subject{knowledge.Individual, knowledge.Enterprise},
				Sources: []knowledge.Source{{Seed: "seed.txt", Accessed: "2026-11-24"}}},
			want: []string{"【工具-记账】", "可申请主体：个人、企业\n", catNoRequirement, catLiveNo},
			not:  []string{catNoIndividual},
		},
		{
			name: "one licence",
			c: &knowledge.Category{Path: []string{"文娱", "动漫"}, Requirements: []knowledge.Group{{Items: []knowledge.Item{
				{Text: "《网络文化经营许可证》（经营范围须含有动漫产品）"}}}}},
			want: []string{"需提供：《网络文化经营许可证》（经营范围须含有动漫产品）"},
			not:  []string{"来源", "可申请主体"},
		},
		{
			name: "unknown requirements",
			c:    &knowledge.Category{Path: []string{"内测", "某类目"}, Unknown: true, Notes: []string{"请在公众平台后台查看"}},
			want: []string{catUnknown, "请在公众平台后台查看"},
		},
	} {
		t.Run(test.name, func(t *testing.T) {
			got := renderCategory(test.c)
			at := 0
			for _, w := range test.want {
				i := strings.Index(got[at:], w)
				if i < 0 {
					t.Fatalf("renderCategory() =\n%s\nwant %q after offset %d", got, w, at)
				}
				at += i + len(w)
			}
			checkText(t, "renderCategory", got, nil, test.not)
		})
	}
}

func TestRenderLicence(t *testing.T) {
	// needs makes a category whose one group, of the given pick, names l in its first item.
	needs := func(l *knowledge.Licence, path []string, pick int, first string, others ...string) *knowledge.Category {
		g := knowledge.Group{Pick: pick, Items: []knowledge.Item{{Text: first, Licences: []*knowledge.Licence{l}}}}
		for _, o := range others {
			g.Items = append(g.Items, knowledge.Item{Text: o, Material: true})
		}
		c := &knowledge.Category{Path: path, Requirements: []knowledge.Group{g}}
		l.Categories = append(l.Categories, c)
		return c
	}
	many := &knowledge.Licence{Name: "《营业执照》", Short: []string{"a", "b", "c", "d", "e", "f", "g"}}
	for i := range 12 {
		needs(many, []string{"类", string(rune('A' + i))}, 0, "《营业执照》")
	}
	av := &knowledge.Licence{Name: licAV.Name, Short: licAV.Short, Issuer: licAV.Issuer, About: licAV.About, Sources: src}
	needs(av, []string{"社交", "直播答题"}, 0, av.Name)
	needs(av, []string{"社交", "直播"}, 1, av.Name, "备案", "说明函")
	alt := &knowledge.Licence{Name: "《互联网药品信息服务资格证书》"}
	other := &knowledge.Licence{Name: "《药品、医疗器械互联网信息服务备案凭证》"}
	c := needs(alt, []string{"医疗服务", "医疗器械自营"}, 0, "《互联网药品信息服务资格证书》或《药品、医疗器械互联网信息服务备案凭证》")
	c.Requirements[0].Items[0].Licences = append(c.Requirements[0].Items[0].Licences, other)
	needs(alt, []string{"类", "三选二"}, 2, alt.Name, "x", "y")
	for _, test := range []struct {
		name string
		l    *knowledge.Licence
		want []string
		not  []string
	}{
		{"reverse lookup", av, []string{"《信息网络传播视听节目许可证》\n简称：视听许可证\n发证机关：国家广播电视总局\n需要它的类目（1个）：社交-直播答题\n可用它的类目（1个，它是几种可选资质之一）：社交-直播（3选1之一）\n通过互联网"}, []string{"来源"}},
		{"an alternative in the item, and a pick of two", alt, []string{"可用它的类目（2个，它是几种可选资质之一）：医疗服务-医疗器械自营（2选1之一）、类-三选二（3选2之一）"}, []string{"需要它的类目"}},
		{"no issuer, no category", licReg, []string{licIssuerNone, licNoCategories}, []string{"简称"}},
		{"long lists are cut", many, []string{"简称：a、b、c、d、e、f\n", "需要它的类目（12个）：类-A、", "类-J等，发送类目名称可查看详情。"}, []string{"、g", "类-K", "可用它的类目"}},
	} {
		t.Run(test.name, func(t *testing.T) {
			got := renderLicence(test.l)
			checkText(t, "renderLicence", got, test.want, test.not)
		})
	}
}

func TestNewestSource(t *testing.T) {
	seed := knowledge.Source{Seed: "004.txt", Date: "2026-11-01"}
	official := knowledge.Source{URL: "https://example.org/official", Date: "2026-02-21"}
	older := knowledge.Source{URL: "https://example.org/old", Date: "2020-12-11"}
	read := knowledge.Source{URL: "https://example.org/blog", Accessed: "2026-11-25"}
	for _, test := range []struct {
		name string
		ss   []knowledge.Source
		want knowledge.Source
	}{
		{"a URL before a seed", []knowledge.Source{seed, older}, older},
		{"a page date before a read date", []knowledge.Source{read, older}, older},
		{"the newest page", []knowledge.Source{older, read, official, seed}, official},
		{"only a seed", []knowledge.Source{seed}, seed},
		{"a title first", []knowledge.Source{official, {Title: "转载的备案指引", Seed: "004.txt", Accessed: "2026-11-24"}}, knowledge.Source{Title: "转载的备案指引", Seed: "004.txt", Accessed: "2026-11-24"}},
	} {
		if got, _ := newestSource(test.ss); got != test.want {
			t.Errorf("%s: newestSource() = %v, want %v", test.name, got, test.want)
		}
	}
}

func TestRenderTopic(t *testing.T) {
	got := renderTopic(&knowledge.Topic{ID: "备案", Title: "小程序备案", Body: "第一步。\n\n第二步。\n", Sources: src})
	want := "【小程序备案】\n第一步。\n第二步。\n来源：https://example.org/official（2026-02-21）。"
	if got != want {
		t.Errorf("renderTopic() =\n%s\nwant\n%s", got, want)
	}
}

func TestRenderChoices(t *testing.T) {
	got := renderChoices([]knowledge.Hit{
		{Kind: knowledge.KindCategory, Category: live},
		{Kind: knowledge.KindLicence, Licence: licAV},
		{Kind: knowledge.KindTopic, Topic: &knowledge.Topic{ID: "备案", Title: "小程序备案"}},
	})
	want := "找到几个相近的结果：\n1. 社交-直播（类目）\n2. 《信息网络传播视听节目许可证》（资质）\n3. 小程序备案（流程）\n回复序号查看详情。"
	if got != want {
		t.Errorf("renderChoices() =\n%s\nwant\n%s", got, want)
	}
}

func TestRenderCheck(t *testing.T) {
	for _, test := range []struct {
		name string
		c    *knowledge.Category // nil means live
		have []*knowledge.Licence
		// other: the user named something they have that is not a licence
		other bool
		want  []string
		not   []string
	}{
		{
			name: "one of two licences joined by a slash",
			c: &knowledge.Category{Path: []string{"商家自营", "酒类"}, Requirements: []knowledge.Group{{Items: []knowledge.Item{
				{Text: "酒：《信息网络传播视听节目许可证》/《营业执照》", Licences: []*knowledge.Licence{licAV, licBiz}}}}}},
			have: []*knowledge.Licence{licBiz},
			want: []string{checkDone},
			not:  []string{"还缺"},
		},
		{
			name: "a licence that is one part of an item",
			c: &knowledge.Category{Path: []string{"电商平台", "电商平台"}, Requirements: []knowledge.Group{{Pick: 1, Items: []knowledge.Item{
				{Text: "一： (1)《营业执照》 (2)电商平台服务协议、交易规则", Licences: []*knowledge.Licence{licBiz}},
				{Text: "二： (1)《情况说明函件》 (2)申请材料", Licences: []*knowledge.Licence{licNote}}}}}},
			have: []*knowledge.Licence{licBiz},
			want: []string{checkDone + "\n还需准备的材料：\n· 一： (1)《营业执照》 (2)电商平台服务协议、交易规则"},
			not:  []string{"二："},
		},
		{
			name: "a category without requirements",
			c:    &knowledge.Category{Path: []string{"工具", "记账"}},
			have: []*knowledge.Licence{licBiz},
			want: []string{"已有：《营业执照》\n资质要求：无需特殊资质。"},
			not:  []string{checkDone, "还缺"},
		},
		{
			name:  "nothing the category names",
			other: true,
			want:  []string{"【社交-直播】对照你已有的资质：\n已有：" + checkOther + "\n还缺：\n以下3项任选1项：\n1. 《信息网络传播视听节目许可证》", "· 《营业执照》", "还需准备的材料：\n· 两家或以上的合作协议", checkOther + "不在该类目的资质要求里。"},
		},
		{
			name: "one of the pick group",
			have: []*knowledge.Licence{licAV},
			want: []string{"已有：《信息网络传播视听节目许可证》", "还缺：\n· 《营业执照》"},
			not:  []string{"任选", "不在该类目"},
		},
		{
			name: "both parts of an item joined by 及",
			have: []*knowledge.Licence{licCode, licNote, licBiz},
			want: []string{checkDone, "还需准备的材料：\n· 两家或以上的合作协议"},
			not:  []string{"还缺"},
		},
		{
			name: "half of an item joined by 及, and an unrelated licence",
			have: []*knowledge.Licence{licCode, licBiz, {Name: "《网络文化经营许可证》"}},
			want: []string{"还缺：\n以下3项任选1项：", "《网络文化经营许可证》不在该类目的资质要求里。"},
			not:  []string{checkDone},
		},
	} {
		t.Run(test.name, func(t *testing.T) {
			c := live
			if test.c != nil {
				c = test.c
			}
			got := renderCheck(c.Check(test.have), test.other)
			checkText(t, "renderCheck", got, test.want, test.not)
		})
	}
}

func TestSplit(t *testing.T) {
	long := strings.Repeat("这是一句很长的说明，", 30) + "结束。"
	for _, test := range []struct {
		name      string
		text      string
		max       int
		wantParts int
	}{
		{"fits", "短回复\n第二行", 100, 1},
		{"lines", strings.Repeat("一行文字有十个字啊。\n", 30), 100, 4},
		{"one long line", long, 100, 4},
		{"no punctuation", strings.Repeat("字", 250), 100, 3},
	} {
		t.Run(test.name, func(t *testing.T) {
			parts := split(test.text, test.max)
			if len(parts) != test.wantParts {
				t.Fatalf("split() = %d parts, want %d:\n%s", len(parts), test.wantParts, strings.Join(parts, "\n---\n"))
			}
			var joined strings.Builder
			for i, p := range parts {
				if n := utf8.RuneCountInString(p); n > test.max {
					t.Errorf("part %d has %d runes, want at most %d", i+1, n, test.max)
				}
				body := p
				if len(parts) > 1 {
					mark := strings.SplitN(p, "\n", 2)
					if want := "（" + itoa(i+1) + "/" + itoa(len(parts)) + "）"; mark[0] != want {
						t.Errorf("part %d starts %q, want %q", i+1, mark[0], want)
					}
					body = mark[1]
				}
				joined.WriteString(body)
			}
			// Nothing is lost: the parts hold every character of the text.
			if strip(joined.String()) != strip(test.text) {
				t.Errorf("parts lose text:\n got %q\nwant %q", strip(joined.String()), strip(test.text))
			}
		})
	}
}

func itoa(i int) string { return string(rune('0' + i)) }

// strip drops the white space split may move or drop between parts.
func strip(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func TestChoiceNumber(t *testing.T) {
	for _, test := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"2", 2, true}, {" 3 ", 3, true}, {"２", 2, true}, {"1.", 1, true}, {"4、", 4, true},
		{"12", 12, true}, {"123", 0, false}, {"二", 2, true}, {"第2个", 2, true}, {"第三条", 3, true}, {"2号", 2, true},
		{"二十", 0, false}, {"两个", 0, false}, {"第", 0, false}, {"", 0, false}, {"EDI", 0, false}, {"个", 0, false},
	} {
		n, ok := choiceNumber(test.in)
		if n != test.want || ok != test.ok {
			t.Errorf("choiceNumber(%q) = %d, %v; want %d, %v", test.in, n, ok, test.want, test.ok)
		}
	}
}

// FuzzSplit checks that no part is longer than a screen and no text is lost.
func FuzzSplit(f *testing.F) {
	f.Add("【社交-直播】\n以下3项任选1项：\n1. 《信息网络传播视听节目许可证》", 40)
	f.Add(strings.Repeat("很长的一句话，没有句号", 50), 100)
	f.Add("a\n\n\nb。c；d！", 25)
	f.Fuzz(func(t *testing.T, text string, max int) {
		if max < 30 || max > 2000 || !utf8.ValidString(text) {
			t.Skip()
		}
		parts := split(text, max)
		var joined strings.Builder
		for i, p := range parts {
			if n := utf8.RuneCountInString(p); n > max {
				t.Fatalf("part %d has %d runes, want at most %d", i+1, n, max)
			}
			if len(parts) > 1 {
				p = strings.SplitN(p, "\n", 2)[1]
			}
			joined.WriteString(p)
		}
		if strip(joined.String()) != strip(text) {
			t.Fatalf("parts lose text:\n got %q\nwant %q", joined.String(), text)
		}
	})
}

// checkText reports what of want text lacks and what of not it has; fn names
// the function that wrote it.
func checkText(t *testing.T, fn, text string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s() =\n%s\nwant %q", fn, text, w)
		}
	}
	for _, n := range not {
		if strings.Contains(text, n) {
			t.Errorf("%s() =\n%s\nwant no %q", fn, text, n)
		}
	}
}
