// Package wecombottest is a working fake of the 企业微信 智能机器人
// WebSocket long connection, for tests and for trying `qualbot run
// --channel wecom-bot` without a WeCom organisation.
//
// It accepts aibot_subscribe with its bot id and secret, acknowledges
// pings and replies on their req_id, pushes aibot_msg_callback frames for
// single and group chats, records the streamed replies, and can close the
// connection from its side or tell the bot that another connection took it
// over (disconnected_event). Error codes of refusals are the fake's own.
package wecombottest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// The fake bot's credentials.
const (
	BotID  = "aibFAKE0001"
	Secret = "fake-bot-secret"
)

// Error codes the fake answers with (its own).
const (
	CodeBadSecret  = 40001
	CodeBadRequest = 40058
)

// A Stream is one aibot_respond_msg frame the bot sent.
type Stream struct {
	ReqID, ID, Content string
	Finish             bool
}

// Server is the fake. Create it with New.
type Server struct {
	BotID, Secret string

	srv *httptest.Server

	mu          sync.Mutex
	cur         *websocket.Conn
	connections int // connections accepted
	subscribed  int // successful subscriptions
	pings       int
	ignorePings bool
	n           int
	open        map[string]bool // callback req_ids
	replies     []Stream
	changed     chan struct{}
}

// New starts the fake on a local port. Close it when done.
func New() *Server {
	s := &Server{BotID: BotID, Secret: Secret, open: map[string]bool{}, changed: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the fake's WebSocket URL, for the bot's WebSocket URL setting.
func (s *Server) URL() string { return "ws" + strings.TrimPrefix(s.srv.URL, "http") }

// Close stops the fake.
func (s *Server) Close() {
	s.mu.Lock()
	c := s.cur
	s.mu.Unlock()
	if c != nil {
		c.CloseNow()
	}
	s.srv.Close()
}

// Connections, Subscriptions and Pings count what the bot did.
func (s *Server) Connections() int   { s.mu.Lock(); defer s.mu.Unlock(); return s.connections }
func (s *Server) Subscriptions() int { s.mu.Lock(); defer s.mu.Unlock(); return s.subscribed }
func (s *Server) Pings() int         { s.mu.Lock(); defer s.mu.Unlock(); return s.pings }

// IgnorePings makes the fake stop (or resume) answering heartbeats.
func (s *Server) IgnorePings(on bool) { s.mu.Lock(); s.ignorePings = on; s.mu.Unlock() }

// Replies returns the stream frames sent on reqID.
func (s *Server) Replies(reqID string) []Stream {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Stream
	for _, r := range s.replies {
		if r.ReqID == reqID {
			out = append(out, r)
		}
	}
	return out
}

// Answer returns the content of the finished stream on reqID, and whether
// there is one.
func (s *Server) Answer(reqID string) (string, bool) {
	for _, r := range s.Replies(reqID) {
		if r.Finish {
			return r.Content, true
		}
	}
	return "", false
}

// WaitAnswer waits for the finished stream on reqID.
func (s *Server) WaitAnswer(ctx context.Context, reqID string) (string, error) {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if a, ok := s.Answer(reqID); ok {
			return a, nil
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("wecombottest: no answer on %s: %w", reqID, ctx.Err())
		case <-ch:
		}
	}
}

// WaitSubscribed waits until the bot has subscribed n times in all.
func (s *Server) WaitSubscribed(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		ch, got := s.changed, s.subscribed
		s.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wecombottest: %d subscriptions, want %d: %w", got, n, ctx.Err())
		case <-ch:
		}
	}
}

// WaitPings waits until the bot has sent n heartbeats in all.
func (s *Server) WaitPings(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		ch, got := s.changed, s.pings
		s.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wecombottest: %d pings, want %d: %w", got, n, ctx.Err())
		case <-ch:
		}
	}
}

// notify wakes the waiters; s.mu is held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Single pushes a single-chat text message from user and returns its
// req_id.
func (s *Server) Single(ctx context.Context, user, text string) (string, error) {
	return s.push(ctx, map[string]any{
		"chattype": "single", "from": map[string]string{"userid": user},
		"msgtype": "text", "text": map[string]string{"content": text},
	})
}

// Group pushes a group message from user in chat. WeCom sends the bot only
// the group messages that @-mention it; text carries the mention.
func (s *Server) Group(ctx context.Context, chat, user, text string) (string, error) {
	return s.push(ctx, map[string]any{
		"chatid": chat, "chattype": "group", "from": map[string]string{"userid": user},
		"msgtype": "text", "text": map[string]string{"content": text},
	})
}

// Resend pushes the body of the message with msgid again, on a new req_id,
// as after a redelivery.
func (s *Server) Resend(ctx context.Context, msgid, user, text string) (string, error) {
	return s.push(ctx, map[string]any{
		"msgid": msgid, "chattype": "single", "from": map[string]string{"userid": user},
		"msgtype": "text", "text": map[string]string{"content": text},
	})
}

