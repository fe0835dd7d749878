// Package kftest is a working fake of the parts of 企业微信 that the 微信客服
// channel talks to: the API (gettoken, kf/sync_msg, kf/send_msg,
// kf/service_state/get and /trans) and the encrypted callbacks WeCom POSTs
// when a WeChat user writes. Tests use it, and so can anyone who wants to
// try `qualbot run --channel kf` without a WeCom organisation.
//
// It follows the documented behaviour: access tokens expire (42001), the
// callback's sync token is valid for 10 minutes, sync_msg pages with
// next_cursor and has_more, send_msg is allowed only while the session is
// new or with the 智能助手, and at most 5 messages answer one user message
// within 48 hours. Where WeCom's exact error code for a refusal is not
// documented in the material read, the fake's code is marked as its own.
package kftest

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// Error codes the fake answers with. 42001, 40014, 95007 and 95018 are
// WeCom's; CodeQuota is the fake's own.
const (
	CodeTokenExpired = 42001
	CodeTokenInvalid = 40014
	CodeBadSyncToken = 95007
	CodeBadState     = 95018
	CodeQuota        = 95001
)

// Session states, as kf/service_state numbers them.
const (
	StateNew       = 0
	StateAssistant = 1
	StateQueued    = 2
	StatePerson    = 3
	StateEnded     = 4
)

// A Sent is one message the bot sent with kf/send_msg.
type Sent struct {
	To, OpenKfID, Text, MsgID string
}

// Server is the fake. Create it with New; set Callback to the bot's
// callback URL before calling Say.
type Server struct {
	CorpID, Secret, Token, EncodingAESKey, OpenKfID string
	// Callback is the URL WeCom POSTs events to: the bot's callback.
	Callback string
	// PageSize is the most messages one sync_msg answer holds.
	PageSize int
	// Quota and QuotaWindow bound the sends per user message.
	Quota       int
	QuotaWindow time.Duration
	// TokenLife is how long an access token lives.
	TokenLife time.Duration

	srv *httptest.Server

	mu         sync.Mutex
	now        func() time.Time
	tokens     map[string]time.Time // access token → expiry
	nTokens    int
	syncTokens map[string]time.Time // callback token → issued
	nSync      int
	msgs       []map[string]any // the message log sync_msg pages through
	nMsg       int
	sent       []Sent
	states     map[string]int
	lastMsg    map[string]time.Time // user → their last message's time
	used       map[string]int       // user → sends since their last message
	calls      map[string]int
	failSend   int
}

// Settings of the fake's organisation, for the bot's configuration.
const (
	CorpID         = "wwfake0000000001"
	Secret         = "fake-kf-secret"
	Token          = "fakeToken123"
	EncodingAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG" // 43 characters
	OpenKfID       = "wkFAKE0000000001"
)

// New starts the fake on a local port. Close it when done.
func New() *Server {
	s := &Server{
		CorpID: CorpID, Secret: Secret, Token: Token, EncodingAESKey: EncodingAESKey, OpenKfID: OpenKfID,
		PageSize: 100, Quota: 5, QuotaWindow: 48 * time.Hour, TokenLife: 2 * time.Hour,
		now:        time.Now,
		tokens:     map[string]time.Time{},
		syncTokens: map[string]time.Time{},
		states:     map[string]int{},
		lastMsg:    map[string]time.Time{},
		used:       map[string]int{},
		calls:      map[string]int{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the fake API's base URL, for the bot's API base URL setting.
func (s *Server) URL() string { return s.srv.URL }

// Close stops the fake.
func (s *Server) Close() { s.srv.Close() }

// SetClock makes the fake use now as its clock.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	s.now = now
	s.mu.Unlock()
}

// Calls returns how often path ("kf/send_msg", "gettoken", …) was called.
func (s *Server) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[path]
}

// Sent returns the messages sent so far.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// State returns user's session state.
func (s *Server) State(user string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.states[user]
}

// SetState sets user's session state (a person takes over: StatePerson).
func (s *Server) SetState(user string, state int) {
	s.mu.Lock()
	s.states[user] = state
	s.mu.Unlock()
}

// ExpireAccessTokens makes every access token issued so far expired.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	for t := range s.tokens {
		s.tokens[t] = time.Time{}
	}
	s.mu.Unlock()
}

// FailSends makes the next n send_msg calls fail with a system error.
func (s *Server) FailSends(n int) {
	s.mu.Lock()
	s.failSend = n
	s.mu.Unlock()
}

// Add appends a text message from user to the message log without a
// callback, and returns its msgid.
func (s *Server) Add(user, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addLocked(user, text, s.now())
}

