package bot

import (
	"context"
	"fmt"
)

// The transport contract. Every way in (web WeChat, 微信客服, the 企业微信
// 智能机器人, the terminal chat, the HTTP API) is a Transport: it turns its
// protocol's incoming messages into a Message, calls the handler with a
// Replier for that conversation, and owns nothing else. Question
// understanding, trigger rules, admin checks and wording live below it.
//
// What a transport fills in a Message:
//   - ID: the protocol's message id (for logs and de-duplication).
//   - Chat: the conversation (a group or a person); Sender: who wrote it.
//   - InGroup: a group chat. Mentioned: the protocol says the bot was
//     @-mentioned (openwechat's IsAt; every group message the 智能机器人
//     receives). Text is the text as it arrived, mention included: the
//     bot's Triggers strip the mention, with one function, for everyone.
//   - Identity: a stable identity the transport vouches for, for admin
//     checks (a remark name, a WeCom user id, a 客服 external user id).
//
// How a reply goes out: the handler sends a whole reply with Send. A
// transport whose Replier is a PartsReplier receives the parts together
// and sends all of them in order or none; otherwise each part is one Reply.

// A Transport delivers incoming messages to a handler until ctx is done or
// the transport fails for good. It returns nil when ctx was cancelled.
type Transport interface {
	Run(ctx context.Context, h HandlerFunc) error
}

// A PartsReplier sends the parts of one reply as a unit: all of them, in
// order, or none. A transport implements it when it queues, rations or
// streams messages (a send queue, a per-message quota, one streamed answer).
type PartsReplier interface {
	Replier
	ReplyParts(ctx context.Context, parts []string) error
}

// Send sends the parts of one reply through r: as a unit when r is a
// PartsReplier, else one Reply each, in order, stopping at the first error.
func Send(ctx context.Context, r Replier, parts []string) error {
	if len(parts) == 0 {
		return nil
	}
	if pr, ok := r.(PartsReplier); ok {
		if err := pr.ReplyParts(ctx, parts); err != nil {
			return fmt.Errorf("bot: send reply: %w", err)
		}
		return nil
	}
	for _, p := range parts {
		if err := r.Reply(ctx, p); err != nil {
			return fmt.Errorf("bot: send reply: %w", err)
		}
	}
	return nil
}
