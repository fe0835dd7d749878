//go:build ignore

// gendict writes the data files of dict/ from the module cache:
//
//   - zh.txt, the segmenter's trimmed general dictionary: the most frequent
//     words of gse's Simplified Chinese dictionary, one "word frequency"
//     pair a line, sorted by word;
//   - t2s.txt, s2t.txt and tw.txt, the Traditional↔Simplified conversion
//     tables, from OpenCC's dictionaries (see writeConversions).
//
// Run it with `go generate ./index` after upgrading gse or opencc, and after
// editing the knowledge base (the Traditional replies' phrases come from it);
// TestConvert checks the tables against OpenCC.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

func main() {
	n := flag.Int("n", 30000, "number of words to keep")
	flag.Parse()
	writeDict(*n, "dict/zh.txt")
	writeConversions()
}

func moduleDir(path string) string {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", path).Output()
	if err != nil {
		log.Fatalf("locate %s: %v", path, err)
	}
	return strings.TrimSpace(string(dir))
}

// openccDict is one OpenCC dictionary file as OpenCC's Go port reads it
// (github.com/liuzl/da): tab-separated lines, a key's first value, the last
// line for a key winning, and a last line without a newline ignored.
func openccDict(dir, name string) map[string]string {
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		log.Fatal(err)
	}
	text := string(data)
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		text = text[:i+1]
	} else {
		text = ""
	}
	m := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		items := strings.Split(strings.TrimSpace(line), "\t")
		if len(items) < 2 {
			continue
		}
		v := items[1]
		if len(items) == 2 {
			f := strings.Fields(items[1])
			if len(f) == 0 {
				continue
			}
			v = f[0]
		}
		m[items[0]] = v
	}
	return m
}

// writeTable writes one step of a conversion: the phrases (those keep
// selects) and the characters of a group, as OpenCC matches them: the
// longest phrase, else the character. Merged into one table, a phrase wins
// over a character with the same key; a character that converts to itself
// is left out, since not converting it does the same.
func writeTable(out string, phrases, chars map[string]string, keep func(string) bool) {
	m := map[string]string{}
	for k, v := range chars {
		if utf8.RuneCountInString(k) != 1 {
			log.Fatalf("%s: character key %q is not one character", out, k)
		}
		m[k] = v
	}
	for k, v := range phrases {
		if keep == nil || keep(k) {
			m[k] = v
		}
	}
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if k == v && utf8.RuneCountInString(k) == 1 {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	for _, k := range keys {
		fmt.Fprintf(&b, "%s\t%s\n", k, m[k])
	}
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}

// writeConversions writes the conversion tables of normalize.go from
// OpenCC's data: t2s.txt (Traditional to Simplified, OpenCC t2s, whole), and
// s2t.txt and tw.txt, the two steps of s2tw (Simplified to Taiwan
// Traditional) without the phrases that convert like their characters and
// occur nowhere in what the bot can say (the knowledge base and the bot's
// own texts): four in five of OpenCC's.
func writeConversions() {
	dir := filepath.Join(moduleDir("github.com/longbridgeapp/opencc"), "dictionary")
	writeTable("dict/t2s.txt", openccDict(dir, "TSPhrases.txt"), openccDict(dir, "TSCharacters.txt"), nil)
	var corpus strings.Builder
	read := func(f string) {
		data, err := os.ReadFile(f)
		if err != nil {
			log.Fatal(err)
		}
		corpus.Write(data)
	}
	err := filepath.WalkDir("../knowledge/data", func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".yaml") {
			read(path)
		}
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	files, _ := filepath.Glob("../bot/*.go")
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") {
			read(f)
		}
	}
	text := corpus.String()
	phrases, chars := openccDict(dir, "STPhrases.txt"), openccDict(dir, "STCharacters.txt")
	// A phrase is kept when it converts otherwise than its characters do
	// (发 in 头发 is 髮, not 發), or when it occurs in what the bot says
	// (where even a phrase that converts like its characters decides where
	// the next match starts).
	byChars := func(k string) string {
		var b strings.Builder
		for _, r := range k {
			if v, ok := chars[string(r)]; ok {
				b.WriteString(v)
			} else {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	writeTable("dict/s2t.txt", phrases, chars, func(k string) bool {
		return phrases[k] != byChars(k) || strings.Contains(text, k)
	})
	writeTable("dict/tw.txt", nil, openccDict(dir, "TWVariants.txt"), nil)
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
