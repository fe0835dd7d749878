package wechat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeWeChat imitates the web WeChat endpoints openwechat v1.4.10 calls, as
// transcribed from the real client (see the project's research notes): it is
// an http.RoundTripper, so the real openwechat client runs unchanged against
// it, with its cookie jar applied to the real WeChat host names.
type fakeWeChat struct {
	t *testing.T

	mu       sync.Mutex
	scan     []string           // login poll answers still to give ("408", "201", "200", "400")
	batches  [][]map[string]any // AddMsgLists waiting for webwxsync
	kick     string             // synccheck retcode to answer next ("1101")
	syncKey  int
	nextID   int
	sent     []sentMsg
	failSend int                 // webwxsendmsg calls still to fail
	attempts []time.Time         // every webwxsendmsg call
	initFail int                 // webwxinit calls still to reject with Ret 1101
	syncFail []string            // retcodes for the next synccheck calls
	syncKeys []string            // synckey of each synccheck
	loginErr string              // <ret> of the login page, "" for 0
	calls    map[string]int      // path → count
	cookies  []map[string]string // cookies on each synccheck
	uuids    int
	contacts []map[string]any
	groups   map[string]map[string]any
	wake     chan struct{}
}

type sentMsg struct {
	To, Content, MsgID string
	At                 time.Time
}

const (
	selfUser  = "@self0001"
	selfNick  = "QualBot"
	groupUser = "@@group0001"
	groupName = "小程序开发交流群"
	botCard   = "资质小助手" // the bot's display name in the group
)

func newFakeWeChat(t *testing.T) *fakeWeChat {
	f := &fakeWeChat{
		t:      t,
		calls:  map[string]int{},
		wake:   make(chan struct{}, 1),
		nextID: 1,
		contacts: []map[string]any{
			{"UserName": "@bob0001", "NickName": "Bob", "RemarkName": "客户Bob"},
			{"UserName": "@carol0001", "NickName": "Carol", "RemarkName": "管理员张三"},
			{"UserName": "@dave0001", "NickName": "管理员张三", "RemarkName": ""}, // nickname spoofs the admin
			{"UserName": groupUser, "NickName": groupName},
			{"UserName": "@mp0001", "NickName": "某公众号", "VerifyFlag": 24},
		},
	}
	f.groups = map[string]map[string]any{
		groupUser: {"UserName": groupUser, "NickName": groupName, "MemberList": []map[string]any{
			{"UserName": selfUser, "NickName": selfNick, "DisplayName": botCard},
			{"UserName": "@alice0001", "NickName": "Alice", "DisplayName": "爱丽丝"},
			{"UserName": "@bob0001", "NickName": "Bob"},
		}},
	}
	return f
}

// RoundTrip serves the request in process. The request's URL still names
// the real WeChat host, which routes it.
func (f *fakeWeChat) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	f.serve(rec, req)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

