package main

import (
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
	if len(cfg.BotNames) == 0 {
		cfg.BotNames = []string{defaultChatName}
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
	defer a.Close()
	m := newMetrics(time.Now())
	stopOps, err := startOps(ctx, cfg, a, m, log)
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
	fmt.Fprintf(stdout, "You are an admin here: %s; /stats shows counters; 帮助 shows what to ask. Ctrl-D quits.\n", reload)
	fmt.Fprintf(stdout, "To try group and admin rules: :group NAME (then \"@%s …\" or \"%s …\" starts a question), :as REMARK (speak as another contact), :me, :dm.\n\n", cfg.BotNames[0], cfg.GroupPrefix)

	prompt := isTerminal(stdin)
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		s := newLineScanner(stdin, maxLineBytes)
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
	var who speaker
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
		if said, ok := who.command(line); ok {
			fmt.Fprintf(stdout, "(%s)\n\n", said)
			continue
		}
		m := who.message(line, cfg.BotNames)
		m.ID = strconv.Itoa(n)
		m.Time = time.Now()
		if err := a.Handler(ctx, out, m); err != nil {
			log.ErrorContext(ctx, "chat: handle message", "err", err)
		}
		// The terminal is one person typing: show a /reindex's result
		// before the next prompt.
		a.Admin.Wait()
	}
}

// defaultChatName is the bot's name for @-mentions in the terminal chat
// when --name gives none.
const defaultChatName = "资质助手"

// speaker is who the terminal user speaks as, and where: by default the
// bot's owner in a direct message. The terminal commands :group, :dm, :as
// and :me change it, so that group triggers and admin rules can be tried
// without WeChat. They are the transport's, not the bot's: the bot sees an
// ordinary Message.
type speaker struct {
	group  string // group name, or "" for a direct message
	remark string // the contact's remark name, or "" for the owner
}

// command applies a terminal command and says what changed; ok is false when
// line is not one.
func (s *speaker) command(line string) (said string, ok bool) {
	cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
	arg = strings.TrimSpace(arg)
	switch {
	case cmd == ":group" && arg != "":
		s.group = arg
	case cmd == ":dm":
		s.group = ""
	case cmd == ":as" && arg != "":
		s.remark = arg
	case cmd == ":me":
		s.remark = ""
	default:
		return "", false
	}
	where, who := "direct message", "the bot's owner (admin)"
	if s.group != "" {
		where = "group " + s.group
	}
	if s.remark != "" {
		who = "contact " + s.remark + " (admin only if listed in --admins)"
	}
	return "now: " + where + ", as " + who, true
}

// message is what WeChat would hand the bot for line.
func (s *speaker) message(line string, names []string) bot.Message {
	m := bot.Message{Chat: "terminal", Sender: "local", SenderName: "local", Owner: true, Text: line}
	if s.remark != "" {
		m.Sender, m.SenderName, m.Identity, m.Owner = "contact:"+s.remark, s.remark, s.remark, false
		m.Chat = m.Sender
	}
	if s.group != "" {
		m.InGroup, m.ChatName, m.Chat = true, s.group, "group:"+s.group
		_, m.Mentioned = bot.StripMention(line, names)
	}
	return m
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
