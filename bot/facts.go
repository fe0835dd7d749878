package bot

import (
	"slices"
	"strings"
	"time"

	"github.com/qualbot/qualbot/knowledge"
)

// The views below are the knowledge base as machine clients see it: the
// HTTP API and the MCP tools return them as JSON. They carry the official
// texts and licence names verbatim, and every entry's source date, so a
// client can quote them and say how current they are.

// A SourceView is where a fact comes from.
type SourceView struct {
	Title    string `json:"title,omitempty"`
	URL      string `json:"url,omitempty"`
	Date     string `json:"date,omitempty"`     // the date the page shows
	Accessed string `json:"accessed,omitempty"` // the date it was read, when the page shows none
}

// An ItemView is one requirement: the official text, and the exact names of
// the licences it names.
type ItemView struct {
	Text     string   `json:"text"`
	Material bool     `json:"material,omitempty"`
	Licences []string `json:"licences,omitempty"`
}

// A GroupView is a set of requirement items, of which Pick must be provided
// (Pick equals the number of items when all are needed).
type GroupView struct {
	Pick  int        `json:"pick"`
	Items []ItemView `json:"items"`
}

// A CategorySummary names a category and what a list of categories shows.
type CategorySummary struct {
	ID            string   `json:"id"`
	Title         string   `json:"title"`
	Path          []string `json:"path"`
	Individual    bool     `json:"individual"`
	LiveStreaming bool     `json:"live_streaming"`
	// Licences are the exact names of the licences its requirements name.
	Licences []string `json:"licences"`
}

// A CategoryView is one category in full.
type CategoryView struct {
	CategorySummary
	Description  string       `json:"description,omitempty"`
	Subjects     []string     `json:"subjects"`
	Unknown      bool         `json:"unknown,omitempty"`
	Requirements []GroupView  `json:"requirements"`
	Notes        []string     `json:"notes"`
	Sources      []SourceView `json:"sources"`
	// SourceDate is the newest date of its sources, YYYY-MM-DD.
	SourceDate string `json:"source_date"`
}

// A LicenceView is one licence with the categories that need it.
type LicenceView struct {
	Name       string            `json:"name"`
	ID         string            `json:"id"`
	Short      []string          `json:"short"`
	Issuer     string            `json:"issuer,omitempty"`
	About      string            `json:"about,omitempty"`
	Categories []CategorySummary `json:"categories"`
	Sources    []SourceView      `json:"sources"`
	SourceDate string            `json:"source_date"`
}

// A GroupOfCategories is a first-level category (一级类目) and its categories.
type GroupOfCategories struct {
	Name       string            `json:"name"`
	Categories []CategorySummary `json:"categories"`
}

// ViewSource returns s as a SourceView.
func ViewSource(s knowledge.Source) SourceView {
	return SourceView{Title: s.Title, URL: s.URL, Date: s.Date, Accessed: s.Accessed}
}

func viewSources(ss []knowledge.Source) ([]SourceView, string) {
	out := make([]SourceView, 0, len(ss))
	for _, s := range ss {
		out = append(out, ViewSource(s))
	}
	return out, SourceDate(ss)
}

// SourceDate is the newest date of the sources, YYYY-MM-DD: the date a page
// shows, else the date it was read. It is "" when none has a date.
func SourceDate(ss []knowledge.Source) string {
	var newest time.Time
	for _, s := range ss {
		if w := s.When(); w.After(newest) {
			newest = w
		}
	}
	if newest.IsZero() {
		return ""
	}
	return newest.Format(time.DateOnly)
}

// SummarizeCategory returns c as a CategorySummary.
func SummarizeCategory(c *knowledge.Category) CategorySummary {
	return CategorySummary{
		ID:            c.ID(),
		Title:         c.Title(),
		Path:          c.Path,
		Individual:    slices.Contains(c.Subjects, knowledge.Individual),
		LiveStreaming: c.LiveStreaming,
		Licences:      licenceNamesOf(c),
	}
}

