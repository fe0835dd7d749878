package knowledge

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ErrDuplicate is wrapped by every [LoadError] about something defined twice:
// a category path, a licence name or short name, a topic id, a synonym word.
var ErrDuplicate = errors.New("duplicate")

// A LoadError reports one problem at a position in a knowledge file. Load
// joins all of them with [errors.Join]; use [errors.As] to get at one.
type LoadError struct {
	Pos
	Err error
}

// Error formats the problem as file:line: message, the form editors jump to.
func (e *LoadError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

// Unwrap returns the problem without its position.
func (e *LoadError) Unwrap() error { return e.Err }

// Limits bound what Load reads, so that a mistaken edit (a word list pasted
// a thousand times) is an error at once instead of minutes of work and
// gigabytes of memory while the bot answers nothing.
type Limits struct {
	File int64 // the largest knowledge file, in bytes
	Base int64 // all knowledge files together, in bytes
}

// DefaultLimits are the limits of [Load]: about 40 times the largest file and
// 30 times the whole knowledge base that ships.
var DefaultLimits = Limits{File: 2 << 20, Base: 16 << 20}

// futureSlack is how far ahead of today a source date may be: the curator's
// time zone may already be a day ahead.
const futureSlack = 36 * time.Hour

// Load reads every *.yaml file below the root of fsys, in name order, and
// returns the validated knowledge base. Like go:embed, it skips files and
// directories whose names start with "." or "_". Derived data (licence reverse
// lookup, resolved references, Version) is filled in here.
//
// A knowledge file problem is reported as a [*LoadError]; every problem in
// every file is reported at once, joined with [errors.Join], and then the
// Base is nil. Problems with whole files (unreadable, empty, too large, a
// symbolic link, a .yml name, a syntax error) come first, and the unknown
// names they cause elsewhere are collapsed into one line.
func Load(fsys fs.FS) (*Base, error) {
	return LoadContext(context.Background(), fsys, DefaultLimits)
}

// LoadContext is [Load] with a context, which stops the load between files,
// and with the size limits to apply.
func LoadContext(ctx context.Context, fsys fs.FS, lim Limits) (*Base, error) {
	l := newLoader()
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			l.fileError(p, err.Error(), true)
			return nil
		}
		// go:embed leaves out names starting with . or _, so Load does too:
		// a directory then loads the same as its embedded copy.
		if p != "." && (strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		switch {
		case d.IsDir():
		case d.Type()&fs.ModeSymlink != 0:
			// A link could lead out of the directory, to files whose
			// contents would then end up in error messages.
			l.fileError(p, "a symbolic link; knowledge files must be regular files inside the directory", true)
		case strings.HasSuffix(p, ".yml"):
			l.fileError(p, "knowledge files end in .yaml; rename it, or it would not be read", true)
		case strings.HasSuffix(p, ".yaml"):
			if !d.Type().IsRegular() {
				l.fileError(p, "not a regular file", true)
				break
			}
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("knowledge: load: %w", err)
	}
	if len(files) == 0 && len(l.fileErrs) == 0 {
		return nil, errors.New("knowledge: load: no .yaml files found")
	}
	h := sha256.New()
	var total int64
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("knowledge: load: %w", err)
		}
		l.fileIdx[f] = i
		data, err := readLimited(fsys, f, lim.File)
		if err != nil {
			l.fileError(f, err.Error(), true)
			continue
		}
		total += int64(len(data))
		if lim.Base > 0 && total > lim.Base {
			l.fileError(f, fmt.Sprintf("the knowledge base passes %s with this file (the limit is %s); nothing after it was read",
				sizeText(total), sizeText(lim.Base)), true)
			break
		}
		fmt.Fprintf(h, "%s\x00%d\x00", f, len(data))
		h.Write(data)
		l.parseFile(f, data)
	}
	if l.intents == nil {
		l.shippedIntents()
	}
	l.resolve()
	l.resolveIntents()
	if errs := l.problems(); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	l.base.Intents = l.intents
	l.base.Version = hex.EncodeToString(h.Sum(nil))[:12]
	l.base.index()
	return &l.base, nil
}

