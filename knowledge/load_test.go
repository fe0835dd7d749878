package knowledge_test

import (
	"errors"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/qualbot/qualbot/knowledge"
	"github.com/qualbot/qualbot/knowledge/knowledgetest"
)

func mustLoad(t *testing.T, fsys fs.FS) *knowledge.Base {
	t.Helper()
	kb, err := knowledge.Load(fsys)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return kb
}

func shippedStats(t *testing.T) knowledge.Stats {
	t.Helper()
	return mustLoad(t, knowledge.Shipped()).Stats()
}

func ids[T interface{ ID() string }](xs []T) []string {
	out := []string{}
	for _, x := range xs {
		out = append(out, x.ID())
	}
	return out
}

func TestLoad(t *testing.T) {
	kb := mustLoad(t, os.DirFS("testdata/good"))

	t.Run("stats", func(t *testing.T) {
		got := kb.Stats()
		want := knowledge.Stats{
			Categories: []knowledge.Count{{Name: "社交", N: 3}, {Name: "电商平台", N: 2}},
			Licences:   9, Topics: 2, Synonyms: 3, Words: 3,
			// A directory without intents gets the shipped ones.
			Intents: shippedStats(t).Intents, Sets: shippedStats(t).Sets,
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Stats() = %+v, want %+v", got, want)
		}
		if got.TotalCategories() != 5 {
			t.Errorf("TotalCategories() = %d, want 5", got.TotalCategories())
		}
	})

	t.Run("category fields and position", func(t *testing.T) {
		c := kb.Category("社交", "直播")
		if c == nil {
			t.Fatal("Category(社交, 直播) = nil")
		}
		if want := (knowledge.Pos{File: "categories/01-社交.yaml", Line: 3}); c.Pos != want {
			t.Errorf("Pos = %+v, want %+v", c.Pos, want)
		}
		if !c.LiveStreaming || c.Title() != "社交-直播" || c.Description != "在线直播服务。" {
			t.Errorf("LiveStreaming, Title, Description = %v, %q, %q", c.LiveStreaming, c.Title(), c.Description)
		}
		if want := []knowledge.Subject{knowledge.Enterprise, knowledge.Government, knowledge.Media, knowledge.Organisation}; !reflect.DeepEqual(c.Subjects, want) {
			t.Errorf("Subjects = %v, want %v", c.Subjects, want)
		}
		if want := []string{"直播", "直播带货"}; !reflect.DeepEqual(c.Aliases, want) {
			t.Errorf("Aliases = %v, want %v", c.Aliases, want)
		}
		if len(c.Sources) != 2 || c.Sources[1].Seed != "000_a2b7fccfaf7de460.txt" || c.Sources[1].When() != time.Date(2020, 12, 11, 0, 0, 0, 0, time.UTC) {
			t.Errorf("Sources = %+v", c.Sources)
		}
	})

	t.Run("pick one of three", func(t *testing.T) {
		c := kb.Category("社交", "直播")
		if len(c.Requirements) != 1 {
			t.Fatalf("Requirements = %+v, want one group", c.Requirements)
		}
		g := c.Requirements[0]
		if g.Pick != 1 || len(g.Items) != 3 {
			t.Fatalf("group = pick %d of %d items, want pick 1 of 3", g.Pick, len(g.Items))
		}
		if got, want := ids(g.Items[2].Licences), []string{"统一社会信用代码", "情况说明函件"}; !reflect.DeepEqual(got, want) {
			t.Errorf("third item names %v, want %v", got, want)
		}
		if g.Items[1].Text != "《全国网络视听平台信息登记管理系统》备案" {
			t.Errorf("second item text = %q, want it verbatim", g.Items[1].Text)
		}
	})

	t.Run("all group with a material", func(t *testing.T) {
		c := kb.Category("电商平台/电商平台")
		if len(c.Requirements) != 2 {
			t.Fatalf("Requirements = %+v, want two groups", c.Requirements)
		}
		g := c.Requirements[1]
		if g.Pick != 0 || len(g.Items) != 1 || !g.Items[0].Material || g.Items[0].Licences != nil {
			t.Errorf("second group = %+v, want all of one material naming no licence", g)
		}
	})

	t.Run("three-level path with unknown requirements", func(t *testing.T) {
		c := kb.Category("电商平台", "网上竞价平台", "文物")
		if c == nil || !c.Unknown || len(c.Requirements) != 0 || len(c.Notes) != 1 {
			t.Errorf("Category(电商平台, 网上竞价平台, 文物) = %+v, want unknown with a note", c)
		}
	})

	t.Run("reverse lookup", func(t *testing.T) {
		for _, test := range []struct {
			licence string
			want    []string
		}{
			{"ICP许可证", []string{"社交/陌生人交友", "电商平台/电商平台"}},
			{"《统一社会信用代码证》", []string{"社交/笔记"}},
			{"统一社会信用代码", []string{"社交/直播"}},
			{"文网文", []string{}},
		} {
			lc := kb.Licence(test.licence)
			if lc == nil {
				t.Fatalf("Licence(%q) = nil", test.licence)
			}
			if got := ids(lc.Categories); !reflect.DeepEqual(got, test.want) {
				t.Errorf("Licence(%q).Categories = %v, want %v", test.licence, got, test.want)
			}
		}
	})

	t.Run("topic", func(t *testing.T) {
		tp := kb.Topic("备案")
		if tp == nil {
			t.Fatal(`Topic("备案") = nil`)
		}
		if got, want := ids(tp.Related), []string{"社交/笔记", "电商平台/电商平台"}; !reflect.DeepEqual(got, want) {
			t.Errorf("Related = %v, want %v", got, want)
		}
		if !strings.Contains(tp.Body, "\n\n") || tp.Title != "小程序备案的流程、材料与时限" {
			t.Errorf("Title, Body = %q, %q", tp.Title, tp.Body)
		}
		if kb.Topic("审核驳回").Related != nil {
			t.Errorf("审核驳回 Related = %v, want none", kb.Topic("审核驳回").Related)
		}
	})

	t.Run("synonyms and words", func(t *testing.T) {
		s := kb.Synonyms[0]
		if s.Word != "带货" || !reflect.DeepEqual(s.Means, []string{"直播"}) || s.Pos != (knowledge.Pos{File: "synonyms.yaml", Line: 2}) {
			t.Errorf("Synonyms[0] = %+v", s)
		}
		if want := []string{"小程序", "网约车", "互联网医院"}; !reflect.DeepEqual(kb.Words, want) {
			t.Errorf("Words = %v, want %v", kb.Words, want)
		}
	})

	t.Run("version", func(t *testing.T) {
		if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(kb.Version) {
			t.Errorf("Version = %q, want 12 hex digits", kb.Version)
		}
		if again := mustLoad(t, os.DirFS("testdata/good")); again.Version != kb.Version {
			t.Errorf("Version changed between loads: %q, %q", kb.Version, again.Version)
		}
		edited := knowledgetest.Copy(t, os.DirFS("testdata/good"))
		edited["synonyms.yaml"].Data = append(edited["synonyms.yaml"].Data, "# edited\n"...)
		if got := mustLoad(t, edited).Version; got == kb.Version {
			t.Errorf("Version = %q after an edit, want a new one", got)
		}
	})
}

