package minhash

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExact(t *testing.T) {
	cases := []struct {
		name                 string
		a, b                 []uint64
		jaccard, containment float64
		shared               int
	}{
		{"both empty", nil, nil, 0, 0, 0},
		{"one empty", []uint64{1, 2}, nil, 0, 0, 0},
		{"empty slice, not nil", []uint64{}, []uint64{3}, 0, 0, 0},
		{"equal", []uint64{1, 2, 3}, []uint64{1, 2, 3}, 1, 1, 3},
		{"disjoint", []uint64{1, 2}, []uint64{3, 4}, 0, 0, 0},
		{"half", []uint64{1, 2, 3}, []uint64{2, 3, 4}, 0.5, 2.0 / 3, 2},
		{"subset", []uint64{2, 3}, []uint64{1, 2, 3, 4, 5, 6}, 2.0 / 6, 1, 2},
		{"interleaved", []uint64{1, 3, 5, 7}, []uint64{2, 3, 4, 7, 9}, 2.0 / 7, 0.5, 2},
		{"extremes", []uint64{0, 1 << 63, ^uint64(0)}, []uint64{0, ^uint64(0)}, 2.0 / 3, 1, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j, cont, n := Exact(c.a, c.b)
			assert.InDelta(t, c.jaccard, j, 1e-15, "jaccard")
			assert.InDelta(t, c.containment, cont, 1e-15, "containment")
			assert.Equal(t, c.shared, n, "shared")
			// The low 32 bits keep the order and the distinctness of these
			// sets but for "extremes", whose values collide there.
			if c.name != "extremes" {
				low := func(s []uint64) []uint32 {
					var out []uint32
					for _, x := range s {
						out = append(out, uint32(x))
					}
					return out
				}
				j32, cont32, n32 := Overlap(low(c.a), low(c.b))
				assert.Equal(t, []any{j, cont, n}, []any{j32, cont32, n32}, "Overlap on 32-bit sets")
			}
		})
	}
}

// bruteExact computes what Exact should return with a map, for sets in any
// order.
func bruteExact(a, b []uint64) (float64, float64, int) {
	in := make(map[uint64]bool, len(a))
	for _, x := range a {
		in[x] = true
	}
	n := 0
	for _, y := range b {
		if in[y] {
			n++
		}
	}
	if len(a) == 0 || len(b) == 0 {
		return 0, 0, 0
	}
	return float64(n) / float64(len(a)+len(b)-n), float64(n) / float64(min(len(a), len(b))), n
}

// sortedSet returns the distinct values of s, sorted.
func sortedSet(s []uint64) []uint64 {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// TestExactProperties checks Exact against a brute-force count on random
// pairs of sets of many sizes and overlaps, and the properties of the
// measures: symmetry, a set's similarity to itself, the bounds, and the
// relation between the three results.
func TestExactProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 500 {
		na, nb := rng.IntN(300), rng.IntN(300)
		// Small values give collisions, so sets overlap by chance; some
		// trials share a block outright.
		span := uint64(1 + rng.IntN(1000))
		a, b := make([]uint64, na), make([]uint64, nb)
		for i := range a {
			a[i] = rng.Uint64N(span)
		}
		for i := range b {
			b[i] = rng.Uint64N(span)
		}
		if trial%3 == 0 {
			b = append(b, a[:na/2]...)
		}
		a, b = sortedSet(a), sortedSet(b)

		j, c, n := Exact(a, b)
		wj, wc, wn := bruteExact(a, b)
		require.Equal(t, wn, n, "trial %d: shared", trial)
		require.InDelta(t, wj, j, 1e-12, "trial %d: jaccard", trial)
		require.InDelta(t, wc, c, 1e-12, "trial %d: containment", trial)

		j2, c2, n2 := Exact(b, a)
		assert.Equal(t, j, j2, "symmetry")
		assert.Equal(t, c, c2, "symmetry")
		assert.Equal(t, n, n2, "symmetry")

		assert.True(t, 0 <= j && j <= c && c <= 1, "0 <= jaccard <= containment <= 1: %v %v", j, c)
		assert.LessOrEqual(t, n, min(len(a), len(b)))

		if len(a) > 0 {
			sj, sc, sn := Exact(a, a)
			assert.Equal(t, 1.0, sj, "a set is its own copy")
			assert.Equal(t, 1.0, sc)
			assert.Equal(t, len(a), sn)
		}
	}
}

func TestExactPanicsOnUnsortedSets(t *testing.T) {
	for _, c := range []struct {
		name string
		a, b []uint64
	}{
		{"unsorted", []uint64{2, 1}, []uint64{1, 2}},
		{"repeat", []uint64{1, 2}, []uint64{1, 1, 2}},
		{"unsorted tail past the merge", []uint64{1}, []uint64{5, 6, 9, 7}},
		{"unsorted with the other empty", nil, []uint64{3, 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.PanicsWithValue(t, "minhash.Exact: a set is not sorted in increasing order without repeats",
				func() { Exact(c.a, c.b) })
		})
	}
}

func TestExactAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	a, b := sortedSet(randomSet(rng, 500)), sortedSet(randomSet(rng, 500))
	assert.Zero(t, testing.AllocsPerRun(100, func() { Exact(a, b) }))
}
