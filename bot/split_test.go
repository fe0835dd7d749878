package bot

import (
	"strings"
	"testing"
)

// BenchmarkSplit splits a long reply of short lines, and one long line
// without a sentence end (the case that used to re-count the rest of the
// line at every cut).
func BenchmarkSplit(b *testing.B) {
	for _, bench := range []struct {
		name string
		text string
	}{
		{"lines", strings.Repeat("1. 《增值电信业务经营许可证》（ICP），以下3项任选1项\n", 60)},
		{"one-line", strings.Repeat("很长的一句话，没有句号", 600)},
	} {
		b.Run(bench.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				split(bench.text, DefaultMaxRunes)
			}
		})
	}
}