func TestBase_Category(t *testing.T) {
	kb := mustLoad(t, os.DirFS("testdata/good"))
	for _, test := range []struct {
		path []string
		want string // "" means nil
	}{
		{[]string{"社交", "直播"}, "社交/直播"},
		{[]string{"社交/直播"}, "社交/直播"},
		{[]string{"电商平台", "网上竞价平台", "文物"}, "电商平台/网上竞价平台/文物"},
		{[]string{"社交"}, ""},
		{[]string{"直播"}, ""},
		{nil, ""},
	} {
		t.Run(strings.Join(test.path, "-"), func(t *testing.T) {
			got := ""
			if c := kb.Category(test.path...); c != nil {
				got = c.ID()
			}
			if got != test.want {
				t.Errorf("Category(%q) = %q, want %q", test.path, got, test.want)
			}
		})
	}
}

func TestBase_Licence(t *testing.T) {
	kb := mustLoad(t, os.DirFS("testdata/good"))
	for _, test := range []struct {
		name string
		want string // licence name; "" means nil
	}{
		{"《增值电信业务经营许可证》", "《增值电信业务经营许可证》"},
		{"增值电信业务经营许可证", "《增值电信业务经营许可证》"},
		{" ICP许可证 ", "《增值电信业务经营许可证》"},
		{"icp证", "《增值电信业务经营许可证》"},
		{"ＥＤＩ", "《增值电信业务经营许可证》"},
		{"《ICP备案》", "《非经营性互联网信息服务备案核准》"},
		{"文网文", "《网络文化经营许可证》"},
		{"统一社会信用代码", "《统一社会信用代码》"},
		{"统一社会信用代码证", "《统一社会信用代码证》"},
		{"营业执照", ""},
		{"", ""},
	} {
		t.Run(test.name, func(t *testing.T) {
			got := ""
			if lc := kb.Licence(test.name); lc != nil {
				got = lc.Name
			}
			if got != test.want {
				t.Errorf("Licence(%q) = %q, want %q", test.name, got, test.want)
			}
		})
	}
}

