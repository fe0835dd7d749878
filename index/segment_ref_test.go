package index

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/qualbot/qualbot/knowledge"
)

// refDict is the dictionary as plain maps: the reference the tokenizer is
// checked against, independent of wordDict's search.
type refDict struct {
	freq     map[string]float64 // every word
	prefixes map[string]bool    // every non-empty prefix of every word
	logT     float64
}

func newRefDict(d *wordDict) *refDict {
	r := &refDict{freq: make(map[string]float64, d.len()), prefixes: make(map[string]bool, 2*d.len()), logT: math.Log(d.total)}
	for i := range d.len() {
		w, f := d.at(i)
		r.freq[w] = f
		for j := range w {
			if j > 0 {
				r.prefixes[w[:j]] = true
			}
		}
		r.prefixes[w] = true
	}
	return r
}

// cut is the cutter's algorithm, written out plainly: for each rune, every
// dictionary word that starts there, found by extending a prefix until no
// word starts with it.
func (r *refDict) cut(text string) []span {
	var off []int
	for i := range text {
		off = append(off, i)
	}
	n := len(off)
	off = append(off, len(text))
	best := make([]float64, n+1)
	next := make([]int, n+1)
	for k := n - 1; k >= 0; k-- {
		found := false
		for i := k; i < n; i++ {
			w := text[off[k]:off[i+1]]
			if !r.prefixes[w] {
				break
			}
			freq := r.freq[w]
			if freq <= 0 || splitsASCII(text, off[k]) || splitsASCII(text, off[i+1]) {
				continue
			}
			f := math.Log(freq) - r.logT + best[i+1]
			if !found || f > best[k] || (f == best[k] && i+1 > next[k]) {
				best[k], next[k] = f, i+1
				found = true
			}
		}
		if !found {
			best[k], next[k] = -r.logT+best[k+1], k+1
		}
	}
	var out []span
	for x := 0; x < n; {
		y := next[x]
		if y == x+1 && isASCIIAlnum(text[off[x]:off[y]]) {
			z := x
			for z < n && next[z] == z+1 && isASCIIAlnum(text[off[z]:off[z+1]]) {
				z++
			}
			out = append(out, span{off[x], off[z]})
			x = z
			continue
		}
		out = append(out, span{off[x], off[y]})
		x = y
	}
	return out
}

// tokenize is segTokenizer.Tokenize as it was before the cut's word graph
// was reused: with maxWord, the dictionary is walked again from each
// character of each word for the words inside it.
func (r *refDict) tokenize(input []byte, maxWord bool, stop map[string]bool) analysis.TokenStream {
	text := string(input)
	var rv analysis.TokenStream
	pos := 0
	for _, sp := range r.cut(text) {
		w := text[sp.start:sp.end]
		if !hasWordChar(w) || stop[w] {
			continue
		}
		pos++
		rv = append(rv, &analysis.Token{Term: input[sp.start:sp.end], Start: sp.start, End: sp.end, Position: pos, Type: tokenType(w)})
		if !maxWord {
			continue
		}
		for i := sp.start; i < sp.end; {
			_, size := utf8.DecodeRuneInString(text[i:])
			j, n := i+size, 1
			ok := r.prefixes[text[i:j]]
			for j < sp.end && n < 8 && ok {
				_, size := utf8.DecodeRuneInString(text[j:])
				j += size
				n++
				if i == sp.start && j == sp.end {
					break
				}
				if ok = r.prefixes[text[i:j]]; !ok {
					break
				}
				if r.freq[text[i:j]] > 0 && !splitsASCII(text, i) && !splitsASCII(text, j) {
					rv = append(rv, &analysis.Token{Term: input[i:j], Start: i, End: j, Position: pos, Type: analysis.Ideographic})
				}
			}
			i += size
		}
	}
	return rv
}

// refNormalize is normalize as it was: three passes, each step written
// out plainly.
func refNormalize(s string) string {
	return strings.ToLower(refConvert(t2sTable(), refFoldWidth(s)))
}

func refInvisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || (unicode.IsControl(r) && !unicode.IsSpace(r))
}

