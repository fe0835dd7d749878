package bot

import (
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/qualbot/qualbot/knowledge"
)

var (
	shippedOnce sync.Once
	shippedKB   *knowledge.Base
	shippedErr  error
)

// shipped returns the embedded knowledge base, loaded once per test binary.
func shipped(t *testing.T) *knowledge.Base {
	t.Helper()
	shippedOnce.Do(func() { shippedKB, shippedErr = knowledge.Load(knowledge.Shipped()) })
	if shippedErr != nil {
		t.Fatal(shippedErr)
	}
	return shippedKB
}

// TestCompose composes replies from Results built by hand over the shipped
// knowledge base, one per kind of ask: what the index will hand the bot.
func TestCompose(t *testing.T) {
	kb := shipped(t)
	cat := func(path ...string) *knowledge.Category {
		c := kb.Category(path...)
		if c == nil {
			t.Fatalf("no category %v in the shipped knowledge base", path)
		}
		return c
	}
	lic := func(name string) *knowledge.Licence {
		l := kb.Licence(name)
		if l == nil {
			t.Fatalf("no licence %s in the shipped knowledge base", name)
		}
		return l
	}
	hit := func(c *knowledge.Category, score float64) knowledge.Hit {
		return knowledge.Hit{Kind: knowledge.KindCategory, Category: c, Score: score}
	}
	topicHit := func(id string) knowledge.Hit {
		tp := kb.Topic(id)
		if tp == nil {
			t.Fatalf("no topic %s", id)
		}
		return knowledge.Hit{Kind: knowledge.KindTopic, Topic: tp, Score: 1}
	}
	qa, live, memo := cat("社交", "问答"), cat("社交", "直播"), cat("工具", "备忘录")
	community := cat("社交", "社区/论坛")
	for _, test := range []struct {
		name      string
		res       knowledge.Result
		kind      ReplyKind
		want, not []string // in the lead
		details   []string
	}{
		{
			name:    "an individual may not: no, why, and what to do instead",
			res:     knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskIndividual, Category: qa}, Hits: []knowledge.Hit{hit(qa, 2)}, Decision: knowledge.Confident},
			kind:    KindAnswer,
			want:    []string{"不能。【社交-问答】只开放给企业", "个人主体不能选", leadIndividualInstead},
			not:     []string{"2选1"},
			details: []string{"可申请主体", "#个人主体小程序开放的服务类目"},
		},
		{
			name: "an individual may, with what it needs",
			res:  knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskIndividual, Category: memo}, Hits: []knowledge.Hit{hit(memo, 2)}, Decision: knowledge.Confident},
			kind: KindAnswer,
			want: []string{"可以，个人主体能选【工具-备忘录】，无需特殊资质。"},
		},
		{
			name: "which category, with the sibling that scores close",
			res: knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskWhichCategory}, Decision: knowledge.Confident,
				Hits: []knowledge.Hit{hit(community, 2), hit(qa, 1.5)}},
			kind: KindAnswer,
			want: []string{"选【社交-社区/论坛】（个人不可选），需要：", "《非经营性互联网信息服务备案核准》", "业务更接近【社交-问答】的，回复2看它的要求。"},
		},
		{
			name: "what a category needs, when the search could not tell two apart: the other by number",
			res: knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskLicences, Category: community}, Decision: knowledge.Ambiguous,
				Hits: []knowledge.Hit{hit(community, 2), hit(qa, 1.5)}},
			kind: KindAnswer,
			want: []string{"【社交-社区/论坛】（个人不可选），需要：", "业务更接近【社交-问答】的，回复2看它的要求。"},
		},
		{
			name: "what a category needs, confidently: no other named",
			res: knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskLicences, Category: community}, Decision: knowledge.Confident,
				Hits: []knowledge.Hit{hit(community, 2), hit(qa, 1.5)}},
			kind: KindAnswer,
			want: []string{"【社交-社区/论坛】（个人不可选），需要："},
			not:  []string{"业务更接近"},
		},
		{
			name:    "what a category needs: N选1 with exact names",
			res:     knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskLicences, Category: live}, Hits: []knowledge.Hit{hit(live, 1)}, Decision: knowledge.Confident},
			kind:    KindAnswer,
			want:    []string{"【社交-直播】（个人不可选），需要：\n· 3选1：《信息网络传播视听节目许可证》"},
			details: []string{"支持直播：是", "https://developers.weixin.qq.com/miniprogram/product/material/#非个人主体小程序开放的服务类目（"},
		},
		{
			name: "which categories a licence opens",
			res:  knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskLicenceCategories, Licence: lic("《网络文化经营许可证》")}},
			kind: KindAnswer,
			want: []string{"《网络文化经营许可证》：必须用它的类目有1个：文娱-动漫。\n它是可选资质之一的类目有", "文娱-音乐"},
		},
		{
			name: "what the user has and what is missing",
			res: knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskHave, Category: live, Have: []*knowledge.Licence{lic("《营业执照》")}},
				Hits: []knowledge.Hit{hit(live, 1)}},
			kind: KindCheck,
			want: []string{"做【社交-直播】", "还缺", "《信息网络传播视听节目许可证》"},
		},
		{
			name: "something that is not a licence: said without repeating it",
			res:  knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskHave, Category: live, HaveOther: true}, Hits: []knowledge.Hit{hit(live, 1)}},
			kind: KindCheck,
			want: []string{leadCheckOther, "还缺"},
		},
		{
			name: "a notice asks to add a category: add it, or remove the feature",
			res: knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskNotice, Notice: &knowledge.Notice{Reason: knowledge.NoticeAddCategory, Category: community}},
				Hits: []knowledge.Hit{hit(community, 1)}},
			kind: KindAnswer,
			want: []string{"驳回要你补充【社交-社区/论坛】类目", "设置-基本设置-服务类目", "《非经营性互联网信息服务备案核准》", leadNoticeRemove},
		},
		{
			name: "a notice says individuals may not",
			res: knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskNotice, Notice: &knowledge.Notice{Reason: knowledge.NoticeIndividualClosed, Category: community}},
				Hits: []knowledge.Hit{hit(community, 1)}},
			kind: KindAnswer,
			want: []string{"【社交-社区/论坛】个人主体不能选", "小程序主体迁移"},
		},
		{
			name: "a notice of a mismatch",
			res:  knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskNotice, Notice: &knowledge.Notice{Reason: knowledge.NoticeMismatch}}},
			kind: KindAnswer,
			want: []string{leadNoticeMismatch},
		},
		{
			name: "a difference: a line on each",
			res: knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskDifference, Pair: []knowledge.Hit{
				{Kind: knowledge.KindLicence, Licence: lic("《增值电信业务经营许可证》")}, {Kind: knowledge.KindLicence, Licence: lic("《非经营性互联网信息服务备案核准》")}}}},
			kind: KindAnswer,
			want: []string{leadDifference, "· 《增值电信业务经营许可证》：", "· 《非经营性互联网信息服务备案核准》："},
		},
		{
			name: "what a category needs, when an overview ranks first: the category close behind answers",
			res: knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskLicences}, Decision: knowledge.Confident,
				Hits: []knowledge.Hit{topicHit("类目资质总览"), hit(live, 0.7)}},
			kind: KindAnswer,
			want: []string{"【社交-直播】（个人不可选），需要："},
		},
		{
			name:    "how long: the topic's FAQ of that kind",
			res:     knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskDuration}, Hits: []knowledge.Hit{topicHit("备案")}, Decision: knowledge.Confident},
			kind:    KindAnswer,
			want:    []string{"1-20个工作日"},
			details: []string{"五个环节"},
		},
		{
			name: "how: the topic's FAQ of that kind",
			res:  knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskHow}, Hits: []knowledge.Hit{topicHit("添加类目")}, Decision: knowledge.Confident},
			kind: KindAnswer,
			want: []string{"设置 → 基本设置 → 服务类目"},
		},
		{
			name: "a whole group: its categories by number",
			res:  knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskGroup, Group: "社交"}, Hits: []knowledge.Hit{hit(qa, 0), hit(live, 0)}, Decision: knowledge.Ambiguous},
			kind: KindChoices,
			want: []string{"【社交】下有", "1. "},
		},
		{
			name: "another platform",
			res:  knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskOtherPlatform, Platform: "抖音"}, Hits: []knowledge.Hit{hit(live, 1)}, Decision: knowledge.Confident},
			kind: KindDecline,
			want: []string{replyOtherPlatform},
		},
		{
			name: "off topic, although a category matches a word",
			res:  knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskOffTopic}, Hits: []knowledge.Hit{hit(cat("工具", "天气"), 1)}, Decision: knowledge.Confident},
			kind: KindDecline,
			want: []string{replyOffTopic},
		},
		{
			name: "needs context: ask what the mini-program does",
			res:  knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskNeedsContext}, Hits: []knowledge.Hit{topicHit("代码审核")}, Decision: knowledge.Confident},
			kind: KindClarify,
			want: []string{replyNeedsContext},
		},
		{
			name: "in the domain, but no category found: ask back",
			res:  knowledge.Result{Ask: knowledge.Ask{Kind: knowledge.AskWhichCategory}, Decision: knowledge.None},
			kind: KindClarify,
			want: []string{replyDescribeBusiness},
		},
		{
			name: "nothing fits: the decline",
			res:  knowledge.Result{Decision: knowledge.None},
			kind: KindDecline,
			want: []string{replyDecline},
		},
	} {
		t.Run(test.name, func(t *testing.T) {
			c := compose(test.res)
			if c.kind != test.kind {
				t.Fatalf("kind = %s, want %s\n%s", c.kind, test.kind, c.lead)
			}
			checkText(t, "compose", c.lead, test.want, test.not)
			checkText(t, "compose details", c.details, test.details, nil)
			if n := utf8.RuneCountInString(c.lead); n > tuning.leadRunes && c.kind != KindChoices {
				t.Errorf("lead has %d runes, want at most %d:\n%s", n, tuning.leadRunes, c.lead)
			}
			if c.details != "" && !strings.HasSuffix(c.lead, replyMore) {
				t.Errorf("lead with details does not say how to get them:\n%s", c.lead)
			}
		})
	}
}

