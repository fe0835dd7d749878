package bot

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/qualbot/qualbot/knowledge"
)

// A ReplyKind says what a Reply does for the user.
type ReplyKind string

// The kinds of reply.
const (
	// KindAnswer answers with one category, licence or topic.
	KindAnswer ReplyKind = "answer"
	// KindCheck compares what the user has with what a category needs.
	KindCheck ReplyKind = "check"
	// KindChoices lists several close hits to pick by number.
	KindChoices ReplyKind = "choices"
	// KindDecline is the fixed decline: nothing confident was found, or
	// the question is out of scope.
	KindDecline ReplyKind = "decline"
	// KindClarify asks back: what does the mini-program do?
	KindClarify ReplyKind = "clarify"
	// KindDetails sends the rest of the last answer.
	KindDetails ReplyKind = "details"
	// KindHelp explains what to ask.
	KindHelp ReplyKind = "help"
	// KindThanks answers a thank-you.
	KindThanks ReplyKind = "thanks"
)

// A Reply is what the bot says to one message: one or more parts, each sent
// as its own chat message and each short enough for one phone screen.
type Reply struct {
	Kind ReplyKind
	// Ask is what the question asked, as the index understood it.
	Ask knowledge.AskKind
	// Parts are the messages to send: the lead first.
	Parts []string
	// Details are the rest (the whole card, every note, the source), sent
	// when the asker replies 「详情」; empty when there is nothing more.
	Details string
	// Choices are the hits a number picks from after this reply: the list
	// of a KindChoices reply, or the hits related to an answer.
	Choices []knowledge.Hit
	// Declined reports a question the knowledge base could not answer, for
	// the curators' log.
	Declined bool
	// Traditional reports that the reply was written in Traditional characters.
	Traditional bool
}

// Text is the whole reply as one string: its parts joined by blank lines.
// It is what `qualbot ask` prints.
func (r Reply) Text() string { return strings.Join(r.Parts, "\n\n") }

// DefaultMaxRunes is the length of one phone screen of chat text, in runes.
const DefaultMaxRunes = 360

// DefaultChoices is how many hits a search asks for, and so how many close
// hits a list of choices shows at most.
const DefaultChoices = 5

// An Answerer turns questions into replies. Answer is its pure part (a
// question in, a Reply out) and is what `qualbot ask` prints; Handle adds
// what needs a conversation: numbered follow-ups, counters, and the
// unanswered-question log.
type Answerer struct {
	// Searcher finds what answers a question. Required.
	Searcher knowledge.Searcher
	// ToTraditional converts Simplified text to Traditional, for replies to
	// questions written in Traditional. Nil leaves replies Simplified.
	ToTraditional func(string) string
	// Prefix is the group trigger prefix, named in the help text.
	Prefix string
	// MaxRunes is the length of one reply part; 0 means DefaultMaxRunes.
	MaxRunes int
	// Choices is how many hits to ask for; 0 means DefaultChoices.
	Choices int
	// FollowUps keeps lists of choices per chat and sender. Nil disables
	// numbered follow-ups.
	FollowUps *FollowUps
	// Stats counts answered and declined questions. Nil counts nothing.
	Stats *Stats
	// Unanswered records declined questions for curators. Nil records nothing.
	Unanswered *UnansweredLog
	// Log receives operator diagnostics (a failed log write). Nil discards them.
	Log *slog.Logger
}

// Answer answers one question without any conversation state: help, one
// answer, a requirement check, a list of choices, or the fixed decline. The
// Result is the search behind it; what the question asks (res.Ask) was
// decided by the index, and the reply is built from it and from res.Base
// alone, so it never mixes two knowledge bases.
func (a *Answerer) Answer(ctx context.Context, question string) (Reply, knowledge.Result, error) {
	q := strings.TrimSpace(question)
	res, err := a.Searcher.Search(ctx, q, a.choices())
	if err != nil {
		return Reply{}, res, fmt.Errorf("bot: answer %q: %w", q, err)
	}
	switch res.Ask.Kind {
	case knowledge.AskHelp:
		return a.finish(Reply{Kind: KindHelp, Ask: res.Ask.Kind}, helpText(a.Prefix), res.Traditional), res, nil
	case knowledge.AskThanks:
		return a.finish(Reply{Kind: KindThanks, Ask: res.Ask.Kind}, replyThanks, res.Traditional), res, nil
	}
	c := compose(res)
	if c.kind == KindDecline && c.declined && a.Unanswered == nil {
		c.lead = replyDeclineUnlogged // nobody will read it: promise nothing
	}
	rep := a.finish(Reply{Kind: c.kind, Ask: res.Ask.Kind, Choices: c.related, Declined: c.declined}, c.lead, res.Traditional)
	rep.Details = a.convert(c.details, res.Traditional)
	return rep, res, nil
}