// readLimited reads file f of fsys, refusing one of more than max bytes
// (0: no limit) without reading all of it.
func readLimited(fsys fs.FS, f string, max int64) ([]byte, error) {
	file, err := fsys.Open(f)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer file.Close()
	var r io.Reader = file
	if max > 0 {
		if fi, err := file.Stat(); err == nil && fi.Size() > max {
			return nil, fmt.Errorf("the file is %s, more than the limit of %s per file", sizeText(fi.Size()), sizeText(max))
		}
		r = io.LimitReader(file, max+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, unwrapPath(err)
	}
	if max > 0 && int64(len(data)) > max {
		return nil, fmt.Errorf("the file is more than the limit of %s per file", sizeText(max))
	}
	return data, nil
}

// unwrapPath drops the path from a *fs.PathError: the LoadError names the file.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// sizeText writes n bytes for a curator: "1.5 MiB", "300 KiB".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.TrimSuffix(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".0") + " MiB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// loader holds the state of one Load.
type loader struct {
	base    Base
	errs    []error
	fileIdx map[string]int
	now     time.Time

	// fileErrs are the problems with whole files, reported first; failed
	// holds what each failed file may have defined: "" for anything (it was
	// not read), else its text, searched for the top-level keys.
	fileErrs []error
	failed   map[string][]byte
	// unknownLics and unknownCats are references to names no file defines,
	// which a failed file may have defined.
	unknownLics, unknownCats []*LoadError

	cats   map[string]*Category
	lics   map[string]*Licence // by Name, with 《》
	shorts map[string]*Licence // by folded short name
	// seen records where each key was first defined, for duplicate reports.
	seen map[string]map[string]Pos

	items   []pendingItem
	related []pendingRelated
	faqs    []pendingFAQ

	intents *Intents
}

// pendingItem is a requirement item whose 《》 names resolve after every file is read.
type pendingItem struct {
	pos       Pos
	cat       *Category
	group, at int
	names     []string
}

// pendingRelated is a topic's related category path, resolved after every file is read.
type pendingRelated struct {
	pos   Pos
	topic *Topic
	path  []string
}

func newLoader() *loader {
	return &loader{
		fileIdx: map[string]int{},
		now:     time.Now(),
		failed:  map[string][]byte{},
		cats:    map[string]*Category{},
		lics:    map[string]*Licence{},
		shorts:  map[string]*Licence{},
		seen:    map[string]map[string]Pos{},
	}
}

// fileError reports a problem with a whole file. unread means its content is
// unknown, so it may have defined anything.
func (l *loader) fileError(file, msg string, unread bool) {
	l.fileErrError(&LoadError{Pos{File: file}, errors.New(msg)}, nil, unread)
}

func (l *loader) fileErrError(e *LoadError, data []byte, unread bool) {
	l.fileErrs = append(l.fileErrs, e)
	if unread {
		data = nil
	}
	l.failed[e.File] = data
}

// mayDefine reports whether a failed file may have defined the top-level key.
func (l *loader) mayDefine(key string) (file string, ok bool) {
	names := slices.Sorted(maps.Keys(l.failed))
	for _, f := range names {
		data := l.failed[f]
		if data == nil || bytes.HasPrefix(data, []byte(key+":")) || bytes.Contains(data, []byte("\n"+key+":")) {
			return f, true
		}
	}
	return "", false
}

// problems returns every problem: whole files first, then the references a
// failed file may explain, as one line each, then the rest by file and line.
func (l *loader) problems() []error {
	out := slices.Clip(l.fileErrs)
	collapse := func(refs []*LoadError, key, what string, none bool) {
		if len(refs) == 0 {
			return
		}
		f, ok := l.mayDefine(key)
		if !ok && !none {
			for _, e := range refs {
				l.errs = append(l.errs, e)
			}
			return
		}
		why := "no file defines any " + what
		if ok {
			why = f + " was not read (see above)"
		}
		first := refs[0]
		out = append(out, &LoadError{first.Pos, fmt.Errorf("%w; %d references to a %s no file defines, probably because %s: fix that first",
			first.Err, len(refs), what, why)})
	}
	collapse(l.unknownLics, "licences", "licence", len(l.lics) == 0)
	collapse(l.unknownCats, "categories", "category", len(l.cats) == 0)
	slices.SortStableFunc(l.errs, func(a, b error) int {
		ea, eb := a.(*LoadError), b.(*LoadError)
		if c := cmp.Compare(l.fileIdx[ea.File], l.fileIdx[eb.File]); c != 0 {
			return c
		}
		return cmp.Compare(ea.Line, eb.Line)
	})
	return append(out, l.errs...)
}

func (l *loader) errorf(file string, line int, format string, args ...any) {
	l.errs = append(l.errs, &LoadError{Pos{File: file, Line: line}, fmt.Errorf(format, args...)})
}

var syntaxLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (l *loader) parseFile(file string, data []byte) {
	docs, err := decodeDocs(data)
	if err != nil {
		line, msg := syntaxError(err)
		l.fileErrError(&LoadError{Pos{File: file, Line: line}, fmt.Errorf("syntax error: %s", msg)}, data, false)
		return
	}
	if len(docs) == 0 || isNull(docs[0]) {
		// A truncated file would otherwise remove everything it defined,
		// and the load would succeed.
		l.fileError(file, "the file is empty; delete it if its entries should go", true)
		return
	}
	for _, d := range docs[1:] {
		l.errorf(file, d.Line, "a second YAML document starts here; a file holds one (remove the ---)")
	}
	p := &fileParser{l: l, file: file}
	p.top(docs[0])
}

// parserProblems are the yaml.v3 parser's (not scanner's) messages. yaml.v3
// reports their line 0-based, and leaves it out on the first line.
var parserProblems = []string{
	"did not find expected <document start>",
	"did not find expected node content",
	"did not find expected '-' indicator",
	"did not find expected key",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"found undefined tag handle",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found duplicate %TAG directive",
}

// syntaxError returns the 1-based line and the message of a yaml.v3 error.
func syntaxError(err error) (line int, msg string) {
	msg = err.Error()
	if m := syntaxLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	if slices.Contains(parserProblems, msg) {
		line++
	}
	return line, msg
}

// decodeDocs parses every YAML document in data. It turns a panic inside
// the YAML parser into an error: a knowledge file must never crash the bot.
func decodeDocs(data []byte) (docs []*yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err == io.EOF {
			return docs, nil
		} else if err != nil {
			return nil, err
		}
		if len(doc.Content) > 0 {
			docs = append(docs, doc.Content[0])
		}
	}
}

