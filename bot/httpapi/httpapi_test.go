package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/httpapi"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/index"
	"github.com/qualbot/qualbot/knowledge"
)

// testKB is the bot's small test knowledge base: 社交, 电商平台, 文娱, 工具.
const testKB = "../testdata/kb"

// env is a Server over a real index with its own unanswered log.
type env struct {
	srv        *httpapi.Server
	h          http.Handler
	ix         *index.Index
	answerer   *bot.Answerer
	unanswered string
	events     *events
}

// events records what the server told its observers.
type events struct {
	mu  sync.Mutex
	all []bot.Event
}

func (e *events) Observe(_ context.Context, ev *bot.Event) {
	e.mu.Lock()
	e.all = append(e.all, *ev)
	e.mu.Unlock()
}

func (e *events) list() []bot.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.all)
}

func newEnv(t testing.TB, ix *index.Index, adjust func(*httpapi.Server)) *env {
	t.Helper()
	if ix == nil {
		ix = transporttest.SharedIndex(t, testKB)
	}
	e := &env{ix: ix, unanswered: filepath.Join(t.TempDir(), "unanswered.jsonl"), events: &events{}}
	stats := bot.NewStats(time.Now())
	e.answerer = &bot.Answerer{
		Searcher:      ix,
		ToTraditional: index.ToTraditional,
		Stats:         stats,
		Unanswered:    &bot.UnansweredLog{Path: e.unanswered},
	}
	admin := &bot.Admin{Base: ix.Base, Stats: stats}
	admin.SetLoaded(time.Now())
	e.srv = &httpapi.Server{
		Answerer:   e.answerer,
		Base:       ix.Base,
		Admin:      admin,
		Stats:      stats,
		Unanswered: e.answerer.Unanswered,
		Token:      "s3cret",
		Observers:  []bot.Observer{e.events},
	}
	if adjust != nil {
		adjust(e.srv)
	}
	e.h = e.srv.Handler()
	return e
}

// do sends a request and decodes the JSON answer into out (when not nil).
func (e *env) do(t *testing.T, method, target, body string, hdr map[string]string, out any) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	res := rec.Result()
	if strings.HasPrefix(target, "/v1/") && target != "/v1/openapi.yaml" {
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s %s: Content-Type %q, want JSON", method, target, ct)
		}
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, target, err, rec.Body)
		}
	}
	return res
}

// apiErr is the body of an error.
type apiErr struct {
	Error struct {
		Code     string   `json:"code"`
		Message  string   `json:"message"`
		Problems []string `json:"problems"`
	} `json:"error"`
}

// wantError checks an error answer: its status, its code, and a Chinese message.
func (e *env) wantError(t *testing.T, method, target, body string, hdr map[string]string, status int, code string) apiErr {
	t.Helper()
	var got apiErr
	res := e.do(t, method, target, body, hdr, &got)
	if res.StatusCode != status || got.Error.Code != code {
		t.Errorf("%s %s: %d %q, want %d %q", method, clipTarget(target), res.StatusCode, got.Error.Code, status, code)
	}
	if !hasHan(got.Error.Message) {
		t.Errorf("%s %s: message %q is not Chinese", method, clipTarget(target), got.Error.Message)
	}
	return got
}

func clipTarget(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
	}
	return false
}

func q(s string) string { return url.QueryEscape(s) }

func TestAsk(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	for _, question := range []string{"做直播要什么资质", "EDI是什么", "帮助", "今天天气怎么样"} {
		want, _, _, err := e.answerer.Explain(context.Background(), question, 3)
		if err != nil {
			t.Fatal(err)
		}
		var get, post bot.Explanation
		if res := e.do(t, "GET", "/v1/ask?q="+q(question), "", nil, &get); res.StatusCode != 200 {
			t.Fatalf("GET %q: %d", question, res.StatusCode)
		}
		body, _ := json.Marshal(map[string]any{"question": question, "top": 3})
		if res := e.do(t, "POST", "/v1/ask", string(body), nil, &post); res.StatusCode != 200 {
			t.Fatalf("POST %q: %d", question, res.StatusCode)
		}
		for _, got := range []bot.Explanation{get, post} {
			if got.Reply != want.Reply || got.ReplyKind != want.ReplyKind || got.Kind != want.Kind || len(got.Hits) != len(want.Hits) || !slices.Equal(got.Messages, want.Messages) || got.Parts != len(got.Messages) {
				t.Errorf("%q: got %+v, want the Answerer's %+v", question, got, want)
			}
		}
	}
	var top bot.Explanation
	e.do(t, "GET", "/v1/ask?top=1&q="+q("做直播要什么资质"), "", nil, &top)
	if len(top.Hits) != 1 {
		t.Errorf("top=1: %d hits", len(top.Hits))
	}
}