// licenceNamesOf lists the exact names of the licences c's requirements
// name, in order, each once.
func licenceNamesOf(c *knowledge.Category) []string {
	names := []string{}
	for _, g := range c.Requirements {
		for _, it := range g.Items {
			for _, l := range it.Licences {
				if !slices.Contains(names, l.Name) {
					names = append(names, l.Name)
				}
			}
		}
	}
	return names
}

func viewItem(it knowledge.Item) ItemView {
	v := ItemView{Text: strings.TrimSpace(it.Text), Material: it.Material}
	for _, l := range it.Licences {
		v.Licences = append(v.Licences, l.Name)
	}
	return v
}

func viewGroup(g knowledge.Group) GroupView {
	v := GroupView{Pick: g.Pick, Items: make([]ItemView, 0, len(g.Items))}
	if v.Pick <= 0 || v.Pick > len(g.Items) {
		v.Pick = len(g.Items)
	}
	for _, it := range g.Items {
		v.Items = append(v.Items, viewItem(it))
	}
	return v
}

// ViewCategory returns c in full.
func ViewCategory(c *knowledge.Category) CategoryView {
	v := CategoryView{
		CategorySummary: SummarizeCategory(c),
		Description:     strings.TrimSpace(c.Description),
		Subjects:        make([]string, 0, len(c.Subjects)),
		Unknown:         c.Unknown,
		Requirements:    make([]GroupView, 0, len(c.Requirements)),
		Notes:           make([]string, 0, len(c.Notes)),
	}
	for _, s := range c.Subjects {
		v.Subjects = append(v.Subjects, string(s))
	}
	for _, g := range c.Requirements {
		v.Requirements = append(v.Requirements, viewGroup(g))
	}
	for _, n := range c.Notes {
		v.Notes = append(v.Notes, strings.TrimSpace(n))
	}
	v.Sources, v.SourceDate = viewSources(c.Sources)
	return v
}

// ViewLicence returns l with the categories that need it.
func ViewLicence(l *knowledge.Licence) LicenceView {
	v := LicenceView{
		Name:       l.Name,
		ID:         l.ID(),
		Short:      append([]string{}, l.Short...),
		Issuer:     l.Issuer,
		About:      strings.TrimSpace(l.About),
		Categories: make([]CategorySummary, 0, len(l.Categories)),
	}
	for _, c := range l.Categories {
		v.Categories = append(v.Categories, SummarizeCategory(c))
	}
	v.Sources, v.SourceDate = viewSources(l.Sources)
	return v
}

// A Filter selects categories. The zero Filter selects them all.
type Filter struct {
	// Group keeps only the categories of this first-level category.
	Group string
	// Individual keeps only the categories an individual (个人主体) may choose.
	Individual bool
	// LiveStreaming keeps only the categories that support live streaming.
	LiveStreaming bool
	// Licence keeps only the categories whose requirements name it.
	Licence *knowledge.Licence
}

// Match reports whether c passes f.
func (f Filter) Match(c *knowledge.Category) bool {
	switch {
	case f.Group != "" && c.Path[0] != f.Group,
		f.Individual && !slices.Contains(c.Subjects, knowledge.Individual),
		f.LiveStreaming && !c.LiveStreaming,
		f.Licence != nil && !slices.Contains(f.Licence.Categories, c):
		return false
	}
	return true
}

// Tree returns the categories of kb that pass f, by first-level category
// in the knowledge base's order; groups left empty are left out.
func Tree(kb *knowledge.Base, f Filter) []GroupOfCategories {
	out := []GroupOfCategories{}
	at := map[string]int{}
	for _, c := range kb.Categories {
		if !f.Match(c) {
			continue
		}
		i, ok := at[c.Path[0]]
		if !ok {
			i = len(out)
			at[c.Path[0]] = i
			out = append(out, GroupOfCategories{Name: c.Path[0]})
		}
		out[i].Categories = append(out[i].Categories, SummarizeCategory(c))
	}
	return out
}

