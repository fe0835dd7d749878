package index

import (
	"bufio"
	"strconv"
	"strings"
	"testing"

	"github.com/go-ego/gse"
)

// gseSegmenter is the dictionary newSegmenter builds, as gse's own
// segmenter: the reference the cutter and the dictionary are checked against.
func gseSegmenter(t testing.TB, domain []string) *gse.Segmenter {
	t.Helper()
	seg := &gse.Segmenter{SkipLog: true, NotLoadHMM: true}
	seg.Dict = gse.NewDict()
	seg.Init()
	type word struct {
		text string
		freq float64
	}
	var words []word
	sc := bufio.NewScanner(strings.NewReader(zhDict))
	for sc.Scan() {
		text, freq, _ := strings.Cut(sc.Text(), " ")
		f, err := strconv.ParseFloat(freq, 64)
		if err != nil {
			t.Fatal(err)
		}
		words = append(words, word{text, f})
	}
	freq := map[string]float64{}
	for _, w := range domain {
		if w = normalize(strings.TrimSpace(w)); w != "" {
			freq[w] = domainFreq
		}
	}
	for _, w := range words {
		if f, ok := freq[w.text]; ok && w.freq > f {
			freq[w.text] = w.freq
		}
	}
	// Domain words first: gse's dictionary keeps the first frequency it sees.
	for _, w := range domain {
		w = normalize(strings.TrimSpace(w))
		if f, ok := freq[w]; ok {
			seg.Dict.AddToken(seg.ToToken(w, f))
			delete(freq, w)
		}
	}
	for _, w := range words {
		seg.Dict.AddToken(seg.ToToken(w.text, w.freq))
	}
	return seg
}

// TestWordDict checks the dictionary against gse's trie over the same
// words: the same total, and the same answer for every prefix of every text.
func TestWordDict(t *testing.T) {
	kb := testBase()
	d := newSegmenter(domainTerms(kb))
	seg := gseSegmenter(t, domainTerms(kb))
	if d.total != seg.Dict.TotalFreq() || d.len() != seg.Dict.NumTokens() {
		t.Errorf("total %v, %d words; gse %v, %d", d.total, d.len(), seg.Dict.TotalFreq(), seg.Dict.NumTokens())
	}
	texts := []string{"微信小程序直播带货要什么资质", "icp备案", "互联网医院", "a", "😀药"}
	for _, q := range loadDev(t) {
		texts = append(texts, normalize(q.Q))
	}
	for i := 0; i < d.len(); i += 97 {
		w, _ := d.at(i)
		texts = append(texts, w)
	}
	texts = append(texts, d.words...) // the knowledge base's own
	for _, text := range texts {
		for i := range text {
			words := d.all()
			for j := i + 1; j <= len(text); j++ {
				if !utf8RuneStart(text, j) {
					continue
				}
				var freq float64
				words, freq = d.narrow(words, text[i:j])
				wantFreq, _, wantOK := seg.Dict.Find([]byte(text[i:j]))
				if freq != wantFreq || words.empty() == wantOK {
					t.Fatalf("narrow(%q) = %v, %v; gse Find = %v, %v", text[i:j], freq, !words.empty(), wantFreq, wantOK)
				}
				if words.empty() {
					break
				}
			}
		}
	}
}

func utf8RuneStart(s string, i int) bool { return i == len(s) || s[i]&0xC0 != 0x80 }

// TestCut compares the cutter with gse's own Cut(text, false) on the dev
// questions and the test knowledge base. They differ only where gse scores a
// character that starts a dictionary word but is none as impossible (log 0)
// and so prefers 提供商|品 to 提供|商品; allow a few such texts.
func TestCut(t *testing.T) {
	kb := testBase()
	seg := gseSegmenter(t, domainTerms(kb))
	c := newCutter(newSegmenter(domainTerms(kb)))
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
	kb.Words = append(kb.Words, "ai", "b2b", "小程序", "商户号")
	c := newCutter(newSegmenter(domainTerms(kb)))
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
