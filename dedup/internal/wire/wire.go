// Package wire is the binary codec of package dedup's stored formats: the
// detector snapshot, the entries of a shared detector's log and the embedded
// background table.
//
// Every encoding has the same frame:
//
//	magic (the format's name), version (uint16), fields, CRC-32C of everything before it (uint32)
//
// Numbers are little endian; uvarint and varint are the encodings of
// encoding/binary; a string is a uvarint length and its bytes; a time is a
// varint of Unix nanoseconds, 0 for the zero time; a sorted set of uint64 is
// a uvarint count and the uvarint differences between successive values.
//
// A Reader checks the frame (magic, version, checksum, nothing after the
// trailer) and bounds every count and length it reads by a limit the caller
// gives, reading long strings in chunks, so that damaged or hostile input
// never makes it allocate more than the input holds. The first error sticks:
// callers read every field and check Err (or Close) once.
package wire

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"time"
)

// Format names an encoding: what it holds, for messages, and the magic and
// version that open its frame.
type Format struct {
	Name    string // "snapshot", "log entry", ...
	Magic   string
	Version uint16 // the version written
	// Oldest is the oldest version read, if older than Version: the
	// reader of the format tells them apart by Reader.Version.
	Oldest uint16
}

// ErrTruncated reports input that ends before its frame does.
var ErrTruncated = errors.New("wire: truncated")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// sink is what a Writer writes to: a bytes.Buffer or a bufio.Writer.
type sink interface {
	io.Writer
	io.StringWriter
}

// Writer encodes one frame. Its methods record the first error and do
// nothing after it; Close reports it.
type Writer struct {
	w   sink
	bw  *bufio.Writer // set when Writer made its own buffer
	crc uint32
	buf [binary.MaxVarintLen64]byte
	err error
}

// NewWriter starts a frame of format f on w. A w that is neither a
// *bytes.Buffer nor a *bufio.Writer is buffered.
func NewWriter(w io.Writer, f Format) *Writer {
	e := &Writer{}
	switch s := w.(type) {
	case *bytes.Buffer:
		e.w = s
	case *bufio.Writer:
		e.w = s
	default:
		e.bw = bufio.NewWriterSize(w, 1<<16)
		e.w = e.bw
	}
	e.Bytes([]byte(f.Magic))
	e.Uint16(f.Version)
	return e
}

// Bytes writes b as it is.
func (e *Writer) Bytes(b []byte) {
	if e.err != nil {
		return
	}
	e.crc = crc32.Update(e.crc, castagnoli, b)
	_, e.err = e.w.Write(b)
}

// Uvarint writes v as a uvarint.
func (e *Writer) Uvarint(v uint64) { e.Bytes(binary.AppendUvarint(e.buf[:0], v)) }

// Varint writes v as a varint.
func (e *Writer) Varint(v int64) { e.Bytes(binary.AppendVarint(e.buf[:0], v)) }

// Uint8 writes one byte.
func (e *Writer) Uint8(v byte) { e.Bytes(append(e.buf[:0], v)) }

// Uint16 writes v in two bytes.
func (e *Writer) Uint16(v uint16) { e.Bytes(binary.LittleEndian.AppendUint16(e.buf[:0], v)) }

// Uint32 writes v in four bytes.
func (e *Writer) Uint32(v uint32) { e.Bytes(binary.LittleEndian.AppendUint32(e.buf[:0], v)) }

// Uint64 writes v in eight bytes.
func (e *Writer) Uint64(v uint64) { e.Bytes(binary.LittleEndian.AppendUint64(e.buf[:0], v)) }

// Float32 writes the bits of v in four bytes.
func (e *Writer) Float32(v float32) { e.Uint32(math.Float32bits(v)) }

// String writes s as its uvarint length and its bytes.
func (e *Writer) String(s string) {
	e.Uvarint(uint64(len(s)))
	if e.err != nil {
		return
	}
	e.crc = crc32.Update(e.crc, castagnoli, []byte(s))
	_, e.err = e.w.WriteString(s)
}

// Time writes t as a varint of Unix nanoseconds, 0 for the zero time.
func (e *Writer) Time(t time.Time) {
	var v int64
	if !t.IsZero() {
		v = t.UnixNano()
	}
	e.Varint(v)
}

// Sorted writes a sorted set as its count and the differences between
// successive values.
func (e *Writer) Sorted(s []uint64) {
	e.Uvarint(uint64(len(s)))
	prev := uint64(0)
	for _, v := range s {
		e.Uvarint(v - prev)
		prev = v
	}
}

// Close writes the checksum trailer and flushes a buffer of the Writer's
// own. It returns the first error met.
func (e *Writer) Close() error {
	e.Bytes(binary.LittleEndian.AppendUint32(e.buf[:0], e.crc))
	if e.err == nil && e.bw != nil {
		e.err = e.bw.Flush()
	}
	return e.err
}

// source is what a Reader reads from: a bytes.Reader or a bufio.Reader.
type source interface {
	io.Reader
	io.ByteReader
}

// Reader decodes one frame. Its methods return zero values once an error
// has been met; Err and Close report the first.
type Reader struct {
	r       source
	crc     uint32
	buf     [binary.MaxVarintLen64]byte
	err     error
	version uint16
}

