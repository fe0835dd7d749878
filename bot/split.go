package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// split cuts text into parts of at most max runes each, numbered
// "（1/3）". It breaks at line ends where it can, else at the end of a
// sentence, and only as a last resort inside one; the parts are balanced so
// the last is not a lone line. Text that fits is returned whole and
// unnumbered. Each rune is counted once: pieces carry their length, and the
// balancing tries its targets on the lengths alone.
func split(text string, max int) []string {
	if max <= 0 || utf8.RuneCountInString(text) <= max {
		return []string{text}
	}
	limit := max - utf8.RuneCountInString(fmt.Sprintf(partMark, 99, 99)) - 1
	if limit < 20 {
		limit = 20
	}
	// Whole lines, unless breaking at sentences saves a part or avoids a
	// lone short last part.
	parts := balance(pieces(text, limit, false), limit)
	if p := balance(pieces(text, limit, true), limit); len(p) < len(parts) ||
		len(p) == len(parts) && parts[len(parts)-1].n < limit/3 {
		parts = p
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = fmt.Sprintf(partMark, i+1, len(parts)) + "\n" + p.text
	}
	return out
}

// A piece is a line, or a sentence of a line that continues the previous
// piece, with its length in runes.
type piece struct {
	text string
	n    int
	cont bool
}

// pieces cuts text into lines, and lines into sentences where a line is
// longer than limit or bySentence is set.
func pieces(text string, limit int, bySentence bool) []piece {
	var ps []piece
	for l := range strings.SplitSeq(text, "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if n := utf8.RuneCountInString(l); !bySentence && n <= limit {
			ps = append(ps, piece{l, n, false})
			continue
		}
		first := len(ps)
		ps = sentences(ps, []rune(l), limit)
		for i := first + 1; i < len(ps); i++ {
			ps[i].cont = true
		}
	}
	return ps
}

// balance packs ps into as few parts as fit in limit, then evens them out:
// it packs again with the smallest target that needs no more parts.
func balance(ps []piece, limit int) []piece {
	n := packs(ps, limit)
	total := 0
	for _, p := range ps {
		total += p.n + 1
	}
	if n > 1 {
		for target := total / n; target < limit; target += 10 {
			if packs(ps, target) == n {
				return pack(ps, target)
			}
		}
	}
	return pack(ps, limit)
}

// packs is the number of parts pack makes.
func packs(ps []piece, target int) int {
	parts, size := 0, 0
	for _, p := range ps {
		sep := 1
		if p.cont {
			sep = 0
		}
		if size > 0 && size+sep+p.n > target {
			parts++
			size = 0
		}
		if size > 0 && !p.cont {
			size++
		}
		size += p.n
	}
	if size > 0 {
		parts++
	}
	return parts
}

// pack joins pieces into parts of at most target runes where it can; a
// piece longer than target makes a part of its own.
func pack(ps []piece, target int) []piece {
	var parts []piece
	var cur strings.Builder
	size := 0
	for _, p := range ps {
		sep := 1
		if p.cont {
			sep = 0
		}
		if size > 0 && size+sep+p.n > target {
			parts = append(parts, piece{text: cur.String(), n: size})
			cur.Reset()
			size = 0
		}
		if size > 0 && !p.cont {
			cur.WriteByte('\n')
			size++
		}
		cur.WriteString(p.text)
		size += p.n
	}
	if size > 0 {
		parts = append(parts, piece{text: cur.String(), n: size})
	}
	return parts
}

// sentences appends the sentences of line rs to ps, cutting after each
// sentence end, and a sentence longer than limit after a comma or, failing
// that, anywhere.
func sentences(ps []piece, rs []rune, limit int) []piece {
	start := 0
	for i, r := range rs {
		if strings.ContainsRune("。；！？;!?", r) {
			ps = cutLine(ps, rs[start:i+1], limit)
			start = i + 1
		}
	}
	if start < len(rs) {
		ps = cutLine(ps, rs[start:], limit)
	}
	return ps
}

// cutLine appends sentence rs to ps in pieces of at most limit runes,
// preferring to cut after a comma.
func cutLine(ps []piece, rs []rune, limit int) []piece {
	for len(rs) > limit {
		cut := lastIndexAny(rs[:limit], "，、,： ")
		if cut < limit/3 {
			cut = limit - 1
		}
		ps = append(ps, piece{text: string(rs[:cut+1]), n: cut + 1})
		rs = rs[cut+1:]
	}
	return append(ps, piece{text: string(rs), n: len(rs)})
}

func lastIndexAny(rs []rune, chars string) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if strings.ContainsRune(chars, rs[i]) {
			return i
		}
	}
	return -1
}
