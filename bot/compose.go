package bot

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/qualbot/qualbot/knowledge"
)

// Answer first: a reply leads with one direct sentence built from the facts
// that answer what was asked (the Ask the index decided), short enough to
// read at a glance. The rest (the whole card, every note, the source) is
// the reply's details, one 「详情」 away.

// tuning holds the numbers that shape a composed reply.
var tuning = struct {
	// leadRunes is what a first message aims at, the hint included.
	leadRunes int
	// itemRunes is the longest requirement item a lead quotes whole; a
	// longer one is cut after a name, with "…".
	itemRunes int
	// kindHits is how many of the first hits are looked through for one of
	// the kind the ask wants (see answeringKinds), and kindShare the least
	// share of the top hit's score such a hit must have.
	kindHits  int
	kindShare float64
	// relatedShare is the least share of the best hit's score a hit needs
	// to be offered after an answer.
	relatedShare float64
	// leadNames is how many category names a lead lists at most.
	leadNames int
	// titleRunes is the longest topic title a lead shows.
	titleRunes int
	// gistRunes is the longest gist of one side of a difference.
	gistRunes int
	// groupRunes is the longest single message in a group; longer details
	// are cut there.
	groupRunes int
	// nickRunes is the longest asker's name an "@" shows.
	nickRunes int
	// siblingRatio is how close to the top hit a category must score to be
	// named as the one to consider beside it.
	siblingRatio float64
}{
	leadRunes:    200,
	itemRunes:    40,
	leadNames:    6,
	relatedShare: 0.25,
	kindHits:     3,
	kindShare:    0.4,
	titleRunes:   14,
	gistRunes:    80,
	groupRunes:   700,
	nickRunes:    16,
	siblingRatio: 0.5,
}

// A composed reply: the lead (the first message), the details sent on
// request, and the hits a number picks from afterwards.
type composed struct {
	kind    ReplyKind
	lead    string
	details string
	// related are the hits a bare number picks from after this reply.
	related []knowledge.Hit
	// declined marks a question the knowledge base did not answer, for the
	// curators' log.
	declined bool
}

// compose answers res by what its Ask asks. When the search is ambiguous,
// the index has chosen the hits to list.
func compose(res knowledge.Result) composed {
	ask := res.Ask
	switch ask.Kind {
	case knowledge.AskOtherPlatform:
		return composed{kind: KindDecline, lead: replyOtherPlatform}
	case knowledge.AskOffTopic:
		return composed{kind: KindDecline, lead: replyOffTopic}
	case knowledge.AskNeedsContext:
		return composed{kind: KindClarify, lead: replyNeedsContext}
	case knowledge.AskGroup:
		if len(res.Hits) > 0 {
			return composed{kind: KindChoices, lead: renderGroup(ask.Group, res.Hits), related: res.Hits}
		}
	case knowledge.AskLicenceCategories:
		if ask.Licence != nil {
			return composeLicenceCategories(ask.Licence, res.Hits)
		}
	case knowledge.AskHave:
		if c := ask.Category; c != nil && (len(ask.Have) > 0 || ask.HaveOther) {
			return composeCheck(c, ask.Have, ask.HaveOther, res.Hits)
		}
	case knowledge.AskNotice:
		if ask.Notice != nil {
			if c, ok := composeNotice(ask.Notice, res); ok {
				return c
			}
		}
	case knowledge.AskDifference:
		if q := differenceFAQ(append(slices.Clone(res.Hits[:min(1, len(res.Hits))]), ask.Pair...)); q != nil {
			return composeFAQ(q, res.Hits)
		}
		if len(ask.Pair) == 2 {
			return composeDifference(ask.Pair, res.Hits)
		}
	}
	if ask.Category != nil {
		switch ask.Kind {
		case knowledge.AskIndividual, knowledge.AskLicences, knowledge.AskWhichCategory, knowledge.AskHow, knowledge.AskLookup:
			return composeCategory(ask.Kind, ask.Category, res.Hits, res.Decision == knowledge.Ambiguous)
		}
	}
	if len(res.Hits) == 0 || res.Decision == knowledge.None || res.Decision == "" {
		switch ask.Kind {
		case knowledge.AskWhichCategory, knowledge.AskLicences, knowledge.AskIndividual:
			// In the domain, but about a business the knowledge base has no
			// words for: ask what it does rather than decline.
			return composed{kind: KindClarify, lead: replyDescribeBusiness, declined: true}
		}
		return composed{kind: KindDecline, lead: replyDecline, declined: true}
	}
	// The index gives one hit per topic: an FAQ and its topic are one answer.
	hits := res.Hits
	if res.Decision == knowledge.Ambiguous && len(hits) > 1 {
		return composed{kind: KindChoices, lead: renderChoices(hits), related: hits}
	}
	// What is asked says what kind of hit answers it: a failed review asks
	// what to do (the category it names is context), and "要什么证",
	// "选什么类目", "个人能不能" ask about a category. Among the first hits,
	// one of that kind close enough to the top answers.
	if want := answeringKinds[ask.Kind]; len(want) > 0 && !slices.Contains(want, hits[0].Kind) {
		for _, h := range hits[1:min(len(hits), tuning.kindHits)] {
			if slices.Contains(want, h.Kind) && h.Score >= hits[0].Score*tuning.kindShare {
				return composeHit(ask.Kind, h, hits)
			}
		}
	}
	return composeHit(ask.Kind, hits[0], hits)
}

