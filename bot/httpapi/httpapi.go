// Package httpapi serves the bot over HTTP: a JSON API under /v1/ for other
// bots, apps and scripts, and the curators' page at / from files embedded
// in the binary. It is a way in beside the chat channels: questions go to
// the same [bot.Answerer], lookups read the same [knowledge.Base], and a
// reload is the same reindex as a chat's /reindex.
//
// It imports bot and knowledge only; never the index or a channel.
package httpapi

import (
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/knowledge"
)

// DefaultMaxQuestion is the longest question /v1/ask takes, in characters.
const DefaultMaxQuestion = 500

// DefaultStaleMonths is how old, in months, an entry's newest source may be
// before the version endpoint and the page flag it, as `qualbot check` warns.
const DefaultStaleMonths = 18

// maxBody is the largest request body read.
const maxBody = 64 << 10

// maxTop is the most hits /v1/ask lists.
const maxTop = 20

// maxCheck is the most categories, and licences, one check takes.
const maxCheck = 20

//go:embed openapi.yaml
var openapiYAML []byte

//go:embed static
var static embed.FS

// Server is the HTTP API and the curators' page. Fill the fields, then
// serve Handler.
type Server struct {
	// Answerer answers questions. Required.
	Answerer *bot.Answerer
	// Base returns the knowledge base being served. Required.
	Base func() *knowledge.Base
	// Admin reloads the knowledge base and knows when it was loaded. Nil
	// disables reloading.
	Admin *bot.Admin
	// Stats are the bot's counters; the unanswered list falls back to
	// them when Unanswered is nil.
	Stats *bot.Stats
	// Unanswered is the log of declined questions the admin list reads.
	Unanswered *bot.UnansweredLog
	// Token is the admin token: reload and the unanswered list need it as
	// "Authorization: Bearer TOKEN". Empty disables both.
	Token string
	// ClientLimit is a token bucket per client address over the API. A
	// zero Every means no limit.
	ClientLimit bot.Bucket
	// MaxQuestion is the longest question, in characters; 0 means DefaultMaxQuestion.
	MaxQuestion int
	// StaleMonths is the age in months at which a source is flagged; 0
	// means DefaultStaleMonths.
	StaleMonths int
	// Observers are told about every question asked, as a message from a
	// direct chat (the log line and metrics of every channel).
	Observers []bot.Observer
	// Log receives operator diagnostics. Nil discards them.
	Log *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	limits *clientLimits
	seq    atomic.Int64
}

// A route is one endpoint of the API. The OpenAPI test reads the same list.
type route struct {
	method, path string
	admin        bool
	serve        func(s *Server, w http.ResponseWriter, r *http.Request)
}

// routes are every endpoint under /v1/.
var routes = []route{
	{"GET", "/v1/ask", false, (*Server).ask},
	{"POST", "/v1/ask", false, (*Server).ask},
	{"GET", "/v1/categories/{path...}", false, (*Server).category},
	{"GET", "/v1/tree", false, (*Server).tree},
	{"GET", "/v1/licences/{name}", false, (*Server).licence},
	{"POST", "/v1/check", false, (*Server).check},
	{"GET", "/v1/version", false, (*Server).version},
	{"GET", "/v1/unanswered", true, (*Server).unanswered},
	{"POST", "/v1/reload", true, (*Server).reload},
	{"GET", "/v1/openapi.yaml", false, (*Server).openapi},
}