func refFoldWidth(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteRune(r - 0xFEE0)
		case r == 0x3000:
			b.WriteByte(' ')
		case r == utf8.RuneError && !validAt(s, i):
			b.WriteByte(' ')
		case refInvisible(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// refConvert applies t: at each character, the longest key that starts
// there is replaced by its value.
func refConvert(t *convTable, s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		best, end := -1, 0
		for j, n := i, 0; j < len(s) && n < convMaxRunes; n++ {
			_, size := utf8.DecodeRuneInString(s[j:])
			j += size
			if k, ok := slices.BinarySearch(t.keys, s[i:j]); ok {
				best, end = k, j
			}
		}
		if best < 0 {
			_, size := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		b.WriteString(t.vals[best])
		i = end
	}
	return b.String()
}

// shippedDocs returns the documents the index makes of kb.
func shippedDocs(kb *knowledge.Base) []document {
	var docs []document
	for _, c := range kb.Categories {
		docs = append(docs, categoryDoc(c))
	}
	for _, l := range kb.Licences {
		docs = append(docs, licenceDoc(l))
	}
	for _, tp := range kb.Topics {
		docs = append(docs, topicDoc(tp))
	}
	for _, q := range kb.FAQs {
		docs = append(docs, faqDoc(q))
	}
	return docs
}

// shippedTexts returns every text of the shipped knowledge base the index
// analyses (each field of each document, and its parts), the questions of
// testdata, and a few made-up ones that exercise the edges.
func shippedTexts(t testing.TB, kb *knowledge.Base) []string {
	t.Helper()
	var texts []string
	for _, d := range shippedDocs(kb) {
		for _, f := range []string{fieldTitle, fieldNames, fieldBody} {
			texts = append(texts, d.fields()[f].(string))
		}
		for _, part := range [][]string{d.title, d.names, d.body, d.exact} {
			texts = append(texts, part...)
		}
	}
	texts = append(texts, domainTerms(kb)...)
	for _, q := range loadDev(t) {
		texts = append(texts, q.Q)
	}
	for _, q := range loadQuestions(t, "testdata/check-questions.yaml") {
		texts = append(texts, q.Q)
	}
	f, err := os.Open("testdata/intents.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if _, q, ok := strings.Cut(sc.Text(), "\t"); ok && !strings.HasPrefix(sc.Text(), "#") {
			texts = append(texts, q)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return append(texts, "", "a", "4s店收定金算哪个类目", "ICP备案要多久", "小程序直播带货要什么资质",
		"123abc 直播", "😀药", "requestorder:fail (1)", "接AI的小程序", "b2b商户号", "mail2ai",
		"網約車小程序需要什麼類目", "ＩＣＰ许可证", "直\u200b播", "ΣΑΣ", "\xff互联网\xc3医院",
		"增值电信业务经营许可证增值电信业务经营许可证增值电信业务经营许可证")
}

// refCase is an analyzer of the shipped knowledge base's dictionary beside
// the reference it must agree with.
type refCase struct {
	name    string
	an      analysis.Analyzer
	maxWord bool
	stop    map[string]bool
}

// refCases returns the index analyzer (with sub-words) and the query
// analyzer (with stop words) of the shipped knowledge base, and the
// reference dictionary.
func refCases(t testing.TB) (*refDict, []refCase) {
	t.Helper()
	kb := shippedBase(t)
	d := newSegmenter(domainTerms(kb))
	id := registerSegmenter(d)
	t.Cleanup(func() { unregisterSegmenter(id) })
	stop := stopWords(kb)
	stopSet := map[string]bool{}
	for _, w := range stop {
		stopSet[w] = true
	}
	cases := []refCase{
		{name: "index", maxWord: true},
		{name: "query", stop: stopSet},
	}
	for i, config := range []map[string]interface{}{
		{"segmenter": id, "max_word": true},
		{"segmenter": id, "stop": stop},
	} {
		an, err := newZhAnalyzer(config, nil)
		if err != nil {
			t.Fatal(err)
		}
		cases[i].an = an
	}
	return newRefDict(d), cases
}

// checkRef analyses text with each analyzer and the reference, and
// returns how many tokens it compared.
func checkRef(t testing.TB, ref *refDict, cases []refCase, text string) int {
	t.Helper()
	norm := refNormalize(text)
	if got := normalize(text); got != norm {
		t.Fatalf("normalize(%q) = %q, want %q", text, got, norm)
	}
	n := 0
	for _, c := range cases {
		got := c.an.Analyze([]byte(text))
		want := ref.tokenize([]byte(norm), c.maxWord, c.stop)
		n += len(want)
		if g, w := tokenString(got), tokenString(want); g != w {
			t.Errorf("%s analyzer, %q:\n got %s\nwant %s", c.name, text, g, w)
		}
	}
	return n
}

// TestTokenizeReference checks the tokenizer, the index's (with sub-words)
// and the query's (with stop words), against the reference on every text of
// the shipped knowledge base and every question of testdata: the same
// terms, offsets, positions and types, token for token. normalize is
// checked against its plain form on the same texts.
func TestTokenizeReference(t *testing.T) {
	ref, cases := refCases(t)
	texts := shippedTexts(t, shippedBase(t))
	tokens := 0
	for _, text := range texts {
		tokens += checkRef(t, ref, cases, text)
	}
	if tokens < 100000 {
		t.Errorf("only %d tokens compared", tokens)
	}
	t.Logf("%d texts, %d tokens", len(texts), tokens)
}

// FuzzTokenize compares the analyzers with the reference on any text.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"小程序直播带货要什么资质", "網約車ＩＣＰ許可證", "requestorder:fail (1)", "直\u200b播\x00", "\xff互联网医院", "4s店ABC增值电信业务经营许可证"} {
		f.Add(s)
	}
	ref, cases := refCases(f)
	f.Fuzz(func(t *testing.T, s string) {
		checkRef(t, ref, cases, s)
	})
}

func tokenString(ts analysis.TokenStream) string {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "%s@%d-%d#%d/%d ", t.Term, t.Start, t.End, t.Position, t.Type)
	}
	return b.String()
}

