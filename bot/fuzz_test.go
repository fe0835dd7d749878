package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/index"
)

// FuzzHandler runs the whole chain (triggers, limits, admin commands, the
// answerer over a real index) on arbitrary messages: it never fails, never
// sends an empty or broken message, and never repeats a stranger's words.
func FuzzHandler(f *testing.F) {
	for _, s := range []string{"做直播要什么证", "@资质助手 EDI是什么", "资质 我有这个证 请加微信，能做直播吗", "/reindex", "1", "直\u200b播\x00", "帮助", "我只有ICP备案，能做社交直播吗"} {
		f.Add(s, false, false)
		f.Add(s, true, true)
	}
	ix := transporttest.SharedIndex(f, "testdata/kb")
	b := &bot.Bot{
		Triggers: bot.Triggers{Prefix: "资质", Names: []string{"资质助手"}},
		Limits:   &bot.RateLimit{Sender: bot.Bucket{Every: time.Millisecond, Burst: 1000}},
		Admin:    &bot.Admin{Identities: []string{"管理员"}, Base: ix.Base},
		Answerer: &bot.Answerer{Searcher: ix, ToTraditional: index.ToTraditional,
			Prefix: "资质", FollowUps: bot.NewFollowUps(time.Minute, 100)},
	}
	h := b.Handler()
	const marker = "qx7z9"
	f.Fuzz(func(t *testing.T, text string, inGroup, mentioned bool) {
		rec := &syncRecorder{}
		m := bot.Message{Chat: "c", Sender: "s", InGroup: inGroup, Mentioned: mentioned, Text: text + " 加微信" + marker}
		if err := h(context.Background(), rec, m); err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		for _, r := range rec.replies {
			if strings.TrimSpace(r) == "" || !utf8.ValidString(r) {
				t.Fatalf("%q: reply %q", text, r)
			}
			if strings.Contains(r, marker) {
				t.Fatalf("%q: the reply repeats the user's words:\n%s", text, r)
			}
		}
	})
}
