package index

import (
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// newCJKAnalyzer is the measured fallback: bleve's cjk bigrams behind the
// same normalisation as the segmenting analyzer.
func newCJKAnalyzer(config map[string]interface{}, _ *registry.Cache) (analysis.Analyzer, error) {
	stop, _ := config["stop"].(bool)
	filters := []analysis.TokenFilter{cjk.NewCJKBigramFilter(false)}
	if stop {
		filters = append(filters, stopFilter{})
	}
	return &analysis.DefaultAnalyzer{
		CharFilters:  []analysis.CharFilter{normFilter{}},
		Tokenizer:    unicode.NewUnicodeTokenizer(),
		TokenFilters: filters,
	}, nil
}

// newExactAnalyzer indexes a whole name as one normalised term, for the
// exact alias match a one- or two-character question gets.
func newExactAnalyzer(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
	return &analysis.DefaultAnalyzer{
		CharFilters: []analysis.CharFilter{keyFilter{}},
		Tokenizer:   single.NewSingleTokenTokenizer(),
	}, nil
}

// stopFilter drops the question boilerplate from a token stream.
type stopFilter struct{}

func (stopFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	for _, t := range in {
		if !stopWords[string(t.Term)] {
			out = append(out, t)
		}
	}
	return out
}

// stopWords are the words nearly every question carries and that say nothing
// about which category or topic it is about. They are dropped from questions
// only; documents keep them.
var stopWords = toSet(
	// the product itself
	"小程序", "微信", "程序", "微信小程序", "公众号", "平台",
	// asking
	"请问", "问", "问下", "问一下", "想", "想问", "咨询", "一下", "知道", "有人", "大家", "谢谢",
	"什么", "啥", "什么样", "哪个", "哪些", "哪", "哪里", "怎么", "怎么办", "怎样", "如何", "为什么", "为何",
	"是否", "是不是", "能否", "可否", "多少", "几", "吗", "呢", "吧", "啊", "呀", "么", "嘛",
	// needing
	"需要", "需", "要", "得", "必须", "应该", "可以", "能", "能够", "会", "用",
	"资质", "证", "证件", "材料", "办", "办理", "申请",
	"选", "选择", "选啥", "选哪个", "属于", "算", "算是", "对应", "类", "类型",
	// function words
	"的", "了", "是", "我", "我们", "你", "你们", "他们", "它", "这", "那", "这个", "那个", "这种", "这类",
	"一个", "个", "有", "没有", "在", "和", "与", "或", "或者", "及", "也", "还", "就", "都", "又",
	"做", "弄", "搞", "开", "上", "里", "中", "对", "给", "被", "把", "让", "从", "到", "为", "以", "等",
	"现在", "目前", "已经", "还是", "但是", "但", "如果", "因为", "所以", "然后", "不", "吗?",
)

func toSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// keyFilter reduces a name to its key (see nameKey).
type keyFilter struct{}

func (keyFilter) Filter(input []byte) []byte { return []byte(nameKey(string(input))) }

// nameKey is the form in which names are compared: normalised, with
// everything but letters and digits removed, so 社交-社区/论坛 and
// 社交社区论坛 are the same name.
func nameKey(s string) string {
	s = normalize(s)
	return strings.Map(func(r rune) rune {
		if isWordRune(r) {
			return r
		}
		return -1
	}, s)
}
