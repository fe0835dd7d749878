package wechat_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/bot/wechat"
	"github.com/qualbot/qualbot/knowledge"
)

// TestEndToEnd runs the real openwechat client and the real bot chain over a
// small knowledge base against a fake web-WeChat server: a QR login (with an
// expired QR code first), group and direct messages, admin commands, the
// file-helper admin channel and its echo, a graceful shutdown, a restart from
// the hot-login file that must not answer an old message again, and a
// logout by WeChat.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	ctx, cancelTest := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancelTest()
	logs := &transporttest.Buffer{}
	defer func() {
		if t.Failed() {
			t.Logf("adapter log:\n%s", logs.String())
		}
	}()
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newHandler(t, log)
	fake := newFakeWeChat(t)
	loginFile := filepath.Join(t.TempDir(), "state", "login.json")

	cfg := func(now func() time.Time, out *transporttest.Buffer) wechat.Config {
		return wechat.Config{
			LoginFile:    loginFile,
			SendInterval: time.Millisecond,
			SendJitter:   time.Millisecond,
			DrainTimeout: 2 * time.Second,
			Out:          out,
			Log:          log,
			Transport:    fake,
			Now:          now,
		}
	}

	// Phase 1: first start, no login file. The first QR code expires.
	fake.setScan("408", "400", "408", "201", "200")
	out1 := &transporttest.Buffer{}
	run1Ctx, stop1 := context.WithCancel(ctx)
	done1 := start(run1Ctx, cfg(time.Now, out1), h)
	waitFor(ctx, t, "the first synccheck", func() bool { return fake.count("/cgi-bin/mmwebwx-bin/synccheck") > 0 })

	now := time.Now()
	oldGroupQuestion := groupMsg(1, "@alice0001", "@"+botCard+"\u2005做音乐小程序需要什么资质？", now)
	fake.push(
		oldGroupQuestion,
		groupMsg(2, "@alice0001", "电商平台要什么资质", now),              // no trigger
		groupMsg(3, "@bob0001", "@"+selfNick+" 记账小程序要什么资质", now), // @nickname while the bot has a group card: IsAt misses it
		textMsg(4, "@bob0001", selfUser, "电商平台类目要哪些证？", now),
		textMsg(5, "@carol0001", selfUser, "/reindex", now),  // remark name 管理员张三: admin
		textMsg(6, "@dave0001", selfUser, "/reindex", now),   // nickname 管理员张三, no remark: not admin
		textMsg(7, "@mp0001", selfUser, "做音乐小程序需要什么资质", now), // official account
		textMsg(8, selfUser, groupUser, "做音乐小程序需要什么资质", now), // the owner typing in a group
		textMsg(9, selfUser, "filehelper", "/reindex", now),  // the owner's admin channel
	)
	// Chats take turns, so the group's second answer may come last.
	sent := waitUntil(ctx, t, fake, func(s []sentMsg) bool {
		by := groupSent(s)
		return len(by["filehelper"]) > 0 && len(by[groupUser]) >= 2
	})
	byTo := groupSent(sent)
	wantTargets(t, sent, groupUser, "@bob0001", "@carol0001", "@dave0001", "filehelper")
	wantContains(t, byTo[groupUser], "【文娱-音乐】", "【工具-记账】")
	wantNone(t, byTo[groupUser], "【电商平台")
	wantContains(t, byTo["@bob0001"], "【电商平台-电商平台】")
	wantContains(t, byTo["@carol0001"], "索引已重建")
	wantContains(t, byTo["@dave0001"], "只有管理员")
	wantNone(t, byTo["@dave0001"], "索引已重建")
	wantContains(t, byTo["filehelper"], "索引已重建")

	// The file helper echoes the bot's reply back; it must not be taken for
	// a command (a reply loop). A later DM shows the loop is still served.
	echo := sent[len(sent)-1]
	echoMsg := textMsg(0, selfUser, "filehelper", echo.Content, time.Now())
	echoMsg["MsgId"] = echo.MsgID
	n1 := len(sent)
	fake.push(echoMsg, textMsg(10, "@bob0001", selfUser, "做动漫小程序要什么资质", time.Now()))
	sent = waitUntil(ctx, t, fake, func(s []sentMsg) bool { return len(s) > n1 && s[len(s)-1].To == "@bob0001" })
	for _, s := range sent[n1:] {
		if s.To != "@bob0001" || !strings.Contains(s.Content, "【文娱-动漫】") {
			t.Errorf("after the echo: sent %+v, want only the answer to Bob about 文娱-动漫", s)
		}
	}

	// The group behaviours people expect: chatter that starts with the
	// prefix is not a question; a member whose name contains the bot's card
	// is not the bot; a bare industry word lists its group; a bare number
	// picks from the list of the one who asked, and nobody else's.
	n2 := len(sent)
	fake.push(
		groupMsg(12, "@alice0001", "资质这东西真麻烦", time.Now()),
		groupMsg(13, "@alice0001", "@"+botCard+"粉丝 做音乐小程序需要什么资质", time.Now()),
		groupMsg(14, "@alice0001", "@"+botCard+"\u2005工具", time.Now()),
		groupMsg(15, "@bob0001", "2", time.Now()),
		groupMsg(16, "@alice0001", "2", time.Now()),
	)
	sent = waitUntil(ctx, t, fake, func(s []sentMsg) bool {
		return len(s) > n2 && strings.Contains(s[len(s)-1].Content, "【工具-")
	})
	byTo = groupSent(sent[n2:])
	wantTargets(t, sent[n2:], groupUser)
	wantContains(t, byTo[groupUser], "【工具】下有3个类目", "【工具-备忘录】")
	for _, no := range []string{"抱歉", "【文娱-音乐】", "没有对应的列表"} {
		wantNone(t, byTo[groupUser], no)
	}

	// SIGINT: Run returns nil and keeps the login file, readable by the owner only.
	stop1()
	if err := wait(ctx, done1); err != nil {
		t.Fatalf("Run after cancel = %v, want nil", err)
	}
	fi, err := os.Stat(loginFile)
	if err != nil {
		t.Fatalf("login file after shutdown: %v", err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("login file mode = %v, want 0600", mode)
	}
	wantLines(t, out1.String(), "请用微信扫码", "二维码已过期", "请用微信扫码", "已扫码,请在手机上确认", "已登录: "+selfNick)
	if n := fake.count("/jslogin"); n != 2 {
		t.Errorf("jslogin calls = %d, want 2 (the first QR code expired)", n)
	}

	// Phase 2: restart an hour later from the login file. WeChat delivers
	// the old group question again, then a new DM: only the DM is answered.
	before := len(fake.sentMessages())
	checksBefore := len(fake.syncCookies())
	later := func() time.Time { return time.Now().Add(time.Hour) }
	out2 := &transporttest.Buffer{}
	run2Ctx, stop2 := context.WithCancel(ctx)
	defer stop2()
	done2 := start(run2Ctx, cfg(later, out2), h)
	waitFor(ctx, t, "a synccheck after the restart", func() bool { return len(fake.syncCookies()) > checksBefore })
	fake.push(oldGroupQuestion, textMsg(11, "@bob0001", selfUser, "记账小程序要什么资质", later()))
	sent = waitUntil(ctx, t, fake, func(s []sentMsg) bool { return len(s) > before })
	for _, s := range sent[before:] {
		if s.To != "@bob0001" || !strings.Contains(s.Content, "【工具-记账】") {
			t.Errorf("after the restart: sent %+v, want only the answer to Bob about 工具-记账", s)
		}
	}
	if n := fake.count("/jslogin"); n != 2 {
		t.Errorf("jslogin calls = %d after the restart, want still 2 (hot login, no QR code)", n)
	}
	wantLines(t, out2.String(), "已登录: "+selfNick)
	// Cookies must reach the sync host after a hot login too.
	for i, c := range fake.syncCookies()[checksBefore:] {
		if c["wxsid"] == "" || c["webwx_data_ticket"] == "" {
			t.Errorf("synccheck %d after the hot login carried cookies %v, want wxsid and webwx_data_ticket", i, c)
			break
		}
	}

	// Phase 3: WeChat ends the session. Run reports it with exit code 3
	// and keeps the login file.
	fake.kickOut("1101")
	err = wait(ctx, done2)
	var lo *wechat.LoggedOutError
	if !errors.As(err, &lo) || lo.Code != 1101 || lo.ExitCode() != 3 {
		t.Fatalf("Run after kick-out = %v, want a LoggedOutError with code 1101", err)
	}
	if !strings.Contains(err.Error(), "log in") {
		t.Errorf("logout error %q gives no hint to log in again", err)
	}
	if _, err := os.Stat(loginFile); err != nil {
		t.Errorf("login file after logout: %v", err)
	}
}

