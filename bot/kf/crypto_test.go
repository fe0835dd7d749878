package kf

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

type vectors struct {
	Token          string `json:"token"`
	EncodingAESKey string `json:"encoding_aes_key"`
	CorpID         string `json:"corp_id"`
}

func loadVectors(t *testing.T) (v vectors, verify, callback map[string]string) {
	t.Helper()
	data, err := os.ReadFile("testdata/tencent_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Token          string            `json:"token"`
		EncodingAESKey string            `json:"encoding_aes_key"`
		CorpID         string            `json:"corp_id"`
		VerifyURL      map[string]string `json:"verify_url"`
		Callback       map[string]string `json:"callback"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	return vectors{Token: raw.Token, EncodingAESKey: raw.EncodingAESKey, CorpID: raw.CorpID}, raw.VerifyURL, raw.Callback
}

// TestMsgCrypt_TencentVectors decrypts Tencent's published samples: the URL
// verification's echostr and an encrypted message, signatures included.
func TestMsgCrypt_TencentVectors(t *testing.T) {
	v, verify, cb := loadVectors(t)
	c, err := newMsgCrypt(v.Token, v.EncodingAESKey, v.CorpID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.open(verify["msg_signature"], verify["timestamp"], verify["nonce"], verify["echostr"])
	if err != nil {
		t.Fatalf("verify URL sample: %v", err)
	}
	if string(got) != verify["plaintext"] {
		t.Errorf("echostr = %q, want %q", got, verify["plaintext"])
	}

	plain, err := c.open(cb["msg_signature"], cb["timestamp"], cb["nonce"], cb["encrypt"])
	if err != nil {
		t.Fatalf("callback sample: %v", err)
	}
	var msg struct {
		ToUserName, FromUserName, Content, AgentID string
	}
	if err := xml.Unmarshal(plain, &msg); err != nil {
		t.Fatalf("callback sample plaintext %q: %v", plain, err)
	}
	if msg.ToUserName != v.CorpID || msg.FromUserName != cb["from_user"] || msg.Content != cb["content"] || msg.AgentID != cb["agent_id"] {
		t.Errorf("callback sample decrypted to %+v, want To %s From %s Content %s AgentID %s",
			msg, v.CorpID, cb["from_user"], cb["content"], cb["agent_id"])
	}
}

// TestMsgCrypt_Refusals: a wrong signature, a tampered text, another
// organisation's receive id and a malformed key are all refused.
func TestMsgCrypt_Refusals(t *testing.T) {
	v, verify, cb := loadVectors(t)
	c, err := newMsgCrypt(v.Token, v.EncodingAESKey, v.CorpID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.open("0000000000000000000000000000000000000000", cb["timestamp"], cb["nonce"], cb["encrypt"]); !errors.Is(err, errSignature) {
		t.Errorf("bad signature: err = %v, want errSignature", err)
	}
	if _, err := c.open(cb["msg_signature"], "1409659814", cb["nonce"], cb["encrypt"]); !errors.Is(err, errSignature) {
		t.Errorf("changed timestamp: err = %v, want errSignature", err)
	}
	other, err := newMsgCrypt(v.Token, v.EncodingAESKey, "wwotherorg")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.open(verify["msg_signature"], verify["timestamp"], verify["nonce"], verify["echostr"]); err == nil || errors.Is(err, errSignature) {
		t.Errorf("other receive id: err = %v, want a decrypt error", err)
	}
	for _, key := range []string{"short", v.EncodingAESKey[:42] + "!"} {
		if _, err := newMsgCrypt(v.Token, key, v.CorpID); err == nil {
			t.Errorf("newMsgCrypt(key %q) = nil error", key)
		}
	}
}

func TestPack(t *testing.T) {
	long := ""
	for range 1000 {
		long += "资"
	}
	for _, test := range []struct {
		name  string
		parts []string
		max   int
		want  int
	}{
		{"short parts share a message", []string{"甲", "乙", "丙"}, 2048, 1},
		{"parts that do not fit together", []string{long[:1500], long[:1500]}, 2048, 2},
		{"a part longer than a message is cut", []string{long}, 2048, 2},
		{"empty parts are dropped", []string{"", " "}, 2048, 0},
	} {
		t.Run(test.name, func(t *testing.T) {
			got := pack(test.parts, test.max)
			if len(got) != test.want {
				t.Fatalf("pack gave %d messages, want %d", len(got), test.want)
			}
			for _, m := range got {
				if len(m) > test.max {
					t.Errorf("message of %d bytes, max %d", len(m), test.max)
				}
				if !utf8.ValidString(m) {
					t.Errorf("message is not valid UTF-8 text")
				}
			}
		})
	}
}

// TestURLVerification_TencentVector answers the URL check of Tencent's
// sample, as WeCom sends it (percent-encoded), and as a proxy might pass it
// on (with "+" unescaped).
func TestURLVerification_TencentVector(t *testing.T) {
	v, verify, _ := loadVectors(t)
	tr, err := New(Config{CorpID: v.CorpID, Secret: "s", Token: v.Token, EncodingAESKey: v.EncodingAESKey, OpenKfID: "wk", StateFile: "unused"})
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"msg_signature": {verify["msg_signature"]}, "timestamp": {verify["timestamp"]}, "nonce": {verify["nonce"]}, "echostr": {verify["echostr"]}}
	for _, query := range []string{q.Encode(), strings.ReplaceAll(q.Encode(), "%2B", "+")} {
		w := httptest.NewRecorder()
		tr.serveCallback(w, httptest.NewRequest(http.MethodGet, "/kf/callback?"+query, nil))
		if w.Code != http.StatusOK || w.Body.String() != verify["plaintext"] {
			t.Errorf("GET ?%s = %d %q, want 200 %q", query, w.Code, w.Body.String(), verify["plaintext"])
		}
	}
	w := httptest.NewRecorder()
	q.Set("nonce", "1")
	tr.serveCallback(w, httptest.NewRequest(http.MethodGet, "/kf/callback?"+q.Encode(), nil))
	if w.Code != http.StatusForbidden || strings.Contains(w.Body.String(), verify["plaintext"]) {
		t.Errorf("GET with a wrong nonce = %d %q, want 403", w.Code, w.Body.String())
	}
}
