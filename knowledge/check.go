package knowledge

import (
	"slices"
	"strings"
)

// A Check compares what a user has with what a category needs: the
// requirement check of "我只有ICP备案，能做社交直播吗".
type Check struct {
	Category *Category
	// Have are the licences the user has.
	Have []*Licence
	// Missing are the requirement groups the licences do not satisfy, in
	// the category's order, with what is still open in each.
	Missing []Need
	// Materials are what to prepare besides licences: the materials of
	// groups that need every item, and the further parts of a held item
	// whose text asks for more than its licence ("(1)《…》 (2)平台规则…").
	Materials []Item
	// Unused are the licences of Have that no requirement of the category asks for.
	Unused []*Licence
}

// A Need is what is still open in one requirement group.
type Need struct {
	// All reports that every open item is needed (a group of "需全部提供");
	// otherwise Pick more of Open are needed.
	All bool
	// Open are the items not yet satisfied; in an All group, the licence
	// items only (its materials are in Check.Materials).
	Open []Item
	// Pick is how many of Open are still needed when not All.
	Pick int
	// Held is how many items of the group the user's licences satisfy.
	Held int
}

// Done reports whether the licences satisfy every requirement group of a
// category whose requirements are known.
func (c Check) Done() bool { return !c.Category.Unknown && len(c.Missing) == 0 }

// Check compares have with what c needs. An item naming several licences
// joined by "或" or "/" needs any of them, otherwise all of them; a material
// is never satisfied by a licence.
func (c *Category) Check(have []*Licence) Check {
	ck := Check{Category: c, Have: have}
	used := map[*Licence]bool{}
	for _, g := range c.Requirements {
		var open, held []Item
		for _, it := range g.Items {
			if holds(it, have, used) {
				held = append(held, it)
			} else {
				open = append(open, it)
			}
		}
		need := g.Pick
		if need <= 0 || need > len(g.Items) {
			need = len(g.Items)
		}
		// An item that lists more than its licences still needs the rest.
		for _, it := range held[:min(len(held), need)] {
			if compound(it.Text) {
				ck.Materials = append(ck.Materials, it)
			}
		}
		if len(held) >= need {
			continue
		}
		if need == len(g.Items) {
			n := Need{All: true, Held: len(held)}
			for _, it := range open {
				if it.Material {
					ck.Materials = append(ck.Materials, it)
				} else {
					n.Open = append(n.Open, it)
				}
			}
			if len(n.Open) > 0 {
				ck.Missing = append(ck.Missing, n)
			}
			continue
		}
		ck.Missing = append(ck.Missing, Need{Open: open, Pick: need - len(held), Held: len(held)})
	}
	for _, l := range have {
		if !used[l] {
			ck.Unused = append(ck.Unused, l)
		}
	}
	return ck
}

// holds reports whether the licences in have satisfy item it, and marks the
// licences that count for it in used.
func holds(it Item, have []*Licence, used map[*Licence]bool) bool {
	if it.Material || len(it.Licences) == 0 {
		return false
	}
	either := strings.ContainsAny(it.Text, "或/／")
	count := 0
	for _, l := range it.Licences {
		if slices.Contains(have, l) {
			used[l] = true
			count++
		}
	}
	if either {
		return count > 0
	}
	return count == len(it.Licences)
}

// compound reports whether an item's official text enumerates several
// things to provide: "(1)…(2)…", "①…②…", "同时提供".
func compound(text string) bool {
	return strings.ContainsAny(text, "②③") || strings.Contains(text, "(2)") ||
		strings.Contains(text, "（2）") || strings.Contains(text, "同时提供")
}
