package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const (
	goodKB = "../../knowledge/testdata/good"
	badKB  = "../../knowledge/testdata/bad"
)

func TestCheck(t *testing.T) {
	var stdout, stderr bytes.Buffer
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	if err := check([]string{"--kb", goodKB, "--against", goodKB}, &stdout, &stderr, now); err != nil {
		t.Fatalf("check good = %v\nstderr:\n%s", err, &stderr)
	}
	at := filepath.FromSlash(goodKB + "/")
	want := `知识库：` + goodKB + `（版本 VERSION）
类目：5（2 个一级类目）
  社交：3
  电商平台：2
资质：9
流程：2
同义词：3
词典词：3
意图规则：N（N 个词表）

对比：` + goodKB + `
没有变化。

警告：2 个条目的最新来源早于 2025-05-25（超过 18 个月），请核对后更新来源：
` + at + `categories/02-电商平台.yaml:16: 类目 电商平台/网上竞价平台/文物 最新来源 2024-01-05
` + at + `licences.yaml:23: 资质 《统一社会信用代码证》 最新来源 2020-12-11
`
	got := regexp.MustCompile(`版本 [0-9a-f]{12}`).ReplaceAllString(stdout.String(), "版本 VERSION")
	// A directory without intents uses the shipped ones, whose count changes with them.
	got = regexp.MustCompile(`意图规则：[1-9][0-9]*（[1-9][0-9]* 个词表）`).ReplaceAllString(got, "意图规则：N（N 个词表）")
	if got != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", got, want)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr = %q, want nothing", &stderr)
	}
}

func TestCheck_Errors(t *testing.T) {
	for _, test := range []struct {
		name       string
		args       []string
		wantErr    string // substring of the returned error
		wantCode   int
		wantStderr []string // substrings
	}{
		{
			name:     "bad knowledge base",
			args:     []string{"--kb", badKB},
			wantErr:  "check: " + badKB + ": 49 problems",
			wantCode: 1,
			wantStderr: []string{
				filepath.FromSlash(badKB+"/1-categories.yaml") + `:2: unknown key "catgories"`,
				filepath.FromSlash(badKB+"/3-topics.yaml") + ":2: duplicate category 社交/笔记 (first defined at 1-categories.yaml:29)",
				filepath.FromSlash(badKB+"/1-categories.yaml") + ":34: category 社交/笔记: unknown licence 《未登记的许可证》",
				filepath.FromSlash(badKB+"/4-syntax.yaml") + ":2: syntax error",
			},
		},
		{
			name:     "missing directory",
			args:     []string{"--kb", "testdata/does-not-exist"},
			wantErr:  "does-not-exist",
			wantCode: 1,
		},
		{
			name:       "unknown flag",
			args:       []string{"--kbb", goodKB},
			wantErr:    "flag provided but not defined: -kbb",
			wantCode:   2,
			wantStderr: []string{"usage: qualbot check [--kb DIR]"},
		},
		{
			name:       "extra argument",
			args:       []string{goodKB},
			wantErr:    "unexpected argument",
			wantCode:   2,
			wantStderr: []string{"usage: qualbot check [--kb DIR]"},
		},
	} {
		t.Run(test.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := check(test.args, &stdout, &stderr, time.Now())
			if err == nil || !strings.Contains(err.Error(), test.wantErr) {
				t.Fatalf("check(%q) = %v, want an error containing %q", test.args, err, test.wantErr)
			}
			var ec exitCoder
			if !errors.As(err, &ec) || ec.ExitCode() != test.wantCode {
				t.Errorf("exit code of %v = %v, want %d", err, ec, test.wantCode)
			}
			for _, w := range test.wantStderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, &stderr)
				}
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", &stdout)
			}
		})
	}
}

func TestCheck_BadLinesOnePerProblem(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"check", "--kb", badKB}, strings.NewReader(""), &stdout, &stderr)
	if err == nil {
		t.Fatal("run check bad = nil, want an error")
	}
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	if len(lines) != 49 {
		t.Errorf("stderr has %d lines, want 49 (one per problem):\n%s", len(lines), &stderr)
	}
	line := regexp.MustCompile(`^[^:]+\.yaml:\d+: \S`)
	for _, l := range lines {
		if !line.MatchString(l) {
			t.Errorf("line %q is not file.yaml:LINE: message", l)
		}
	}
}

