package wechat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eatmoreapple/openwechat"

	"github.com/qualbot/qualbot/bot"
)

// Config configures the WeChat connection. The zero value of every field
// but LoginFile means its default.
type Config struct {
	// LoginFile is the hot-login file: the saved session that lets a
	// restart skip the QR code. It is created with mode 0600 and kept on
	// shutdown.
	LoginFile string
	// SendInterval is the least time between two sent messages.
	SendInterval time.Duration
	// SendJitter is the most random time added to SendInterval.
	SendJitter time.Duration
	// MaxReplyRunes is the longest message sent; longer replies are split.
	MaxReplyRunes int
	// QueueSize bounds the messages waiting to be handled and the messages
	// waiting to be sent; beyond it new ones are dropped and logged.
	QueueSize int
	// LoginAttempts is how many QR codes are shown before giving up.
	LoginAttempts int
	// DrainTimeout bounds how long shutdown waits for queued replies.
	DrainTimeout time.Duration
	// RetryBackoff is the first wait after a polling or login error; it
	// doubles with each further error in a row, up to a minute, plus jitter.
	RetryBackoff time.Duration
	// Out receives the QR code and the login status lines (the operator's
	// terminal). Nil discards them.
	Out io.Writer
	// Log receives operational logs. Nil discards them.
	Log *slog.Logger
	// Transport carries the HTTP requests to WeChat. Nil means
	// http.DefaultTransport (which honours HTTPS_PROXY).
	Transport http.RoundTripper
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// LoginState, when set, is told true when a session is up and false
	// when it is lost or Run returns (for metrics and health checks).
	LoginState func(loggedIn bool)
	// QueueDepth, when set, is told the number of messages waiting in the
	// send queue whenever it changes.
	QueueDepth func(n int)
}

// Defaults for Config's zero fields.
const (
	DefaultSendInterval  = 2 * time.Second
	DefaultSendJitter    = time.Second
	DefaultMaxReplyRunes = 1500
	DefaultQueueSize     = 100
	DefaultLoginAttempts = 3
	DefaultDrainTimeout  = 5 * time.Second
	DefaultRetryBackoff  = time.Second
)

// syncFailuresBeforeReconnect is how many polling errors in a row make the
// adapter drop the session and hot-login again.
const syncFailuresBeforeReconnect = 5

// On a synccheck retcode 1205 ("operate too often") the sends pause for
// busySendPause send intervals, and polling waits RetryBackoff, doubling
// with each further 1205 in a row at most busyMaxDoublings-1 times: the bot
// slows its sends down without going deaf for long.
const (
	busySendPause    = 15
	busyMaxDoublings = 3
)

// backoffMax caps the wait between retries.
const backoffMax = time.Minute