// Handler returns the API and the page.
func (s *Server) Handler() http.Handler {
	s.limits = newClientLimits(s.ClientLimit)
	api := http.NewServeMux()
	paths := http.NewServeMux() // the paths alone, to tell 405 from 404
	seen := map[string]bool{}
	for _, rt := range routes {
		h := rt.serve
		var hf http.HandlerFunc = func(w http.ResponseWriter, r *http.Request) { h(s, w, r) }
		if rt.admin {
			hf = s.requireToken(hf)
		}
		api.Handle(rt.method+" "+rt.path, hf)
		if !seen[rt.path] {
			seen[rt.path] = true
			paths.Handle(rt.path, http.NotFoundHandler())
		}
	}
	api.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := paths.Handler(r); pattern != "" {
			var allow []string
			for _, rt := range routes {
				if rt.path == pattern {
					allow = append(allow, rt.method)
				}
			}
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.fail(w, http.StatusMethodNotAllowed, "method_not_allowed")
			return
		}
		s.fail(w, http.StatusNotFound, "not_found")
	})

	mux := http.NewServeMux()
	mux.Handle("/v1/", s.limit(api))
	page, _ := fs.Sub(static, "static")
	files := securityHeaders(http.FileServerFS(page))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			s.fail(w, http.StatusMethodNotAllowed, "method_not_allowed")
			return
		}
		files.ServeHTTP(w, r)
	})
	return s.recoverPanics(mux)
}