// AddAt is Add with the message's send time.
func (s *Server) AddAt(user, text string, at time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addLocked(user, text, at)
}

func (s *Server) addLocked(user, text string, at time.Time) string {
	s.nMsg++
	id := fmt.Sprintf("msg%04d", s.nMsg)
	s.msgs = append(s.msgs, map[string]any{
		"msgid": id, "open_kfid": s.OpenKfID, "external_userid": user,
		"send_time": at.Unix(), "origin": 3, "msgtype": "text",
		"text": map[string]string{"content": text},
	})
	s.lastMsg[user] = at
	s.used[user] = 0
	if st, ok := s.states[user]; !ok || st == StateEnded {
		s.states[user] = StateNew
	}
	return id
}

// Replay appends again the message with id msgid, as if WeCom delivered it
// twice.
func (s *Server) Replay(msgid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.msgs {
		if m["msgid"] == msgid {
			s.msgs = append(s.msgs, m)
			return
		}
	}
}

// AddSendFail appends a msg_send_fail event about the sent message msgid.
func (s *Server) AddSendFail(user, msgid string, failType int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nMsg++
	s.msgs = append(s.msgs, map[string]any{
		"msgid": fmt.Sprintf("evt%04d", s.nMsg), "open_kfid": s.OpenKfID,
		"send_time": s.now().Unix(), "origin": 4, "msgtype": "event",
		"event": map[string]any{"event_type": "msg_send_fail", "open_kfid": s.OpenKfID,
			"external_userid": user, "fail_msgid": msgid, "fail_type": failType},
	})
}

// Say is a WeChat user writing text: the message joins the log and WeCom
// POSTs the encrypted callback to Callback. It returns the msgid.
func (s *Server) Say(user, text string) (string, error) {
	id := s.Add(user, text)
	return id, s.Notify()
}

// Notify POSTs a kf_msg_or_event callback with a fresh sync token.
func (s *Server) Notify() error {
	req, err := s.CallbackRequest(s.NewSyncToken(), "")
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "success" {
		return fmt.Errorf("kftest: callback answered %s %q", resp.Status, body)
	}
	return nil
}

// NewSyncToken issues a callback token for sync_msg, valid 10 minutes.
func (s *Server) NewSyncToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nSync++
	t := fmt.Sprintf("ENCsync%04d", s.nSync)
	s.syncTokens[t] = s.now()
	return t
}

// CallbackRequest builds the POST WeCom sends for a kf_msg_or_event with
// the sync token. A non-empty badSignature replaces the real signature.
func (s *Server) CallbackRequest(syncToken, badSignature string) (*http.Request, error) {
	s.mu.Lock()
	now := s.now()
	s.mu.Unlock()
	inner := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><CreateTime>%d</CreateTime>"+
		"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event>"+
		"<Token><![CDATA[%s]]></Token><OpenKfId><![CDATA[%s]]></OpenKfId></xml>",
		s.CorpID, now.Unix(), syncToken, s.OpenKfID)
	ts, nonce := strconv.FormatInt(now.Unix(), 10), nonceString()
	enc, sig, err := Seal(s.Token, s.EncodingAESKey, s.CorpID, []byte(inner), ts, nonce)
	if err != nil {
		return nil, err
	}
	if badSignature != "" {
		sig = badSignature
	}
	body := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>", s.CorpID, enc)
	q := url.Values{"msg_signature": {sig}, "timestamp": {ts}, "nonce": {nonce}}
	req, err := http.NewRequest(http.MethodPost, s.Callback+"?"+q.Encode(), strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/xml")
	return req, nil
}

// VerifyURL does what the WeCom console does when the callback URL is
// saved: a GET with an encrypted echostr, which the bot must decrypt. It
// returns the text the bot answered and the plaintext it should be.
func (s *Server) VerifyURL() (got, want string, err error) {
	want = "echo" + nonceString()
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), nonceString()
	enc, sig, err := Seal(s.Token, s.EncodingAESKey, s.CorpID, []byte(want), ts, nonce)
	if err != nil {
		return "", want, err
	}
	q := url.Values{"msg_signature": {sig}, "timestamp": {ts}, "nonce": {nonce}, "echostr": {enc}}
	resp, err := http.Get(s.Callback + "?" + q.Encode())
	if err != nil {
		return "", want, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return string(body), want, fmt.Errorf("kftest: URL verification answered %s", resp.Status)
	}
	return string(body), want, err
}

// Seal encrypts plain as WeCom encrypts a callback (WXBizMsgCrypt, with
// corpID as the receive id) and returns it with its msg_signature.
func Seal(token, encodingAESKey, corpID string, plain []byte, timestamp, nonce string) (encrypted, signature string, err error) {
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return "", "", err
	}
	enc, err := util.EncryptMsg(random, plain, corpID, encodingAESKey)
	if err != nil {
		return "", "", err
	}
	return string(enc), util.Signature(token, timestamp, nonce, string(enc)), nil
}