// answeringKinds are the kinds of hit that answer an ask kind, where it
// matters.
var answeringKinds = map[knowledge.AskKind][]knowledge.Kind{
	knowledge.AskReviewFailed:  {knowledge.KindFAQ, knowledge.KindTopic},
	knowledge.AskLicences:      {knowledge.KindCategory},
	knowledge.AskWhichCategory: {knowledge.KindCategory},
	knowledge.AskIndividual:    {knowledge.KindCategory},
}

// composeHit answers with one hit, as the ask kind wants it.
func composeHit(kind knowledge.AskKind, h knowledge.Hit, related []knowledge.Hit) composed {
	switch h.Kind {
	case knowledge.KindCategory:
		return composeCategory(kind, h.Category, related, false)
	case knowledge.KindLicence:
		if kind == knowledge.AskLicenceCategories {
			return composeLicenceCategories(h.Licence, related)
		}
		return composeLicence(h.Licence, related)
	case knowledge.KindTopic:
		if q := h.Topic.Answering(kind); q != nil {
			return composeFAQ(q, related)
		}
		return composeTopic(h.Topic, related)
	case knowledge.KindFAQ:
		// The topic's general answer matched, but the topic has one for
		// the kind asked: answer that. A specific FAQ whose phrasing
		// matched stays the answer.
		if t := h.FAQ.Topic; t != nil && kind != knowledge.AskLookup && h.FAQ.Ask == knowledge.AskLookup {
			if q := t.Answering(kind); q != nil && q.Ask == kind {
				return composeFAQ(q, related)
			}
		}
		return composeFAQ(h.FAQ, related)
	}
	return composed{kind: KindDecline, lead: replyDecline, declined: true}
}

// composeFAQ answers with an FAQ's short answer; its topic, its sources and
// the categories it concerns are the details.
func composeFAQ(q *knowledge.FAQ, hits []knowledge.Hit) composed {
	related := slices.Clone(hits)
	for _, c := range q.Categories {
		if !slices.ContainsFunc(related, func(h knowledge.Hit) bool { return h.Category == c }) {
			related = append(related, knowledge.Hit{Kind: knowledge.KindCategory, Category: c})
		}
	}
	var d lines
	if q.Topic != nil {
		d.add(renderTopic(q.Topic))
	} else {
		d.add(q.Answer)
		if s, ok := newestSource(q.Sources); ok {
			d.add(fmt.Sprintf(topicSource, readerSource(s), sourceDate(s.Date, s.Accessed)))
		}
	}
	d.add(relatedList(related, q))
	return composed{kind: KindAnswer, lead: withHint(q.Answer), details: d.String(), related: related}
}

