package knowledge_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/qualbot/qualbot/knowledge"
)

// The seed documents the shipped knowledge base must cover. Seed 001 is
// written in Traditional characters; its names appear here in Simplified,
// the script of the knowledge base (search folds Traditional to Simplified).
const (
	seed000 = "000_a2b7fccfaf7de460.txt" // 官方社区: 什么小程序需要社交相关类目 (2020-12-11)
	seed001 = "001_4bce31244eddbda2.txt" // maigoo: 小程序上架需要什么资质 / 审核不通过怎么办 (2024-10-08)
	seed002 = "002_ff5f8a7ab923942f.txt" // 腾讯云: 类目申请资质要求 (直播类目, 2026-02-11)
	seed003 = "003_4a9f9c03afabb291.txt" // 腾讯云: 如何申请“电商平台”类目 (2022-11-23)
	seed004 = "004_55c506a723000445.txt" // 微信小程序备案 (转载)
)

// seedLicences are the licence and document names the seeds write in 《》.
// Each must be the exact official name of a licence in the knowledge base.
// Left out: the laws and notices seed 004 cites (《中华人民共和国反电信网络诈骗法》,
// 《互联网信息服务管理办法》, the 工信部 notice) and 《网络安全法》 in seed 001's
// page footer: they are not documents anyone provides.
var seedLicences = []struct{ seed, name string }{
	{seed000, "《增值电信业务经营许可证》"},
	{seed000, "《非经营性互联网信息服务备案核准》"},
	{seed000, "《组织机构代码证》"},
	{seed000, "《统一社会信用代码证》"},
	{seed000, "《信息网络传播视听节目许可证》"},
	{seed000, "《网络文化经营许可证》"},
	{seed000, "《统一社会信用代码》"},
	{seed000, "《情况说明函件》"},
	{seed002, "《民办学校办学许可证》"},
	{seed003, "《增值电信业务经营许可证》"},
	{seed003, "《行政许可不予受理通知书》"},
	{seed003, "《电商平台服务协议》"},
	{seed001, "《计算机软件著作权登记证书》"}, // seed 001 says 软件著作权 without 《》
}

// seedNicknames are names seed 001 (a third-party article) gives licences
// that officially have another name: each must be a short name of the
// official licence, spelled exactly as the seed spells it.
var seedNicknames = []struct{ nickname, official string }{
	{"增值电信经营许可证-ICP", "《增值电信业务经营许可证》"},
	{"增值电信经营许可证-EDI", "《增值电信业务经营许可证》"},
	{"增值电信经营许可证-呼叫中心", "《增值电信业务经营许可证》"},
	{"广播电视节目经营制作许可证", "《广播电视节目制作经营许可证》"},
	{"互联网新闻服务许可证", "《互联网新闻信息服务许可证》"},
	{"二级医疗器械运营备案", "《第二类医疗器械经营备案凭证》"},
	{"网络视听节目许可证", "《信息网络传播视听节目许可证》"},
	{"软件著作权", "《计算机软件著作权登记证书》"},
	{"文网文", "《网络文化经营许可证》"},
	{"ICP许可证", "《增值电信业务经营许可证》"},
	{"EDI", "《增值电信业务经营许可证》"},
}

// liveCategories are the categories seed 002 lists as able to live-stream.
var liveCategories = [][]string{
	{"电商平台", "电商平台"},
	{"社交", "直播"},
	{"教育服务", "在线视频课程"},
	{"教育服务", "学历教育（培训机构）"},
	{"教育服务", "学历教育（学校）"},
	{"教育服务", "驾校平台"},
	{"教育服务", "驾校培训"},
	{"教育服务", "教育平台"},
	{"医疗服务", "互联网医院"},
	{"医疗服务", "公立医疗机构"},
	{"金融业", "银行"},
	{"金融业", "信托"},
	{"金融业", "公募基金"},
	{"金融业", "私募基金"},
	{"金融业", "证券/期货"},
	{"金融业", "证券/期货投资咨询"},
	{"金融业", "保险"},
	{"金融业", "企业征信"},
	{"金融业", "新三板信息服务平台"},
	{"金融业", "股票信息服务平台（港股/美股）"},
	{"金融业", "消费金融"},
	{"汽车服务", "汽车预售"},
	{"IT科技", "音视频设备"},
	{"IT科技", "多方通信"},
	{"房地产服务", "房地产营销"},
}

