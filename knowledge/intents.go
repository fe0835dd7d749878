package knowledge

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Intents are the phrase rules that say what a question asks (see [Ask]).
// They are data (knowledge/data/intents.yaml), so a curator can add a
// platform name or a way of asking without touching Go. The rules are tried
// in file order: the first that matches decides the kind.
type Intents struct {
	// Rules in precedence order.
	Rules []*IntentRule
	// Sets are named word lists, used as {name} in the rules' phrases and,
	// by name, by the index (the boilerplate of a short question).
	Sets map[string][]string
	// Pos is where the intents were defined.
	Pos Pos

	// sortedBoilerplate is Sets["boilerplate"] longest first, as the load
	// left it (a Base is not changed after Load).
	sortedBoilerplate []string
}

// An IntentRule recognises one way of asking. A phrase is literal text
// that may use {set} for any word of a named set: "{platform}的小程序". The
// built-in set {group} holds what people call each first-level category
// ("教育", "医疗"); it captures the group's name.
//
// The rule matches a question when every condition it has holds:
//   - Exact: the whole question (without trailing punctuation) is a phrase;
//   - Bare: the question without boilerplate (the set "boilerplate") and
//     punctuation is a phrase;
//   - Any: the question contains a phrase;
//   - All: for each list, the question contains a phrase of it;
//   - Not: the question contains none of these phrases.
//
// A Clause rule is tried on each clause (text between punctuation) instead:
// a clause with a Skip phrase is ignored altogether, one with a Not phrase is
// not a match. What follows the matched phrase in a clause, up to a Stop
// word, is what the rule holds (the licences a user says they have).
type IntentRule struct {
	Kind   AskKind
	Reason NoticeReason // of a notice rule
	Exact  []string
	Bare   []string
	Any    []string
	All    [][]string
	Not    []string
	Clause bool
	Skip   []string
	Stop   []string
	// After are phrases of which what a clause rule holds must contain one
	// ("证", "备案") when it names no licence.
	After []string
	Pos   Pos

	exact, bare           []phrase
	any, not, skip, after phraseSet
	all                   []phraseSet
}

// Name is the rule's position, "intents.yaml:12", for logs and `ask --json`.
func (r *IntentRule) Name() string { return fmt.Sprintf("%s:%d", r.Pos.File, r.Pos.Line) }

// A phrase is one literal a pattern expands to, and what its {set}s stood for.
type phrase struct {
	text string
	caps []capture
}

type capture struct{ set, word string }

// An IntentMatch is a rule that matched a question.
type IntentMatch struct {
	Rule *IntentRule
	// Captures maps each set a matched phrase used to the word it matched
	// ("platform" → "抖音"; "group" → the group's name).
	Captures map[string]string
	// Held is what a clause rule holds: per matching clause, the text after
	// the phrase up to a Stop word.
	Held []string
	// Rest is the question without the matching and skipped clauses: what
	// the user asks about besides what they hold.
	Rest string
}

// Match returns every rule that matches text, in precedence order. text is
// a normalised question (width folded, Simplified, lower case); content is
// it without boilerplate (see [Intents.Content]).
func (in *Intents) Match(text string) []IntentMatch {
	if in == nil {
		return nil
	}
	whole := strings.TrimSpace(text)
	if t := strings.TrimRightFunc(whole, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("!！。.~～?？", r)
	}); t != "" {
		whole = t
	}
	content := in.Content(text)
	var out []IntentMatch
	for _, r := range in.Rules {
		if m, ok := r.match(whole, content); ok {
			out = append(out, m)
		}
	}
	return out
}

// Content is text without the words of the set "boilerplate" (longest
// first) and without anything but letters and digits: what a short
// question ("直播吗", "医疗类的") is about.
func (in *Intents) Content(text string) string {
	var bp []string
	if in != nil {
		bp = in.boilerplate()
	}
	return content(text, bp)
}