// composeCategory answers about one category: whether an individual may
// choose it, which category to choose, or what it needs.
func composeCategory(kind knowledge.AskKind, c *knowledge.Category, related []knowledge.Hit, ambiguous bool) composed {
	individual := slices.Contains(c.Subjects, knowledge.Individual)
	var head, after string
	switch kind {
	case knowledge.AskIndividual:
		if !individual {
			// What it needs matters less to someone who cannot apply.
			var b lines
			b.add(fmt.Sprintf(leadIndividualNo, c.Title(), joinSubjects(c.Subjects)))
			if alt := individualSibling(c, related); alt != nil {
				b.add(fmt.Sprintf(leadIndividualAlt, alt.Title()))
			} else {
				b.add(leadIndividualInstead)
			}
			return composed{kind: KindAnswer, lead: withHint(b.String()), details: categoryDetails(c, true, related), related: related}
		}
		head = fmt.Sprintf(leadIndividualYes, c.Title())
	case knowledge.AskWhichCategory:
		head = fmt.Sprintf(leadChoose, c.Title(), individualMark(individual))
	case knowledge.AskHow:
		head = fmt.Sprintf(leadHowAdd, c.Title(), individualMark(individual))
	default:
		head = fmt.Sprintf(leadCategory, c.Title(), individualMark(individual))
	}
	// A close second category is named, with its number, when the choice
	// is the question or the search could not tell the two apart.
	if kind == knowledge.AskWhichCategory || ambiguous {
		if s, n := sibling(c, related); s != nil {
			after = fmt.Sprintf(leadSibling, s.Title(), n)
		}
	}
	var b lines
	b.add(head + needsHead(c))
	b.add(needs(c, tuning.leadRunes-runes(head+needsHead(c)+after+replyMore)-3))
	b.add(after)
	return composed{kind: KindAnswer, lead: withHint(b.String()), details: categoryDetails(c, individual && kind == knowledge.AskIndividual, related), related: related}
}

// needsHead ends the sentence that names a category: what it needs follows,
// or it needs nothing, or its needs are not known.
func needsHead(c *knowledge.Category) string {
	switch {
	case c.Unknown:
		return needUnknown
	case len(c.Requirements) == 0:
		return needNone
	}
	return needHead
}

// needs writes the requirement groups of c in at most budget runes: one
// line a group, "3选1：…" or the items all needed, with the exact 《》
// names. What does not fit ends in "等". It is empty when c needs nothing
// or its needs are not known.
func needs(c *knowledge.Category, budget int) string {
	if c.Unknown {
		return ""
	}
	var b lines
	for i, g := range c.Requirements {
		head := needAll
		if i > 0 {
			head = needAlso
		}
		n := len(g.Items)
		if g.Pick > 0 && g.Pick < n {
			head += fmt.Sprintf(needPick, n, g.Pick)
		} else if i > 0 {
			head += "："
		}
		items := make([]string, n)
		for j, it := range g.Items {
			items[j] = itemShort(it)
		}
		line := "· " + head + strings.Join(items, itemSeparator)
		left := budget - runes(b.String()) - 1
		if runes(line) > left {
			// Keep the items that fit, and say there are more.
			line = "· " + head
			for j, s := range items {
				if runes(line)+runes(s)+runes(needMore)+1 > left {
					break
				}
				if j > 0 {
					line += itemSeparator
				}
				line += s
			}
			if runes(line)+runes(needMore) <= left {
				b.add(line + needMore)
			}
			break
		}
		b.add(line)
	}
	return b.String()
}

// itemShort is a requirement item as a lead quotes it: whole when short,
// else cut after a name or a parenthesis, so that no 《》 name is broken.
func itemShort(it knowledge.Item) string {
	rs := []rune(strings.TrimSpace(it.Text))
	if len(rs) <= tuning.itemRunes {
		return string(rs)
	}
	cut := tuning.itemRunes - 1
	for i := cut - 1; i >= tuning.itemRunes/2; i-- {
		if rs[i] == '》' || rs[i] == '）' {
			cut = i + 1
			break
		}
	}
	// Never end inside a name or a qualifier: a half parenthesis changes
	// what the licence must cover.
	for _, p := range [][2]rune{{'《', '》'}, {'（', '）'}, {'“', '”'}} {
		if open := lastIndexRune(rs[:cut], p[0]); open > lastIndexRune(rs[:cut], p[1]) {
			cut = open
		}
	}
	return strings.TrimSpace(string(rs[:cut])) + ellipsis
}

func lastIndexRune(rs []rune, r rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == r {
			return i
		}
	}
	return -1
}

// individualMark says in a few characters whether individuals may choose.
func individualMark(ok bool) string {
	if ok {
		return markIndividualYes
	}
	return markIndividualNo
}

// sibling returns the category to consider beside c: the best other
// category among the hits that scores close to the top.
func sibling(c *knowledge.Category, hits []knowledge.Hit) (*knowledge.Category, int) {
	if len(hits) < 2 {
		return nil, 0
	}
	for i, h := range hits {
		if h.Kind == knowledge.KindCategory && h.Category != c && h.Score >= hits[0].Score*tuning.siblingRatio {
			return h.Category, i + 1
		}
	}
	return nil, 0
}