func TestAsk_RecordsDeclined(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	const unknown = "怎么做红烧肉"
	var ex bot.Explanation
	e.do(t, "GET", "/v1/ask?q="+q(unknown), "", nil, &ex)
	if ex.ReplyKind != bot.KindDecline {
		t.Fatalf("%q: reply kind %q, want a decline", unknown, ex.ReplyKind)
	}
	e.do(t, "GET", "/v1/ask?q="+q("做直播要什么资质"), "", nil, nil)
	b, err := os.ReadFile(e.unanswered)
	if err != nil || !strings.Contains(string(b), unknown) || strings.Contains(string(b), "直播") {
		t.Errorf("unanswered log = %q, %v; want only the declined question", b, err)
	}
	ev := e.events.list()
	if len(ev) != 2 || ev[0].Outcome != bot.OutcomeDeclined || ev[1].Outcome != bot.OutcomeAnswered || ev[0].Trigger != "http" {
		t.Errorf("observed %+v, want one declined and one answered event", ev)
	}
}

func TestAsk_BadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	long := strings.Repeat("直播", 5*1024/3) // about 10 KB
	e.wantError(t, "GET", "/v1/ask", "", nil, 400, "empty_question")
	e.wantError(t, "GET", "/v1/ask?q=%20%20", "", nil, 400, "empty_question")
	e.wantError(t, "GET", "/v1/ask?q="+q(long), "", nil, 400, "question_too_long")
	e.wantError(t, "POST", "/v1/ask", `{"question":"`+long+`"}`, nil, 400, "question_too_long")
	e.wantError(t, "POST", "/v1/ask", `{"question":"`+strings.Repeat("a", 100<<10)+`"}`, nil, 413, "request_too_large")
	e.wantError(t, "POST", "/v1/ask", `{"question":`, nil, 400, "bad_request")
	e.wantError(t, "POST", "/v1/ask", `{"q":"直播"}`, nil, 400, "bad_request")
	e.wantError(t, "POST", "/v1/ask", `{"question":""}`, nil, 400, "empty_question")
	e.wantError(t, "GET", "/v1/ask?top=-1&q=x", "", nil, 400, "bad_request")
	e.wantError(t, "GET", "/v1/ask?top=many&q=x", "", nil, 400, "bad_request")
	e.wantError(t, "GET", "/v1/ask?top=99&q=x", "", nil, 400, "bad_request")
	e.wantError(t, "DELETE", "/v1/ask", "", nil, 405, "method_not_allowed")
	e.wantError(t, "GET", "/v1/nothing", "", nil, 404, "not_found")
	if b, _ := os.ReadFile(e.unanswered); len(b) > 0 {
		t.Errorf("bad requests were recorded as unanswered questions: %q", b)
	}
}

func TestCategory(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	kb := e.ix.Base()
	for _, c := range kb.Categories {
		var got struct {
			bot.CategoryView
			Reply []string `json:"reply"`
		}
		target := "/v1/categories/" + strings.Join(pathEscape(c.Path), "/")
		if res := e.do(t, "GET", target, "", nil, &got); res.StatusCode != 200 {
			t.Fatalf("%s: %d", target, res.StatusCode)
		}
		want := bot.ViewCategory(c)
		if got.ID != c.ID() || got.Title != c.Title() || len(got.Requirements) != len(c.Requirements) || got.SourceDate != want.SourceDate {
			t.Errorf("%s: got %+v, want %+v", target, got.CategoryView, want)
		}
		for i, g := range c.Requirements {
			for j, it := range g.Items {
				if got.Requirements[i].Items[j].Text != strings.TrimSpace(it.Text) {
					t.Errorf("%s: item %d.%d = %q, want the official text %q", target, i, j, got.Requirements[i].Items[j].Text, it.Text)
				}
			}
		}
		detail := e.answerer.Detail(knowledge.Hit{Kind: knowledge.KindCategory, Category: c})
		if !slices.Equal(got.Reply, detail.Parts) {
			t.Errorf("%s: reply %q, want the bot's %q", target, got.Reply, detail.Parts)
		}
	}
	e.wantError(t, "GET", "/v1/categories/社交/没有这个", "", nil, 404, "category_not_found")
	e.wantError(t, "GET", "/v1/categories/", "", nil, 404, "category_not_found")
	e.wantError(t, "GET", "/v1/categories/"+strings.Repeat("x/", 2000), "", nil, 404, "category_not_found")
}

