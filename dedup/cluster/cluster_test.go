package cluster

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func randomVector(rng *rand.Rand, vocab, n int) Vector {
	m := map[uint64]float64{}
	for len(m) < n {
		m[uint64(rng.IntN(vocab))] = rng.Float64() + 0.01
	}
	return FromMap(m, true)
}

func denseDot(a, b Vector) float64 {
	m := map[uint64]float64{}
	for i, t := range a.Terms {
		m[t] = float64(a.Weights[i])
	}
	s := 0.0
	for i, t := range b.Terms {
		s += m[t] * float64(b.Weights[i])
	}
	return s
}

func TestVector(t *testing.T) {
	v := FromMap(map[uint64]float64{3: 3, 1: 4, 7: 0}, false)
	assert.Equal(t, []uint64{1, 3}, v.Terms, "sorted, zero weights dropped")
	assert.Equal(t, []float32{4, 3}, v.Weights)
	assert.InDelta(t, 5, v.Norm(), 1e-6)
	u := FromMap(map[uint64]float64{3: 3, 1: 4}, true)
	assert.InDelta(t, 1, u.Norm(), 1e-6)
	assert.InDelta(t, 1, u.Cosine(v), 1e-6)
	assert.Equal(t, 0.0, Vector{}.Cosine(v))
	assert.Equal(t, []uint64{1, 3}, v.Top(nil, 5))
	assert.Equal(t, []uint64{1}, v.Top(nil, 1))

	rng := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 200; i++ {
		a, b := randomVector(rng, 300, 1+rng.IntN(60)), randomVector(rng, 300, 1+rng.IntN(60))
		require.InDelta(t, denseDot(a, b), a.Dot(b), 1e-5)
		require.InDelta(t, a.Dot(b), b.Dot(a), 1e-9, "symmetric")
		require.InDelta(t, 1, a.Cosine(a), 1e-5)
	}
}

func TestTopIsDeterministicOnTies(t *testing.T) {
	v := FromMap(map[uint64]float64{9: 1, 2: 1, 5: 1, 4: 2}, false)
	assert.Equal(t, []uint64{4, 2, 5}, v.Top(nil, 3))
}

func TestCentroidMatchesMean(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	var c Centroid
	var members []Vector
	for i := 0; i < 40; i++ {
		v := randomVector(rng, 200, 5+rng.IntN(40))
		c.Add(v)
		members = append(members, v)
	}
	check := func() {
		sum := map[uint64]float64{}
		for _, m := range members {
			for i, t := range m.Terms {
				sum[t] += float64(m.Weights[i])
			}
		}
		want := FromMap(sum, true)
		for i := 0; i < 20; i++ {
			q := randomVector(rng, 200, 10)
			require.InDelta(t, q.Cosine(want), c.Cosine(q), 1e-4)
		}
		assert.Equal(t, len(members), c.Len())
		cv := c.Vector()
		assert.InDelta(t, 1, cv.Norm(), 1e-5)
	}
	check()
	// Remove members in an order of its own, checking along the way, more
	// than recomputeEvery times so both ways of keeping the length are used.
	for round := 0; round < 3; round++ {
		for i := 0; i < 10; i++ {
			j := rng.IntN(len(members))
			c.Remove(members[j])
			members = append(members[:j], members[j+1:]...)
		}
		check()
	}
	for len(members) > 0 {
		c.Remove(members[0])
		members = members[1:]
	}
	assert.Equal(t, 0, c.Len())
	assert.Equal(t, 0, c.Terms())
	assert.Equal(t, 0.0, c.Cosine(randomVector(rng, 200, 10)))
}

func TestCentroidNotChainedByARoundup(t *testing.T) {
	// Two stories, each repeated; a roundup shares half its words with
	// each. It is as close to either cluster as a whole as it is to the
	// other, and closer to a single member of each than to either centroid.
	a := FromMap(map[uint64]float64{1: 1, 2: 1, 3: 1, 4: 1}, true)
	b := FromMap(map[uint64]float64{5: 1, 6: 1, 7: 1, 8: 1}, true)
	roundup := FromMap(map[uint64]float64{1: 1, 2: 1, 5: 1, 6: 1}, true)
	var ca, cb Centroid
	for i := 0; i < 3; i++ {
		ca.Add(a)
		cb.Add(b)
	}
	assert.InDelta(t, 0.5, ca.Cosine(roundup), 1e-6)
	assert.InDelta(t, ca.Cosine(roundup), cb.Cosine(roundup), 1e-9)
	ca.Add(roundup)
	assert.Less(t, ca.Cosine(b), 0.2, "after the roundup joins, the other story is still far from the cluster")
}

