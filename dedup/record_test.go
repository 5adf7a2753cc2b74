package dedup

import (
	"math/rand/v2"
	"testing"

	"github.com/newsdup/newsdup/shingle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Packed arrays read back as they were given, whatever sections are empty
// and whatever their lengths (so whatever the alignment of each section).
func TestPackedArrays(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	u64 := func(n int) []uint64 {
		s := make([]uint64, n)
		for i := range s {
			s[i] = rng.Uint64()
		}
		return s
	}
	u32 := func(n int) []uint32 {
		s := make([]uint32, n)
		for i := range s {
			s[i] = rng.Uint32()
		}
		return s
	}
	for trial := range 500 {
		n := func() int {
			if rng.IntN(4) == 0 {
				return 0
			}
			return rng.IntN(9)
		}
		nt := n()
		a := recordArrays{
			terms: u64(nt), weights: make([]uint16, nt), lines: u64(n()), shingles: u32(n()),
			ids: u32(n()), offsets: make([]byte, n()), numbers: u32(n()),
		}
		for i := range a.weights {
			a.weights[i] = uint16(rng.Uint32())
		}
		for i := range a.offsets {
			a.offsets[i] = byte(rng.Uint32())
		}
		for range n() {
			a.quotes = append(a.quotes, shingle.Span{Start: rng.IntN(1000), End: 1000 + rng.IntN(1000)})
		}
		r := &storyRec{arrays: pack(a)}
		require.Len(t, r.arrays.data, (8*(nt+len(a.lines))+4*(len(a.shingles)+len(a.ids)+len(a.numbers)+2*len(a.quotes))+2*nt+len(a.offsets)+7)/8, "trial %d: one allocation, sized to fit", trial)
		assert.Equal(t, nonNil(a.lines), nonNil(r.lines()), "trial %d", trial)
		assert.Equal(t, nonNil(a.shingles), nonNil(r.shingles()), "trial %d", trial)
		assert.Equal(t, nonNil(a.ids), nonNil(r.ids()), "trial %d", trial)
		assert.Equal(t, nonNil(a.numbers), nonNil(r.numbers()), "trial %d", trial)
		assert.Equal(t, nonNil(a.quotes), nonNil(r.quotes()), "trial %d", trial)
		assert.Equal(t, nonNil(a.offsets), nonNil(r.words().offsets), "trial %d", trial)
		v := r.vec()
		assert.Equal(t, nonNil(a.terms), nonNil(v.terms), "trial %d", trial)
		assert.Equal(t, nonNil(a.weights), nonNil(v.weights), "trial %d", trial)
		// The views are capped: appending to one never writes into the next.
		if ids := r.ids(); len(ids) > 0 {
			assert.Equal(t, len(ids), cap(ids))
		}
	}
}

// nonNil maps a nil slice to an empty one, so that Equal compares contents.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
