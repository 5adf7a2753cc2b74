package jsonl

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

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
	assert.Equal(t, "2021-12-25", s.Time.Format("2006-01-02"))

	cases := []struct {
		name, line string
		want       error
	}{
		{"syntax", `{"id":`, ErrBadJSON},
		{"string", `"story"`, ErrBadJSON},
		{"null", `null`, ErrNoID},
		{"text is an object", `{"id":"x","text":{}}`, ErrBadJSON},
		{"null id", `{"id":null,"text":"t"}`, ErrNoID},
		{"no text", `{"id":"x","title":"only a title"}`, ErrNoText},
		{"bad date", `{"id":"x","text":"t","date":"tomorrow"}`, ErrBadDate},
		{"zero date", `{"id":"x","text":"t","date":"0001-01-01"}`, ErrBadDate},
		{"invalid UTF-8 id", "{\"id\":\"a\xff\",\"text\":\"t\"}", ErrBadID},
		{"unpaired surrogate id", `{"id":"a\ud800","text":"t"}`, ErrBadID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode([]byte(c.line))
			require.ErrorIs(t, err, c.want)
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
			known := errors.Is(err, ErrBadJSON) || errors.Is(err, ErrNoID) || errors.Is(err, ErrNoText) || errors.Is(err, ErrBadDate) || errors.Is(err, ErrBadID)
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
			s, err := Decode([]byte(`{"id":` + c.raw + `,"text":"words"}`))
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
			_, err := Decode([]byte(line))
			require.ErrorIs(t, err, ErrBadID)
			assert.Contains(t, err.Error(), "id is not valid UTF-8")
			assert.Contains(t, err.Error(), c.want)
		})
	}

}

func TestReaderOffset(t *testing.T) {
	data := "\uFEFF{\"a\":1}\r\n\n" + strings.Repeat("x", 300) + "\nlast"
	lr := NewReader(strings.NewReader(data), 100)
	var offsets []int64
	for {
		line, err := lr.Next()
		if err == io.EOF {
			break
		}
		offsets = append(offsets, lr.Offset())
		if err == nil {
			assert.Equal(t, string(line), data[lr.Offset():lr.Offset()+int64(len(line))], "the line is the bytes at its offset")
		}
	}
	assert.Equal(t, []int64{3, 12, 13, 314}, offsets, "the start of each line (after a byte order mark), a refused one too")
}

// Key refuses what Decode refuses, and gives the same id and date.
func FuzzKey(f *testing.F) {
	f.Add([]byte(`{"id":"x","text":"some words","date":"2021-12-25T14:00:00Z"}`))
	f.Add([]byte(`{"id":"x","text":"","date":"2021-12-25"}`))
	f.Add([]byte(`{"id":"x","text":7}`))
	f.Add([]byte(`{"id":"a\ud800","text":"t"}`))
	f.Add([]byte(`{"id":"x","text":null}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		s, derr := Decode(line)
		id, tm, kerr := Key(line)
		require.Equal(t, derr == nil, kerr == nil, "Decode: %v; Key: %v", derr, kerr)
		if derr == nil {
			assert.Equal(t, s.ID, id)
			assert.True(t, s.Time.Equal(tm))
		}
	})
}

func TestInputs(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	require.NoError(t, os.WriteFile(a, []byte("A"), 0o644))
	require.NoError(t, os.WriteFile(b, []byte("B"), 0o644))
	read := func(got *[]string) func(string, io.Reader) error {
		return func(name string, r io.Reader) error {
			body, err := io.ReadAll(r)
			*got = append(*got, filepath.Base(name)+"="+string(body))
			return err
		}
	}
	var got []string
	require.NoError(t, Inputs(nil, strings.NewReader("S"), read(&got)))
	assert.Equal(t, []string{"stdin=S"}, got)
	got = nil
	require.NoError(t, Inputs([]string{b, "-", a}, strings.NewReader("S"), read(&got)))
	assert.Equal(t, []string{"b=B", "stdin=S", "a=A"}, got, "in the order named")
	got = nil
	err := Inputs([]string{a, filepath.Join(dir, "missing"), b}, nil, read(&got))
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.Equal(t, []string{"a=A"}, got, "stops at the file that cannot be opened")
	stop := errors.New("stop")
	assert.ErrorIs(t, Inputs([]string{a, b}, nil, func(string, io.Reader) error { return stop }), stop)
}