// ask answers a question: GET ?q=…&top=…, or POST {"question": …, "top": …}.
// The answer is counted, and a declined question recorded for the
// curators, as in a chat.
func (s *Server) ask(w http.ResponseWriter, r *http.Request) {
	in := struct {
		Question string `json:"question"`
		Top      *int   `json:"top"`
	}{}
	if r.Method == http.MethodPost {
		if !s.decode(w, r, &in) {
			return
		}
	} else {
		in.Question = r.URL.Query().Get("q")
		if t := r.URL.Query().Get("top"); t != "" {
			var n int
			if _, err := fmt.Sscan(t, &n); err != nil {
				s.fail(w, http.StatusBadRequest, "bad_request")
				return
			}
			in.Top = &n
		}
	}
	q := strings.TrimSpace(in.Question)
	top := 3
	if in.Top != nil {
		top = *in.Top
	}
	switch {
	case q == "":
		s.fail(w, http.StatusBadRequest, "empty_question")
		return
	case len([]rune(q)) > s.maxQuestion():
		s.fail(w, http.StatusBadRequest, "question_too_long", s.maxQuestion())
		return
	case top < 0 || top > maxTop:
		s.fail(w, http.StatusBadRequest, "bad_request")
		return
	}
	ctx := r.Context()
	m := bot.Message{
		ID:     fmt.Sprintf("http-%d", s.seq.Add(1)),
		Chat:   "http:" + clientKey(r),
		Sender: clientKey(r),
		Text:   q,
		Time:   s.now(),
	}
	start := time.Now()
	ex, rep, res, err := s.Answerer.Explain(ctx, q, top)
	e := &bot.Event{Message: m, Trigger: "http", Outcome: rep.Kind.Outcome(), Hits: res.Hits, Replies: len(rep.Parts)}
	if err != nil {
		e.Err, e.Outcome = err, bot.OutcomeError
	} else {
		s.Answerer.Account(ctx, m, rep, res)
	}
	e.Latency = time.Since(start)
	for _, o := range s.Observers {
		o.Observe(ctx, e)
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.reply(w, http.StatusOK, ex)
}

// categoryResponse is a category in full, with the bot's answer about it.
type categoryResponse struct {
	bot.CategoryView
	// Reply is what the bot says about the category, as chat messages.
	Reply []string `json:"reply"`
}

// category returns one category by its path: /v1/categories/社交/直播.
func (s *Server) category(w http.ResponseWriter, r *http.Request) {
	kb := s.Base()
	c := kb.Category(strings.Trim(r.PathValue("path"), "/"))
	if c == nil {
		s.fail(w, http.StatusNotFound, "category_not_found")
		return
	}
	rep := s.Answerer.Detail(knowledge.Hit{Kind: knowledge.KindCategory, Category: c})
	s.reply(w, http.StatusOK, categoryResponse{CategoryView: bot.ViewCategory(c), Reply: rep.Parts})
}

// treeResponse is the categories that pass a filter, by first-level category.
type treeResponse struct {
	Version string                  `json:"version"`
	Count   int                     `json:"count"`
	Groups  []bot.GroupOfCategories `json:"groups"`
}

// tree lists the categories, filtered by ?individual=true, ?live=true,
// ?licence=NAME and ?group=一级.
func (s *Server) tree(w http.ResponseWriter, r *http.Request) {
	kb := s.Base()
	q := r.URL.Query()
	var f bot.Filter
	var ok bool
	if f.Individual, ok = boolParam(q.Get("individual")); !ok {
		s.fail(w, http.StatusBadRequest, "bad_request")
		return
	}
	if f.LiveStreaming, ok = boolParam(q.Get("live")); !ok {
		s.fail(w, http.StatusBadRequest, "bad_request")
		return
	}
	f.Group = strings.TrimSpace(q.Get("group"))
	if name := strings.TrimSpace(q.Get("licence")); name != "" {
		if f.Licence = kb.Licence(name); f.Licence == nil {
			s.fail(w, http.StatusNotFound, "licence_not_found")
			return
		}
	}
	groups := bot.Tree(kb, f)
	n := 0
	for _, g := range groups {
		n += len(g.Categories)
	}
	s.reply(w, http.StatusOK, treeResponse{Version: kb.Version, Count: n, Groups: groups})
}

// licenceResponse is a licence with the categories that need it, and the
// bot's answer about it.
type licenceResponse struct {
	bot.LicenceView
	Reply []string `json:"reply"`
}

// licence returns one licence by its official or short name.
func (s *Server) licence(w http.ResponseWriter, r *http.Request) {
	kb := s.Base()
	l := kb.Licence(r.PathValue("name"))
	if l == nil {
		s.fail(w, http.StatusNotFound, "licence_not_found")
		return
	}
	rep := s.Answerer.Detail(knowledge.Hit{Kind: knowledge.KindLicence, Licence: l})
	s.reply(w, http.StatusOK, licenceResponse{LicenceView: bot.ViewLicence(l), Reply: rep.Parts})
}

// checkResponse compares what a user has with each category asked about.
type checkResponse struct {
	Version string          `json:"version"`
	Results []bot.CheckView `json:"results"`
}

// check takes {"categories": ["社交/直播"], "have": ["ICP许可证"]} and says
// what is still missing for each category.
func (s *Server) check(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Categories []string `json:"categories"`
		Have       []string `json:"have"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	if len(in.Categories) == 0 {
		s.fail(w, http.StatusBadRequest, "bad_request")
		return
	}
	if len(in.Categories) > maxCheck || len(in.Have) > maxCheck {
		s.fail(w, http.StatusBadRequest, "too_many", maxCheck)
		return
	}
	kb := s.Base()
	have, unrecognised := bot.ResolveLicences(kb, in.Have)
	out := checkResponse{Version: kb.Version, Results: []bot.CheckView{}}
	for _, p := range in.Categories {
		c := kb.Category(strings.Trim(strings.TrimSpace(p), "/"))
		if c == nil {
			s.fail(w, http.StatusNotFound, "category_not_found")
			return
		}
		out.Results = append(out.Results, s.Answerer.Check(c, have, unrecognised))
	}
	s.reply(w, http.StatusOK, out)
}

// versionResponse says which knowledge base is served and how current it is.
type versionResponse struct {
	Version  string    `json:"version"`
	LoadedAt time.Time `json:"loaded_at,omitzero"`
	Counts   counts    `json:"counts"`
	Sources  sources   `json:"sources"`
	// Admin reports whether admin actions are enabled (a token is set).
	Admin bool `json:"admin"`
}

type counts struct {
	Categories int          `json:"categories"`
	Groups     []groupCount `json:"groups"`
	Licences   int          `json:"licences"`
	Topics     int          `json:"topics"`
	Synonyms   int          `json:"synonyms"`
}

// groupCount is how many categories a first-level category has.
type groupCount struct {
	Name       string `json:"name"`
	Categories int    `json:"categories"`
}

func countsOf(kb *knowledge.Base) counts {
	st := kb.Stats()
	c := counts{Categories: st.TotalCategories(), Groups: []groupCount{}, Licences: st.Licences, Topics: st.Topics, Synonyms: st.Synonyms}
	for _, g := range st.Categories {
		c.Groups = append(c.Groups, groupCount{Name: g.Name, Categories: g.N})
	}
	return c
}

type sources struct {
	// Oldest and Newest are the oldest and newest source dates.
	Oldest string `json:"oldest"`
	Newest string `json:"newest"`
	// StaleBefore is the cutoff: an entry none of whose sources is dated
	// on or after it is stale.
	StaleBefore string       `json:"stale_before"`
	Stale       []staleEntry `json:"stale"`
}

type staleEntry struct {
	Kind   knowledge.Kind `json:"kind"`
	ID     string         `json:"id"`
	Newest string         `json:"newest"` // "" when no source is dated
}

func (s *Server) version(w http.ResponseWriter, r *http.Request) {
	kb := s.Base()
	out := versionResponse{Version: kb.Version, Counts: countsOf(kb), Admin: s.Token != ""}
	if s.Admin != nil {
		out.LoadedAt = s.Admin.LoadedAt().UTC()
	}
	var oldest, newest time.Time
	note := func(ss []knowledge.Source) {
		for _, src := range ss {
			w := src.When()
			if w.IsZero() {
				continue
			}
			if oldest.IsZero() || w.Before(oldest) {
				oldest = w
			}
			if w.After(newest) {
				newest = w
			}
		}
	}
	for _, c := range kb.Categories {
		note(c.Sources)
	}
	for _, l := range kb.Licences {
		note(l.Sources)
	}
	for _, t := range kb.Topics {
		note(t.Sources)
	}
	out.Sources.Oldest, out.Sources.Newest = dateOf(oldest), dateOf(newest)
	cutoff := s.now().AddDate(0, -s.staleMonths(), 0)
	out.Sources.StaleBefore = dateOf(cutoff)
	out.Sources.Stale = []staleEntry{}
	for _, e := range kb.Stale(cutoff) {
		out.Sources.Stale = append(out.Sources.Stale, staleEntry{Kind: e.Kind, ID: e.ID, Newest: dateOf(e.Newest)})
	}
	s.reply(w, http.StatusOK, out)
}

// unansweredResponse lists the questions the bot could not answer.
type unansweredResponse struct {
	// From is "log" (the unanswered-question log, kept across restarts) or
	// "memory" (the counters since start, without times).
	From      string                   `json:"from"`
	Questions []bot.UnansweredQuestion `json:"questions"`
}

// unanswered lists the questions the bot declined, most asked first. Admin only.
func (s *Server) unanswered(w http.ResponseWriter, r *http.Request) {
	top := 50
	out := unansweredResponse{Questions: []bot.UnansweredQuestion{}}
	if s.Unanswered != nil {
		qs, err := s.Unanswered.Summary(top)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		out.From = "log"
		out.Questions = append(out.Questions, qs...)
	} else {
		out.From = "memory"
		_, _, qs := s.Stats.Snapshot(top)
		for _, c := range qs {
			out.Questions = append(out.Questions, bot.UnansweredQuestion{Question: c.Question, Count: c.N})
		}
	}
	s.reply(w, http.StatusOK, out)
}

// reloadResponse is a reload that worked.
type reloadResponse struct {
	Version  string    `json:"version"`
	TookMS   int64     `json:"took_ms"`
	LoadedAt time.Time `json:"loaded_at"`
	Counts   counts    `json:"counts"`
	// Changes says what the reload added, removed and changed, by name.
	Changes string `json:"changes"`
}

// reload loads the knowledge base again, as /reindex does. Admin only.
func (s *Server) reload(w http.ResponseWriter, r *http.Request) {
	if s.Admin == nil {
		s.fail(w, http.StatusConflict, "reload_unavailable")
		return
	}
	confirm := r.URL.Query().Get("confirm")
	kb, changes, took, err := s.Admin.Reindex(r.Context(), confirm == "1" || confirm == "true")
	var removal *bot.RemovalError
	switch {
	case errors.Is(err, bot.ErrNoReindex):
		s.fail(w, http.StatusConflict, "reload_unavailable")
		return
	case errors.Is(err, bot.ErrReindexBusy):
		s.fail(w, http.StatusConflict, "reload_busy")
		return
	case errors.As(err, &removal):
		// A truncated or deleted file must not remove answers by itself:
		// the curator confirms with confirm=1 within ten minutes.
		names := make([]string, len(removal.Removed))
		for i, c := range removal.Removed {
			names[i] = bot.ChangeName(c)
		}
		s.writeError(w, http.StatusConflict, apiError{
			Code: "reload_confirm", Message: bot.APIErrors["reload_confirm"], Problems: names,
		})
		return
	case err != nil:
		// The loader's "file:line: message" lines are for the admin who
		// asked; the old knowledge base keeps serving.
		s.writeError(w, http.StatusUnprocessableEntity, apiError{
			Code: "reload_failed", Message: bot.APIErrors["reload_failed"],
			Problems: strings.Split(bot.ErrorLines(err), "\n"),
		})
		return
	}
	s.reply(w, http.StatusOK, reloadResponse{
		Version: kb.Version, TookMS: took.Milliseconds(), LoadedAt: s.Admin.LoadedAt().UTC(), Counts: countsOf(kb),
		Changes: bot.ChangesText(changes),
	})
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Write(openapiYAML)
}

// apiError is the body of every error: {"error": {"code", "message"}}.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Problems are the loader's "file:line: message" lines of a failed reload.
	Problems []string `json:"problems,omitempty"`
}

func (s *Server) fail(w http.ResponseWriter, status int, code string, args ...any) {
	msg := bot.APIErrors[code]
	if len(args) > 0 {
		msg = fmt.Sprintf(msg, args...)
	}
	s.writeError(w, status, apiError{Code: code, Message: msg})
}

func (s *Server) writeError(w http.ResponseWriter, status int, e apiError) {
	s.reply(w, status, struct {
		Error apiError `json:"error"`
	}{e})
}

// internal logs err for the operator and tells the client only that
// something went wrong.
func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	if s.Log != nil {
		s.Log.ErrorContext(r.Context(), "http api", "path", r.URL.Path, "err", err)
	}
	s.fail(w, http.StatusInternalServerError, "internal")
}

func (s *Server) reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// decode reads a JSON body into v; on failure it has answered 4xx.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body := http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.fail(w, http.StatusRequestEntityTooLarge, "request_too_large")
		} else {
			s.fail(w, http.StatusBadRequest, "bad_request")
		}
		return false
	}
	return true
}

// requireToken lets a request through only with the admin token; without
// it the request is refused with 401 and nothing changes.
func (s *Server) requireToken(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="qualbot"`)
		if s.Token == "" {
			s.fail(w, http.StatusUnauthorized, "admin_disabled")
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.Token)) != 1 {
			s.fail(w, http.StatusUnauthorized, "unauthorized")
			return
		}
		next(w, r)
	}
}

// limit applies the per-client token bucket.
func (s *Server) limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if wait, ok := s.limits.admit(clientKey(r), s.now()); !ok {
			w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
			s.fail(w, http.StatusTooManyRequests, "rate_limited")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.internal(w, r, fmt.Errorf("panic: %v", p))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders keeps the page from being framed or sniffed, and lets it
// load only its own scripts and styles.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// clientKey is who a request comes from, for limits: its remote address
// without the port. Proxy headers are not trusted.
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func boolParam(v string) (b, ok bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no":
		return false, true
	case "1", "true", "yes":
		return true, true
	}
	return false, false
}

func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) maxQuestion() int {
	if s.MaxQuestion > 0 {
		return s.MaxQuestion
	}
	return DefaultMaxQuestion
}

func (s *Server) staleMonths() int {
	if s.StaleMonths > 0 {
		return s.StaleMonths
	}
	return DefaultStaleMonths
}
