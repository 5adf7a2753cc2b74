package lsh

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/dedup/minhash"
)

func TestBandHashes(t *testing.T) {
	h := mustHasher(minhash.Config{})
	rng := rand.New(rand.NewPCG(3, 3))
	base := randomSet(rng, 300)
	sig := h.Sign(minhash.Signature{}, base)

	t.Run("one hash per band, appended", func(t *testing.T) {
		for _, p := range []Params{mustOptimal(Config{}), mustOptimal(Config{Threshold: 0.3}), mustBanding(128, 128), mustBanding(128, 1)} {
			got, err := p.BandHashes([]uint32{7}, sig)
			require.NoError(t, err)
			assert.Len(t, got, 1+p.Bands, p.String())
			assert.Equal(t, uint32(7), got[0], "BandHashes appends to dst")
		}
	})
	t.Run("empty set has no bands", func(t *testing.T) {
		got, err := mustOptimal(Config{}).BandHashes([]uint32{7}, h.Sign(minhash.Signature{}, nil))
		require.NoError(t, err)
		assert.Equal(t, []uint32{7}, got)
	})
	t.Run("bad input", func(t *testing.T) {
		short := mustHasher(minhash.Config{K: 64}).Sign(minhash.Signature{}, base)
		for name, sig := range map[string]minhash.Signature{"short": short, "zero": {}} {
			got, err := mustOptimal(Config{}).BandHashes([]uint32{7}, sig)
			require.ErrorIs(t, err, ErrSignature, name)
			assert.Equal(t, []uint32{7}, got, name)
		}
		_, err := Params{K: 128, Bands: 3, Rows: 5}.BandHashes(nil, sig)
		require.ErrorIs(t, err, ErrInvalidParams)
	})
}

// TestBandHashesAgreeWithIndex checks the promise of BandHashes: a stored
// signature is a candidate of a query exactly when the two share the hash
// of some band.
func TestBandHashesAgreeWithIndex(t *testing.T) {
	for _, cfg := range []Config{{}, {Threshold: 0.3}, {K: 64, Threshold: 0.8}} {
		p := mustOptimal(cfg)
		h := mustHasher(minhash.Config{K: p.K})
		rng := rand.New(rand.NewPCG(5, uint64(p.Bands)))
		x, err := NewIndex[int](p)
		require.NoError(t, err)
		// Variants of a few base sets at every similarity, so that some
		// pairs share bands and others do not.
		var sigs []minhash.Signature
		var bands [][]uint32
		for i := range 200 {
			base := randomSet(rand.New(rand.NewPCG(uint64(i%5), 0)), 200)
			s := h.Sign(minhash.Signature{}, variant(rng, base, rng.Float64()))
			b, err := p.BandHashes(nil, s)
			require.NoError(t, err)
			require.NoError(t, x.Insert(i, s))
			sigs = append(sigs, s)
			bands = append(bands, b)
		}
		shared, apart := 0, 0
		for i, s := range sigs {
			got, err := x.Query(nil, s)
			require.NoError(t, err)
			var want []int
			for j, b := range bands {
				for k := range b {
					if b[k] == bands[i][k] {
						want = append(want, j)
						break
					}
				}
			}
			assert.Equal(t, want, got, "%s: candidates of %d", p, i)
			shared += len(want) - 1
			apart += len(sigs) - len(want)
		}
		require.Positive(t, shared, "%s: some pairs share a band", p)
		require.Positive(t, apart, "%s: some pairs share none", p)
	}
}

func mustBanding(k, bands int) Params {
	p, err := Banding(k, bands, 0.5)
	if err != nil {
		panic(err)
	}
	return p
}

func BenchmarkBandHashes(b *testing.B) {
	h := mustHasher(minhash.Config{})
	sig := h.Sign(minhash.Signature{}, randomSet(rand.New(rand.NewPCG(1, 2)), 300))
	for _, cfg := range []Config{{}, {Threshold: 0.3}} {
		p := mustOptimal(cfg)
		b.Run(fmt.Sprintf("bands=%d", p.Bands), func(b *testing.B) {
			b.ReportAllocs()
			dst := make([]uint32, 0, p.Bands)
			for b.Loop() {
				var err error
				if dst, err = p.BandHashes(dst[:0], sig); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
