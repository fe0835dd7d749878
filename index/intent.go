package index

import (
	"regexp"
	"strings"
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
	askWords = []string{
		"为何", "为什么", "什么原因", "原因", "怎么回事", "咋回事",
		"怎么办", "怎么处理", "如何处理", "怎么解决", "怎么取消", "怎么整改",
	}
	processBoost = 6.0
)

// asksAboutProcess reports whether text, a normalised question, asks about
// a review or a failed submission.
func asksAboutProcess(text string) bool {
	return containsAny(text, processWords) && containsAny(text, askWords) && !strings.Contains(text, "补充")
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
