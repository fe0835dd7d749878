// Command wecomfake runs the fakes of 企业微信 that qualbot's tests use, so
// that the official channels can be tried without a WeCom organisation:
// the 微信客服 API with its encrypted callbacks, and the 智能机器人
// WebSocket. It prints the settings to start qualbot with, then reads
// lines from the terminal and plays them as users:
//
//	kf USER TEXT          a WeChat user writes to the 客服 account
//	bot USER TEXT         a WeCom user writes to the 智能机器人 in a single chat
//	group CHAT USER TEXT  a WeCom user @-mentions the 智能机器人 in a group
//
// and prints what qualbot answered. It is a development tool: nothing in
// it talks to Tencent.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/qualbot/qualbot/bot/kf/kftest"
	"github.com/qualbot/qualbot/bot/wecombot/wecombottest"
)

func main() {
	callback := flag.String("kf-callback", "http://127.0.0.1:8080/kf/callback", "qualbot's 微信客服 callback `URL` (its --kf-addr and --kf-path)")
	name := flag.String("name", "资质助手", "the 智能机器人's `name` in groups (qualbot's --name)")
	flag.Parse()
	if err := run(os.Stdin, os.Stdout, *callback, *name); err != nil {
		fmt.Fprintln(os.Stderr, "wecomfake:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer, callback, name string) error {
	kf := kftest.New()
	defer kf.Close()
	kf.Callback = callback
	bot := wecombottest.New()
	defer bot.Close()

	fmt.Fprintf(out, `Fake 企业微信 running. In another terminal, start qualbot with:

  export QUALBOT_KF_SECRET=%s QUALBOT_KF_AES_KEY=%s QUALBOT_WECOM_BOT_SECRET=%s
  go run ./cmd/qualbot run --channel kf,wecom-bot \
    --kf-corp-id %s --kf-token %s --kf-open-kfid %s --kf-api %s --kf-admins wmAdmin \
    --wecom-bot-id %s --wecom-bot-url %s --wecom-bot-admins admin --name %s

Then type here (the users wmAdmin and admin are admins):
  kf USER TEXT           e.g. kf wmAlice 做直播要什么证
  bot USER TEXT          e.g. bot zhangsan 备案要多久
  group CHAT USER TEXT   e.g. group wrDev lisi 电商平台需要什么
  verify                 the URL check WeCom's console makes when the callback URL is saved
`, kf.Secret, kf.EncodingAESKey, bot.Secret, kf.CorpID, kf.Token, kf.OpenKfID, kf.URL(), bot.BotID, bot.URL(), name)

	sc := bufio.NewScanner(in)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := play(ctx, out, kf, bot, name, f)
		cancel()
		if err != nil {
			fmt.Fprintln(out, "!", err)
		}
	}
	return sc.Err()
}

func play(ctx context.Context, out io.Writer, kf *kftest.Server, bot *wecombottest.Server, name string, f []string) error {
	switch {
	case f[0] == "verify":
		got, want, err := kf.VerifyURL()
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "URL check: qualbot answered %q, want %q\n", got, want)
	case f[0] == "kf" && len(f) >= 3:
		before := len(kf.Sent())
		if _, err := kf.Say(f[1], strings.Join(f[2:], " ")); err != nil {
			return fmt.Errorf("callback: %w (is qualbot running with --channel kf?)", err)
		}
		// Print the 客服 messages until none has come for a second.
		last, seen := time.Now(), before
		for time.Since(last) < time.Second && ctx.Err() == nil {
			if s := kf.Sent(); len(s) > seen {
				for _, m := range s[seen:] {
					fmt.Fprintf(out, "[客服 → %s]\n%s\n", m.To, m.Text)
				}
				seen, last = len(s), time.Now()
			}
			time.Sleep(20 * time.Millisecond)
		}
		if seen == before {
			fmt.Fprintln(out, "(no answer)")
		}
	case f[0] == "bot" && len(f) >= 3:
		req, err := bot.Single(ctx, f[1], strings.Join(f[2:], " "))
		return answer(ctx, out, bot, req, err)
	case f[0] == "group" && len(f) >= 4:
		req, err := bot.Group(ctx, f[1], f[2], "@"+name+" "+strings.Join(f[3:], " "))
		return answer(ctx, out, bot, req, err)
	default:
		return fmt.Errorf("want: kf USER TEXT | bot USER TEXT | group CHAT USER TEXT | verify")
	}
	return nil
}

func answer(ctx context.Context, out io.Writer, bot *wecombottest.Server, req string, err error) error {
	if err != nil {
		return fmt.Errorf("%w (is qualbot running with --channel wecom-bot?)", err)
	}
	a, err := bot.WaitAnswer(ctx, req)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "[智能机器人]\n%s\n", a)
	return nil
}
