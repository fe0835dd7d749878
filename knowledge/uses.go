package knowledge

import (
	"regexp"
	"strings"
)

// A Use says how one category's requirements name a licence: as something
// every applicant provides, or as one choice among several. It is derived
// from the requirement groups, so "which categories need it" is never
// written by hand.
type Use struct {
	Category *Category
	// Pick and Of are the group's rule: provide Pick of its Of items;
	// Pick 0 means all of them.
	Pick, Of int
	// Alternatives are the other licences the same item accepts in its
	// place, as in "《A》或《B》" or "《A》/《B》".
	Alternatives []*Licence
}

// Required reports whether an applicant for the category cannot do without
// the licence: its group wants every item, and its item offers no other
// licence in its place. A required licence may still be conditional on the
// item's own wording ("经营范围含…").
func (u Use) Required() bool {
	return (u.Pick == 0 || u.Pick >= u.Of) && len(u.Alternatives) == 0
}

// Choices is how many options the licence is one of, as in "N选1之一": the
// group's items when the group is a choice, else the licences the item
// accepts in its place plus this one. It is 1 when the licence is required.
func (u Use) Choices() int {
	if u.Pick > 0 && u.Pick < u.Of {
		return u.Of
	}
	return len(u.Alternatives) + 1
}

// Uses returns how each category that names l uses it, one Use per
// category in the order of [Licence.Categories]. Where a category names
// the licence more than once, a required use wins over an optional one.
func (l *Licence) Uses() []Use {
	var out []Use
	for _, c := range l.Categories {
		best, found := Use{}, false
		for _, g := range c.Requirements {
			pick := g.Pick
			if providedByAll(g, l) {
				// Every choice provides it, the applicant's own or a
				// partner's ("合作出租车公司的《道路运输经营许可证》"):
				// whichever is chosen, it is there.
				pick = 0
			}
			for _, it := range g.Items {
				if !containsLicence(it.Licences, l) {
					continue
				}
				u := Use{Category: c, Pick: pick, Of: len(g.Items), Alternatives: alternatives(it, l)}
				if !found || u.Required() && !best.Required() {
					best, found = u, true
				}
			}
		}
		if found {
			out = append(out, best)
		}
	}
	return out
}

// providedByAll reports whether every item of g asks for l itself: an
// item that names it only as the thing applied for ("《增值电信业务经营许可证》
// 申请时，所需资质文件如下", the route without it) does not.
func providedByAll(g Group, l *Licence) bool {
	for _, it := range g.Items {
		i := strings.Index(it.Text, l.Name)
		if i < 0 || !containsLicence(it.Licences, l) || strings.HasPrefix(strings.TrimSpace(it.Text[i+len(l.Name):]), "申请") {
			return false
		}
	}
	return true
}

func containsLicence(ls []*Licence, l *Licence) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

var bookTitle = regexp.MustCompile(`《[^《》]*》`)

// alternatives returns the licences that item accepts in place of l: the
// names linked to l's name by "或" or "/" in the item's text, directly or
// through a chain ("《A》或《B》或《C》").
func alternatives(it Item, l *Licence) []*Licence {
	spans := bookTitle.FindAllStringIndex(it.Text, -1)
	if len(spans) < 2 {
		return nil
	}
	names := make([]string, len(spans))
	for i, s := range spans {
		names[i] = it.Text[s[0]:s[1]]
	}
	// group[i] is the chain of alternatives name i belongs to.
	group := make([]int, len(spans))
	for i := 1; i < len(spans); i++ {
		group[i] = i
		if orBetween(it.Text[spans[i-1][1]:spans[i][0]]) {
			group[i] = group[i-1]
		}
	}
	var out []*Licence
	for i, n := range names {
		if n != l.Name {
			continue
		}
		for j, m := range names {
			if j == i || group[j] != group[i] || m == l.Name {
				continue
			}
			for _, x := range it.Licences {
				if x.Name == m && !containsLicence(out, x) {
					out = append(out, x)
				}
			}
		}
	}
	return out
}

// orBetween reports whether the text between two names makes them
// alternatives: it ends in "或" (a qualifier before it, as in
// "（业务范围含…）或", does not matter), or it is a bare "/".
func orBetween(sep string) bool {
	sep = strings.TrimSpace(sep)
	return sep == "/" || sep == "／" || strings.HasSuffix(sep, "或") || strings.HasSuffix(sep, "或者")
}