type seedFact struct {
	seed  string
	fact  string
	check func(kb *knowledge.Base) error
}

func TestSeedFacts(t *testing.T) {
	kb, err := knowledge.Load(knowledge.Shipped())
	if err != nil {
		t.Fatalf("load shipped knowledge: %v", err)
	}
	var facts []seedFact
	facts = append(facts, seed000Facts()...)
	facts = append(facts, seed001Facts()...)
	facts = append(facts, seed002Facts()...)
	facts = append(facts, seed003Facts()...)
	facts = append(facts, seed004Facts()...)
	for _, s := range seedLicences {
		facts = append(facts, seedFact{s.seed, "licence " + s.name + " exists spelled exactly", func(kb *knowledge.Base) error {
			_, err := sfLicence(kb, s.name)
			return err
		}})
	}
	for _, s := range seedNicknames {
		facts = append(facts, seedFact{seed001, "seed name " + s.nickname + " is a short name of " + s.official, func(kb *knowledge.Base) error {
			return sfShort(kb, s.official, s.nickname)
		}})
	}
	for _, path := range liveCategories {
		facts = append(facts, seedFact{seed002, strings.Join(path, "-") + " supports live streaming and has its qualifications filled in", func(kb *knowledge.Base) error {
			c, err := sfCategory(kb, path...)
			if err != nil {
				return err
			}
			if !c.LiveStreaming {
				return fmt.Errorf("%s: live_streaming is false", c.ID())
			}
			if c.Unknown {
				return fmt.Errorf("%s: requirements marked unknown", c.ID())
			}
			if slices.Contains(c.Subjects, knowledge.Individual) {
				return fmt.Errorf("%s: open to 个人, but individuals cannot live-stream", c.ID())
			}
			return sfCites(c.Sources, seed002)
		}})
	}

	seen := map[string]bool{}
	for _, f := range facts {
		name := f.seed[:3] + " " + f.fact
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

func seed000Facts() []seedFact {
	icp := "《增值电信业务经营许可证》"
	ugcFact := func(sub string) seedFact {
		return seedFact{seed000, "社交-" + sub + " is pick 1 of 2: 《非经营性互联网信息服务备案核准》 or, for government, 《统一社会信用代码证》", func(kb *knowledge.Base) error {
			return sfGroup(kb, []string{"社交", sub}, 1, 2, "《非经营性互联网信息服务备案核准》", "《统一社会信用代码证》")
		}}
	}
	icpFact := func(sub string) seedFact {
		return seedFact{seed000, "社交-" + sub + " needs 《增值电信业务经营许可证》 for 互联网信息服务业务", func(kb *knowledge.Base) error {
			if err := sfGroup(kb, []string{"社交", sub}, 0, 1, icp); err != nil {
				return err
			}
			return sfItemText(kb, []string{"社交", sub}, icp, "互联网信息服务业务")
		}}
	}
	return []seedFact{
		{seed000, "社交 has exactly the 8 subcategories", func(kb *knowledge.Base) error {
			var got []string
			for _, c := range kb.Categories {
				if c.Path[0] == "社交" {
					got = append(got, c.Path[1])
				}
			}
			want := []string{"陌生人交友", "熟人交友", "社区/论坛", "直播", "笔记", "婚恋", "问答", "直播答题"}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				return fmt.Errorf("社交 subcategories = %v, want %v", got, want)
			}
			return nil
		}},
		icpFact("陌生人交友"),
		icpFact("熟人交友"),
		icpFact("婚恋"),
		ugcFact("社区/论坛"),
		ugcFact("笔记"),
		ugcFact("问答"),
		{seed000, "社交-直播 is live streaming, pick 1 of 3 with 《信息网络传播视听节目许可证》 and, for government, 《统一社会信用代码》 with 《情况说明函件》", func(kb *knowledge.Base) error {
			c, err := sfCategory(kb, "社交", "直播")
			if err != nil {
				return err
			}
			if !c.LiveStreaming {
				return fmt.Errorf("社交/直播 is not live_streaming")
			}
			if err := sfGroup(kb, []string{"社交", "直播"}, 1, 3, "《信息网络传播视听节目许可证》", "《统一社会信用代码》", "《情况说明函件》"); err != nil {
				return err
			}
			return sfItemText(kb, []string{"社交", "直播"}, "《情况说明函件》", "《统一社会信用代码》", "政府主体")
		}},
		{seed000, "社交-直播 records the 2020 option 《网络文化经营许可证》 (经营范围含网络表演)", func(kb *knowledge.Base) error {
			c, err := sfCategory(kb, "社交", "直播")
			if err != nil {
				return err
			}
			return sfContains("社交/直播 notes", strings.Join(c.Notes, "\n"), "《网络文化经营许可证》", "网络表演")
		}},
		{seed000, "社交-直播答题 needs 《信息网络传播视听节目许可证》", func(kb *knowledge.Base) error {
			return sfGroup(kb, []string{"社交", "直播答题"}, 0, 1, "《信息网络传播视听节目许可证》")
		}},
		{seed000, "社区/论坛, 笔记 and 问答 record the 2020 government option 《组织机构代码证》", func(kb *knowledge.Base) error {
			for _, sub := range []string{"社区/论坛", "笔记", "问答"} {
				c, err := sfCategory(kb, "社交", sub)
				if err != nil {
					return err
				}
				if err := sfContains(c.ID()+" notes", strings.Join(c.Notes, "\n"), "《组织机构代码证》"); err != nil {
					return err
				}
			}
			return nil
		}},
		{seed000, "个人主体 cannot choose any 社交 category", func(kb *knowledge.Base) error {
			for _, c := range kb.Categories {
				if c.Path[0] == "社交" && slices.Contains(c.Subjects, knowledge.Individual) {
					return fmt.Errorf("%s is open to 个人", c.ID())
				}
			}
			return sfTopic(kb, "个人主体未开放类目", "社交", "陌生人交友", "直播答题")
		}},
		{seed000, "every 社交 category cites seed 000", func(kb *knowledge.Base) error {
			for _, c := range kb.Categories {
				if c.Path[0] == "社交" {
					if err := sfCites(c.Sources, seed000); err != nil {
						return fmt.Errorf("%s: %w", c.ID(), err)
					}
				}
			}
			return nil
		}},
		{seed000, "a developer reported 山东省通信管理局 saying 小程序 needs no 经营性ICP许可证; the topic says it is not a rule", func(kb *knowledge.Base) error {
			return sfTopic(kb, "ICP", "山东省通信管理局", "不是微信规则")
		}},
	}
}

func seed001Facts() []seedFact {
	return []seedFact{
		{seed001, "《增值电信业务经营许可证》 covers ICP (互联网信息服务业务), EDI (在线数据处理与交易处理业务) and 呼叫中心", func(kb *knowledge.Base) error {
			l, err := sfLicence(kb, "《增值电信业务经营许可证》")
			if err != nil {
				return err
			}
			if err := sfContains(l.Name+" about", l.About, "互联网信息服务业务", "在线数据处理与交易处理业务", "呼叫中心", "自营", "第三方"); err != nil {
				return err
			}
			return sfCites(l.Sources, seed001)
		}},
		{seed001, "the short names ICP许可证 and EDI find 《增值电信业务经营许可证》", func(kb *knowledge.Base) error {
			for _, s := range []string{"ICP许可证", "EDI", "经营性ICP", "edi许可证"} {
				if l := kb.Licence(s); l == nil || l.Name != "《增值电信业务经营许可证》" {
					return fmt.Errorf("Licence(%q) = %v, want 《增值电信业务经营许可证》", s, l)
				}
			}
			return nil
		}},
		{seed001, "the seed's examples: 视频电话 → 呼叫中心, 视频播放 → 广播电视节目许可证, 拼团平台 and 外卖平台 → EDI, 医疗美容 → ICP", func(kb *knowledge.Base) error {
			return sfTopic(kb, "类目资质总览", "视频电话", "呼叫中心", "视频播放", "《广播电视节目制作经营许可证》", "EDI", "外卖平台", "医疗美容", "不是固定的")
		}},
		{seed001, "《网络文化经营许可证》 (文网文) comes in seven kinds; the seed names 游戏, 动漫, 音乐娱乐, 网络表演", func(kb *knowledge.Base) error {
			l, err := sfLicence(kb, "《网络文化经营许可证》")
			if err != nil {
				return err
			}
			if !slices.Contains(l.Short, "文网文") {
				return fmt.Errorf("%s: short %v lacks 文网文", l.Name, l.Short)
			}
			return sfContains(l.Name+" about", l.About, "七类", "游戏", "动漫", "音乐娱乐", "网络表演")
		}},
		{seed001, "the official table's 网络文化经营许可证 scopes are listed next to the seed's kinds", func(kb *knowledge.Base) error {
			return sfTopic(kb, "类目资质总览", "七类", "网络表演", "网络演出剧(节)目", "动漫产品", "网络音乐娱乐产品", "艺术品", "展览/比赛活动")
		}},
		{seed001, "软件著作权 is the seed's 'must-have', but WeChat does not require it of ordinary mini-programs", func(kb *knowledge.Base) error {
			if err := sfTopic(kb, "软件著作权", "不把软著作为通用要求", "必备", "小游戏"); err != nil {
				return err
			}
			t := kb.Topic("软件著作权")
			return sfCites(t.Sources, seed001)
		}},
		{seed001, "special licences: 新闻 (hardly anyone gets it), 视听, 二类医疗器械 (much easier); capital, staff, premises, servers", func(kb *knowledge.Base) error {
			return sfTopic(kb, "类目资质总览", "《互联网新闻信息服务许可证》", "基本没人能拿到", "《信息网络传播视听节目许可证》", "二类医疗器械备案要简单得多", "注册资本", "专业人员", "场地", "服务器")
		}},
		{seed001, "rejection reason 1: breaking the platform rules (sensitive words, law), fixed by reading the rules and reviewing content", func(kb *knowledge.Base) error {
			return sfTopic(kb, "审核驳回", "违反平台规定", "敏感词", "找出违规点修改", "持续审查内容")
		}},
		{seed001, "rejection reason 2: broken features (crashes, poor experience), fixed by checking and testing every feature", func(kb *knowledge.Base) error {
			return sfTopic(kb, "审核驳回", "功能有问题", "页面崩溃", "充分测试")
		}},
		{seed001, "rejection reason 3: missing or wrong information (name, category, contact, third-party authorisation)", func(kb *knowledge.Base) error {
			return sfTopic(kb, "审核驳回", "资料不全或不正确", "小程序名称、服务类目、联系方式", "第三方服务", "授权")
		}},
		{seed001, "rejection reason 4: permissions (user info, 微信支付) must be explained and authorised", func(kb *knowledge.Base) error {
			return sfTopic(kb, "审核驳回", "权限问题", "微信支付", "用户授权", "修改权限获取方式")
		}},
		{seed001, "rejection reason 5: ads must follow the rules and law, be true and not mislead", func(kb *knowledge.Base) error {
			return sfTopic(kb, "审核驳回", "广告问题", "真实、准确", "不得误导用户")
		}},
		{seed001, "publishing notes: know the rules, fill in the information accurately, plan promotion", func(kb *knowledge.Base) error {
			return sfTopic(kb, "审核驳回", "了解平台的规定和要求", "准确无误", "推广")
		}},
	}
}

func seed002Facts() []seedFact {
	return []seedFact{
		{seed002, "个人认证的小程序暂不支持直播; 政府主体 may use <live-pusher><live-player>", func(kb *knowledge.Base) error {
			if err := sfTopic(kb, "直播接入", "个人认证的小程序暂不支持直播业务", "政府主体", "<live-pusher><live-player>"); err != nil {
				return err
			}
			return sfTopic(kb, "个人主体限制", "暂不支持直播业务")
		}},
		{seed002, "categories are chosen under 设置 > 基本设置 > 服务类目 and must match the mini-program, or review rejects it", func(kb *knowledge.Base) error {
			return sfTopic(kb, "添加类目", "基本设置", "服务类目", "驳回")
		}},
		{seed002, "电商平台 streams through the 云直播插件; with 社交-直播 also through the native components", func(kb *knowledge.Base) error {
			return sfTopic(kb, "直播接入", "小程序·云直播插件", "电商平台-电商平台", "同时有社交-直播类目")
		}},
		{seed002, "社交-直播: first code review after choosing it is checked by local internet authorities, about 7 days", func(kb *knowledge.Base) error {
			c, err := sfCategory(kb, "社交", "直播")
			if err != nil {
				return err
			}
			return sfContains("社交/直播 notes", strings.Join(c.Notes, "\n"), "首次提交代码审核", "7天左右")
		}},
		{seed002, "学历教育（培训机构） needs 《民办学校办学许可证》 from the 区、县级教育部门", func(kb *knowledge.Base) error {
			if err := sfGroup(kb, []string{"教育服务", "学历教育（培训机构）"}, 0, 0, "《民办学校办学许可证》"); err != nil {
				return err
			}
			l, err := sfLicence(kb, "《民办学校办学许可证》")
			if err != nil {
				return err
			}
			if l.Issuer != "区、县级教育部门" {
				return fmt.Errorf("%s: issuer %q", l.Name, l.Issuer)
			}
			return nil
		}},
		{seed002, "私募基金 is only for display and consultation: no public offering or online trading", func(kb *knowledge.Base) error {
			return sfNotes(kb, []string{"金融业", "私募基金"}, "暂不支持涉及私募产品公开募集或在线交易")
		}},
		{seed002, "证券/期货: for consultation only, choose 证券/期货投资咨询", func(kb *knowledge.Base) error {
			return sfNotes(kb, []string{"金融业", "证券/期货"}, "证券/期货投资咨询")
		}},
		{seed002, "企业征信 was formerly called 征信业务; 个人征信 is its own category", func(kb *knowledge.Base) error {
			return sfNotes(kb, []string{"金融业", "企业征信"}, "征信业务", "个人征信")
		}},
		{seed002, "股票信息服务平台（港股/美股） needs no special qualification; stock trading needs 证券/期货", func(kb *knowledge.Base) error {
			c, err := sfCategory(kb, "金融业", "股票信息服务平台（港股/美股）")
			if err != nil {
				return err
			}
			if len(c.Requirements) != 0 {
				return fmt.Errorf("%s: %d requirement groups, the seed shows '/'", c.ID(), len(c.Requirements))
			}
			return sfNotes(kb, c.Path, "证券/期货")
		}},
		{seed002, "房地产营销: no complete house sales; deposits need a formal agreement", func(kb *knowledge.Base) error {
			return sfNotes(kb, []string{"房地产服务", "房地产营销"}, "暂不支持完整售房交易", "正式协议")
		}},
		{seed002, "the 直播接入 topic lists every live-streaming category", func(kb *knowledge.Base) error {
			t := kb.Topic("直播接入")
			if t == nil {
				return fmt.Errorf("no topic 直播接入")
			}
			for _, p := range liveCategories {
				if !strings.Contains(t.Body, p[len(p)-1]) {
					return fmt.Errorf("topic 直播接入 does not name %s", strings.Join(p, "-"))
				}
			}
			return nil
		}},
	}
}

func seed003Facts() []seedFact {
	ta := "微信小程序不需取得电信业务经营许可证"
	tb := "利用微信平台服务不需取得电信业务经营许可证"
	return []seedFact{
		{seed003, "电商平台-电商平台 is pick 1 of 2: the ICP licence, or the 不予受理通知书", func(kb *knowledge.Base) error {
			return sfGroup(kb, []string{"电商平台", "电商平台"}, 1, 2, "《增值电信业务经营许可证》", "《行政许可不予受理通知书》")
		}},
		{seed003, "《行政许可不予受理通知书》 must state the exact wording, or it is void", func(kb *knowledge.Base) error {
			l, err := sfLicence(kb, "《行政许可不予受理通知书》")
			if err != nil {
				return err
			}
			if err := sfContains(l.Name+" about", l.About, ta, tb, "否则无效"); err != nil {
				return err
			}
			return sfCites(l.Sources, seed003)
		}},
		{seed003, "the ICP topic gives the exact wording of the 不予受理通知书", func(kb *knowledge.Base) error {
			return sfTopic(kb, "ICP", "《行政许可不予受理通知书》", ta, tb, "否则无效")
		}},
		{seed003, "the eight ICP application materials", func(kb *knowledge.Base) error {
			return sfTopic(kb, "ICP", "营业执照", "业务发展和实施计划及技术方案专用表格", "电信业务经营许可证申请表", "公司及人员情况表",
				"网络与信息安全保障措施", "股东追溯及其相关证明材料", "依法经营电信业务承诺书", "电信主管部门要求提交的其他材料")
		}},
		{seed003, "the three platform rules documents", func(kb *knowledge.Base) error {
			return sfTopic(kb, "ICP", "电商平台服务协议与交易规则", "对入驻经营者的审核要求或规范文件", "对用户交易纠纷处理的机制或方案")
		}},
		{seed003, "the five steps of applying for 电商平台", func(kb *knowledge.Base) error {
			return sfTopic(kb, "ICP", "第1步", "第2步", "第3步", "第4步", "第5步", "企业注册地的主管部门", "设置 > 基本设置 > 服务类目", "小程序·云直播插件")
		}},
		{seed003, "the ICP licence for 电商平台 covers 在线数据处理与交易处理业务 or 互联网信息服务业务", func(kb *knowledge.Base) error {
			return sfTopic(kb, "ICP", "在线数据处理与交易处理业务", "互联网信息服务业务")
		}},
		{seed003, "电商平台 merchants selling 医疗器械 or 非处方药 need a medical category; no aphrodisiacs", func(kb *knowledge.Base) error {
			if err := sfNotes(kb, []string{"电商平台", "电商平台"}, "医疗器械", "非处方药", "催情"); err != nil {
				return err
			}
			return sfTopic(kb, "ICP", "需补充医疗相关类目", "催情")
		}},
		{seed003, "the ICP topic relates to 电商平台-电商平台 and cites seed 003", func(kb *knowledge.Base) error {
			t := kb.Topic("ICP")
			if t == nil {
				return fmt.Errorf("no topic ICP")
			}
			if !slices.ContainsFunc(t.Related, func(c *knowledge.Category) bool { return c.ID() == "电商平台/电商平台" }) {
				return fmt.Errorf("topic ICP is not related to 电商平台/电商平台")
			}
			return sfCites(t.Sources, seed003)
		}},
	}
}

func seed004Facts() []seedFact {
	return []seedFact{
		{seed004, "备案 is required by 工信部信管〔2023〕105号 and done by the 微信公众平台 on the owner's behalf", func(kb *knowledge.Base) error {
			return sfTopic(kb, "备案", "工信部信管〔2023〕105号", "代为备案")
		}},
		{seed004, "备案 entry points: 去备案 on the home page, the banner, or 设置-小程序备案", func(kb *knowledge.Base) error {
			return sfTopic(kb, "备案", "【去备案】", "小程序需补充备案信息", "【设置-小程序备案】")
		}},
		{seed004, "备案 types: 新增备案, 变更备案, 注销", func(kb *knowledge.Base) error {
			return sfTopic(kb, "备案", "新增备案", "变更备案", "注销主体、注销小程序、取消接入")
		}},
		{seed004, "备案 materials: 个人有效身份证件; 单位有效证件 plus 个人有效身份证件; 前置审批 for 新闻、出版、药品和医疗器械、网约车", func(kb *knowledge.Base) error {
			return sfTopic(kb, "备案", "个人有效身份证件", "单位有效证件", "前置审批", "新闻、出版、药品和医疗器械、网约车")
		}},
		{seed004, "备案 documents: clear colour scans, valid for more than 1 month; own phone numbers; face check", func(kb *knowledge.Base) error {
			return sfTopic(kb, "备案", "有效期须大于1个月", "不同人不能用同一个号码", "人脸核身")
		}},
		{seed004, "备案 has five stages", func(kb *knowledge.Base) error {
			return sfTopic(kb, "备案", "五个环节", "备案信息填写", "平台初审", "工信部短信核验", "通管局审核", "备案成功")
		}},
		{seed004, "平台初审 takes 1-2个工作日", func(kb *knowledge.Base) error {
			return sfTopic(kb, "备案", "1-2个工作日")
		}},
		{seed004, "the 工信部 SMS comes from 12381 and must be verified within 24小时, or the filing is rejected", func(kb *knowledge.Base) error {
			return sfTopic(kb, "备案", "12381", "24小时内", "重发一次", "自动驳回")
		}},
		{seed004, "通管局审核 takes 1-20个工作日", func(kb *knowledge.Base) error {
			return sfTopic(kb, "备案", "1-20个工作日")
		}},
		{seed004, "a successful filing gets a 备案号, then the version can be released", func(kb *knowledge.Base) error {
			if err := sfTopic(kb, "备案", "备案号", "版本发布"); err != nil {
				return err
			}
			return sfCites(kb.Topic("备案").Sources, seed004)
		}},
	}
}

// sfCategory returns the category at path, or an error naming it.
func sfCategory(kb *knowledge.Base, path ...string) (*knowledge.Category, error) {
	if c := kb.Category(path...); c != nil {
		return c, nil
	}
	return nil, fmt.Errorf("no category %s", strings.Join(path, "/"))
}

// sfLicence returns the licence whose official name is exactly name.
func sfLicence(kb *knowledge.Base, name string) (*knowledge.Licence, error) {
	for _, l := range kb.Licences {
		if l.Name == name {
			return l, nil
		}
	}
	return nil, fmt.Errorf("no licence named exactly %s", name)
}

// sfShort reports whether short is, exactly, a short name of official.
func sfShort(kb *knowledge.Base, official, short string) error {
	l, err := sfLicence(kb, official)
	if err != nil {
		return err
	}
	if !slices.Contains(l.Short, short) {
		return fmt.Errorf("%s: short names %v lack %s", official, l.Short, short)
	}
	return nil
}

// sfGroup checks that the category has a group that is "all" (pick 0) or
// "pick N", with n items when n > 0, whose items name every licence in names.
func sfGroup(kb *knowledge.Base, path []string, pick, n int, names ...string) error {
	c, err := sfCategory(kb, path...)
	if err != nil {
		return err
	}
	for _, g := range c.Requirements {
		if g.Pick != pick || n > 0 && len(g.Items) != n {
			continue
		}
		var named []string
		for _, it := range g.Items {
			for _, l := range it.Licences {
				named = append(named, l.Name)
			}
		}
		if !slices.ContainsFunc(names, func(want string) bool { return !slices.Contains(named, want) }) {
			return nil
		}
	}
	return fmt.Errorf("%s: no group (pick %d, %d items) naming all of %v; groups: %s", c.ID(), pick, n, names, sfDescribe(c))
}

// sfItemText checks that the item naming licence also contains every text in wants.
func sfItemText(kb *knowledge.Base, path []string, licence string, wants ...string) error {
	c, err := sfCategory(kb, path...)
	if err != nil {
		return err
	}
	for _, g := range c.Requirements {
		for _, it := range g.Items {
			if strings.Contains(it.Text, licence) {
				return sfContains(c.ID()+" item", it.Text, wants...)
			}
		}
	}
	return fmt.Errorf("%s: no item names %s", c.ID(), licence)
}

func sfDescribe(c *knowledge.Category) string {
	var b strings.Builder
	for _, g := range c.Requirements {
		fmt.Fprintf(&b, "[pick %d:", g.Pick)
		for _, it := range g.Items {
			fmt.Fprintf(&b, " %q", it.Text)
		}
		b.WriteString("]")
	}
	return b.String()
}

func sfNotes(kb *knowledge.Base, path []string, wants ...string) error {
	c, err := sfCategory(kb, path...)
	if err != nil {
		return err
	}
	return sfContains(c.ID()+" notes", strings.Join(c.Notes, "\n"), wants...)
}

func sfTopic(kb *knowledge.Base, id string, wants ...string) error {
	t := kb.Topic(id)
	if t == nil {
		return fmt.Errorf("no topic %s", id)
	}
	return sfContains("topic "+id, t.Body, wants...)
}

func sfContains(what, text string, wants ...string) error {
	var missing []string
	for _, w := range wants {
		if !strings.Contains(text, w) {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s does not mention %q", what, missing)
	}
	return nil
}

func sfCites(sources []knowledge.Source, seed string) error {
	for _, s := range sources {
		if s.Seed == seed {
			return nil
		}
	}
	return fmt.Errorf("sources do not cite seed %s", seed)
}
