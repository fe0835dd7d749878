package knowledge_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/qualbot/qualbot/knowledge"
)

// An auditFact is one correction of the knowledge-base audit of 2026-12
// (kb-audit-2026-12.md, findings numbered as there) or of the four fact
// fixes of the answer-first issue (issue 13 item 6), stated so that the
// mistake cannot come back unnoticed. Where possible the row checks the
// official structure the corrected prose relies on, as well as the prose.
type auditFact struct {
	finding string // "5.1", "6.2", "13.6a" ...
	fact    string
	check   func(kb *knowledge.Base) error
}

func TestAuditFacts(t *testing.T) {
	kb, err := knowledge.Load(knowledge.Shipped())
	if err != nil {
		t.Fatalf("load shipped knowledge: %v", err)
	}
	var facts []auditFact
	facts = append(facts, auditTopicFacts()...)
	facts = append(facts, auditCategoryFacts()...)
	facts = append(facts, auditSynonymFacts()...)
	facts = append(facts, auditLicenceFacts()...)
	seen := map[string]bool{}
	for _, f := range facts {
		name := f.finding + " " + f.fact
		if seen[name] {
			t.Fatalf("two rows state the same fact: %s", name)
		}
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			if err := f.check(kb); err != nil {
				t.Error(err)
			}
		})
	}
}

// auditTopicFacts are the corrections to topics.yaml.
func auditTopicFacts() []auditFact {
	return []auditFact{
		{"6.1", "个人主体限制 names no category the official table does not have, except as a dated old name", func(kb *knowledge.Base) error {
			t := kb.Topic("个人主体限制")
			if t == nil {
				return fmt.Errorf("no topic 个人主体限制")
			}
			if err := sfLacks("topic 个人主体限制", t.Body, "软件服务提供商"); err != nil {
				return err
			}
			if kb.Category("IT科技", "软件服务提供商") != nil || kb.Category("文娱", "视频") != nil {
				return fmt.Errorf("the table has IT科技-软件服务提供商 or 文娱-视频 again: the topic's wording is out of date")
			}
			return sfTopic(kb, "个人主体限制", "文娱-视频是当时的类目名", "文娱-其他视频", "视频广场")
		}},
		{"6.1", "no topic cites a source noted as taken from the project's evaluation questions", func(kb *knowledge.Base) error {
			for _, t := range kb.Topics {
				for _, s := range t.Sources {
					if strings.Contains(s.Note+s.Title, "评测") {
						return fmt.Errorf("topic %s cites %s (%s)", t.ID, s.Where(), s.Note)
					}
				}
			}
			return nil
		}},
		{"6.2", "no 医疗器械 category accepts 《第二类医疗器械经营备案凭证》, and 医药类目 says so", func(kb *knowledge.Base) error {
			for _, sub := range []string{"医疗器械自营", "医疗器械经营销售平台", "医疗器械生产企业"} {
				c, err := sfCategory(kb, "医疗服务", sub)
				if err != nil {
					return err
				}
				for _, g := range c.Requirements {
					for _, it := range g.Items {
						if strings.Contains(it.Text, "第二类医疗器械经营备案") {
							return fmt.Errorf("%s accepts %q: the topics are wrong", c.ID(), it.Text)
						}
					}
				}
			}
			t := kb.Topic("医药类目")
			if t == nil {
				return fmt.Errorf("no topic 医药类目")
			}
			if err := sfLacks("topic 医药类目", t.Body, "参考资料没有写"); err != nil {
				return err
			}
			return sfTopic(kb, "医药类目", "《第二类医疗器械经营备案凭证》都不在其中", "选不了这些类目")
		}},
		{"6.2", "类目资质总览 contrasts the article's easy class-II filing with the official table", func(kb *knowledge.Base) error {
			return sfTopic(kb, "类目资质总览", "都不接受第二类医疗器械经营备案凭证")
		}},
		{"13.6d", "添加类目 settles that individuals cannot see 社交 (no 未证实 hedge)", func(kb *knowledge.Base) error {
			for _, c := range kb.Categories {
				if c.Path[0] == "社交" && slices.Contains(c.Subjects, knowledge.Individual) {
					return fmt.Errorf("%s is open to 个人: the topic is wrong", c.ID())
				}
			}
			t := kb.Topic("添加类目")
			if t == nil {
				return fmt.Errorf("no topic 添加类目")
			}
			if err := sfLacks("topic 添加类目", t.Body, "未证实"); err != nil {
				return err
			}
			return sfTopic(kb, "添加类目", "个人主体看不到社交")
		}},
		{"6.3.1", "代码审核 lists every category whose note asks for the local review before the first submission", func(kb *knowledge.Base) error {
			var want []string
			for _, c := range kb.Categories {
				if strings.Contains(strings.Join(c.Notes, "\n"), "当地互联网主管机关审核") {
					want = append(want, c.Path[len(c.Path)-1])
				}
			}
			if len(want) == 0 {
				return fmt.Errorf("no category note mentions 当地互联网主管机关审核")
			}
			return sfTopic(kb, "代码审核", append([]string{fmt.Sprintf("有%d个", len(want))}, want...)...)
		}},
	}
}