func pathEscape(p []string) []string {
	out := make([]string, len(p))
	for i, s := range p {
		out[i] = url.PathEscape(s)
	}
	return out
}

type treeBody struct {
	Version string                  `json:"version"`
	Count   int                     `json:"count"`
	Groups  []bot.GroupOfCategories `json:"groups"`
}

func (tb treeBody) all() []bot.CategorySummary {
	var out []bot.CategorySummary
	for _, g := range tb.Groups {
		out = append(out, g.Categories...)
	}
	return out
}

func TestTree(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	kb := e.ix.Base()
	var all treeBody
	e.do(t, "GET", "/v1/tree", "", nil, &all)
	if all.Count != len(kb.Categories) || len(all.all()) != len(kb.Categories) || all.Version != kb.Version {
		t.Fatalf("tree: %d categories, version %q; want %d, %q", all.Count, all.Version, len(kb.Categories), kb.Version)
	}
	edi := kb.Licence("EDI")
	for _, test := range []struct {
		query string
		keep  func(c *knowledge.Category) bool
	}{
		{"individual=true", func(c *knowledge.Category) bool { return slices.Contains(c.Subjects, knowledge.Individual) }},
		{"live=1", func(c *knowledge.Category) bool { return c.LiveStreaming }},
		{"licence=" + q("EDI"), func(c *knowledge.Category) bool { return slices.Contains(edi.Categories, c) }},
		{"licence=" + q("《增值电信业务经营许可证》") + "&individual=false", func(c *knowledge.Category) bool { return slices.Contains(edi.Categories, c) }},
		{"group=" + q("社交") + "&live=true", func(c *knowledge.Category) bool { return c.Path[0] == "社交" && c.LiveStreaming }},
	} {
		var got treeBody
		if res := e.do(t, "GET", "/v1/tree?"+test.query, "", nil, &got); res.StatusCode != 200 {
			t.Fatalf("%s: %d", test.query, res.StatusCode)
		}
		var want []string
		for _, c := range kb.Categories {
			if test.keep(c) {
				want = append(want, c.ID())
			}
		}
		var ids []string
		for _, c := range got.all() {
			ids = append(ids, c.ID)
		}
		if !slices.Equal(ids, want) || got.Count != len(want) {
			t.Errorf("%s: got %q (count %d), want %q", test.query, ids, got.Count, want)
		}
		if len(want) == 0 || len(want) == len(kb.Categories) {
			t.Errorf("%s: filter keeps %d of %d categories; the test kb should make it choose", test.query, len(want), len(kb.Categories))
		}
	}
	e.wantError(t, "GET", "/v1/tree?live=maybe", "", nil, 400, "bad_request")
	e.wantError(t, "GET", "/v1/tree?individual=2", "", nil, 400, "bad_request")
	e.wantError(t, "GET", "/v1/tree?licence="+q("驾照"), "", nil, 404, "licence_not_found")
}

func TestLicence(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	kb := e.ix.Base()
	for _, name := range []string{"EDI", "《增值电信业务经营许可证》", "增值电信业务经营许可证", "edi", "文网文"} {
		var got struct {
			bot.LicenceView
			Reply []string `json:"reply"`
		}
		if res := e.do(t, "GET", "/v1/licences/"+url.PathEscape(name), "", nil, &got); res.StatusCode != 200 {
			t.Fatalf("%s: %d", name, res.StatusCode)
		}
		l := kb.Licence(name)
		if got.Name != l.Name || len(got.Categories) != len(l.Categories) {
			t.Errorf("%s: got %q with %d categories, want %q with %d", name, got.Name, len(got.Categories), l.Name, len(l.Categories))
		}
		if len(got.Reply) == 0 || !strings.Contains(got.Reply[0], l.Name) {
			t.Errorf("%s: reply %q does not name %s", name, got.Reply, l.Name)
		}
	}
	e.wantError(t, "GET", "/v1/licences/"+url.PathEscape("驾照"), "", nil, 404, "licence_not_found")
}

