package transporttest_test

import (
	"context"
	"flag"
	"sync"
	"testing"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
)

var _ = flag.Bool("update", false, "rewrite testdata/conversation.golden")

// direct is the reference transport: the handler called in process, as the
// terminal chat does, with every kind of turn. It writes the golden
// transcript with -update.
type direct struct {
	h    bot.HandlerFunc
	mu   sync.Mutex
	sent map[string][]string
}

type chatReplier struct {
	d    *direct
	chat string
}

func (r chatReplier) Reply(_ context.Context, text string) error {
	r.d.mu.Lock()
	defer r.d.mu.Unlock()
	r.d.sent[r.chat] = append(r.d.sent[r.chat], text)
	return nil
}

func (d *direct) Start(t *testing.T, h bot.HandlerFunc) func() { d.h = h; return func() {} }
func (d *direct) AdminIdentity() string                        { return "direct:admin" }
func (d *direct) Groups() bool                                 { return true }
func (d *direct) Unaddressed() bool                            { return true }

func (d *direct) Deliver(ctx context.Context, t transporttest.Turn) error {
	m := bot.Message{
		ID: t.String(), Chat: "direct:" + t.Chat(), ChatName: t.Group, InGroup: t.Group != "",
		Sender: "direct:" + t.User, SenderName: t.User, Identity: "direct:" + t.User, Mentioned: t.Mention, Text: t.Content(),
	}
	go d.h(ctx, chatReplier{d: d, chat: t.Chat()}, m)
	return nil
}

func (d *direct) Received(chat string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.sent[chat]...)
}

func TestConversation(t *testing.T) {
	transporttest.Run(t, &direct{sent: map[string][]string{}})
}
