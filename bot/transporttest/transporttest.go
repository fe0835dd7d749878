// Package transporttest is the conversation every transport must hold, in
// one place: the same script of direct and group messages, admin commands
// and follow-ups, run through each channel's fake server (web WeChat,
// 微信客服, the 企业微信 智能机器人) with the real handler chain over a small
// knowledge base, and checked against one golden transcript. What the bot
// said at the Replier must reach the fake whole, and the same conversation
// must read the same on every channel.
//
// It is test support, like net/http/httptest: only tests import it. It
// builds the real index (package index) for the handler, which package bot
// itself never imports, and lends the tests of the transports and of the
// other ways in (bot, httpapi, mcp) the index builders and the buffer they
// share.
package transporttest

import (
	"context"
	"embed"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/qualbot/qualbot/bot"
)

// BotName is the bot's name in groups: "@资质助手 …" mentions it.
const BotName = "资质助手"

// A Turn is one message of the conversation.
type Turn struct {
	User    string // "alice", "bob", "carol" or "admin"
	Group   string // "" for a direct message
	Mention bool   // the text @-mentions the bot ("@资质助手 " before it)
	Text    string
}

// Chat is the conversation the turn belongs to: the group, or the user.
func (t Turn) Chat() string {
	if t.Group != "" {
		return t.Group
	}
	return t.User
}

// Content is the text as the user typed it, mention included.
func (t Turn) Content() string {
	if t.Mention {
		return "@" + BotName + "\u2005" + t.Text
	}
	return t.Text
}

func (t Turn) String() string {
	where := "dm"
	if t.Group != "" {
		where = "group:" + t.Group
	}
	return fmt.Sprintf("%s %s> %s", where, t.User, t.Content())
}

// Script is the conversation. The users and the group are the drivers'
// to map onto their fake's accounts.
var Script = []Turn{
	{User: "alice", Text: "帮助"},
	{User: "alice", Text: "直播带货的小程序要什么资质"},
	{User: "bob", Group: "开发群", Mention: true, Text: "电商平台需要什么"},
	{User: "carol", Group: "开发群", Text: "今天谁去吃饭"},
	{User: "carol", Group: "开发群", Text: "资质 做音乐小程序需要什么资质"},
	{User: "alice", Text: "社交"},
	{User: "alice", Text: "2"},
	{User: "bob", Text: "/reindex"},
	{User: "admin", Text: "/reindex"},
	{User: "alice", Text: "今天天气怎么样"},
}

// A Driver runs one transport against its fake.
type Driver interface {
	// Start runs the transport with h until the returned stop is called.
	Start(t *testing.T, h bot.HandlerFunc) (stop func())
	// AdminIdentity is the Message.Identity the transport gives "admin".
	AdminIdentity() string
	// Groups reports whether the channel has group chats; Unaddressed
	// whether group messages that do not @-mention the bot reach it.
	Groups() bool
	Unaddressed() bool
	// Deliver makes the fake deliver the turn to the transport.
	Deliver(ctx context.Context, t Turn) error
	// Received returns every text the fake got from the bot in chat.
	Received(chat string) []string
}

// updating reports whether the tests run with -update. The flag is defined
// by this package's own tests, the reference transport that rewrites the
// golden transcript (go test ./bot/transporttest -update), not here: the
// packages that import this one keep -update for their own golden files.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

//go:embed testdata/kb testdata/conversation.golden
var files embed.FS

// Handler returns the real handler chain over the test knowledge base,
// with adminIdentity as the one admin.
func Handler(t testing.TB, adminIdentity string) bot.HandlerFunc {
	t.Helper()
	kbFS, err := fs.Sub(files, "testdata/kb")
	if err != nil {
		t.Fatal(err)
	}
	ix := BuildIndex(t, kbFS)
	stats := bot.NewStats(time.Now())
	b := &bot.Bot{
		Triggers: bot.Triggers{Prefix: "资质", Names: []string{BotName}},
		Admin: &bot.Admin{
			Identities: []string{adminIdentity},
			Base:       ix.Base,
			Stats:      stats,
		},
		Answerer: &bot.Answerer{
			Searcher:  ix,
			Prefix:    "资质",
			FollowUps: bot.NewFollowUps(0, 0),
			Stats:     stats,
		},
	}
	return b.Handler()
}

// handled is what the bot said to one message, at the Replier.
type handled struct {
	m     bot.Message
	parts []string
}

