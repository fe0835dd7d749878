package bot

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// mentionEnd is the space WeChat puts after a mention picked from the member
// list (U+2005, FOUR-PER-EM SPACE).
const mentionEnd = '\u2005'

// StripMention removes from text every @-mention of one of names and
// reports whether there was one. It is the one mention rule of every
// transport and of Triggers.
//
// A mention is "@" and the whole name, exactly: a picked mention ends at the
// U+2005 WeChat puts after it, a typed one at a space or the end of the
// text. So "@QualBot粉丝" and "@资质 小助手🤖二号" (other members whose names
// contain the bot's) are not mentions of "QualBot" or "资质 小助手". Names
// may hold spaces and emoji.
func StripMention(text string, names []string) (string, bool) {
	names = slices.DeleteFunc(slices.Clone(names), func(n string) bool { return strings.TrimSpace(n) == "" })
	// Longest first, so a name that starts another is tried last.
	slices.SortStableFunc(names, func(a, b string) int { return len(b) - len(a) })
	found := false
	var b strings.Builder
	for i := 0; i < len(text); {
		j := strings.IndexByte(text[i:], '@')
		if j < 0 {
			b.WriteString(text[i:])
			break
		}
		b.WriteString(text[i : i+j])
		at := i + j
		if n := mentionLen(text[at+1:], names); n > 0 {
			found = true
			i = at + 1 + n
			continue
		}
		b.WriteByte('@')
		i = at + 1
	}
	if !found {
		return text, false
	}
	return trimLead(b.String()), true
}

// mentionLen returns how many bytes of rest (the text after an "@") are a
// mention of one of names, with the separator after it, or 0.
func mentionLen(rest string, names []string) int {
	// A picked mention: everything up to U+2005 is the name.
	if k := strings.IndexRune(rest, mentionEnd); k > 0 && !strings.ContainsRune(rest[:k], '@') {
		token := strings.TrimSpace(rest[:k])
		for _, n := range names {
			if token == strings.TrimSpace(n) {
				return k + utf8.RuneLen(mentionEnd)
			}
		}
		return 0
	}
	// A typed mention: the name, then a space or the end.
	for _, n := range names {
		n = strings.TrimSpace(n)
		if !strings.HasPrefix(rest, n) {
			continue
		}
		after := rest[len(n):]
		if after == "" {
			return len(n)
		}
		if r, size := utf8.DecodeRuneInString(after); unicode.IsSpace(r) {
			return len(n) + size
		}
	}
	return 0
}

// stripLeadingMention removes a leading "@someone" closed by U+2005 or, failing
// that, by a space: a mention the transport vouches for (Message.Mentioned)
// by a name the bot was not told.
func stripLeadingMention(text string) string {
	if !strings.HasPrefix(text, "@") {
		return text
	}
	if i := strings.IndexRune(text, mentionEnd); i > 0 {
		return trimLead(text[i:])
	}
	if i := strings.IndexFunc(text, unicode.IsSpace); i > 0 {
		return trimLead(text[i:])
	}
	return text
}
