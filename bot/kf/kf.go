package kf

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/qualbot/qualbot/bot"
)

// Config configures the 微信客服 channel. CorpID, Secret, Token,
// EncodingAESKey, OpenKfID and StateFile are required; every other zero
// field means its default.
type Config struct {
	// CorpID is the 企业微信 organisation's corp id (企业ID).
	CorpID string
	// Secret is the secret of the self-built app allowed to call the 微信客服
	// API. The caller reads it from the environment or a file.
	Secret string
	// Token and EncodingAESKey are the callback settings (接收事件服务器).
	Token          string
	EncodingAESKey string
	// OpenKfID is the 客服账号 the bot answers for (wk…).
	OpenKfID string
	// Addr is where the callback server listens; Path is the callback's
	// path on it.
	Addr string
	Path string
	// Listener, when set, is used instead of listening on Addr.
	Listener net.Listener
	// BaseURL is the WeCom API, without a trailing slash.
	BaseURL string
	// StateFile keeps the sync cursor and the handled message ids.
	StateFile string
	// HTTPClient makes the API calls; nil means a client with a 15 s timeout.
	HTTPClient *http.Client
	// Log receives operational logs; nil discards them.
	Log *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxReplyBytes is the longest text one kf/send_msg carries.
	MaxReplyBytes int
	// Quota is how many messages may answer one user message, within
	// QuotaWindow of it.
	Quota       int
	QuotaWindow time.Duration
	// DrainTimeout bounds how long shutdown waits for the message being
	// answered.
	DrainTimeout time.Duration
}

// Defaults for Config's zero fields.
const (
	DefaultAddr          = ":8080"
	DefaultPath          = "/kf/callback"
	DefaultBaseURL       = "https://qyapi.weixin.qq.com"
	DefaultMaxReplyBytes = 2048 // kf/send_msg: text.content at most 2048 bytes
	DefaultQuota         = 5
	DefaultQuotaWindow   = 48 * time.Hour
	DefaultDrainTimeout  = 5 * time.Second
)

// maxCallbackBody bounds a callback's body.
const maxCallbackBody = 64 << 10

func (c Config) withDefaults() Config {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.Path == "" {
		c.Path = DefaultPath
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.MaxReplyBytes == 0 {
		c.MaxReplyBytes = DefaultMaxReplyBytes
	}
	if c.Quota == 0 {
		c.Quota = DefaultQuota
	}
	if c.QuotaWindow == 0 {
		c.QuotaWindow = DefaultQuotaWindow
	}
	if c.DrainTimeout == 0 {
		c.DrainTimeout = DefaultDrainTimeout
	}
	return c
}

// A Transport is the 微信客服 channel. It implements [bot.Transport].
type Transport struct {
	cfg    Config
	crypt  *msgCrypt
	api    *client
	log    *slog.Logger
	quotas *quotas

	wake    chan struct{} // a callback arrived: sync
	mu      sync.Mutex
	token   string    // the newest callback's sync token
	tokenAt time.Time // when it arrived
	addr    net.Addr
	ready   chan struct{} // closed once the server listens
}

var _ bot.Transport = (*Transport)(nil)

// New checks cfg and returns the channel. It contacts nothing.
func New(cfg Config) (*Transport, error) {
	var missing []string
	for _, f := range []struct{ name, v string }{
		{"CorpID", cfg.CorpID}, {"Secret", cfg.Secret}, {"Token", cfg.Token},
		{"EncodingAESKey", cfg.EncodingAESKey}, {"OpenKfID", cfg.OpenKfID}, {"StateFile", cfg.StateFile},
	} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("kf: missing settings: %s", strings.Join(missing, ", "))
	}
	cfg = cfg.withDefaults()
	if !strings.HasPrefix(cfg.Path, "/") {
		return nil, fmt.Errorf("kf: callback path %q must start with /", cfg.Path)
	}
	crypt, err := newMsgCrypt(cfg.Token, cfg.EncodingAESKey, cfg.CorpID)
	if err != nil {
		return nil, err
	}
	return &Transport{
		cfg:    cfg,
		crypt:  crypt,
		api:    &client{base: cfg.BaseURL, corpID: cfg.CorpID, secret: cfg.Secret, http: cfg.HTTPClient, now: cfg.Now},
		log:    cfg.Log,
		quotas: newQuotas(cfg.Quota, cfg.QuotaWindow),
		wake:   make(chan struct{}, 1),
		ready:  make(chan struct{}),
	}, nil
}

// Addr returns the callback server's address once it listens (nil before).
func (t *Transport) Addr() net.Addr {
	select {
	case <-t.ready:
		return t.addr
	default:
		return nil
	}
}

