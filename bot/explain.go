package bot

import (
	"context"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/qualbot/qualbot/knowledge"
)

// An Explanation is one question answered, with why: the reply exactly as
// a chat would show it, the search hits with their scores, what the index
// understood the question to ask, and its decision. It is one line of
// `qualbot ask --json`, the body of the HTTP API's /v1/ask and what the
// curator page shows, so all three say the same.
type Explanation struct {
	Query    string `json:"query"`
	Answered bool   `json:"answered"`
	Clarify  bool   `json:"clarify"`
	// Kind is what the index understood the question to ask ("" is a plain lookup).
	Kind knowledge.AskKind `json:"kind"`
	// Rule is the intents rule that decided Kind, "file:line".
	Rule string `json:"rule,omitempty"`
	// ReplyKind is the kind of reply: answer, check, choices, clarify, decline, help, thanks.
	ReplyKind ReplyKind `json:"reply_kind"`
	// Decision is the search's confidence: confident, ambiguous or none;
	// empty for help and thanks, which are not searched.
	Decision knowledge.Decision `json:"decision,omitempty"`
	Hits     []ExplainedHit     `json:"hits"`
	// Reply is the whole reply.
	Reply string `json:"reply"`
	// Parts is how many chat messages the reply is sent as, and FirstChars
	// the length of the first in characters.
	Parts      int `json:"parts"`
	FirstChars int `json:"first_chars"`
	// Messages are the chat messages themselves, as WeChat shows them.
	Messages []string `json:"messages"`
	// Details are what 「详情」 sends next; empty when there is nothing more.
	Details string `json:"details,omitempty"`
	// Version is the knowledge base the answer comes from.
	Version string `json:"version,omitempty"`
}

// An ExplainedHit is one search hit of an Explanation.
type ExplainedHit struct {
	Kind  knowledge.Kind `json:"kind"`
	ID    string         `json:"id"`
	Path  []string       `json:"path,omitempty"`
	Title string         `json:"title"`
	Score float64        `json:"score"`
}

// Explain answers question as [Answerer.Answer] does, without any
// conversation state and without counting or logging it, and lists up to
// top hits (a second search asks for more when top exceeds what the bot
// searches for).
func (a *Answerer) Explain(ctx context.Context, question string, top int) (Explanation, Reply, knowledge.Result, error) {
	rep, res, err := a.Answer(ctx, question)
	if err != nil {
		return Explanation{}, rep, res, err
	}
	hits := res.Hits
	if rep.Kind != KindHelp && rep.Kind != KindThanks && len(hits) < top {
		more, err := a.Searcher.Search(ctx, question, top)
		if err != nil {
			return Explanation{}, rep, res, fmt.Errorf("bot: explain %q: %w", question, err)
		}
		hits = more.Hits
	}
	ex := Explanation{
		Query:     question,
		Answered:  rep.Kind == KindAnswer || rep.Kind == KindCheck,
		Clarify:   rep.Kind == KindChoices,
		Kind:      res.Ask.Kind,
		Rule:      res.Ask.Rule,
		ReplyKind: rep.Kind,
		Decision:  res.Decision,
		Hits:      []ExplainedHit{},
		Reply:     rep.Text(),
		Parts:     len(rep.Parts),
		Messages:  rep.Parts,
		Details:   rep.Details,
	}
	if len(rep.Parts) > 0 {
		ex.FirstChars = utf8.RuneCountInString(rep.Parts[0])
	}
	if res.Base != nil {
		ex.Version = res.Base.Version
	}
	for i, h := range hits {
		if i == top {
			break
		}
		eh := ExplainedHit{Kind: h.Kind, ID: h.ID(), Title: h.Title(), Score: math.Round(h.Score*1e4) / 1e4}
		if h.Kind == knowledge.KindCategory {
			eh.Path = h.Category.Path
		}
		ex.Hits = append(ex.Hits, eh)
	}
	return ex, rep, res, nil
}

// Detail is the reply the bot sends about one category, licence or topic:
// what a user who picked it from a list gets, its details included.
func (a *Answerer) Detail(h knowledge.Hit) Reply {
	c := composeHit(knowledge.AskLookup, h, nil)
	r := a.finish(Reply{Kind: KindAnswer}, c.lead, false)
	r.Details = c.details
	return r
}

// Account does what a channel does after a reply was sent for a question
// that came in as m: count it, and record a question the knowledge base
// could not answer (rep.Declined; not one out of scope) for the curators. A
// failure to record is logged, never returned.
func (a *Answerer) Account(ctx context.Context, m Message, rep Reply, res knowledge.Result) {
	switch {
	case rep.Declined:
		a.Stats.declined(m.Text)
		if a.Unanswered != nil {
			if err := a.Unanswered.Record(m, m.Text); err != nil && a.Log != nil {
				a.Log.WarnContext(ctx, "record unanswered question", "err", err)
			}
		}
	case rep.Kind == KindAnswer || rep.Kind == KindCheck || rep.Kind == KindChoices:
		a.Stats.answered()
	}
}