// fileParser turns the nodes of one file into domain values.
type fileParser struct {
	l    *loader
	file string
}

func (p *fileParser) errorf(n *yaml.Node, format string, args ...any) {
	p.l.errorf(p.file, n.Line, format, args...)
}

func (p *fileParser) pos(n *yaml.Node) Pos { return Pos{File: p.file, Line: n.Line} }

// kind checks that n is of kind k; a null is accepted and reported false
// without an error, so optional keys may be left empty.
func (p *fileParser) kind(n *yaml.Node, k yaml.Kind, what string) bool {
	switch {
	case n.Kind == k:
		return true
	case n.Kind == yaml.AliasNode:
		p.errorf(n, "%s: aliases (*%s) are not supported", what, n.Value)
	case isNull(n):
	default:
		p.errorf(n, "%s must be %s", what, kindName[k])
	}
	return false
}

var kindName = map[yaml.Kind]string{
	yaml.MappingNode:  "a mapping (key: value)",
	yaml.SequenceNode: "a list",
	yaml.ScalarNode:   "a single value",
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// badKind reports whether n is there but not of kind k: kind has then
// reported it, and a "missing" error would report the same problem twice.
func badKind(n *yaml.Node, k yaml.Kind) bool { return n != nil && !isNull(n) && n.Kind != k }

// fields returns the values of mapping n by key. It reports keys not in
// known, repeated keys, and a node that is not a mapping (then nil).
func (p *fileParser) fields(n *yaml.Node, what string, known ...string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.AliasNode {
			p.errorf(n, "%s: aliases (*%s) are not supported", what, n.Value)
		} else {
			p.errorf(n, "%s must be a mapping (key: value)", what)
		}
		return nil
	}
	m := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode:
			p.errorf(k, "%s: a key must be a plain word", what)
		case !slices.Contains(known, k.Value):
			p.errorf(k, "unknown key %q in %s (want one of %s)", k.Value, what, strings.Join(known, ", "))
		case m[k.Value] != nil:
			p.errorf(k, "key %q appears twice in %s", k.Value, what)
		default:
			m[k.Value] = v
		}
	}
	return m
}