// individualSibling returns a category among the hits, in c's group, that
// individuals may choose: what to do instead.
func individualSibling(c *knowledge.Category, hits []knowledge.Hit) *knowledge.Category {
	for _, h := range hits {
		if h.Kind == knowledge.KindCategory && h.Category != c && h.Category.Path[0] == c.Path[0] &&
			slices.Contains(h.Category.Subjects, knowledge.Individual) {
			return h.Category
		}
	}
	return nil
}

// categoryDetails is the whole card of c, the official citation, and the
// other hits to pick by number.
func categoryDetails(c *knowledge.Category, individual bool, related []knowledge.Hit) string {
	var b lines
	b.add(renderCategory(c))
	b.add(citation(c.Sources, individual))
	b.add(relatedList(related, c))
	return b.String()
}

// composeLicence says what a licence is and which categories need it.
func composeLicence(l *knowledge.Licence, related []knowledge.Hit) composed {
	var b lines
	head := l.Name
	if short := l.Short[:min(len(l.Short), 2)]; len(short) > 0 {
		head += fmt.Sprintf(leadShort, strings.Join(short, separator))
	}
	b.add(head + "：" + firstSentence(l.About, tuning.gistRunes))
	b.add(usedBy(l, tuning.leadRunes-runes(b.String())-runes(replyMore)-2))
	return composed{kind: KindAnswer, lead: withHint(b.String()), details: licenceDetails(l, related), related: related}
}

// composeLicenceCategories answers which categories a licence opens.
func composeLicenceCategories(l *knowledge.Licence, related []knowledge.Hit) composed {
	lead := usedBy(l, tuning.leadRunes-runes(replyMore)-1)
	if len(l.Categories) > 0 {
		lead = l.Name + "：" + lead
	}
	return composed{kind: KindAnswer, lead: withHint(lead), details: licenceDetails(l, related), related: related}
}

// usedBy names the categories that need l, as many as fit in budget:
// first those that cannot do without it, then those where it is one
// choice of several.
func usedBy(l *knowledge.Licence, budget int) string {
	var required, optional []string
	for _, u := range l.Uses() {
		if u.Required() {
			required = append(required, u.Category.Title())
		} else {
			optional = append(optional, u.Category.Title())
		}
	}
	if len(required) == 0 && len(optional) == 0 {
		return licNoCategories
	}
	var b lines
	for _, list := range []struct {
		names []string
		head  string
	}{{required, leadUsedBy}, {optional, leadUsedByOption}} {
		if len(list.names) == 0 {
			continue
		}
		head := fmt.Sprintf(list.head, len(list.names))
		left := budget - runes(b.String()) - 1
		if runes(head)+runes(leadUsedByMore) > left {
			break
		}
		var names []string
		size := runes(head)
		end := "。"
		for i, n := range list.names {
			if i == tuning.leadNames || size+runes(n)+1+runes(leadUsedByMore) > left {
				end = leadUsedByMore
				break
			}
			names = append(names, n)
			size += runes(n) + 1
		}
		if len(names) == 0 {
			// Not one name fits: say how many, and leave them to the details.
			if count := fmt.Sprintf(leadUsedByCount, strings.TrimSuffix(head, "：")); runes(count) <= left {
				b.add(count)
			}
			continue
		}
		b.add(head + strings.Join(names, separator) + end)
	}
	return b.String()
}

// licenceDetails is the licence's card with every category that needs it.
func licenceDetails(l *knowledge.Licence, related []knowledge.Hit) string {
	var b lines
	b.add(renderLicence(l))
	if len(l.Categories) > 0 {
		// Which categories need it is read from the official table.
		b.add(citation(l.Sources, false))
	} else if s, ok := newestSource(l.Sources); ok {
		b.add(fmt.Sprintf(licSource, readerSource(s), sourceDate(s.Date, s.Accessed)))
	}
	b.add(relatedList(related, l))
	return b.String()
}

// composeTopic answers with the opening lines of a topic, as many as fit;
// the whole topic is its details.
func composeTopic(t *knowledge.Topic, related []knowledge.Hit) composed {
	head := ""
	if runes(t.Title) <= tuning.titleRunes {
		head = fmt.Sprintf(titleMark, t.Title)
	}
	lead := head + opening(t.Body, tuning.leadRunes-runes(head+replyMore)-1)
	var b lines
	b.add(renderTopic(t))
	b.add(relatedList(related, t))
	return composed{kind: KindAnswer, lead: withHint(lead), details: b.String(), related: related}
}

