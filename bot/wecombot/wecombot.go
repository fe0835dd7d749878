// Package wecombot connects a bot handler to the 企业微信 智能机器人 (AI bot)
// over its WebSocket long connection: the only official way today for a bot
// to be @-mentioned in a group, in WeCom internal groups and single chats.
// It needs no public URL and no message encryption, so a bot on a laptop
// behind NAT works.
//
// The protocol (WeCom doc 101463; Tencent's aibot-node-sdk as reference):
// subscribe with the bot id and secret (aibot_subscribe), send {cmd:"ping"}
// every 30 s, receive aibot_msg_callback frames (in groups only messages
// that @-mention the bot arrive), and answer each on its req_id with
// aibot_respond_msg as a stream: the content, then finish:true. WeCom
// acknowledges every frame on the same req_id. When another connection
// subscribes with the same bot, WeCom sends a disconnected_event and closes
// this one: the transport then stops instead of fighting for the bot.
//
// Layer: a transport under bot, and the only importer of the WebSocket
// library (github.com/coder/websocket: context-aware, concurrent writes
// allowed, no dependencies).
package wecombot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/qualbot/qualbot/bot"
)

// Config configures the connection. BotID and Secret are required; every
// other zero field means its default.
type Config struct {
	// URL is the WebSocket endpoint.
	URL string
	// BotID and Secret identify the 智能机器人 (API 模式, 长连接).
	BotID  string
	Secret string
	// Names are the bot's names in WeCom, as members @-mention it in a
	// group. The protocol does not tell them, so they come from the
	// configuration; each message carries them (bot.Message.BotNames) so
	// that the mention is taken off the text exactly.
	Names []string
	// PingInterval is the time between heartbeats.
	PingInterval time.Duration
	// AckTimeout bounds the wait for WeCom's answer to a frame.
	AckTimeout time.Duration
	// RetryBackoff is the first wait before a reconnect; it doubles with
	// each failure in a row, up to MaxBackoff, plus jitter.
	RetryBackoff time.Duration
	MaxBackoff   time.Duration
	// MaxReplyBytes is the longest stream content WeCom accepts.
	MaxReplyBytes int
	// Workers bounds the messages answered at once.
	Workers int
	// HTTPClient dials the connection; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Log receives operational logs; nil discards them.
	Log *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Connected, when set, is told true once a connection is subscribed
	// and false when it is lost or Run returns (for metrics and health).
	Connected func(bool)
}

// Defaults for Config's zero fields.
const (
	DefaultURL           = "wss://openws.work.weixin.qq.com"
	DefaultPingInterval  = 30 * time.Second
	DefaultAckTimeout    = 10 * time.Second
	DefaultRetryBackoff  = time.Second
	DefaultMaxBackoff    = time.Minute
	DefaultMaxReplyBytes = 20480
	DefaultWorkers       = 4
)

// missedPongs is how many heartbeats may go unanswered before the
// connection is taken for dead.
const missedPongs = 2

// Command names of the protocol.
const (
	cmdSubscribe     = "aibot_subscribe"
	cmdPing          = "ping"
	cmdMsgCallback   = "aibot_msg_callback"
	cmdEventCallback = "aibot_event_callback"
	cmdRespond       = "aibot_respond_msg"
	eventReplaced    = "disconnected_event"
)

// ErrReplaced reports that another connection subscribed with this bot and
// WeCom closed this one. Reconnecting would only take the bot back from it.
var ErrReplaced = errors.New("wecombot: another connection took over this bot (is a second qualbot running?)")

// A SubscribeError reports that WeCom refused the bot id and secret.
type SubscribeError struct {
	Code int
	Msg  string
}

func (e *SubscribeError) Error() string {
	return fmt.Sprintf("wecombot: subscribe refused: errcode %d: %s (check the bot id and secret)", e.Code, e.Msg)
}

