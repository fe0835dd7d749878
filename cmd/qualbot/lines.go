package main

import (
	"bufio"
	"errors"
	"io"
	"unicode/utf8"
)

// maxLineBytes is the longest input line chat and ask read; the rest of a
// longer line is dropped. No question is that long, and a pasted megabyte
// must not end the session and lose the lines after it.
const maxLineBytes = 64 << 10

// lineScanner reads lines of at most max bytes, cutting longer ones at a
// rune boundary and going on with the next line.
type lineScanner struct {
	r    *bufio.Reader
	max  int
	line string
	err  error
}

func newLineScanner(r io.Reader, max int) *lineScanner {
	return &lineScanner{r: bufio.NewReaderSize(r, 4096), max: max}
}

// Scan reads the next line, reporting false at the end of the input or on
// an error (see Err).
func (s *lineScanner) Scan() bool {
	if s.err != nil {
		return false
	}
	var buf []byte
	for {
		chunk, err := s.r.ReadSlice('\n')
		if room := s.max - len(buf); room > 0 {
			buf = append(buf, chunk[:min(len(chunk), room)]...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && (err != io.EOF || len(buf) == 0) {
			s.err = err
			return false
		}
		if err == io.EOF {
			s.err = err
		}
		break
	}
	// A cut may have left half a character, and the newline goes.
	for len(buf) > 0 && (buf[len(buf)-1] == '\n' || buf[len(buf)-1] == '\r') {
		buf = buf[:len(buf)-1]
	}
	for len(buf) > 0 {
		if r, n := utf8.DecodeLastRune(buf); r != utf8.RuneError || n != 1 {
			break
		}
		buf = buf[:len(buf)-1]
	}
	s.line = string(buf)
	return true
}

// Text returns the line Scan read.
func (s *lineScanner) Text() string { return s.line }

// Err returns the error that ended scanning, or nil at the end of the input.
func (s *lineScanner) Err() error {
	if s.err == io.EOF {
		return nil
	}
	return s.err
}
