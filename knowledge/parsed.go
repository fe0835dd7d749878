package knowledge

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"sync"

	"gopkg.in/yaml.v3"
)

// The YAML of the shipped files, parsed ahead of time: yaml.v3 builds a
// node for every scalar, and parsing was most of a start-up. A file whose
// bytes are those of a shipped file (the built-in knowledge base, or a
// --kb directory's unedited copy of it) gets its nodes from parsed.bin,
// which decodes them several times faster; any other file is parsed as
// YAML. The nodes are the same either way, line numbers included, so every
// result and every error is too. TestParsed fails when parsed.bin is not
// what yaml.v3 makes of today's files; rewrite it with
//
//	go test ./knowledge -run '^TestParsed$' -update
//
//go:generate go test -run ^TestParsed$ -update .
//go:embed parsed.bin
var parsedBin []byte

// parsedMagic starts parsed.bin.
const parsedMagic = "qualbot-yaml 1\n"

// parsedFiles maps the SHA-256 of a file's bytes to its encoded nodes.
var parsedFiles = sync.OnceValue(func() map[[sha256.Size]byte][]byte {
	m := map[[sha256.Size]byte][]byte{}
	data, ok := bytes.CutPrefix(parsedBin, []byte(parsedMagic))
	if !ok {
		return m
	}
	for len(data) > sha256.Size {
		var sum [sha256.Size]byte
		copy(sum[:], data)
		data = data[sha256.Size:]
		n, k := binary.Uvarint(data)
		if k <= 0 || n > uint64(len(data)-k) {
			return map[[sha256.Size]byte][]byte{} // damaged: parse everything
		}
		m[sum] = data[k : k+int(n)]
		data = data[k+int(n):]
	}
	return m
})

// parsedDocs returns the nodes of data from parsed.bin, if they are there.
func parsedDocs(data []byte) ([]*yaml.Node, bool) {
	enc, ok := parsedFiles()[sha256.Sum256(data)]
	if !ok {
		return nil, false
	}
	docs, err := decodeNodes(enc)
	return docs, err == nil
}

// encodeNodes writes docs (the top nodes of a file's documents, as
// decodeDocs returns them): a table of the file's distinct strings, then
// the nodes depth first, each as its kind, style, strings (as numbers into
// the table), line, column and number of children. It fails on an alias,
// which would make the nodes a graph (the loader refuses aliases anyway).
func encodeNodes(docs []*yaml.Node) ([]byte, error) {
	var strs []string
	num := map[string]uint64{}
	str := func(s string) uint64 {
		n, ok := num[s]
		if !ok {
			n = uint64(len(strs))
			num[s] = n
			strs = append(strs, s)
		}
		return n
	}
	var body []byte
	var count uint64
	var walk func(n *yaml.Node) error
	walk = func(n *yaml.Node) error {
		if n.Kind == yaml.AliasNode || n.Alias != nil {
			return errors.New("an alias")
		}
		count++
		for _, x := range []uint64{uint64(n.Kind), uint64(n.Style), str(n.Tag), str(n.Value), str(n.Anchor),
			str(n.HeadComment), str(n.LineComment), str(n.FootComment), uint64(n.Line), uint64(n.Column), uint64(len(n.Content))} {
			body = binary.AppendUvarint(body, x)
		}
		for _, c := range n.Content {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	for _, d := range docs {
		if err := walk(d); err != nil {
			return nil, err
		}
	}
	out := binary.AppendUvarint(nil, uint64(len(strs)))
	for _, s := range strs {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	out = binary.AppendUvarint(out, uint64(len(docs)))
	out = binary.AppendUvarint(out, count)
	return append(out, body...), nil
}

var errParsed = errors.New("knowledge: parsed.bin: damaged")

// decodeNodes reads what encodeNodes wrote, into fresh nodes.
func decodeNodes(enc []byte) ([]*yaml.Node, error) {
	failed := false
	uv := func() uint64 {
		x, k := binary.Uvarint(enc)
		if k <= 0 {
			failed = true
			return 0
		}
		enc = enc[k:]
		return x
	}
	ns := uv()
	if failed || ns > uint64(len(enc)) {
		return nil, errParsed
	}
	strs := make([]string, ns)
	for i := range strs {
		n := uv()
		if failed || n > uint64(len(enc)) {
			return nil, errParsed
		}
		strs[i] = string(enc[:n])
		enc = enc[n:]
	}
	ndocs, count := uv(), uv()
	if failed || count > uint64(len(enc)) || ndocs > count {
		return nil, errParsed
	}
	nodes := make([]yaml.Node, count)
	kids := make([]*yaml.Node, 0, count) // every Content slice is a piece of it
	next := 0
	var read func() (*yaml.Node, error)
	read = func() (*yaml.Node, error) {
		if next >= len(nodes) {
			return nil, errParsed
		}
		n := &nodes[next]
		next++
		var f [11]uint64
		for i := range f {
			f[i] = uv()
		}
		if failed {
			return nil, errParsed
		}
		for _, s := range f[2:8] {
			if s >= uint64(len(strs)) {
				return nil, errParsed
			}
		}
		n.Kind, n.Style = yaml.Kind(f[0]), yaml.Style(f[1])
		n.Tag, n.Value, n.Anchor = strs[f[2]], strs[f[3]], strs[f[4]]
		n.HeadComment, n.LineComment, n.FootComment = strs[f[5]], strs[f[6]], strs[f[7]]
		n.Line, n.Column = int(f[8]), int(f[9])
		if f[10] > 0 {
			start := len(kids)
			if f[10] > uint64(cap(kids)-start) {
				return nil, errParsed
			}
			kids = kids[:start+int(f[10])]
			for i := range int(f[10]) {
				c, err := read()
				if err != nil {
					return nil, err
				}
				kids[start+i] = c
			}
			n.Content = slices.Clip(kids[start : start+int(f[10])])
		}
		return n, nil
	}
	docs := make([]*yaml.Node, 0, ndocs)
	for range ndocs {
		d, err := read()
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	if next != len(nodes) || len(enc) != 0 {
		return nil, errParsed
	}
	return docs, nil
}

// writeParsed writes parsed.bin for files (name → bytes): each file's hash
// and nodes. A file that does not parse, or holds an alias, is left out.
func writeParsed(w io.Writer, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	out := []byte(parsedMagic)
	for _, name := range names {
		docs, err := yamlDocs(files[name])
		if err != nil {
			continue
		}
		enc, err := encodeNodes(docs)
		if err != nil {
			continue
		}
		sum := sha256.Sum256(files[name])
		out = append(out, sum[:]...)
		out = binary.AppendUvarint(out, uint64(len(enc)))
		out = append(out, enc...)
	}
	_, err := w.Write(out)
	return err
}
