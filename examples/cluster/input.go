package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsdup/newsdup/dedup"
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
	errBadDate = errors.New("bad date")
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
	t, err := parseDate(rec.Date)
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

// dateForms describes the date forms accepted, for -h; dateFormsLine is
// the same on one line, for messages.
const dateForms = `RFC 3339 (2021-12-25T14:00:00Z; 2021-12-25T15:00:00.123+01:00; also with
a space for the T, an offset without colon such as +0100, or no seconds); a
date and time without zone, taken as UTC (2021-12-25T14:00:00;
2021-12-25 14:00:00); a day, taken as midnight UTC (2021-12-25); or RFC 1123
or RFC 822 as RSS writes them (Sat, 25 Dec 2021 14:00:00 GMT; 25 Dec 2021
15:00 +0100; Sat, 25 Dec 21 09:00:00 EST), weekday and seconds optional,
two-digit years 69-99 being 19xx, with a numeric zone or one of the names UT,
UTC, GMT, Z, EST, EDT, CST, CDT, MST, MDT, PST, PDT (the US zones of RFC
822), WET, WEST, CET, CEST, EET, EEST, MSK, JST, AEST, AEDT, NZST, NZDT`

var dateFormsLine = strings.Join(strings.Fields(dateForms), " ")

// isoLayouts are the RFC 3339 and ISO 8601 forms accepted, tried in
// order. A fractional second after the seconds is accepted by time.Parse
// without being in the layout.
var isoLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04Z0700",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02 15:04:05 Z07:00",
	"2006-01-02 15:04:05 Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// rfc822Layouts are the RFC 1123 and RFC 822 forms accepted, without the
// weekday (removed first) and with the zone as a numeric offset (a zone
// name is replaced by its offset first).
var rfc822Layouts = []string{
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04 -0700",
	"2 Jan 06 15:04:05 -0700",
	"2 Jan 06 15:04 -0700",
}

// zoneOffsets are the zone names accepted, with their offsets: those of
// RFC 822 (CST is US Central, as there) and unambiguous ones common in
// news feeds; an ambiguous name such as IST (India, Ireland or Israel) or
// BST is an error. time.Parse would take a name it does not know as UTC,
// silently shifting the time by hours.
var zoneOffsets = map[string]string{
	"UT": "+0000", "UTC": "+0000", "GMT": "+0000", "Z": "+0000",
	"EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500",
	"MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700",
	"WET": "+0000", "WEST": "+0100", "CET": "+0100", "CEST": "+0200",
	"EET": "+0200", "EEST": "+0300", "MSK": "+0300", "JST": "+0900", "AEST": "+1000", "AEDT": "+1100", "NZST": "+1200",
	"NZDT": "+1300",
}

// weekdays are the weekday names an RFC 1123 date may start with.
var weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// minYear is the earliest year of a date; the detector rejects earlier
// publication times.
const minYear = 1900

// parseDate parses a story's date in one of the forms of dateForms. The
// empty string (or white space) means undated: the zero Time. A date that
// parses but lies before minYear is a bad date, as the detector would
// reject it: "0001-01-01" is not a way to say undated.
func parseDate(s string) (time.Time, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := parseDateForms(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w %q: %v; want %s", errBadDate, s, err, dateFormsLine)
	}
	if t.Year() < minYear {
		return time.Time{}, fmt.Errorf("%w %q: before %d (leave the date out, or empty, for an undated story)", errBadDate, s, minYear)
	}
	return t, nil
}

// parseDateForms parses v, trimmed, in one of the accepted forms.
func parseDateForms(v string) (time.Time, error) {
	for _, layout := range isoLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	// RFC 1123 / RFC 822: an optional weekday, then a zone at the end.
	if day, rest, ok := strings.Cut(v, ","); ok && slices.Contains(weekdays, strings.ToLower(strings.TrimSpace(day))) {
		v = strings.TrimSpace(rest)
	}
	fields := strings.Fields(v)
	if len(fields) < 2 {
		return time.Time{}, errors.New("not a date in an accepted form")
	}
	zone := fields[len(fields)-1]
	if zone[0] != '+' && zone[0] != '-' {
		off, ok := zoneOffsets[strings.ToUpper(zone)]
		if !ok {
			if isLetters(zone) {
				return time.Time{}, fmt.Errorf("unknown zone name %q (give a numeric offset such as +0100)", zone)
			}
			return time.Time{}, errors.New("not a date in an accepted form")
		}
		fields[len(fields)-1] = off
	}
	v = strings.Join(fields, " ")
	for _, layout := range rfc822Layouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a date in an accepted form")
}

// isLetters reports whether s is made of ASCII letters only.
func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}