func TestIndexCandidates(t *testing.T) {
	ix := NewIndex(0)
	ix.Add(1, []uint64{10, 11, 12})
	ix.Add(2, []uint64{11, 13})
	ix.Add(3, []uint64{14})
	got := ix.Candidates(nil, []uint64{11, 12, 13}, []float64{0.5, 0.3, 0.1}, 10)
	assert.Equal(t, []Candidate{{1, 0.8}, {2, 0.6}}, got)
	assert.Len(t, ix.Candidates(nil, []uint64{11, 12, 13}, []float64{0.5, 0.3, 0.1}, 1), 1)
	assert.Empty(t, ix.Candidates(nil, []uint64{99}, []float64{1}, 10))

	// Ties are broken by cluster id.
	got = ix.Candidates(nil, []uint64{11}, []float64{1}, 10)
	assert.Equal(t, []Candidate{{1, 1}, {2, 1}}, got)

	// A removed cluster is never returned, and its postings go.
	ix.Remove(1, []uint64{10, 11, 12})
	got = ix.Candidates(nil, []uint64{11, 12}, []float64{1, 1}, 10)
	assert.Equal(t, []Candidate{{2, 1}}, got)
	assert.Equal(t, 3, ix.Postings())
	assert.Equal(t, 3, ix.Terms())
	ix.Remove(2, []uint64{11, 13})
	ix.Remove(3, []uint64{14})
	assert.Equal(t, 0, ix.Postings())
	assert.Equal(t, 0, ix.Terms())
}

func TestIndexScanIsBounded(t *testing.T) {
	ix := NewIndex(4)
	for c := uint64(1); c <= 10; c++ {
		ix.Add(c, []uint64{7})
	}
	got := ix.Candidates(nil, []uint64{7}, []float64{1}, 0)
	var ids []uint64
	for _, c := range got {
		ids = append(ids, c.Cluster)
	}
	assert.Equal(t, []uint64{7, 8, 9, 10}, ids, "only the 4 most recent postings are read")
}

func TestCosineBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	var c Centroid
	for i := 0; i < 5; i++ {
		c.Add(randomVector(rng, 50, 20))
	}
	for i := 0; i < 100; i++ {
		s := c.Cosine(randomVector(rng, 50, 20))
		require.False(t, math.IsNaN(s))
		require.GreaterOrEqual(t, s, 0.0)
		require.LessOrEqual(t, s, 1.0)
	}
}

// The scores of one query are those a map would sum, whatever the queries
// before it left in the reused table, for cluster ids of any value.
func TestIndexCandidatesMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ix := NewIndex(64)
	postings := map[uint64][]uint64{}
	ids := []uint64{0, math.MaxUint64, 1 << 63}
	for range 3000 {
		ids = append(ids, rng.Uint64N(1<<40))
	}
	for _, c := range ids {
		terms := map[uint64]bool{}
		for range 1 + rng.IntN(8) {
			terms[uint64(rng.IntN(200))] = true
		}
		for tm := range terms {
			ix.Add(c, []uint64{tm})
			postings[tm] = append(postings[tm], c)
		}
	}
	for q := range 300 {
		n := 1 + rng.IntN(30)
		terms, weights := make([]uint64, n), make([]float64, n)
		want := map[uint64]float64{}
		for i := range terms {
			terms[i], weights[i] = uint64(rng.IntN(200)), rng.Float64()
			p := postings[terms[i]]
			for _, c := range p[max(0, len(p)-64):] {
				want[c] += weights[i]
			}
		}
		got := ix.Candidates(nil, terms, weights, 0)
		require.Len(t, got, len(want), "query %d", q)
		for i, c := range got {
			assert.InDelta(t, want[c.Cluster], c.Score, 1e-9, "query %d cluster %d", q, c.Cluster)
			if i > 0 {
				assert.True(t, got[i-1].Score > c.Score || got[i-1].Score == c.Score && got[i-1].Cluster < c.Cluster, "ranked")
			}
		}
	}
}

