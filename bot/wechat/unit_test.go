package wechat

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/eatmoreapple/openwechat"
)

func TestSplit(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("资", 25)
	for _, test := range []struct {
		name string
		text string
		max  int
		want []string
	}{
		{"short", "  你好  ", 10, []string{"你好"}},
		{"paragraphs packed", "一二三\n\n四五六\n\n七八九", 8, []string{"一二三\n\n四五六", "七八九"}},
		{"lines of a long paragraph", "一二三四\n五六七八\n九十", 9, []string{"一二三四\n五六七八", "九十"}},
		{"one long line", long, 10, []string{long[:30], long[30:60], long[60:]}},
		{"no limit", long, 0, []string{long}},
	} {
		t.Run(test.name, func(t *testing.T) {
			got := split(test.text, test.max)
			if strings.Join(got, "|") != strings.Join(test.want, "|") {
				t.Errorf("split(%q, %d) = %q, want %q", test.text, test.max, got, test.want)
			}
			for _, p := range got {
				if test.max > 0 && utf8.RuneCountInString(p) > test.max {
					t.Errorf("part %q is longer than %d runes", p, test.max)
				}
			}
		})
	}
}

// TestLoginFile checks the hot-login file against what openwechat writes:
// cookies saved as name and value under the host that set them.
func TestLoginFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sub", "login.json")
	s := newLoginFile(path)
	if ok, err := s.load(); ok || err != nil {
		t.Fatalf("load of a missing file = %v, %v; want false, nil", ok, err)
	}
	if _, err := s.Read(make([]byte, 10)); err != openwechat.ErrInvalidStorage {
		t.Fatalf("Read with no session = %v, want ErrInvalidStorage", err)
	}
	first := `{"Jar":{"https://wx.qq.com":[{"Name":"wxsid","Value":"s1"},{"Name":"wxuin","Value":"42"}]},"WechatDomain":"wx2.qq.com","SyncKey":{"Count":0}}`
	// wx.qq.com is not under wx2.qq.com: those cookies stay host-only.
	if _, err := s.Write([]byte(first)); err != nil {
		t.Fatal(err)
	}
	second := `{"Jar":{"https://wx2.qq.com":[{"Name":"wxsid","Value":"s2"}]},"WechatDomain":"wx2.qq.com"}`
	if _, err := s.Write([]byte(second)); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}

	// A later hot login reads both writes' cookies, the WeChat domain's
	// with their domain restored.
	s2 := newLoginFile(path)
	if ok, err := s2.load(); !ok || err != nil {
		t.Fatalf("load = %v, %v; want true, nil", ok, err)
	}
	var item openwechat.HotReloadStorageItem
	if err := json.NewDecoder(s2).Decode(&item); err != nil {
		t.Fatal(err)
	}
	if item.WechatDomain != "wx2.qq.com" {
		t.Errorf("domain = %q", item.WechatDomain)
	}
	for _, test := range []struct{ url, want string }{
		{"https://webpush.wx2.qq.com/cgi-bin/mmwebwx-bin/synccheck", "wxsid=s2"},
		{"https://file.wx2.qq.com/", "wxsid=s2"},
		{"https://wx.qq.com/", "wxsid=s1; wxuin=42"},
		{"https://webpush.wx.qq.com/", ""},
	} {
		u, _ := url.Parse(test.url)
		if got := cookieHeader(item.Jar.Cookies(u)); got != test.want {
			t.Errorf("cookies for %s = %q, want %q", test.url, got, test.want)
		}
	}

	// A corrupt file is no session.
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ok, err := newLoginFile(path).load(); ok || err == nil {
		t.Errorf("load of a corrupt file = %v, %v; want false and an error", ok, err)
	}
}

func cookieHeader(cs []*http.Cookie) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}
