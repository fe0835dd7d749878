package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/qualbot/qualbot/bot"
)

// cmdChat is the terminal transport: the same handler chain as the WeChat
// bot, one message per line, with the local user as the bot's owner (an
// admin). Curators use it to try an edit: change the YAML, type /reindex,
// ask again. The unanswered-question log is off unless --unanswered is given.
func cmdChat(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	cfg.UnansweredLog = ""
	cfg.LogLevel = "warn" // one line per message would interleave with the chat
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: qualbot chat [--kb DIR] [flags]\n\nChat with the bot in this terminal. You are an admin here:\n/reindex reloads DIR (or the embedded knowledge base), /stats shows counters.\n\nflags:")
		fs.PrintDefaults()
	}
	cfg.addFlags(fs)
	if err := parseSettings(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("chat: unexpected arguments %q", fs.Args())
	}
	log, err := newLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return fmt.Errorf("chat: %w", err)
	}
	a, err := wire(cfg, log)
	if err != nil {
		return fmt.Errorf("chat: %w", err)
	}
	defer a.Index.Close()
	m, stopOps, err := startOps(ctx, cfg, a, log)
	if err != nil {
		return fmt.Errorf("chat: %w", err)
	}
	defer stopOps()
	m.setLoggedIn(true) // the terminal is always connected

	kb := a.Index.Base()
	st := kb.Stats()
	from := "the embedded knowledge base"
	reload := "/reindex reloads it; start with --kb DIR to try edits"
	if cfg.KnowledgeDir != "" {
		from = cfg.KnowledgeDir
		reload = "edit the YAML there and type /reindex"
	}
	fmt.Fprintf(stdout, "qualbot chat: %s (%d categories, %d licences, %d topics).\n", from, st.TotalCategories(), st.Licences, st.Topics)
	fmt.Fprintf(stdout, "You are an admin here: %s; /stats shows counters; 帮助 shows what to ask. Ctrl-D quits.\n\n", reload)

	prompt := isTerminal(stdin)
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		s := bufio.NewScanner(stdin)
		s.Buffer(make([]byte, 64*1024), 1024*1024)
		for s.Scan() {
			select {
			case lines <- s.Text():
			case <-ctx.Done():
				return
			}
		}
		readErr <- s.Err()
	}()
	out := termReplier{w: stdout}
	for n := 1; ; n++ {
		if prompt {
			fmt.Fprint(stdout, "> ")
		}
		var line string
		select {
		case <-ctx.Done():
			return nil
		case err := <-readErr:
			if err != nil {
				return fmt.Errorf("chat: read: %w", err)
			}
			return nil
		case line = <-lines:
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		m := bot.Message{
			ID:         strconv.Itoa(n),
			Chat:       "terminal",
			Sender:     "local",
			SenderName: "local",
			Owner:      true,
			Text:       line,
			Time:       time.Now(),
		}
		if err := a.Handler(ctx, out, m); err != nil {
			log.ErrorContext(ctx, "chat: handle message", "err", err)
		}
	}
}

// termReplier is the terminal transport's Replier: each reply part is
// printed followed by a blank line.
type termReplier struct{ w io.Writer }

var _ bot.Replier = termReplier{}

func (r termReplier) Reply(_ context.Context, text string) error {
	_, err := fmt.Fprintf(r.w, "%s\n\n", text)
	return err
}

// isTerminal reports whether r is an interactive terminal, where a prompt helps.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