func BenchmarkIndexCandidates(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	ix := NewIndex(0)
	for c := uint64(1); c <= 20000; c++ {
		terms := make([]uint64, 16)
		for i := range terms {
			terms[i] = uint64(rng.IntN(2000))
		}
		ix.Add(c, terms)
	}
	terms, weights := make([]uint64, 16), make([]float64, 16)
	for i := range terms {
		terms[i], weights[i] = uint64(rng.IntN(2000)), rng.Float64()
	}
	var dst []Candidate
	for b.Loop() {
		dst = ix.Candidates(dst[:0], terms, weights, 5)
	}
}

// A centroid's weights, terms and cosines are those of sums kept in a map,
// through any sequence of additions and removals.
func TestCentroidMatchesMapSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var c Centroid
	sums := map[uint64]float64{}
	var added []Vector
	for step := range 2000 {
		if len(added) > 0 && rng.IntN(3) == 0 {
			i := rng.IntN(len(added))
			v := added[i]
			added = append(added[:i], added[i+1:]...)
			c.Remove(v)
			for k, tm := range v.Terms {
				if sums[tm] -= float64(v.Weights[k]); math.Abs(sums[tm]) < 1e-6 {
					delete(sums, tm)
				}
			}
		} else {
			v := randomVector(rng, 300, 1+rng.IntN(40))
			added = append(added, v)
			c.Add(v)
			for k, tm := range v.Terms {
				sums[tm] += float64(v.Weights[k])
			}
		}
		require.Equal(t, len(added), c.Len(), "step %d", step)
		require.Equal(t, len(sums), c.Terms(), "step %d", step)
		for tm, s := range sums {
			require.InDelta(t, s, c.Weight(tm), 1e-9, "step %d term %d", step, tm)
		}
		q := randomVector(rng, 300, 20)
		var dot, n2 float64
		for k, tm := range q.Terms {
			dot += float64(q.Weights[k]) * sums[tm]
		}
		for _, s := range sums {
			n2 += s * s
		}
		want := 0.0
		if dot > 0 && n2 > 0 {
			want = math.Min(1, dot/(q.Norm()*math.Sqrt(n2)))
		}
		require.InDelta(t, want, c.Cosine(q), 1e-6, "step %d", step)
	}
}

// Merging two centroids gives the centroid of all their vectors, and the
// agreement of two centroids is the cosine of their sums.
func TestCentroidMergeAndAgreement(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var a, b, all Centroid
	assert.Zero(t, a.Agreement(&b), "empty centroids agree on nothing")
	var va, vb []Vector
	for i := 0; i < 6; i++ {
		v := randomVector(rng, 60, 12)
		va = append(va, v)
		a.Add(v)
		all.Add(v)
	}
	for i := 0; i < 4; i++ {
		v := randomVector(rng, 60, 12)
		vb = append(vb, v)
		b.Add(v)
		all.Add(v)
	}
	b.Remove(vb[0])
	all.Remove(vb[0])
	assert.Zero(t, a.Agreement(&Centroid{}))

	// Agreement is the cosine of the two sums, computed densely.
	want := denseDot(a.Vector(), b.Vector())
	assert.InDelta(t, want, a.Agreement(&b), 1e-6) // Vector is float32
	assert.InDelta(t, want, b.Agreement(&a), 1e-6)
	assert.InDelta(t, 1, a.Agreement(&a), 1e-9)

	a.Merge(&b)
	assert.Equal(t, all.Len(), a.Len())
	for _, v := range append(va, vb[1:]...) {
		assert.InDelta(t, all.Cosine(v), a.Cosine(v), 1e-9)
	}
	all.EachTerm(func(term uint64) { assert.InDelta(t, all.Weight(term), a.Weight(term), 1e-9) })
	a.EachTerm(func(term uint64) { assert.NotZero(t, all.Weight(term)) })
}