func TestBase_LicencesIn(t *testing.T) {
	kb := mustLoad(t, os.DirFS("testdata/good"))
	for _, test := range []struct {
		name, text string
		want       []string
	}{
		{"short name", "我只有ICP备案,能做社交直播吗", []string{"非经营性互联网信息服务备案核准"}},
		{"two short names of one licence count once", "有icp许可证和EDI许可证", []string{"增值电信业务经营许可证"}},
		{"order of appearance", "文网文、ICP证都有", []string{"网络文化经营许可证", "增值电信业务经营许可证"}},
		{"full name in brackets", "我有《信息网络传播视听节目许可证》", []string{"信息网络传播视听节目许可证"}},
		{"longest name wins", "只有统一社会信用代码证", []string{"统一社会信用代码证"}},
		{"shorter name elsewhere still counts", "统一社会信用代码证和统一社会信用代码", []string{"统一社会信用代码证", "统一社会信用代码"}},
		{"Latin name only as a whole word", "EDITOR说要视听许可证", []string{"信息网络传播视听节目许可证"}},
		{"Latin name next to Chinese", "有EDI吗", []string{"增值电信业务经营许可证"}},
		{"full-width Latin", "有ＩＣＰ证", []string{"增值电信业务经营许可证"}},
		{"nothing", "今天天气怎么样", []string{}},
		{"empty", "", []string{}},
	} {
		t.Run(test.name, func(t *testing.T) {
			if got := ids(kb.LicencesIn(test.text)); !reflect.DeepEqual(got, test.want) {
				t.Errorf("LicencesIn(%q) = %v, want %v", test.text, got, test.want)
			}
		})
	}
}

func TestBase_Stale(t *testing.T) {
	kb := mustLoad(t, os.DirFS("testdata/good"))
	got := kb.Stale(time.Date(2025, 5, 25, 0, 0, 0, 0, time.UTC))
	want := []knowledge.StaleEntry{
		{Kind: knowledge.KindCategory, ID: "电商平台/网上竞价平台/文物", Pos: knowledge.Pos{File: "categories/02-电商平台.yaml", Line: 16},
			Newest: time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC)},
		{Kind: knowledge.KindLicence, ID: "《统一社会信用代码证》", Pos: knowledge.Pos{File: "licences.yaml", Line: 23},
			Newest: time.Date(2020, 12, 11, 0, 0, 0, 0, time.UTC)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Stale = %+v\nwant %+v", got, want)
	}
}

