package cluster

import (
	"cmp"
	"math"
	"slices"
)

// Centroid is the running sum of the vectors of a cluster's members, kept as
// its terms in increasing order and their summed weights: 16 bytes a term,
// where a map took about twice that, and a cosine with a vector is a merge
// of two sorted lists. The zero Centroid is empty and ready to use. A
// Centroid is not safe for concurrent use.
type Centroid struct {
	terms    []uint64
	sums     []float64
	norm2    float64
	n        int
	removals int
}

// Add adds v to the centroid.
func (c *Centroid) Add(v Vector) {
	// Merge v's new terms into the terms, from the back, in place: in the
	// arrays the centroid has when they have room, else in arrays with a
	// quarter more room than the union needs, so that a cluster growing
	// story after story allocates now and then rather than at each story
	// with a word of its own.
	fresh := 0
	i := 0
	for _, t := range v.Terms {
		for i < len(c.terms) && c.terms[i] < t {
			i++
		}
		if i == len(c.terms) || c.terms[i] != t {
			fresh++
		}
	}
	if fresh > 0 {
		n := len(c.terms)
		if size := n + fresh; cap(c.terms) < size || cap(c.sums) < size {
			size += size / 4
			terms, sums := make([]uint64, n, size), make([]float64, n, size)
			copy(terms, c.terms)
			copy(sums, c.sums)
			c.terms, c.sums = terms, sums
		}
		c.terms, c.sums = c.terms[:n+fresh], c.sums[:n+fresh]
		i, k := n-1, n+fresh-1
		move := func() {
			c.terms[k], c.sums[k] = c.terms[i], c.sums[i]
			i--
			k--
		}
		for j := len(v.Terms) - 1; j >= 0; j-- {
			t := v.Terms[j]
			for i >= 0 && c.terms[i] > t {
				move()
			}
			if i >= 0 && c.terms[i] == t {
				move()
				continue
			}
			c.terms[k], c.sums[k] = t, 0
			k--
		}
	}
	i = 0
	for k, t := range v.Terms {
		for c.terms[i] != t {
			i++
		}
		w := float64(v.Weights[k])
		old := c.sums[i]
		c.sums[i] = old + w
		c.norm2 += 2*old*w + w*w
	}
	c.n++
}

// Remove subtracts v, which must have been added before, from the centroid.
// Terms whose weight falls to zero are dropped. The length is updated as
// terms change and recomputed from scratch every recomputeEvery removals, so
// that rounding errors do not build up over a long stream.
func (c *Centroid) Remove(v Vector) {
	if c.n == 0 {
		return
	}
	dropped := false
	i := 0
	for k, t := range v.Terms {
		for i < len(c.terms) && c.terms[i] < t {
			i++
		}
		if i == len(c.terms) || c.terms[i] != t {
			continue
		}
		old := c.sums[i]
		s := old - float64(v.Weights[k])
		if math.Abs(s) < 1e-6 {
			s = 0
			dropped = true
		}
		c.sums[i] = s
		c.norm2 += s*s - old*old
	}
	if dropped {
		j := 0
		for i, s := range c.sums {
			if s != 0 {
				c.terms[j], c.sums[j] = c.terms[i], s
				j++
			}
		}
		c.terms, c.sums = shrink(c.terms[:j]), shrink(c.sums[:j])
	}
	c.n--
	c.removals++
	if c.n == 0 {
		c.terms, c.sums = nil, nil
		c.norm2 = 0
		return
	}
	if c.removals%recomputeEvery == 0 || c.norm2 < 0 {
		c.norm2 = 0
		for _, s := range c.sums {
			c.norm2 += s * s
		}
	}
}

// shrink returns s, copied into an array of its length when it uses less
// than half of its capacity.
func shrink[T any](s []T) []T {
	if len(s) < cap(s)/2 {
		return slices.Clone(s)
	}
	return s
}

// recomputeEvery is how often Remove recomputes the centroid's length.
const recomputeEvery = 64

// Len returns the number of vectors in the centroid.
func (c *Centroid) Len() int { return c.n }

// Terms returns the number of distinct terms in the centroid.
func (c *Centroid) Terms() int { return len(c.terms) }

// Weight returns the summed weight of term t over the members.
func (c *Centroid) Weight(t uint64) float64 {
	if i, ok := slices.BinarySearch(c.terms, t); ok {
		return c.sums[i]
	}
	return 0
}

// Cosine returns the cosine between v and the centroid: the similarity of v
// to the cluster as a whole. It is 0 for an empty centroid or vector.
func (c *Centroid) Cosine(v Vector) float64 {
	if c.n == 0 || c.norm2 <= 0 {
		return 0
	}
	var dot float64
	i := 0
	for k, t := range v.Terms {
		for i < len(c.terms) && c.terms[i] < t {
			i++
		}
		if i == len(c.terms) {
			break
		}
		if c.terms[i] == t {
			dot += float64(v.Weights[k]) * c.sums[i]
		}
	}
	nv := v.Norm()
	if nv == 0 || dot <= 0 {
		return 0
	}
	return math.Min(1, dot/(nv*math.Sqrt(c.norm2)))
}

// CentroidState is everything a Centroid holds, for storing it: the terms
// in increasing order with their summed weights, its squared length as it
// was kept (so that a restored centroid computes the same similarities, bit
// for bit), and its counts of vectors and of removals.
type CentroidState struct {
	Terms    []uint64
	Sums     []float64
	Norm2    float64
	N        int
	Removals int
}

