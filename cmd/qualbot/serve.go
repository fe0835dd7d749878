package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/httpapi"
)

// envAdminToken holds the token that admin actions of the HTTP API need.
const envAdminToken = "QUALBOT_ADMIN_TOKEN"

// addServeFlags binds the settings only qualbot serve has to fs.
func (c *Config) addServeFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.ServeAddr, "addr", c.ServeAddr, "listen on `[host]:port`; without a host, on 127.0.0.1 only")
	fs.StringVar(&c.AdminTokenFile, "admin-token-file", c.AdminTokenFile, "`file` holding the token admin actions (reload, the unanswered list) need; or set "+envAdminToken+" (default: admin actions off)")
	fs.Var((*bucketFlag)(&c.ClientLimit), "client-limit", "token bucket per client address over the API, `BURST:EVERY`; 0 turns it off")
}

// cmdServe serves the HTTP API and the curators' page with the same
// knowledge base, index, reindex and metrics as the chat bot.
func cmdServe(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: qualbot serve [--addr [HOST]:PORT] [--kb DIR] [flags]\n\n"+
			"Serve the JSON API under /v1/ and the curators' page at /. Without a host the\n"+
			"address is on 127.0.0.1 only. Reload and the unanswered list need the admin\n"+
			"token ("+envAdminToken+" or --admin-token-file) as \"Authorization: Bearer TOKEN\".\n\nflags:")
		fs.PrintDefaults()
	}
	cfg.addFlags(fs)
	cfg.addServeFlags(fs)
	if err := parseSettings(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("serve: unexpected arguments %q", fs.Args())
	}
	token, err := adminToken(cfg.AdminTokenFile)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	log, err := newLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	a, err := wire(cfg, log)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer a.Close()
	m := newMetrics(time.Now())
	stopOps, err := startOps(ctx, cfg, a, m, log)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer stopOps()
	m.setLoggedIn(true) // nothing to log in to

	srv := &httpapi.Server{
		Answerer:    a.Answerer,
		Base:        a.Index.Base,
		Admin:       a.Admin,
		Stats:       a.Stats,
		Unanswered:  a.Answerer.Unanswered,
		Token:       token,
		ClientLimit: cfg.ClientLimit,
		StaleMonths: staleAfter,
		Observers:   append([]bot.Observer{bot.LogEvents(log, cfg.LogText)}, a.Bot.Observers...),
		Log:         log,
	}
	ln, err := net.Listen("tcp", listenAddr(cfg.ServeAddr))
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10, // a long question in a GET URL gets the API's own 400
	}
	url := "http://" + ln.Addr().String() + "/"
	admin := "admin actions off (no token)"
	if token != "" {
		admin = "admin actions need the token"
	}
	fmt.Fprintf(stdout, "qualbot serve: %s (API under %sv1/, %s)\n", url, url, admin)
	log.Info("serving", "url", url, "version", a.Index.Base().Version)

	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// adminToken reads the admin token from file, else from the environment;
// "" means admin actions are off. A file that is given but empty is an
// error: an operator who meant to set a token must not get none.
func adminToken(file string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("admin token: %w", err)
		}
		t := strings.TrimSpace(string(b))
		if t == "" {
			return "", fmt.Errorf("admin token: %s is empty", file)
		}
		return t, nil
	}
	return strings.TrimSpace(os.Getenv(envAdminToken)), nil
}
