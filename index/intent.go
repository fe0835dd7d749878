package index

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/qualbot/qualbot/knowledge"
)

// A question about the review process says that a submission failed or was
// reviewed, and asks why or what to do: "为何审核还是未通过", "上线失败,是什么原因",
// "限制7日内再提审,怎么取消". The categories and licences it names are
// context ("我选择的是工具备忘录", "提交了营业执照"); what it asks for is a topic
// (审核驳回, 类目资质审核, 个人主体未开放类目). A rejection that asks to
// 补充 a category is the exception: the category it names is the answer
// (类目不符整改 is offered beside it). The topics' scores of a process
// question are multiplied by processBoost, chosen on the dev set from the
// plateau where 5 to 8 give the same figures (docs/benchmarks.md).
var (
	processWords = []string{
		// it did not pass
		"不通过", "未通过", "没通过", "没过", "过不了", "不能过审", "失败", "被拒", "拒绝", "驳回", "打回",
		// it went to review
		"审核", "提审", "过审",
	}
	whyWords = []string{
		"为何", "为什么", "什么原因", "原因", "怎么回事", "咋回事",
		"怎么办", "怎么处理", "如何处理", "怎么解决", "怎么取消", "怎么整改",
	}
	processBoost = 6.0
)

// asksAboutProcess reports whether text, a normalised question, asks about
// a review or a failed submission.
func asksAboutProcess(text string) bool {
	return containsAny(text, processWords) && containsAny(text, whyWords) && !strings.Contains(text, "补充")
}

func containsAny(text string, words []string) bool {
	for _, w := range words {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// otherPlatform matches a mini-program of another platform: the knowledge
// base is WeChat's, and 抖音小程序 has categories of its own, so such a
// question is declined rather than answered with a WeChat category. A
// WeChat mini-program "like 抖音" does not match.
var otherPlatform = regexp.MustCompile(`(抖音|支付宝|百度|快手|头条|字节|qq|钉钉|淘宝|飞书|小红书|鸿蒙)的?(小程序|小游戏)|\btt\.[a-z]`)

// aboutOtherPlatform reports whether text, a normalised question, is about
// another platform's mini-programs.
func aboutOtherPlatform(text string) bool {
	return otherPlatform.MatchString(text)
}

// A question that names a first-level group followed by 类 ("教育类的小程序",
// "社交类目要什么证", "醫療類") and nothing narrower asks about the whole
// group: any one category of it would be a guess. Groups of fewer than
// minGroup categories are answered like any other name (电商平台 is one
// category). Nor is a group named like one of its own categories
// (电商平台-电商平台): the name is that category's.
const minGroup = 3

// groupKeys maps what users call each first-level group of kb to its name:
// the name, and the name without a trailing 服务 or 业 (教育服务 → 教育,
// 金融业 → 金融).
func groupKeys(kb *knowledge.Base) map[string]string {
	count := make(map[string]int)
	own := make(map[string]bool) // group + "/" + a second level in it
	for _, c := range kb.Categories {
		count[c.Path[0]]++
		own[normalize(c.Path[0])+"/"+normalize(c.Path[1])] = true
	}
	keys := make(map[string]string)
	for g, n := range count {
		k := normalize(g)
		if n < minGroup {
			continue
		}
		for _, key := range []string{k, strings.TrimSuffix(k, "服务"), strings.TrimSuffix(k, "业")} {
			if utf8.RuneCountInString(key) >= 2 && !own[k+"/"+key] {
				keys[key] = g
			}
		}
	}
	return keys
}

// groupAsked returns the group p asks about as a whole, or "".
func (q *querier) groupAsked(p prepared) string {
	group, key := "", ""
	for k, g := range q.groups {
		// The longest key that matches; of two as long, the first in order.
		if strings.Contains(p.text, k+"类") && (len(k) > len(key) || len(k) == len(key) && k < key) {
			group, key = g, k
		}
	}
	if group == "" || len(p.synNames) > 0 {
		return ""
	}
	// A name that is not part of the group's own name is narrower: 医疗类的互联网医院.
	full := normalize(group)
	for _, n := range p.names {
		if !strings.Contains(full, n) {
			return ""
		}
	}
	return group
}

// A question that asks which category to choose or what qualification it
// needs ("类目选哪个", "要啥资质", "需要什么证") is in the knowledge base's
// domain even when it describes a business in words the knowledge base does
// not use, so it is declined only on much weaker evidence (askedEvidence).
// Only these phrases count: "类目" with any question mark also opens API
// and WeChat Pay questions ("获取可设置的类目这个接口啊?").
var askPhrases = []string{
	"选哪个", "选什么", "选啥", "选哪", "怎么选", "如何选", "什么类目", "哪个类目", "啥类目", "类目是什么", "类目和",
	"什么证", "啥证", "证吗", "什么资质", "啥资质", "资质吗", "要资质", "什么资制", "什么手续", "什么材料",
	"什么备案", "许可证吗", "办什么",
}

// asksForCategory reports whether text, a normalised question, asks which
// category or qualification applies.
func asksForCategory(text string) bool {
	return containsAny(text, askPhrases)
}
