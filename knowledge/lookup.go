package knowledge

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// lookup holds the maps behind Base's lookup methods.
type lookup struct {
	cats    map[string]*Category // by ID
	lics    map[string]*Licence  // by folded ID and folded short names
	topics  map[string]*Topic
	needles []needle // for LicencesIn, longest first
}

// A needle is a folded licence name or short name to look for in text.
type needle struct {
	text  string
	latin bool // all ASCII letters and digits: match whole words only
	lc    *Licence
}

// index builds the lookup maps; Load calls it once.
func (b *Base) index() { b.idx = newLookup(b) }

// lookups returns the maps, building them for a Base that Load did not make.
func (b *Base) lookups() *lookup {
	if b.idx != nil {
		return b.idx
	}
	return newLookup(b)
}

func newLookup(b *Base) *lookup {
	x := &lookup{
		cats:   make(map[string]*Category, len(b.Categories)),
		lics:   make(map[string]*Licence, 3*len(b.Licences)),
		topics: make(map[string]*Topic, len(b.Topics)),
	}
	for _, c := range b.Categories {
		x.cats[c.ID()] = c
	}
	for _, t := range b.Topics {
		x.topics[t.ID] = t
	}
	add := func(name string, lc *Licence) {
		k := fold(name)
		if k == "" {
			return
		}
		if _, ok := x.lics[k]; !ok {
			x.lics[k] = lc
		}
		x.needles = append(x.needles, needle{text: k, latin: isLatin(k), lc: lc})
	}
	// Full names first, so a short name never shadows another licence's name.
	for _, lc := range b.Licences {
		add(lc.ID(), lc)
	}
	for _, lc := range b.Licences {
		for _, s := range lc.Short {
			add(s, lc)
		}
	}
	slices.SortStableFunc(x.needles, func(a, b needle) int {
		return cmp.Compare(utf8.RuneCountInString(b.text), utf8.RuneCountInString(a.text))
	})
	return x
}

// Category returns the category with the given path, or nil. The path may
// be given as its levels or as one string joined with "/":
// Category("社交", "直播") and Category("社交/直播") are the same.
func (b *Base) Category(path ...string) *Category {
	return b.lookups().cats[strings.Join(path, "/")]
}

// Licence returns the licence called name, or nil. The name may be the
// official name with or without 《》, or one of its short names; Latin
// letters match in either case ("icp许可证").
func (b *Base) Licence(name string) *Licence {
	name = strings.TrimSpace(name)
	name = strings.TrimSuffix(strings.TrimPrefix(name, "《"), "》")
	return b.lookups().lics[fold(name)]
}

// Topic returns the topic with the given id, or nil.
func (b *Base) Topic(id string) *Topic { return b.lookups().topics[id] }

// LicencesIn returns the licences that text mentions by official name
// (with or without 《》) or short name, in the order they first appear.
// Longer names win: text covered by one match is not matched again, so
// "增值电信业务经营许可证" does not also count a licence called
// "电信业务经营许可证". Latin letters match in either case, and an all-Latin
// name ("EDI") matches only as a whole word.
func (b *Base) LicencesIn(text string) []*Licence {
	t := fold(text)
	covered := make([]bool, len(t))
	first := map[*Licence]int{}
	for _, n := range b.lookups().needles {
		for from := 0; from < len(t); {
			i := strings.Index(t[from:], n.text)
			if i < 0 {
				break
			}
			i += from
			end := i + len(n.text)
			_, size := utf8.DecodeRuneInString(t[i:])
			from = i + size
			if slices.Contains(covered[i:end], true) {
				continue
			}
			if n.latin && (i > 0 && isWordByte(t[i-1]) || end < len(t) && isWordByte(t[end])) {
				continue
			}
			for k := i; k < end; k++ {
				covered[k] = true
			}
			if p, ok := first[n.lc]; !ok || i < p {
				first[n.lc] = i
			}
		}
	}
	out := make([]*Licence, 0, len(first))
	for lc := range first {
		out = append(out, lc)
	}
	slices.SortFunc(out, func(a, b *Licence) int { return cmp.Compare(first[a], first[b]) })
	return out
}

// fold makes Latin letters match in any case and width: full-width ASCII
// becomes ASCII, and ASCII letters become lower case.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}, s)
}

func isWordByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

func isLatin(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return false
		}
	}
	return s != ""
}

// Stats counts what a knowledge base holds.
type Stats struct {
	// Categories counts categories per first-level category, in the order
	// the first-level categories first appear.
	Categories []Count
	Licences   int
	Topics     int
	Synonyms   int
	Words      int
	// Intents counts the intents rules; Sets their named word sets.
	Intents, Sets int
}

// A Count is a number of things under a name.
type Count struct {
	Name string
	N    int
}

// TotalCategories is the number of categories across all first-level categories.
func (s Stats) TotalCategories() int {
	n := 0
	for _, c := range s.Categories {
		n += c.N
	}
	return n
}

// Stats counts the base's categories, licences, topics, synonyms and words.
func (b *Base) Stats() Stats {
	s := Stats{Licences: len(b.Licences), Topics: len(b.Topics), Synonyms: len(b.Synonyms), Words: len(b.Words)}
	if b.Intents != nil {
		s.Intents, s.Sets = len(b.Intents.Rules), len(b.Intents.Sets)
	}
	at := map[string]int{}
	for _, c := range b.Categories {
		if len(c.Path) == 0 {
			continue
		}
		i, ok := at[c.Path[0]]
		if !ok {
			i = len(s.Categories)
			at[c.Path[0]] = i
			s.Categories = append(s.Categories, Count{Name: c.Path[0]})
		}
		s.Categories[i].N++
	}
	return s
}

// A StaleEntry is a category, licence or topic whose newest source is old.
type StaleEntry struct {
	Kind   Kind
	ID     string
	Pos    Pos
	Newest time.Time // the newest source date; zero when none has a date
}

// Stale returns the entries none of whose sources is dated on or after
// cutoff: categories first, then licences, then topics, each in file order.
func (b *Base) Stale(cutoff time.Time) []StaleEntry {
	var out []StaleEntry
	check := func(k Kind, id string, pos Pos, sources []Source) {
		var newest time.Time
		for _, s := range sources {
			if w := s.When(); w.After(newest) {
				newest = w
			}
		}
		if newest.Before(cutoff) {
			out = append(out, StaleEntry{Kind: k, ID: id, Pos: pos, Newest: newest})
		}
	}
	for _, c := range b.Categories {
		check(KindCategory, c.ID(), c.Pos, c.Sources)
	}
	for _, l := range b.Licences {
		check(KindLicence, l.Name, l.Pos, l.Sources)
	}
	for _, t := range b.Topics {
		check(KindTopic, t.ID, t.Pos, t.Sources)
	}
	return out
}
