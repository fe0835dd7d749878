package knowledge

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// A LintClass names one kind of content problem that [Lint] finds: text
// that loads fine but says something the structured facts contradict, or
// cites a source the way a reader cannot check.
type LintClass string

// The lint classes.
const (
	// LintRequiredButOption: a licence's description says a category
	// requires it, where the category's requirement groups make it one
	// choice of several, or do not name it at all.
	LintRequiredButOption LintClass = "required-but-option"
	// LintIndividualOnlySynonym: every category a synonym points at is
	// open to individuals only, so companies asking with that word are
	// steered to a category they cannot choose.
	LintIndividualOnlySynonym LintClass = "synonym-individual-only"
	// LintEvalSource: a source is noted as taken from the project's own
	// evaluation questions instead of the page it names.
	LintEvalSource LintClass = "source-from-eval"
	// LintUnlabelledThirdParty: a source a reader may be shown is a
	// third-party page, and nothing the reader sees says so.
	LintUnlabelledThirdParty LintClass = "source-third-party-unlabelled"
)

// A Finding is one problem [Lint] found, at the entry it concerns.
type Finding struct {
	Pos     Pos
	Class   LintClass
	Message string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", f.Pos.File, f.Pos.Line, f.Class, f.Message)
}

// Lint checks what the loader cannot: prose against the requirement
// groups, synonyms against who may choose their categories, and sources
// against how they were read. It returns the findings in file order.
func Lint(b *Base) []Finding {
	var out []Finding
	for _, l := range b.Licences {
		out = append(out, lintRequired(b, l)...)
	}
	out = append(out, lintSynonyms(b)...)
	out = append(out, lintSources(b)...)
	slices.SortStableFunc(out, func(x, y Finding) int {
		if c := strings.Compare(x.Pos.File, y.Pos.File); c != 0 {
			return c
		}
		return x.Pos.Line - y.Pos.Line
	})
	return out
}

// requiredWords say that something is needed without a choice.
var requiredWords = []string{"要求", "都要", "必须", "必备", "必需", "需要它", "要它"}

// optionWords mark a clause that is not a plain claim of "required": it
// speaks of a choice ("之一", "可代替", "或《…》"), of one route within a
// category ("类目中经销商主体要求", "申请…时要求", "平台方要求"), or says
// that something is not needed.
var optionWords = []string{
	"之一", "选1", "选一", "二选", "任选", "可用", "代替", "替代", "认可", "可交", "改交", "可选", "或《",
	"类目中", "主体要求", "时要求", "方要求",
	"不需要", "不要求", "没有资质要求", "无需",
}

// lintRequired finds the clauses of l's description that say a category
// requires l where the category's groups make it optional or do not name it.
func lintRequired(b *Base, l *Licence) []Finding {
	uses := l.Uses()
	// Longer names first, so that 社交-直播答题 is not read as 社交-直播.
	slices.SortStableFunc(uses, func(x, y Use) int {
		return utf8.RuneCountInString(y.Category.Title()) - utf8.RuneCountInString(x.Category.Title())
	})
	var out []Finding
	for _, clause := range clauses(l.About) {
		if !containsAny(clause, requiredWords) || containsAny(clause, optionWords) {
			continue
		}
		rest := clause
		for _, u := range uses {
			name, ok := mentions(rest, u.Category)
			if !ok {
				continue
			}
			rest = strings.ReplaceAll(rest, name, "")
			if !u.Required() {
				out = append(out, Finding{l.Pos, LintRequiredButOption, fmt.Sprintf(
					"%s：说明写“%s”，但【%s】里它只是%d选1之一；请写明是可选资质之一，或删去这句（哪些类目要它由资质要求自动列出）",
					l.Name, clause, u.Category.Title(), u.Choices())})
			}
		}
		// A first-level group named in the claim, none of whose
		// categories names the licence: "资讯、时政信息类目要求".
		for _, g := range groups(b) {
			if len(uses) == 0 || !strings.Contains(rest, g) || slices.ContainsFunc(uses, func(u Use) bool { return u.Category.Path[0] == g }) {
				continue
			}
			out = append(out, Finding{l.Pos, LintRequiredButOption, fmt.Sprintf(
				"%s：说明写“%s”，但一级类目【%s】下没有类目的资质要求写到它",
				l.Name, clause, g)})
		}
	}
	return out
}