func TestCheck_Run(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"check", "--kb", goodKB}, strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatalf("run check good = %v\nstderr:\n%s", err, &stderr)
	}
	for _, w := range []string{"类目：5（2 个一级类目）", "  社交：3", "资质：9", "流程：2", "同义词：3"} {
		if !strings.Contains(stdout.String(), w) {
			t.Errorf("stdout lacks %q:\n%s", w, &stdout)
		}
	}
}

func TestCheck_Help(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"check", "-h"}, strings.NewReader(""), &stdout, &stderr)
	if !errors.Is(err, flag.ErrHelp) {
		t.Errorf("check -h = %v, want flag.ErrHelp", err)
	}
	if !strings.Contains(stderr.String(), "-kb") {
		t.Errorf("check -h printed %q, want the flags", &stderr)
	}
}

// TestCheck_Shipped checks the embedded knowledge base the way a curator does.
func TestCheck_Shipped(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"check"}, strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatalf("qualbot check = %v\n%s", err, &stderr)
	}
	if !strings.Contains(stdout.String(), "知识库：内置知识库") {
		t.Errorf("stdout = %q", &stdout)
	}
}

func TestLoadKB(t *testing.T) {
	shipped, err := loadKB("")
	if err != nil {
		t.Fatalf(`loadKB("") = %v`, err)
	}
	good, err := loadKB(goodKB)
	if err != nil {
		t.Fatalf("loadKB(good) = %v", err)
	}
	if shipped.Version == good.Version || good.Category("社交", "直播") == nil {
		t.Errorf("loadKB(good) did not load the directory")
	}
	if _, err := loadKB(filepath.Join(t.TempDir(), "none")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("loadKB(missing) = %v, want ErrNotExist", err)
	}
}

// TestCheck_Changes: a deleted category file used to pass check with only a
// smaller count to show for it.
func TestCheck_Changes(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(goodKB)); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "categories", "02-电商平台.yaml")); err != nil {
		t.Fatal(err)
	}
	topics := filepath.Join(dir, "topics.yaml")
	b, _ := os.ReadFile(topics)
	os.WriteFile(topics, bytes.Replace(b, []byte(", [电商平台, 电商平台]"), nil, 1), 0o644)
	var stdout, stderr bytes.Buffer
	if err := check([]string{"--kb", dir, "--against", goodKB}, &stdout, &stderr, time.Now()); err != nil {
		t.Fatalf("check = %v\n%s", err, &stderr)
	}
	if want := "删除2个：类目 电商平台/电商平台、类目 电商平台/网上竞价平台/文物"; !strings.Contains(stdout.String(), want) {
		t.Errorf("check output:\n%s\nwant it to name the removed categories: %s", &stdout, want)
	}
	if want := "修改1个：流程 备案"; !strings.Contains(stdout.String(), want) {
		t.Errorf("check output:\n%s\nwant %s", &stdout, want)
	}
}

func TestCheck_Lint(t *testing.T) {
	const lintKB = "../../knowledge/testdata/lint"
	var stdout, stderr bytes.Buffer
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	if err := check([]string{"--kb", lintKB}, &stdout, &stderr, now); err != nil {
		t.Fatalf("check lint = %v, want nil: content problems are warnings\nstderr:\n%s", err, &stderr)
	}
	at := filepath.FromSlash(lintKB + "/")
	for _, want := range []string{
		"\n警告：7 处内容与资质要求或来源规则不符，请修改：\n",
		"\n" + at + "licences.yaml:2: required-but-option: 《互联网新闻信息服务许可证》：",
		"\n" + at + "synonyms.yaml:2: synonym-individual-only: 同义词 法律咨询",
		"\n" + at + "categories/01.yaml:28: source-from-eval: ",
		"\n" + at + "topics.yaml:2: source-third-party-unlabelled: ",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, &stdout)
		}
	}
}
