package knowledge

import (
	"fmt"
	"strings"
)

// A Change is one entry that a new knowledge base adds, removes or changes
// against the one being served.
type Change struct {
	Kind Kind   // "" for a synonym
	Name string // the category path, licence name, topic id or synonym word
}

// String names the change for a log: "category 金融业/银行".
func (c Change) String() string {
	if c.Kind == "" {
		return "synonym " + c.Name
	}
	return string(c.Kind) + " " + c.Name
}

// Changes is what a new knowledge base changes against an old one, by name,
// each list in the order of the base that holds the entries.
type Changes struct {
	Added, Removed, Changed []Change
}

// None reports whether nothing changed.
func (c Changes) None() bool {
	return len(c.Added) == 0 && len(c.Removed) == 0 && len(c.Changed) == 0
}

// Diff reports what next adds, removes and changes against old, entry by
// entry. A nil old is an empty base. Where an entry was written (its Pos) is
// not a change; everything that can reach a user is. The extra segmenter
// words are not entries and are not compared.
func Diff(old, next *Base) Changes {
	var c Changes
	before, after := entries(old), entries(next)
	have := map[Change]string{}
	for _, e := range before {
		have[e.Change] = e.print
	}
	kept := map[Change]bool{}
	for _, e := range after {
		p, ok := have[e.Change]
		kept[e.Change] = ok
		switch {
		case !ok:
			c.Added = append(c.Added, e.Change)
		case p != e.print:
			c.Changed = append(c.Changed, e.Change)
		}
	}
	for _, e := range before {
		if _, ok := kept[e.Change]; !ok {
			c.Removed = append(c.Removed, e.Change)
		}
	}
	return c
}

type printed struct {
	Change
	print string
}

// entries returns every named entry of kb with a print of its content.
func entries(kb *Base) []printed {
	if kb == nil {
		return nil
	}
	var out []printed
	for _, c := range kb.Categories {
		var b strings.Builder
		fmt.Fprintf(&b, "%q %q %q %q %v %v %q %v", c.Aliases, c.Keywords, c.Description, c.Subjects,
			c.LiveStreaming, c.Unknown, c.Notes, c.Sources)
		for _, g := range c.Requirements {
			fmt.Fprintf(&b, "|%d", g.Pick)
			for _, it := range g.Items {
				fmt.Fprintf(&b, " %q %v", it.Text, it.Material)
			}
		}
		out = append(out, printed{Change{KindCategory, c.ID()}, b.String()})
	}
	for _, l := range kb.Licences {
		out = append(out, printed{Change{KindLicence, l.Name}, fmt.Sprintf("%q %q %q %v", l.Short, l.Issuer, l.About, l.Sources)})
	}
	for _, t := range kb.Topics {
		related := make([]string, 0, len(t.Related))
		for _, c := range t.Related {
			related = append(related, c.ID())
		}
		out = append(out, printed{Change{KindTopic, t.ID}, fmt.Sprintf("%q %q %q %q %v", t.Title, t.Aliases, t.Body, related, t.Sources)})
	}
	for _, s := range kb.Synonyms {
		out = append(out, printed{Change{"", s.Word}, fmt.Sprintf("%q", s.Means)})
	}
	return out
}