// Ready is closed once the callback server listens.
func (t *Transport) Ready() <-chan struct{} { return t.ready }

// Run serves the callback and answers messages with h until ctx ends; then
// it lets the message being answered finish (up to DrainTimeout) and
// returns nil. It returns an error when it cannot listen or read its state.
// Run is called once per Transport.
func (t *Transport) Run(ctx context.Context, h bot.HandlerFunc) error {
	st, err := openState(t.cfg.StateFile)
	if err != nil {
		return err
	}
	ln := t.cfg.Listener
	if ln == nil {
		ln, err = net.Listen("tcp", t.cfg.Addr)
		if err != nil {
			return fmt.Errorf("kf: listen: %w", err)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc(t.cfg.Path, t.serveCallback)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second}
	t.addr = ln.Addr()
	close(t.ready)
	t.log.Info("kf: callback server listening", "addr", ln.Addr().String(), "path", t.cfg.Path)

	srvErr := make(chan error, 1)
	go func() { srvErr <- srv.Serve(ln) }()

	// The worker's context outlives ctx by DrainTimeout, so that the
	// message being answered gets its reply.
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	workDone := make(chan struct{})
	go func() { defer close(workDone); t.work(ctx, workCtx, st, h) }()

	var runErr error
	select {
	case <-ctx.Done():
	case err := <-srvErr:
		runErr = fmt.Errorf("kf: callback server: %w", err)
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), t.cfg.DrainTimeout)
	defer cancel()
	_ = srv.Shutdown(shutCtx)
	select {
	case <-workDone:
	case <-shutCtx.Done():
		t.log.Warn("kf: shutdown: the message being answered was cut off")
	}
	cancelWork()
	<-workDone
	return runErr
}

// callbackEnvelope is the outer XML of a POSTed callback.
type callbackEnvelope struct {
	ToUserName string `xml:"ToUserName"`
	Encrypt    string `xml:"Encrypt"`
	AgentID    string `xml:"AgentID"`
}

// callbackEvent is the decrypted callback.
type callbackEvent struct {
	ToUserName string `xml:"ToUserName"`
	CreateTime int64  `xml:"CreateTime"`
	MsgType    string `xml:"MsgType"`
	Event      string `xml:"Event"`
	Token      string `xml:"Token"`
	OpenKfID   string `xml:"OpenKfId"`
}