func (f *fakeWeChat) serve(w http.ResponseWriter, r *http.Request) {
	host, path := r.URL.Host, r.URL.Path
	f.mu.Lock()
	f.calls[path]++
	f.mu.Unlock()
	switch {
	case host == "login.wx.qq.com" && path == "/jslogin":
		if !strings.Contains(r.URL.Query().Get("redirect_uri"), "mod=desktop") {
			f.t.Errorf("jslogin without desktop mode: %s", r.URL)
		}
		f.mu.Lock()
		f.uuids++
		n := f.uuids
		f.mu.Unlock()
		fmt.Fprintf(w, `window.QRLogin.code = 200; window.QRLogin.uuid = "Qfake-uuid-%d==";`, n)
	case host == "login.wx.qq.com" && path == "/cgi-bin/mmwebwx-bin/login":
		f.mu.Lock()
		code := "408"
		if len(f.scan) > 0 {
			code, f.scan = f.scan[0], f.scan[1:]
		}
		f.mu.Unlock()
		switch code {
		case "200":
			fmt.Fprint(w, `window.code=200;`+"\n"+`window.redirect_uri="https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T1&uuid=U1&lang=zh_CN&scan=1700000000";`)
		case "201":
			fmt.Fprint(w, `window.code=201;window.userAvatar = 'data:img/jpg;base64,AAAA';`)
		case "408":
			time.Sleep(5 * time.Millisecond) // the real server long-polls
			fmt.Fprint(w, `window.code=408;`)
		default:
			fmt.Fprintf(w, `window.code=%s;`, code)
		}
	case host == "wx.qq.com" && path == "/cgi-bin/mmwebwx-bin/webwxnewloginpage":
		if r.Header.Get("client-version") == "" || r.Header.Get("extspam") == "" {
			f.t.Errorf("login page without the desktop headers")
		}
		f.mu.Lock()
		f.syncKey += 10 // a new session starts from a new sync key
		f.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "wxsid", Value: "sid", Domain: "wx.qq.com", Path: "/"})
		http.SetCookie(w, &http.Cookie{Name: "wxuin", Value: "1234567", Domain: "wx.qq.com", Path: "/"})
		http.SetCookie(w, &http.Cookie{Name: "webwx_data_ticket", Value: "ticket", Domain: "qq.com", Path: "/"})
		f.mu.Lock()
		loginErr := f.loginErr
		f.mu.Unlock()
		if loginErr != "" {
			fmt.Fprintf(w, `<error><ret>%s</ret><message>当前登录环境异常。为了你的帐号安全，暂时不能登录web微信。</message></error>`, loginErr)
			return
		}
		fmt.Fprint(w, `<error><ret>0</ret><message></message><skey>@crypt_x</skey><wxsid>sid</wxsid>`+
			`<wxuin>1234567</wxuin><pass_ticket>pt</pass_ticket><isgrayscale>1</isgrayscale></error>`)
	case host == "wx.qq.com" && path == "/cgi-bin/mmwebwx-bin/webwxinit":
		f.mu.Lock()
		key, fail := f.syncKey, f.initFail > 0
		if fail {
			f.initFail--
		}
		f.mu.Unlock()
		if fail {
			writeJSON(w, map[string]any{"BaseResponse": map[string]any{"Ret": 1101, "ErrMsg": ""}})
			return
		}
		writeJSON(w, map[string]any{
			"BaseResponse": map[string]any{"Ret": 0, "ErrMsg": ""},
			"User":         map[string]any{"Uin": 1234567, "UserName": selfUser, "NickName": selfNick},
			"SyncKey":      syncKey(key),
			"ContactList":  []any{},
		})
	case host == "wx.qq.com" && path == "/cgi-bin/mmwebwx-bin/webwxstatusnotify":
		writeJSON(w, map[string]any{"BaseResponse": map[string]any{"Ret": 0}})
	case host == "webpush.wx.qq.com" && path == "/cgi-bin/mmwebwx-bin/synccheck":
		f.synccheck(w, r)
	case host == "wx.qq.com" && path == "/cgi-bin/mmwebwx-bin/webwxsync":
		f.mu.Lock()
		// Like the real server, one sync returns every message waiting.
		var msgs []map[string]any
		for _, b := range f.batches {
			msgs = append(msgs, b...)
		}
		f.batches = nil
		f.syncKey++
		key := f.syncKey
		f.mu.Unlock()
		writeJSON(w, map[string]any{
			"BaseResponse": map[string]any{"Ret": 0},
			"AddMsgCount":  len(msgs),
			"AddMsgList":   msgs,
			"SyncKey":      syncKey(key),
		})
	case host == "wx.qq.com" && path == "/cgi-bin/mmwebwx-bin/webwxgetcontact":
		writeJSON(w, map[string]any{
			"BaseResponse": map[string]any{"Ret": 0},
			"MemberCount":  len(f.contacts),
			"MemberList":   f.contacts,
			"Seq":          0,
		})
	case host == "wx.qq.com" && path == "/cgi-bin/mmwebwx-bin/webwxbatchgetcontact":
		var body struct{ List []struct{ UserName string } }
		decode(f.t, r, &body)
		var list []any
		for _, u := range body.List {
			if g, ok := f.groups[u.UserName]; ok {
				list = append(list, g)
			} else {
				list = append(list, map[string]any{"UserName": u.UserName})
			}
		}
		writeJSON(w, map[string]any{"BaseResponse": map[string]any{"Ret": 0}, "Count": len(list), "ContactList": list})
	case host == "wx.qq.com" && path == "/cgi-bin/mmwebwx-bin/webwxsendmsg":
		var body struct {
			Msg struct {
				Type                              int
				Content, FromUserName, ToUserName string
			}
		}
		decode(f.t, r, &body)
		if body.Msg.Type != 1 || body.Msg.FromUserName != selfUser {
			f.t.Errorf("webwxsendmsg: type %d from %q", body.Msg.Type, body.Msg.FromUserName)
		}
		f.mu.Lock()
		f.attempts = append(f.attempts, time.Now())
		if f.failSend > 0 {
			f.failSend--
			f.mu.Unlock()
			writeJSON(w, map[string]any{"BaseResponse": map[string]any{"Ret": 1205, "ErrMsg": ""}})
			return
		}
		id := fmt.Sprintf("50000000000000%04d", f.nextID)
		f.nextID++
		f.sent = append(f.sent, sentMsg{To: body.Msg.ToUserName, Content: body.Msg.Content, MsgID: id, At: time.Now()})
		f.mu.Unlock()
		writeJSON(w, map[string]any{"BaseResponse": map[string]any{"Ret": 0, "ErrMsg": ""}, "MsgID": id, "LocalID": "1"})
	default:
		f.t.Errorf("fake WeChat: unexpected request %s %s", r.Method, r.URL)
		http.NotFound(w, r)
	}
}

