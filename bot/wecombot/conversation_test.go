package wecombot_test

import (
	"context"
	"sync"
	"testing"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/bot/wecombot/wecombottest"
)

// wecomDriver holds the shared conversation through the 智能机器人 fake:
// single chats, and a WeCom internal group where only @-mentions arrive.
type wecomDriver struct {
	t    *testing.T
	fake *wecombottest.Server
	mu   sync.Mutex
	reqs map[string][]string // chat → the req_ids of its messages
}

func (d *wecomDriver) Start(t *testing.T, h bot.HandlerFunc) func() {
	cancel, done := start(t, config(t, d.fake), h)
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	}
}

func (d *wecomDriver) AdminIdentity() string { return "wecom:admin" }
func (d *wecomDriver) Groups() bool          { return true }
func (d *wecomDriver) Unaddressed() bool     { return false }

func (d *wecomDriver) Deliver(ctx context.Context, t transporttest.Turn) error {
	if err := d.fake.WaitSubscribed(ctx, 1); err != nil {
		return err
	}
	var req string
	var err error
	if t.Group != "" {
		req, err = d.fake.Group(ctx, t.Group, t.User, t.Content())
	} else {
		req, err = d.fake.Single(ctx, t.User, t.Content())
	}
	d.mu.Lock()
	d.reqs[t.Chat()] = append(d.reqs[t.Chat()], req)
	d.mu.Unlock()
	return err
}

// Received returns the finished answers in chat, one per answered message.
func (d *wecomDriver) Received(chat string) []string {
	d.mu.Lock()
	reqs := append([]string(nil), d.reqs[chat]...)
	d.mu.Unlock()
	var out []string
	for _, r := range reqs {
		if a, ok := d.fake.Answer(r); ok {
			out = append(out, a)
		}
	}
	return out
}

func TestConversation(t *testing.T) {
	t.Parallel()
	fake := wecombottest.New()
	defer fake.Close()
	transporttest.Run(t, &wecomDriver{t: t, fake: fake, reqs: map[string][]string{}})
}