// newHandler builds the real bot chain over testdata/kb with the real index.
func newHandler(t *testing.T, log *slog.Logger) bot.HandlerFunc {
	t.Helper()
	load := func() (*knowledge.Base, error) { return knowledge.Load(os.DirFS("testdata/kb")) }
	ix := transporttest.BuildIndex(t, os.DirFS("testdata/kb"))
	stats := bot.NewStats(time.Now())
	b := &bot.Bot{
		Log:      log,
		Triggers: bot.Triggers{Prefix: "资质"},
		Admin: &bot.Admin{
			Identities: []string{"管理员张三"},
			Reload: func(context.Context) (*knowledge.Base, error) {
				kb, err := load()
				if err != nil {
					return nil, err
				}
				return kb, ix.Reload(kb)
			},
			Base:  ix.Base,
			Stats: stats,
		},
		Answerer: &bot.Answerer{
			Searcher:  ix,
			Prefix:    "资质",
			FollowUps: bot.NewFollowUps(0, 0),
			Stats:     stats,
			Log:       log,
		},
	}
	return b.Handler()
}

func start(ctx context.Context, cfg wechat.Config, h bot.HandlerFunc) <-chan error {
	done := make(chan error, 1)
	go func() { done <- wechat.Run(ctx, cfg, h) }()
	return done
}

