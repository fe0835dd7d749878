//go:build ignore

// gendict writes dict/zh.txt, the segmenter's trimmed general dictionary:
// the most frequent words of gse's Simplified Chinese dictionary, one
// "word frequency" pair a line. Run it with `go generate ./index` after a gse
// upgrade; it reads the dictionary from the module cache.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

func main() {
	n := flag.Int("n", 50000, "number of words to keep")
	out := flag.String("o", "dict/zh.txt", "output file")
	flag.Parse()

	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/go-ego/gse").Output()
	if err != nil {
		log.Fatalf("locate gse: %v", err)
	}
	src := filepath.Join(strings.TrimSpace(string(dir)), "data", "dict", "zh", "s_1.txt")
	data, err := os.ReadFile(src)
	if err != nil {
		log.Fatal(err)
	}
	type word struct {
		text string
		freq int
	}
	var words []word
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		freq, err := strconv.Atoi(f[1])
		if err != nil {
			continue
		}
		words = append(words, word{f[0], freq})
	}
	sort.SliceStable(words, func(i, j int) bool { return words[i].freq > words[j].freq })
	if len(words) > *n {
		words = words[:*n]
	}
	var b bytes.Buffer
	for _, w := range words {
		fmt.Fprintf(&b, "%s %d\n", w.text, w.freq)
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
