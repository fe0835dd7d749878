package index

import (
	"strings"
	"testing"
)

// TestCut compares the cutter with gse's own Cut(text, false) on the dev
// questions and the test knowledge base. They differ only where gse scores a
// character that starts a dictionary word but is none as impossible (log 0)
// and so prefers 提供商|品 to 提供|商品; allow a few such texts.
func TestCut(t *testing.T) {
	kb := testBase()
	seg := newSegmenter(domainTerms(kb))
	c := newCutter(seg)
	texts := []string{"", "a", "4s店收定金算哪个类目", "icp备案要多久", "小程序直播带货要什么资质", "123abc 直播", "😀药"}
	for _, q := range loadDev(t) {
		texts = append(texts, normalize(q.Q))
	}
	for _, cat := range kb.Categories {
		texts = append(texts, normalize(cat.Description))
	}
	diff := 0
	for _, text := range texts {
		var got []string
		for _, sp := range c.cut(text, nil) {
			got = append(got, text[sp.start:sp.end])
		}
		want := seg.Cut(text, false)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			diff++
			t.Logf("cut(%q):\n got %q\nwant %q", text, got, want)
		}
		if strings.Join(got, "") != text {
			t.Errorf("cut(%q) = %q: the words do not make up the text", text, got)
		}
	}
	if diff > len(texts)/10 {
		t.Errorf("%d of %d texts cut differently from gse", diff, len(texts))
	}
}

// TestCut_ASCIIWords checks that a dictionary word never starts or ends
// inside a run of ASCII letters and digits, in the cut, in the sub-words of a
// document and in the names a question contains.
func TestCut_ASCIIWords(t *testing.T) {
	kb := testBase()
	kb.Words = append(kb.Words, "ai", "b2b")
	seg := newSegmenter(domainTerms(kb))
	c := newCutter(seg)
	for text, want := range map[string]string{
		"requestorder:fail (1)": "requestorder|:|fail| |(|1|)",
		"接ai的小程序":               "接|ai|的|小程序",
		"b2b商户号":                "b2b|商户号",
		"mail2ai":               "mail2ai",
	} {
		var got []string
		for _, sp := range c.cut(text, nil) {
			got = append(got, text[sp.start:sp.end])
		}
		if g := strings.Join(got, "|"); g != want {
			t.Errorf("cut(%q) = %q, want %q", text, g, want)
		}
	}
	q := &querier{names: map[string]bool{"ai": true}, prefixes: map[string]bool{"a": true}}
	if got := q.contained("failai"); len(got) != 0 {
		t.Errorf("contained(failai) = %q, want none", got)
	}
	if got := q.contained("接ai"); len(got) != 1 {
		t.Errorf("contained(接ai) = %q, want [ai]", got)
	}
}
