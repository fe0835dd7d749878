package index

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ToTraditional converts Simplified Chinese to Traditional characters in the
// Taiwan standard (OpenCC s2tw: 審核, 為, where plain s2t writes 審覈, 爲),
// so the bot can answer a question asked in Traditional characters in kind.
// It converts characters only, not vocabulary, so 小程序 stays 小程序.
func ToTraditional(s string) string {
	return twTable().convert(s2tTable().convert(s))
}

// hasTraditional reports whether t2s changes s.
func hasTraditional(s string) bool { return toSimplified(s) != s }

// toSimplified converts Traditional Chinese to Simplified (OpenCC t2s; never
// tw2sp, which turns 小程序 into 小进程). Simplified text, most questions and
// the whole knowledge base, comes back as it is without an allocation.
func toSimplified(s string) string { return t2sTable().convert(s) }

// invisible reports the characters normalisation removes: format characters
// (Unicode Cf: zero-width spaces and joiners, direction marks, the BOM) and
// control characters other than white space (NUL). They show as nothing,
// so "直\u200b播" must read as 直播.
func invisible(r rune) bool {
	switch {
	case r < utf8.RuneSelf: // ASCII: the controls but \t, \n, \v, \f and \r
		return r < ' ' && (r < '\t' || r > '\r') || r == 0x7F
	case r >= 0x2070 && r < 0xFEFF: // none from after the word joiners to the BOM (Han and kana among them)
		return false
	}
	return unicode.Is(unicode.Cf, r) || (unicode.IsControl(r) && !unicode.IsSpace(r))
}

// foldWidth folds full-width ASCII (ＩＣＰ, ４Ｓ, full-width punctuation) and
// the ideographic space to their half-width forms, drops invalid UTF-8, and
// removes invisible characters.
func foldWidth(s string) string {
	// s[:i] needs nothing.
	i := 0
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if invisible(rune(c)) {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r >= 0xFF01 && r <= 0xFF5E) || r == 0x3000 || (r == utf8.RuneError && size == 1) || invisible(r) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	rest := s[i:]
	for j, r := range rest {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteRune(r - 0xFEE0)
		case r == 0x3000:
			b.WriteByte(' ')
		case r == utf8.RuneError && !validAt(rest, j):
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
// width folding, then Traditional→Simplified, then lower case (the last two
// in one pass). Text that needs none of them, which is most of the
// knowledge base's, comes back as it is without an allocation.
func normalize(s string) string {
	return t2sTable().apply(foldWidth(s), true)
}

// lowerRune is unicode.ToLower, quicker for ASCII and for the scripts that
// have no case (Han, kana, Hangul's jamo, Yi).
func lowerRune(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	case r >= 0x2E80 && r < 0xA640:
		return r
	}
	return unicode.ToLower(r)
}