// str returns the text of scalar n; a missing or null n is "".
func (p *fileParser) str(n *yaml.Node, what string) string {
	if n == nil || !p.kind(n, yaml.ScalarNode, what) {
		return ""
	}
	return n.Value
}

// strs returns a list of texts; a missing or null n is nil.
func (p *fileParser) strs(n *yaml.Node, what string) []string {
	if n == nil || !p.kind(n, yaml.SequenceNode, what) {
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		if !p.kind(c, yaml.ScalarNode, what+" item") {
			continue
		}
		if strings.TrimSpace(c.Value) == "" {
			p.errorf(c, "%s has an empty item", what)
			continue
		}
		out = append(out, c.Value)
	}
	return out
}

// boolean returns the value of a true/false scalar; a missing or null n is false.
func (p *fileParser) boolean(n *yaml.Node, what string) bool {
	if n == nil || !p.kind(n, yaml.ScalarNode, what) {
		return false
	}
	var b bool
	if n.Tag != "!!bool" || n.Decode(&b) != nil {
		p.errorf(n, "%s must be true or false, not %q", what, n.Value)
	}
	return b
}

// list returns the items of a list; a missing or null n is nil.
func (p *fileParser) list(n *yaml.Node, what string) []*yaml.Node {
	if n == nil || !p.kind(n, yaml.SequenceNode, what) {
		return nil
	}
	return n.Content
}

func (p *fileParser) top(root *yaml.Node) {
	if isNull(root) {
		return
	}
	f := p.fields(root, "the file", "categories", "licences", "topics", "faq", "synonyms", "words", "intents")
	for _, n := range p.list(f["categories"], "categories") {
		p.category(n)
	}
	for _, n := range p.list(f["licences"], "licences") {
		p.licence(n)
	}
	for _, n := range p.list(f["topics"], "topics") {
		p.topic(n)
	}
	for _, n := range p.list(f["faq"], "faq") {
		p.faq(n)
	}
	for _, n := range p.list(f["synonyms"], "synonyms") {
		p.synonym(n)
	}
	p.l.base.Words = append(p.l.base.Words, p.strs(f["words"], "words")...)
	if n := f["intents"]; n != nil && !isNull(n) {
		p.intents(n)
	}
}

// duplicate reports a second definition of the what called key, or records the first.
func (p *fileParser) duplicate(n *yaml.Node, what, key string) bool {
	seen := p.l.seen[what]
	if seen == nil {
		seen = map[string]Pos{}
		p.l.seen[what] = seen
	}
	if first, ok := seen[key]; ok {
		p.l.errs = append(p.l.errs, &LoadError{p.pos(n),
			fmt.Errorf("%w %s %s (first defined at %s:%d)", ErrDuplicate, what, key, first.File, first.Line)})
		return true
	}
	seen[key] = p.pos(n)
	return false
}

