package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/knowledge"
)

// askResult is one line of `qualbot ask --json`.
type askResult struct {
	Query    string `json:"query"`
	Answered bool   `json:"answered"`
	Clarify  bool   `json:"clarify"`
	// Kind is what the question asked (knowledge.AskKind; "" is a plain lookup).
	Kind knowledge.AskKind `json:"kind"`
	// Reply is the kind of reply: answer, check, choices, clarify, decline, help, thanks.
	ReplyKind bot.ReplyKind `json:"reply_kind"`
	Hits      []askHit      `json:"hits"`
	Reply     string        `json:"reply"`
	// Parts is how many messages the reply is in a direct message.
	Parts int `json:"parts"`
	// FirstChars is the length of the first message in characters (runes).
	FirstChars int `json:"first_chars"`
	// Details is what 「详情」 sends next; empty when there is nothing more.
	Details string `json:"details,omitempty"`
}

type askHit struct {
	Kind  knowledge.Kind `json:"kind"`
	ID    string         `json:"id"`
	Path  []string       `json:"path,omitempty"`
	Title string         `json:"title"`
	Score float64        `json:"score"`
}

// cmdAsk answers questions from the arguments, or one per line from stdin,
// with the same Answerer the bot uses, and prints each reply exactly as the
// bot would send it, or with --json one object per question.
func cmdAsk(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	cfg.UnansweredLog = "" // asking from the terminal is not a user's question
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per question")
	top := fs.Int("top", 3, "number of `hits` to print with --json")
	fs.StringVar(&cfg.KnowledgeDir, "kb", "", "directory of knowledge `yaml` files (default: the embedded knowledge base)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: qualbot ask [--json] [--top N] [--kb DIR] [QUESTION...]\n\nAnswer each QUESTION, or each line of stdin when there is none, with the reply\nthe bot would send.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *top < 0 {
		return fmt.Errorf("ask: --top must not be negative")
	}
	a, err := wire(cfg, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return fmt.Errorf("ask: %w", err)
	}
	defer a.Index.Close()

	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	first := true
	answer := func(q string) error {
		rep, res, err := a.Answerer.Answer(ctx, q)
		if err != nil {
			return fmt.Errorf("ask: %w", err)
		}
		if !*asJSON {
			if !first {
				fmt.Fprintln(stdout)
			}
			first = false
			_, err := fmt.Fprintln(stdout, rep.Text())
			return err
		}
		if rep.Kind != bot.KindHelp && len(res.Hits) < *top {
			// The bot searches for as many hits as it may list; --top may ask for more.
			if res, err = a.Index.Search(ctx, q, *top); err != nil {
				return fmt.Errorf("ask: %w", err)
			}
		}
		out := askResult{
			Query:      q,
			Answered:   rep.Kind == bot.KindAnswer || rep.Kind == bot.KindCheck,
			Clarify:    rep.Kind == bot.KindChoices,
			Kind:       rep.Ask,
			ReplyKind:  rep.Kind,
			Hits:       []askHit{},
			Reply:      rep.Text(),
			Parts:      len(rep.Parts),
			FirstChars: utf8.RuneCountInString(rep.Parts[0]),
			Details:    rep.Details,
		}
		for i, h := range res.Hits {
			if i == *top {
				break
			}
			ah := askHit{Kind: h.Kind, ID: h.ID(), Title: h.Title(), Score: math.Round(h.Score*1e4) / 1e4}
			if h.Kind == knowledge.KindCategory {
				ah.Path = h.Category.Path
			}
			out.Hits = append(out.Hits, ah)
		}
		return enc.Encode(out)
	}

	if fs.NArg() > 0 {
		for _, q := range fs.Args() {
			if err := answer(q); err != nil {
				return err
			}
		}
		return nil
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		q := strings.TrimSpace(sc.Text())
		if q == "" {
			continue
		}
		if err := answer(q); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("ask: read questions: %w", err)
	}
	return nil
}
