// Package mcp serves the bot's lookups as MCP tools, for AI agents that
// would otherwise guess licence names: search, a category's requirements,
// the categories a licence opens, what is still missing, and what an
// individual (个人主体) may choose. It is a way in beside the chat channels
// and the HTTP API: the same [bot.Answerer], the same [knowledge.Base], and
// results that carry the official names verbatim and their source dates.
//
// It is the only importer of the MCP SDK. It imports bot and knowledge;
// never the index or a channel.
package mcp

import (
	"context"
	"errors"
	"fmt"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/knowledge"
)

// Tools are the lookups an MCP server offers.
type Tools struct {
	// Answerer answers questions for the search tool. Required.
	Answerer *bot.Answerer
	// Base returns the knowledge base being served. Required.
	Base func() *knowledge.Base
	// Version is the program's version, reported to clients.
	Version string
}

// The tools' names.
const (
	ToolSearch       = "search"
	ToolCategory     = "category_requirements"
	ToolLicence      = "licence_categories"
	ToolCheck        = "check_missing"
	ToolIndividual   = "individual_categories"
	maxTop           = 10
	maxCheck         = 20
	defaultTop       = 5
	serverName       = "qualbot"
	serverTitle      = "微信小程序服务类目与资质查询"
	serverInstructon = "查询微信小程序服务类目（一级-二级）需要的资质（许可证、备案等）。" +
		"资质名称以结果中的官方全称（带《》）为准，请原样引用，不要改写；每个结果带有来源日期，类目要求会调整，回答时请注明以微信公众平台当前的官方类目表为准。"
)

// Server returns an MCP server with the tools.
func (t *Tools) Server() *sdk.Server {
	s := sdk.NewServer(&sdk.Implementation{Name: serverName, Title: serverTitle, Version: t.version()},
		&sdk.ServerOptions{Instructions: serverInstructon})
	readOnly := &sdk.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: new(false)}
	sdk.AddTool(s, &sdk.Tool{
		Name:  ToolSearch,
		Title: "搜索类目、资质和流程",
		Description: "用一句中文问题搜索微信小程序的服务类目、资质和流程（如“做直播带货要什么资质”“ICP备案要多久”），" +
			"返回最相关的条目（类目路径、资质官方全称、来源日期）和资质助手机器人会给出的完整回答。" +
			"decision 为 none 时表示没有把握，请不要据此猜测。",
		Annotations: readOnly,
	}, t.search)
	sdk.AddTool(s, &sdk.Tool{
		Name:  ToolCategory,
		Title: "查询类目的资质要求",
		Description: "按类目名称查询一个服务类目的完整资质要求：可申请主体、每组资质（需全部提供或几项任选几项）、" +
			"官方原文、说明、是否支持直播、来源和日期。类目写作“一级/二级”或“一级-二级”，如“社交/直播”。",
		Annotations: readOnly,
	}, t.category)
	sdk.AddTool(s, &sdk.Tool{
		Name:  ToolLicence,
		Title: "查询需要某项资质的类目",
		Description: "按资质名称（官方全称或常用简称，如“EDI”“文网文”“ICP许可证”）查询这项资质的官方全称、简称、发证机关、说明，" +
			"以及资质要求里写到它的全部类目。",
		Annotations: readOnly,
	}, t.licence)
	sdk.AddTool(s, &sdk.Tool{
		Name:  ToolCheck,
		Title: "对照已有资质查缺什么",
		Description: "给出一个或多个类目和用户已有的资质，逐个类目列出还缺的资质（几项任选几项）和还需准备的非资质材料；" +
			"无法识别的资质名称会单独列出。",
		Annotations: readOnly,
	}, t.check)
	sdk.AddTool(s, &sdk.Tool{
		Name:  ToolIndividual,
		Title: "个人主体可选的类目",
		Description: "列出个人主体（个人认证的小程序）可以选择的服务类目，按一级类目分组；" +
			"可按一级类目、是否支持直播筛选。不在列表中的类目需要企业等非个人主体。",
		Annotations: readOnly,
	}, t.individual)
	return s
}

func (t *Tools) version() string {
	if t.Version != "" {
		return t.Version
	}
	return "dev"
}

// toolError is a tool failure the agent should see: a Chinese message from
// bot.APIErrors, sent back as a tool error, not a protocol error.
func toolError(code string, args ...any) error {
	msg := bot.APIErrors[code]
	if len(args) > 0 {
		msg = fmt.Sprintf(msg, args...)
	}
	return errors.New(msg)
}