// differenceFAQ returns the FAQ that answers a difference among hits: an
// FAQ of that kind, or a topic's.
func differenceFAQ(hits []knowledge.Hit) *knowledge.FAQ {
	for _, h := range hits {
		var q *knowledge.FAQ
		switch h.Kind {
		case knowledge.KindFAQ:
			q = h.FAQ
			if q.Ask != knowledge.AskDifference && q.Topic != nil {
				q = q.Topic.Answering(knowledge.AskDifference)
			}
		case knowledge.KindTopic:
			q = h.Topic.Answering(knowledge.AskDifference)
		}
		if q != nil && q.Ask == knowledge.AskDifference {
			return q
		}
	}
	return nil
}

// composeDifference answers "A和B有什么区别" with a line on each.
func composeDifference(pair []knowledge.Hit, related []knowledge.Hit) composed {
	var b, d lines
	b.add(leadDifference)
	for _, h := range pair {
		b.add(fmt.Sprintf(leadGist, h.Title(), gist(h)))
		d.add(renderHit(h))
	}
	return composed{kind: KindAnswer, lead: withHint(b.String()), details: d.String(), related: related}
}

// gist is what a hit is, in one sentence.
func gist(h knowledge.Hit) string {
	switch h.Kind {
	case knowledge.KindCategory:
		if s := firstSentence(h.Category.Description, tuning.gistRunes); s != "" {
			return s
		}
		return strings.TrimPrefix(needsHead(h.Category), "，") + needs(h.Category, tuning.gistRunes)
	case knowledge.KindLicence:
		return firstSentence(h.Licence.About, tuning.gistRunes)
	case knowledge.KindTopic:
		return firstSentence(h.Topic.Body, tuning.gistRunes)
	case knowledge.KindFAQ:
		return firstSentence(h.FAQ.Answer, tuning.gistRunes)
	}
	return ""
}

// composeCheck compares what the user has with what c needs: what is
// covered and what is missing. haveOther reports that they named something
// that is not a licence; it is never quoted back.
func composeCheck(c *knowledge.Category, have []*knowledge.Licence, haveOther bool, related []knowledge.Hit) composed {
	ck := c.Check(have)
	var held []*knowledge.Licence
	for _, l := range have {
		if !slices.Contains(ck.Unused, l) {
			held = append(held, l)
		}
	}
	var b lines
	b.add(fmt.Sprintf(leadCheck, c.Title()))
	switch {
	case len(held) > 0:
		b.add(fmt.Sprintf(leadCheckHave, licenceNames(held)))
	case len(have) == 0:
		b.add(leadCheckOther)
	}
	switch {
	case c.Unknown || len(c.Requirements) == 0:
		b.add(strings.TrimPrefix(needsHead(c), "，"))
	case len(ck.Missing) > 0:
		b.add(leadCheckMissing)
		for _, m := range missingLines(ck) {
			if runes(b.String())+runes(m)+runes(replyMore)+2 > tuning.leadRunes {
				b.add(needMore)
				break
			}
			b.add(m)
		}
	default:
		b.add(checkDone)
	}
	if len(ck.Materials) > 0 && len(ck.Missing) == 0 {
		b.add(leadCheckMaterials)
	}
	var d lines
	d.add(renderCheck(ck, haveOther))
	d.add(citation(c.Sources, false))
	d.add(relatedList(related, c))
	return composed{kind: KindCheck, lead: withHint(b.String()), details: d.String(), related: related}
}

// composeNotice answers a rejection notice with what to do: add the
// category it names, or remove the feature, and appeal.
func composeNotice(n *knowledge.Notice, res knowledge.Result) (composed, bool) {
	c := n.Category
	var b lines
	switch {
	case n.Reason == knowledge.NoticeAddCategory && c != nil:
		b.add(fmt.Sprintf(leadNoticeAdd, c.Title()) + needsHead(c))
		b.add(needs(c, tuning.leadRunes-runes(b.String())-runes(leadNoticeRemove)-runes(replyMore)-3))
		b.add(leadNoticeRemove)
	case n.Reason == knowledge.NoticeIndividualClosed:
		if c != nil {
			b.add(fmt.Sprintf(leadNoticeIndividualCat, c.Title()))
		} else {
			b.add(leadNoticeIndividual)
		}
	case n.Reason == knowledge.NoticeMismatch:
		b.add(leadNoticeMismatch)
	default:
		return composed{}, false
	}
	var d lines
	if c != nil {
		d.add(categoryDetails(c, false, nil))
	}
	d.add(relatedList(res.Hits, nil))
	return composed{kind: KindAnswer, lead: withHint(b.String()), details: d.String(), related: res.Hits}, true
}

