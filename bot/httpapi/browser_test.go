package httpapi_test

import (
	"context"
	"flag"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/qualbot/qualbot/bot/httpapi"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/knowledge"
)

var screenshots = flag.Bool("screenshots", false, "write the curator page's screenshots to docs/ (also QUALBOT_SCREENSHOTS=1)")

// browsers are the executables the browser test looks for, in order.
var browsers = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"}

// findBrowser returns a Chromium to drive. Without one the test is skipped
// on a developer's machine, and fails in CI (CI set), which installs it.
func findBrowser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("QUALBOT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range browsers {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium found (looked for " + strings.Join(browsers, ", ") + " on PATH, and QUALBOT_CHROMIUM); " +
		"install the OS package (apt-get install chromium) to run the curator page's browser test"
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but " + msg)
	}
	t.Skip(msg)
	return ""
}

// TestPage_Browser drives the curator page in a real headless Chromium over
// the shipped knowledge base: load it, open a group, read a category's
// requirements, ask a question and read the reply, see an unanswered
// question appear, and reload without and with the token.
func TestPage_Browser(t *testing.T) {
	t.Parallel()
	browser := findBrowser(t)
	if testing.Short() {
		t.Skip("the browser test takes seconds; skipped with -short")
	}
	ix := transporttest.BuildIndex(t, knowledge.Shipped())
	kb := ix.Base()
	var reloads atomic.Int32
	e := newEnv(t, ix, func(s *httpapi.Server) {
		s.Token = "page-token"
		s.Admin.Reload = func(context.Context) (*knowledge.Base, error) {
			reloads.Add(1)
			kb, err := knowledge.Load(knowledge.Shipped())
			if err == nil {
				err = ix.Reload(kb)
			}
			return kb, err
		}
	})
	ts := httptest.NewServer(e.h)
	t.Cleanup(ts.Close)

	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.WindowSize(1280, 900),
		chromedp.Flag("lang", "zh-CN"))
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // starts the browser, on a context without a timeout
		t.Fatalf("start %s: %v", browser, err)
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		tctx, tcancel := context.WithTimeout(ctx, 20*time.Second)
		defer tcancel()
		if err := chromedp.Do(tctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(js string) string {
		t.Helper()
		tctx, tcancel := context.WithTimeout(ctx, 10*time.Second)
		defer tcancel()
		s, err := chromedp.Run(tctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return s
	}
	// waitFor polls until the JavaScript condition holds.
	waitFor := func(what, cond string) {
		t.Helper()
		tctx, tcancel := context.WithTimeout(ctx, 20*time.Second)
		defer tcancel()
		if _, err := chromedp.Run(tctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
			dctx, dcancel := context.WithTimeout(ctx, 5*time.Second)
			defer dcancel()
			page, _ := chromedp.Run(dctx, chromedp.Evaluate[string](`document.querySelector("header").innerText + "\n---\n" + document.querySelector("main").innerText`))
			t.Fatalf("waiting for %s: %v\nthe page says:\n%s", what, err, page)
		}
	}
	// clear empties an input as a user would, with the events that follow.
	clear := func(sel string) {
		t.Helper()
		text(`(() => { const e = document.querySelector("` + sel + `"); e.value = ""; e.dispatchEvent(new Event("input")); e.dispatchEvent(new Event("change")); return ""; })()`)
	}
	bubbles := func(sel string) string {
		return text(`[...document.querySelectorAll("` + sel + ` .bubble:not(.me)")].map(b => b.textContent).join("\n\n")`)
	}

	// Load: the version and the groups appear.
	do("load", chromedp.Navigate(ts.URL+"/"))
	waitFor("the version", `document.getElementById("status").textContent.includes("`+kb.Version[:12]+`")`)
	waitFor("the groups", `document.querySelectorAll("#groups details").length > 0`)
	if n := text(`String(document.querySelectorAll("#groups details").length)`); n != strconv.Itoa(len(kb.Stats().Categories)) {
		t.Errorf("%s groups shown, want %d", n, len(kb.Stats().Categories))
	}

	// Open a group and read a category's requirements as the bot renders them.
	c := firstWithRequirements(kb)
	do("open the group", chromedp.Click(chromedp.CSS(`#groups details[data-group="`+c.Path[0]+`"] summary`)))
	do("open the category", chromedp.Click(chromedp.CSS(`button.category-link[data-id="`+c.ID()+`"]`)))
	waitFor("the category", `!document.getElementById("detail").hidden && document.querySelectorAll("#detail-reply .bubble").length > 0`)
	want := e.answerer.Detail(knowledge.Hit{Kind: knowledge.KindCategory, Category: c})
	if got := bubbles("#detail-reply"); got != strings.Join(want.Parts, "\n\n") {
		t.Errorf("category %s on the page:\n%s\nwant the bot's reply:\n%s", c.ID(), got, want.Text())
	}

	// Ask a question and read the reply as WeChat would show it.
	const question = "做直播带货的小程序要什么资质"
	ex, _, _, err := e.answerer.Explain(context.Background(), question, 5)
	if err != nil {
		t.Fatal(err)
	}
	do("ask", chromedp.SendKeys(chromedp.CSS("#ask-input"), question), chromedp.Click(chromedp.CSS("#ask-button")))
	waitFor("the answer", `!document.getElementById("answer").hidden`)
	if got := bubbles("#reply"); got != strings.Join(ex.Messages, "\n\n") {
		t.Errorf("reply on the page:\n%s\nwant the bot's:\n%s", got, ex.Reply)
	}
	if got := text(`String(document.querySelectorAll("#hits tr").length)`); got != strconv.Itoa(len(ex.Hits)) {
		t.Errorf("%s hits shown, want %d", got, len(ex.Hits))
	}
	if why := text(`document.getElementById("why").textContent`); !strings.Contains(why, string(ex.ReplyKind)) || !strings.Contains(why, string(ex.Decision)) {
		t.Errorf("the why panel %q lacks the reply kind %q and decision %q", why, ex.ReplyKind, ex.Decision)
	}

	// With the token, an unknown question appears in the unanswered list.
	const unknown = "怎么做红烧肉"
	do("enter the token", chromedp.SendKeys(chromedp.CSS("#token-input"), "page-token"), chromedp.Blur(chromedp.CSS("#token-input")))
	waitFor("the empty list", `document.getElementById("unanswered-note").textContent.includes("暂无")`)
	clear("#ask-input")
	do("ask the unknown", chromedp.SendKeys(chromedp.CSS("#ask-input"), unknown), chromedp.Click(chromedp.CSS("#ask-button")))
	waitFor("the unanswered question", `document.getElementById("unanswered-list").textContent.includes("`+unknown+`")`)
	if got := text(`document.querySelector("#unanswered-list tr td:nth-child(2)").textContent`); got != "1" {
		t.Errorf("count %q, want 1", got)
	}
	// Its "try" link asks it again.
	clear("#ask-input")
	do("try it", chromedp.Click(chromedp.CSS("#unanswered-list a.try-link")))
	waitFor("the question tried again", `document.getElementById("ask-input").value === "`+unknown+`"`)
	waitFor("its count going up", `document.querySelector("#unanswered-list tr td:nth-child(2)").textContent === "2"`)

	// Reload without the token is refused and changes nothing.
	clear("#token-input")
	do("reload without the token", chromedp.Click(chromedp.CSS("#reload-button")))
	waitFor("the refusal", `document.getElementById("admin-result").textContent.includes("unauthorized")`)
	if n := reloads.Load(); n != 0 {
		t.Fatalf("a reload without the token ran (%d)", n)
	}
	// With the token it reloads.
	do("enter the token", chromedp.SendKeys(chromedp.CSS("#token-input"), "page-token"), chromedp.Blur(chromedp.CSS("#token-input")))
	do("reload", chromedp.Click(chromedp.CSS("#reload-button")))
	waitFor("the reload", `document.getElementById("admin-result").textContent.includes("已重新加载")`)
	if n := reloads.Load(); n != 1 {
		t.Errorf("reloads = %d, want 1", n)
	}

	// The phone layout: one column, nothing wider than the screen.
	show := func(w, h int64, scale float64) {
		do("resize", chromedp.EmulateViewport(w, h, chromedp.EmulateScale(scale)))
		// A new query makes it a new page load: the token comes back from
		// the session, the question from the link.
		do("load the page", chromedp.Navigate(ts.URL+"/?width="+strconv.Itoa(int(w))+"#ask="+url.PathEscape(question)))
		waitFor("the answer from the link", `!document.getElementById("answer").hidden`)
		waitFor("the unanswered list", `document.getElementById("unanswered-list").textContent.includes("`+unknown+`")`)
		text(`(() => { document.querySelector('#groups details[data-group="` + c.Path[0] + `"]').open = true;
			document.querySelector('button.category-link[data-id="` + c.ID() + `"]').click(); window.scrollTo(0, 0); return ""; })()`)
		waitFor("the category", `!document.getElementById("detail").hidden`)
	}
	show(390, 844, 2)
	if w := text(`String(document.documentElement.scrollWidth)`); w != "390" {
		t.Errorf("the page is %s px wide on a 390 px phone screen", w)
	}
	shoot(t, ctx, "phone", false)
	show(1280, 900, 1)
	shoot(t, ctx, "desktop", true)
}

// shoot writes a screenshot to docs/serve-NAME.png, of the whole page or of
// the first screen, when asked to (-screenshots or QUALBOT_SCREENSHOTS=1),
// so that normal runs change no file.
func shoot(t *testing.T, ctx context.Context, name string, full bool) {
	t.Helper()
	if !*screenshots && os.Getenv("QUALBOT_SCREENSHOTS") != "1" {
		return
	}
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	shot := chromedp.CaptureScreenshot()
	if full {
		shot = chromedp.FullScreenshot(100)
	}
	png, err := chromedp.Run(tctx, shot)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join("..", "..", "docs", "serve-"+name+".png")
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", out)
}

// firstWithRequirements is the first category whose requirements are known
// and not empty, in a group that has more than one category.
func firstWithRequirements(kb *knowledge.Base) *knowledge.Category {
	for _, c := range kb.Categories {
		if !c.Unknown && len(c.Requirements) > 0 {
			return c
		}
	}
	return kb.Categories[0]
}