// SearchInput is the input of the search tool.
type SearchInput struct {
	Question string `json:"question" jsonschema:"用户的问题，中文，例如：做直播带货的小程序要什么资质"`
	Top      int    `json:"top,omitempty" jsonschema:"最多返回几条结果，1到10，默认5"`
}

// SearchHit is one entry a search found.
type SearchHit struct {
	Kind  knowledge.Kind `json:"kind" jsonschema:"条目类型：category（类目）、licence（资质）或 topic（流程）"`
	ID    string         `json:"id" jsonschema:"条目的标识：类目路径“一级/二级”、资质名称或流程标识"`
	Title string         `json:"title" jsonschema:"显示名称：类目“一级-二级”、资质官方全称（带《》）或流程标题"`
	Score float64        `json:"score" jsonschema:"相关度，越大越相关"`
	// Licences are, for a category, the exact names of the licences it needs.
	Licences   []string `json:"licences,omitempty" jsonschema:"类目资质要求里写到的资质官方全称"`
	Individual *bool    `json:"individual,omitempty" jsonschema:"类目是否允许个人主体申请"`
	SourceDate string   `json:"source_date" jsonschema:"该条目最新来源的日期（YYYY-MM-DD）"`
}

// SearchOutput is what the search tool returns.
type SearchOutput struct {
	Question string      `json:"question"`
	Decision string      `json:"decision" jsonschema:"检索的把握：confident（有把握）、ambiguous（有几个接近的结果）、none（没有把握）；帮助类问题为空"`
	Ask      string      `json:"ask" jsonschema:"对问题意图的理解，如 licences、individual、duration；空表示普通查询"`
	Hits     []SearchHit `json:"hits"`
	Reply    string      `json:"reply" jsonschema:"资质助手机器人对这个问题的完整回答，可直接引用"`
	Version  string      `json:"version" jsonschema:"知识库版本"`
}

func (t *Tools) search(ctx context.Context, _ *sdk.CallToolRequest, in SearchInput) (*sdk.CallToolResult, SearchOutput, error) {
	q := strings.TrimSpace(in.Question)
	top := in.Top
	if top == 0 {
		top = defaultTop
	}
	switch {
	case q == "":
		return nil, SearchOutput{}, toolError("empty_question")
	case len([]rune(q)) > 500:
		return nil, SearchOutput{}, toolError("question_too_long", 500)
	case top < 0 || top > maxTop:
		return nil, SearchOutput{}, toolError("bad_request")
	}
	ex, _, res, err := t.Answerer.Explain(ctx, q, top)
	if err != nil {
		return nil, SearchOutput{}, toolError("internal")
	}
	out := SearchOutput{Question: q, Decision: string(ex.Decision), Ask: string(ex.Kind), Hits: []SearchHit{}, Reply: ex.Reply, Version: ex.Version}
	kb := res.Base
	if kb == nil {
		kb = t.Base()
	}
	for _, h := range ex.Hits {
		sh := SearchHit{Kind: h.Kind, ID: h.ID, Title: h.Title, Score: h.Score}
		switch h.Kind {
		case knowledge.KindCategory:
			if c := kb.Category(h.ID); c != nil {
				v := bot.ViewCategory(c)
				sh.Licences, sh.SourceDate = v.Licences, v.SourceDate
				sh.Individual = &v.Individual
			}
		case knowledge.KindLicence:
			if l := kb.Licence(h.ID); l != nil {
				sh.SourceDate = bot.ViewLicence(l).SourceDate
			}
		case knowledge.KindTopic:
			if tp := kb.Topic(h.ID); tp != nil {
				sh.SourceDate = bot.SourceDate(tp.Sources)
			}
		}
		out.Hits = append(out.Hits, sh)
	}
	return nil, out, nil
}

// CategoryInput names a category.
type CategoryInput struct {
	Category string `json:"category" jsonschema:"类目，写作“一级/二级”或“一级-二级”，如“社交/直播”；只写二级名称时须唯一"`
}

// CategoryOutput is a category in full, with the bot's answer about it.
type CategoryOutput struct {
	bot.CategoryView
	Reply   string `json:"reply" jsonschema:"资质助手机器人对这个类目的完整回答"`
	Version string `json:"version"`
}

func (t *Tools) category(ctx context.Context, _ *sdk.CallToolRequest, in CategoryInput) (*sdk.CallToolResult, CategoryOutput, error) {
	kb := t.Base()
	c := bot.FindCategory(kb, in.Category)
	if c == nil {
		return nil, CategoryOutput{}, t.notFound(ctx, in.Category)
	}
	rep := t.Answerer.Detail(knowledge.Hit{Kind: knowledge.KindCategory, Category: c})
	return nil, CategoryOutput{CategoryView: bot.ViewCategory(c), Reply: rep.Text(), Version: kb.Version}, nil
}

