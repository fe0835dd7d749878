package bot

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"
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
	// KindDecline is the fixed decline: nothing confident was found.
	KindDecline ReplyKind = "decline"
	// KindHelp explains what to ask.
	KindHelp ReplyKind = "help"
	// KindThanks answers a thank-you.
	KindThanks ReplyKind = "thanks"
)

// A Reply is what the bot says to one message: one or more parts, each sent
// as its own chat message and each short enough for one phone screen.
type Reply struct {
	Kind  ReplyKind
	Parts []string
	// Choices are the hits a KindChoices reply lists, in order.
	Choices []knowledge.Hit
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
	ask := res.Ask
	switch ask.Kind {
	case knowledge.AskHelp:
		return a.finish(Reply{Kind: KindHelp}, helpText(a.Prefix), res.Traditional), res, nil
	case knowledge.AskThanks:
		return a.finish(Reply{Kind: KindThanks}, replyThanks, res.Traditional), res, nil
	case knowledge.AskOtherPlatform:
		return a.finish(Reply{Kind: KindDecline}, replyOtherPlatform, res.Traditional), res, nil
	case knowledge.AskLicenceCategories:
		if ask.Licence != nil {
			return a.finish(Reply{Kind: KindAnswer}, renderLicence(ask.Licence), res.Traditional), res, nil
		}
	case knowledge.AskHave:
		if ask.Category != nil {
			ck := ask.Category.Check(ask.Have)
			return a.finish(Reply{Kind: KindCheck}, renderCheck(ck, ask.HaveOther), res.Traditional), res, nil
		}
	case knowledge.AskGroup:
		if len(res.Hits) > 0 {
			return a.finish(Reply{Kind: KindChoices, Choices: res.Hits}, renderGroup(ask.Group, res.Hits), res.Traditional), res, nil
		}
	}
	if len(res.Hits) == 0 || res.Decision == knowledge.None || res.Decision == "" {
		return a.finish(Reply{Kind: KindDecline}, replyDecline, res.Traditional), res, nil
	}
	// The index offers the choices (one policy, the same `ask --json` shows).
	if res.Decision == knowledge.Ambiguous && len(res.Hits) > 1 {
		return a.finish(Reply{Kind: KindChoices, Choices: res.Hits}, renderChoices(res.Hits), res.Traditional), res, nil
	}
	return a.finish(Reply{Kind: KindAnswer}, renderHit(res.Hits[0]), res.Traditional), res, nil
}

// finish converts text to Traditional when asked and splits it into parts.
func (a *Answerer) finish(r Reply, text string, trad bool) Reply {
	if trad && a.ToTraditional != nil {
		text = convertOutsideVerbatim(text, a.ToTraditional)
		r.Traditional = true
	}
	r.Parts = split(text, a.maxRunes())
	return r
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
// from the list of choices this sender saw last in this chat; anything else
// is a question for Answer. Declined questions are counted and logged for
// curators; a failure to log never stops the reply.
func (a *Answerer) Handle(ctx context.Context, r Replier, m Message) error {
	key := followKey(m)
	if n, ok := choiceNumber(m.Text); ok && a.FollowUps != nil {
		p, ok := a.FollowUps.Get(key, m.Time)
		switch {
		case !ok:
			noteReply(ctx, KindChoices, nil)
			return Send(ctx, r, a.finish(Reply{Kind: KindChoices}, replyNoChoices, false).Parts)
		case n < 1 || n > len(p.Hits):
			noteReply(ctx, KindChoices, nil)
			return Send(ctx, r, a.finish(Reply{Kind: KindChoices}, fmt.Sprintf(replyBadChoice, len(p.Hits)), p.Traditional).Parts)
		}
		a.Stats.answered()
		noteReply(ctx, KindAnswer, p.Hits[n-1:n])
		return Send(ctx, r, a.finish(Reply{Kind: KindAnswer}, renderHit(p.Hits[n-1]), p.Traditional).Parts)
	}
	rep, res, err := a.Answer(ctx, m.Text)
	if err != nil {
		return err
	}
	noteReply(ctx, rep.Kind, res.Hits)
	if a.FollowUps != nil {
		if rep.Kind == KindChoices {
			a.FollowUps.Put(key, Pending{Hits: rep.Choices, Traditional: rep.Traditional}, m.Time)
		} else if rep.Kind != KindHelp && rep.Kind != KindThanks {
			a.FollowUps.Delete(key)
		}
	}
	a.Account(ctx, m, rep, res)
	return Send(ctx, r, rep.Parts)
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
