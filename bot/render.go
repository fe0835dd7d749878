package bot

import (
	"fmt"
	"slices"
	"strings"

	"github.com/qualbot/qualbot/knowledge"
)

// maxListed is how many categories a licence answer names before it says "等".
const maxListed = 10

// maxShort is how many of a licence's short names its answer shows.
const maxShort = 6

// renderHit writes the answer for one hit.
func renderHit(h knowledge.Hit) string {
	switch h.Kind {
	case knowledge.KindCategory:
		return renderCategory(h.Category)
	case knowledge.KindLicence:
		return renderLicence(h.Licence)
	case knowledge.KindTopic:
		return renderTopic(h.Topic)
	}
	return ""
}

// renderCategory leads with 【一级-二级】, then who may apply, every
// requirement group, the notes, live streaming, and the source with its date.
func renderCategory(c *knowledge.Category) string {
	var b lines
	b.add(fmt.Sprintf(titleMark, c.Title()))
	b.add(strings.TrimSpace(c.Description))
	if len(c.Subjects) > 0 {
		s := fmt.Sprintf(catSubjects, joinSubjects(c.Subjects))
		if !slices.Contains(c.Subjects, knowledge.Individual) {
			s += catNoIndividual
		}
		b.add(s)
	}
	switch {
	case c.Unknown:
		b.add(catUnknown)
	case len(c.Requirements) == 0:
		b.add(catNoRequirement)
	default:
		b.add(catRequirements)
		for i, g := range c.Requirements {
			writeGroup(&b, g, i > 0)
		}
	}
	if len(c.Notes) > 0 {
		b.add(catNotes)
		for _, n := range c.Notes {
			b.add("· " + strings.TrimSpace(n))
		}
	}
	if c.LiveStreaming {
		b.add(catLiveYes)
	} else {
		b.add(catLiveNo)
	}
	if s, ok := newestSource(c.Sources); ok {
		b.add(fmt.Sprintf(catSource, s.Where(), sourceDate(s.Date, s.Accessed)))
	}
	return b.String()
}

// writeGroup writes one requirement group: "需全部提供:" with bullets, or
// "以下3项任选1项:" with numbers. also marks a group after the first.
func writeGroup(b *lines, g knowledge.Group, also bool) {
	switch {
	case g.Pick > 0 && g.Pick < len(g.Items):
		head := catPick
		if also {
			head = catAlsoPick
		}
		b.add(fmt.Sprintf(head, len(g.Items), g.Pick))
		for i, it := range g.Items {
			b.add(fmt.Sprintf("%d. %s", i+1, strings.TrimSpace(it.Text)))
		}
	case len(g.Items) == 1:
		head := catOne
		if also {
			head = catAlsoOne
		}
		b.add(head + strings.TrimSpace(g.Items[0].Text))
	default:
		head := catAll
		if also {
			head = catAlsoAll
		}
		b.add(head)
		for _, it := range g.Items {
			b.add("· " + strings.TrimSpace(it.Text))
		}
	}
}

// renderLicence says what a licence is, who issues it, and which categories
// need it; the categories come before the prose, so they are on the first screen.
func renderLicence(l *knowledge.Licence) string {
	var b lines
	b.add(l.Name)
	if short := l.Short[:min(len(l.Short), maxShort)]; len(short) > 0 {
		b.add(fmt.Sprintf(licShort, strings.Join(short, separator)))
	}
	if l.Issuer != "" {
		b.add(fmt.Sprintf(licIssuer, l.Issuer))
	} else {
		b.add(licIssuerNone)
	}
	addUses(&b, l)
	b.add(strings.TrimSpace(l.About))
	if s, ok := newestSource(l.Sources); ok {
		b.add(fmt.Sprintf(licSource, s.Where(), sourceDate(s.Date, s.Accessed)))
	}
	return b.String()
}

// addUses says which categories need l, derived from their requirement
// groups: first those that cannot do without it, then those where it is
// one choice of several ("N选1之一"), each list cut at maxListed.
func addUses(b *lines, l *knowledge.Licence) {
	var required, optional []string
	for _, u := range l.Uses() {
		switch {
		case u.Required():
			required = append(required, u.Category.Title())
		case u.Pick > 1 && u.Pick < u.Of:
			optional = append(optional, fmt.Sprintf(licOptionPick, u.Category.Title(), u.Of, u.Pick))
		default:
			optional = append(optional, fmt.Sprintf(licOptionOne, u.Category.Title(), u.Choices()))
		}
	}
	if len(required) == 0 && len(optional) == 0 {
		b.add(licNoCategories)
		return
	}
	for _, list := range []struct {
		names       []string
		all, capped string
	}{{required, licCategories, licCategoriesN}, {optional, licOptions, licOptionsN}} {
		switch n := len(list.names); {
		case n == 0:
		case n <= maxListed:
			b.add(fmt.Sprintf(list.all, n, strings.Join(list.names, separator)))
		default:
			b.add(fmt.Sprintf(list.capped, n, strings.Join(list.names[:maxListed], separator)))
		}
	}
}