func TestGroupMessage(t *testing.T) {
	long := strings.Repeat("一行很长的说明文字。\n", 100)
	for _, test := range []struct {
		name, nick string
		parts      []string
		want       string // prefix
		max        int
	}{
		{"one part, addressed", "张三", []string{"答案"}, "@张三\u2005答案", 0},
		{"parts joined without their marks", "张三", []string{"（1/2）\n第一段", "（2/2）\n第二段"}, "@张三\u2005第一段\n第二段", 0},
		{"a name cleaned of spaces, newlines and @", "张 三\n@x", []string{"答案"}, "@张三x\u2005答案", 0},
		{"no name, no mention", "", []string{"答案"}, "答案", 0},
		{"cut to one message", "张三", []string{long}, "@张三\u2005一行很长的说明文字。", tuning.groupRunes + 20},
	} {
		t.Run(test.name, func(t *testing.T) {
			got := groupMessage(test.nick, test.parts)
			if !strings.HasPrefix(got, test.want) {
				t.Errorf("groupMessage() = %q, want it to start %q", got, test.want)
			}
			if test.max > 0 && (utf8.RuneCountInString(got) > test.max || !strings.HasSuffix(got, replyGroupCut)) {
				t.Errorf("groupMessage() = %d runes ending %q; want at most %d, ending with the cut note", utf8.RuneCountInString(got), got[len(got)-30:], test.max)
			}
		})
	}
}