func TestCentroidTruncate(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var c Centroid
	for range 5 {
		c.Add(randomVector(rng, 80, 20))
	}
	full := c.State()
	require.Greater(t, len(full.Terms), 10)
	// The 10 heaviest terms, by the full centroid's sums.
	order := make([]int, len(full.Terms))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(full.Sums[b], full.Sums[a]) })
	var want, dropped []uint64
	for k, i := range order {
		if k < 10 {
			want = append(want, full.Terms[i])
		} else {
			dropped = append(dropped, full.Terms[i])
		}
	}
	slices.Sort(want)
	slices.Sort(dropped)

	assert.Equal(t, dropped, c.Truncate(10))
	got := c.State()
	assert.Equal(t, want, got.Terms)
	assert.Equal(t, 5, c.Len(), "it still stands for its vectors")
	var n2 float64
	for i, term := range got.Terms {
		assert.Equal(t, full.Sums[slices.Index(full.Terms, term)], got.Sums[i])
		n2 += got.Sums[i] * got.Sums[i]
	}
	assert.InDelta(t, n2, got.Norm2, 1e-12)
	v := Vector{Terms: want, Weights: make([]float32, len(want))}
	for i := range v.Weights {
		v.Weights[i] = float32(got.Sums[i])
	}
	assert.InDelta(t, 1, c.Cosine(v), 1e-6, "the cosine is the truncated centroid's")

	assert.Nil(t, c.Truncate(10), "truncating again changes nothing")
	assert.Nil(t, c.Truncate(50))
	assert.Len(t, c.Truncate(-1), 10, "below zero keeps nothing")
}

func TestCentroidAverageLink(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var a, b Centroid
	assert.Zero(t, a.AverageLink(&b), "empty centroids link nothing")
	var va, vb []Vector
	for i := 0; i < 5; i++ {
		v := randomVector(rng, 40, 10)
		va = append(va, v)
		a.Add(v)
	}
	for i := 0; i < 3; i++ {
		v := randomVector(rng, 40, 10)
		vb = append(vb, v)
		b.Add(v)
	}
	assert.Zero(t, a.AverageLink(&Centroid{}))

	// The mean of the cosines of every pair across the two clusters.
	mean := func(x, y []Vector) float64 {
		s := 0.0
		for _, v := range x {
			for _, w := range y {
				s += v.Cosine(w)
			}
		}
		return s / float64(len(x)*len(y))
	}
	want := mean(va, vb)
	assert.InDelta(t, want, a.AverageLink(&b), 1e-6)
	assert.InDelta(t, want, b.AverageLink(&a), 1e-6)

	// A merged cluster links to a third as the size-weighted mean of its parts.
	var c Centroid
	vc := []Vector{randomVector(rng, 40, 10), randomVector(rng, 40, 10)}
	for _, v := range vc {
		c.Add(v)
	}
	ac, bc := a.AverageLink(&c), b.AverageLink(&c)
	a.Merge(&b)
	assert.InDelta(t, mean(append(slices.Clone(va), vb...), vc), a.AverageLink(&c), 1e-6)
	assert.InDelta(t, (5*ac+3*bc)/8, a.AverageLink(&c), 1e-6)
	assert.Less(t, a.AverageLink(&a), 1.0, "the members of a spread cluster are not all alike")
}

// A centroid grows in place: stories each bringing a term of their own
// cost an allocation now and then (when the arrays are full, a quarter
// more room each time), not one each, and its terms stay sorted.
func TestCentroidGrowsInPlace(t *testing.T) {
	var c Centroid
	next := uint64(1 << 40)
	vec := func() Vector {
		next -= 3 // each vector's own term comes before every term so far
		return Vector{Terms: []uint64{next, 1 << 41, 1 << 42}, Weights: []float32{0.5, 0.5, 0.5}}
	}
	for range 100 {
		c.Add(vec())
	}
	vs := make([]Vector, 201) // AllocsPerRun runs once more than asked
	for i := range vs {
		vs[i] = vec()
	}
	n := 0
	allocs := testing.AllocsPerRun(200, func() { c.Add(vs[n]); n++ })
	assert.Less(t, allocs, 0.1, "allocations per Add")
	assert.True(t, slices.IsSorted(c.terms))
	assert.Equal(t, 100+201+2, c.Terms())
	assert.InDelta(t, 0.5*float64(c.Len()), c.Weight(1<<41), 1e-9)
}