func (s *Server) push(ctx context.Context, body map[string]any) (string, error) {
	s.mu.Lock()
	c := s.cur
	s.n++
	reqID := fmt.Sprintf("cb%04d", s.n)
	if _, ok := body["msgid"]; !ok {
		body["msgid"] = fmt.Sprintf("msg%04d", s.n)
	}
	body["aibotid"] = s.BotID
	body["create_time"] = time.Now().Unix()
	s.open[reqID] = true
	s.mu.Unlock()
	if c == nil {
		return "", errors.New("wecombottest: no bot connected")
	}
	return reqID, write(ctx, c, map[string]any{"cmd": "aibot_msg_callback", "headers": map[string]string{"req_id": reqID}, "body": body})
}

// Drop closes the current connection from the server's side.
func (s *Server) Drop() {
	s.mu.Lock()
	c := s.cur
	s.cur = nil
	s.mu.Unlock()
	if c != nil {
		c.Close(websocket.StatusGoingAway, "server restart")
	}
}

// Replace tells the bot that another connection subscribed with its bot
// id (disconnected_event), then closes its connection.
func (s *Server) Replace(ctx context.Context) error {
	s.mu.Lock()
	c := s.cur
	s.cur = nil
	s.n++
	reqID := fmt.Sprintf("ev%04d", s.n)
	s.mu.Unlock()
	if c == nil {
		return errors.New("wecombottest: no bot connected")
	}
	err := write(ctx, c, map[string]any{"cmd": "aibot_event_callback", "headers": map[string]string{"req_id": reqID},
		"body": map[string]any{"msgid": reqID, "aibotid": s.BotID, "msgtype": "event", "create_time": time.Now().Unix(),
			"event": map[string]string{"eventtype": "disconnected_event"}}})
	c.Close(websocket.StatusNormalClosure, "replaced")
	return err
}

type inFrame struct {
	Cmd     string `json:"cmd"`
	Headers struct {
		ReqID string `json:"req_id"`
	} `json:"headers"`
	Body json.RawMessage `json:"body"`
}

func write(ctx context.Context, c *websocket.Conn, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.Write(ctx, websocket.MessageText, data)
}

func ack(ctx context.Context, c *websocket.Conn, reqID string, code int, msg string) error {
	return write(ctx, c, map[string]any{"headers": map[string]string{"req_id": reqID}, "errcode": code, "errmsg": msg})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	ctx := r.Context()
	s.mu.Lock()
	s.connections++
	s.notify()
	s.mu.Unlock()

	// The first frame must be the subscription.
	var f inFrame
	if err := readFrame(ctx, c, &f); err != nil {
		return
	}
	var sub struct {
		BotID  string `json:"bot_id"`
		Secret string `json:"secret"`
	}
	_ = json.Unmarshal(f.Body, &sub)
	if f.Cmd != "aibot_subscribe" || sub.BotID != s.BotID || sub.Secret != s.Secret {
		_ = ack(ctx, c, f.Headers.ReqID, CodeBadSecret, "invalid bot id or secret")
		c.Close(websocket.StatusPolicyViolation, "unauthorized")
		return
	}
	if err := ack(ctx, c, f.Headers.ReqID, 0, "ok"); err != nil {
		return
	}
	s.mu.Lock()
	old := s.cur
	s.cur = c
	s.subscribed++
	s.notify()
	s.mu.Unlock()
	if old != nil {
		old.CloseNow()
	}
	for {
		var f inFrame
		if err := readFrame(ctx, c, &f); err != nil {
			return
		}
		switch f.Cmd {
		case "ping":
			s.mu.Lock()
			s.pings++
			ignore := s.ignorePings
			s.notify()
			s.mu.Unlock()
			if !ignore {
				_ = ack(ctx, c, f.Headers.ReqID, 0, "ok")
			}
		case "aibot_respond_msg":
			var body struct {
				MsgType string `json:"msgtype"`
				Stream  struct {
					ID      string `json:"id"`
					Finish  bool   `json:"finish"`
					Content string `json:"content"`
				} `json:"stream"`
			}
			_ = json.Unmarshal(f.Body, &body)
			s.mu.Lock()
			known := s.open[f.Headers.ReqID]
			s.mu.Unlock()
			if !known || body.MsgType != "stream" || body.Stream.ID == "" || len(body.Stream.Content) > 20480 {
				_ = ack(ctx, c, f.Headers.ReqID, CodeBadRequest, "invalid respond")
				continue
			}
			s.mu.Lock()
			s.replies = append(s.replies, Stream{ReqID: f.Headers.ReqID, ID: body.Stream.ID, Content: body.Stream.Content, Finish: body.Stream.Finish})
			s.notify()
			s.mu.Unlock()
			_ = ack(ctx, c, f.Headers.ReqID, 0, "ok")
		default:
			_ = ack(ctx, c, f.Headers.ReqID, CodeBadRequest, "unknown cmd")
		}
	}
}

func readFrame(ctx context.Context, c *websocket.Conn, f *inFrame) error {
	_, data, err := c.Read(ctx)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, f)
}