// renderTopic writes a topic's steps and timings.
func renderTopic(t *knowledge.Topic) string {
	var b lines
	b.add(fmt.Sprintf(titleMark, t.Title))
	for _, p := range strings.Split(strings.TrimSpace(t.Body), "\n") {
		b.add(strings.TrimSpace(p))
	}
	if s, ok := newestSource(t.Sources); ok {
		b.add(fmt.Sprintf(topicSource, s.Where(), sourceDate(s.Date, s.Accessed)))
	}
	return b.String()
}

// renderChoices lists several close hits for the user to pick by number.
func renderChoices(hits []knowledge.Hit) string {
	var b lines
	b.add(replyChoicesHead)
	for i, h := range hits {
		b.add(choiceLine(i+1, h.Title(), string(h.Kind)))
	}
	b.add(replyChoicesFoot)
	return b.String()
}

// renderGroup lists the categories of a first-level group to pick by number.
func renderGroup(group string, hits []knowledge.Hit) string {
	var b lines
	b.add(fmt.Sprintf(groupHead, group, len(hits)))
	for i, h := range hits {
		b.add(groupLine(i+1, strings.Join(h.Category.Path[1:], "-"), slices.Contains(h.Category.Subjects, knowledge.Individual)))
	}
	return b.String()
}

// renderCheck formats a requirement check. haveOther reports that the user
// named something they have that is not a licence; it is never quoted back.
func renderCheck(ck knowledge.Check, haveOther bool) string {
	c := ck.Category
	var b lines
	b.add(fmt.Sprintf(checkHead, c.Title()))
	if len(ck.Have) > 0 && haveOther {
		b.add(fmt.Sprintf(checkHave, licenceNames(ck.Have)) + checkRest)
	} else if len(ck.Have) > 0 {
		b.add(fmt.Sprintf(checkHave, licenceNames(ck.Have)))
	} else {
		b.add(fmt.Sprintf(checkHave, checkOther))
	}
	switch {
	case c.Unknown:
		b.add(catUnknown)
	case len(c.Requirements) == 0:
		b.add(catNoRequirement)
	case len(ck.Missing) > 0:
		b.add(checkMissing)
		for _, n := range ck.Missing {
			if n.All {
				for _, it := range n.Open {
					b.add("· " + strings.TrimSpace(it.Text))
				}
				continue
			}
			head := fmt.Sprintf(catPick, len(n.Open), n.Pick)
			if n.Held > 0 {
				head += fmt.Sprintf(checkPickHave, n.Held)
			}
			b.add(head)
			for i, it := range n.Open {
				b.add(fmt.Sprintf("%d. %s", i+1, strings.TrimSpace(it.Text)))
			}
		}
	default:
		b.add(checkDone)
	}
	if len(ck.Materials) > 0 {
		b.add(checkMaterials)
		for _, m := range ck.Materials {
			b.add("· " + strings.TrimSpace(m.Text))
		}
	}
	switch {
	case len(ck.Unused) > 0:
		b.add(fmt.Sprintf(checkNotNeeded, licenceNames(ck.Unused)))
	case len(ck.Have) == 0 && haveOther:
		b.add(fmt.Sprintf(checkNotNeeded, checkOther))
	}
	if s, ok := newestSource(c.Sources); ok {
		b.add(fmt.Sprintf(catSource, s.Where(), sourceDate(s.Date, s.Accessed)))
	}
	return b.String()
}

func joinSubjects(ss []knowledge.Subject) string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = string(s)
	}
	return strings.Join(names, separator)
}

func licenceNames(ls []*knowledge.Licence) string {
	names := make([]string, len(ls))
	for i, l := range ls {
		names[i] = l.Name
	}
	return strings.Join(names, separator)
}

// newestSource returns the source a reader can best check: one the
// curators titled for readers before an untitled one, one with a URL
// before a seed document, one whose page shows a date before one with only
// the date it was read, and then the newest.
func newestSource(ss []knowledge.Source) (knowledge.Source, bool) {
	if len(ss) == 0 {
		return knowledge.Source{}, false
	}
	rank := func(s knowledge.Source) int {
		r := 0
		if s.Title != "" {
			r += 4
		}
		if s.URL != "" {
			r += 2
		}
		if s.Date != "" {
			r++
		}
		return r
	}
	best := ss[0]
	for _, s := range ss[1:] {
		if r, br := rank(s), rank(best); r > br || r == br && s.When().After(best.When()) {
			best = s
		}
	}
	return best, true
}

// lines builds a reply line by line, skipping empty lines.
type lines []string

func (b *lines) add(s string) {
	if s != "" {
		*b = append(*b, s)
	}
}

func (b lines) String() string { return strings.Join(b, "\n") }