func nonceString() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// serve is the fake API.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/cgi-bin/")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[path]++
	if path == "gettoken" {
		if r.URL.Query().Get("corpid") != s.CorpID || r.URL.Query().Get("corpsecret") != s.Secret {
			writeJSON(w, map[string]any{"errcode": 40001, "errmsg": "invalid credential"})
			return
		}
		s.nTokens++
		tok := fmt.Sprintf("ACCESS%04d", s.nTokens)
		s.tokens[tok] = s.now().Add(s.TokenLife)
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "access_token": tok, "expires_in": int(s.TokenLife / time.Second)})
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	exp, ok := s.tokens[r.URL.Query().Get("access_token")]
	switch {
	case !ok:
		writeJSON(w, map[string]any{"errcode": CodeTokenInvalid, "errmsg": "invalid access_token"})
		return
	case !s.now().Before(exp):
		writeJSON(w, map[string]any{"errcode": CodeTokenExpired, "errmsg": "access_token expired"})
		return
	}
	var in map[string]any
	data, _ := io.ReadAll(r.Body)
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&in); err != nil {
		writeJSON(w, map[string]any{"errcode": 47001, "errmsg": "data format error"})
		return
	}
	str := func(k string) string { v, _ := in[k].(string); return v }
	if str("open_kfid") != s.OpenKfID {
		writeJSON(w, map[string]any{"errcode": 95000, "errmsg": "invalid open_kfid"})
		return
	}
	switch path {
	case "kf/sync_msg":
		s.syncMsg(w, str("cursor"), str("token"), in["limit"])
	case "kf/send_msg":
		s.sendMsg(w, in)
	case "kf/service_state/get":
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "service_state": s.states[str("external_userid")]})
	case "kf/service_state/trans":
		st, _ := in["service_state"].(float64)
		user := str("external_userid")
		if cur := s.states[user]; cur == StatePerson || cur == StateQueued {
			writeJSON(w, map[string]any{"errcode": CodeBadState, "errmsg": "invalid service state"})
			return
		}
		s.states[user] = int(st)
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) syncMsg(w http.ResponseWriter, cursor, token string, limit any) {
	if token != "" {
		at, ok := s.syncTokens[token]
		if !ok || s.now().Sub(at) > 10*time.Minute {
			writeJSON(w, map[string]any{"errcode": CodeBadSyncToken, "errmsg": "invalid msg token"})
			return
		}
	}
	start := 0
	if cursor != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(cursor, "C"))
		if err != nil || n < 0 || n > len(s.msgs) {
			writeJSON(w, map[string]any{"errcode": 95003, "errmsg": "invalid cursor"})
			return
		}
		start = n
	}
	size := s.PageSize
	if l, ok := limit.(float64); ok && int(l) > 0 && int(l) < size {
		size = int(l)
	}
	end := min(start+size, len(s.msgs))
	hasMore := 0
	if end < len(s.msgs) {
		hasMore = 1
	}
	writeJSON(w, map[string]any{
		"errcode": 0, "errmsg": "ok", "next_cursor": fmt.Sprintf("C%d", end),
		"has_more": hasMore, "msg_list": s.msgs[start:end],
	})
}

func (s *Server) sendMsg(w http.ResponseWriter, in map[string]any) {
	user, _ := in["touser"].(string)
	text, _ := in["text"].(map[string]any)
	content, _ := text["content"].(string)
	switch {
	case s.failSend > 0:
		s.failSend--
		writeJSON(w, map[string]any{"errcode": -1, "errmsg": "system busy"})
		return
	case in["msgtype"] != "text" || content == "" || len(content) > 2048:
		writeJSON(w, map[string]any{"errcode": 44004, "errmsg": "text content invalid"})
		return
	case s.states[user] != StateNew && s.states[user] != StateAssistant:
		writeJSON(w, map[string]any{"errcode": CodeBadState, "errmsg": "invalid service state"})
		return
	}
	last, ok := s.lastMsg[user]
	if !ok || s.now().Sub(last) > s.QuotaWindow || s.used[user] >= s.Quota {
		writeJSON(w, map[string]any{"errcode": CodeQuota, "errmsg": "send quota exceeded"})
		return
	}
	s.used[user]++
	s.nMsg++
	id := fmt.Sprintf("sent%04d", s.nMsg)
	s.sent = append(s.sent, Sent{To: user, OpenKfID: s.OpenKfID, Text: content, MsgID: id})
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "msgid": id})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