// relatedList offers the other hits by number; self is what the reply was
// about. A licence that self, a category, requires is left out: the card
// names it already; so is a hit scoring below relatedShare of the best. It
// is empty when there is nothing else.
func relatedList(hits []knowledge.Hit, self any) string {
	var b lines
	for i, h := range hits {
		if h.Category != nil && h.Category == self || h.Licence != nil && h.Licence == self || h.Topic != nil && h.Topic == self || h.FAQ != nil && h.FAQ == self {
			continue
		}
		// An FAQ and its topic are one answer.
		if q, ok := self.(*knowledge.FAQ); ok && (h.Topic != nil && h.Topic == q.Topic || h.FAQ != nil && h.FAQ.Topic != nil && h.FAQ.Topic == q.Topic) {
			continue
		}
		if c, ok := self.(*knowledge.Category); ok && h.Licence != nil && requires(c, h.Licence) {
			continue
		}
		// A hit far below the best is noise; one an FAQ names has no score.
		if h.Score > 0 && h.Score < hits[0].Score*tuning.relatedShare {
			continue
		}
		b.add(choiceLine(i+1, h.Title(), string(h.Kind)))
	}
	if len(b) == 0 {
		return ""
	}
	return relatedHead + "\n" + b.String()
}

// requires reports whether a requirement of c names l.
func requires(c *knowledge.Category, l *knowledge.Licence) bool {
	for _, g := range c.Requirements {
		for _, it := range g.Items {
			if slices.Contains(it.Licences, l) {
				return true
			}
		}
	}
	return false
}

// citation is the one line that cites WeChat's own category table, with
// the date of the newest source the facts were copied from; individual
// points at the table for individual subjects.
func citation(ss []knowledge.Source, individual bool) string {
	anchor := anchorNonIndividual
	if individual {
		anchor = anchorIndividual
	}
	date := ""
	for _, s := range ss {
		if s.Date > date {
			date = s.Date
		}
	}
	if date == "" {
		return fmt.Sprintf(citeOfficialNoDate, officialTable+anchor)
	}
	return fmt.Sprintf(citeOfficial, officialTable+anchor, date)
}

// withHint ends a lead with how to ask for the rest.
func withHint(lead string) string { return lead + "\n" + replyMore }

// firstSentence is the first sentence of text, cut to max runes.
func firstSentence(text string, max int) string {
	text = strings.TrimSpace(text)
	if text == "" {
		return ""
	}
	rs := []rune(text)
	for i, r := range rs {
		if strings.ContainsRune("。；！？\n", r) {
			rs = rs[:i+1]
			break
		}
	}
	if rs[len(rs)-1] == '\n' {
		rs = rs[:len(rs)-1]
	}
	if len(rs) > max {
		return string(rs[:max-1]) + ellipsis
	}
	return string(rs)
}

// opening is as many of text's first lines as fit in max runes; the last
// is cut after a sentence where it can. A line that only introduces the
// next ("三样东西别混：") is never the last.
func opening(text string, max int) string {
	var b lines
	for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			if len(b) > 0 && !strings.HasSuffix(b[len(b)-1], "：") {
				break
			}
			continue
		}
		left := max - runes(b.String()) - 1
		if runes(l) <= left {
			b.add(l)
			continue
		}
		if s := cutSentence(l, left); s != "" {
			b.add(s)
		}
		break
	}
	for len(b) > 1 && strings.HasSuffix(b[len(b)-1], "：") {
		b = b[:len(b)-1]
	}
	return b.String()
}

// cutSentence is as much of l as fits in max runes, cut after a sentence,
// or "" when not even one sentence of a reasonable length fits.
func cutSentence(l string, max int) string {
	rs := []rune(l)
	cut := -1
	for i, r := range rs[:min(len(rs), max)] {
		if strings.ContainsRune("。；！？", r) {
			cut = i
		}
	}
	if cut < 0 {
		if max < tuning.itemRunes {
			return ""
		}
		return string(rs[:max-1]) + ellipsis
	}
	return string(rs[:cut+1])
}

func runes(s string) int { return utf8.RuneCountInString(s) }
