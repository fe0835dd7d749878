package kf_test

import (
	"context"
	"testing"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
)

// kfDriver holds the shared conversation through the 微信客服 fake. Every
// user is a WeChat user in a 1:1 客服 session; there are no groups.
type kfDriver struct{ h *harness }

func (d kfDriver) Start(_ *testing.T, h bot.HandlerFunc) func() { return d.h.start(h) }
func (d kfDriver) AdminIdentity() string                        { return "kf:wm-admin" }
func (d kfDriver) Groups() bool                                 { return false }
func (d kfDriver) Unaddressed() bool                            { return false }

func (d kfDriver) Deliver(_ context.Context, t transporttest.Turn) error {
	_, err := d.h.fake.Say("wm-"+t.User, t.Content())
	return err
}

func (d kfDriver) Received(chat string) []string { return sentTo(d.h.fake, "wm-"+chat) }

func TestConversation(t *testing.T) {
	transporttest.Run(t, kfDriver{h: newHarness(t)})
}
