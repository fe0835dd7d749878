package index

import (
	"slices"
	"unicode/utf8"

	"github.com/qualbot/qualbot/knowledge"
)

// decide says how sure hits (best first) are of their answer to p.
func decide(hits []scored, p prepared, par *Params) knowledge.Decision {
	if len(hits) == 0 || p.elsewhere {
		return knowledge.None
	}
	top := hits[0]
	least := par.MinEvidence
	if p.asks {
		least = par.AskedEvidence
	}
	if top.raw*top.coverage < least {
		return knowledge.None
	}
	// A name from the knowledge base (a title, alias, keyword or synonym),
	// or a one- or two-character question, is evidence enough.
	named := len(p.names) > 0 || len(p.expansion) > 0 || p.short != ""
	if par.NeedName && !named && (distinct(p.terms) < par.MinUnnamedTerms || top.coverage < par.MinUnnamedCoverage) {
		return knowledge.None
	}
	if len(hits) > 1 && (top.hit.Score-hits[1].hit.Score)/top.hit.Score < par.Margin {
		return knowledge.Ambiguous
	}
	// One character (药, 车) begins too many words to be sure of any.
	if len(hits) > 1 && utf8.RuneCountInString(p.short) == 1 {
		return knowledge.Ambiguous
	}
	return knowledge.Confident
}

func distinct(terms []string) int {
	n := 0
	for i, t := range terms {
		if !slices.Contains(terms[:i], t) {
			n++
		}
	}
	return n
}

// choices returns the hits an ambiguous result offers: those that score at
// least CloseRatio of the top hit, and the first hit of a kind those lack
// when it is among the first MixedChoices (diversify put a category and a
// topic there for a question that mixes a review problem with a category,
// and the user should see both). This is the one choice policy: the bot
// lists exactly these, and `ask --json` shows them.
func choices(hits []knowledge.Hit, par *Params) []knowledge.Hit {
	if len(hits) == 0 {
		return nil
	}
	var out []knowledge.Hit
	for _, h := range hits {
		if h.Score >= hits[0].Score*par.CloseRatio {
			out = append(out, h)
		}
	}
	for _, h := range hits[:min(len(hits), par.MixedChoices)] {
		if !slices.ContainsFunc(out, func(c knowledge.Hit) bool { return c.Kind == h.Kind }) {
			out = append(out, h)
		}
	}
	return out
}