// synccheck long-polls: it answers at once when messages wait, else after a
// short wait (the real server holds the request about 25 s).
func (f *fakeWeChat) synccheck(w http.ResponseWriter, r *http.Request) {
	cookies := map[string]string{}
	for _, c := range r.Cookies() {
		cookies[c.Name] = c.Value
	}
	f.mu.Lock()
	f.cookies = append(f.cookies, cookies)
	f.syncKeys = append(f.syncKeys, r.URL.Query().Get("synckey"))
	var fail string
	if len(f.syncFail) > 0 {
		fail, f.syncFail = f.syncFail[0], f.syncFail[1:]
	}
	f.mu.Unlock()
	if fail != "" {
		fmt.Fprintf(w, `window.synccheck={retcode:"%s",selector:"0"}`, fail)
		return
	}
	t := time.NewTimer(20 * time.Millisecond)
	defer t.Stop()
	for {
		f.mu.Lock()
		kick, pending := f.kick, len(f.batches) > 0
		f.mu.Unlock()
		switch {
		case kick != "":
			fmt.Fprintf(w, `window.synccheck={retcode:"%s",selector:"0"}`, kick)
			return
		case pending:
			fmt.Fprint(w, `window.synccheck={retcode:"0",selector:"2"}`)
			return
		}
		select {
		case <-f.wake:
		case <-t.C:
			fmt.Fprint(w, `window.synccheck={retcode:"0",selector:"0"}`)
			return
		case <-r.Context().Done():
			return
		}
	}
}

// push delivers messages with the next sync.
func (f *fakeWeChat) push(msgs ...map[string]any) {
	f.mu.Lock()
	f.batches = append(f.batches, msgs)
	f.mu.Unlock()
	f.poke()
}

// kickOut makes the next synccheck end the session with retcode.
func (f *fakeWeChat) kickOut(retcode string) {
	f.mu.Lock()
	f.kick = retcode
	f.mu.Unlock()
	f.poke()
}

func (f *fakeWeChat) poke() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// failSends makes the next n webwxsendmsg calls fail.
func (f *fakeWeChat) failSends(n int) {
	f.mu.Lock()
	f.failSend = n
	f.mu.Unlock()
}

// failInit makes the next n webwxinit calls fail with Ret 1101.
func (f *fakeWeChat) failInit(n int) {
	f.mu.Lock()
	f.initFail = n
	f.mu.Unlock()
}

// failSyncChecks makes the next synccheck calls answer these retcodes.
func (f *fakeWeChat) failSyncChecks(retcodes ...string) {
	f.mu.Lock()
	f.syncFail = retcodes
	f.mu.Unlock()
	f.poke()
}

func (f *fakeWeChat) syncCheckKeys() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.syncKeys...)
}

func (f *fakeWeChat) sendAttempts() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.attempts...)
}

func (f *fakeWeChat) setScan(codes ...string) {
	f.mu.Lock()
	f.scan = codes
	f.mu.Unlock()
}

func (f *fakeWeChat) sentMessages() []sentMsg {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sentMsg(nil), f.sent...)
}

func (f *fakeWeChat) count(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[path]
}

func (f *fakeWeChat) syncCookies() []map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]string(nil), f.cookies...)
}

// waitFor waits until cond holds.
func waitFor(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func syncKey(v int) map[string]any {
	return map[string]any{"Count": 2, "List": []map[string]any{{"Key": 1, "Val": 100 + v}, {"Key": 2, "Val": 200 + v}}}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "text/plain") // the real server does not say JSON either
	if err := json.NewEncoder(w).Encode(v); err != nil {
		panic(err)
	}
}

func decode(t *testing.T, r *http.Request, v any) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		t.Errorf("read body: %v", err)
		return
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Errorf("decode %s: %v", r.URL.Path, err)
	}
}

// textMsg is one AddMsgList entry: a text message.
func textMsg(id int, from, to, content string, created time.Time) map[string]any {
	return map[string]any{
		"MsgId":        fmt.Sprintf("900000000000000%04d", id),
		"NewMsgId":     9000000000000000000 + id,
		"MsgType":      1,
		"CreateTime":   created.Unix(),
		"FromUserName": from,
		"ToUserName":   to,
		"Content":      content,
	}
}

// groupMsg is a text message from member in the group: the content carries
// the member's user name, as on the wire.
func groupMsg(id int, member, content string, created time.Time) map[string]any {
	return textMsg(id, groupUser, selfUser, member+":<br/>"+content, created)
}
