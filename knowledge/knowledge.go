// Package knowledge is qualbot's domain: service categories (服务类目) with
// their requirement groups, licences (资质), process topics, synonyms, and the
// [Searcher] contract that the index implements.
//
// It is the innermost layer. It imports only the standard library and
// gopkg.in/yaml.v3; never bleve, openwechat, or another qualbot package.
package knowledge

import (
	"context"
	"strings"
	"time"
)

// Subject is a kind of WeChat account owner (主体) that may apply for a category.
type Subject string

// The subjects, as WeChat names them.
const (
	Individual   Subject = "个人"
	Enterprise   Subject = "企业"
	Government   Subject = "政府"
	Media        Subject = "媒体"
	Organisation Subject = "其他组织"
)

// Subjects lists every subject in display order.
var Subjects = []Subject{Individual, Enterprise, Government, Media, Organisation}

// Pos is where something was defined in a knowledge file.
type Pos struct {
	File string
	Line int
}

// A Source says where a fact comes from: a URL or one of the seed documents,
// with the date the page shows or, where it shows none, the date it was read.
type Source struct {
	URL      string `yaml:"url"`
	Seed     string `yaml:"seed"`
	Title    string `yaml:"title"`    // what the source is, for readers: 微信官方《…》
	Date     string `yaml:"date"`     // YYYY-MM-DD the page shows
	Accessed string `yaml:"accessed"` // YYYY-MM-DD it was read, when the page shows no date
	Note     string `yaml:"note"`
}

// When returns the source's date: the page date, else the date it was read.
// It is the zero time when neither parses.
func (s Source) When() time.Time {
	for _, d := range []string{s.Date, s.Accessed} {
		if t, err := time.Parse(time.DateOnly, d); err == nil {
			return t
		}
	}
	return time.Time{}
}

// Where names the source for a reader: its title and URL, or whichever of
// title, URL and seed file name it has.
func (s Source) Where() string {
	switch {
	case s.Title != "" && s.URL != "":
		return s.Title + " " + s.URL
	case s.Title != "":
		return s.Title
	case s.URL != "":
		return s.URL
	}
	return s.Seed
}

// A Category is one service category (服务类目) a mini-program can choose.
type Category struct {
	// Path is 一级, 二级 and, where one exists, 三级.
	Path []string
	// Aliases are other names users give the category ("交友", "网约车").
	Aliases []string
	// Keywords are words that hint at the category without naming it.
	Keywords []string
	// Description says what the category is for, in the project's own words.
	Description string
	// Subjects are who may apply for it.
	Subjects []Subject
	// LiveStreaming reports whether the category supports live streaming.
	LiveStreaming bool
	// Requirements are the groups of materials to provide; all groups apply.
	// None means the official table shows no special qualification.
	Requirements []Group
	// Notes are the official notes and conditions (注), verbatim.
	Notes []string
	// Unknown is set when the requirement list is not known; Notes says where to check.
	Unknown bool
	Sources []Source
	Pos     Pos
}

// ID is the category's stable key: its path joined with "/".
func (c *Category) ID() string { return strings.Join(c.Path, "/") }

// Title is the path as users write it: "社交-直播".
func (c *Category) Title() string { return strings.Join(c.Path, "-") }

// A Group is a set of requirement items: all of them, or Pick of them.
type Group struct {
	// Pick is how many items to provide; 0 means all of them.
	Pick  int
	Items []Item
}

// An Item is one requirement: an official text naming one or more licences,
// or a material that is not a licence (a contract, a screenshot, a letter).
type Item struct {
	// Text is the official wording, verbatim.
	Text string
	// Material marks an item that names no licence.
	Material bool
	// Licences are the licences the text names, resolved by Load.
	Licences []*Licence
}

// A Licence is a qualification document (资质): a licence, a filing, a
// certificate, or another official document a requirement names.
type Licence struct {
	// Name is the exact official name with 《》.
	Name string
	// Short are the names people use: "ICP许可证", "EDI", "文网文".
	Short []string
	// Issuer is who grants it; empty when not known.
	Issuer string
	// About says what it is and how to get it.
	About   string
	Sources []Source
	Pos     Pos
	// Categories are the categories whose requirements name this licence.
	// Load derives it; nobody writes it by hand.
	Categories []*Category
}

