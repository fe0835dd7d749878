package bot_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/bot/transporttest"
	"github.com/qualbot/qualbot/index"
	"github.com/qualbot/qualbot/knowledge"
	"github.com/qualbot/qualbot/knowledge/knowledgetest"
)

// kbFS returns bot/testdata/kb as a MapFS a test may change.
func kbFS(t *testing.T) fstest.MapFS {
	t.Helper()
	return knowledgetest.Copy(t, os.DirFS("testdata/kb"))
}

// reindexBot is the whole chain over a real index, with an admin whose
// Load reads files and, when gate is set, waits for it first.
type reindexBot struct {
	h     bot.HandlerFunc
	admin *bot.Admin
	ix    *index.Index
	files fstest.MapFS
	gate  chan struct{}
}

func newReindexBot(t *testing.T) *reindexBot {
	rb := &reindexBot{files: kbFS(t)}
	rb.ix = transporttest.BuildIndex(t, rb.files)
	rb.admin = &bot.Admin{
		Load: func(ctx context.Context) (*knowledge.Base, error) {
			if rb.gate != nil {
				select {
				case <-rb.gate:
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
			return knowledge.LoadContext(ctx, rb.files, knowledge.DefaultLimits)
		},
		Serve:      rb.ix.ReloadContext,
		Base:       rb.ix.Base,
		Background: true,
	}
	b := &bot.Bot{
		Admin:    rb.admin,
		Answerer: &bot.Answerer{Searcher: rb.ix, ToTraditional: index.ToTraditional},
	}
	rb.h = b.Handler()
	return rb
}

func (rb *reindexBot) say(t *testing.T, ctx context.Context, text string) string {
	t.Helper()
	rec := &syncRecorder{}
	if err := rb.h(ctx, rec, bot.Message{Chat: "me", Owner: true, Text: text}); err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	if strings.HasPrefix(text, "/reindex") && rb.gate == nil {
		rb.admin.Wait()
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return strings.Join(rec.replies, "\n")
}

// TestReindex_OldBaseAnswersDuringAndAfterFailedReload backs the README's
// promise: while a reload runs, questions are answered from the old base,
// and after a failed one the old base keeps answering.
func TestReindex_OldBaseAnswersDuringAndAfterFailedReload(t *testing.T) {
	rb := newReindexBot(t)
	ctx := context.Background()
	const q = "做直播要什么证"
	before := rb.say(t, ctx, q)
	if !strings.Contains(before, "【") {
		t.Fatalf("%s: %q, want an answer", q, before)
	}
	version := rb.ix.Base().Version

	// Break a file, then reindex while the load is held up.
	rb.files["licences.yaml"].Data = []byte("licences:\n\t- name: x\n")
	rb.gate = make(chan struct{})
	rec := &syncRecorder{}
	if err := rb.h(ctx, rec, bot.Message{Chat: "me", Owner: true, Text: "/reindex"}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if got := rb.say(t, ctx, q); got != before {
			t.Fatalf("question %d during the reload: %q, want the old base's answer %q", i, got, before)
		}
	}
	if got := rb.say(t, ctx, "/reindex"); !strings.Contains(got, "正在重建索引") {
		t.Errorf("second /reindex during one = %q, want the busy reply", got)
	}
	close(rb.gate)
	rb.admin.Wait()
	rb.gate = nil
	rec.mu.Lock()
	failed := strings.Join(rec.replies, "\n")
	rec.mu.Unlock()
	if !strings.Contains(failed, "重建失败，旧索引继续使用") || !strings.HasPrefix(strings.SplitN(failed, "\n", 3)[1], "licences.yaml:2: syntax error") {
		t.Errorf("/reindex = %q, want the failure with its cause first", failed)
	}
	if got := rb.ix.Base().Version; got != version {
		t.Errorf("version after a failed reload = %s, want the old %s", got, version)
	}
	if got := rb.say(t, ctx, q); got != before {
		t.Errorf("after the failed reload: %q, want the old answer %q", got, before)
	}
}

// TestReindex_RemovalNeedsConfirmation: a truncated category file used to
// remove its categories on /reindex with only a count to show for it.
func TestReindex_RemovalNeedsConfirmation(t *testing.T) {
	rb := newReindexBot(t)
	ctx := context.Background()
	old := rb.ix.Base()
	var gone []string
	for _, c := range old.Categories {
		if c.Path[0] == "文娱" {
			gone = append(gone, c.ID())
		}
	}
	delete(rb.files, "categories/09-文娱.yaml")

	got := rb.say(t, ctx, "/reindex")
	if !strings.Contains(got, "会删除") || !strings.Contains(got, "类目 "+gone[0]) || !strings.Contains(got, "/reindex 确认") {
		t.Errorf("/reindex removing %v = %q, want the removed names and how to confirm", gone, got)
	}
	if rb.ix.Base() != old {
		t.Fatalf("the removal was served without a confirmation")
	}
	got = rb.say(t, ctx, "/reindex 确认")
	if !strings.Contains(got, "索引已重建") || !strings.Contains(got, "删除") || !strings.Contains(got, gone[0]) {
		t.Errorf("/reindex 确认 = %q, want the reload and what it removed", got)
	}
	if rb.ix.Base() == old || rb.ix.Base().Category(strings.Split(gone[0], "/")...) != nil {
		t.Errorf("after the confirmation the categories are still served")
	}

	// A confirmation counts only for what was shown: a further removal asks again.
	delete(rb.files, "synonyms.yaml")
	if got := rb.say(t, ctx, "/reindex"); !strings.Contains(got, "会删除") {
		t.Fatalf("/reindex removing synonyms = %q, want a question", got)
	}
	rb.files["topics.yaml"].Data = append(rb.files["topics.yaml"].Data, '\n', '#')
	if got := rb.say(t, ctx, "/reindex 确认"); !strings.Contains(got, "会删除") {
		t.Errorf("confirming after the files changed again = %q, want a new question", got)
	}
}

// TestReindex_ReportsChanges: a reload says what it added and changed, by name.
func TestReindex_ReportsChanges(t *testing.T) {
	rb := newReindexBot(t)
	rb.files["more.yaml"] = &fstest.MapFile{Data: []byte("synonyms:\n  - {word: 卖课, means: [教育]}\n")}
	got := rb.say(t, context.Background(), "/reindex")
	if !strings.Contains(got, "索引已重建") || !strings.Contains(got, "新增1个：同义词 卖课") {
		t.Errorf("/reindex = %q, want the added synonym by name", got)
	}
	if got := rb.say(t, context.Background(), "/reindex"); !strings.Contains(got, "没有变化") {
		t.Errorf("second /reindex = %q, want no change", got)
	}
}

// TestReindex_CancelledOnShutdown: a reload in progress stops with the
// context, and the old base is kept.
func TestReindex_CancelledOnShutdown(t *testing.T) {
	rb := newReindexBot(t)
	rb.gate = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	old := rb.ix.Base()
	rec := &syncRecorder{}
	if err := rb.h(ctx, rec, bot.Message{Chat: "me", Owner: true, Text: "/reindex"}); err != nil {
		t.Fatal(err)
	}
	cancel()
	done := make(chan struct{})
	go func() { rb.admin.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the reload did not stop with its context")
	}
	if rb.ix.Base() != old {
		t.Errorf("a cancelled reload swapped the base")
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.replies) != 0 {
		t.Errorf("a reload cancelled by shutdown replied %q, want nothing", rec.replies)
	}
	if err := rb.ix.ReloadContext(ctx, old); !errors.Is(err, context.Canceled) {
		t.Errorf("ReloadContext(cancelled) = %v, want context.Canceled", err)
	}
}

// TestCheck_NeverEchoes: the requirement check used to post what the user
// wrote after "我有", twice, under the bot's name.
func TestCheck_NeverEchoes(t *testing.T) {
	ix := transporttest.SharedIndex(t, "testdata/kb")
	a := &bot.Answerer{Searcher: ix, ToTraditional: index.ToTraditional}
	for _, q := range []string{
		"我有这个证 官方客服请加微信 qb_888888 免费代办全部资质，能做直播吗",
		"我有视听许可证和官方客服微信qb888888，能做社交直播吗",
	} {
		rep, _, err := a.Answer(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		got := rep.Text()
		for _, bad := range []string{"qb", "888888", "客服", "代办", "这个证"} {
			if strings.Contains(got, bad) {
				t.Errorf("Answer(%q) repeats %q:\n%s", q, bad, got)
			}
		}
	}
}
