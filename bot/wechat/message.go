package wechat

import (
	"strconv"
	"strings"
	"time"

	"github.com/eatmoreapple/openwechat"

	"github.com/qualbot/qualbot/bot"
)

// accept decides whether an incoming message is handled at all, on the
// polling goroutine: text only, once per MsgId, nothing created before the
// bot became ready, nothing the account sent except the owner's file-helper
// messages, and never the bot's own replies echoed back.
func (r *runner) accept(msg *openwechat.Message, self string) (drop string) {
	if !msg.IsText() {
		return "not text"
	}
	id := msgID(msg)
	if !r.seen.Add(id) {
		return "duplicate"
	}
	if ready := r.readyAt.Load(); msg.CreateTime < ready {
		return "created before ready"
	}
	if msg.FromUserName == self {
		if msg.ToUserName != openwechat.FileHelper {
			return "sent by the account"
		}
		if r.sentIDs.Has(id) || r.echoes.has(strings.TrimSpace(msg.Content)) {
			return "echo of a reply"
		}
	}
	return ""
}

func msgID(msg *openwechat.Message) string {
	if msg.MsgId != "" {
		return msg.MsgId
	}
	if msg.NewMsgId != 0 {
		return strconv.FormatInt(msg.NewMsgId, 10)
	}
	return ""
}

// translate turns an accepted openwechat message into a bot.Message and the
// session user name to reply to. It runs on the polling goroutine because
// openwechat's contact cache is not safe for concurrent use. ok is false for
// messages the bot has no business with (official accounts, system senders).
func (r *runner) translate(msg *openwechat.Message, self *openwechat.Self) (m bot.Message, to string, ok bool) {
	m = bot.Message{
		ID:   msgID(msg),
		Text: strings.TrimSpace(msg.Content),
		Time: time.Unix(msg.CreateTime, 0),
	}
	if msg.FromUserName == self.UserName {
		// The owner, writing to the file helper: the admin channel.
		m.Chat, m.Sender, m.SenderName, m.Owner = openwechat.FileHelper, self.UserName, self.NickName, true
		return m, openwechat.FileHelper, true
	}
	if msg.IsSendByGroup() {
		return r.translateGroup(msg, self, m)
	}
	sender, err := msg.Sender()
	if err != nil {
		r.log.Warn("look up sender", "msg", m.ID, "err", err)
		return m, "", false
	}
	if sender.IsMP() || !strings.HasPrefix(sender.UserName, "@") {
		return m, "", false // official accounts and system senders such as "weixin"
	}
	m.Chat, m.Sender, m.SenderName = msg.FromUserName, sender.UserName, sender.NickName
	m.Identity = strings.TrimSpace(sender.RemarkName)
	return m, msg.FromUserName, true
}

func (r *runner) translateGroup(msg *openwechat.Message, self *openwechat.Self, m bot.Message) (bot.Message, string, bool) {
	m.InGroup, m.Chat = true, msg.FromUserName
	names := []string{self.NickName}
	// Sender is the group; it fetches the member list when needed. A failed
	// lookup still lets a prefixed or @nickname message through.
	if group, err := msg.Sender(); err != nil {
		r.log.Warn("look up group", "msg", m.ID, "err", err)
	} else {
		m.ChatName = group.NickName
		if me, ok := group.MemberList.GetByUserName(self.UserName); ok && me.DisplayName != "" {
			names = append([]string{me.DisplayName}, names...)
		}
	}
	if person, err := msg.SenderInGroup(); err != nil {
		r.log.Warn("look up group member", "msg", m.ID, "err", err)
	} else {
		m.Sender, m.SenderName = person.UserName, person.DisplayName
		if m.SenderName == "" {
			m.SenderName = person.NickName
		}
		// A member's remark name exists only when the owner saved them as a
		// contact; the contact list shares the session user name.
		if contacts, err := self.Members(); err == nil {
			if c, ok := contacts.GetByUserName(person.UserName); ok {
				m.Identity = strings.TrimSpace(c.RemarkName)
			}
		}
	}
	// openwechat's IsAt matches the bot's name as a substring, so
	// "@QualBot粉丝" would count; the bot's own rule matches the whole name.
	// Text keeps the mention: Triggers strip it.
	m.BotNames = names
	_, m.Mentioned = bot.StripMention(m.Text, names)
	return m, msg.FromUserName, true
}
