// Package jsonl reads news stories as JSON Lines, the input of the example
// programs: one JSON object a line,
//
//	{"id": "afp-123", "text": "The US is preparing...", "title": "...",
//	 "source": "AFP", "date": "2021-12-25T14:00:00Z", "lang": "en"}
//
// id and text are required; title, source, date and lang are optional, and
// other fields are ignored. An id is kept byte for byte: one that is not
// valid UTF-8 is refused. Invalid UTF-8 in the other fields becomes U+FFFD.
// date takes the forms of cli.ParseDate; empty or absent means undated.
//
// A Reader returns the lines of a stream one at a time while holding at most
// a set number of bytes of a line, so one huge line is reported as bad input
// instead of exhausting memory; Decode turns a line into a dedup.Story.
//
// The errors read as part of a command's message about a line ("in.jsonl
// line 3: bad JSON: ..."), so they carry no package prefix.
package jsonl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/examples/internal/cli"
)

// Reasons for rejecting a line; the errors returned wrap one of them and say
// what is wrong in the words of someone looking at the line.
var (
	// ErrLineTooLong reports a line longer than the Reader's limit.
	ErrLineTooLong = errors.New("line too long")
	// ErrBadJSON reports a line that is not a JSON object of strings.
	ErrBadJSON = errors.New("bad JSON")
	// ErrNoID reports a story without an id.
	ErrNoID = errors.New("no id")
	// ErrBadID reports an id that is not valid UTF-8.
	ErrBadID = errors.New("bad id")
	// ErrNoText reports a story without a text.
	ErrNoText = errors.New("no text")
	// ErrBadDate reports a date in none of the accepted forms.
	ErrBadDate = cli.ErrBadDate
)

// Reader reads lines of any length while holding at most a set number of
// bytes of one line in memory: a longer line is read to its end and
// reported by its length, without its content (bufio.Scanner would instead
// stop at its buffer size). A Reader is not safe for concurrent use.
type Reader struct {
	r      *bufio.Reader
	max    int
	buf    []byte
	line   int
	offset int64 // where the line last returned starts
	next   int64 // where the next line starts
}

// NewReader returns a Reader of r that refuses lines of more than max bytes
// (line ending excluded).
func NewReader(r io.Reader, max int) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// Line returns the number, from 1, of the line Next last returned or
// refused.
func (lr *Reader) Line() int { return lr.line }

// Offset returns the byte offset in the stream at which the line Next last
// returned starts, after its byte order mark if it has one, so that the
// line is the len(line) bytes there; for a refused line, where the line
// starts.
func (lr *Reader) Offset() int64 { return lr.offset }

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
	lr.offset, lr.next = lr.next, lr.next+int64(size)
	content := size - eol
	if size == len(lr.buf) {
		lr.buf = trimEOL(lr.buf)
		content = len(lr.buf)
	}
	if content > lr.max {
		return nil, fmt.Errorf("%w: the line is %d bytes, more than the limit of %d (-max-line)", ErrLineTooLong, content, lr.max)
	}
	line := lr.buf
	if lr.line == 1 {
		line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		lr.offset += int64(len(lr.buf) - len(line))
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

// Inputs calls read for each input of a command: the files named, in order,
// "-" being standard input, or standard input alone when none is named. It
// stops at the first error, from opening a file or from read.
func Inputs(files []string, stdin io.Reader, read func(name string, r io.Reader) error) error {
	if len(files) == 0 {
		return read("stdin", stdin)
	}
	for _, name := range files {
		if name == "-" {
			if err := read("stdin", stdin); err != nil {
				return err
			}
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		err = read(name, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// Decode decodes one line into a story. Its errors wrap ErrBadJSON, ErrNoID,
// ErrBadID, ErrNoText or ErrBadDate and say what is wrong in user terms.
func Decode(line []byte) (dedup.Story, error) {
	var rec record
	if err := json.Unmarshal(line, &rec); err != nil {
		return dedup.Story{}, fmt.Errorf("%w: %s", ErrBadJSON, jsonProblem(err))
	}
	t, err := check(line, rec.ID, rec.Text != "", rec.Date)
	if err != nil {
		return dedup.Story{}, err
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

// Key decodes what a line says of its story's place in time: its id and
// date, without the text, which it only checks is there. It refuses what
// Decode refuses but a text without words (Decode's caller finds that), for
// a first pass over an input that is read again story by story.
func Key(line []byte) (id string, t time.Time, err error) {
	var rec struct {
		ID   string  `json:"id"`
		Text present `json:"text"`
		Date string  `json:"date"`
	}
	if err := json.Unmarshal(line, &rec); err != nil {
		return "", time.Time{}, fmt.Errorf("%w: %s", ErrBadJSON, jsonProblem(err))
	}
	if t, err = check(line, rec.ID, bool(rec.Text), rec.Date); err != nil {
		return "", time.Time{}, err
	}
	return rec.ID, t, nil
}

// check checks the fields of a decoded line that Decode and Key both
// refuse, and returns the date.
func check(line []byte, id string, hasText bool, date string) (time.Time, error) {
	switch {
	case id == "":
		return time.Time{}, fmt.Errorf("%w: the \"id\" field is missing or empty", ErrNoID)
	case strings.ContainsRune(id, utf8.RuneError):
		// encoding/json replaces invalid UTF-8, and escapes of unpaired
		// surrogates, with U+FFFD: the id would no longer be the one of
		// the line, and two different ids could become one.
		if err := checkRawID(line); err != nil {
			return time.Time{}, fmt.Errorf("%w: %w", ErrBadID, err)
		}
	}
	if !hasText {
		return time.Time{}, fmt.Errorf("story %q: %w: the \"text\" field is missing or empty", id, ErrNoText)
	}
	t, err := cli.ParseDate(date)
	if err != nil {
		return time.Time{}, fmt.Errorf("story %q: %w", id, err)
	}
	return t, nil
}

// present records whether a JSON string is there and not empty, without
// keeping it.
type present bool

func (p *present) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*p = false
		return nil
	}
	if len(b) == 0 || b[0] != '"' {
		return &json.UnmarshalTypeError{Value: "non-string", Type: reflect.TypeFor[string]()}
	}
	*p = len(b) > 2
	return nil
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