// State returns the centroid's state.
func (c *Centroid) State() CentroidState {
	return CentroidState{Terms: slices.Clone(c.terms), Sums: slices.Clone(c.sums), Norm2: c.norm2, N: c.n, Removals: c.removals}
}

// Restore returns the centroid whose state State gave. The terms must be in
// increasing order without repeats, each with its sum.
func Restore(s CentroidState) Centroid {
	return Centroid{terms: slices.Clone(s.Terms), sums: slices.Clone(s.Sums), norm2: s.Norm2, n: s.N, removals: s.Removals}
}

// EachTerm calls f for each term of the centroid, in increasing order.
func (c *Centroid) EachTerm(f func(t uint64)) {
	for _, t := range c.terms {
		f(t)
	}
}

// Vector returns the centroid's summed weights as a Vector scaled to unit
// length.
func (c *Centroid) Vector() Vector {
	v := Vector{Terms: slices.Clone(c.terms), Weights: make([]float32, len(c.terms))}
	var n2 float64
	for _, s := range c.sums {
		n2 += s * s
	}
	scale := 1.0
	if n2 > 0 {
		scale = 1 / math.Sqrt(n2)
	}
	for i, s := range c.sums {
		v.Weights[i] = float32(s * scale)
	}
	return v
}

// Merge adds the vectors summed in o to the centroid, as if each had been
// added to it: the centroid of two clusters that become one.
func (c *Centroid) Merge(o *Centroid) {
	if o.n == 0 {
		return
	}
	terms := make([]uint64, 0, len(c.terms)+len(o.terms))
	sums := make([]float64, 0, len(c.terms)+len(o.terms))
	i, j := 0, 0
	for i < len(c.terms) || j < len(o.terms) {
		switch {
		case j == len(o.terms) || (i < len(c.terms) && c.terms[i] < o.terms[j]):
			terms, sums = append(terms, c.terms[i]), append(sums, c.sums[i])
			i++
		case i == len(c.terms) || o.terms[j] < c.terms[i]:
			terms, sums = append(terms, o.terms[j]), append(sums, o.sums[j])
			j++
		default:
			terms, sums = append(terms, c.terms[i]), append(sums, c.sums[i]+o.sums[j])
			i++
			j++
		}
	}
	c.terms, c.sums = terms, sums
	c.norm2 = 0
	for _, s := range sums {
		c.norm2 += s * s
	}
	c.n += o.n
	c.removals += o.removals
}

// Agreement returns the cosine between two centroids: how far two clusters
// agree as wholes. It is 0 when either is empty.
func (c *Centroid) Agreement(o *Centroid) float64 {
	if c.n == 0 || o.n == 0 || c.norm2 <= 0 || o.norm2 <= 0 {
		return 0
	}
	dot := c.dot(o)
	if dot <= 0 {
		return 0
	}
	return math.Min(1, dot/math.Sqrt(c.norm2*o.norm2))
}

// AverageLink returns the mean cosine between the vectors summed in the
// centroid and those summed in o, each pair counted once: the average link
// of two clusters whose members were added as unit-length vectors. Unlike
// Agreement, which compares the clusters' directions, it falls as either
// cluster's members spread out, so a cluster of loosely related stories
// links weakly to everything. It is 0 when either is empty.
func (c *Centroid) AverageLink(o *Centroid) float64 {
	if c.n == 0 || o.n == 0 {
		return 0
	}
	return c.dot(o) / (float64(c.n) * float64(o.n))
}

// dot returns the dot product of the two centroids' summed weights.
func (c *Centroid) dot(o *Centroid) float64 {
	var dot float64
	i, j := 0, 0
	for i < len(c.terms) && j < len(o.terms) {
		switch {
		case c.terms[i] < o.terms[j]:
			i++
		case o.terms[j] < c.terms[i]:
			j++
		default:
			dot += c.sums[i] * o.sums[j]
			i++
			j++
		}
	}
	return dot
}

// Truncate keeps the k heaviest terms of the centroid (by summed weight,
// the smaller term first among equals) and returns the terms it drops, in
// increasing order. The count of vectors stays: the centroid still stands
// for them, in outline. Removing a vector that was added before a
// Truncate only takes away the weights of the terms that were kept.
func (c *Centroid) Truncate(k int) []uint64 {
	if k < 0 {
		k = 0
	}
	if len(c.terms) <= k {
		return nil
	}
	order := make([]int, len(c.terms))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c.sums[a] != c.sums[b] {
			if c.sums[a] > c.sums[b] {
				return -1
			}
			return 1
		}
		return cmp.Compare(c.terms[a], c.terms[b])
	})
	keep := order[:k]
	slices.Sort(keep)
	dropped := make([]uint64, 0, len(c.terms)-k)
	terms, sums := make([]uint64, 0, k), make([]float64, 0, k)
	j := 0
	for i, t := range c.terms {
		if j < len(keep) && keep[j] == i {
			terms, sums = append(terms, t), append(sums, c.sums[i])
			j++
		} else {
			dropped = append(dropped, t)
		}
	}
	c.terms, c.sums = terms, sums
	c.norm2 = 0
	for _, s := range sums {
		c.norm2 += s * s
	}
	return dropped
}
