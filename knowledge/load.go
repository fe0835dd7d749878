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
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	// The files are read in name order, which the size limits and Version
	// depend on. Their YAML is then parsed on several goroutines, while
	// what it says is taken in one file at a time in the same order, as
	// that depends on the files before (duplicates, the first intents).
	h := sha256.New()
	var total int64
	read := make([]readFile, 0, len(files))
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("knowledge: load: %w", err)
		}
		l.fileIdx[f] = i
		data, err := readLimited(fsys, f, lim.File)
		if err != nil {
			read = append(read, readFile{name: f, problem: err.Error()})
			continue
		}
		total += int64(len(data))
		if lim.Base > 0 && total > lim.Base {
			read = append(read, readFile{name: f, problem: fmt.Sprintf("the knowledge base passes %s with this file (the limit is %s); nothing after it was read",
				sizeText(total), sizeText(lim.Base))})
			break
		}
		fmt.Fprintf(h, "%s\x00%d\x00", f, len(data))
		h.Write(data)
		read = append(read, readFile{name: f, data: data})
	}
	var texts [][]byte
	for _, r := range read {
		if r.problem == "" {
			texts = append(texts, r.data)
		}
	}
	yp := parseAhead(ctx, texts)
	defer yp.stop()
	for _, r := range read {
		if r.problem != "" {
			l.fileError(r.name, r.problem, true)
			continue
		}
		yf, err := yp.next()
		if err != nil {
			return nil, fmt.Errorf("knowledge: load: %w", err)
		}
		l.parseDocs(r.name, r.data, yf.docs, yf.err)
	}
	yp.stop() // the goroutines may wait for a slot: end them now
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
	var size int64 // what the file says it holds, at most max
	if max > 0 {
		if fi, err := file.Stat(); err == nil {
			if fi.Size() > max {
				return nil, fmt.Errorf("the file is %s, more than the limit of %s per file", sizeText(fi.Size()), sizeText(max))
			}
			size = fi.Size()
		}
		r = io.LimitReader(file, max+1)
	}
	data, err := readAll(r, size)
	if err != nil {
		return nil, unwrapPath(err)
	}
	if max > 0 && int64(len(data)) > max {
		return nil, fmt.Errorf("the file is more than the limit of %s per file", sizeText(max))
	}
	return data, nil
}

// readAll is [io.ReadAll] starting with room for size bytes, the size the
// file says it has, so that reading it allocates once instead of growing
// the buffer as it goes.
func readAll(r io.Reader, size int64) ([]byte, error) {
	b := make([]byte, 0, max(size, 0)+1) // +1: the read that finds the end
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // let append grow it
		}
	}
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

// readFile is a knowledge file as read: its text, or the problem that
// stopped it from being read.
type readFile struct {
	name    string
	data    []byte
	problem string
}

func (l *loader) parseFile(file string, data []byte) {
	docs, err := decodeDocs(data)
	l.parseDocs(file, data, docs, err)
}

