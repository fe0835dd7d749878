package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/qualbot/qualbot/knowledge"
)

// Every text the bot sends to a user lives in this file, so that it can be
// reviewed, reworded and translated in one place. The other files only
// choose among these texts and fill in facts from the knowledge base.

// Fixed replies.
const (
	replyHelp = "我可以回答微信小程序服务类目和所需资质的问题，例如：\n" +
		"1. 做直播带货的小程序要什么资质\n" +
		"2. EDI许可证是什么，哪些类目要用\n" +
		"3. 我只有ICP备案，能做社交直播吗\n" +
		"也可以问备案、审核驳回等流程。在群里请@我，或以“%s”开头提问。"
	replyHelpDM = "我可以回答微信小程序服务类目和所需资质的问题，例如：\n" +
		"1. 做直播带货的小程序要什么资质\n" +
		"2. EDI许可证是什么，哪些类目要用\n" +
		"3. 我只有ICP备案，能做社交直播吗\n" +
		"也可以问备案、审核驳回等流程。"
	replyDecline = "抱歉，这个问题我还没有把握回答，已经记下来请资料维护同学补充。" + replyRephrase
	// replyDeclineUnlogged declines where no unanswered log is kept: it
	// promises nothing.
	replyDeclineUnlogged = "抱歉，这个问题我还没有把握回答。" + replyRephrase
	replyRephrase        = "可以换个说法，带上类目或资质名称再问；发送“帮助”查看提问示例。"
	replyOtherPlatform   = "我只了解微信小程序的服务类目和资质。抖音、支付宝等其他平台的类目和资质要求不同，请以该平台的官方规则为准。"
	replyInternal        = "抱歉，系统出了点问题，请稍后再试。"
	replyThanks          = "不客气，有问题随时问我。"
	replyRateLimited     = "消息太多了，请稍后再试。"
	replyNotAdmin        = "抱歉，这个命令只有管理员在私聊中才能使用。"
	replyReindexBusy     = "正在重建索引，请稍后再试。"
	replyChoicesHead     = "找到几个相近的结果："
	replyChoicesFoot     = "回复序号查看详情。"
	replyBadChoice       = "请回复1到%d之间的序号。"
	replyNoChoices       = "这个序号没有对应的列表（列表只保留几分钟），请重新提问。"
	replyNoReindex       = "这里不能重建索引。"
	replyUnansweredNo    = "暂无"
)

// Labels for the kinds of hit in a list of choices.
var kindLabel = map[string]string{
	"category": "类目",
	"licence":  "资质",
	"topic":    "流程",
	"faq":      "问答",
}

// Category answers.
const (
	catSubjects      = "可申请主体：%s"
	catNoIndividual  = "（个人主体不可申请）"
	catNoRequirement = "资质要求：无需特殊资质。"
	catUnknown       = "资质要求：暂未收录，请以官方类目表为准。"
	catRequirements  = "资质要求："
	catAll           = "需全部提供："
	catOne           = "需提供："
	catPick          = "以下%d项任选%d项："
	catAlsoAll       = "另需全部提供："
	catAlsoOne       = "另需提供："
	catAlsoPick      = "另需以下%d项任选%d项："
	catNotes         = "说明："
	catLiveYes       = "支持直播：是"
	catLiveNo        = "支持直播：否"
	sourceNoDate     = "日期不详"
	sourceAccessed   = "%s查阅"
)

// Licence answers.
const (
	licShort        = "简称：%s"
	licIssuer       = "发证机关：%s"
	licIssuerNone   = "发证机关：暂未收录。"
	licCategories   = "需要它的类目（%d个）：%s"
	licCategoriesN  = "需要它的类目（%d个）：%s等，发送类目名称可查看详情。"
	licOptions      = "可用它的类目（%d个，它是几种可选资质之一）：%s"
	licOptionsN     = "可用它的类目（%d个，它是几种可选资质之一）：%s等，发送类目名称可查看详情。"
	licOptionOne    = "%s（%d选1之一）"
	licOptionPick   = "%s（%d选%d之一）"
	licNoCategories = "目前收录的类目都不要求这项资质。"
	licSource       = "来源：%s（%s）。"
)

// Topic answers.
const topicSource = "来源：%s（%s）。"

// Requirement checks.
const (
	checkHead      = "【%s】对照你已有的资质："
	checkHave      = "已有：%s"
	checkMissing   = "还缺："
	checkMaterials = "还需准备的材料："
	checkDone      = "你已有的资质满足该类目的资质要求。"
	checkNotNeeded = "%s不在该类目的资质要求里。"
	checkPickHave  = "（你已有%d项）"
	// checkOther stands for what a user says they have when it is not a
	// licence of the knowledge base: their words are never repeated.
	checkOther = "你提到的材料"
	// checkRest follows the licences a user has when they named more than
	// licences: the rest is not quoted either.
	checkRest = "；其余内容没有识别为资质。"
)

