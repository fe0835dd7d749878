// Command qualbot answers questions about WeChat mini-program service
// categories and the qualifications they need.
//
// cmd is the outermost layer: it reads flags, files and the environment,
// wires the packages together, and runs them. It holds no business logic.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// shutdownSignals end qualbot gracefully: the messages already taken are
// handled and their replies sent (up to the drain timeout). SIGHUP is one of
// them, for a closed terminal or a supervisor's stop; it does not reload the
// knowledge base, which is /reindex's job, with its confirmation of removals.
var shutdownSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), shutdownSignals...)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "qualbot:", err)
		var ec exitCoder
		if errors.As(err, &ec) {
			os.Exit(ec.ExitCode())
		}
		os.Exit(1)
	}
}

// An exitCoder is an error that asks for a particular exit status.
type exitCoder interface{ ExitCode() int }

const usage = `usage: qualbot [command] [flags]

commands:
  run     connect to WeChat and answer questions (the default)
  chat    chat with the bot in this terminal; you are an admin here
  ask     answer questions from the arguments or stdin, one per line
  check   validate a knowledge directory and print its counts
  serve   serve the HTTP API and the curators' page
  mcp     serve the lookups as MCP tools over stdin and stdout

Run "qualbot COMMAND -h" for a command's flags.
`

// run is main without the process globals, so tests can call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "run"
	if len(args) > 0 && (args[0] == "" || args[0][0] != '-') {
		cmd, args = args[0], args[1:]
	} else if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		// The commands, then the settings of run, the default command.
		fmt.Fprint(stderr, usage+"\n")
		return cmdRun(ctx, []string{"-h"}, stdin, stdout, stderr)
	}
	switch cmd {
	case "run":
		return cmdRun(ctx, args, stdin, stdout, stderr)
	case "chat":
		return cmdChat(ctx, args, stdin, stdout, stderr)
	case "ask":
		return cmdAsk(ctx, args, stdin, stdout, stderr)
	case "check":
		return cmdCheck(ctx, args, stdin, stdout, stderr)
	case "serve":
		return cmdServe(ctx, args, stdin, stdout, stderr)
	case "mcp":
		return cmdMCP(ctx, args, stdin, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}
