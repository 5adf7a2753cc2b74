package cluster

import (
	"math"
	"slices"
)

// Centroid is the running sum of the vectors of a cluster's members. The zero
// Centroid is empty and ready to use. A Centroid is not safe for concurrent
// use.
type Centroid struct {
	sum      map[uint64]float64
	norm2    float64
	n        int
	removals int
}

// Add adds v to the centroid.
func (c *Centroid) Add(v Vector) {
	if c.sum == nil {
		c.sum = make(map[uint64]float64, len(v.Terms))
	}
	for i, t := range v.Terms {
		w := float64(v.Weights[i])
		old := c.sum[t]
		c.sum[t] = old + w
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
	for i, t := range v.Terms {
		old, ok := c.sum[t]
		if !ok {
			continue
		}
		s := old - float64(v.Weights[i])
		if math.Abs(s) < 1e-6 {
			delete(c.sum, t)
			s = 0
		} else {
			c.sum[t] = s
		}
		c.norm2 += s*s - old*old
	}
	c.n--
	c.removals++
	if c.n == 0 {
		clear(c.sum)
		c.norm2 = 0
		return
	}
	if c.removals%recomputeEvery == 0 || c.norm2 < 0 {
		// Sum in term order: map order is random, and the rounding of a
		// float sum depends on its order.
		terms := make([]uint64, 0, len(c.sum))
		for t := range c.sum {
			terms = append(terms, t)
		}
		slices.Sort(terms)
		c.norm2 = 0
		for _, t := range terms {
			c.norm2 += c.sum[t] * c.sum[t]
		}
	}
}

// recomputeEvery is how often Remove recomputes the centroid's length.
const recomputeEvery = 64

// Len returns the number of vectors in the centroid.
func (c *Centroid) Len() int { return c.n }

// Terms returns the number of distinct terms in the centroid.
func (c *Centroid) Terms() int { return len(c.sum) }

// Weight returns the summed weight of term t over the members.
func (c *Centroid) Weight(t uint64) float64 { return c.sum[t] }

// Cosine returns the cosine between v and the centroid: the similarity of v
// to the cluster as a whole. It is 0 for an empty centroid or vector.
func (c *Centroid) Cosine(v Vector) float64 {
	if c.n == 0 || c.norm2 <= 0 {
		return 0
	}
	var dot float64
	for i, t := range v.Terms {
		if s, ok := c.sum[t]; ok {
			dot += float64(v.Weights[i]) * s
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
	s := CentroidState{Terms: make([]uint64, 0, len(c.sum)), Norm2: c.norm2, N: c.n, Removals: c.removals}
	for t := range c.sum {
		s.Terms = append(s.Terms, t)
	}
	slices.Sort(s.Terms)
	s.Sums = make([]float64, len(s.Terms))
	for i, t := range s.Terms {
		s.Sums[i] = c.sum[t]
	}
	return s
}

// Restore returns the centroid whose state State gave.
func Restore(s CentroidState) Centroid {
	c := Centroid{sum: make(map[uint64]float64, len(s.Terms)), norm2: s.Norm2, n: s.N, removals: s.Removals}
	for i, t := range s.Terms {
		c.sum[t] = s.Sums[i]
	}
	return c
}

// EachTerm calls f for each term of the centroid, in no particular order.
func (c *Centroid) EachTerm(f func(t uint64)) {
	for t := range c.sum {
		f(t)
	}
}

// Vector returns the centroid's summed weights as a Vector scaled to unit
// length.
func (c *Centroid) Vector() Vector { return FromMap(c.sum, true) }