func (c Config) withDefaults() Config {
	if c.URL == "" {
		c.URL = DefaultURL
	}
	if c.PingInterval == 0 {
		c.PingInterval = DefaultPingInterval
	}
	if c.AckTimeout == 0 {
		c.AckTimeout = DefaultAckTimeout
	}
	if c.RetryBackoff == 0 {
		c.RetryBackoff = DefaultRetryBackoff
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = DefaultMaxBackoff
	}
	if c.MaxReplyBytes == 0 {
		c.MaxReplyBytes = DefaultMaxReplyBytes
	}
	if c.Workers == 0 {
		c.Workers = DefaultWorkers
	}
	if c.HTTPClient == nil {
		c.HTTPClient = http.DefaultClient
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Connected == nil {
		c.Connected = func(bool) {}
	}
	return c
}

// A Transport is the 智能机器人 channel. It implements [bot.Transport].
type Transport struct {
	cfg  Config
	log  *slog.Logger
	seen *bot.SeenIDs
	reqN atomic.Int64
}

var _ bot.Transport = (*Transport)(nil)

// New checks cfg and returns the channel. It contacts nothing.
func New(cfg Config) (*Transport, error) {
	if cfg.BotID == "" || cfg.Secret == "" {
		return nil, errors.New("wecombot: the bot id and the secret are required")
	}
	cfg = cfg.withDefaults()
	return &Transport{cfg: cfg, log: cfg.Log, seen: bot.NewSeenIDs(2000)}, nil
}

// frame is the envelope of every message in both directions.
type frame struct {
	Cmd     string          `json:"cmd,omitempty"`
	Headers headers         `json:"headers"`
	Body    json.RawMessage `json:"body,omitempty"`
	ErrCode int             `json:"errcode,omitempty"`
	ErrMsg  string          `json:"errmsg,omitempty"`
}

type headers struct {
	ReqID string `json:"req_id"`
}

// callback is the body of aibot_msg_callback and aibot_event_callback.
type callback struct {
	MsgID    string `json:"msgid"`
	AIBotID  string `json:"aibotid"`
	ChatID   string `json:"chatid"`
	ChatType string `json:"chattype"` // "single" or "group"
	From     struct {
		UserID string `json:"userid"`
	} `json:"from"`
	CreateTime int64  `json:"create_time"`
	MsgType    string `json:"msgtype"`
	Text       struct {
		Content string `json:"content"`
	} `json:"text"`
	Mixed struct {
		MsgItem []struct {
			MsgType string `json:"msgtype"`
			Text    struct {
				Content string `json:"content"`
			} `json:"text"`
		} `json:"msg_item"`
	} `json:"mixed"`
	Event struct {
		EventType string `json:"eventtype"`
	} `json:"event"`
}

// Run connects, answers messages with h, and reconnects with back-off
// after a lost connection, until ctx ends (it returns nil). It returns
// ErrReplaced when another connection took the bot over and a
// *SubscribeError when WeCom refuses the credentials.
func (t *Transport) Run(ctx context.Context, h bot.HandlerFunc) error {
	defer t.cfg.Connected(false)
	failures := 0
	for {
		subscribed, err := t.session(ctx, h)
		t.cfg.Connected(false)
		if ctx.Err() != nil {
			return nil
		}
		var se *SubscribeError
		if errors.Is(err, ErrReplaced) || errors.As(err, &se) {
			t.log.Error("wecombot: stopped", "err", err)
			return err
		}
		if subscribed {
			failures = 0
		}
		failures++
		d := t.backoff(failures)
		t.log.Warn("wecombot: connection lost, reconnecting", "in", d.Round(time.Millisecond).String(), "err", err)
		timer := time.NewTimer(d)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C:
		}
	}
}

// backoff is the wait before reconnect number n (from 1).
func (t *Transport) backoff(n int) time.Duration {
	d := t.cfg.RetryBackoff
	for i := 1; i < n && d < t.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, t.cfg.MaxBackoff)
	return d + rand.N(d/4+1)
}

// conn is one live connection.
type conn struct {
	t  *Transport
	ws *websocket.Conn

	mu      sync.Mutex
	waiters map[string]chan frame // req_id → the goroutine awaiting its ack
	closed  chan struct{}         // closed when the read loop ends
}

func (t *Transport) newReqID(cmd string) string {
	return fmt.Sprintf("%s_%d_%d", cmd, t.cfg.Now().UnixMilli(), t.reqN.Add(1))
}

