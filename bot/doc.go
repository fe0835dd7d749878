// Package bot turns a chat message into a reply: triggers, answers, admin
// commands, rate limits. It has the shape of net/http: a [Message] comes in,
// a [Replier] sends, and a [HandlerFunc] returns an error for the operator.
// It depends on knowledge only; never on bleve, openwechat or index.
package bot
