package kf

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// WeCom error codes the client acts on.
const (
	codeTokenInvalid   = 40014 // invalid access_token
	codeTokenExpired   = 42001 // access_token expired
	codeCredential     = 40001 // invalid credential (also a stale token)
	codeSyncTokenError = 95007 // invalid msg token: the callback's token is too old
)

// An APIError is an error code WeCom answered a call with.
type APIError struct {
	Path string
	Code int
	Msg  string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("kf: %s: errcode %d: %s", e.Path, e.Code, e.Msg)
}

// client calls the WeCom server API with a cached access_token, fetched
// again when WeCom says it expired or is invalid.
type client struct {
	base   string // "https://qyapi.weixin.qq.com", no trailing slash
	corpID string
	secret string
	http   *http.Client
	now    func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

// tokenMargin is how long before its expiry a token is fetched again.
const tokenMargin = 5 * time.Minute

// maxBody bounds what is read of an API answer.
const maxBody = 4 << 20

type apiStatus struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

func (s apiStatus) err(path string) error {
	if s.ErrCode == 0 {
		return nil
	}
	return &APIError{Path: path, Code: s.ErrCode, Msg: s.ErrMsg}
}

// accessToken returns the cached token or fetches one.
func (c *client) accessToken(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && c.now().Before(c.expires) {
		return c.token, nil
	}
	q := url.Values{"corpid": {c.corpID}, "corpsecret": {c.secret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/cgi-bin/gettoken?"+q.Encode(), nil)
	if err != nil {
		return "", fmt.Errorf("kf: gettoken: %w", err)
	}
	var out struct {
		apiStatus
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := c.do(req, "gettoken", &out); err != nil {
		return "", err
	}
	if err := out.err("gettoken"); err != nil {
		return "", err
	}
	if out.AccessToken == "" {
		return "", fmt.Errorf("kf: gettoken: no access_token in the answer")
	}
	c.token = out.AccessToken
	life := time.Duration(out.ExpiresIn)*time.Second - tokenMargin
	if life < time.Minute {
		life = time.Minute
	}
	c.expires = c.now().Add(life)
	return c.token, nil
}

// forget drops token if it is still the cached one.
func (c *client) forget(token string) {
	c.mu.Lock()
	if c.token == token {
		c.token = ""
	}
	c.mu.Unlock()
}

// call POSTs in as JSON to path (relative to /cgi-bin/) and decodes the
// answer into out, which must embed apiStatus. A token WeCom calls expired
// or invalid is fetched again and the call made once more.
func (c *client) call(ctx context.Context, path string, in any, out interface{ err(string) error }) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("kf: %s: %w", path, err)
	}
	for attempt := 1; ; attempt++ {
		token, err := c.accessToken(ctx)
		if err != nil {
			return err
		}
		u := c.base + "/cgi-bin/" + path + "?access_token=" + url.QueryEscape(token)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("kf: %s: %w", path, err)
		}
		req.Header.Set("Content-Type", "application/json")
		if err := c.do(req, path, out); err != nil {
			return err
		}
		err = out.err(path)
		if e, ok := err.(*APIError); ok && attempt == 1 &&
			(e.Code == codeTokenExpired || e.Code == codeTokenInvalid || e.Code == codeCredential) {
			c.forget(token)
			continue
		}
		return err
	}
}

// do sends req and decodes its JSON answer into out.
func (c *client) do(req *http.Request, path string, out any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		// The URL carries the access token or the secret: leave it out.
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err
		}
		return fmt.Errorf("kf: %s: %w", path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("kf: %s: read answer: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("kf: %s: HTTP %s", path, resp.Status)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("kf: %s: decode answer %.80q: %w", path, strings.TrimSpace(string(data)), err)
	}
	return nil
}

// A syncedMsg is one entry of kf/sync_msg's msg_list.
type syncedMsg struct {
	MsgID          string `json:"msgid"`
	OpenKfID       string `json:"open_kfid"`
	ExternalUserID string `json:"external_userid"`
	SendTime       int64  `json:"send_time"`
	Origin         int    `json:"origin"` // 3 a WeChat user, 4 a system event, 5 a servicer
	MsgType        string `json:"msgtype"`
	Text           struct {
		Content string `json:"content"`
	} `json:"text"`
	Event struct {
		EventType      string `json:"event_type"`
		ExternalUserID string `json:"external_userid"`
		FailMsgID      string `json:"fail_msgid"`
		FailType       int    `json:"fail_type"`
	} `json:"event"`
}

// Message origins in sync_msg.
const (
	originCustomer = 3
	originEvent    = 4
)

type syncReq struct {
	Cursor   string `json:"cursor,omitempty"`
	Token    string `json:"token,omitempty"`
	Limit    int    `json:"limit"`
	OpenKfID string `json:"open_kfid"`
}

type syncResp struct {
	apiStatus
	NextCursor string      `json:"next_cursor"`
	HasMore    int         `json:"has_more"`
	MsgList    []syncedMsg `json:"msg_list"`
}

func (c *client) syncMsg(ctx context.Context, r syncReq) (syncResp, error) {
	var out syncResp
	err := c.call(ctx, "kf/sync_msg", r, &out)
	return out, err
}

func (c *client) sendText(ctx context.Context, openKfID, user, text string) (string, error) {
	in := map[string]any{
		"touser":    user,
		"open_kfid": openKfID,
		"msgtype":   "text",
		"text":      map[string]string{"content": text},
	}
	var out struct {
		apiStatus
		MsgID string `json:"msgid"`
	}
	err := c.call(ctx, "kf/send_msg", in, &out)
	return out.MsgID, err
}

// Session states of kf/service_state.
const (
	stateNew       = 0 // 未处理: new, not yet taken
	stateAssistant = 1 // 由智能助手接待: the bot
	stateQueued    = 2 // 待接入池排队中: waiting for a person
	statePerson    = 3 // 由人工接待: a person has it
	stateEnded     = 4 // 已结束/未开始
)

func (c *client) serviceState(ctx context.Context, openKfID, user string) (int, error) {
	var out struct {
		apiStatus
		ServiceState int `json:"service_state"`
	}
	err := c.call(ctx, "kf/service_state/get", map[string]string{"open_kfid": openKfID, "external_userid": user}, &out)
	return out.ServiceState, err
}

func (c *client) transState(ctx context.Context, openKfID, user string, state int) error {
	var out apiStatus
	return c.call(ctx, "kf/service_state/trans", map[string]any{
		"open_kfid": openKfID, "external_userid": user, "service_state": state,
	}, &out)
}
