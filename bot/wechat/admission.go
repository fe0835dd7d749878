package wechat

import (
	"time"

	"github.com/qualbot/qualbot/bot"
)

// DefaultMaxWait is the longest a reply should wait in the send queue when
// the bot is busy; see [Admission].
const DefaultMaxWait = 30 * time.Second

// Admission returns what the bot can take on through a channel configured
// by cfg: the global budget of messages, one per average send interval with
// a burst of what fits in maxWait, and the bound of the send queue to admit
// questions by. A question taken beyond that would wait longer than maxWait
// for its answer, or be dropped by a full queue.
func Admission(cfg Config, maxWait time.Duration) (budget bot.Bucket, queued int) {
	cfg = cfg.withDefaults()
	avg := cfg.SendInterval + cfg.SendJitter/2
	queued = max(bot.DefaultReplyParts+1, int(maxWait/avg))
	queued = min(queued, cfg.QueueSize)
	return bot.Bucket{Every: avg, Burst: queued}, queued
}
