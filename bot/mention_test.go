package bot_test

import (
	"testing"

	"github.com/qualbot/qualbot/bot"
)

func TestStripMention(t *testing.T) {
	t.Parallel()
	names := []string{"资质", "资质小助手", "QualBot", "资质 小助手", "小助手🤖"}
	for _, test := range []struct {
		text, want string
		found      bool
	}{
		{"@资质小助手\u2005餐饮要什么资质", "餐饮要什么资质", true},
		{"@QualBot 记账要什么资质", "记账要什么资质", true},
		{"@QualBot", "", true},
		{"记账要什么 @资质小助手", "记账要什么", true},
		{"@资质 小助手\u2005做直播要什么证", "做直播要什么证", true},                     // a name with a space, picked
		{"@小助手🤖\u2005备案要多久", "备案要多久", true},                           // emoji in the name
		{"@资质 小助手🤖二号\u2005做直播要什么证", "@资质 小助手🤖二号\u2005做直播要什么证", false}, // another member
		{"@QualBot粉丝 记账要什么资质", "@QualBot粉丝 记账要什么资质", false},           // another member, typed
		{"@Alice\u2005记账要什么资质", "@Alice\u2005记账要什么资质", false},
		{"资质 记账", "资质 记账", false},
		{"邮箱 a@QualBot.com 能用吗", "邮箱 a@QualBot.com 能用吗", false},
	} {
		got, found := bot.StripMention(test.text, names)
		if got != test.want || found != test.found {
			t.Errorf("StripMention(%q) = %q, %v; want %q, %v", test.text, got, found, test.want, test.found)
		}
	}
}
