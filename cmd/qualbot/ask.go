package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

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
	fs.StringVar(&cfg.KnowledgeDir, "kb", "", "`directory` of knowledge yaml files (default: the embedded knowledge base)")
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
	defer a.Close()

	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	first := true
	answer := func(q string) error {
		if *asJSON {
			ex, _, _, err := a.Answerer.Explain(ctx, q, *top)
			if err != nil {
				return fmt.Errorf("ask: %w", err)
			}
			return enc.Encode(ex)
		}
		rep, _, err := a.Answerer.Answer(ctx, q)
		if err != nil {
			return fmt.Errorf("ask: %w", err)
		}
		if !first {
			fmt.Fprintln(stdout)
		}
		first = false
		_, err = fmt.Fprintln(stdout, rep.Text())
		return err
	}

	if fs.NArg() > 0 {
		for _, q := range fs.Args() {
			if err := answer(q); err != nil {
				return err
			}
		}
		return nil
	}
	sc := newLineScanner(stdin, maxLineBytes)
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