// ID is the licence name without 《》.
func (l *Licence) ID() string { return strings.TrimSuffix(strings.TrimPrefix(l.Name, "《"), "》") }

// A Topic is process or policy knowledge that is not one category:
// 备案, 审核驳回, 类目不符整改 and so on.
type Topic struct {
	// ID is a short Chinese key such as "备案".
	ID      string
	Title   string
	Aliases []string
	// Body is the answer, in the project's own words; paragraphs split by blank lines.
	Body string
	// Related are the categories the topic concerns, resolved by Load.
	Related []*Category
	// FAQs are the short answers whose details the topic holds, in file
	// order; Load links them.
	FAQs    []*FAQ
	Sources []Source
	Pos     Pos
}

// A Synonym maps a colloquial word to the canonical words the knowledge base
// uses: 带货 → 直播.
type Synonym struct {
	Word  string
	Means []string
	Pos   Pos
}

// Base is a loaded, validated knowledge base.
type Base struct {
	Categories []*Category
	Licences   []*Licence
	Topics     []*Topic
	FAQs       []*FAQ
	Synonyms   []Synonym
	// Words are extra domain words for the segmenter's dictionary.
	Words []string
	// Intents are the phrase rules that say what a question asks.
	Intents *Intents
	// Version identifies the content: a hash of every file read. Loads of
	// the same files have the same Version, and the index serves a Base of
	// the Version it already has, or the one it was built ahead of time for,
	// as that content; so a Base is never changed after Load.
	Version string

	idx *lookup // built by Load; see lookup.go
}

// Kind says what a Hit points at.
type Kind string

// The kinds of hit.
const (
	KindCategory Kind = "category"
	KindLicence  Kind = "licence"
	KindTopic    Kind = "topic"
	KindFAQ      Kind = "faq"
)

// A Hit is one search result. Exactly one of Category, Licence, Topic and
// FAQ is set, as Kind says.
type Hit struct {
	Kind     Kind
	Category *Category
	Licence  *Licence
	Topic    *Topic
	FAQ      *FAQ
	Score    float64
}

// ID returns the key of what the hit points at.
func (h Hit) ID() string {
	switch h.Kind {
	case KindCategory:
		return h.Category.ID()
	case KindLicence:
		return h.Licence.ID()
	case KindTopic:
		return h.Topic.ID
	case KindFAQ:
		return h.FAQ.ID
	}
	return ""
}

// Title returns the display name: a category's path, a licence's full name,
// a topic's title, an FAQ's first phrasing.
func (h Hit) Title() string {
	switch h.Kind {
	case KindCategory:
		return h.Category.Title()
	case KindLicence:
		return h.Licence.Name
	case KindTopic:
		return h.Topic.Title
	case KindFAQ:
		return h.FAQ.Questions[0]
	}
	return ""
}

// Decision is how sure a search is of its answer.
type Decision string

// The decisions. The bot answers a Confident result, lists the choices of an
// Ambiguous one, and declines None.
const (
	Confident Decision = "confident"
	Ambiguous Decision = "ambiguous"
	None      Decision = "none"
)

// Result is the outcome of one search.
type Result struct {
	// Hits are at most n results, best first. When Decision is Ambiguous
	// they are exactly the choices to offer; for a whole-group question
	// (Ask.Group) they are every category of the group, in the knowledge
	// base's order, however many.
	Hits     []Hit
	Decision Decision
	// Ask is what the question asks, decided once by the index.
	Ask Ask
	// Base is the knowledge base the hits come from: a reply built from a
	// Result never mixes two bases, even when a reload lands meanwhile.
	Base *Base
	// Traditional reports whether the question was written in Traditional characters.
	Traditional bool
}

// A Searcher finds what in the knowledge base answers a question. It returns
// at most n hits, best first (a whole-group question: the group's categories). Nothing matching is not an error: the Result
// then has no hits and Decision None. Question text is plain chat text; it is
// never interpreted as query syntax.
type Searcher interface {
	Search(ctx context.Context, question string, n int) (Result, error)
}