// A CheckView compares what a user has with what one category needs.
type CheckView struct {
	Category CategorySummary `json:"category"`
	// Have are the exact names of the licences recognised in what the user has.
	Have []string `json:"have"`
	// Unrecognised are the things the user has that name no known licence.
	Unrecognised []string `json:"unrecognised"`
	// Complete reports that the category's requirements are known and
	// every requirement group is met by Have, apart from the materials
	// that are not licences.
	Complete bool `json:"complete"`
	// Missing are the requirement groups still open: Pick more of Items.
	Missing []GroupView `json:"missing"`
	// Materials are what is still to provide that is not a licence
	// (a contract, a screenshot), verbatim.
	Materials []string `json:"materials"`
	// Unused are the exact names of the licences of Have that the
	// category's requirements do not ask for.
	Unused []string `json:"unused"`
	// Unknown reports that the category's requirements are not known.
	Unknown bool `json:"unknown,omitempty"`
	// Reply is the bot's own answer to this check, as a chat shows it.
	Reply []string `json:"reply"`
}

// ResolveLicences reads what a user says they have: each entry is a licence
// name (official, with or without 《》, or short) or text naming some. It
// returns the licences found, in order, and the entries naming none.
func ResolveLicences(kb *knowledge.Base, have []string) (found []*knowledge.Licence, unrecognised []string) {
	for _, h := range have {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		ls := []*knowledge.Licence{}
		if l := kb.Licence(h); l != nil {
			ls = append(ls, l)
		} else {
			ls = kb.LicencesIn(h)
		}
		if len(ls) == 0 {
			unrecognised = append(unrecognised, h)
		}
		for _, l := range ls {
			if !slices.Contains(found, l) {
				found = append(found, l)
			}
		}
	}
	return found, unrecognised
}

// Check compares the licences have with what c needs ([knowledge.Category.Check])
// and says it as the bot would.
func (a *Answerer) Check(c *knowledge.Category, have []*knowledge.Licence, unrecognised []string) CheckView {
	ck := c.Check(have)
	v := CheckView{
		Category:     SummarizeCategory(c),
		Have:         []string{},
		Unrecognised: append([]string{}, unrecognised...),
		Complete:     ck.Done(),
		Missing:      []GroupView{},
		Materials:    []string{},
		Unused:       []string{},
		Unknown:      c.Unknown,
	}
	for _, l := range have {
		v.Have = append(v.Have, l.Name)
	}
	for _, l := range ck.Unused {
		v.Unused = append(v.Unused, l.Name)
	}
	for _, n := range ck.Missing {
		g := GroupView{Pick: n.Pick, Items: make([]ItemView, 0, len(n.Open))}
		if n.All {
			g.Pick = len(n.Open)
		}
		for _, it := range n.Open {
			g.Items = append(g.Items, viewItem(it))
		}
		v.Missing = append(v.Missing, g)
	}
	for _, it := range ck.Materials {
		v.Materials = append(v.Materials, strings.TrimSpace(it.Text))
	}
	v.Reply = a.finish(Reply{Kind: KindCheck}, renderCheck(ck, len(unrecognised) > 0), false).Parts
	return v
}

// FindCategory returns the category name stands for: its path joined with
// "/" ("社交/直播") or "-" ("社交-直播", as the bot writes it in 【】), or its
// last level when exactly one category has it ("直播"). It returns nil for
// anything else.
func FindCategory(kb *knowledge.Base, name string) *knowledge.Category {
	name = strings.TrimSpace(name)
	name = strings.TrimSuffix(strings.TrimPrefix(name, "【"), "】")
	if c := kb.Category(name); c != nil {
		return c
	}
	var last *knowledge.Category
	n := 0
	for _, c := range kb.Categories {
		if c.Title() == name {
			return c
		}
		if c.Path[len(c.Path)-1] == name {
			last = c
			n++
		}
	}
	if n == 1 {
		return last
	}
	return nil
}