// Out of scope, and questions to ask back.
const (
	replyOffTopic         = "这个我帮不上：我只回答微信小程序的服务类目和资质问题（选什么类目、要什么证、备案和审核）。发送“帮助”看提问示例。"
	replyNeedsContext     = "我看不到你说的那个小程序或功能，也看不到别人的是怎么过审的。说说你的小程序具体做什么（卖什么、有没有用户发帖、直播或支付），我告诉你该选的类目和要的资质。"
	replyDescribeBusiness = "我还没对上具体的类目。说说小程序具体做什么（卖什么、给谁用、有没有发帖、直播或支付），我告诉你该选哪个类目、要什么资质。"
)

// Answer first: the lead of a reply, and the details on request.
const (
	replyMore      = "回复「详情」看完整内容和来源。"
	replyNoDetails = "没有可展开的详情（只保留几分钟），请重新提问。"
	// replyGroupCut ends details cut to fit one group message.
	replyGroupCut = "……（完整内容请私聊我：问同样的问题后回复「详情」）"
	// groupMention addresses a group reply to its asker, the way WeChat
	// writes a mention: "@昵称" and a four-per-em space.
	groupMention = "@%s "

	leadCategory      = "【%s】%s"
	leadChoose        = "选【%s】%s"
	leadHowAdd        = "在后台“设置-基本设置-服务类目”添加【%s】%s"
	leadSibling       = "业务更接近【%s】的，回复%d看它的要求。"
	leadIndividualYes = "可以，个人主体能选【%s】"
	leadIndividualNo  = "不能。【%s】只开放给%s，个人主体不能选。"
	leadIndividualAlt = "个人可选的相近类目：【%s】。"
	// leadIndividualInstead is what to do instead when no category close by is open to individuals.
	leadIndividualInstead = "可以用企业等非个人主体注册（已有的小程序可做主体迁移），或去掉这项功能后再提审。"
	markIndividualYes     = "（个人可选）"
	markIndividualNo      = "（个人不可选）"

	needHead    = "，需要："
	needNone    = "，无需特殊资质。"
	needUnknown = "，资质要求暂未收录，请以官方类目表为准。"
	needAll     = ""
	needAlso    = "另需"
	needPick    = "%d选%d："
	needMore    = "等"
	ellipsis    = "…"
	// itemSeparator joins the items of one requirement group on one line.
	itemSeparator = "；"

	leadShort        = "（%s）"
	leadUsedBy       = "必须用它的类目有%d个："
	leadUsedByOption = "它是可选资质之一的类目有%d个："
	leadUsedByMore   = "等。"
	// leadUsedByCount says how many categories when not one name fits.
	leadUsedByCount = "%s，见详情。"

	leadDifference = "区别："
	leadGist       = "· %s：%s"

	leadCheck          = "做【%s】："
	leadCheckHave      = "已满足：%s"
	leadCheckMissing   = "还缺："
	leadCheckOther     = "你说的已有材料不在该类目的资质要求里。"
	leadCheckMaterials = "另有协议、规则等材料要准备。"

	leadNoticeAdd           = "驳回要你补充【%s】类目：在后台“设置-基本设置-服务类目”添加它"
	leadNoticeRemove        = "不做这项功能的，删掉相关页面和内容后重新提审，或按驳回通知申诉说明。"
	leadNoticeIndividualCat = "【%s】个人主体不能选：去掉这项功能后重新提审，或换成企业等非个人主体（可做小程序主体迁移）。"
	leadNoticeIndividual    = "个人主体未开放这类功能：去掉它后重新提审，或换成企业等非个人主体（可做小程序主体迁移）。"
	leadNoticeMismatch      = "页面内容和所选类目不一致：补充与功能对应的类目并交齐资质，或删掉不符的功能后重新提审；确认无误可申诉。"

	relatedHead = "其他可能相关的（回复序号查看）："
)

// The citation: WeChat's own page of the category table, whatever copy
// the facts were read from.
const (
	officialTable       = "https://developers.weixin.qq.com/miniprogram/product/material/"
	anchorNonIndividual = "#非个人主体小程序开放的服务类目"
	anchorIndividual    = "#个人主体小程序开放的服务类目"
	citeOfficial        = "来源：微信官方服务类目表 %s（%s），以官方页面为准。"
	citeOfficialNoDate  = "来源：微信官方服务类目表 %s，以官方页面为准。"
)

// detailsCommand is what replyMore tells users to send for the rest of
// the last answer: a command of the bot's, like a number picking from a
// list, not a way of asking (those are the knowledge base's intents). Its
// Traditional form is accepted too.
var detailsCommand = []string{"详情", "詳情"}

// Parts of a long reply.
const partMark = "（%d/%d）"

