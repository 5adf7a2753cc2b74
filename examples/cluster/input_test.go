package main

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readAll reads every line, recording a too-long line as nil.
func readAll(t testing.TB, data []byte, max int) [][]byte {
	t.Helper()
	lr := newLineReader(bytes.NewReader(data), max)
	var lines [][]byte
	for {
		line, err := lr.next()
		if err == io.EOF {
			return lines
		}
		if errors.Is(err, errLineTooLong) {
			lines = append(lines, nil)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, len(lines)+1, lr.line)
		lines = append(lines, bytes.Clone(line))
	}
}

// wantLines is what the line reader should return, worked out directly.
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

func TestLineReader(t *testing.T) {
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

func TestLineReaderReportsLength(t *testing.T) {
	lr := newLineReader(strings.NewReader(strings.Repeat("y", 100_000)+"\r\nok\n"), 50_000)
	_, err := lr.next()
	require.ErrorIs(t, err, errLineTooLong)
	assert.Contains(t, err.Error(), "100001 bytes, more than the limit of 50000")
	line, err := lr.next()
	require.NoError(t, err)
	assert.Equal(t, "ok", string(line))
	assert.Equal(t, 2, lr.line)
}

func FuzzLineReader(f *testing.F) {
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

func TestDecodeStory(t *testing.T) {
	s, err := decodeStory([]byte(`{"id":"x","text":"t","title":"h","source":"AFP","date":"2021-12-25","lang":"fr","cluster":"ignored","n":1}`))
	require.NoError(t, err)
	assert.Equal(t, "x", s.ID)
	assert.Equal(t, "t", s.Text)
	assert.Equal(t, "h", s.Title)
	assert.Equal(t, "AFP", s.Source)
	assert.Equal(t, "fr", s.Language)
	assert.Equal(t, "2021-12-25", s.Time.Format("2006-01-02"))

	cases := []struct {
		name, line string
		want       error
	}{
		{"syntax", `{"id":`, errBadJSON},
		{"string", `"story"`, errBadJSON},
		{"null", `null`, errNoID},
		{"text is an object", `{"id":"x","text":{}}`, errBadJSON},
		{"null id", `{"id":null,"text":"t"}`, errNoID},
		{"no text", `{"id":"x","title":"only a title"}`, errNoText},
		{"bad date", `{"id":"x","text":"t","date":"tomorrow"}`, errBadDate},
		{"zero date", `{"id":"x","text":"t","date":"0001-01-01"}`, errBadDate},
		{"invalid UTF-8 id", "{\"id\":\"a\xff\",\"text\":\"t\"}", errBadID},
		{"unpaired surrogate id", `{"id":"a\ud800","text":"t"}`, errBadID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := decodeStory([]byte(c.line))
			require.ErrorIs(t, err, c.want)
		})
	}
}

func FuzzDecodeStory(f *testing.F) {
	f.Add([]byte(`{"id":"x","text":"some words","date":"2021-12-25T14:00:00Z"}`))
	f.Add([]byte(`{"id":"x","text":"t","date":"1987-02-26T15:01:01"}`))
	f.Add([]byte(`{"id":7}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, line []byte) {
		s, err := decodeStory(line)
		if err != nil {
			known := errors.Is(err, errBadJSON) || errors.Is(err, errNoID) || errors.Is(err, errNoText) || errors.Is(err, errBadDate) || errors.Is(err, errBadID)
			require.True(t, known, "unexpected error: %v", err)
			return
		}
		require.NotEmpty(t, s.ID)
		require.NotEmpty(t, s.Text)
		require.True(t, utf8.ValidString(s.ID), "an id is valid UTF-8")
		if utf8.Valid(line) && !bytes.Contains(line, []byte(`\u`)) {
			require.True(t, bytes.Contains(line, []byte(s.ID)) || strings.ContainsAny(s.ID, "\"\\/\b\f\n\r\t"),
				"an id without escapes is the bytes of the line")
		}
	})
}

// TestIDsKeptByteForByte checks that an id is either the id of the line,
// byte for byte, or refused: encoding/json would replace invalid UTF-8 and
// unpaired surrogate escapes with U+FFFD, which makes ids that differ
// equal.
func TestIDsKeptByteForByte(t *testing.T) {
	good := []struct {
		name, raw, want string
	}{
		{"ASCII", `"afp-123"`, "afp-123"},
		{"UTF-8", `"dépêche-7"`, "dépêche-7"},
		{"escaped accent", `"d\u00e9p\u00EAche"`, "dépêche"},
		{"surrogate pair", `"\ud83d\ude00"`, "\U0001F600"},
		{"replacement character written out", "\"a\uFFFDb\"", "a\uFFFDb"},
		{"replacement character escaped", `"a\ufffdb"`, "a\uFFFDb"},
		{"escaped backslash then u", `"a\\ud800"`, `a\ud800`},
	}
	for _, c := range good {
		t.Run(c.name, func(t *testing.T) {
			s, err := decodeStory([]byte(`{"id":` + c.raw + `,"text":"words"}`))
			require.NoError(t, err)
			assert.Equal(t, c.want, s.ID)
		})
	}
	bad := []struct {
		name, raw, want string
	}{
		{"invalid byte", "\"a\xffb\"", "byte 0xff at byte 2"},
		{"truncated sequence", "\"caf\xc3\"", "byte 0xc3"},
		{"overlong encoding", "\"\xc0\xaf\"", "byte 0xc0"},
		{"encoded surrogate", "\"\xed\xa0\x80\"", "byte 0xed"},
		{"lone high surrogate", `"a\ud800"`, `\ud800 is half a surrogate pair`},
		{"lone low surrogate", `"\udc00b"`, `\udc00 is half a surrogate pair`},
		{"high surrogate then a letter", `"\ud83d\u0041"`, `\ud83d is half a surrogate pair`},
		{"two high surrogates", `"\ud83d\ud83d"`, `\ud83d is half a surrogate pair`},
		{"invalid byte in a repeated key", "{\"id\":\"ok\",\"id\":\"x\xff\"}", "byte 0xff"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			line := `{"id":` + c.raw + `,"text":"words"}`
			if strings.HasPrefix(c.raw, "{") {
				line = c.raw[:len(c.raw)-1] + `,"text":"words"}`
			}
			_, err := decodeStory([]byte(line))
			require.ErrorIs(t, err, errBadID)
			assert.Contains(t, err.Error(), "id is not valid UTF-8")
			assert.Contains(t, err.Error(), c.want)
		})
	}

	t.Run("two ids that JSON decoding would make one", func(t *testing.T) {
		in := "{\"id\":\"a\xff\",\"text\":\"The harbour reopened on Monday after the storm.\"}\n" +
			"{\"id\":\"a\xfe\",\"text\":\"Farmers protested against the fuel tax in the capital.\"}\n" +
			`{"id":"b","text":"The central bank left its rates unchanged on Thursday."}` + "\n"
		code, out, errOut := runCmd(t, in, "-skip-bad")
		require.Equal(t, 0, code, errOut)
		vs := decodeLines(t, out)
		require.Len(t, vs, 1)
		assert.Equal(t, "b", vs[0].ID)
		assert.Contains(t, errOut, "stdin line 1 skipped: bad id: the id is not valid UTF-8")
		assert.Contains(t, errOut, "stdin line 2 skipped: bad id: the id is not valid UTF-8")
		assert.NotContains(t, errOut, "duplicate")
	})
}

// TestInvalidUTF8InText checks the documented rule for text and title:
// invalid UTF-8 is replaced with U+FFFD, as encoding/json does, and the
// story is processed; -passages offsets count the bytes of the text after
// the replacement.
func TestInvalidUTF8InText(t *testing.T) {
	text := "The harbour authority reopened the port of Valletta on Monday \xff after the storm damaged two piers. " +
		"Ferries to Gozo resumed in the afternoon, and the transport minister promised repairs within a month."
	in := "{\"id\":\"a\",\"title\":\"Port \xfe reopens\",\"text\":\"" + text + "\"}\n" +
		"{\"id\":\"b\",\"text\":\"" + text + "\"}\n"
	code, out, errOut := runCmd(t, in, "-passages")
	require.Equal(t, 0, code, errOut)
	vs := decodeLines(t, out)
	require.Len(t, vs, 2)
	assert.Equal(t, "copy", vs[1].Kind)
	require.NotEmpty(t, vs[1].Matches)
	decoded := strings.ToValidUTF8(text, "\uFFFD")
	for _, p := range vs[1].Matches[0].Passages {
		assert.Equal(t, decoded[p.Start:p.End], p.Text, "offsets into the text as decoded")
	}
}
