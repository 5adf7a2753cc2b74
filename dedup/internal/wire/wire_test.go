package wire

import (
	"bytes"
	"errors"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	testFormat  = Format{Name: "test record", Magic: "TEST", Version: 3}
	testFormat1 = Format{Name: "test record", Magic: "TEST", Version: 1}
)

type record struct {
	u8     byte
	u16    uint16
	u32    uint32
	u64    uint64
	uv     uint64
	v      int64
	f      float32
	s      string
	t, t0  time.Time
	sorted []uint64
}

func (r *record) write(e *Writer) {
	e.Uint8(r.u8)
	e.Uint16(r.u16)
	e.Uint32(r.u32)
	e.Uint64(r.u64)
	e.Uvarint(r.uv)
	e.Varint(r.v)
	e.Float32(r.f)
	e.String(r.s)
	e.Time(r.t)
	e.Time(r.t0)
	e.Sorted(r.sorted)
}

func (r *record) read(d *Reader) {
	r.u8 = d.Uint8()
	r.u16 = d.Uint16()
	r.u32 = d.Uint32()
	r.u64 = d.Uint64()
	r.uv = d.Uvarint()
	r.v = d.Varint()
	r.f = d.Float32()
	r.s = d.String("text", 1<<20)
	r.t = d.Time()
	r.t0 = d.Time()
	r.sorted = d.Sorted("set", 1000)
}

func sample() record {
	return record{
		u8: 7, u16: 0xbeef, u32: 0xdeadbeef, u64: math.MaxUint64, uv: 1 << 40, v: -12345,
		f: 0.25, s: "héllo, wörld", t: time.Date(1987, 2, 26, 15, 1, 1, 5, time.UTC),
		sorted: []uint64{1, 2, 1000, math.MaxUint64},
	}
}

func encode(t testing.TB, w io.Writer, r record) {
	e := NewWriter(w, testFormat)
	r.write(e)
	require.NoError(t, e.Close())
}

func TestRoundTrip(t *testing.T) {
	want := sample()
	for _, c := range []struct {
		name string
		wrap func(io.Writer) io.Writer
	}{
		{"bytes.Buffer", func(w io.Writer) io.Writer { return w }},
		{"plain writer", func(w io.Writer) io.Writer { return struct{ io.Writer }{w} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			encode(t, c.wrap(&buf), want)
			for _, src := range []struct {
				name string
				r    io.Reader
			}{
				{"bytes.Reader", bytes.NewReader(buf.Bytes())},
				{"one byte at a time", iotest.OneByteReader(bytes.NewReader(buf.Bytes()))},
			} {
				t.Run(src.name, func(t *testing.T) {
					d := NewReader(src.r, testFormat)
					var got record
					got.read(d)
					require.NoError(t, d.Close())
					assert.Equal(t, want, got)
				})
			}
		})
	}
}

func TestRejectsDamage(t *testing.T) {
	var buf bytes.Buffer
	encode(t, &buf, sample())
	good := buf.Bytes()
	read := func(b []byte) error {
		d := NewReader(bytes.NewReader(b), testFormat)
		var r record
		r.read(d)
		return d.Close()
	}
	require.NoError(t, read(good))
	t.Run("every truncation", func(t *testing.T) {
		for n := 0; n < len(good); n++ {
			assert.Error(t, read(good[:n]), "cut at %d", n)
		}
	})
	t.Run("every byte changed", func(t *testing.T) {
		for i := range good {
			b := bytes.Clone(good)
			b[i] ^= 0x41
			assert.Error(t, read(b), "byte %d", i)
		}
	})
	t.Run("trailing bytes", func(t *testing.T) {
		assert.ErrorContains(t, read(append(bytes.Clone(good), 0)), "trailing")
	})
	t.Run("wrong magic", func(t *testing.T) {
		d := NewReader(bytes.NewReader(good), Format{Name: "other thing", Magic: "OTHER", Version: 3})
		assert.ErrorContains(t, d.Err(), "not a other thing")
	})
	t.Run("wrong version", func(t *testing.T) {
		d := NewReader(bytes.NewReader(good), Format{Name: "test record", Magic: "TEST", Version: 4})
		assert.ErrorContains(t, d.Err(), "test record version 3, this package reads version 4")
		assert.Zero(t, d.Version())
		d = NewReader(bytes.NewReader(good), Format{Name: "test record", Magic: "TEST", Version: 2, Oldest: 1})
		assert.ErrorContains(t, d.Err(), "test record version 3, this package reads versions 1 to 2")
	})
	t.Run("an older version read", func(t *testing.T) {
		d := NewReader(bytes.NewReader(good), Format{Name: "test record", Magic: "TEST", Version: 5, Oldest: 3})
		require.NoError(t, d.Err())
		assert.Equal(t, uint16(3), d.Version())
		d = NewReader(bytes.NewReader(good), Format{Name: "test record", Magic: "TEST", Version: 3})
		assert.Equal(t, uint16(3), d.Version())
	})
	t.Run("truncation is ErrTruncated", func(t *testing.T) {
		assert.ErrorIs(t, read(good[:10]), ErrTruncated)
	})
}

