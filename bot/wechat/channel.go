package wechat

import (
	"context"

	"github.com/qualbot/qualbot/bot"
)

// Transport is the web WeChat channel as a [bot.Transport]: Run with its
// Config.
type Transport struct {
	Config Config
}

var _ bot.Transport = Transport{}

// Run implements bot.Transport; see the package-level Run.
func (t Transport) Run(ctx context.Context, h bot.HandlerFunc) error {
	return Run(ctx, t.Config, h)
}