// content is [Intents.Content] with the boilerplate words, longest first.
func content(text string, boilerplate []string) string {
	s := strings.Map(func(r rune) rune {
		if !isWordRune(r) {
			return -1
		}
		return r
	}, text)
	for _, w := range boilerplate {
		s = strings.ReplaceAll(s, w, "")
	}
	return s
}

func (in *Intents) boilerplate() []string {
	if in.sortedBoilerplate != nil {
		return in.sortedBoilerplate
	}
	ws := slices.Clone(in.Sets["boilerplate"])
	slices.SortStableFunc(ws, func(a, b string) int { return utf8.RuneCountInString(b) - utf8.RuneCountInString(a) })
	return ws
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func (r *IntentRule) match(whole, content string) (IntentMatch, bool) {
	m := IntentMatch{Rule: r}
	if r.Clause {
		return r.matchClauses(whole)
	}
	if !r.conditions(whole, content, &m) {
		return m, false
	}
	return m, true
}

// conditions checks Exact, Bare, Any, All and Not on text, recording captures in m.
func (r *IntentRule) conditions(text, content string, m *IntentMatch) bool {
	if len(r.exact) > 0 && !equalsAny(text, r.exact, m) {
		return false
	}
	if len(r.bare) > 0 && !equalsAny(content, r.bare, m) {
		return false
	}
	if len(r.any.list) > 0 && r.any.find(text, m) < 0 {
		return false
	}
	for _, ps := range r.all {
		if ps.find(text, m) < 0 {
			return false
		}
	}
	return r.not.find(text, nil) < 0
}

func (r *IntentRule) matchClauses(text string) (IntentMatch, bool) {
	m := IntentMatch{Rule: r}
	var rest []string
	for _, clause := range strings.FieldsFunc(text, isClauseEnd) {
		if r.not.find(clause, nil) >= 0 {
			rest = append(rest, clause)
			continue
		}
		if r.skip.find(clause, nil) >= 0 {
			continue
		}
		var cm IntentMatch
		end := -1
		if len(r.any.list) > 0 {
			end = r.any.find(clause, &cm)
		}
		if end < 0 || !r.conditions(clause, "", &cm) {
			rest = append(rest, clause)
			continue
		}
		for k, v := range cm.Captures {
			if m.Captures == nil {
				m.Captures = map[string]string{}
			}
			m.Captures[k] = v
		}
		held := clause[end:]
		// What follows the held words in the same clause is what they
		// want: "我只有ICP备案能做直播吗".
		cut := len(held)
		for _, s := range r.Stop {
			if j := strings.Index(held, s); j >= 0 && j < cut {
				cut = j
			}
		}
		if cut < len(held) {
			rest = append(rest, held[cut:])
		}
		m.Held = append(m.Held, strings.TrimSpace(held[:cut]))
	}
	m.Rest = strings.Join(rest, "，")
	return m, len(m.Held) > 0
}

// HeldAfter reports whether held, what a clause rule holds, contains one of
// the rule's After phrases.
func (r *IntentRule) HeldAfter(held string) bool { return r.after.find(held, nil) >= 0 }

func isClauseEnd(r rune) bool { return strings.ContainsRune("，,。；;？?！!\n", r) }

// A phraseSet is a list of phrases indexed by their first character, so
// that finding one in a question reads the question once rather than once
// a phrase (a rule's {set}s expand to hundreds of phrases, and every
// question is matched against every rule).
type phraseSet struct {
	list  []phrase
	first map[rune][]int32 // first character → the phrases', in list order
	empty int32            // the first empty phrase, or -1
	slow  bool             // a phrase starts with invalid UTF-8: search linearly
}

func newPhraseSet(ps []phrase) phraseSet {
	s := phraseSet{list: ps, empty: -1}
	for i, p := range ps {
		r, size := utf8.DecodeRuneInString(p.text)
		switch {
		case p.text == "":
			if s.empty < 0 {
				s.empty = int32(i)
			}
		case r == utf8.RuneError && size <= 1:
			s.slow = true
		default:
			if s.first == nil {
				s.first = make(map[rune][]int32)
			}
			s.first[r] = append(s.first[r], int32(i))
		}
	}
	return s
}

// find is findAny over the set: the end of the first phrase in text (the
// earliest, of those the longest, of those the first listed), or -1; it
// records the phrase's captures in m.
func (s *phraseSet) find(text string, m *IntentMatch) int {
	if s.slow {
		return findAny(text, s.list, m)
	}
	if text == "" || s.first == nil {
		if s.empty < 0 {
			return -1
		}
		m.capture(s.list[s.empty])
		return 0
	}
	for j, r := range text {
		best := int32(-1)
		if j == 0 {
			best = s.empty
		}
		for _, i := range s.first[r] {
			p := s.list[i].text
			if strings.HasPrefix(text[j:], p) && (best < 0 || len(p) > len(s.list[best].text)) {
				best = i
			}
		}
		if best >= 0 {
			m.capture(s.list[best])
			return j + len(s.list[best].text)
		}
	}
	return -1
}

// findAny returns the end of the first phrase of ps in text (the earliest,
// and of those the longest), or -1; it records the phrase's captures in m.
func findAny(text string, ps []phrase, m *IntentMatch) int {
	at, best := -1, -1
	for i, p := range ps {
		j := strings.Index(text, p.text)
		if j < 0 {
			continue
		}
		if at < 0 || j < at || j == at && len(p.text) > len(ps[best].text) {
			at, best = j, i
		}
	}
	if best < 0 {
		return -1
	}
	m.capture(ps[best])
	return at + len(ps[best].text)
}

func equalsAny(text string, ps []phrase, m *IntentMatch) bool {
	for _, p := range ps {
		if text == p.text {
			m.capture(p)
			return true
		}
	}
	return false
}

func (m *IntentMatch) capture(p phrase) {
	if m == nil || len(p.caps) == 0 {
		return
	}
	if m.Captures == nil {
		m.Captures = map[string]string{}
	}
	for _, c := range p.caps {
		m.Captures[c.set] = c.word
	}
}

// The kinds an intents rule may have; AskLookup is what no rule says.
var intentKinds = []AskKind{AskHelp, AskThanks, AskOtherPlatform, AskOffTopic, AskNeedsContext, AskReviewFailed,
	AskNotice, AskWhichCategory, AskLicences, AskIndividual, AskDuration, AskHow, AskDifference,
	AskLicenceCategories, AskHave, AskGroup}

var noticeReasons = []NoticeReason{NoticeAddCategory, NoticeIndividualClosed, NoticeMismatch, NoticeOther}

// groupSet is the built-in set of what people call first-level groups.
const groupSet = "group"

// GroupKeys maps what users call each first-level category of b to its name:
// the name, and the name without a trailing 服务 or 业 (教育服务 → 教育,
// 金融业 → 金融). Groups of fewer than minGroup categories are left out (电商平台 is one
// category), and so is a key that is also the name of one of the group's own
// categories (电商平台-电商平台): the name is that category's. Keys are in
// lower case.
func (b *Base) GroupKeys() map[string]string {
	const minGroup = 3
	count := make(map[string]int)
	own := make(map[string]bool) // group + "/" + a second level in it
	for _, c := range b.Categories {
		if len(c.Path) < 2 {
			continue
		}
		count[c.Path[0]]++
		own[fold(c.Path[0])+"/"+fold(c.Path[1])] = true
	}
	keys := make(map[string]string)
	for g, n := range count {
		k := fold(g)
		if n < minGroup {
			continue
		}
		for _, key := range []string{k, strings.TrimSuffix(k, "服务"), strings.TrimSuffix(k, "业")} {
			if utf8.RuneCountInString(key) >= 2 && !own[k+"/"+key] {
				keys[key] = g
			}
		}
	}
	return keys
}

// parseIntents reads the intents: key of a file.
func (p *fileParser) intents(n *yaml.Node) {
	f := p.fields(n, "intents", "sets", "rules")
	if f == nil {
		return
	}
	in := p.l.intents
	if in == nil {
		in = &Intents{Sets: map[string][]string{}, Pos: p.pos(n)}
		p.l.intents = in
	}
	if s := f.get("sets"); s != nil && p.kind(s, yaml.MappingNode, "sets") {
		for i := 0; i+1 < len(s.Content); i += 2 {
			k, v := s.Content[i], s.Content[i+1]
			name := strings.TrimSpace(k.Value)
			if name == groupSet {
				p.errorf(k, "set %s is built in (the first-level categories); use another name", name)
				continue
			}
			if p.duplicate(k, "set", name) {
				continue
			}
			words := p.strs(v, "set "+name)
			if len(words) == 0 && !badKind(v, yaml.SequenceNode) {
				p.errorf(k, "set %s lists no words", name)
			}
			in.Sets[name] = words
		}
	}
	for _, rn := range p.list(f.get("rules"), "rules") {
		p.intentRule(in, rn)
	}
}

func (p *fileParser) intentRule(in *Intents, n *yaml.Node) {
	f := p.fields(n, "intent rule", "kind", "reason", "exact", "bare", "any", "all", "not", "clause", "skip", "stop", "after")
	if f == nil {
		return
	}
	r := &IntentRule{
		Kind:   AskKind(strings.TrimSpace(p.str(f.get("kind"), "kind"))),
		Reason: NoticeReason(strings.TrimSpace(p.str(f.get("reason"), "reason"))),
		Exact:  p.strs(f.get("exact"), "exact"),
		Bare:   p.strs(f.get("bare"), "bare"),
		Any:    p.strs(f.get("any"), "any"),
		Not:    p.strs(f.get("not"), "not"),
		Clause: p.boolean(f.get("clause"), "clause"),
		Skip:   p.strs(f.get("skip"), "skip"),
		Stop:   p.strs(f.get("stop"), "stop"),
		After:  p.strs(f.get("after"), "after"),
		Pos:    p.pos(n),
	}
	for _, an := range p.list(f.get("all"), "all") {
		if ps := p.strs(an, "all item"); len(ps) > 0 {
			r.All = append(r.All, ps)
		}
	}
	switch {
	case r.Kind == "" && !badKind(f.get("kind"), yaml.ScalarNode):
		p.errorf(n, "intent rule has no kind")
	case r.Kind != "" && !slices.Contains(intentKinds, r.Kind):
		p.errorf(f.get("kind"), "unknown intent kind %q (want one of %s)", r.Kind, kindList())
	}
	switch {
	case r.Kind == AskNotice && r.Reason == "":
		p.errorf(n, "a notice rule needs reason: (%s)", reasonList())
	case r.Kind != AskNotice && r.Reason != "":
		p.errorf(f.get("reason"), "reason: is for notice rules only")
	case r.Reason != "" && !slices.Contains(noticeReasons, r.Reason):
		p.errorf(f.get("reason"), "unknown notice reason %q (want one of %s)", r.Reason, reasonList())
	}
	if len(r.Exact)+len(r.Bare)+len(r.Any)+len(r.All) == 0 {
		p.errorf(n, "intent rule %s matches nothing: give it exact:, bare:, any: or all:", r.Kind)
	}
	if r.Clause && len(r.Any) == 0 {
		p.errorf(n, "a clause rule needs any: (the phrase that starts what the clause holds)")
	}
	if !r.Clause && len(r.Skip)+len(r.Stop)+len(r.After) > 0 {
		p.errorf(n, "skip:, stop: and after: are for clause rules (clause: true)")
	}
	in.Rules = append(in.Rules, r)
}

func kindList() string {
	var s []string
	for _, k := range intentKinds {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}

func reasonList() string {
	var s []string
	for _, k := range noticeReasons {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}

// shippedIntents reads the shipped intents into a knowledge base that
// defines none: a directory of categories and licences (a test's, or an old
// copy of the data) still understands questions the way the bot ships.
func (l *loader) shippedIntents() {
	b, err := fs.ReadFile(data, "data/"+IntentsFile)
	if err != nil {
		l.errs = append(l.errs, &LoadError{Pos{File: IntentsFile}, err})
		return
	}
	l.parseFile(IntentsFile, b)
}

// IntentsFile is the file of the shipped knowledge base that holds the intents.
const IntentsFile = "intents.yaml"

// resolveIntents expands every rule's phrases once all files are read, so a
// rule may use a set defined in another file.
func (l *loader) resolveIntents() {
	in := l.intents
	if in == nil {
		return
	}
	sets := map[string][]capture{}
	for name, words := range in.Sets {
		for _, w := range words {
			sets[name] = append(sets[name], capture{name, w})
		}
	}
	sets[groupSet] = []capture{}
	for key, g := range l.base.GroupKeys() {
		sets[groupSet] = append(sets[groupSet], capture{groupSet, key + "\x00" + g})
	}
	for _, caps := range sets {
		slices.SortFunc(caps, func(a, b capture) int { return strings.Compare(a.word, b.word) })
	}
	boilerplate := in.boilerplate()
	in.sortedBoilerplate = boilerplate
	for _, r := range in.Rules {
		expand := func(patterns []string, what string) []phrase {
			var out []phrase
			for _, pat := range patterns {
				ps, err := expandPattern(pat, sets)
				if err != nil {
					l.errorf(r.Pos.File, r.Pos.Line, "intent rule %s: %s %q: %v", r.Kind, what, pat, err)
					continue
				}
				if out == nil {
					out = ps
				} else {
					out = append(out, ps...)
				}
			}
			return out
		}
		r.exact, r.bare = expand(r.Exact, "exact"), expand(r.Bare, "bare")
		// A bare phrase is compared with the question's content, so it
		// loses the same boilerplate ("我的情况" is "我情况").
		for i := range r.bare {
			if c := content(r.bare[i].text, boilerplate); c != "" {
				r.bare[i].text = c
			}
		}
		r.any = newPhraseSet(expand(r.Any, "any"))
		r.not, r.skip, r.after = newPhraseSet(expand(r.Not, "not")), newPhraseSet(expand(r.Skip, "skip")), newPhraseSet(expand(r.After, "after"))
		r.all = nil
		for _, ps := range r.All {
			r.all = append(r.all, newPhraseSet(expand(ps, "all")))
		}
		for i, s := range r.Stop {
			r.Stop[i] = fold(s)
		}
	}
}

// maxPatternPhrases bounds what one pattern expands to: each {set} in it
// multiplies its phrases by the set's size.
const maxPatternPhrases = 5000

// expandPattern turns a pattern into its literals: "{platform}小程序" is one
// literal per word of the set platform. Text is folded to lower case, like
// the questions it is matched against.
func expandPattern(pat string, sets map[string][]capture) ([]phrase, error) {
	out := []phrase{{}}
	rest := pat
	for rest != "" {
		i := strings.IndexAny(rest, "{}")
		lit := rest
		if i >= 0 {
			lit = rest[:i]
		}
		for k := range out {
			out[k].text += fold(lit)
		}
		if i < 0 {
			break
		}
		if rest[i] == '}' {
			return nil, fmt.Errorf("} without {")
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("{ without }")
		}
		name := rest[i+1 : i+j]
		words, ok := sets[name]
		if !ok {
			return nil, fmt.Errorf("unknown set {%s}", name)
		}
		if len(out)*len(words) > maxPatternPhrases {
			return nil, fmt.Errorf("the pattern stands for more than %d phrases; split it into rules with fewer sets", maxPatternPhrases)
		}
		next := make([]phrase, 0, len(out)*len(words))
		for _, p := range out {
			for _, c := range words {
				word, value, _ := strings.Cut(c.word, "\x00")
				if value == "" {
					value = word
				}
				caps := make([]capture, len(p.caps)+1)
				copy(caps, p.caps)
				caps[len(p.caps)] = capture{name, value}
				next = append(next, phrase{text: p.text + fold(word), caps: caps})
			}
		}
		out = next
		rest = rest[i+j+1:]
	}
	for _, p := range out {
		if strings.TrimSpace(p.text) == "" {
			return nil, fmt.Errorf("empty phrase")
		}
	}
	return out, nil
}