func TestLimits(t *testing.T) {
	t.Run("a length beyond the limit is refused before allocating", func(t *testing.T) {
		var buf bytes.Buffer
		e := NewWriter(&buf, testFormat1)
		e.Uvarint(1 << 40) // a string claiming a terabyte
		require.NoError(t, e.Close())
		d := NewReader(bytes.NewReader(buf.Bytes()), testFormat1)
		assert.Equal(t, "", d.String("text", 1<<20))
		assert.ErrorContains(t, d.Err(), "text length 1099511627776 exceeds 1048576")
	})
	t.Run("a long string that is not there", func(t *testing.T) {
		var buf bytes.Buffer
		e := NewWriter(&buf, testFormat1)
		e.Uvarint(1 << 30)
		e.Bytes([]byte("short"))
		require.NoError(t, e.Close())
		d := NewReader(bytes.NewReader(buf.Bytes()), testFormat1)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		d.String("text", 1<<31)
		runtime.ReadMemStats(&after)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(4<<20), "bytes allocated for a string of 1 GiB that holds 5 bytes")
		assert.ErrorIs(t, d.Err(), ErrTruncated)
	})
	t.Run("sets must increase", func(t *testing.T) {
		var buf bytes.Buffer
		e := NewWriter(&buf, testFormat1)
		e.Uvarint(2)
		e.Uvarint(5)
		e.Uvarint(0)
		require.NoError(t, e.Close())
		d := NewReader(bytes.NewReader(buf.Bytes()), testFormat1)
		d.Sorted("set", 10)
		assert.ErrorContains(t, d.Err(), "set not strictly increasing")
	})
	t.Run("a count beyond the limit", func(t *testing.T) {
		var buf bytes.Buffer
		e := NewWriter(&buf, testFormat1)
		e.Sorted([]uint64{1, 2, 3})
		require.NoError(t, e.Close())
		d := NewReader(bytes.NewReader(buf.Bytes()), testFormat1)
		d.Sorted("set", 2)
		assert.ErrorContains(t, d.Err(), "set count 3 exceeds 2")
	})
	t.Run("an overlong varint", func(t *testing.T) {
		d := NewReader(bytes.NewReader(append([]byte("TEST\x01\x00"), bytes.Repeat([]byte{0xff}, 11)...)), testFormat1)
		d.Uvarint()
		assert.ErrorContains(t, d.Err(), "number too large")
	})
	t.Run("the first error sticks", func(t *testing.T) {
		d := NewReader(strings.NewReader("TEST\x01\x00"), testFormat1)
		d.Fail("first")
		d.Fail("second")
		d.Uint64()
		assert.EqualError(t, d.Close(), "first")
	})
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriterReportsErrors(t *testing.T) {
	e := NewWriter(&failWriter{n: 10}, testFormat1)
	e.String(strings.Repeat("x", 1<<17))
	assert.EqualError(t, e.Close(), "disk full")
}

func FuzzReader(f *testing.F) {
	var buf bytes.Buffer
	encode(f, &buf, sample())
	f.Add(buf.Bytes())
	f.Add([]byte("TEST\x03\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d := NewReader(bytes.NewReader(b), testFormat)
		var r record
		r.read(d)
		if d.Close() != nil {
			return
		}
		// What decodes re-encodes to what decodes the same.
		var again bytes.Buffer
		encode(t, &again, r)
		d = NewReader(bytes.NewReader(again.Bytes()), testFormat)
		var r2 record
		r2.read(d)
		require.NoError(t, d.Close())
		assert.Equal(t, r, r2)
	})
}