// notFound says a category is unknown and names the closest ones, so the
// agent can try again with an exact name.
func (t *Tools) notFound(ctx context.Context, name string) error {
	msg := bot.APIErrors["category_not_found"]
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 100 {
		return errors.New(msg)
	}
	res, err := t.Answerer.Searcher.Search(ctx, name, defaultTop)
	if err != nil {
		return errors.New(msg)
	}
	var near []string
	for _, h := range res.Hits {
		if h.Kind == knowledge.KindCategory {
			near = append(near, h.Category.ID())
		}
	}
	if len(near) > 0 {
		msg += " " + fmt.Sprintf(bot.APINearCategories, strings.Join(near, "、"))
	}
	return errors.New(msg)
}

// LicenceInput names a licence.
type LicenceInput struct {
	Licence string `json:"licence" jsonschema:"资质名称：官方全称（可带《》）或常用简称，如“EDI”“文网文”“ICP许可证”"`
}

// LicenceOutput is a licence with the categories that need it.
type LicenceOutput struct {
	bot.LicenceView
	Version string `json:"version"`
}

func (t *Tools) licence(_ context.Context, _ *sdk.CallToolRequest, in LicenceInput) (*sdk.CallToolResult, LicenceOutput, error) {
	kb := t.Base()
	l := kb.Licence(in.Licence)
	if l == nil {
		if ls := kb.LicencesIn(in.Licence); len(ls) == 1 {
			l = ls[0]
		}
	}
	if l == nil {
		return nil, LicenceOutput{}, toolError("licence_not_found")
	}
	return nil, LicenceOutput{LicenceView: bot.ViewLicence(l), Version: kb.Version}, nil
}

// CheckInput is categories and what the user has.
type CheckInput struct {
	Categories []string `json:"categories" jsonschema:"要对照的类目，每项写作“一级/二级”或“一级-二级”，最多20个"`
	Have       []string `json:"have,omitempty" jsonschema:"用户已有的资质，官方全称或简称，如“ICP许可证”“营业执照”"`
}

// CheckOutput is one comparison per category.
type CheckOutput struct {
	Results []bot.CheckView `json:"results"`
	Version string          `json:"version"`
}

func (t *Tools) check(ctx context.Context, _ *sdk.CallToolRequest, in CheckInput) (*sdk.CallToolResult, CheckOutput, error) {
	switch {
	case len(in.Categories) == 0:
		return nil, CheckOutput{}, toolError("bad_request")
	case len(in.Categories) > maxCheck || len(in.Have) > maxCheck:
		return nil, CheckOutput{}, toolError("too_many", maxCheck)
	}
	kb := t.Base()
	have, unrecognised := bot.ResolveLicences(kb, in.Have)
	out := CheckOutput{Results: []bot.CheckView{}, Version: kb.Version}
	for _, name := range in.Categories {
		c := bot.FindCategory(kb, name)
		if c == nil {
			return nil, CheckOutput{}, t.notFound(ctx, name)
		}
		out.Results = append(out.Results, t.Answerer.Check(c, have, unrecognised))
	}
	return nil, out, nil
}

// IndividualInput narrows the categories an individual may choose.
type IndividualInput struct {
	Group string `json:"group,omitempty" jsonschema:"只看这个一级类目，如“工具”“教育服务”；不填为全部"`
	Live  bool   `json:"live,omitempty" jsonschema:"只看支持直播的类目"`
}

// IndividualOutput is the categories an individual may choose.
type IndividualOutput struct {
	Count   int                     `json:"count"`
	Groups  []bot.GroupOfCategories `json:"groups"`
	Version string                  `json:"version"`
	// SourceDate is the newest source date among the categories listed.
	SourceDate string `json:"source_date" jsonschema:"所列类目来源中最新的日期（YYYY-MM-DD）"`
}

func (t *Tools) individual(_ context.Context, _ *sdk.CallToolRequest, in IndividualInput) (*sdk.CallToolResult, IndividualOutput, error) {
	kb := t.Base()
	f := bot.Filter{Individual: true, LiveStreaming: in.Live, Group: strings.TrimSpace(in.Group)}
	out := IndividualOutput{Groups: bot.Tree(kb, f), Version: kb.Version}
	for _, c := range kb.Categories {
		if f.Match(c) {
			out.Count++
			if d := bot.SourceDate(c.Sources); d > out.SourceDate {
				out.SourceDate = d
			}
		}
	}
	return nil, out, nil
}