// session runs one connection to its end. It reports whether the
// subscription succeeded.
func (t *Transport) session(ctx context.Context, h bot.HandlerFunc) (subscribed bool, err error) {
	dialCtx, cancel := context.WithTimeout(ctx, t.cfg.AckTimeout)
	ws, _, err := websocket.Dial(dialCtx, t.cfg.URL, &websocket.DialOptions{HTTPClient: t.cfg.HTTPClient})
	cancel()
	if err != nil {
		return false, fmt.Errorf("wecombot: dial: %w", err)
	}
	ws.SetReadLimit(1 << 20)
	c := &conn{t: t, ws: ws, waiters: map[string]chan frame{}, closed: make(chan struct{})}
	defer ws.CloseNow()

	// The read loop outlives ctx while the replies in flight finish.
	connCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	frames := make(chan frame, 16)
	readErr := make(chan error, 1)
	go func() { defer close(c.closed); readErr <- c.read(connCtx, frames) }()

	// Subscribe.
	body, _ := json.Marshal(map[string]string{"bot_id": t.cfg.BotID, "secret": t.cfg.Secret})
	ack, err := c.await(ctx, frame{Cmd: cmdSubscribe, Headers: headers{ReqID: t.newReqID(cmdSubscribe)}, Body: body})
	if err != nil {
		select {
		case rerr := <-readErr: // the cause, e.g. WeCom closed the connection
			return false, rerr
		default:
			return false, err
		}
	}
	if ack.ErrCode != 0 {
		return false, &SubscribeError{Code: ack.ErrCode, Msg: ack.ErrMsg}
	}
	t.log.Info("wecombot: subscribed", "bot", t.cfg.BotID)
	t.cfg.Connected(true)

	// Messages are answered off the read loop, a few at a time. They keep
	// going when ctx ends, until the connection closes: on shutdown it
	// stays open for them up to AckTimeout.
	var wg sync.WaitGroup
	defer wg.Wait()
	hctx := context.WithoutCancel(ctx)
	sem := make(chan struct{}, t.cfg.Workers)
	ping := time.NewTicker(t.cfg.PingInterval)
	defer ping.Stop()
	unanswered := 0
	for {
		select {
		case <-ctx.Done():
			t.drain(&wg)
			_ = ws.Close(websocket.StatusNormalClosure, "")
			return true, nil
		case err := <-readErr:
			return true, err
		case <-ping.C:
			if unanswered >= missedPongs {
				return true, fmt.Errorf("wecombot: %d heartbeats unanswered", unanswered)
			}
			unanswered++
			if err := c.write(connCtx, frame{Cmd: cmdPing, Headers: headers{ReqID: t.newReqID(cmdPing)}}); err != nil {
				return true, err
			}
		case f := <-frames:
			switch f.Cmd {
			case "":
				if strings.HasPrefix(f.Headers.ReqID, cmdPing) {
					unanswered = 0
				}
			case cmdEventCallback:
				var cb callback
				_ = json.Unmarshal(f.Body, &cb)
				t.log.Debug("wecombot: event", "type", cb.Event.EventType)
			case cmdMsgCallback:
				var cb callback
				if err := json.Unmarshal(f.Body, &cb); err != nil {
					t.log.Warn("wecombot: unreadable message ignored", "err", err)
					continue
				}
				if cb.MsgID != "" && !t.seen.Add(cb.MsgID) {
					t.log.Debug("wecombot: message already handled", "msg", cb.MsgID)
					continue
				}
				// The loop never waits for a worker: the read loop must
				// keep delivering the acknowledgements the workers await.
				wg.Add(1)
				go func() {
					defer wg.Done()
					sem <- struct{}{}
					defer func() { <-sem }()
					t.handle(hctx, c, f.Headers.ReqID, cb, h)
				}()
			default:
				t.log.Debug("wecombot: frame ignored", "cmd", f.Cmd)
			}
		}
	}
}

// drain waits up to AckTimeout for the messages being answered.
func (t *Transport) drain(wg *sync.WaitGroup) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(t.cfg.AckTimeout):
		t.log.Warn("wecombot: shutdown: replies still being sent were cut off")
	}
}

