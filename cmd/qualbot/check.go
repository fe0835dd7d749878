package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/knowledge"
)

// staleAfter is how old an entry's newest source may get before check warns.
const staleAfter = 18 // months

// cmdCheck validates a knowledge directory and prints what it holds.
func cmdCheck(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return check(args, stdout, stderr, time.Now())
}

// check is cmdCheck with the clock as a parameter, so tests are deterministic.
func check(args []string, stdout, stderr io.Writer, now time.Time) error {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dir := fl.String("kb", "", "`directory` of knowledge *.yaml files (default: the embedded knowledge base)")
	against := fl.String("against", "", "`directory` of the knowledge base being served, to list what --kb adds, removes and changes (default: the embedded knowledge base)")
	fl.Usage = func() {
		fmt.Fprintf(stderr, "usage: qualbot check [--kb DIR] [--against DIR]\n\nValidate a knowledge base and print its counts. Every problem is listed as file:line: message.\nWith --kb, it lists what the directory adds, removes and changes against --against.\nWarnings (exit status 0): entries whose newest source is old, and content problems\n(%s, %s, %s, %s).\n\nflags:\n",
			knowledge.LintRequiredButOption, knowledge.LintIndividualOnlySynonym, knowledge.LintEvalSource, knowledge.LintUnlabelledThirdParty)
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return exitError{2, fmt.Errorf("check: %w", err)}
	}
	if fl.NArg() > 0 {
		fl.Usage()
		return exitError{2, fmt.Errorf("check: unexpected argument %q", fl.Arg(0))}
	}
	name, where := *dir, *dir
	if name == "" {
		// The shipped files live here in the source tree, where curators edit them.
		name, where = "内置知识库", "knowledge/data"
	}
	at := func(file string) string { return filepath.Join(where, filepath.FromSlash(file)) }
	kb, err := loadKB(*dir)
	if err != nil {
		var le *knowledge.LoadError
		if !errors.As(err, &le) {
			return exitError{1, fmt.Errorf("check: %w", err)}
		}
		n := 0
		for _, e := range unjoin(err) {
			if errors.As(e, &le) {
				e = &knowledge.LoadError{Pos: knowledge.Pos{File: at(le.File), Line: le.Line}, Err: le.Err}
			}
			fmt.Fprintln(stderr, e)
			n++
		}
		return exitError{1, fmt.Errorf("check: %s: %d problems", name, n)}
	}
	s := kb.Stats()
	fmt.Fprintf(stdout, "知识库：%s（版本 %s）\n", name, kb.Version)
	fmt.Fprintf(stdout, "类目：%d（%d 个一级类目）\n", s.TotalCategories(), len(s.Categories))
	for _, c := range s.Categories {
		fmt.Fprintf(stdout, "  %s：%d\n", c.Name, c.N)
	}
	fmt.Fprintf(stdout, "资质：%d\n", s.Licences)
	fmt.Fprintf(stdout, "流程：%d\n", s.Topics)
	fmt.Fprintf(stdout, "同义词：%d\n", s.Synonyms)
	fmt.Fprintf(stdout, "词典词：%d\n", s.Words)
	fmt.Fprintf(stdout, "意图规则：%d（%d 个词表）\n", s.Intents, s.Sets)

	if *dir != "" || *against != "" {
		// What a /reindex would change: entries removed by a deleted or
		// truncated file show up here by name, not only in a count.
		served, err := loadKB(*against)
		if err != nil {
			return exitError{1, fmt.Errorf("check: --against: %w", err)}
		}
		base := *against
		if base == "" {
			base = "内置知识库"
		}
		fmt.Fprintf(stdout, "\n对比：%s\n%s\n", base, bot.ChangesText(knowledge.Diff(served, kb)))
	}

	cutoff := now.AddDate(0, -staleAfter, 0)
	if stale := kb.Stale(cutoff); len(stale) > 0 {
		fmt.Fprintf(stdout, "\n警告：%d 个条目的最新来源早于 %s（超过 %d 个月），请核对后更新来源：\n",
			len(stale), cutoff.Format(time.DateOnly), staleAfter)
		for _, e := range stale {
			fmt.Fprintf(stdout, "%s:%d: %s %s 最新来源 %s\n", at(e.Pos.File), e.Pos.Line, kindName[e.Kind], e.ID, e.Newest.Format(time.DateOnly))
		}
	}

	if found := knowledge.Lint(kb); len(found) > 0 {
		fmt.Fprintf(stdout, "\n警告：%d 处内容与资质要求或来源规则不符，请修改：\n", len(found))
		for _, f := range found {
			fmt.Fprintf(stdout, "%s:%d: %s: %s\n", at(f.Pos.File), f.Pos.Line, f.Class, f.Message)
		}
	}
	return nil
}

var kindName = map[knowledge.Kind]string{
	knowledge.KindCategory: "类目",
	knowledge.KindLicence:  "资质",
	knowledge.KindTopic:    "流程",
}

// unjoin returns the errors joined in err, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// exitError is an error that asks main for a particular exit status.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }
func (e exitError) ExitCode() int { return e.code }

var _ exitCoder = exitError{}