func TestCheck(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	kb := e.ix.Base()
	live := kb.Category("社交/直播")
	if live == nil || len(live.Requirements) == 0 {
		t.Fatal("the test kb has no 社交/直播 with requirements")
	}
	// A licence the category names is enough for its first group.
	named := live.Requirements[0].Items[0].Licences[0]
	type body struct {
		Version string          `json:"version"`
		Results []bot.CheckView `json:"results"`
	}
	var none, some body
	e.do(t, "POST", "/v1/check", `{"categories":["社交/直播"]}`, nil, &none)
	if len(none.Results) != 1 || none.Results[0].Complete || len(none.Results[0].Missing) == 0 {
		t.Fatalf("nothing held: %+v, want requirements missing", none)
	}
	req, _ := json.Marshal(map[string]any{"categories": []string{"社交/直播", "工具/记账"}, "have": []string{named.Name, "一张桌子"}})
	e.do(t, "POST", "/v1/check", string(req), nil, &some)
	if len(some.Results) != 2 {
		t.Fatalf("two categories: %d results", len(some.Results))
	}
	r := some.Results[0]
	if !slices.Equal(r.Have, []string{named.Name}) || !slices.Equal(r.Unrecognised, []string{"一张桌子"}) {
		t.Errorf("have = %q, unrecognised = %q", r.Have, r.Unrecognised)
	}
	if len(r.Missing) >= len(none.Results[0].Missing) && len(live.Requirements) == 1 && !r.Complete {
		t.Errorf("holding %s did not close a requirement group: %+v", named.Name, r)
	}
	if len(r.Reply) == 0 || !strings.Contains(strings.Join(r.Reply, ""), named.Name) {
		t.Errorf("reply %q does not name what the user has", r.Reply)
	}
	e.wantError(t, "POST", "/v1/check", `{"categories":[]}`, nil, 400, "bad_request")
	e.wantError(t, "POST", "/v1/check", `{"categories":["社交/没有"]}`, nil, 404, "category_not_found")
	e.wantError(t, "POST", "/v1/check", `{"categories":`+strings.Repeat(`"a",`, 0)+`["a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a"]}`, nil, 400, "too_many")
	e.wantError(t, "POST", "/v1/check", `not json`, nil, 400, "bad_request")
	e.wantError(t, "GET", "/v1/check", "", nil, 405, "method_not_allowed")
}

func TestVersion(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	e := newEnv(t, nil, func(s *httpapi.Server) { s.Now = func() time.Time { return now } })
	kb := e.ix.Base()
	var got struct {
		Version string `json:"version"`
		Admin   bool   `json:"admin"`
		Counts  struct {
			Categories int `json:"categories"`
			Licences   int `json:"licences"`
			Groups     []struct {
				Name       string `json:"name"`
				Categories int    `json:"categories"`
			} `json:"groups"`
		} `json:"counts"`
		Sources struct {
			Oldest, Newest, StaleBefore string
			Stale                       []struct{ Kind, ID, Newest string }
		} `json:"sources"`
	}
	e.do(t, "GET", "/v1/version", "", nil, &got)
	if got.Version != kb.Version || got.Counts.Categories != len(kb.Categories) || got.Counts.Licences != len(kb.Licences) || !got.Admin {
		t.Errorf("version = %+v", got)
	}
	if len(got.Counts.Groups) == 0 || got.Counts.Groups[0].Name != kb.Categories[0].Path[0] {
		t.Errorf("groups = %+v", got.Counts.Groups)
	}
	if got.Sources.Newest == "" || got.Sources.Oldest > got.Sources.Newest {
		t.Errorf("sources = %+v", got.Sources)
	}
	if want := len(kb.Stale(now.AddDate(0, -httpapi.DefaultStaleMonths, 0))); len(got.Sources.Stale) != want {
		t.Errorf("%d stale entries, want %d", len(got.Sources.Stale), want)
	}
}

