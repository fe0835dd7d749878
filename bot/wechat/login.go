package wechat

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/eatmoreapple/openwechat"
	"github.com/mdp/qrterminal/v3"
)

// errNoScan means the operator did not scan any of the QR codes shown.
var errNoScan = errors.New("wechat: login: no QR code was scanned in time")

// errRefused means WeChat answered a scan login with an error, such as
// 1203 "当前登录环境异常": the account may not use web or desktop WeChat.
// Retrying does not help.
var errRefused = errors.New("wechat: login refused by WeChat (accounts that are new or were restricted " +
	"may not log in to web or desktop WeChat; try another account)")

// session is one logged-in openwechat bot.
type session struct {
	bot    *openwechat.Bot
	cancel context.CancelFunc // stops its polling
	conn   *conn
}

// login establishes a session: a hot login from the login file when there
// is one, else (or when WeChat rejects it) a QR scan, retried when the QR
// code expires. A network error is returned for the caller to retry;
// errNoScan and errRefused are final.
func (r *runner) login(ctx context.Context) (*session, error) {
	out := r.cfg.Out
	ok, err := r.store.load()
	if err != nil {
		r.log.Warn("login file unusable, scanning instead", "err", err)
	}
	if ok {
		fmt.Fprintf(out, statusHotLogin+"\n", r.cfg.LoginFile)
		s, err := r.tryLogin(ctx, true)
		if err == nil || ctx.Err() != nil {
			return s, err
		}
		if openwechat.IsNetworkError(err) {
			return nil, fmt.Errorf("hot login: %w", err)
		}
		// The saved session is dead. A fresh bot scans; reusing this one
		// would keep the stale sync key (openwechat issue #430).
		r.log.Warn("hot login rejected, scanning instead", "err", err)
		fmt.Fprintln(out, statusHotFailed)
		r.store.reset()
	}
	for attempt := 1; attempt <= r.cfg.LoginAttempts; attempt++ {
		s, err := r.tryLogin(ctx, false)
		if err == nil || ctx.Err() != nil {
			return s, err
		}
		if openwechat.IsNetworkError(err) {
			return nil, fmt.Errorf("scan login: %w", err)
		}
		if !errors.Is(err, openwechat.ErrLoginTimeout) {
			return nil, fmt.Errorf("%w: %w", errRefused, err)
		}
		if attempt < r.cfg.LoginAttempts {
			fmt.Fprintln(out, statusExpired)
		}
	}
	return nil, errNoScan
}

// markReady sets the time before which messages are not answered, until the
// first session is up; reconnects keep it and rely on de-duplication.
func (r *runner) markReady() {
	if !r.ready {
		r.readyAt.Store(r.cfg.Now().Unix())
	}
}

// tryLogin builds an openwechat bot and logs it in once: from the login file
// when hot, else by QR scan.
func (r *runner) tryLogin(ctx context.Context, hot bool) (*session, error) {
	out := r.cfg.Out
	r.markReady()
	// The bot's context is not ctx: on shutdown the queued replies still go
	// out before polling stops. While logging in, ctx does cancel it.
	botCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	detach := context.AfterFunc(ctx, cancel)

	// Not openwechat.DefaultBot: it opens a browser for the QR code.
	b := openwechat.NewBot(botCtx)
	openwechat.Desktop.Prepare(b)
	b.Caller.Client.HTTPClient().Transport = transport{base: r.cfg.Transport}
	b.UUIDCallback = func(uuid string) {
		fmt.Fprintln(out, statusScan)
		qrterminal.GenerateHalfBlock("https://login.weixin.qq.com/l/"+uuid, qrterminal.L, out)
		fmt.Fprintf(out, statusQRURL+"\n", openwechat.GetQrcodeUrl(uuid))
	}
	b.ScanCallBack = func(openwechat.CheckLoginResponse) {
		fmt.Fprintln(out, statusScanned)
		r.markReady()
	}
	b.MessageHandler = r.onMessage
	// Both callbacks run on the polling goroutine.
	failures, busy := 0, 0 // polling errors in a row; 1205s in a row
	b.SyncCheckCallback = func(resp openwechat.SyncCheckResponse) {
		if resp.Success() {
			failures, busy = 0, 0
		}
	}
	b.MessageErrorHandler = func(err error) error {
		if logoutCode(err) != 0 || botCtx.Err() != nil {
			return err
		}
		var ret openwechat.Ret
		if errors.As(err, &ret) && ret == 1205 {
			// "Operate too often" is about what the account does, mostly
			// its sends: slow the sends down and keep listening, after a
			// short pause that grows while WeChat keeps saying it. It is
			// not a broken session, so it does not count towards a
			// reconnect.
			busy++
			r.send.slowDown(busySendPause * r.cfg.SendInterval)
			d := r.backoff(min(busy, busyMaxDoublings))
			r.log.Warn("WeChat says the account operates too often: sends slowed down", "poll_in", d.Round(time.Millisecond).String(), "times", busy)
			sleep(botCtx, d)
			return nil
		}
		busy = 0
		failures++
		if failures >= syncFailuresBeforeReconnect {
			return fmt.Errorf("polling failed %d times in a row: %w", failures, err)
		}
		d := r.backoff(failures)
		r.log.Warn("polling failed, backing off", "in", d.Round(time.Millisecond).String(), "failures", failures, "err", err)
		sleep(botCtx, d)
		return nil
	}

	var err error
	if hot {
		err = b.HotLogin(r.store)
	} else {
		// The store was reset, so HotLogin finds no session and scans;
		// unlike Login, it then saves the session to the store.
		err = b.HotLogin(r.store, openwechat.NewRetryLoginOption())
	}
	if err != nil {
		detach()
		cancel()
		return nil, err
	}
	if !detach() {
		// ctx ended during the login; the bot is already cancelled.
		return nil, ctx.Err()
	}
	// Storage.Response, LoginInfo and Request were set by the login and are
	// not written again; reading them here does not race with polling.
	me := b.Storage.Response.User
	fmt.Fprintf(out, statusLoggedIn+"\n", me.NickName)
	if !hot {
		fmt.Fprintf(out, statusSaved+"\n", r.cfg.LoginFile)
	}
	r.ready = true
	r.log.Info("logged in", "hot", hot)
	return &session{bot: b, cancel: cancel, conn: &conn{
		caller: b.Caller,
		info:   b.Storage.LoginInfo,
		req:    b.Storage.Request,
		self:   me.UserName,
	}}, nil
}
