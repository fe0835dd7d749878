package knowledge

// An AskKind says what a question asks for, as the phrase rules of the
// knowledge base (intents) recognise it. The index decides it once per
// question; the bot composes its reply from it and never re-reads the text.
type AskKind string

// The kinds of question.
const (
	// AskLookup is a question with no recognised phrasing: answer with
	// what the best hit says about itself.
	AskLookup AskKind = ""
	// AskHelp asks what the bot can do, or only says hello.
	AskHelp AskKind = "help"
	// AskThanks only says thank you.
	AskThanks AskKind = "thanks"
	// AskOtherPlatform is about another platform's mini-programs or apps
	// (抖音, 支付宝, App Store…): out of scope.
	AskOtherPlatform AskKind = "other_platform"
	// AskOffTopic is chit-chat or a question the knowledge base is not
	// about (天气, an API permission): out of scope.
	AskOffTopic AskKind = "off_topic"
	// AskNeedsContext depends on something the bot cannot see ("他们那个
	// 是怎么过审的"): ask what the mini-program does.
	AskNeedsContext AskKind = "needs_context"
	// AskReviewFailed says a review failed and asks why or what to do.
	AskReviewFailed AskKind = "review_failed"
	// AskNotice is a pasted or retold rejection notice; Notice holds it.
	AskNotice AskKind = "notice"
	// AskWhichCategory asks which category to choose.
	AskWhichCategory AskKind = "which_category"
	// AskLicences asks which licences or materials a category needs.
	AskLicences AskKind = "licences"
	// AskIndividual asks whether an individual (个人主体) may.
	AskIndividual AskKind = "individual"
	// AskDuration asks how long something takes.
	AskDuration AskKind = "duration"
	// AskHow asks how or where to do something.
	AskHow AskKind = "how"
	// AskDifference asks how two things differ.
	AskDifference AskKind = "difference"
	// AskLicenceCategories names a licence and asks what it opens.
	AskLicenceCategories AskKind = "licence_categories"
	// AskHave says what the user already has and asks what is missing.
	AskHave AskKind = "have"
	// AskGroup asks about a whole first-level group ("教育类", "医疗").
	AskGroup AskKind = "group"
)

// An Ask is what one question asks, as the index understood it.
type Ask struct {
	Kind AskKind
	// Rule names the intents rule that decided Kind ("file:line"), for
	// `ask --json` and the logs; empty for AskLookup.
	Rule string
	// Category is the category the question names, when it names one.
	Category *Category
	// Licence is the licence the question names, when it names one.
	Licence *Licence
	// Pair are the two things an AskDifference compares, as hits.
	Pair []Hit
	// Have are the licences the user says they have (AskHave), as the
	// knowledge base recognises them.
	Have []*Licence
	// HaveOther reports that the user said they have something that is
	// not recognised as a licence; the bot never repeats it.
	HaveOther bool
	// Group is the first-level group of an AskGroup.
	Group string
	// Platform is the other platform an AskOtherPlatform names.
	Platform string
	// Notice is the rejection notice of an AskNotice.
	Notice *Notice
}

// NoticeReason is why a rejection notice rejected.
type NoticeReason string

// The reasons WeChat's review notices give.
const (
	// NoticeAddCategory: 请补充选择/需补充 X 类目.
	NoticeAddCategory NoticeReason = "add_category"
	// NoticeIndividualClosed: 涉及X，属个人主体小程序未开放类目 / 建议申请企业主体小程序.
	NoticeIndividualClosed NoticeReason = "individual_closed"
	// NoticeMismatch: 与你提交代码审核时设置的功能页面内容不一致.
	NoticeMismatch NoticeReason = "mismatch"
	// NoticeOther: a notice that fits no template above.
	NoticeOther NoticeReason = "other"
)

// A Notice is a review rejection notice as the bot understood it.
type Notice struct {
	Reason NoticeReason
	// Category is the category the notice names, when it names one.
	Category *Category
}
