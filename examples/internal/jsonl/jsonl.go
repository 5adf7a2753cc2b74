// Package jsonl reads news stories as JSON Lines, the input of the example
// programs: one JSON object a line,
//
//	{"id": "afp-123", "text": "The US is preparing...", "title": "...",
//	 "source": "AFP", "date": "2021-12-25T14:00:00Z", "lang": "en"}
//
// id and text are required; title, source, date and lang are optional, and
// other fields are ignored. date is RFC 3339, a day (taken as midnight UTC)
// or a time without a zone (taken as UTC); empty or absent means undated.
//
// A Reader returns the lines of a stream one at a time while holding at most
// a set number of bytes of a line, so one huge line is reported as bad input
// instead of exhausting memory; Decode turns a line into a dedup.Story.
package jsonl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/newsdup/newsdup/dedup"
)

// Reasons for rejecting a line; the errors returned wrap one of them and say
// what is wrong in the words of someone looking at the line.
var (
	// ErrLineTooLong reports a line longer than the Reader's limit.
	ErrLineTooLong = errors.New("jsonl: line too long")
	// ErrBadJSON reports a line that is not a JSON object of strings.
	ErrBadJSON = errors.New("jsonl: bad JSON")
	// ErrNoID reports a story without an id.
	ErrNoID = errors.New("jsonl: no id")
	// ErrNoText reports a story without a text.
	ErrNoText = errors.New("jsonl: no text")
	// ErrBadDate reports a date in none of the accepted forms.
	ErrBadDate = errors.New("jsonl: bad date")
)

// Reader reads lines of any length while holding at most a set number of
// bytes of one line in memory: a longer line is read to its end and
// reported by its length, without its content (bufio.Scanner would instead
// stop at its buffer size). A Reader is not safe for concurrent use.
type Reader struct {
	r    *bufio.Reader
	max  int
	buf  []byte
	line int
}

// NewReader returns a Reader of r that refuses lines of more than max bytes
// (line ending excluded).
func NewReader(r io.Reader, max int) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// Line returns the number, from 1, of the line Next last returned or
// refused.
func (lr *Reader) Line() int { return lr.line }

// Next returns the next line without its line ending ("\n" or "\r\n"), and
// without a UTF-8 byte order mark at the start of the first line. The line
// is valid until the next call. A line longer than the limit is consumed and
// reported with an error wrapping ErrLineTooLong; reading can go on after
// it. At the end of the input Next returns io.EOF.
func (lr *Reader) Next() ([]byte, error) {
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
		return nil, fmt.Errorf("%w: the line is %d bytes, more than the limit of %d", ErrLineTooLong, content, lr.max)
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

// Buffered reports whether the next line is complete in the read buffer, so
// that Next returns it without waiting for the underlying reader: a program
// answering a live stream flushes its output before a read that may wait.
func (lr *Reader) Buffered() bool {
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

// Decode decodes one line into a story. Its errors wrap ErrBadJSON, ErrNoID,
// ErrNoText or ErrBadDate.
func Decode(line []byte) (dedup.Story, error) {
	var rec record
	if err := json.Unmarshal(line, &rec); err != nil {
		return dedup.Story{}, fmt.Errorf("%w: %s", ErrBadJSON, jsonProblem(err))
	}
	switch {
	case rec.ID == "":
		return dedup.Story{}, fmt.Errorf("%w: the \"id\" field is missing or empty", ErrNoID)
	case rec.Text == "":
		return dedup.Story{}, fmt.Errorf("story %q: %w: the \"text\" field is missing or empty", rec.ID, ErrNoText)
	}
	t, err := ParseDate(rec.Date)
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

// dateLayouts are the date forms accepted, tried in order.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
}

// ParseDate parses a story's date: RFC 3339, a day (midnight UTC), or a time
// without a zone (UTC). The empty string, or white space, means undated: the
// zero Time. Its error wraps ErrBadDate.
func ParseDate(s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w %q: want RFC 3339 (2021-12-25T14:00:00Z), a day (2021-12-25) or a UTC time without zone (2021-12-25T14:00:00)", ErrBadDate, s)
}