// NewReader starts reading a frame of format f from r and checks its magic
// and version. An r that is not an io.ByteReader is buffered.
func NewReader(r io.Reader, f Format) *Reader {
	d := &Reader{}
	if s, ok := r.(source); ok {
		d.r = s
	} else {
		d.r = bufio.NewReaderSize(r, 1<<16)
	}
	m := make([]byte, len(f.Magic))
	d.full(m)
	if d.err != nil {
		return d
	}
	if string(m) != f.Magic {
		d.err = fmt.Errorf("not a %s (it starts with %q)", f.Name, m)
		return d
	}
	oldest := f.Version
	if f.Oldest != 0 {
		oldest = min(f.Oldest, f.Version)
	}
	switch v := d.Uint16(); {
	case d.err != nil:
	case v < oldest || v > f.Version:
		if oldest == f.Version {
			d.err = fmt.Errorf("%s version %d, this package reads version %d", f.Name, v, f.Version)
		} else {
			d.err = fmt.Errorf("%s version %d, this package reads versions %d to %d", f.Name, v, oldest, f.Version)
		}
	default:
		d.version = v
	}
	return d
}

// Version returns the version of the frame, 0 if its header could not be
// read.
func (d *Reader) Version() uint16 { return d.version }

// Err returns the first error met, nil if none.
func (d *Reader) Err() error { return d.err }

// Fail records an error found by the caller in what it read (an impossible
// value), unless an error was met before.
func (d *Reader) Fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
}

func (d *Reader) full(b []byte) {
	if d.err != nil {
		return
	}
	if _, err := io.ReadFull(d.r, b); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = ErrTruncated
		}
		d.err = err
		return
	}
	d.crc = crc32.Update(d.crc, castagnoli, b)
}

// Uvarint reads a uvarint.
func (d *Reader) Uvarint() uint64 {
	var v uint64
	for i := 0; d.err == nil; i++ {
		b, err := d.r.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = ErrTruncated
			}
			d.err = err
			return 0
		}
		d.buf[i] = b
		if i == binary.MaxVarintLen64-1 && b > 1 {
			d.err = errors.New("number too large")
			return 0
		}
		v |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			d.crc = crc32.Update(d.crc, castagnoli, d.buf[:i+1])
			return v
		}
	}
	return 0
}

// Varint reads a varint.
func (d *Reader) Varint() int64 {
	u := d.Uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

// Uint8 reads one byte.
func (d *Reader) Uint8() byte {
	d.full(d.buf[:1])
	if d.err != nil {
		return 0
	}
	return d.buf[0]
}

// Uint16 reads two bytes.
func (d *Reader) Uint16() uint16 {
	d.full(d.buf[:2])
	if d.err != nil {
		return 0
	}
	return binary.LittleEndian.Uint16(d.buf[:2])
}

// Uint32 reads four bytes.
func (d *Reader) Uint32() uint32 {
	d.full(d.buf[:4])
	if d.err != nil {
		return 0
	}
	return binary.LittleEndian.Uint32(d.buf[:4])
}

// Uint64 reads eight bytes.
func (d *Reader) Uint64() uint64 {
	d.full(d.buf[:8])
	if d.err != nil {
		return 0
	}
	return binary.LittleEndian.Uint64(d.buf[:8])
}

// Float32 reads a float32 written by Writer.Float32.
func (d *Reader) Float32() float32 { return math.Float32frombits(d.Uint32()) }

// Count reads a uvarint that counts what or measures it, and fails when it
// exceeds limit.
func (d *Reader) Count(what string, limit uint64) int {
	n := d.Uvarint()
	if d.err == nil && n > limit {
		d.err = fmt.Errorf("%s %d exceeds %d", what, n, limit)
	}
	if d.err != nil {
		return 0
	}
	return int(n)
}

// String reads a string of at most limit bytes. A long one is read in
// chunks, so that a damaged length cannot allocate more than the input
// holds.
func (d *Reader) String(what string, limit int) string {
	n := d.Count(what+" length", uint64(limit))
	if d.err != nil || n == 0 {
		return ""
	}
	if n <= 1<<16 {
		b := make([]byte, n)
		d.full(b)
		return string(b)
	}
	var b []byte
	for len(b) < n && d.err == nil {
		chunk := make([]byte, min(n-len(b), 1<<20))
		d.full(chunk)
		b = append(b, chunk...)
	}
	return string(b)
}

// Time reads a time written by Writer.Time, in UTC.
func (d *Reader) Time() time.Time {
	v := d.Varint()
	if v == 0 || d.err != nil {
		return time.Time{}
	}
	return time.Unix(0, v).UTC()
}

// Sorted reads a set written by Writer.Sorted of at most limit values and
// fails unless it is strictly increasing.
func (d *Reader) Sorted(what string, limit int) []uint64 {
	n := d.Count(what+" count", uint64(limit))
	out := make([]uint64, 0, min(n, 1024))
	prev := uint64(0)
	for i := 0; i < n && d.err == nil; i++ {
		delta := d.Uvarint()
		if d.err != nil {
			break
		}
		if i > 0 && delta == 0 || prev+delta < prev {
			d.err = fmt.Errorf("%s not strictly increasing", what)
			break
		}
		prev += delta
		out = append(out, prev)
	}
	return out
}

// Close reads the checksum trailer, checks it and that nothing follows it,
// and returns the first error met.
func (d *Reader) Close() error {
	if d.err != nil {
		return d.err
	}
	want := d.crc
	var sum [4]byte
	if _, err := io.ReadFull(d.r, sum[:]); err != nil {
		d.err = ErrTruncated
		return d.err
	}
	if binary.LittleEndian.Uint32(sum[:]) != want {
		d.err = errors.New("checksum mismatch")
		return d.err
	}
	if _, err := d.r.ReadByte(); err != io.EOF {
		d.err = errors.New("trailing bytes after the checksum")
	}
	return d.err
}