// recordingReplier keeps the parts the handler sent and passes them on,
// as a unit when the transport's Replier takes units.
type recordingReplier struct {
	r     bot.Replier
	mu    sync.Mutex
	parts []string
}

func (rr *recordingReplier) Reply(ctx context.Context, text string) error {
	rr.mu.Lock()
	rr.parts = append(rr.parts, text)
	rr.mu.Unlock()
	return rr.r.Reply(ctx, text)
}

func (rr *recordingReplier) ReplyParts(ctx context.Context, parts []string) error {
	rr.mu.Lock()
	rr.parts = append(rr.parts, parts...)
	rr.mu.Unlock()
	return bot.Send(ctx, rr.r, parts)
}

// Run holds the conversation through d and compares it with the golden
// transcript. Turns the channel cannot carry (groups; group messages that
// do not mention the bot) are skipped.
func Run(t *testing.T, d Driver) {
	h := Handler(t, d.AdminIdentity())
	done := make(chan handled, 1)
	wrapped := func(ctx context.Context, r bot.Replier, m bot.Message) error {
		rr := &recordingReplier{r: r}
		err := h(ctx, rr, m)
		rr.mu.Lock()
		done <- handled{m: m, parts: rr.parts}
		rr.mu.Unlock()
		return err
	}
	stop := d.Start(t, wrapped)
	defer stop()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var got strings.Builder
	ran := map[string]bool{}
	seen := map[string]int{} // chat → texts of the fake already accounted for
	for _, turn := range Script {
		if turn.Group != "" && (!d.Groups() || (!turn.Mention && !d.Unaddressed())) {
			continue
		}
		ran[turn.String()] = true
		if err := d.Deliver(ctx, turn); err != nil {
			t.Fatalf("%s: deliver: %v", turn, err)
		}
		var hd handled
		select {
		case hd = <-done:
		case <-ctx.Done():
			t.Fatalf("%s: the bot never handled it", turn)
		}
		if hd.m.InGroup != (turn.Group != "") || hd.m.Mentioned && !turn.Mention {
			t.Errorf("%s: the transport made it %+v", turn, hd.m)
		}
		// What the bot said must reach the fake, whole.
		want := squash(strings.Join(hd.parts, ""))
		var fresh []string
		for {
			all := d.Received(turn.Chat())
			fresh = all[seen[turn.Chat()]:]
			if squash(strings.Join(fresh, "")) == want || ctx.Err() != nil {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		if g := squash(strings.Join(fresh, "")); g != want {
			t.Errorf("%s: the fake received %q, the bot said %q", turn, fresh, hd.parts)
		}
		seen[turn.Chat()] += len(fresh)
		fmt.Fprintf(&got, "> %s\n%s\n\n", turn, strings.Join(addressed(hd.parts), "\n--\n"))
	}
	compare(t, got.String(), ran)
}

// mention is the "@name" and four-per-em space a group reply starts with.
var mention = regexp.MustCompile(`^@[^\x{2005}\n]*\x{2005}`)

// addressed writes the asker's name in a group reply as "@昵称": each
// transport knows its users by its own names (a nickname, a user id), and
// the transcript is one for all of them.
func addressed(parts []string) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = mention.ReplaceAllString(p, "@昵称\u2005")
	}
	return out
}

// squash drops white space, which transports may add or remove when they
// join or split parts.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

const golden = "testdata/conversation.golden"

// compare checks the blocks of got against the golden transcript's blocks
// of the same turns; with -update and every turn run, it rewrites it.
func compare(t *testing.T, got string, ran map[string]bool) {
	t.Helper()
	if updating() && len(ran) == len(Script) {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := files.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	want := blocks(string(data))
	for turn, block := range blocks(got) {
		w, ok := want[turn]
		if !ok {
			t.Errorf("%s: not in %s (run go test ./bot/transporttest -update)", turn, golden)
			continue
		}
		if w != block {
			t.Errorf("%s:\ngot:\n%s\nwant:\n%s", turn, block, w)
		}
	}
	if len(want) != len(Script) {
		t.Errorf("%s has %d turns, the script %d (run go test ./bot/transporttest -update)", golden, len(want), len(Script))
	}
}

// blocks splits a transcript into the reply of each turn.
func blocks(s string) map[string]string {
	out := map[string]string{}
	for _, b := range strings.Split(s, "\n\n> ") {
		b = strings.TrimPrefix(b, "> ")
		head, body, _ := strings.Cut(b, "\n")
		out[head] = strings.TrimSpace(body)
	}
	return out
}