func (c Config) withDefaults() Config {
	if c.SendInterval == 0 {
		c.SendInterval = DefaultSendInterval
	}
	if c.SendJitter == 0 {
		c.SendJitter = DefaultSendJitter
	}
	if c.MaxReplyRunes == 0 {
		c.MaxReplyRunes = DefaultMaxReplyRunes
	}
	if c.QueueSize == 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.LoginAttempts == 0 {
		c.LoginAttempts = DefaultLoginAttempts
	}
	if c.DrainTimeout == 0 {
		c.DrainTimeout = DefaultDrainTimeout
	}
	if c.RetryBackoff == 0 {
		c.RetryBackoff = DefaultRetryBackoff
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Transport == nil {
		c.Transport = http.DefaultTransport
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.LoginState == nil {
		c.LoginState = func(bool) {}
	}
	if c.QueueDepth == nil {
		c.QueueDepth = func(int) {}
	}
	return c
}

// A LoggedOutError reports that WeChat ended the session (the account logged
// out on the phone, the session expired, or WeChat kicked it). Logging in
// again needs a new QR scan.
type LoggedOutError struct {
	Code      int // 1100, 1101 or 1102
	LoginFile string
}

func (e *LoggedOutError) Error() string {
	return fmt.Sprintf("wechat: logged out by WeChat (code %d: %s); run qualbot again to log in; "+
		"if no QR code appears, delete the login file %s", e.Code, openwechat.Ret(e.Code), e.LoginFile)
}

// ExitCode makes the process exit with status 3 after a logout.
func (e *LoggedOutError) ExitCode() int { return 3 }

// logoutCode returns the logout code in err, or 0.
func logoutCode(err error) int {
	var ret openwechat.Ret
	if errors.As(err, &ret) && (ret == 1100 || ret == 1101 || ret == 1102) {
		return int(ret)
	}
	return 0
}

// runner is the state that outlives one WeChat session: the handler worker,
// the send queue and the de-duplication sets.
type runner struct {
	cfg   Config
	h     bot.HandlerFunc
	log   *slog.Logger
	store *loginFile

	readyAt atomic.Int64 // unix seconds; messages created earlier are not answered
	ready   bool         // a session was established once (login goroutine only)
	seen    *bot.SeenIDs // incoming MsgIds
	sentIDs *bot.SeenIDs // MsgIds of our own sends
	echoes  *textLog     // texts sent to the file helper
	send    *sender
	sess    *session // the current session (Run goroutine only)

	jobs chan job
	stop chan struct{} // closed when shutdown begins: no new work
}

type job struct {
	m bot.Message
	r bot.Replier
}

// Run logs in to WeChat and hands every incoming text message to h until ctx
// ends, then lets queued replies go out (up to DrainTimeout) and returns nil.
// The login file is kept. Run returns a *LoggedOutError when WeChat ends the
// session, and an error when no login succeeds.
func Run(ctx context.Context, cfg Config, h bot.HandlerFunc) error {
	if cfg.LoginFile == "" {
		return errors.New("wechat: no login file configured")
	}
	cfg = cfg.withDefaults()
	r := &runner{
		cfg:     cfg,
		h:       h,
		log:     cfg.Log,
		store:   newLoginFile(cfg.LoginFile),
		seen:    bot.NewSeenIDs(10000),
		sentIDs: bot.NewSeenIDs(2000),
		echoes:  newTextLog(10*time.Minute, 200),
		jobs:    make(chan job, cfg.QueueSize),
		stop:    make(chan struct{}),
	}
	r.send = newSender(cfg.QueueSize, cfg.SendInterval, cfg.SendJitter, cfg.Log, r.sentIDs)
	r.send.depth = cfg.QueueDepth
	defer cfg.LoginState(false)

	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	drain := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	workerDone := make(chan struct{})
	go func() { defer wg.Done(); defer close(workerDone); r.work(workCtx) }()
	go func() { defer wg.Done(); r.send.run(workCtx, drain) }()

	err := r.serve(ctx)

	// Shut down: take no new messages, handle the queued ones, send the
	// queued replies, then stop polling. Everything queued was already
	// saved as synced in the login file, so it would not come back.
	deadline, cancelDeadline := context.WithTimeout(context.Background(), cfg.DrainTimeout)
	defer cancelDeadline()
	close(r.stop)
	select {
	case <-workerDone:
	case <-deadline.Done():
	}
	close(drain)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-deadline.Done():
		r.log.Warn("shutdown: queued replies dropped", "queued", r.send.waiting())
	}
	cancelWork()
	<-done
	r.closeSession()
	return err
}

// serve keeps a session up until ctx ends or WeChat logs the account out.
func (r *runner) serve(ctx context.Context) error {
	failures := 0
	for {
		s, err := r.login(ctx)
		if ctx.Err() != nil {
			if s != nil {
				r.sess = s
			}
			return nil
		}
		if err != nil {
			if errors.Is(err, errNoScan) || errors.Is(err, errRefused) {
				return err
			}
			failures++
			d := r.backoff(failures)
			r.log.Warn("login failed, retrying", "in", d.Round(time.Millisecond).String(), "err", err)
			if !sleep(ctx, d) {
				return nil
			}
			continue
		}
		failures = 0
		r.sess = s
		r.send.use(s.conn)
		r.cfg.LoginState(true)
		select {
		case <-ctx.Done():
			return nil
		case <-s.bot.Context().Done():
		}
		reason := s.bot.CrashReason()
		s.cancel()
		r.send.use(nil)
		r.cfg.LoginState(false)
		if code := logoutCode(reason); code != 0 {
			r.log.Error("logged out by WeChat", "code", code, "err", reason)
			return &LoggedOutError{Code: code, LoginFile: r.cfg.LoginFile}
		}
		fmt.Fprintln(r.cfg.Out, statusReconnect)
		r.log.Warn("session lost, reconnecting", "err", reason)
		if !sleep(ctx, jittered(r.cfg.RetryBackoff)) {
			return nil
		}
	}
}

// closeSession stops the polling of the current session. It cancels the
// bot's context rather than calling Bot.Exit, which would race with the
// polling goroutine.
func (r *runner) closeSession() {
	if r.sess != nil {
		r.sess.cancel()
	}
}

// work runs the handler, one message at a time, off the polling goroutine.
func (r *runner) work(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-r.jobs:
			r.handle(ctx, j)
		case <-r.stop:
			for {
				select {
				case j := <-r.jobs:
					r.handle(ctx, j)
				default:
					return
				}
			}
		}
	}
}

func (r *runner) handle(ctx context.Context, j job) {
	if err := r.h(ctx, j.r, j.m); err != nil {
		r.log.Error("handle message", "msg", j.m.ID, "group", j.m.InGroup, "err", err)
	}
}

// onMessage is openwechat's message callback, on the polling goroutine.
func (r *runner) onMessage(msg *openwechat.Message) {
	self := msg.Owner()
	if self == nil {
		return
	}
	if why := r.accept(msg, self.UserName); why != "" {
		r.log.Debug("message ignored", "msg", msg.MsgId, "why", why)
		return
	}
	m, to, ok := r.translate(msg, self)
	if !ok {
		return
	}
	rep := replier{s: r.send, to: to, max: r.cfg.MaxReplyRunes}
	if to == openwechat.FileHelper {
		rep.echo = r.echoes
	}
	select {
	case <-r.stop:
	case r.jobs <- job{m: m, r: rep}:
	default:
		r.log.Warn("handler queue full, message dropped", "msg", m.ID)
	}
}

// backoff returns the delay before retry number n (from 1): exponential from
// RetryBackoff, capped at backoffMax, with jitter.
func (r *runner) backoff(n int) time.Duration {
	d := r.cfg.RetryBackoff
	for i := 1; i < n && d < backoffMax; i++ {
		d *= 2
	}
	return jittered(min(d, backoffMax))
}

// jittered returns d plus up to half of d at random.
func jittered(d time.Duration) time.Duration {
	return d + rand.N(d/2+1)
}

// sleep waits for d and reports false when ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
