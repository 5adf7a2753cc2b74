package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/examples/internal/cli"
)

// lineReader reads lines of any length while holding at most max bytes of
// one line in memory: a longer line is read to its end and reported by its
// length, without its content. bufio.Scanner would instead stop at its
// buffer size.
type lineReader struct {
	r    *bufio.Reader
	max  int
	buf  []byte
	line int // number of the line last returned, from 1
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// errLineTooLong reports a line longer than the reader's limit.
var errLineTooLong = errors.New("line too long")

// next returns the next line without its line ending ("\n" or "\r\n").
// The line is valid until the next call. A line longer than the limit is
// consumed and reported with an error wrapping errLineTooLong; reading can go
// on after it. At the end of the input next returns io.EOF.
func (lr *lineReader) next() ([]byte, error) {
	lr.buf = lr.buf[:0]
	size := 0 // bytes of the line, its ending included
	eol := 0  // bytes of its ending
	for {
		chunk, err := lr.r.ReadSlice('\n')
		size += len(chunk)
		eol = 0
		if n := len(chunk); n > 0 && chunk[n-1] == '\n' {
			eol = 1
		}
		// Keep up to max bytes of content plus the line ending.
		if len(lr.buf)+len(chunk) <= lr.max+2 {
			lr.buf = append(lr.buf, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		if err == io.EOF && size == 0 {
			return nil, io.EOF
		}
		break
	}
	lr.line++
	content := size - eol
	if size == len(lr.buf) {
		lr.buf = trimEOL(lr.buf)
		content = len(lr.buf)
	}
	if content > lr.max {
		return nil, fmt.Errorf("%w: the line is %d bytes, more than the limit of %d (-max-line)", errLineTooLong, content, lr.max)
	}
	line := lr.buf
	if lr.line == 1 {
		line = bytes.TrimPrefix(line, []byte("\uFEFF"))
	}
	return line, nil
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// lineBuffered reports whether the next line is complete in the read
// buffer, so that next returns it without waiting for the underlying reader.
func (lr *lineReader) lineBuffered() bool {
	b, _ := lr.r.Peek(lr.r.Buffered())
	return bytes.IndexByte(b, '\n') >= 0
}

// record is one input line.
type record struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Title  string `json:"title"`
	Source string `json:"source"`
	Date   string `json:"date"`
	Lang   string `json:"lang"`
}

// Reasons for rejecting a line before it reaches the detector.
var (
	errBadJSON = errors.New("bad JSON")
	errNoID    = errors.New("no id")
	errNoText  = errors.New("no text")
	errBadDate = cli.ErrBadDate
	errBadID   = errors.New("bad id")
)

// decodeStory decodes one input line into a story. Errors wrap one of the
// reasons above and say what is wrong in user terms.
func decodeStory(line []byte) (dedup.Story, error) {
	var rec record
	if err := json.Unmarshal(line, &rec); err != nil {
		return dedup.Story{}, fmt.Errorf("%w: %s", errBadJSON, jsonProblem(err))
	}
	switch {
	case rec.ID == "":
		return dedup.Story{}, fmt.Errorf("%w: the \"id\" field is missing or empty", errNoID)
	case strings.ContainsRune(rec.ID, utf8.RuneError):
		// encoding/json replaces invalid UTF-8, and escapes of unpaired
		// surrogates, with U+FFFD: the id would no longer be the one of
		// the line, and two different ids could become one.
		if err := checkRawID(line); err != nil {
			return dedup.Story{}, fmt.Errorf("%w: %w", errBadID, err)
		}
	}
	if rec.Text == "" {
		return dedup.Story{}, fmt.Errorf("story %q: %w: the \"text\" field is missing or empty", rec.ID, errNoText)
	}
	t, err := cli.ParseDate(rec.Date)
	if err != nil {
		return dedup.Story{}, fmt.Errorf("story %q: %w", rec.ID, err)
	}
	return dedup.Story{
		ID:       rec.ID,
		Text:     rec.Text,
		Title:    rec.Title,
		Source:   rec.Source,
		Time:     t,
		Language: rec.Lang,
	}, nil
}

// checkRawID checks that the "id" of a line that decodes as JSON is valid
// UTF-8 as written: its bytes, and the \u escapes of its surrogate pairs.
func checkRawID(line []byte) error {
	var raw struct {
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(line, &raw); err != nil {
		return err
	}
	b := raw.ID
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Errorf("the id is not valid UTF-8 (byte %#02x at byte %d of the id's JSON string); ids are kept byte for byte, so fix the id at the source", b[i], i)
		}
		if b[i] != '\\' {
			i += size
			continue
		}
		if b[i+1] != 'u' {
			i += 2
			continue
		}
		u, _ := strconv.ParseUint(string(b[i+2:i+6]), 16, 16)
		switch {
		case u >= 0xD800 && u < 0xDC00 && i+12 <= len(b) && b[i+6] == '\\' && b[i+7] == 'u':
			lo, _ := strconv.ParseUint(string(b[i+8:i+12]), 16, 16)
			if lo < 0xDC00 || lo >= 0xE000 {
				return fmt.Errorf("the id is not valid UTF-8: %s is half a surrogate pair", b[i:i+6])
			}
			i += 12
		case u >= 0xD800 && u < 0xE000:
			return fmt.Errorf("the id is not valid UTF-8: %s is half a surrogate pair", b[i:i+6])
		default:
			i += 6
		}
	}
	return nil
}

// jsonProblem turns a decoding error into a message for someone looking at
// the line.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("%v (at byte %d of the line)", syn, syn.Offset)
	case errors.As(err, &typ) && typ.Field == "":
		return fmt.Sprintf("want an object, got %s", article(typ.Value))
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q is %s, want a string", typ.Field, article(typ.Value))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the line ends inside a value"
	}
	return err.Error()
}

// article puts "a" or "an" before a JSON type name.
func article(s string) string {
	if s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}
