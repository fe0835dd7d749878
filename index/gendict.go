//go:build ignore

// gendict writes the data files of dict/ from the module cache:
//
//   - zh.txt, the segmenter's trimmed general dictionary: the most frequent
//     words of gse's Simplified Chinese dictionary, one "word frequency"
//     pair a line, sorted by word;
//   - t2s_runes.txt, every character OpenCC's t2s conversion can change, so
//     text without any of them skips the conversion.
//
// Run it with `go generate ./index` after upgrading gse or opencc.
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
	n := flag.Int("n", 30000, "number of words to keep")
	flag.Parse()
	writeDict(*n, "dict/zh.txt")
	writeRunes("dict/t2s_runes.txt")
}

func moduleDir(path string) string {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", path).Output()
	if err != nil {
		log.Fatalf("locate %s: %v", path, err)
	}
	return strings.TrimSpace(string(dir))
}

// writeRunes writes the characters t2s may change: the keys of
// TSCharacters that convert to something else, and every character of a
// TSPhrases key that has none of those and that the conversion changes (so
// that no phrase can match text free of the listed characters).
func writeRunes(out string) {
	dir := filepath.Join(moduleDir("github.com/longbridgeapp/opencc"), "dictionary")
	set := map[rune]bool{}
	read := func(name string, f func(key string, values []string)) {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			log.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			key, vals, ok := strings.Cut(strings.TrimSpace(line), "\t")
			if ok {
				f(key, strings.Fields(vals))
			}
		}
	}
	read("TSCharacters.txt", func(key string, values []string) {
		if len(values) > 0 && values[0] != key {
			for _, r := range key {
				set[r] = true
			}
		}
	})
	read("TSPhrases.txt", func(key string, values []string) {
		if len(values) == 0 || values[0] == key {
			return // a phrase kept as it is changes nothing
		}
		for _, r := range key {
			if set[r] {
				return
			}
		}
		// Any one character of the key witnesses it; take those the
		// conversion changes, or all of them when the lengths differ.
		k, v := []rune(key), []rune(values[0])
		for i, r := range k {
			if len(k) != len(v) || r != v[i] {
				set[r] = true
			}
		}
	})
	runes := make([]rune, 0, len(set))
	for r := range set {
		runes = append(runes, r)
	}
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
	if err := os.WriteFile(out, []byte(string(runes)+"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
}

func writeDict(n int, out string) {
	src := filepath.Join(moduleDir("github.com/go-ego/gse"), "data", "dict", "zh", "s_1.txt")
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
	if len(words) > n {
		words = words[:n]
	}
	// Sorted by word, the file is searched in place (see dict.go); a word
	// listed twice keeps its first, most frequent, entry.
	sort.SliceStable(words, func(i, j int) bool { return words[i].text < words[j].text })
	uniq := words[:0]
	for _, w := range words {
		if len(uniq) == 0 || uniq[len(uniq)-1].text != w.text {
			uniq = append(uniq, w)
		}
	}
	words = uniq
	var b bytes.Buffer
	for _, w := range words {
		fmt.Fprintf(&b, "%s %d\n", w.text, w.freq)
	}
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