// mentions reports the name under which text mentions c: its title, its
// last path element, or an alias of three or more characters.
func mentions(text string, c *Category) (string, bool) {
	names := []string{c.Title(), c.Path[len(c.Path)-1]}
	for _, a := range c.Aliases {
		if utf8.RuneCountInString(a) >= 3 {
			names = append(names, a)
		}
	}
	for _, n := range names {
		if strings.Contains(text, n) {
			return n, true
		}
	}
	return "", false
}

// groups returns the first-level group names, in order.
func groups(b *Base) []string {
	var out []string
	for _, c := range b.Categories {
		if !slices.Contains(out, c.Path[0]) {
			out = append(out, c.Path[0])
		}
	}
	return out
}

// clauses splits prose at the marks that end a claim.
func clauses(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == '。' || r == '；' || r == ';' || r == '\n' })
	out := f[:0]
	for _, c := range f {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

func containsAny(s string, words []string) bool {
	return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(s, w) })
}

// lintSynonyms finds synonyms whose meanings name categories, all of them
// open to individuals only.
func lintSynonyms(b *Base) []Finding {
	var out []Finding
	for _, s := range b.Synonyms {
		var named []*Category
		for _, m := range s.Means {
			named = append(named, categoriesNamed(b, m)...)
		}
		if len(named) == 0 || slices.ContainsFunc(named, func(c *Category) bool { return !individualOnly(c) }) {
			continue
		}
		titles := make([]string, len(named))
		for i, c := range named {
			titles[i] = c.Title()
		}
		out = append(out, Finding{s.Pos, LintIndividualOnlySynonym, fmt.Sprintf(
			"同义词 %s → %v 只指向只对个人主体开放的类目（%s）：企业等主体用这个词提问会被引向选不了的类目；请加上它们能选的类目",
			s.Word, s.Means, strings.Join(titles, "、"))})
	}
	return out
}

// categoriesNamed returns the categories whose name, title or alias is word.
func categoriesNamed(b *Base, word string) []*Category {
	var out []*Category
	for _, c := range b.Categories {
		if c.Path[len(c.Path)-1] == word || c.Title() == word || c.ID() == word || slices.Contains(c.Aliases, word) {
			out = append(out, c)
		}
	}
	return out
}

func individualOnly(c *Category) bool {
	return len(c.Subjects) > 0 && !slices.ContainsFunc(c.Subjects, func(s Subject) bool { return s != Individual })
}

// evalWords mark a source noted as taken from evaluation material.
var evalWords = []string{"评测", "测评集", "测试集", "eval", "golden", "questions.txt", "dev set", "dev集"}

// thirdPartyWords in a title tell the reader a page is not WeChat's own.
var thirdPartyWords = []string{"第三方", "转载", "转述", "副本", "镜像", "腾讯云"}

// officialHosts are WeChat's and Tencent's own sites.
var officialHosts = []string{"weixin.qq.com", "qq.com", "tencent.com"}

func lintSources(b *Base) []Finding {
	var out []Finding
	check := func(what string, pos Pos, ss []Source) {
		for _, s := range ss {
			if containsAny(strings.ToLower(s.Note+" "+s.Title), evalWords) {
				out = append(out, Finding{pos, LintEvalSource, fmt.Sprintf(
					"%s 的来源 %s 注明取自评测材料（%s）：来源须是读过的页面本身，去掉它或换成读过的页面", what, s.Where(), s.Note)})
			}
			if s.URL != "" && !official(s.URL) && !containsAny(s.Title, thirdPartyWords) {
				out = append(out, Finding{pos, LintUnlabelledThirdParty, fmt.Sprintf(
					"%s 的来源 %s 是第三方页面，读者看到的标题没有说明（title 写明“第三方…”）", what, s.URL)})
			}
		}
	}
	for _, c := range b.Categories {
		check("类目 "+c.Title(), c.Pos, c.Sources)
	}
	for _, l := range b.Licences {
		check("资质 "+l.Name, l.Pos, l.Sources)
	}
	for _, t := range b.Topics {
		check("流程 "+t.ID, t.Pos, t.Sources)
	}
	return out
}

func official(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return slices.ContainsFunc(officialHosts, func(o string) bool { return h == o || strings.HasSuffix(h, "."+o) })
}
