package jsonl

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readAll reads every line, recording a too-long line as nil.
func readAll(t testing.TB, data []byte, max int) [][]byte {
	t.Helper()
	lr := NewReader(bytes.NewReader(data), max)
	var lines [][]byte
	for {
		line, err := lr.Next()
		if err == io.EOF {
			return lines
		}
		if errors.Is(err, ErrLineTooLong) {
			lines = append(lines, nil)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, len(lines)+1, lr.Line())
		lines = append(lines, bytes.Clone(line))
	}
}

// wantLines is what the reader should return, worked out directly.
func wantLines(data []byte, max int) [][]byte {
	if len(data) == 0 {
		return nil
	}
	parts := bytes.Split(data, []byte("\n"))
	if len(parts[len(parts)-1]) == 0 {
		parts = parts[:len(parts)-1]
	}
	var out [][]byte
	for i, p := range parts {
		p = bytes.TrimSuffix(p, []byte("\r"))
		switch {
		case len(p) > max:
			out = append(out, nil)
		case i == 0:
			out = append(out, bytes.TrimPrefix(p, []byte("\uFEFF")))
		default:
			out = append(out, p)
		}
	}
	return out
}

func TestReader(t *testing.T) {
	long := strings.Repeat("x", 200_000) // several times bufio's buffer
	cases := []struct {
		name string
		data string
		max  int
	}{
		{"empty", "", 10},
		{"one line", "abc\n", 10},
		{"no final newline", "abc\ndef", 10},
		{"CRLF", "abc\r\ndef\r\n", 10},
		{"blank lines", "\n\n\r\n", 10},
		{"exactly max", "abcde\nabcdef\n", 5},
		{"exactly max with CR", "abcde\r\n", 5},
		{"long line then short", long + "\nshort\n", 1000},
		{"long line within max", long + "\nshort\n", 300_000},
		{"long last line", "short\n" + long, 1000},
		{"BOM on the first line only", "\uFEFFa\n\uFEFFb\n", 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := readAll(t, []byte(c.data), c.max)
			want := wantLines([]byte(c.data), c.max)
			require.Len(t, got, len(want))
			for i := range want {
				assert.Equal(t, want[i], got[i], "line %d", i+1)
			}
		})
	}
}

func TestReaderReportsLength(t *testing.T) {
	lr := NewReader(strings.NewReader(strings.Repeat("y", 100_000)+"\r\nok\n"), 50_000)
	_, err := lr.Next()
	require.ErrorIs(t, err, ErrLineTooLong)
	assert.Contains(t, err.Error(), "100001 bytes, more than the limit of 50000")
	assert.Equal(t, 1, lr.Line())
	line, err := lr.Next()
	require.NoError(t, err)
	assert.Equal(t, "ok", string(line))
	assert.Equal(t, 2, lr.Line())
}

func TestReaderPassesReadErrors(t *testing.T) {
	broken := errors.New("disk gone")
	lr := NewReader(io.MultiReader(strings.NewReader("a\nb"), iotest.ErrReader(broken)), 10)
	line, err := lr.Next()
	require.NoError(t, err)
	assert.Equal(t, "a", string(line))
	_, err = lr.Next()
	assert.ErrorIs(t, err, broken)
}

func TestReaderBuffered(t *testing.T) {
	pr, pw := io.Pipe()
	lr := NewReader(pr, 100)
	go func() {
		pw.Write([]byte("one\ntwo"))
		pw.Close()
	}()
	line, err := lr.Next()
	require.NoError(t, err)
	assert.Equal(t, "one", string(line))
	// "two" has no line ending yet: the next read may have to wait.
	assert.False(t, lr.Buffered())
	line, err = lr.Next()
	require.NoError(t, err)
	assert.Equal(t, "two", string(line))

	lr = NewReader(strings.NewReader("a\nb\n"), 100)
	_, err = lr.Next()
	require.NoError(t, err)
	assert.True(t, lr.Buffered())
}

