package kf

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzCallback sends the callback handler arbitrary queries and bodies: it
// must answer 200 only to what is correctly signed, never panic, and never
// wake the worker for a request it refused.
func FuzzCallback(f *testing.F) {
	f.Add("GET", "1409659813", "1372623149", "sig", "<xml><Encrypt>abc</Encrypt></xml>")
	f.Add("POST", "1", "2", "477715d11cdb4164915debcba66cb864d751f3e6", "<xml><ToUserName>x</ToUserName><Encrypt><![CDATA[RypEvHKD8QQ]]></Encrypt></xml>")
	f.Add("POST", "", "", "", "not xml")
	f.Fuzz(func(t *testing.T, method, ts, nonce, sig, body string) {
		if method != "GET" {
			method = "POST"
		}
		tr, err := New(Config{CorpID: "wx5823bf96d3bd56c7", Secret: "s", Token: "QDG6eK",
			EncodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", OpenKfID: "wk", StateFile: "unused"})
		if err != nil {
			t.Fatal(err)
		}
		q := url.Values{"msg_signature": {sig}, "timestamp": {ts}, "nonce": {nonce}, "echostr": {body}}
		w := httptest.NewRecorder()
		tr.serveCallback(w, httptest.NewRequest(method, "/kf/callback?"+q.Encode(), strings.NewReader(body)))
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusForbidden:
		default:
			t.Errorf("status %d", w.Code)
		}
		if w.Code != http.StatusOK && len(tr.wake) > 0 {
			t.Errorf("a refused request (%d) woke the worker", w.Code)
		}
	})
}