// TestAdmin checks that reload and the unanswered list need the token, and
// that a refused reload changes nothing.
func TestAdmin(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(testKB)); err != nil {
		t.Fatal(err)
	}
	ix := transporttest.BuildIndex(t, os.DirFS(dir))
	kb := ix.Base()
	var reloads atomic.Int32
	e := newEnv(t, ix, func(s *httpapi.Server) {
		// As cmd/qualbot wires it: load, compare, then serve.
		s.Admin.Load = func(context.Context) (*knowledge.Base, error) {
			reloads.Add(1)
			return knowledge.Load(os.DirFS(dir))
		}
		s.Admin.Serve = func(_ context.Context, kb *knowledge.Base) error { return ix.Reload(kb) }
	})
	e.do(t, "GET", "/v1/ask?q="+q("怎么做红烧肉"), "", nil, nil)

	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }
	for _, hdr := range []map[string]string{nil, bearer("wrong"), bearer(""), {"Authorization": "s3cret"}, {"X-Token": "s3cret"}} {
		e.wantError(t, "POST", "/v1/reload", "", hdr, 401, "unauthorized")
		e.wantError(t, "GET", "/v1/unanswered", "", hdr, 401, "unauthorized")
	}
	if n := reloads.Load(); n != 0 {
		t.Fatalf("refused reloads ran %d times", n)
	}

	var un struct {
		From      string                   `json:"from"`
		Questions []bot.UnansweredQuestion `json:"questions"`
	}
	if res := e.do(t, "GET", "/v1/unanswered", "", bearer("s3cret"), &un); res.StatusCode != 200 {
		t.Fatalf("unanswered with the token: %d", res.StatusCode)
	}
	if un.From != "log" || len(un.Questions) != 1 || un.Questions[0].Question != "怎么做红烧肉" || un.Questions[0].Count != 1 || un.Questions[0].Last.IsZero() {
		t.Errorf("unanswered = %+v", un)
	}

	// An edit to the directory is served after a reload with the token.
	before := ix.Base().Version
	add := "\n  - path: [社交, 新类目测试]\n    subjects: [企业]\n    requirements: []\n    sources: [{url: \"https://example.com\", date: \"2026-11-01\"}]\n"
	f, err := os.OpenFile(filepath.Join(dir, "categories", "01-社交.yaml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(add)
	f.Close()
	var ok struct {
		Version string `json:"version"`
		Counts  struct {
			Categories int `json:"categories"`
		} `json:"counts"`
	}
	res := e.do(t, "POST", "/v1/reload", "", bearer("s3cret"), &ok)
	if res.StatusCode != 200 || ok.Version == before || ok.Version != ix.Base().Version || ok.Counts.Categories != len(kb.Categories)+1 {
		t.Fatalf("reload: %d %+v; want the new version served (was %s)", res.StatusCode, ok, before)
	}
	if res := e.do(t, "GET", "/v1/categories/"+url.PathEscape("社交")+"/"+url.PathEscape("新类目测试"), "", nil, nil); res.StatusCode != 200 {
		t.Errorf("the new category after reload: %d", res.StatusCode)
	}

	// A reload that removes entries is served only when confirmed.
	served := ix.Base().Version
	if err := os.Remove(filepath.Join(dir, "categories", "01-社交.yaml")); err != nil {
		t.Fatal(err)
	}
	removal := e.wantError(t, "POST", "/v1/reload", "", bearer("s3cret"), 409, "reload_confirm")
	if !slices.Contains(removal.Error.Problems, "类目 社交/新类目测试") {
		t.Errorf("problems = %q, want the removed categories by name", removal.Error.Problems)
	}
	if ix.Base().Version != served {
		t.Fatal("an unconfirmed reload that removes entries was served")
	}
	if res := e.do(t, "POST", "/v1/reload?confirm=1", "", bearer("s3cret"), &ok); res.StatusCode != 200 || ix.Base().Version == served {
		t.Fatalf("confirmed reload: %d; want the smaller base served", res.StatusCode)
	}

	// A broken edit is reported with its file and line; the old base serves on.
	served = ix.Base().Version
	if err := os.WriteFile(filepath.Join(dir, "licences.yaml"), []byte("licences:\n  - nme: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := e.wantError(t, "POST", "/v1/reload", "", bearer("s3cret"), 422, "reload_failed")
	if len(bad.Error.Problems) == 0 || !fileLine.MatchString(bad.Error.Problems[0]) {
		t.Errorf("problems = %q, want file:line lines", bad.Error.Problems)
	}
	if ix.Base().Version != served {
		t.Error("a failed reload changed the knowledge base served")
	}
}

// fileLine is the loader's "file.yaml:LINE: message".
var fileLine = regexp.MustCompile(`^\S+\.yaml:\d+: `)

func TestAdmin_NoToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, func(s *httpapi.Server) {
		s.Token = ""
		s.Admin.Reload = func(context.Context) (*knowledge.Base, error) { return nil, errors.New("must not run") }
	})
	for _, hdr := range []map[string]string{nil, {"Authorization": "Bearer "}, {"Authorization": "Bearer x"}} {
		e.wantError(t, "POST", "/v1/reload", "", hdr, 401, "admin_disabled")
		e.wantError(t, "GET", "/v1/unanswered", "", hdr, 401, "admin_disabled")
	}
	var v struct{ Admin bool }
	e.do(t, "GET", "/v1/version", "", nil, &v)
	if v.Admin {
		t.Error("version says admin actions are on without a token")
	}
}

func TestClientLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, func(s *httpapi.Server) { s.ClientLimit = bot.Bucket{Every: time.Hour, Burst: 2} })
	for i := range 2 {
		if res := e.do(t, "GET", "/v1/version", "", nil, nil); res.StatusCode != 200 {
			t.Fatalf("request %d: %d", i+1, res.StatusCode)
		}
	}
	e.wantError(t, "GET", "/v1/version", "", nil, 429, "rate_limited")
	req := httptest.NewRequest("GET", "/v1/version", nil)
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != 429 || rec.Header().Get("Retry-After") == "" {
		t.Errorf("limited: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	// Another client is not limited by the first.
	req = httptest.NewRequest("GET", "/v1/version", nil)
	req.RemoteAddr = "192.0.2.7:4000"
	rec = httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Errorf("another client: %d", rec.Code)
	}
}