func wait(ctx context.Context, done <-chan error) error {
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return errors.New("timed out waiting for Run to return")
	}
}

// waitUntil waits until the sent messages satisfy cond, and returns them.
func waitUntil(ctx context.Context, t *testing.T, f *fakeWeChat, cond func([]sentMsg) bool) []sentMsg {
	t.Helper()
	for {
		s := f.sentMessages()
		if cond(s) {
			return s
		}
		select {
		case <-ctx.Done():
			t.Fatalf("timed out; sent so far: %+v", s)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func groupSent(sent []sentMsg) map[string][]string {
	m := map[string][]string{}
	for _, s := range sent {
		m[s.To] = append(m[s.To], s.Content)
	}
	return m
}

// wantTargets checks the chats replied to, in order, ignoring repeats
// (one reply may be sent in parts).
func wantTargets(t *testing.T, sent []sentMsg, want ...string) {
	t.Helper()
	// The chats in the order they were first answered: chats take turns,
	// so one chat's replies need not come together.
	var got []string
	for _, s := range sent {
		if !slices.Contains(got, s.To) {
			got = append(got, s.To)
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("replied to %v, want %v", got, want)
	}
}

func wantContains(t *testing.T, texts []string, subs ...string) {
	t.Helper()
	all := strings.Join(texts, "\n")
	for _, s := range subs {
		if !strings.Contains(all, s) {
			t.Errorf("replies %q do not contain %q", texts, s)
		}
	}
}

func wantNone(t *testing.T, texts []string, sub string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, sub) {
			t.Errorf("reply %q contains %q", s, sub)
		}
	}
}

// wantLines checks that out has lines starting with want, in order.
func wantLines(t *testing.T, out string, want ...string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	i := 0
	for _, l := range lines {
		if i < len(want) && strings.HasPrefix(l, want[i]) {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("terminal output lacks %q (in order %q):\n%s", want[i], want, out)
	}
}

// TestSendQueue checks the send queue against the fake server: a failed
// send is retried once, a second failure drops that message and the queue
// goes on, long replies are split, and sends are spaced by the interval.
func TestSendQueue(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	fake := newFakeWeChat(t)
	fake.setScan("201", "200")
	const interval = 10 * time.Millisecond
	echo := func(ctx context.Context, r bot.Replier, m bot.Message) error {
		return r.Reply(ctx, m.Text)
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := start(runCtx, wechat.Config{
		LoginFile:     filepath.Join(t.TempDir(), "login.json"),
		SendInterval:  interval,
		SendJitter:    time.Millisecond,
		MaxReplyRunes: 10,
		Transport:     fake,
	}, echo)
	waitFor(ctx, t, "the first synccheck", func() bool { return fake.count("/cgi-bin/mmwebwx-bin/synccheck") > 0 })

	now := time.Now()
	fake.failSends(1)
	fake.push(textMsg(1, "@bob0001", selfUser, "一", now))
	waitUntil(ctx, t, fake, func(s []sentMsg) bool { return len(s) == 1 })
	fake.failSends(2)
	fake.push(textMsg(2, "@bob0001", selfUser, "二", now))
	waitFor(ctx, t, "two failed attempts", func() bool { return len(fake.sendAttempts()) == 4 })
	fake.push(textMsg(3, "@bob0001", selfUser, "三三三三三三三三三三\n四四四四", now))
	sent := waitUntil(ctx, t, fake, func(s []sentMsg) bool { return len(s) == 3 })
	stop()
	if err := wait(ctx, done); err != nil {
		t.Fatal(err)
	}

	var got []string
	for _, s := range sent {
		got = append(got, s.Content)
	}
	if want := "一|三三三三三三三三三三|四四四四"; strings.Join(got, "|") != want {
		t.Errorf("sent %q, want %q (二 dropped after two failures, 三 split)", got, want)
	}
	at := fake.sendAttempts()
	if len(at) != 6 {
		t.Errorf("send attempts = %d, want 6", len(at))
	}
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < interval {
			t.Errorf("attempt %d came %v after the previous one, want at least %v", i, gap, interval)
		}
	}
}

// TestHotLoginRejected: when WeChat rejects the saved session, the adapter
// falls back to a QR scan, and the new session polls with its own sync key,
// not the stale one from the file (openwechat keeps it when the same bot
// retries; see openwechat issue #430).
func TestHotLoginRejected(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	fake := newFakeWeChat(t)
	loginFile := filepath.Join(t.TempDir(), "login.json")
	echo := func(ctx context.Context, r bot.Replier, m bot.Message) error { return r.Reply(ctx, "收到") }
	cfg := wechat.Config{LoginFile: loginFile, SendInterval: time.Millisecond, SendJitter: time.Millisecond, Transport: fake}

	// A first session, saved to the login file after one sync.
	fake.setScan("201", "200")
	runCtx, stop := context.WithCancel(ctx)
	done := start(runCtx, cfg, echo)
	waitFor(ctx, t, "the first synccheck", func() bool { return fake.count("/cgi-bin/mmwebwx-bin/synccheck") > 0 })
	fake.push(textMsg(1, "@bob0001", selfUser, "你好", time.Now()))
	waitUntil(ctx, t, fake, func(s []sentMsg) bool { return len(s) == 1 })
	stop()
	if err := wait(ctx, done); err != nil {
		t.Fatal(err)
	}

	// WeChat rejects the saved session; the operator scans again.
	fake.failInit(1)
	fake.setScan("201", "200")
	out := &transporttest.Buffer{}
	cfg.Out = out
	checks := len(fake.syncCheckKeys())
	runCtx, stop = context.WithCancel(ctx)
	defer stop()
	done = start(runCtx, cfg, echo)
	waitFor(ctx, t, "a synccheck after the scan", func() bool { return len(fake.syncCheckKeys()) > checks })
	if got, want := fake.syncCheckKeys()[checks], "1_121|2_221"; got != want { // the stale key from the file is 1_111|2_211
		t.Errorf("first synccheck after the fallback scan used synckey %s, want the new session's %s", got, want)
	}
	wantLines(t, out.String(), "正在使用登录文件", "免扫码登录失败", "请用微信扫码", "已扫码", "已登录: "+selfNick, "登录信息已保存到")
	fake.push(textMsg(2, "@bob0001", selfUser, "还在吗", time.Now()))
	waitUntil(ctx, t, fake, func(s []sentMsg) bool { return len(s) == 2 })
	stop()
	if err := wait(ctx, done); err != nil {
		t.Fatal(err)
	}
}

// TestReconnect: polling errors in a row are backed off, then the session is
// dropped and hot-logged-in again, with no QR code, and answering goes on.
func TestReconnect(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	fake := newFakeWeChat(t)
	fake.setScan("201", "200")
	out := &transporttest.Buffer{}
	echo := func(ctx context.Context, r bot.Replier, m bot.Message) error { return r.Reply(ctx, "收到："+m.Text) }
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := start(runCtx, wechat.Config{
		LoginFile:    filepath.Join(t.TempDir(), "login.json"),
		SendInterval: time.Millisecond,
		SendJitter:   time.Millisecond,
		RetryBackoff: time.Millisecond,
		Out:          out,
		Transport:    fake,
	}, echo)
	waitFor(ctx, t, "the first synccheck", func() bool { return fake.count("/cgi-bin/mmwebwx-bin/synccheck") > 0 })
	fake.failSyncChecks("1", "1", "1", "1", "1")
	waitFor(ctx, t, "a second webwxinit", func() bool { return fake.count("/cgi-bin/mmwebwx-bin/webwxinit") == 2 })
	fake.push(textMsg(1, "@bob0001", selfUser, "你好", time.Now()))
	sent := waitUntil(ctx, t, fake, func(s []sentMsg) bool { return len(s) == 1 })
	if sent[0].Content != "收到：你好" {
		t.Errorf("sent %q after reconnecting", sent[0].Content)
	}
	if n := fake.count("/jslogin"); n != 1 {
		t.Errorf("jslogin calls = %d, want 1 (reconnect by hot login)", n)
	}
	wantLines(t, out.String(), "已登录: "+selfNick, "与微信的连接中断", "正在使用登录文件", "已登录: "+selfNick)
	stop()
	if err := wait(ctx, done); err != nil {
		t.Fatal(err)
	}
}

// TestLoginRefused: WeChat refuses the account's web login (ret 1203); Run
// gives up at once with WeChat's message instead of showing QR codes forever.
func TestLoginRefused(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	fake := newFakeWeChat(t)
	fake.setScan("201", "200")
	fake.loginErr = "1203"
	err := wait(ctx, start(ctx, wechat.Config{
		LoginFile: filepath.Join(t.TempDir(), "login.json"),
		Transport: fake,
	}, func(context.Context, bot.Replier, bot.Message) error { return nil }))
	if err == nil || !strings.Contains(err.Error(), "当前登录环境异常") || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("Run = %v, want the refusal with WeChat's message", err)
	}
	if n := fake.count("/jslogin"); n != 1 {
		t.Errorf("jslogin calls = %d, want 1 (no retry after a refusal)", n)
	}
}