// auditCategoryFacts are the corrections to category descriptions.
func auditCategoryFacts() []auditFact {
	return []auditFact{
		{"1.1", "公益-募捐服务's description keeps the official note: the platform itself does not fundraise", func(kb *knowledge.Base) error {
			c, err := sfCategory(kb, "公益", "募捐服务")
			if err != nil {
				return err
			}
			if err := sfNotes(kb, c.Path, "平台本身不进行公开募捐"); err != nil {
				return err
			}
			if err := sfLacks(c.ID()+" description", c.Description, "平台开展"); err != nil {
				return err
			}
			return sfContains(c.ID()+" description", c.Description, "平台本身不进行公开募捐")
		}},
		{"13.6a", "时政信息's scope keeps 含法律法规, 农业 and 历史", func(kb *knowledge.Base) error {
			c, err := sfCategory(kb, "时政信息", "时政信息")
			if err != nil {
				return err
			}
			return sfContains(c.ID()+" description", c.Description, "政治（含法律法规）", "农业", "历史")
		}},
		{"13.6b", "汽车经销商/4S店 does not offer sales: deposits belong to 汽车预售, whole cars are not sold online", func(kb *knowledge.Base) error {
			c, err := sfCategory(kb, "汽车服务", "汽车经销商/4S店")
			if err != nil {
				return err
			}
			if err := sfLacks(c.ID()+" description", c.Description, "销售和"); err != nil {
				return err
			}
			if err := sfNotes(kb, []string{"汽车服务", "汽车预售"}, "暂不支持在线整车销售"); err != nil {
				return err
			}
			return sfContains(c.ID()+" description", c.Description, "汽车服务-汽车预售", "暂不支持在线整车销售")
		}},
	}
}

// auditSynonymFacts are the corrections to synonyms.yaml: a colloquial
// word must not steer every asker to a category that fits only some.
func auditSynonymFacts() []auditFact {
	means := func(kb *knowledge.Base, word string) ([]string, error) {
		for _, s := range kb.Synonyms {
			if s.Word == word {
				return s.Means, nil
			}
		}
		return nil, fmt.Errorf("no synonym %s", word)
	}
	both := func(finding, word string) auditFact {
		return auditFact{finding, word + " means 商家自营 as well as 电商平台: a merchant selling its own goods is 商家自营", func(kb *knowledge.Base) error {
			m, err := means(kb, word)
			if err != nil {
				return err
			}
			if !slices.Contains(m, "商家自营") || !slices.Contains(m, "电商平台") {
				return fmt.Errorf("%s means %v", word, m)
			}
			return nil
		}}
	}
	return []auditFact{
		both("7.1", "卖货"),
		both("7.2", "拼团"),
		{"7.3", "法律咨询 means the categories companies can choose, not the individual-only 律师", func(kb *knowledge.Base) error {
			c, err := sfCategory(kb, "商业服务", "律师")
			if err != nil {
				return err
			}
			if !slices.Equal(c.Subjects, []knowledge.Subject{knowledge.Individual}) {
				return fmt.Errorf("%s is open to %v: the finding no longer holds", c.ID(), c.Subjects)
			}
			m, err := means(kb, "法律咨询")
			if err != nil {
				return err
			}
			if slices.Contains(m, "律师") || !slices.Contains(m, "法律服务平台") {
				return fmt.Errorf("法律咨询 means %v", m)
			}
			return nil
		}},
	}
}