// TestLoad_Errors loads testdata/bad, where every check the loader makes
// fails at least once, and wants one file:line message per problem.
func TestLoad_Errors(t *testing.T) {
	kb, err := knowledge.Load(os.DirFS("testdata/bad"))
	if kb != nil || err == nil {
		t.Fatalf("Load(testdata/bad) = %v, %v; want nil and errors", kb, err)
	}
	want := []string{
		// A file that could not be parsed comes first.
		`4-syntax.yaml:2: syntax error: did not find expected '-' indicator`,
		`1-categories.yaml:2: unknown key "catgories" in the file (want one of categories, licences, topics, faq, synonyms, words, intents)`,
		`1-categories.yaml:5: unknown key "aliasses" in category (want one of path, aliases, keywords, description, subjects, live_streaming, requirements, notes, unknown, sources)`,
		`1-categories.yaml:6: category 社交/直播: unknown subject "公司" (want 个人, 企业, 政府, 媒体 or 其他组织)`,
		`1-categories.yaml:11: duplicate category 社交/直播 (first defined at 1-categories.yaml:4)`,
		`1-categories.yaml:13: category 社交/直播: empty requirement group (all: has no items)`,
		`1-categories.yaml:14: category 社交/直播: empty requirement group (of: has no items)`,
		`1-categories.yaml:16: category 社交/直播: pick 3 of 2 items; want 1 to 2`,
		`1-categories.yaml:17: category 社交/直播: unknown licence 《许可证甲》 (add it to licences)`,
		`1-categories.yaml:18: category 社交/直播: pick 0 of 1 items; want 1 to 1`,
		`1-categories.yaml:20: unknown key "any" in requirement group (want one of all, pick, of)`,
		`1-categories.yaml:22: category 社交/直播: a requirement group has either all: or pick: with of:, not both`,
		`1-categories.yaml:24: category 社交/直播: pick: needs of: with the items to pick from`,
		`1-categories.yaml:25: category 社交/直播: pick must be a whole number, not "two"`,
		`1-categories.yaml:32: category 社交/笔记: requirement "两家或以上的合作协议" names no licence in 《》; write it as {material: 两家或以上的合作协议}`,
		`1-categories.yaml:33: unknown key "licence" in requirement item (want one of material)`,
		`1-categories.yaml:34: category 社交/笔记: unknown licence 《未登记的许可证》 (add it to licences)`,
		`1-categories.yaml:35: category 社交/笔记: requirement "《未闭合的名称" has an unclosed 《`,
		`1-categories.yaml:37: unknown key "site" in source (want one of url, seed, title, date, accessed, note)`,
		`1-categories.yaml:37: category 社交/笔记: bad date "2026-02-30": want a real day as YYYY-MM-DD`,
		`1-categories.yaml:38: category 社交/笔记: source has neither url: nor seed:`,
		`1-categories.yaml:38: category 社交/笔记: bad date "2026-2-1": want a real day as YYYY-MM-DD`,
		`1-categories.yaml:39: category 社交/笔记: source has neither date: nor accessed:`,
		`1-categories.yaml:40: category 社交/笔记: bad accessed "yesterday": want a real day as YYYY-MM-DD`,
		`1-categories.yaml:41: category has no path`,
		`1-categories.yaml:44: category 社交: a path has 2 or 3 levels (一级, 二级[, 三级]), not 1`,
		`1-categories.yaml:44: category 社交 has no sources`,
		`1-categories.yaml:45: live_streaming must be true or false, not "yes please"`,
		`1-categories.yaml:46: category 社交/问答 has no sources`,
		`2-licences.yaml:7: duplicate short name 执照: 《营业执照》 has it too (at 2-licences.yaml:2)`,
		`2-licences.yaml:8: unknown key "isuer" in licence (want one of name, short, issuer, about, sources)`,
		`2-licences.yaml:11: duplicate licence 《营业执照》 (first defined at 2-licences.yaml:2)`,
		`2-licences.yaml:14: licence has no name`,
		`2-licences.yaml:17: licence name "许可证甲" must be one name inside 《》`,
		`2-licences.yaml:20: duplicate short name 营业执照: it is the name of 《营业执照》 (at 2-licences.yaml:2)`,
		`3-topics.yaml:2: duplicate category 社交/笔记 (first defined at 1-categories.yaml:29)`,
		`3-topics.yaml:10: topic 备案: related category 社交/不存在 does not exist`,
		`3-topics.yaml:13: topic 备案 has no title`,
		`3-topics.yaml:13: topic 备案 has no body`,
		`3-topics.yaml:13: duplicate topic 备案 (first defined at 3-topics.yaml:7)`,
		`3-topics.yaml:18: topic has no id`,
		`3-topics.yaml:18: topic has no sources`,
		`3-topics.yaml:21: unknown key "tags" in topic (want one of id, title, aliases, body, related, sources)`,
		`3-topics.yaml:24: duplicate synonym 带货 (first defined at 3-topics.yaml:23)`,
		`3-topics.yaml:25: unknown key "mean" in synonym (want one of word, means)`,
		`3-topics.yaml:25: synonym 交友: means: lists no words`,
		`3-topics.yaml:26: synonym has no word`,
		`5-extra.yaml:4: short: aliases (*w) are not supported`,
		`5-extra.yaml:8: a second YAML document starts here; a file holds one (remove the ---)`,
	}
	errs := err.(interface{ Unwrap() []error }).Unwrap()
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
		var le *knowledge.LoadError
		if !errors.As(e, &le) || le.File == "" {
			t.Errorf("%v: not a *LoadError with a file", e)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load(testdata/bad) errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !errors.Is(err, knowledge.ErrDuplicate) {
		t.Errorf("errors.Is(err, ErrDuplicate) = false, want true")
	}
	if got, want := err.Error(), strings.Join(want, "\n"); got != want {
		t.Errorf("Error() is not one problem per line")
	}
}

func TestLoad_SyntaxErrorLines(t *testing.T) {
	for _, test := range []struct {
		name, yaml, want string
	}{
		{"unclosed flow list", "words: [a, b\nsynonyms: []\n", `f.yaml:2: syntax error: did not find expected ',' or ']'`},
		{"key inside a list", "words:\n  - a\n  - b\n  c: d\n", `f.yaml:2: syntax error: did not find expected '-' indicator`},
		{"mapping in a scalar", "words: [a]\nsynonyms: a: b\n", `f.yaml:2: syntax error: mapping values are not allowed in this context`},
		{"tab indent", "words: [a]\n\tsynonyms: []\n", `f.yaml:2: syntax error: found character that cannot start any token`},
		{"list at top after mapping", "words: [a]\n- b\n", `f.yaml:2: syntax error: did not find expected key`},
		{"not a mapping", "- a\n- b\n", `f.yaml:1: the file must be a mapping (key: value)`},
		{"wrong kind", "words: a\n", `f.yaml:1: words must be a list`},
	} {
		t.Run(test.name, func(t *testing.T) {
			_, err := knowledge.Load(fstest.MapFS{"f.yaml": {Data: []byte(test.yaml)}})
			if err == nil || err.Error() != test.want {
				t.Errorf("Load = %v, want %s", err, test.want)
			}
		})
	}
}

func TestLoad_NoFiles(t *testing.T) {
	_, err := knowledge.Load(fstest.MapFS{"README.md": {Data: []byte("x")}})
	var le *knowledge.LoadError
	if err == nil || errors.As(err, &le) {
		t.Errorf("Load(no yaml) = %v, want a plain error", err)
	}
}

// TestShippedData fails on any invalid edit to knowledge/data.
func TestShippedData(t *testing.T) {
	kb, err := knowledge.Load(knowledge.Shipped())
	if err != nil {
		t.Fatalf("knowledge/data is invalid:\n%v", err)
	}
	if _, err := fs.Stat(knowledge.Shipped(), "licences.yaml"); err != nil {
		t.Errorf("Shipped() is not rooted at knowledge/data: %v", err)
	}
	if s := kb.Stats(); s.TotalCategories() == 0 || s.Licences == 0 {
		t.Errorf("Stats() = %+v, want categories and licences", s)
	}
}

func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"testdata/good", "testdata/bad"} {
		fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := fs.ReadFile(os.DirFS(dir), p)
				f.Add(b)
			}
			return nil
		})
	}
	f.Add([]byte("x: &a [*a]\n"))
	f.Add([]byte("categories:\n  - path: [a, b]\n    requirements:\n      - {pick: 1, of: [《x》]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		kb, err := knowledge.Load(fstest.MapFS{"f.yaml": {Data: data}})
		if (kb == nil) == (err == nil) {
			t.Fatalf("Load = %v, %v; want exactly one of a base and an error", kb, err)
		}
		if err != nil {
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var le *knowledge.LoadError
				if !errors.As(e, &le) || le.File != "f.yaml" {
					t.Fatalf("%v: not a *LoadError in f.yaml", e)
				}
			}
			return
		}
		kb.Stats()
		kb.LicencesIn(string(data))
	})
}