func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	res := e.do(t, "GET", "/v1/openapi.yaml", "", nil, nil)
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "yaml") {
		t.Errorf("openapi.yaml: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

func TestPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	for _, p := range []string{"/", "/app.js", "/app.css"} {
		req := httptest.NewRequest("GET", p, nil)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Body.Len() == 0 {
			t.Errorf("GET %s: %d, %d bytes", p, rec.Code, rec.Body.Len())
		}
		if rec.Header().Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: no Content-Security-Policy", p)
		}
	}
	e.wantError(t, "POST", "/", "", nil, 405, "method_not_allowed")
}

// TestOpenAPI_Responses checks real answers against the OpenAPI document:
// every field an endpoint sends is documented for it, and every field the
// document requires is sent.
func TestOpenAPI_Responses(t *testing.T) {
	t.Parallel()
	ix := transporttest.SharedIndex(t, testKB)
	e := newEnv(t, nil, func(s *httpapi.Server) {
		s.Admin.Reload = func(context.Context) (*knowledge.Base, error) { return ix.Base(), nil }
	})
	var doc map[string]any
	res := e.do(t, "GET", "/v1/openapi.yaml", "", nil, nil)
	body, _ := io.ReadAll(res.Body)
	if err := yaml.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	token := map[string]string{"Authorization": "Bearer s3cret"}
	for _, test := range []struct {
		method, path, target, body string
		hdr                        map[string]string
		status                     string
	}{
		{"get", "/v1/ask", "/v1/ask?q=" + q("做直播要什么资质"), "", nil, "200"},
		{"post", "/v1/ask", "/v1/ask", `{"question":"EDI是什么"}`, nil, "200"},
		{"get", "/v1/ask", "/v1/ask", "", nil, "400"},
		{"get", "/v1/categories/{path}", "/v1/categories/" + q("社交") + "/" + q("直播"), "", nil, "200"},
		{"get", "/v1/categories/{path}", "/v1/categories/x", "", nil, "404"},
		{"get", "/v1/tree", "/v1/tree?live=true", "", nil, "200"},
		{"get", "/v1/licences/{name}", "/v1/licences/EDI", "", nil, "200"},
		{"post", "/v1/check", "/v1/check", `{"categories":["社交/直播"],"have":["EDI","一张桌子"]}`, nil, "200"},
		{"get", "/v1/version", "/v1/version", "", nil, "200"},
		{"get", "/v1/unanswered", "/v1/unanswered", "", token, "200"},
		{"get", "/v1/unanswered", "/v1/unanswered", "", nil, "401"},
		{"post", "/v1/reload", "/v1/reload", "", token, "200"},
	} {
		var got map[string]any
		res := e.do(t, strings.ToUpper(test.method), test.target, test.body, test.hdr, &got)
		if fmt.Sprint(res.StatusCode) != test.status {
			t.Errorf("%s %s: %d, want %s", test.method, test.target, res.StatusCode, test.status)
			continue
		}
		op := dig(doc, "paths", test.path, test.method)
		resp := resolve(doc, dig(op, "responses", test.status))
		schema := resolve(doc, dig(resp, "content", "application/json", "schema"))
		if schema == nil {
			t.Errorf("%s %s %s: no JSON schema documented", test.method, test.path, test.status)
			continue
		}
		props, required := properties(doc, schema)
		for k := range got {
			if _, ok := props[k]; !ok {
				t.Errorf("%s %s %s: field %q is sent but not documented", test.method, test.path, test.status, k)
			}
		}
		for _, k := range required {
			if _, ok := got[k]; !ok {
				t.Errorf("%s %s %s: required field %q is not sent", test.method, test.path, test.status, k)
			}
		}
	}
}