func (p *fileParser) category(n *yaml.Node) {
	f := p.fields(n, "category", "path", "aliases", "keywords", "description", "subjects",
		"live_streaming", "requirements", "notes", "unknown", "sources")
	if f == nil {
		return
	}
	c := &Category{
		Path:          p.strs(f["path"], "path"),
		Aliases:       p.strs(f["aliases"], "aliases"),
		Keywords:      p.strs(f["keywords"], "keywords"),
		Description:   p.str(f["description"], "description"),
		LiveStreaming: p.boolean(f["live_streaming"], "live_streaming"),
		Notes:         p.strs(f["notes"], "notes"),
		Unknown:       p.boolean(f["unknown"], "unknown"),
		Pos:           p.pos(n),
	}
	name := "category " + c.ID()
	switch {
	case len(c.Path) == 0:
		name = "category"
		if !badKind(f["path"], yaml.SequenceNode) {
			p.errorf(n, "category has no path")
		}
	case len(c.Path) > 3 || len(c.Path) < 2:
		p.errorf(f["path"], "%s: a path has 2 or 3 levels (一级, 二级[, 三级]), not %d", name, len(c.Path))
	}
	for _, s := range p.strs(f["subjects"], "subjects") {
		if !slices.Contains(Subjects, Subject(s)) {
			p.errorf(f["subjects"], "%s: unknown subject %q (want 个人, 企业, 政府, 媒体 or 其他组织)", name, s)
			continue
		}
		c.Subjects = append(c.Subjects, Subject(s))
	}
	for _, g := range p.list(f["requirements"], "requirements") {
		p.group(c, g, name)
	}
	c.Sources = p.sources(n, f["sources"], name)
	if len(c.Path) > 0 {
		if p.duplicate(n, "category", c.ID()) {
			return
		}
		p.l.cats[c.ID()] = c
	}
	p.l.base.Categories = append(p.l.base.Categories, c)
}

func (p *fileParser) group(c *Category, n *yaml.Node, name string) {
	f := p.fields(n, "requirement group", "all", "pick", "of")
	if f == nil {
		return
	}
	var g Group
	var items []*yaml.Node
	all, pick, of := f["all"], f["pick"], f["of"]
	switch {
	case all != nil && (pick != nil || of != nil):
		p.errorf(n, "%s: a requirement group has either all: or pick: with of:, not both", name)
		items = p.list(all, "all")
	case all != nil:
		items = p.list(all, "all")
		if len(items) == 0 && !badKind(all, yaml.SequenceNode) {
			p.errorf(n, "%s: empty requirement group (all: has no items)", name)
		}
	case pick == nil && of != nil:
		p.errorf(n, "%s: of: needs pick: N", name)
		items = p.list(of, "of")
	case pick != nil && of == nil:
		p.errorf(n, "%s: pick: needs of: with the items to pick from", name)
	case pick != nil:
		items = p.list(of, "of")
		if len(items) == 0 {
			if !badKind(of, yaml.SequenceNode) {
				p.errorf(n, "%s: empty requirement group (of: has no items)", name)
			}
			break
		}
		if !p.kind(pick, yaml.ScalarNode, "pick") || pick.Tag != "!!int" || pick.Decode(&g.Pick) != nil {
			p.errorf(pick, "%s: pick must be a whole number, not %q", name, pick.Value)
		} else if g.Pick < 1 || g.Pick > len(items) {
			p.errorf(pick, "%s: pick %d of %d items; want 1 to %d", name, g.Pick, len(items), len(items))
		}
	default:
		p.errorf(n, "%s: a requirement group needs all: or pick: with of:", name)
	}
	// Check the items even of a broken group, so one load reports every problem.
	gi := len(c.Requirements)
	for _, in := range items {
		it, ok := p.item(in, name)
		if !ok {
			continue
		}
		if names, bad := bracketNames(it.Text); bad {
			p.errorf(in, "%s: requirement %q has an unclosed 《", name, it.Text)
		} else if len(names) == 0 && !it.Material {
			p.errorf(in, "%s: requirement %q names no licence in 《》; write it as {material: %s}", name, it.Text, it.Text)
		} else if len(names) > 0 {
			p.l.items = append(p.l.items, pendingItem{p.pos(in), c, gi, len(g.Items), names})
		}
		g.Items = append(g.Items, it)
	}
	c.Requirements = append(c.Requirements, g)
}

func (p *fileParser) item(n *yaml.Node, name string) (Item, bool) {
	if n.Kind == yaml.MappingNode {
		f := p.fields(n, "requirement item", "material")
		if f == nil || f["material"] == nil {
			if f != nil {
				p.errorf(n, "%s: a mapping requirement item needs material:", name)
			}
			return Item{}, false
		}
		t := p.str(f["material"], "material")
		if strings.TrimSpace(t) == "" {
			p.errorf(n, "%s: empty material", name)
			return Item{}, false
		}
		return Item{Text: t, Material: true}, true
	}
	if !p.kind(n, yaml.ScalarNode, "a requirement item") || strings.TrimSpace(n.Value) == "" {
		p.errorf(n, "%s: empty requirement item", name)
		return Item{}, false
	}
	return Item{Text: n.Value}, true
}