func FuzzReader(f *testing.F) {
	f.Add([]byte("a\nb\r\n\nc"), uint16(4))
	f.Add([]byte("\uFEFF{\"id\":\"x\"}\n"), uint16(100))
	f.Add([]byte("\r\r\n\n"), uint16(0))
	f.Fuzz(func(t *testing.T, data []byte, max uint16) {
		got := readAll(t, data, int(max))
		want := wantLines(data, int(max))
		require.Len(t, got, len(want))
		for i := range want {
			require.Equal(t, want[i], got[i], "line %d", i+1)
		}
	})
}

func TestDecode(t *testing.T) {
	s, err := Decode([]byte(`{"id":"x","text":"t","title":"h","source":"AFP","date":"2021-12-25","lang":"fr","cluster":"ignored","n":1}`))
	require.NoError(t, err)
	assert.Equal(t, "x", s.ID)
	assert.Equal(t, "t", s.Text)
	assert.Equal(t, "h", s.Title)
	assert.Equal(t, "AFP", s.Source)
	assert.Equal(t, "fr", s.Language)
	assert.Equal(t, time.Date(2021, 12, 25, 0, 0, 0, 0, time.UTC), s.Time)

	cases := []struct {
		name, line string
		want       error
		msg        string
	}{
		{"cut short", `{"id":`, ErrBadJSON, "unexpected end of JSON input"},
		{"syntax", `{"id" "x"}`, ErrBadJSON, "after object key (at byte 7 of the line)"},
		{"string", `"story"`, ErrBadJSON, "want an object, got a string"},
		{"array", `[]`, ErrBadJSON, "want an object, got an array"},
		{"null", `null`, ErrNoID, `the "id" field is missing or empty`},
		{"text is an object", `{"id":"x","text":{}}`, ErrBadJSON, `field "text" is an object, want a string`},
		{"null id", `{"id":null,"text":"t"}`, ErrNoID, `the "id" field is missing or empty`},
		{"no text", `{"id":"x","title":"only a title"}`, ErrNoText, `story "x"`},
		{"bad date", `{"id":"x","text":"t","date":"tomorrow"}`, ErrBadDate, `story "x": jsonl: bad date "tomorrow"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode([]byte(c.line))
			require.ErrorIs(t, err, c.want)
			assert.Contains(t, err.Error(), c.msg)
		})
	}
}

func TestParseDate(t *testing.T) {
	cases := []struct {
		name, in string
		want     time.Time
	}{
		{"empty", "", time.Time{}},
		{"white space", "  ", time.Time{}},
		{"RFC 3339", "2021-12-25T14:00:00Z", time.Date(2021, 12, 25, 14, 0, 0, 0, time.UTC)},
		{"RFC 3339 with zone", "2021-12-25T15:00:00+01:00", time.Date(2021, 12, 25, 14, 0, 0, 0, time.UTC)},
		{"day", "2021-12-25", time.Date(2021, 12, 25, 0, 0, 0, 0, time.UTC)},
		{"no zone", "1987-02-26T15:01:01", time.Date(1987, 2, 26, 15, 1, 1, 0, time.UTC)},
		{"no zone, fractions", "1987-02-26T15:01:01.79", time.Date(1987, 2, 26, 15, 1, 1, 790_000_000, time.UTC)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseDate(c.in)
			require.NoError(t, err)
			assert.True(t, c.want.Equal(got), "got %v", got)
		})
	}
	for _, bad := range []string{"25/12/2021", "2021-13-01", "yesterday"} {
		t.Run("bad "+bad, func(t *testing.T) {
			_, err := ParseDate(bad)
			assert.ErrorIs(t, err, ErrBadDate)
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"id":"x","text":"some words","date":"2021-12-25T14:00:00Z"}`))
	f.Add([]byte(`{"id":"x","text":"t","date":"1987-02-26T15:01:01"}`))
	f.Add([]byte(`{"id":7}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, line []byte) {
		s, err := Decode(line)
		if err != nil {
			known := errors.Is(err, ErrBadJSON) || errors.Is(err, ErrNoID) || errors.Is(err, ErrNoText) || errors.Is(err, ErrBadDate)
			require.True(t, known, "unexpected error: %v", err)
			return
		}
		require.NotEmpty(t, s.ID)
		require.NotEmpty(t, s.Text)
	})
}
