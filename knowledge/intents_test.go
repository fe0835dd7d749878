package knowledge_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/qualbot/qualbot/knowledge"
)

// TestLoad_IntentsErrors checks that every problem of an intents file is
// reported with its file and line.
func TestLoad_IntentsErrors(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"intents.yaml": {Data: []byte(`intents:
  sets:
    group: [a]
    platform: [抖音]
  rules:
    - kind: asks_everything
      any: [x]
    - kind: notice
      any: [请补充]
    - kind: help
      reason: mismatch
      exact: [帮助]
    - kind: licences
    - kind: other_platform
      any: ["{platfrom}小程序", "{platform"]
    - kind: help
      exact: [hi]
      stop: [能]
    - kind: have
      clause: true
      all: [[我有]]
`)}}
	_, err := knowledge.Load(fsys)
	if err == nil {
		t.Fatal("Load: no error")
	}
	want := []string{
		`intents.yaml:3: set group is built in (the first-level categories); use another name`,
		`intents.yaml:6: unknown intent kind "asks_everything"`,
		`intents.yaml:8: a notice rule needs reason:`,
		`intents.yaml:11: reason: is for notice rules only`,
		`intents.yaml:13: intent rule licences matches nothing`,
		`intents.yaml:14: intent rule other_platform: any "{platfrom}小程序": unknown set {platfrom}`,
		`intents.yaml:14: intent rule other_platform: any "{platform": { without }`,
		`intents.yaml:16: skip:, stop: and after: are for clause rules`,
		`intents.yaml:19: a clause rule needs any:`,
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("errors:\n%v\nwant a line starting %q", err, w)
		}
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != len(want) {
		t.Errorf("%d problems reported, want %d:\n%v", n, len(want), err)
	}
}

// TestIntents_Match checks the matcher on rules of its own: precedence,
// captures, clauses.
func TestIntents_Match(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"intents.yaml": {Data: []byte(`intents:
  sets:
    platform: [抖音, QQ]
    boilerplate: [吗, 的]
  rules:
    - kind: help
      exact: [帮助]
    - kind: other_platform
      any: ["{platform}小程序"]
    - kind: have
      clause: true
      any: [我有]
      not: [才]
      skip: [没]
      stop: [能]
    - kind: duration
      all: [[多久, 几天], [审核, 备案]]
      not: [去年]
    - kind: group
      bare: ["{group}"]
    - kind: needs_context
      bare: ["我的情况"]
`)},
		"c.yaml": {Data: []byte(`categories:
  - {path: [医疗服务, 挂号], sources: [{seed: s, date: 2026-01-01}]}
  - {path: [医疗服务, 问诊], sources: [{seed: s, date: 2026-01-01}]}
  - {path: [医疗服务, 药品], sources: [{seed: s, date: 2026-01-01}]}
`)},
	}
	kb := mustLoad(t, fsys)
	first := func(text string) (knowledge.IntentMatch, bool) {
		ms := kb.Intents.Match(text)
		if len(ms) == 0 {
			return knowledge.IntentMatch{}, false
		}
		return ms[0], true
	}
	for _, test := range []struct {
		text, kind, capture, held, rest string
	}{
		{"帮助!", "help", "", "", ""},
		{"帮助一下", "", "", "", ""},
		{"qq小程序要什么证", "other_platform", "platform=QQ", "", ""},
		{"我有营业执照能做吗", "have", "", "营业执照", "能做吗"},
		{"没有执照,我有edi,能做直播吗", "have", "", "edi", "能做直播吗"},
		{"只有企业才可以吗", "", "", "", ""},
		{"备案要几天", "duration", "", "", ""},
		{"去年备案要几天", "", "", "", ""},
		{"医疗的吗", "group", "group=医疗服务", "", ""},
		// A bare phrase loses the boilerplate (的) as the question does.
		{"我的情况吗", "needs_context", "", "", ""},
	} {
		m, ok := first(test.text)
		kind := ""
		if ok {
			kind = string(m.Rule.Kind)
		}
		if kind != test.kind {
			t.Errorf("Match(%q) kind = %q, want %q", test.text, kind, test.kind)
			continue
		}
		if !ok {
			continue
		}
		if set, word, _ := strings.Cut(test.capture, "="); test.capture != "" && m.Captures[set] != word {
			t.Errorf("Match(%q) captures %v, want %s", test.text, m.Captures, test.capture)
		}
		if test.held != "" && (len(m.Held) != 1 || m.Held[0] != test.held || m.Rest != test.rest) {
			t.Errorf("Match(%q) held %q, rest %q; want %q, %q", test.text, m.Held, m.Rest, test.held, test.rest)
		}
	}
}

// TestLoad_IntentsPatternBound: each {set} multiplies a pattern's phrases;
// a pattern that stands for millions is an error at once, not a load that
// never ends (found by FuzzLoad).
func TestLoad_IntentsPatternBound(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"intents.yaml": {Data: []byte(`intents:
  sets:
    d: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
  rules:
    - kind: help
      any: ["{d}{d}{d}{d}{d}{d}{d}{d}"]
`)}}
	_, err := knowledge.Load(fsys)
	if err == nil || !strings.Contains(err.Error(), "intents.yaml:5: ") || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("Load = %v, want intents.yaml:5: the pattern stands for more than … phrases", err)
	}
}
