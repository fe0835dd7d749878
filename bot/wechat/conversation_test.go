package wechat_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/bot/wechat"
)

// wechatDriver holds the shared conversation through the fake web-WeChat
// server with the real openwechat client. The script's users are mapped
// onto the fake's contacts; "admin" is the contact whose remark name is the
// admin identity.
type wechatDriver struct {
	t    *testing.T
	fake *fakeWeChat
	mu   sync.Mutex
	n    int
}

var (
	wechatUsers = map[string]string{"alice": "@bob0001", "bob": "@dave0001", "carol": "@alice0001", "admin": "@carol0001"}
	// In the group, the members who speak there.
	wechatMembers = map[string]string{"bob": "@bob0001", "carol": "@alice0001"}
)

func (d *wechatDriver) Start(t *testing.T, h bot.HandlerFunc) func() {
	ctx, cancel := context.WithCancel(context.Background())
	d.fake.setScan("201", "200")
	done := start(ctx, wechat.Config{
		LoginFile:    filepath.Join(t.TempDir(), "login.json"),
		SendInterval: time.Millisecond,
		SendJitter:   time.Millisecond,
		DrainTimeout: 2 * time.Second,
		Log:          slog.New(slog.DiscardHandler),
		Transport:    d.fake,
	}, h)
	waitFor(ctx, t, "the first synccheck", func() bool { return d.fake.count("/cgi-bin/mmwebwx-bin/synccheck") > 0 })
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	}
}

func (d *wechatDriver) AdminIdentity() string { return "管理员张三" }
func (d *wechatDriver) Groups() bool          { return true }
func (d *wechatDriver) Unaddressed() bool     { return true }

func (d *wechatDriver) Deliver(_ context.Context, t transporttest.Turn) error {
	d.mu.Lock()
	d.n++
	id := d.n
	d.mu.Unlock()
	if t.Group != "" {
		text := t.Text
		if t.Mention {
			text = "@" + botCard + "\u2005" + t.Text // the bot's name in this group
		}
		d.fake.push(groupMsg(id, wechatMembers[t.User], text, time.Now()))
		return nil
	}
	d.fake.push(textMsg(id, wechatUsers[t.User], selfUser, t.Content(), time.Now()))
	return nil
}

func (d *wechatDriver) Received(chat string) []string {
	to := wechatUsers[chat]
	if chat == "开发群" {
		to = groupUser
	}
	var out []string
	for _, s := range d.fake.sentMessages() {
		if s.To == to {
			out = append(out, s.Content)
		}
	}
	return out
}

func TestConversation(t *testing.T) {
	t.Parallel()
	transporttest.Run(t, &wechatDriver{t: t, fake: newFakeWeChat(t)})
}
