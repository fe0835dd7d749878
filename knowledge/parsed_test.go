package knowledge

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"os"
	"reflect"
	"testing"

	"github.com/qualbot/qualbot/knowledge/knowledgetest"
)

var update = flag.Bool("update", false, "rewrite parsed.bin from the shipped files")

// shippedFiles returns the bytes of every shipped .yaml file by name.
func shippedFiles(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for name, f := range knowledgetest.Copy(t, Shipped()) {
		files[name] = f.Data
	}
	return files
}

// TestParsed fails when parsed.bin is not what yaml.v3 makes of today's
// shipped files: every file is in it, and its nodes equal yaml.v3's, field
// by field. With -update it rewrites parsed.bin.
func TestParsed(t *testing.T) {
	files := shippedFiles(t)
	if *update {
		var b bytes.Buffer
		if err := writeParsed(&b, files); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("parsed.bin", b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	const regenerate = "run: go test ./knowledge -run '^TestParsed$' -update"
	for name, data := range files {
		got, ok := parsedDocs(data)
		if !ok {
			t.Errorf("%s is not in parsed.bin; %s", name, regenerate)
			continue
		}
		want, err := yamlDocs(data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: parsed.bin's nodes differ from yaml.v3's; %s", name, regenerate)
		}
	}
	if n := len(parsedFiles()); n != len(files) {
		t.Errorf("parsed.bin holds %d files, %d are shipped; %s", n, len(files), regenerate)
	}
}

// An edited file is parsed as YAML, and a damaged parsed.bin entry is never
// served.
func TestParsed_OnlyTheseBytes(t *testing.T) {
	for name, data := range shippedFiles(t) {
		edited := append(bytes.Clone(data), "\n# edited\n"...)
		if _, ok := parsedDocs(edited); ok {
			t.Errorf("%s edited: served from parsed.bin", name)
		}
		enc := parsedFiles()[sha256.Sum256(data)]
		for _, cut := range []int{0, 1, len(enc) / 3, len(enc) - 1} {
			if _, err := decodeNodes(enc[:cut]); err == nil {
				t.Errorf("%s: parsed.bin entry cut at %d decodes", name, cut)
			}
		}
		break
	}
}
