package dftable

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	for _, want := range []*Table{
		{Docs: 0, DF: map[uint64]uint32{}},
		{Docs: 3, DF: map[uint64]uint32{0: 1, 7: 3, 1 << 63: 2, ^uint64(0): 4294967295}},
	} {
		got, err := Decode(Encode(want))
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
}

func TestRejectsDamage(t *testing.T) {
	good := Encode(&Table{Docs: 10, DF: map[uint64]uint32{1: 2, 99: 5}})
	for n := range len(good) {
		_, err := Decode(good[:n])
		assert.Error(t, err, "cut at %d", n)
	}
	for i := range good {
		b := bytes.Clone(good)
		b[i] ^= 0x10
		_, err := Decode(b)
		assert.Error(t, err, "byte %d", i)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode(&Table{Docs: 2, DF: map[uint64]uint32{5: 1, 6: 2}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := Decode(b)
		if err != nil {
			return
		}
		again, err := Decode(Encode(tab))
		require.NoError(t, err)
		assert.Equal(t, tab, again)
	})
}