// bracketNames returns the 《…》 names in s, brackets included, and whether
// a 《 is left unclosed or a 》 unopened.
func bracketNames(s string) (names []string, bad bool) {
	for {
		i := strings.IndexAny(s, "《》")
		if i < 0 {
			return names, false
		}
		if strings.HasPrefix(s[i:], "》") {
			return names, true
		}
		j := strings.Index(s[i:], "》")
		if j < 0 {
			return names, true
		}
		name := s[i : i+j+len("》")]
		if strings.Contains(name[len("《"):], "《") {
			return names, true
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
		s = s[i+j+len("》"):]
	}
}

func (p *fileParser) sources(entry, n *yaml.Node, name string) []Source {
	items := p.list(n, "sources")
	if len(items) == 0 {
		if !badKind(n, yaml.SequenceNode) {
			p.errorf(entry, "%s has no sources", name)
		}
		return nil
	}
	var out []Source
	for _, sn := range items {
		f := p.fields(sn, "source", "url", "seed", "title", "date", "accessed", "note")
		if f == nil {
			continue
		}
		s := Source{
			URL:      p.str(f["url"], "url"),
			Seed:     p.str(f["seed"], "seed"),
			Title:    p.str(f["title"], "title"),
			Date:     p.str(f["date"], "date"),
			Accessed: p.str(f["accessed"], "accessed"),
			Note:     p.str(f["note"], "note"),
		}
		if s.URL == "" && s.Seed == "" {
			p.errorf(sn, "%s: source has neither url: nor seed:", name)
		}
		if s.Date == "" && s.Accessed == "" {
			p.errorf(sn, "%s: source has neither date: nor accessed:", name)
		}
		for _, k := range []string{"date", "accessed"} {
			if v := f[k]; v != nil && v.Value != "" {
				if t, err := time.Parse(time.DateOnly, v.Value); err != nil {
					p.errorf(v, "%s: bad %s %q: want a real day as YYYY-MM-DD", name, k, v.Value)
				} else if t.After(p.l.now.Add(futureSlack)) {
					// Users are shown it as the source's date, and it would
					// hide that the entry is getting old.
					p.errorf(v, "%s: %s %s is in the future", name, k, v.Value)
				}
			}
		}
		out = append(out, s)
	}
	return out
}

func (p *fileParser) licence(n *yaml.Node) {
	f := p.fields(n, "licence", "name", "short", "issuer", "about", "sources")
	if f == nil {
		return
	}
	lc := &Licence{
		Name:   strings.TrimSpace(p.str(f["name"], "name")),
		Short:  p.strs(f["short"], "short"),
		Issuer: p.str(f["issuer"], "issuer"),
		About:  p.str(f["about"], "about"),
		Pos:    p.pos(n),
	}
	name := "licence " + lc.Name
	if names, bad := bracketNames(lc.Name); lc.Name == "" {
		name = "licence"
		if !badKind(f["name"], yaml.ScalarNode) {
			p.errorf(n, "licence has no name")
		}
	} else if bad || len(names) != 1 || names[0] != lc.Name || lc.ID() == "" {
		p.errorf(f["name"], "licence name %q must be one name inside 《》", lc.Name)
	}
	lc.Sources = p.sources(n, f["sources"], name)
	if lc.Name == "" {
		return
	}
	if p.duplicate(n, "licence", lc.Name) {
		return
	}
	p.l.lics[lc.Name] = lc
	for _, s := range lc.Short {
		key := fold(s)
		if other, ok := p.l.shorts[key]; ok && other != lc {
			p.l.errs = append(p.l.errs, &LoadError{p.pos(f["short"]), fmt.Errorf("%w short name %s: %s has it too (at %s:%d)",
				ErrDuplicate, s, other.Name, other.Pos.File, other.Pos.Line)})
			continue
		}
		p.l.shorts[key] = lc
	}
	p.l.base.Licences = append(p.l.base.Licences, lc)
}

func (p *fileParser) topic(n *yaml.Node) {
	f := p.fields(n, "topic", "id", "title", "aliases", "body", "related", "sources")
	if f == nil {
		return
	}
	t := &Topic{
		ID:      strings.TrimSpace(p.str(f["id"], "id")),
		Title:   p.str(f["title"], "title"),
		Aliases: p.strs(f["aliases"], "aliases"),
		Body:    p.str(f["body"], "body"),
		Pos:     p.pos(n),
	}
	name := "topic " + t.ID
	if t.ID == "" {
		name = "topic"
		if !badKind(f["id"], yaml.ScalarNode) {
			p.errorf(n, "topic has no id")
		}
	}
	if strings.TrimSpace(t.Title) == "" && !badKind(f["title"], yaml.ScalarNode) {
		p.errorf(n, "%s has no title", name)
	}
	if strings.TrimSpace(t.Body) == "" && !badKind(f["body"], yaml.ScalarNode) {
		p.errorf(n, "%s has no body", name)
	}
	for _, r := range p.list(f["related"], "related") {
		path := p.strs(r, "related path")
		if len(path) > 0 {
			p.l.related = append(p.l.related, pendingRelated{p.pos(r), t, path})
		}
	}
	t.Sources = p.sources(n, f["sources"], name)
	if t.ID == "" {
		return
	}
	if p.duplicate(n, "topic", t.ID) {
		return
	}
	p.l.base.Topics = append(p.l.base.Topics, t)
}

func (p *fileParser) synonym(n *yaml.Node) {
	f := p.fields(n, "synonym", "word", "means")
	if f == nil {
		return
	}
	s := Synonym{
		Word:  strings.TrimSpace(p.str(f["word"], "word")),
		Means: p.strs(f["means"], "means"),
		Pos:   p.pos(n),
	}
	if s.Word == "" {
		if !badKind(f["word"], yaml.ScalarNode) {
			p.errorf(n, "synonym has no word")
		}
		return
	}
	if len(s.Means) == 0 && !badKind(f["means"], yaml.SequenceNode) {
		p.errorf(n, "synonym %s: means: lists no words", s.Word)
	}
	if p.duplicate(n, "synonym", s.Word) {
		return
	}
	p.l.base.Synonyms = append(p.l.base.Synonyms, s)
}

// resolve links references between files once every file is read.
func (l *loader) resolve() {
	for _, it := range l.items {
		item := &it.cat.Requirements[it.group].Items[it.at]
		for _, name := range it.names {
			lc, ok := l.lics[name]
			if !ok {
				l.unknownLics = append(l.unknownLics, &LoadError{it.pos, fmt.Errorf("category %s: unknown licence %s (add it to licences)", it.cat.ID(), name)})
				continue
			}
			if !slices.Contains(item.Licences, lc) {
				item.Licences = append(item.Licences, lc)
			}
		}
	}
	for _, lc := range l.base.Licences {
		for _, s := range lc.Short {
			if other, ok := l.lics["《"+strings.TrimSpace(s)+"》"]; ok && other != lc {
				l.errs = append(l.errs, &LoadError{lc.Pos, fmt.Errorf("%w short name %s: it is the name of %s (at %s:%d)",
					ErrDuplicate, s, other.Name, other.Pos.File, other.Pos.Line)})
			}
		}
	}
	for _, r := range l.related {
		c, ok := l.cats[strings.Join(r.path, "/")]
		if !ok {
			l.unknownCats = append(l.unknownCats, &LoadError{r.pos, fmt.Errorf("topic %s: related category %s does not exist", r.topic.ID, strings.Join(r.path, "/"))})
			continue
		}
		if !slices.Contains(r.topic.Related, c) {
			r.topic.Related = append(r.topic.Related, c)
		}
	}
	l.resolveFAQs()
	for _, c := range l.base.Categories {
		for _, g := range c.Requirements {
			for _, it := range g.Items {
				for _, lc := range it.Licences {
					if !slices.Contains(lc.Categories, c) {
						lc.Categories = append(lc.Categories, c)
					}
				}
			}
		}
	}
}
