package main

import (
	"bytes"
	"context"
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qualbot/qualbot/bot/kf/kftest"
	"github.com/qualbot/qualbot/bot/wecombot/wecombottest"
)

// TestRunOfficialChannels runs `qualbot run --channel kf,wecom-bot` as the
// README sets it up, with only the API base URL and the WebSocket URL
// pointed at the fakes: both channels answer from one knowledge base, and a
// 微信客服 admin's /reindex reloads it for both.
func TestRunOfficialChannels(t *testing.T) {
	kfFake := kftest.New()
	defer kfFake.Close()
	botFake := wecombottest.New()
	defer botFake.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	kfFake.Callback = "http://" + addr + "/kf/callback"

	t.Setenv(envKFSecret, kfFake.Secret)
	t.Setenv(envKFAESKey, kfFake.EncodingAESKey)
	t.Setenv(envWeComBotSecret, botFake.Secret)
	dir := t.TempDir()
	args := []string{"run", "--channel", "kf,wecom-bot",
		"--login-file", filepath.Join(dir, "login.json"), "--unanswered", "",
		"--kf-corp-id", kfFake.CorpID, "--kf-token", kfFake.Token, "--kf-open-kfid", kfFake.OpenKfID,
		"--kf-addr", addr, "--kf-admins", "wmAdmin", "--kf-api", kfFake.URL(),
		"--wecom-bot-id", botFake.BotID, "--wecom-bot-url", botFake.URL(), "--name", "资质助手",
		"--log-format", "text",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(runCtx, args, strings.NewReader(""), &stdout, &stderr) }()
	defer func() {
		if t.Failed() {
			t.Logf("stderr:\n%s", stderr.String())
		}
	}()

	// WeCom's console checks the callback URL when it is saved.
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, want, err := kfFake.VerifyURL()
		if err == nil && got == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the callback URL never verified: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := botFake.WaitSubscribed(ctx, 1); err != nil {
		t.Fatal(err)
	}

	// The same question on both channels gets the same answer: one
	// knowledge base, one index.
	const question = "做音乐小程序需要什么资质"
	req, err := botFake.Group(ctx, "wrGroup", "zhangsan", "@资质助手 "+question)
	if err != nil {
		t.Fatal(err)
	}
	botAnswer, err := botFake.WaitAnswer(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(botAnswer, "【") {
		t.Errorf("智能机器人 answer = %q, want an answer from the knowledge base", botAnswer)
	}
	// WeCom names the asker only by user id: the group answer is addressed to it.
	if !strings.HasPrefix(botAnswer, "@zhangsan\u2005") {
		t.Errorf("智能机器人 group answer = %q, want it to start with @zhangsan and U+2005", botAnswer)
	}
	if _, err := kfFake.Say("wmUser", question); err != nil {
		t.Fatal(err)
	}
	for {
		got := strings.Join(sentTexts(kfFake, "wmUser"), "")
		// The group answer is addressed to its asker ("@zhangsan "); the
		// direct one is not.
		if squash(got) == squash(groupMention.ReplaceAllString(botAnswer, "")) {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("微信客服 answer = %q, want the 智能机器人's %q", got, botAnswer)
		case <-time.After(10 * time.Millisecond):
		}
	}

	// Admins: the 客服 admin may reindex; a WeCom user who is not one may not.
	if _, err := kfFake.Say("wmAdmin", "/reindex"); err != nil {
		t.Fatal(err)
	}
	if got := waitSent(ctx, t, kfFake, "wmAdmin", 1); !strings.Contains(got[0], "索引已重建") {
		t.Errorf("/reindex from the 客服 admin = %q", got[0])
	}
	req, err = botFake.Single(ctx, "lisi", "/reindex")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := botFake.WaitAnswer(ctx, req); err != nil || strings.Contains(got, "索引已重建") {
		t.Errorf("/reindex from a WeCom user who is no admin = %q, %v", got, err)
	}

	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run = %v after SIGINT, want nil", err)
		}
	case <-ctx.Done():
		t.Fatal("run did not return")
	}
}

func TestRunChannelSettings(t *testing.T) {
	login := filepath.Join(t.TempDir(), "login.json")
	t.Setenv(envKFSecret, "")
	t.Setenv(envWeComBotSecret, "")
	for _, test := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown channel", []string{"run", "--login-file", login, "--channel", "telegram"}, `unknown channel "telegram"`},
		{"kf without its secret", []string{"run", "--login-file", login, "--channel", "kf"}, "$" + envKFSecret},
		{"kf without its settings", []string{"run", "--login-file", login, "--channel", "kf", "--kf-secret-file", "/dev/null"}, "is empty"},
		{"wecom-bot without its secret", []string{"run", "--login-file", login, "--channel", "wecom-bot"}, "$" + envWeComBotSecret},
	} {
		t.Run(test.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), test.args, strings.NewReader(""), &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), test.want) {
				t.Errorf("run(%q) = %v, want an error containing %q", test.args, err, test.want)
			}
		})
	}
}

func sentTexts(f *kftest.Server, user string) []string {
	var got []string
	for _, s := range f.Sent() {
		if s.To == user {
			got = append(got, s.Text)
		}
	}
	return got
}

// groupMention is the "@name" and four-per-em space a group answer starts with.
var groupMention = regexp.MustCompile(`^@[^\x{2005}\n]*\x{2005}`)

// squash drops white space, which channels add or remove when they join or
// split the parts of a reply.
func squash(s string) string {
	return strings.Join(strings.Fields(s), "")
}

func waitSent(ctx context.Context, t *testing.T, f *kftest.Server, user string, n int) []string {
	t.Helper()
	for {
		got := sentTexts(f, user)
		if len(got) >= n {
			return got
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s got %d messages, want %d", user, len(got), n)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