// serveCallback answers WeCom: the URL check (GET) and the events (POST).
// A POST is answered at once; the worker does the work. A replayed but
// correctly signed callback only causes one more sync, which finds nothing
// new, so timestamps are not checked.
func (t *Transport) serveCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sig, ts, nonce := q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce")
	switch r.Method {
	case http.MethodGet:
		// Base64 has no spaces: a "+" that arrived unescaped was decoded
		// into one.
		echo := strings.ReplaceAll(q.Get("echostr"), " ", "+")
		plain, err := t.crypt.open(sig, ts, nonce, echo)
		if err != nil {
			t.log.Warn("kf: URL verification refused", "err", err)
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(plain)
	case http.MethodPost:
		data, err := io.ReadAll(io.LimitReader(r.Body, maxCallbackBody))
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var env callbackEnvelope
		if err := xml.Unmarshal(data, &env); err != nil || env.Encrypt == "" {
			t.log.Warn("kf: callback without an Encrypt element refused")
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		plain, err := t.crypt.open(sig, ts, nonce, env.Encrypt)
		if err != nil {
			t.log.Warn("kf: callback refused", "err", err)
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
		var ev callbackEvent
		if err := xml.Unmarshal(plain, &ev); err != nil {
			t.log.Warn("kf: callback with unreadable content ignored", "err", err)
		} else if ev.MsgType == "event" && ev.Event == "kf_msg_or_event" && ev.OpenKfID == t.cfg.OpenKfID {
			t.notify(ev.Token)
		} else {
			t.log.Debug("kf: callback ignored", "msgtype", ev.MsgType, "event", ev.Event)
		}
		_, _ = io.WriteString(w, "success")
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// notify keeps the newest sync token and wakes the worker.
func (t *Transport) notify(token string) {
	t.mu.Lock()
	if token != "" {
		t.token, t.tokenAt = token, t.cfg.Now()
	}
	t.mu.Unlock()
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// syncToken is the newest callback token while it is valid (10 minutes).
func (t *Transport) syncToken() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && t.cfg.Now().Sub(t.tokenAt) < 10*time.Minute {
		return t.token
	}
	return ""
}

func (t *Transport) dropSyncToken(token string) {
	t.mu.Lock()
	if t.token == token {
		t.token = ""
	}
	t.mu.Unlock()
}

// work syncs once at start (messages that came while qualbot was down) and
// then after every callback, until stop ends. Replies use ctx.
func (t *Transport) work(stop, ctx context.Context, st *stateFile, h bot.HandlerFunc) {
	started := t.cfg.Now()
	retry := time.Duration(0)
	for {
		err := t.syncAll(stop, ctx, st, h, started)
		switch {
		case stop.Err() != nil:
			return
		case err != nil:
			retry = min(max(2*retry, time.Second), time.Minute)
			t.log.Error("kf: sync failed", "err", err, "retry_in", retry.String())
		default:
			retry = 0
		}
		var timer <-chan time.Time
		if retry > 0 {
			timer = time.After(retry)
		}
		select {
		case <-stop.Done():
			return
		case <-t.wake:
		case <-timer:
		}
	}
}

// syncAll pulls every page of new messages and handles them.
func (t *Transport) syncAll(stop, ctx context.Context, st *stateFile, h bot.HandlerFunc, started time.Time) error {
	// On the very first start there is no cursor and sync_msg returns the
	// last days of messages: they were not meant for this bot; skip them.
	skipOld := st.fresh()
	for stop.Err() == nil {
		token := t.syncToken()
		page, err := t.api.syncMsg(ctx, syncReq{Cursor: st.st.Cursor, Token: token, Limit: 1000, OpenKfID: t.cfg.OpenKfID})
		var ae *APIError
		if errors.As(err, &ae) && ae.Code == codeSyncTokenError && token != "" {
			t.dropSyncToken(token) // too old: go on without it
			continue
		}
		if err != nil {
			return err
		}
		for _, m := range page.MsgList {
			if stop.Err() != nil {
				return nil
			}
			if st.handled(m.MsgID) {
				t.log.Debug("kf: message already handled", "msg", m.MsgID)
				continue
			}
			if skipOld && time.Unix(m.SendTime, 0).Before(started.Add(-time.Minute)) {
				t.log.Debug("kf: message from before the first start skipped", "msg", m.MsgID)
			} else {
				t.handle(ctx, m, h)
			}
			if err := st.markHandled(m.MsgID); err != nil {
				return err
			}
		}
		if err := st.advance(page.NextCursor); err != nil {
			return err
		}
		if page.HasMore == 0 {
			return nil
		}
	}
	return nil
}

// handle answers one synced message or records an event.
func (t *Transport) handle(ctx context.Context, m syncedMsg, h bot.HandlerFunc) {
	if m.OpenKfID != "" && m.OpenKfID != t.cfg.OpenKfID {
		return
	}
	switch m.Origin {
	case originEvent:
		t.event(m)
		return
	case originCustomer:
	default:
		return // a servicer's message, or our own
	}
	sent := time.Unix(m.SendTime, 0)
	q := t.quotas.reset(m.ExternalUserID, sent)
	if !t.takeSession(ctx, m.ExternalUserID) {
		return
	}
	msg := bot.Message{
		ID:     m.MsgID,
		Chat:   "kf:" + m.ExternalUserID,
		Sender: "kf:" + m.ExternalUserID,
		// The external user id: what --kf-admins lists; logged with --log-text.
		SenderName: m.ExternalUserID,
		Identity:   "kf:" + m.ExternalUserID,
		NotText:    m.MsgType != "text",
		Text:       m.Text.Content,
		Time:       sent,
	}
	rep := &replier{t: t, user: m.ExternalUserID, q: q}
	if err := h(ctx, rep, msg); err != nil {
		t.log.Error("kf: handle message", "msg", m.MsgID, "err", err)
	}
}

// takeSession makes sure the bot may answer the user: a new session is
// moved to 智能助手接待; one a person handles or that waits for one is left
// alone.
func (t *Transport) takeSession(ctx context.Context, user string) bool {
	state, err := t.api.serviceState(ctx, t.cfg.OpenKfID, user)
	if err != nil {
		t.log.Error("kf: service_state/get", "err", err)
		return false
	}
	switch state {
	case stateAssistant:
		return true
	case stateNew, stateEnded:
		if err := t.api.transState(ctx, t.cfg.OpenKfID, user, stateAssistant); err != nil {
			t.log.Error("kf: service_state/trans to 智能助手接待", "err", err)
			return false
		}
		return true
	default: // queued for, or handled by, a person
		t.log.Info("kf: session is with a person, not answered", "state", state)
		return false
	}
}

// event records the system events that matter to the operator.
func (t *Transport) event(m syncedMsg) {
	switch m.Event.EventType {
	case "msg_send_fail":
		t.log.Warn("kf: WeCom could not deliver a reply", "fail_msgid", m.Event.FailMsgID, "fail_type", m.Event.FailType)
	default:
		t.log.Debug("kf: event", "type", m.Event.EventType)
	}
}