// auditLicenceFacts are the corrections to licences.yaml, checked against
// the uses derived from the requirement groups and against the lint.
func auditLicenceFacts() []auditFact {
	return []auditFact{
		{"5.1", "《互联网新闻信息服务许可证》 is required by 文娱-资讯广场 only, one of 2 for 时政信息, and not by 资讯", func(kb *knowledge.Base) error {
			l, err := sfLicence(kb, "《互联网新闻信息服务许可证》")
			if err != nil {
				return err
			}
			if err := sfUses(l, map[string]string{"文娱/资讯广场": "required", "时政信息/时政信息": "1 of 2"}); err != nil {
				return err
			}
			if err := sfLacks(l.Name+" about", l.About, "资讯、时政信息类目要求"); err != nil {
				return err
			}
			if err := sfLinted(kb, l.Pos); err != nil {
				return err
			}
			return sfContains(l.Name+" about", l.About, "资讯-信息资讯没有资质要求")
		}},
		{"5.2", "no category accepts 《第二类医疗器械经营备案凭证》, and its description says so", func(kb *knowledge.Base) error {
			l, err := sfLicence(kb, "《第二类医疗器械经营备案凭证》")
			if err != nil {
				return err
			}
			if u := l.Uses(); len(u) > 0 {
				return fmt.Errorf("%s is named by %s: the description is wrong", l.Name, u[0].Category.ID())
			}
			if err := sfLacks(l.Name+" about", l.About, "参考资料没有写"); err != nil {
				return err
			}
			return sfContains(l.Name+" about", l.About, "官方类目表没有类目接受这份凭证", "选不了这些类目")
		}},
		{"13.6c", "《民办学校办学许可证》 is required by 学历教育（培训机构） only; 素质教育 needs nothing; elsewhere it is one option", func(kb *knowledge.Base) error {
			l, err := sfLicence(kb, "《民办学校办学许可证》")
			if err != nil {
				return err
			}
			if err := sfUses(l, map[string]string{"教育服务/学历教育（培训机构）": "required", "教育服务/教育平台": "1 of 2", "教育服务/学历教育（学校）": "1 of 2"}); err != nil {
				return err
			}
			c, err := sfCategory(kb, "教育服务", "素质教育")
			if err != nil {
				return err
			}
			if len(c.Requirements) > 0 {
				return fmt.Errorf("%s has requirements now: %s", c.ID(), sfDescribe(c))
			}
			if err := sfLacks(l.Name+" about", l.About, "都要"); err != nil {
				return err
			}
			if err := sfLinted(kb, l.Pos); err != nil {
				return err
			}
			return sfContains(l.Name+" about", l.About, "素质教育类目没有资质要求")
		}},
	}
}

// sfUses checks how l is used by the categories given: "required", or
// "1 of N" for a choice among N.
func sfUses(l *knowledge.Licence, want map[string]string) error {
	got := map[string]string{}
	for _, u := range l.Uses() {
		if u.Required() {
			got[u.Category.ID()] = "required"
		} else {
			got[u.Category.ID()] = fmt.Sprintf("1 of %d", u.Choices())
		}
	}
	for id, w := range want {
		if got[id] != w {
			return fmt.Errorf("%s in %s: %q, want %q (all uses: %v)", l.Name, id, got[id], w, got)
		}
	}
	return nil
}

// sfLinted reports the lint findings at pos, if any.
func sfLinted(kb *knowledge.Base, pos knowledge.Pos) error {
	for _, f := range knowledge.Lint(kb) {
		if f.Pos == pos {
			return fmt.Errorf("lint: %s", f)
		}
	}
	return nil
}

// sfLacks reports an error when text contains any of the phrases.
func sfLacks(what, text string, phrases ...string) error {
	for _, p := range phrases {
		if strings.Contains(text, p) {
			return fmt.Errorf("%s still says %q", what, p)
		}
	}
	return nil
}
