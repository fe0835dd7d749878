package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is an io.Writer a test can watch while a command writes to it.
type syncBuffer struct {
	mu      sync.Mutex
	b       strings.Builder
	changed chan struct{}
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{changed: make(chan struct{}, 1)} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Write(p)
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until the output after offset from contains want, and
// returns the output from there on.
func (s *syncBuffer) waitFor(t *testing.T, from int, want string) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if out := s.String()[from:]; strings.Contains(out, want) {
			return out
		}
		select {
		case <-s.changed:
		case <-deadline:
			t.Fatalf("no %q in the output:\n%s", want, s.String()[from:])
		}
	}
}

// chatSession runs `qualbot chat ARGS` with a stdin the test types into.
type chatSession struct {
	t    *testing.T
	in   *io.PipeWriter
	out  *syncBuffer
	done chan error
}

func startChat(t *testing.T, args ...string) *chatSession {
	t.Helper()
	r, w := io.Pipe()
	s := &chatSession{t: t, in: w, out: newSyncBuffer(), done: make(chan error, 1)}
	var stderr syncBuffer
	go func() { s.done <- run(context.Background(), append([]string{"chat"}, args...), r, s.out, &stderr) }()
	s.out.waitFor(t, 0, "Ctrl-D quits.")
	return s
}

// say types one line and returns what the bot answered, once it contains want.
func (s *chatSession) say(line, want string) string {
	s.t.Helper()
	from := len(s.out.String())
	if _, err := io.WriteString(s.in, line+"\n"); err != nil {
		s.t.Fatal(err)
	}
	return s.out.waitFor(s.t, from, want)
}

func (s *chatSession) quit() {
	s.t.Helper()
	s.in.Close()
	if err := <-s.done; err != nil {
		s.t.Fatalf("chat: %v", err)
	}
}

func TestChat(t *testing.T) {
	t.Parallel()
	s := startChat(t)
	if out := s.out.String(); !strings.Contains(out, "the embedded knowledge base") {
		t.Errorf("banner = %q, want it to name the embedded knowledge base", out)
	}
	s.say("帮助", "例如")
	s.say("社交直播要什么资质", "【社交-直播】")
	// The local user is the owner: admin commands work, and no rate limit applies.
	s.say("/stats", "已回答：1")
	s.say("/reindex", "索引已重建")
	for range 12 {
		s.say("EDI是什么", "《增值电信业务经营许可证》")
	}
	s.quit()
}

// TestChat_Reindex is the curator's loop: edit the YAML, /reindex, ask again;
// a broken edit is reported by file and line while the old answers keep working.
func TestChat_Reindex(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	copyKB(t, dir)
	s := startChat(t, "--kb", dir)
	if out := s.out.String(); !strings.Contains(out, dir) {
		t.Errorf("banner = %q, want it to name %s", out, dir)
	}
	if out := s.say("做星际旅行小程序要什么资质", "\n\n"); strings.Contains(out, "星际旅行】") {
		t.Fatalf("before the edit the bot knows 星际旅行:\n%s", out)
	}

	edit := filepath.Join(dir, "categories", "99-测试.yaml")
	err := os.WriteFile(edit, []byte(`categories:
  - path: [测试, 星际旅行]
    aliases: [星际旅行]
    subjects: [企业]
    requirements: []
    sources:
      - {seed: test.txt, date: 2026-11-25}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	s.say("/reindex", "索引已重建")
	s.say("做星际旅行小程序要什么资质", "【测试-星际旅行】")

	if err := os.WriteFile(edit, []byte("categories:\n  - path: [测试, 星际旅行]\n    anwser: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := s.say("/reindex", "旧索引继续使用")
	if !strings.Contains(out, "categories/99-测试.yaml:3:") {
		t.Errorf("reindex reply =\n%s\nwant the file:line of the unknown key", out)
	}
	s.say("做星际旅行小程序要什么资质", "【测试-星际旅行】")
	s.quit()
}

// TestChat_GroupAndAdmins tries the group triggers and the admin rules from
// the terminal, as a curator would without WeChat.
func TestChat_GroupAndAdmins(t *testing.T) {
	t.Parallel()
	s := startChat(t, "--admins", "李四")
	s.say(":group 开发群", "now: group 开发群")
	// Not addressed to the bot: ignored. The next, addressed one is the only answer.
	s.say("做直播要什么证", "")
	out := s.say("@资质助手 婚恋相亲的小程序要什么资质", "【社交-婚恋】")
	if strings.Contains(out, "【社交-直播】") {
		t.Errorf("an untriggered group message was answered:\n%s", out)
	}
	s.say("资质 EDI是什么", "《增值电信业务经营许可证》")
	// The four group behaviours of issue 12: chatter that starts with the
	// prefix is ignored; a mention keeps the word 资质; an exact mention
	// only; a bare industry word lists its group, and its asker picks by a
	// bare number.
	s.say("资质这东西真麻烦", "")
	out = s.say("@资质助手 资质审核被驳回怎么办", "资质与类目要求不一致")
	if strings.Contains(out, "抱歉") {
		t.Errorf("chatter starting with 资质 was answered:\n%s", out)
	}
	s.say("@资质助手粉丝 EDI是什么", "")
	out = s.say("@资质助手 医疗", "【医疗服务】下有")
	if strings.Contains(out, "EDI") {
		t.Errorf("a message for another member was answered:\n%s", out)
	}
	s.say("2", "【医疗服务-")
	s.say(":as 张三", "as contact 张三")
	s.say(":dm", "now: direct message")
	if out := s.say("/reindex", "\n\n"); strings.Contains(out, "索引已重建") {
		t.Errorf("a contact not in --admins reindexed:\n%s", out)
	}
	s.say(":as 李四", "as contact 李四")
	s.say("/reindex", "索引已重建")
	s.say(":me", "as the bot's owner")
	s.quit()
}
