package index

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
)

// The OpenCC converters are loaded once: each costs a few milliseconds and
// is safe for concurrent use (Convert only reads its dictionaries).
var (
	t2sOnce, s2tOnce sync.Once
	t2sConv, s2tConv *opencc.OpenCC
)

func t2s() *opencc.OpenCC {
	t2sOnce.Do(func() { t2sConv = mustOpenCC("t2s") })
	return t2sConv
}

func s2t() *opencc.OpenCC {
	s2tOnce.Do(func() { s2tConv = mustOpenCC("s2tw") })
	return s2tConv
}

func mustOpenCC(conversion string) *opencc.OpenCC {
	cc, err := opencc.New(conversion)
	if err != nil {
		// The configurations are embedded in the module; failing to load
		// one is a broken build, not a runtime condition.
		panic("index: opencc " + conversion + ": " + err.Error())
	}
	return cc
}

// ToTraditional converts Simplified Chinese to Traditional characters in the
// Taiwan standard (OpenCC s2tw: 審核, 為, where plain s2t writes 審覈, 爲),
// so the bot can answer a question asked in Traditional characters in kind.
// It converts characters only, not vocabulary, so 小程序 stays 小程序.
func ToTraditional(s string) string {
	if s == "" {
		return s
	}
	out, err := s2t().Convert(s)
	if err != nil {
		return s
	}
	return out
}

// t2sRunesText lists every character t2s can change (see gendict.go).
//
//go:embed dict/t2s_runes.txt
var t2sRunesText string

var t2sRunes = sync.OnceValue(func() map[rune]bool {
	m := make(map[rune]bool, len(t2sRunesText)/3)
	for _, r := range strings.TrimSpace(t2sRunesText) {
		m[r] = true
	}
	return m
})

// hasTraditional reports whether t2s could change s. Most text, questions
// and the whole knowledge base included, is Simplified and skips the
// conversion, which costs far more than this check.
func hasTraditional(s string) bool {
	set := t2sRunes()
	for _, r := range s {
		if r >= 0x3400 && set[r] {
			return true
		}
	}
	return false
}

// toSimplified converts Traditional Chinese to Simplified (OpenCC t2s; never
// tw2sp, which turns 小程序 into 小进程).
func toSimplified(s string) string {
	if !hasTraditional(s) {
		return s
	}
	out, err := t2s().Convert(s)
	if err != nil {
		return s
	}
	return out
}

// invisible reports the characters normalisation removes: format characters
// (Unicode Cf: zero-width spaces and joiners, direction marks, the BOM) and
// control characters other than white space (NUL). They show as nothing,
// so "直\u200b播" must read as 直播.
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || (unicode.IsControl(r) && !unicode.IsSpace(r))
}

// foldWidth folds full-width ASCII (ＩＣＰ, ４Ｓ, full-width punctuation) and
// the ideographic space to their half-width forms, drops invalid UTF-8, and
// removes invisible characters.
func foldWidth(s string) string {
	clean := true
	for i, r := range s {
		if (r >= 0xFF01 && r <= 0xFF5E) || r == 0x3000 || (r == utf8.RuneError && !validAt(s, i)) || invisible(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteRune(r - 0xFEE0)
		case r == 0x3000:
			b.WriteByte(' ')
		case r == utf8.RuneError && !validAt(s, i):
			b.WriteByte(' ')
		case invisible(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// validAt reports whether the rune at byte i of s is a real U+FFFD rather
// than a decoding error.
func validAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 3
}

// normalize is the text normalisation shared by documents and questions:
// width folding, then Traditional→Simplified, then lower case.
func normalize(s string) string {
	return strings.ToLower(toSimplified(foldWidth(s)))
}