// TestLoad_OneErrorPerProblem wants a value of the wrong kind reported once,
// not again as a missing value.
func TestLoad_OneErrorPerProblem(t *testing.T) {
	const src = "  sources: [{seed: s.txt, date: 2026-01-01}]\n"
	for _, test := range []struct {
		name, yaml, want string
	}{
		{"path not a list", "categories:\n  - path: 社交/直播\n  " + src, `f.yaml:2: path must be a list`},
		{"sources not a list", "categories:\n  - path: [社交, 直播]\n    sources: 官方\n", `f.yaml:3: sources must be a list`},
		{"of not a list", "categories:\n  - path: [社交, 直播]\n    requirements: [{pick: 1, of: 《营业执照》}]\n  " + src, `f.yaml:3: of must be a list`},
		{"all not a list", "categories:\n  - path: [社交, 直播]\n    requirements: [{all: 《营业执照》}]\n  " + src, `f.yaml:3: all must be a list`},
		{"licence name a list", "licences:\n  - name: [《营业执照》]\n  " + src, `f.yaml:2: name must be a single value`},
		{"topic id a list", "topics:\n  - id: [备案]\n    title: t\n    body: b\n  " + src, `f.yaml:2: id must be a single value`},
		{"synonym word a list", "synonyms:\n  - {word: [带货], means: [直播]}\n", `f.yaml:2: word must be a single value`},
		{"means not a list", "synonyms:\n  - {word: 带货, means: 直播}\n", `f.yaml:2: means must be a list`},
		{"entry not a mapping", "categories:\n  - 社交\n", `f.yaml:2: category must be a mapping (key: value)`},
		{"repeated key", "categories:\n  - path: [社交, 直播]\n    path: [社交, 笔记]\n  " + src, `f.yaml:3: key "path" appears twice in category`},
	} {
		t.Run(test.name, func(t *testing.T) {
			_, err := knowledge.Load(fstest.MapFS{"f.yaml": {Data: []byte(test.yaml)}})
			if err == nil || err.Error() != test.want {
				t.Errorf("Load = %v, want %s", err, test.want)
			}
		})
	}
}

