package wechat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/eatmoreapple/openwechat"
)

// loginFile is the hot-login storage openwechat reads at a hot login and
// rewrites after every sync. It differs from openwechat's file storage in
// three ways:
//
//   - The file is written atomically (temporary file and rename) with mode
//     0600: it holds session cookies.
//   - Cookies keep their domain. openwechat saves cookies as name and value
//     under the host that set them, so after a hot login they are host-only
//     for wx.qq.com and the sync host (webpush.wx.qq.com) and the file host
//     get none. Cookies saved under the WeChat domain or a subdomain of it
//     are given that domain again, so every WeChat host receives them.
//   - Cookies are not lost between saves. After a hot login openwechat's jar
//     forgets which hosts set cookies and would save an empty jar; the
//     cookies last read or written are kept and updated by name instead.
//
// Reading is explicit: load prepares the file's content for one hot login,
// and reset makes the next login a fresh scan (reads fail with
// openwechat.ErrInvalidStorage, which openwechat treats as "no session").
type loginFile struct {
	path string

	mu  sync.Mutex
	rd  *bytes.Reader             // content for the next hot login; nil after reset
	jar map[string][]*http.Cookie // cookies last read or written
}

func newLoginFile(path string) *loginFile { return &loginFile{path: path} }

// load reads the file for a hot login. It reports false when there is no
// file, which means a scan is needed.
func (s *loginFile) load() (bool, error) {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		s.reset()
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read login file: %w", err)
	}
	fixed, jar, err := fixCookies(data, nil)
	if err != nil {
		// An unreadable file is no session: scan again and overwrite it.
		s.reset()
		return false, fmt.Errorf("login file %s: %w", s.path, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rd = bytes.NewReader(fixed)
	s.jar = jar
	return true, nil
}

// reset forgets the stored session, so the next login scans a QR code.
func (s *loginFile) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rd = nil
	s.jar = nil
}

// Read implements openwechat.HotReloadStorage.
func (s *loginFile) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rd == nil {
		return 0, openwechat.ErrInvalidStorage
	}
	return s.rd.Read(p)
}

// Write implements openwechat.HotReloadStorage. openwechat writes one whole
// JSON document per call (json.Encoder.Encode).
func (s *loginFile) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fixed, jar, err := fixCookies(p, s.jar)
	if err != nil {
		return 0, fmt.Errorf("login file: %w", err)
	}
	if err := writeFileAtomic(s.path, fixed); err != nil {
		return 0, err
	}
	s.jar = jar
	return len(p), nil
}

// fixCookies rewrites the Jar of a saved openwechat session: cookies under
// the WeChat domain get that domain, and cookies of prev that the new jar
// lacks are kept. It returns the new document and its jar.
func fixCookies(data []byte, prev map[string][]*http.Cookie) ([]byte, map[string][]*http.Cookie, error) {
	var item map[string]json.RawMessage
	if err := json.Unmarshal(data, &item); err != nil {
		return nil, nil, fmt.Errorf("decode session: %w", err)
	}
	var domain string
	if raw, ok := item["WechatDomain"]; ok {
		if err := json.Unmarshal(raw, &domain); err != nil {
			return nil, nil, fmt.Errorf("decode session domain: %w", err)
		}
	}
	jar := map[string][]*http.Cookie{}
	if raw, ok := item["Jar"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &jar); err != nil {
			return nil, nil, fmt.Errorf("decode session cookies: %w", err)
		}
	}
	merged := map[string][]*http.Cookie{}
	for host, cs := range prev {
		merged[host] = append([]*http.Cookie(nil), cs...)
	}
	for host, cs := range jar {
		for _, c := range cs {
			merged[host] = setCookie(merged[host], c)
		}
	}
	for host, cs := range merged {
		u, err := url.Parse(host)
		if err != nil {
			return nil, nil, fmt.Errorf("decode session cookies: host %q: %w", host, err)
		}
		for _, c := range cs {
			if c.Domain == "" && domain != "" && (u.Hostname() == domain || strings.HasSuffix(u.Hostname(), "."+domain)) {
				c.Domain = domain
			}
			if c.Path == "" {
				c.Path = "/"
			}
		}
	}
	raw, err := json.Marshal(merged)
	if err != nil {
		return nil, nil, fmt.Errorf("encode session cookies: %w", err)
	}
	item["Jar"] = raw
	out, err := json.Marshal(item)
	if err != nil {
		return nil, nil, fmt.Errorf("encode session: %w", err)
	}
	return out, merged, nil
}

// setCookie replaces the cookie named like c in cs, or appends c.
func setCookie(cs []*http.Cookie, c *http.Cookie) []*http.Cookie {
	c2 := *c
	for i, old := range cs {
		if old.Name == c.Name {
			if c2.Domain == "" {
				c2.Domain = old.Domain
			}
			cs[i] = &c2
			return cs
		}
	}
	return append(cs, &c2)
}

// writeFileAtomic replaces path with data, readable by the owner only.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create login file directory: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write login file: %w", err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o600)
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write login file: %w", werr)
	}
	return nil
}