// finish converts text to Traditional when asked and splits it into parts.
func (a *Answerer) finish(r Reply, text string, trad bool) Reply {
	r.Traditional = trad && a.ToTraditional != nil
	r.Parts = split(a.convert(text, trad), a.maxRunes())
	return r
}

// convert converts text to Traditional when trad is set and a converter is.
func (a *Answerer) convert(text string, trad bool) string {
	if !trad || a.ToTraditional == nil || text == "" {
		return text
	}
	return convertOutsideVerbatim(text, a.ToTraditional)
}

// verbatimPattern finds what must reach the user unchanged in a Traditional
// reply: URLs, which may hold Chinese file names, and official document
// names in 《》, which are exact names to take to an office.
var verbatimPattern = regexp.MustCompile(`https?://[^\s（）()“”，。；、]+|《[^《》]*》`)

// convertOutsideVerbatim applies conv to text except where verbatimPattern matches.
func convertOutsideVerbatim(text string, conv func(string) string) string {
	var b strings.Builder
	last := 0
	for _, loc := range verbatimPattern.FindAllStringIndex(text, -1) {
		b.WriteString(conv(text[last:loc[0]]))
		b.WriteString(text[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(conv(text[last:]))
	return b.String()
}

func (a *Answerer) choices() int {
	if a.Choices > 0 {
		return a.Choices
	}
	return DefaultChoices
}

func (a *Answerer) maxRunes() int {
	if a.MaxRunes > 0 {
		return a.MaxRunes
	}
	return DefaultMaxRunes
}

// Handle is the HandlerFunc at the end of the chain. A bare number picks
// from the list this sender saw last in this chat (a list of choices, or
// the hits related to an answer); 「详情」 asks for the rest of the last
// answer; anything else is a question for Answer. In a group every reply is
// one message addressed to its asker. Declined questions are counted and
// logged for curators; a failure to log never stops the reply.
func (a *Answerer) Handle(ctx context.Context, r Replier, m Message) error {
	key := followKey(m)
	if a.FollowUps != nil {
		if n, ok := choiceNumber(m.Text); ok {
			return a.pick(ctx, r, m, n)
		}
		if isDetails(m.Text) {
			p, ok := a.FollowUps.Get(key, m.Time)
			if !ok || p.Details == "" {
				noteReply(ctx, KindDetails, nil)
				return a.send(ctx, r, m, a.finish(Reply{Kind: KindDetails}, replyNoDetails, false).Parts)
			}
			a.Stats.answered()
			noteReply(ctx, KindDetails, nil)
			return a.send(ctx, r, m, split(p.Details, a.maxRunes()))
		}
	}
	rep, res, err := a.Answer(ctx, m.Text)
	if err != nil {
		return err
	}
	noteReply(ctx, rep.Kind, res.Hits)
	if a.FollowUps != nil {
		switch {
		case len(rep.Choices) > 0 || rep.Details != "":
			a.FollowUps.Put(key, Pending{Hits: rep.Choices, Details: rep.Details, Traditional: rep.Traditional}, m.Time)
		case rep.Kind != KindHelp && rep.Kind != KindThanks:
			a.FollowUps.Delete(key)
		}
	}
	a.Account(ctx, m, rep, res)
	return a.send(ctx, r, m, rep.Parts)
}

// pick answers a bare number n: the nth hit of the list the sender saw last.
func (a *Answerer) pick(ctx context.Context, r Replier, m Message, n int) error {
	key := followKey(m)
	p, ok := a.FollowUps.Get(key, m.Time)
	switch {
	case !ok || len(p.Hits) == 0:
		noteReply(ctx, KindChoices, nil)
		return a.send(ctx, r, m, a.finish(Reply{Kind: KindChoices}, replyNoChoices, false).Parts)
	case n < 1 || n > len(p.Hits):
		noteReply(ctx, KindChoices, nil)
		return a.send(ctx, r, m, a.finish(Reply{Kind: KindChoices}, fmt.Sprintf(replyBadChoice, len(p.Hits)), p.Traditional).Parts)
	}
	c := composeHit(knowledge.AskLookup, p.Hits[n-1], p.Hits)
	// The list stays, so the sender can pick another; the details are now
	// those of the hit picked.
	a.FollowUps.Put(key, Pending{Hits: p.Hits, Details: a.convert(c.details, p.Traditional), Traditional: p.Traditional}, m.Time)
	a.Stats.answered()
	noteReply(ctx, KindAnswer, p.Hits[n-1:n])
	return a.send(ctx, r, m, a.finish(Reply{Kind: KindAnswer}, c.lead, p.Traditional).Parts)
}

// send sends the parts of a reply: as they are in a direct message, and in
// a group as one message that starts with "@asker", cut to one message's
// length.
func (a *Answerer) send(ctx context.Context, r Replier, m Message, parts []string) error {
	if !m.InGroup {
		return Send(ctx, r, parts)
	}
	return Send(ctx, r, []string{groupMessage(m.SenderName, parts)})
}

// groupMessage joins parts into one group message addressed to nick. The
// part marks go; text beyond tuning.groupRunes is cut at a line end.
func groupMessage(nick string, parts []string) string {
	var b lines
	for _, p := range parts {
		for _, l := range strings.Split(p, "\n") {
			if partMarkPattern.MatchString(l) {
				continue
			}
			b.add(l)
		}
	}
	text := b.String()
	if runes(text) > tuning.groupRunes {
		var kept lines
		for _, l := range b {
			if runes(kept.String())+runes(l)+runes(replyGroupCut)+1 > tuning.groupRunes {
				break
			}
			kept.add(l)
		}
		text = kept.String() + "\n" + replyGroupCut
	}
	if n := mentionName(nick); n != "" {
		text = fmt.Sprintf(groupMention, n) + text
	}
	return text
}

// partMarkPattern matches the line that numbers a part: "（1/3）".
var partMarkPattern = regexp.MustCompile(`^（\d+/\d+）$`)

// mentionName is a display name fit to follow "@": one line, no control
// characters, no "@", at most tuning.nickRunes runes.
func mentionName(nick string) string {
	rs := []rune(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '@' || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, nick))
	return string(rs[:min(len(rs), tuning.nickRunes)])
}

// bareText is a message without surrounding spaces and closing punctuation,
// lower-cased: what fixed words are compared with.
func bareText(text string) string {
	return strings.ToLower(strings.TrimRight(strings.TrimSpace(text), "!！。.~～ ?？"))
}

// isDetails reports whether text is only the details command, as replyMore
// writes it ("详情", "「详情」").
func isDetails(text string) bool {
	return slices.Contains(detailsCommand, strings.Trim(bareText(text), "「」“”\"'"))
}

// choiceNumber reports whether text only picks a number: "2", "２", "2.",
// "第2个", "二", "第三条".
func choiceNumber(text string) (int, bool) {
	t := strings.TrimSpace(text)
	t = strings.TrimRight(t, ".。、)）")
	t = strings.TrimPrefix(t, "第")
	t = strings.TrimRight(t, "个条项号")
	t = strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + (r - '０')
		}
		if i := strings.IndexRune(chineseDigits, r); i >= 0 && utf8.RuneCountInString(t) == 1 {
			return '0' + rune(utf8.RuneCountInString(chineseDigits[:i]))
		}
		return r
	}, t)
	if t == "" || len(t) > 2 {
		return 0, false
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// chineseDigits are the numerals a single-character pick may use.
const chineseDigits = "零一二三四五六七八九"

// followKey keys follow-up state by chat and sender, so two people in one
// group each pick from their own list.
func followKey(m Message) string { return m.Chat + "\x00" + m.Sender }

// now returns t, or the current time when t is zero (a transport that does
// not stamp messages).
func now(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}