func TestLoad_SkipsHiddenAndDrafts(t *testing.T) {
	const bad = "nonsense: true\n"
	kb, err := knowledge.Load(fstest.MapFS{
		"a.yaml":          {Data: []byte("words: [小程序]\n")},
		"_draft.yaml":     {Data: []byte(bad)},
		".hidden.yaml":    {Data: []byte(bad)},
		"_old/b.yaml":     {Data: []byte(bad)},
		".git/c.yaml":     {Data: []byte(bad)},
		"notes.txt":       {Data: []byte(bad)},
		"sub/d.yaml":      {Data: []byte("words: [网约车]\n")},
		"sub/_e.yaml":     {Data: []byte(bad)},
		"sub/f.yaml.orig": {Data: []byte(bad)},
	})
	if err != nil {
		t.Fatalf("Load = %v, want the skipped files skipped", err)
	}
	if want := []string{"小程序", "网约车"}; !reflect.DeepEqual(kb.Words, want) {
		t.Errorf("Words = %v, want %v", kb.Words, want)
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := knowledge.Load(knowledge.Shipped()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLicencesIn(b *testing.B) {
	kb, err := knowledge.Load(knowledge.Shipped())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		kb.LicencesIn("我只有ICP许可证和营业执照，没有视听许可证，能做社交直播吗")
	}
}
