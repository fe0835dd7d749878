package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/qualbot/qualbot/bot/mcp"
)

// cmdMCP serves the lookups as MCP tools over stdin and stdout, for an AI
// agent that starts qualbot as a subprocess. stdout carries the protocol
// only; logs go to stderr.
func cmdMCP(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	cfg.UnansweredLog = "" // an agent's lookups are not users' questions
	fs := flag.NewFlagSet("mcp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.KnowledgeDir, "kb", "", "`directory` of knowledge yaml files (default: the embedded knowledge base)")
	logLevel := fs.String("log-level", "warn", "least `level` logged to stderr: debug, info, warn or error")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: qualbot mcp [--kb DIR]\n\n"+
			"Serve the lookups as MCP tools (search, category_requirements, licence_categories,\n"+
			"check_missing, individual_categories) over stdin and stdout. An MCP client starts\n"+
			"it; see the README for how to add it to an agent.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("mcp: unexpected arguments %q", fs.Args())
	}
	log, err := newLogger(stderr, "text", *logLevel)
	if err != nil {
		return fmt.Errorf("mcp: %w", err)
	}
	a, err := wire(cfg, log)
	if err != nil {
		return fmt.Errorf("mcp: %w", err)
	}
	defer a.Close()
	tools := &mcp.Tools{Answerer: a.Answerer, Base: a.Index.Base, Version: programVersion()}
	t := &sdk.IOTransport{Reader: io.NopCloser(stdin), Writer: nopWriteCloser{stdout}}
	err = tools.Server().Run(ctx, t)
	if err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, io.EOF)) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("mcp: %w", err)
	}
	return nil
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// programVersion is the module version qualbot was built as, or "dev".
func programVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
