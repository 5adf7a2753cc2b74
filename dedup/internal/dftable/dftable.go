// Package dftable encodes and decodes the background document-frequency
// table that package dedup embeds: for each term (by shingle.HashString of
// the stemmed term), the number of articles of a news corpus it appears in.
//
// Format, in the frame of package dedup/internal/wire (magic "NDDF",
// version 2, CRC-32C trailer): the number of articles and of terms
// (uvarints), then per term in increasing hash order the uvarint difference
// from the previous hash and the uvarint count.
package dftable

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/newsdup/newsdup/dedup/internal/wire"
)

var format = wire.Format{Name: "document-frequency table", Magic: "NDDF", Version: 2}

// Table is a document-frequency table.
type Table struct {
	Docs int               // articles counted
	DF   map[uint64]uint32 // term hash -> articles holding the term
}

// Encode returns the encoding of t.
func Encode(t *Table) []byte {
	var b bytes.Buffer
	w := wire.NewWriter(&b, format)
	w.Uvarint(uint64(t.Docs))
	w.Uvarint(uint64(len(t.DF)))
	prev := uint64(0)
	for _, h := range slices.Sorted(maps.Keys(t.DF)) {
		w.Uvarint(h - prev)
		w.Uvarint(uint64(t.DF[h]))
		prev = h
	}
	if err := w.Close(); err != nil {
		panic("dftable: " + err.Error()) // a bytes.Buffer does not fail
	}
	return b.Bytes()
}

// Decode decodes a table written by Encode.
func Decode(b []byte) (*Table, error) {
	r := wire.NewReader(bytes.NewReader(b), format)
	t := &Table{Docs: r.Count("articles", math.MaxInt32)}
	n := r.Count("terms", uint64(len(b)))
	t.DF = make(map[uint64]uint32, n)
	prev := uint64(0)
	for i := 0; i < n && r.Err() == nil; i++ {
		d := r.Uvarint()
		c := r.Count("count", math.MaxUint32)
		if i > 0 && d == 0 || prev+d < prev {
			r.Fail("terms not in increasing order")
		}
		prev += d
		t.DF[prev] = uint32(c)
	}
	if err := r.Close(); err != nil {
		return nil, fmt.Errorf("dftable: %w", err)
	}
	return t, nil
}