// TestNormalizeReference checks normalize's fast path on texts that need
// each step and on texts that need none.
func TestNormalizeReference(t *testing.T) {
	for _, s := range []string{
		"", "abc", "ABC", "小程序", "網約車", "ＩＣＰ", "a\u3000b", "直\u200b播", "a\x00b", "a\tb\n",
		"\xff", "\xef\xbf\xbd", "ΣΑΣ", "Straße", "İ", "ǅ", "小程序直播带货要什么资质？", "乾燥", "著名",
		"𠮷", "\U0002A6A5", "互联网医院 ICP", "Ⅻ", "ⓐⒶ", "\u00ad", "\ufeff小程序",
		"ＡＢＣ網約車\u200bＸ", "乾隆\x00", "後\u200b來", "\xc3\x28ABC", "ABC\xff", "ＩＣＰ許可證",
	} {
		if got, want := normalize(s), refNormalize(s); got != want {
			t.Errorf("normalize(%q) = %q, want %q", s, got, want)
		}
	}
}

// BenchmarkAnalyze runs the index analyzer (normalisation, cut, sub-words)
// over every field of every document of the shipped knowledge base.
func BenchmarkAnalyze(b *testing.B) {
	kb := shippedBase(b)
	id := registerSegmenter(newSegmenter(domainTerms(kb)))
	defer unregisterSegmenter(id)
	an, err := newZhAnalyzer(map[string]interface{}{"segmenter": id, "max_word": true}, nil)
	if err != nil {
		b.Fatal(err)
	}
	var texts [][]byte
	for _, d := range shippedDocs(kb) {
		f := d.fields()
		for _, name := range []string{fieldTitle, fieldNames, fieldBody} {
			texts = append(texts, []byte(f[name].(string)))
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, t := range texts {
			an.Analyze(t)
		}
	}
}

// TestRuneShortcuts checks invisible's and lowerRune's shortcuts against
// the unicode package on every character.
func TestRuneShortcuts(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := invisible(r), unicode.Is(unicode.Cf, r) || (unicode.IsControl(r) && !unicode.IsSpace(r)); got != want {
			t.Errorf("invisible(%U) = %v, want %v", r, got, want)
		}
		if got, want := lowerRune(r), unicode.ToLower(r); got != want {
			t.Errorf("lowerRune(%U) = %U, want %U", r, got, want)
		}
	}
}

// BenchmarkCut cuts every field of every document of the shipped knowledge
// base, normalised, and reads its word graph for the sub-words.
func BenchmarkCut(b *testing.B) {
	kb := shippedBase(b)
	c := newCutter(newSegmenter(domainTerms(kb)))
	var texts []string
	for _, d := range shippedDocs(kb) {
		f := d.fields()
		for _, name := range []string{fieldTitle, fieldNames, fieldBody} {
			texts = append(texts, normalize(f[name].(string)))
		}
	}
	var out []span
	for b.Loop() {
		for _, t := range texts {
			out = c.cut(t, out[:0])
		}
	}
}
