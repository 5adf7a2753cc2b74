package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"

	"github.com/newsdup/newsdup/dedup"
)

// Story is one input line: a story and where it was read.
type Story struct {
	ID, Text, Title, Source, Lang string
	// Time is the publication time in Unix nanoseconds when Dated.
	Time  int64
	Dated bool
	// File is the index of the input file in the sorted list of the files
	// matched, Line the line number in it, from 1.
	File, Line int64
}

// story returns s as the detector takes it.
func (s Story) story() dedup.Story {
	st := dedup.Story{ID: s.ID, Text: s.Text, Title: s.Title, Source: s.Source, Language: s.Lang}
	if s.Dated {
		st.Time = time.Unix(0, s.Time).UTC()
	}
	return st
}

// FileRef names one input file.
type FileRef struct {
	Index int64
	Name  string
}

// matchFiles expands the --input glob, when the pipeline is built, into the
// files it names in sorted order; a glob that names no file is an error.
func matchFiles(ctx context.Context, glob string) ([]FileRef, error) {
	fs, err := filesystem.New(ctx, glob)
	if err != nil {
		return nil, fmt.Errorf("--input %q: %w", glob, err)
	}
	defer fs.Close()
	names, err := fs.List(ctx, glob)
	if err != nil {
		return nil, fmt.Errorf("--input %q: %w", glob, err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("--input %q: %w", glob, errNoFiles)
	}
	slices.Sort(names)
	refs := make([]FileRef, len(names))
	for i, n := range names {
		refs[i] = FileRef{int64(i), n}
	}
	return refs, nil
}

// Reasons for rejecting an input line.
var (
	errNoFiles     = errors.New("no file matches")
	errBadJSON     = errors.New("bad JSON")
	errBadUTF8     = errors.New("not UTF-8")
	errNoID        = errors.New("no id")
	errNoText      = errors.New("no text")
	errBadDate     = errors.New("bad date")
	errLineTooLong = errors.New("line too long")
	errDuplicateID = errors.New("repeated id")
)

// readFn reads one input file and emits its stories keyed by id. A bad line
// fails the run, naming the file, the line and the reason, unless
// Settings.SkipBad is set: then it is logged and counted.
type readFn struct {
	S Settings
}

var (
	storiesRead = beam.NewCounter("newsdup", "stories_read")
	badLines    = beam.NewCounter("newsdup", "bad_lines_skipped")
)

// ProcessElement reads the file f.
func (fn *readFn) ProcessElement(ctx context.Context, f FileRef, emit func(string, Story)) error {
	fs, err := filesystem.New(ctx, f.Name)
	if err != nil {
		return err
	}
	defer fs.Close()
	r, err := fs.OpenRead(ctx, f.Name)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name, err)
	}
	defer r.Close()
	return readLines(r, fn.S.MaxLine, func(n int64, line []byte, lineErr error) error {
		var s Story
		err := lineErr
		if err == nil {
			if len(bytes.TrimSpace(line)) == 0 {
				return nil // not a story
			}
			s, err = decodeStory(line)
		}
		if err != nil {
			err = fmt.Errorf("%s:%d: %w", f.Name, n, err)
			if !fn.S.SkipBad {
				return err
			}
			log.Warnf(ctx, "skipped: %v", err)
			badLines.Inc(ctx, 1)
			return nil
		}
		s.File, s.Line = f.Index, n
		storiesRead.Inc(ctx, 1)
		emit(s.ID, s)
		return nil
	})
}

// readLines calls fn with each line of r and its number, from 1, without
// its line ending; a UTF-8 byte order mark opening the input is dropped. A
// line longer than max bytes is read to its end without being held and
// given to fn with an error wrapping errLineTooLong. An error from fn stops
// the reading and is returned.
func readLines(r io.Reader, max int, fn func(n int64, line []byte, err error) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	for n := int64(1); ; n++ {
		buf = buf[:0]
		size, truncated := 0, false
		var err error
		for {
			var chunk []byte
			chunk, err = br.ReadSlice('\n')
			size += len(chunk)
			if len(buf)+len(chunk) <= max+2 { // content and a line ending
				buf = append(buf, chunk...)
			} else {
				truncated = true
			}
			if err != bufio.ErrBufferFull {
				break
			}
		}
		if err != nil && err != io.EOF {
			return err
		}
		if err == io.EOF && size == 0 {
			return nil
		}
		line := bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte("\n")), []byte("\r"))
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		var lineErr error
		if truncated || len(line) > max {
			lineErr = fmt.Errorf("%w: the line is more than the limit of %d bytes (--max-line)", errLineTooLong, max)
			line = nil
		}
		if ferr := fn(n, line, lineErr); ferr != nil {
			return ferr
		}
		if err == io.EOF {
			return nil
		}
	}
}

// record is the JSON form of an input line: the fields of the cluster
// command's input.
type record struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Title  string `json:"title"`
	Source string `json:"source"`
	Date   string `json:"date"`
	Lang   string `json:"lang"`
}

// decodeStory decodes one input line. Errors wrap one of the reasons above.
func decodeStory(line []byte) (Story, error) {
	if !utf8.Valid(line) {
		// encoding/json would silently replace the bad bytes, changing an
		// id the output must give back byte for byte.
		return Story{}, fmt.Errorf("%w: the line is not valid UTF-8 text", errBadUTF8)
	}
	var rec record
	if err := json.Unmarshal(line, &rec); err != nil {
		return Story{}, fmt.Errorf("%w: %s", errBadJSON, jsonProblem(err))
	}
	switch {
	case rec.ID == "":
		return Story{}, fmt.Errorf("%w: the \"id\" field is missing or empty", errNoID)
	case rec.Text == "":
		return Story{}, fmt.Errorf("story %q: %w: the \"text\" field is missing or empty", rec.ID, errNoText)
	}
	s := Story{ID: rec.ID, Text: rec.Text, Title: rec.Title, Source: rec.Source, Lang: rec.Lang}
	t, ok, err := parseDate(rec.Date)
	if err != nil {
		return Story{}, fmt.Errorf("story %q: %w", rec.ID, err)
	}
	if ok {
		s.Time, s.Dated = t.UnixNano(), true
	}
	return s, nil
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
		return fmt.Sprintf("want an object, got %s", typ.Value)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q is %s, want a string", typ.Field, typ.Value)
	}
	return err.Error()
}

// dateLayouts are the date forms accepted, tried in order: those of the
// cluster command.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
}

// parseDate parses a story's date: RFC 3339, a day (midnight UTC), or a time
// without a zone (UTC). Empty means undated (ok false). The detector's own
// limits on dates are checked by rules.check.
func parseDate(s string) (t time.Time, ok bool, err error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, false, nil
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			// Unix nanoseconds hold the years 1678 to 2262; the
			// detector refuses those before 1900 and after the clock.
			if t.Year() < 1678 {
				return time.Time{}, false, fmt.Errorf("%w: time %s is before 1900", dedup.ErrBadTime, s)
			}
			if t.Year() > 2261 {
				return time.Time{}, false, fmt.Errorf("%w: time %s is too far in the future", dedup.ErrBadTime, s)
			}
			return t, true, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("%w %q: want RFC 3339 (2021-12-25T14:00:00Z), a day (2021-12-25) or a UTC time without zone (2021-12-25T14:00:00)", errBadDate, s)
}
