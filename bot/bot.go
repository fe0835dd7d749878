package bot

import (
	"context"
	"time"
)

// A Message is one incoming chat message, as a transport (WeChat, the
// terminal, a test) hands it to the bot. Transports fill the fields; policy
// about them lives in middleware.
type Message struct {
	// ID is the transport's message id, for logs.
	ID string
	// Chat identifies the conversation (a group or a person) for this
	// session. It is the key for per-chat state, not a stable identity.
	Chat string
	// ChatName is the group's display name, for the group allow-list.
	ChatName string
	// InGroup reports whether the message was sent in a group chat.
	InGroup bool
	// Sender identifies the person who sent it, within this session.
	Sender string
	// SenderName is the sender's display name; logged only when enabled.
	SenderName string
	// Identity is a stable identity the transport vouches for, used for
	// admin checks: in WeChat the contact's remark name (备注) set by the
	// bot's owner, never a nickname. Empty when there is none.
	Identity string
	// Owner reports that the bot's own account sent it (in WeChat through
	// the file helper; in the terminal, the local user).
	Owner bool
	// FromSelf reports that the message is one the bot itself sent (its own
	// reply, echoed back by the transport). The bot never answers those.
	FromSelf bool
	// NotText reports that the message is not text (an image, a voice
	// message, a sticker…); Text may hold a placeholder then.
	NotText bool
	// Mentioned reports that the transport vouches the bot was @-mentioned
	// in a group (the 智能机器人 receives only such messages). Triggers also
	// find mentions of the bot's names in Text themselves.
	Mentioned bool
	// BotNames are the names the bot goes by in this chat (its group card
	// and nickname), which a mention in Text may use besides Triggers.Names.
	BotNames []string
	// Text is the message text.
	Text string
	// Time is when the message was created.
	Time time.Time
}

// A Replier sends text back to the conversation a Message came from.
type Replier interface {
	Reply(ctx context.Context, text string) error
}

// HandlerFunc handles one message. The error is for the operator's log;
// the user only ever sees fixed texts.
type HandlerFunc func(ctx context.Context, r Replier, m Message) error

// Middleware wraps a HandlerFunc with behaviour shared by many handlers.
type Middleware func(HandlerFunc) HandlerFunc

// Chain returns h wrapped so that mw[0] runs first.
func Chain(h HandlerFunc, mw ...Middleware) HandlerFunc {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}