// Marks: a separator for the items of a list inside one sentence, and the
// title of an answer. The bot never quotes what a user wrote.
const (
	separator = "、"
	titleMark = "【%s】"
)

// Admin replies.
const (
	reindexOK   = "索引已重建，用时%s：类目%d个、资质%d个、流程%d个、同义词%d个。知识库版本%s。"
	reindexFail = "重建失败，旧索引继续使用。请修正以下问题后再发 /reindex：\n%s"
	reindexMore = "……另有%d个问题"
	// A reload that would remove entries waits for the admin to confirm it.
	reindexConfirm   = "新知识库会删除%d个条目，旧索引继续使用：\n%s\n确认删除请在10分钟内发送 /reindex 确认"
	reindexChanged   = "变化："
	reindexAdded     = "新增%d个：%s"
	reindexRemoved   = "删除%d个：%s"
	reindexModified  = "修改%d个：%s"
	reindexUnchanged = "没有变化。"
	reindexAndMore   = "等%d个"
	statsText        = "运行时间：%s\n已回答：%d\n未回答：%d\n知识库版本：%s（加载于%s）\n常见的未回答问题：\n%s"
	statsTopLine     = "%d. %s（%d次）"
)

// changeName names an entry a reload changes: "类目 金融业/银行".
// ChangeName names one change of a reload for an admin or a curator
// ("类目 社交/直播").
func ChangeName(c knowledge.Change) string { return changeName(c) }

func changeName(c knowledge.Change) string {
	if c.Kind == "" {
		return "同义词 " + c.Name
	}
	return kindLabel[string(c.Kind)] + " " + c.Name
}

func helpText(prefix string) string {
	if prefix == "" {
		return replyHelpDM
	}
	return fmt.Sprintf(replyHelp, prefix)
}

// A question about a whole first-level group ("教育类的小程序要什么证").
const groupHead = "【%s】下有%d个类目，各自要的资质不同。请说说具体做什么业务，或回复序号查看："

func groupLine(i int, name string, individual bool) string {
	if individual {
		return fmt.Sprintf("%d. %s（个人可选）", i, name)
	}
	return fmt.Sprintf("%d. %s", i, name)
}

func choiceLine(i int, title, kind string) string {
	return fmt.Sprintf("%d. %s（%s）", i, title, kindLabel[kind])
}

func sourceDate(d, accessed string) string {
	switch {
	case d != "":
		return d
	case accessed != "":
		return fmt.Sprintf(sourceAccessed, accessed)
	}
	return sourceNoDate
}

// durationText writes a duration the way people read it in Chinese.
func durationText(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d毫秒", d.Milliseconds())
	}
	if d < time.Minute {
		return fmt.Sprintf("%.1f秒", d.Seconds())
	}
	d = d.Round(time.Minute)
	days, d := d/(24*time.Hour), d%(24*time.Hour)
	var b strings.Builder
	if days > 0 {
		fmt.Fprintf(&b, "%d天", days)
	}
	if h := d / time.Hour; h > 0 || days > 0 {
		fmt.Fprintf(&b, "%d小时", h)
	}
	fmt.Fprintf(&b, "%d分钟", (d%time.Hour)/time.Minute)
	return b.String()
}

// APIErrors are the messages of the HTTP API's and the MCP tools' errors,
// by error code. The codes are part of the API; the messages may change.
var APIErrors = map[string]string{
	"bad_request":        "请求格式不对，请对照接口文档检查参数。",
	"empty_question":     "问题不能为空。",
	"question_too_long":  "问题太长了，请精简到%d个字以内。",
	"category_not_found": "没有这个类目。请用“一级/二级”的写法，例如“社交/直播”，或先查看类目树。",
	"licence_not_found":  "没有收录这项资质。可以用官方全称或常用简称（如EDI、ICP许可证）查询。",
	"too_many":           "一次最多查询%d项。",
	"request_too_large":  "请求太大了。",
	"not_found":          "没有这个接口。",
	"method_not_allowed": "这个接口不支持该请求方法。",
	"unauthorized":       "需要管理令牌（Authorization: Bearer …）才能执行此操作。",
	"admin_disabled":     "服务器没有配置管理令牌，管理操作已关闭。",
	"rate_limited":       "请求太频繁了，请稍后再试。",
	"reload_busy":        "正在重建索引，请稍后再试。",
	"reload_failed":      "知识库重新加载失败，仍在使用原来的版本。",
	"reload_unavailable": "这里不能重新加载知识库。",
	"reload_confirm":     "新知识库会删除条目（见 problems），旧版本继续使用。确认删除请在10分钟内带 confirm=1 再次请求。",
	"internal":           "抱歉，系统出了点问题，请稍后再试。",
}

// APINearCategories follows a category_not_found error of the MCP tools
// with the closest categories' paths.
const APINearCategories = "相近的类目：%s"