// read delivers frames until the connection ends. Acknowledgements of
// replies go to their waiters; everything else to frames.
func (c *conn) read(ctx context.Context, frames chan<- frame) error {
	for {
		_, data, err := c.ws.Read(ctx)
		if err != nil {
			if websocket.CloseStatus(err) != -1 {
				return fmt.Errorf("wecombot: closed by WeCom: %w", err)
			}
			return fmt.Errorf("wecombot: read: %w", err)
		}
		var f frame
		if err := json.Unmarshal(data, &f); err != nil {
			c.t.log.Warn("wecombot: unreadable frame ignored", "err", err)
			continue
		}
		if f.Cmd == cmdEventCallback {
			// Seen here, before the close that follows it can win a race.
			var cb callback
			if json.Unmarshal(f.Body, &cb) == nil && cb.Event.EventType == eventReplaced {
				_ = c.ws.Close(websocket.StatusNormalClosure, "")
				return ErrReplaced
			}
		}
		if f.Cmd == "" {
			c.mu.Lock()
			w, ok := c.waiters[f.Headers.ReqID]
			delete(c.waiters, f.Headers.ReqID)
			c.mu.Unlock()
			if ok {
				w <- f
				continue
			}
		}
		select {
		case frames <- f:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (c *conn) write(ctx context.Context, f frame) error {
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if err := c.ws.Write(ctx, websocket.MessageText, data); err != nil {
		return fmt.Errorf("wecombot: write %s: %w", f.Cmd, err)
	}
	return nil
}

// await writes f and waits for WeCom's answer on the same req_id.
func (c *conn) await(ctx context.Context, f frame) (frame, error) {
	ch := make(chan frame, 1)
	id := f.Headers.ReqID
	c.mu.Lock()
	c.waiters[id] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.waiters, id)
		c.mu.Unlock()
	}()
	if err := c.write(ctx, f); err != nil {
		return frame{}, err
	}
	timer := time.NewTimer(c.t.cfg.AckTimeout)
	defer timer.Stop()
	select {
	case ack := <-ch:
		return ack, nil
	case <-timer.C:
		return frame{}, fmt.Errorf("wecombot: no answer to %s within %s", f.Cmd, c.t.cfg.AckTimeout)
	case <-c.closed:
		return frame{}, fmt.Errorf("wecombot: connection closed before the answer to %s", f.Cmd)
	case <-ctx.Done():
		return frame{}, ctx.Err()
	}
}

// handle answers one message.
func (t *Transport) handle(ctx context.Context, c *conn, reqID string, cb callback, h bot.HandlerFunc) {
	group := cb.ChatType == "group"
	chat := cb.From.UserID
	if group {
		chat = cb.ChatID
	}
	text, notText := cb.Text.Content, cb.MsgType != "text"
	if cb.MsgType == "mixed" {
		var parts []string
		for _, it := range cb.Mixed.MsgItem {
			if it.MsgType == "text" {
				parts = append(parts, it.Text.Content)
			}
		}
		text, notText = strings.Join(parts, " "), len(parts) == 0
	}
	m := bot.Message{
		ID:   cb.MsgID,
		Chat: "wecom:" + chat,
		// The group's chat id: what the group allow-list names.
		ChatName: cb.ChatID,
		InGroup:  group,
		// The user id: what the admin list names; logged with --log-text.
		// It is also the "@…" a group reply starts with: the callback
		// carries no display name (from holds only userid).
		SenderName: cb.From.UserID,
		Sender:     "wecom:" + cb.From.UserID,
		Identity:   "wecom:" + cb.From.UserID,
		// In a group WeCom delivers only the messages that @-mention the bot.
		Mentioned: group,
		BotNames:  t.cfg.Names,
		NotText:   notText,
		Text:      text,
		Time:      t.cfg.Now(),
	}
	if cb.CreateTime > 0 {
		m.Time = time.Unix(cb.CreateTime, 0)
	}
	rep := &replier{c: c, reqID: reqID}
	if err := h(ctx, rep, m); err != nil {
		t.log.Error("wecombot: handle message", "msg", cb.MsgID, "group", group, "err", err)
	}
}

// replier answers one message on its req_id.
type replier struct {
	c     *conn
	reqID string
	mu    sync.Mutex // one stream at a time per req_id
	n     int
}

var _ bot.PartsReplier = (*replier)(nil)

// Reply implements bot.Replier.
func (r *replier) Reply(ctx context.Context, text string) error {
	return r.ReplyParts(ctx, []string{text})
}

// ReplyParts implements bot.PartsReplier: the parts, one paragraph each,
// go out as one streamed message: the content, then finish:true.
func (r *replier) ReplyParts(ctx context.Context, parts []string) error {
	content := strings.TrimSpace(strings.Join(parts, "\n\n"))
	if content == "" {
		return nil
	}
	if len(content) > r.c.t.cfg.MaxReplyBytes {
		return fmt.Errorf("wecombot: reply of %d bytes is over the %d-byte limit of a stream", len(content), r.c.t.cfg.MaxReplyBytes)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	streamID := fmt.Sprintf("%s_s%d", r.reqID, r.n)
	for _, finish := range []bool{false, true} {
		body, _ := json.Marshal(map[string]any{
			"msgtype": "stream",
			"stream":  map[string]any{"id": streamID, "finish": finish, "content": content},
		})
		ack, err := r.c.await(ctx, frame{Cmd: cmdRespond, Headers: headers{ReqID: r.reqID}, Body: body})
		if err != nil {
			return err
		}
		if ack.ErrCode != 0 {
			return fmt.Errorf("wecombot: reply refused: errcode %d: %s", ack.ErrCode, ack.ErrMsg)
		}
	}
	return nil
}