// dig follows keys through nested maps; nil when one is missing.
func dig(v any, keys ...string) map[string]any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	m, _ := v.(map[string]any)
	return m
}

// resolve follows a $ref within the document.
func resolve(doc, m map[string]any) map[string]any {
	for m != nil {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		m = dig(doc, strings.Split(strings.TrimPrefix(ref, "#/"), "/")...)
	}
	return nil
}

// properties returns a schema's properties and required fields, allOf included.
func properties(doc, schema map[string]any) (map[string]any, []string) {
	props := map[string]any{}
	var required []string
	for k, v := range dig(schema, "properties") {
		props[k] = v
	}
	if r, ok := schema["required"].([]any); ok {
		for _, k := range r {
			required = append(required, fmt.Sprint(k))
		}
	}
	if all, ok := schema["allOf"].([]any); ok {
		for _, s := range all {
			m, _ := s.(map[string]any)
			p, r := properties(doc, resolve(doc, m))
			for k, v := range p {
				props[k] = v
			}
			required = append(required, r...)
		}
	}
	return props, required
}

// TestBadInput_Never500 sends odd input to every endpoint: it may be
// refused, never answered with a server error, and always as JSON.
func TestBadInput_Never500(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	odd := []string{"", " ", "\x00", "%00", "%ff%fe", "\xff\xfe", "a\x00b", "《", "》", "//", "..", "../../etc/passwd",
		"%2F%2F", strings.Repeat("、", 600), strings.Repeat("x", 20000), "AND OR NOT", "+-\"~*?:\\/", "社交/直播/更多/更多",
		"\u202e直播", "\u200b", "😀", "(", "{{", "<script>"}
	for _, s := range odd {
		enc := url.QueryEscape(s)
		for _, r := range []struct{ method, target, body string }{
			{"GET", "/v1/ask?q=" + enc, ""},
			{"GET", "/v1/ask?top=" + enc + "&q=x", ""},
			{"POST", "/v1/ask", `{"question":` + jsonString(s) + `}`},
			{"POST", "/v1/ask", s},
			{"GET", "/v1/categories/" + url.PathEscape(s), ""},
			{"GET", "/v1/tree?licence=" + enc + "&group=" + enc, ""},
			{"GET", "/v1/tree?individual=" + enc, ""},
			{"GET", "/v1/licences/" + url.PathEscape(s), ""},
			{"POST", "/v1/check", `{"categories":[` + jsonString(s) + `],"have":[` + jsonString(s) + `]}`},
			{"POST", "/v1/check", s},
		} {
			req := httptest.NewRequest(r.method, "/", strings.NewReader(r.body))
			req.URL, _ = url.Parse(r.target)
			if req.URL == nil {
				continue
			}
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, req)
			if rec.Code/100 == 3 {
				continue // the mux's redirect to a cleaned path ("..")
			}
			if rec.Code >= 500 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
				t.Errorf("%s %s: %d %s", r.method, clipTarget(r.target), rec.Code, rec.Header().Get("Content-Type"))
			}
		}
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