// parseDocs takes in the documents of file, which decodeDocs parsed from
// data with the error err.
func (l *loader) parseDocs(file string, data []byte, docs []*yaml.Node, err error) {
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

// decodeDocs returns the top node of every YAML document in data: from
// parsed.bin when data is a shipped file, else from the YAML.
func decodeDocs(data []byte) ([]*yaml.Node, error) {
	if docs, ok := parsedDocs(data); ok {
		return docs, nil
	}
	return yamlDocs(data)
}

// yamlDocs parses every YAML document in data. It turns a panic inside the
// YAML parser into an error: a knowledge file must never crash the bot.
func yamlDocs(data []byte) (docs []*yaml.Node, err error) {
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

// yamlParser parses the YAML of files ahead of their turn, on up to
// GOMAXPROCS goroutines. It takes the files in order, and stays at most
// a few files ahead of the one being taken in, so that Load does not hold
// the node trees of every file at once.
type yamlParser struct {
	ctx    context.Context
	cancel context.CancelFunc
	texts  [][]byte
	out    []parsedFile
	slots  chan struct{} // a slot for each file parsed or being parsed and not yet taken
	taken  atomic.Int64  // how many files the goroutines have taken to parse
	at     int           // the next file to return
	wg     sync.WaitGroup
}

// parsedFile is what decodeDocs returned for one file; done is closed when it is there.
type parsedFile struct {
	docs []*yaml.Node
	err  error
	done chan struct{}
}

// parseAhead starts parsing texts, the files' contents in load order. The
// caller takes the results with next and must call stop.
func parseAhead(ctx context.Context, texts [][]byte) *yamlParser {
	ctx, cancel := context.WithCancel(ctx)
	workers := min(runtime.GOMAXPROCS(0), len(texts))
	y := &yamlParser{
		ctx:    ctx,
		cancel: cancel,
		texts:  texts,
		out:    make([]parsedFile, len(texts)),
		slots:  make(chan struct{}, 2*workers),
	}
	for i := range y.out {
		y.out[i].done = make(chan struct{})
	}
	y.wg.Add(workers)
	for range workers {
		go y.work()
	}
	return y
}

func (y *yamlParser) work() {
	defer y.wg.Done()
	for {
		select {
		case y.slots <- struct{}{}:
		case <-y.ctx.Done():
			return
		}
		// Files are taken in order, so the one next waits for is always
		// taken before any file after it holds a slot.
		i := int(y.taken.Add(1)) - 1
		if i >= len(y.texts) {
			return
		}
		f := &y.out[i]
		if y.ctx.Err() == nil {
			f.docs, f.err = decodeDocs(y.texts[i])
		}
		close(f.done)
	}
}

// next returns what decodeDocs returned for the next file, waiting for it,
// or the context's error once it is done. It lets go of the file before.
func (y *yamlParser) next() (parsedFile, error) {
	if y.at > 0 {
		y.out[y.at-1] = parsedFile{}
		<-y.slots
	}
	f := &y.out[y.at]
	y.at++
	select {
	case <-f.done:
	case <-y.ctx.Done():
	}
	// A goroutine skips the parsing once the context is done.
	if err := y.ctx.Err(); err != nil {
		return parsedFile{}, err
	}
	return *f, nil
}

// stop ends the parsing and waits for the goroutines to return. A file
// being parsed is finished first; the rest are left alone.
func (y *yamlParser) stop() {
	y.cancel()
	y.wg.Wait()
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

// fieldList holds the values of a mapping's keys.
type fieldList []field

type field struct {
	key string
	val *yaml.Node
}

// get returns the value of key, or nil. A mapping has a few keys, so a
// list is quicker to make and to search than a map.
func (f fieldList) get(key string) *yaml.Node {
	for _, kv := range f {
		if kv.key == key {
			return kv.val
		}
	}
	return nil
}

// fields returns the values of mapping n by key. It reports keys not in
// known, repeated keys, and a node that is not a mapping (then nil).
func (p *fileParser) fields(n *yaml.Node, what string, known ...string) fieldList {
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.AliasNode {
			p.errorf(n, "%s: aliases (*%s) are not supported", what, n.Value)
		} else {
			p.errorf(n, "%s must be a mapping (key: value)", what)
		}
		return nil
	}
	f := make(fieldList, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode:
			p.errorf(k, "%s: a key must be a plain word", what)
		case !slices.Contains(known, k.Value):
			p.errorf(k, "unknown key %q in %s (want one of %s)", k.Value, what, strings.Join(known, ", "))
		case f.get(k.Value) != nil:
			p.errorf(k, "key %q appears twice in %s", k.Value, what)
		default:
			f = append(f, field{k.Value, v})
		}
	}
	return f
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
	for _, n := range p.list(f.get("categories"), "categories") {
		p.category(n)
	}
	for _, n := range p.list(f.get("licences"), "licences") {
		p.licence(n)
	}
	for _, n := range p.list(f.get("topics"), "topics") {
		p.topic(n)
	}
	for _, n := range p.list(f.get("faq"), "faq") {
		p.faq(n)
	}
	for _, n := range p.list(f.get("synonyms"), "synonyms") {
		p.synonym(n)
	}
	p.l.base.Words = append(p.l.base.Words, p.strs(f.get("words"), "words")...)
	if n := f.get("intents"); n != nil && !isNull(n) {
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
		Path:          p.strs(f.get("path"), "path"),
		Aliases:       p.strs(f.get("aliases"), "aliases"),
		Keywords:      p.strs(f.get("keywords"), "keywords"),
		Description:   p.str(f.get("description"), "description"),
		LiveStreaming: p.boolean(f.get("live_streaming"), "live_streaming"),
		Notes:         p.strs(f.get("notes"), "notes"),
		Unknown:       p.boolean(f.get("unknown"), "unknown"),
		Pos:           p.pos(n),
	}
	name := "category " + c.ID()
	switch {
	case len(c.Path) == 0:
		name = "category"
		if !badKind(f.get("path"), yaml.SequenceNode) {
			p.errorf(n, "category has no path")
		}
	case len(c.Path) > 3 || len(c.Path) < 2:
		p.errorf(f.get("path"), "%s: a path has 2 or 3 levels (一级, 二级[, 三级]), not %d", name, len(c.Path))
	}
	for _, s := range p.strs(f.get("subjects"), "subjects") {
		if !slices.Contains(Subjects, Subject(s)) {
			p.errorf(f.get("subjects"), "%s: unknown subject %q (want 个人, 企业, 政府, 媒体 or 其他组织)", name, s)
			continue
		}
		c.Subjects = append(c.Subjects, Subject(s))
	}
	for _, g := range p.list(f.get("requirements"), "requirements") {
		p.group(c, g, name)
	}
	c.Sources = p.sources(n, f.get("sources"), name)
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
	all, pick, of := f.get("all"), f.get("pick"), f.get("of")
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
		if f == nil || f.get("material") == nil {
			if f != nil {
				p.errorf(n, "%s: a mapping requirement item needs material:", name)
			}
			return Item{}, false
		}
		t := p.str(f.get("material"), "material")
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
			URL:      p.str(f.get("url"), "url"),
			Seed:     p.str(f.get("seed"), "seed"),
			Title:    p.str(f.get("title"), "title"),
			Date:     p.str(f.get("date"), "date"),
			Accessed: p.str(f.get("accessed"), "accessed"),
			Note:     p.str(f.get("note"), "note"),
		}
		if s.URL == "" && s.Seed == "" {
			p.errorf(sn, "%s: source has neither url: nor seed:", name)
		}
		if s.Date == "" && s.Accessed == "" {
			p.errorf(sn, "%s: source has neither date: nor accessed:", name)
		}
		for _, k := range []string{"date", "accessed"} {
			if v := f.get(k); v != nil && v.Value != "" {
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
		Name:   strings.TrimSpace(p.str(f.get("name"), "name")),
		Short:  p.strs(f.get("short"), "short"),
		Issuer: p.str(f.get("issuer"), "issuer"),
		About:  p.str(f.get("about"), "about"),
		Pos:    p.pos(n),
	}
	name := "licence " + lc.Name
	if names, bad := bracketNames(lc.Name); lc.Name == "" {
		name = "licence"
		if !badKind(f.get("name"), yaml.ScalarNode) {
			p.errorf(n, "licence has no name")
		}
	} else if bad || len(names) != 1 || names[0] != lc.Name || lc.ID() == "" {
		p.errorf(f.get("name"), "licence name %q must be one name inside 《》", lc.Name)
	}
	lc.Sources = p.sources(n, f.get("sources"), name)
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
			p.l.errs = append(p.l.errs, &LoadError{p.pos(f.get("short")), fmt.Errorf("%w short name %s: %s has it too (at %s:%d)",
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
		ID:      strings.TrimSpace(p.str(f.get("id"), "id")),
		Title:   p.str(f.get("title"), "title"),
		Aliases: p.strs(f.get("aliases"), "aliases"),
		Body:    p.str(f.get("body"), "body"),
		Pos:     p.pos(n),
	}
	name := "topic " + t.ID
	if t.ID == "" {
		name = "topic"
		if !badKind(f.get("id"), yaml.ScalarNode) {
			p.errorf(n, "topic has no id")
		}
	}
	if strings.TrimSpace(t.Title) == "" && !badKind(f.get("title"), yaml.ScalarNode) {
		p.errorf(n, "%s has no title", name)
	}
	if strings.TrimSpace(t.Body) == "" && !badKind(f.get("body"), yaml.ScalarNode) {
		p.errorf(n, "%s has no body", name)
	}
	for _, r := range p.list(f.get("related"), "related") {
		path := p.strs(r, "related path")
		if len(path) > 0 {
			p.l.related = append(p.l.related, pendingRelated{p.pos(r), t, path})
		}
	}
	t.Sources = p.sources(n, f.get("sources"), name)
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
		Word:  strings.TrimSpace(p.str(f.get("word"), "word")),
		Means: p.strs(f.get("means"), "means"),
		Pos:   p.pos(n),
	}
	if s.Word == "" {
		if !badKind(f.get("word"), yaml.ScalarNode) {
			p.errorf(n, "synonym has no word")
		}
		return
	}
	if len(s.Means) == 0 && !badKind(f.get("means"), yaml.SequenceNode) {
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
