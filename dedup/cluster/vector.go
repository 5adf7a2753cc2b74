package cluster

import (
	"cmp"
	"math"
	"slices"
)

// Vector is a sparse term vector: Terms sorted in increasing order, without
// repeats, and Weights the weight of each term. The zero Vector is empty and
// usable.
type Vector struct {
	Terms   []uint64
	Weights []float32
}

// Len returns the number of terms in v.
func (v Vector) Len() int { return len(v.Terms) }

// Norm returns the Euclidean length of v.
func (v Vector) Norm() float64 {
	var s float64
	for _, w := range v.Weights {
		s += float64(w) * float64(w)
	}
	return math.Sqrt(s)
}

// Dot returns the inner product of v and w, by merging their sorted terms.
func (v Vector) Dot(w Vector) float64 {
	var s float64
	i, j := 0, 0
	for i < len(v.Terms) && j < len(w.Terms) {
		switch a, b := v.Terms[i], w.Terms[j]; {
		case a < b:
			i++
		case a > b:
			j++
		default:
			s += float64(v.Weights[i]) * float64(w.Weights[j])
			i++
			j++
		}
	}
	return s
}

// Cosine returns the cosine of the angle between v and w, 0 when either is
// empty.
func (v Vector) Cosine(w Vector) float64 {
	nv, nw := v.Norm(), w.Norm()
	if nv == 0 || nw == 0 {
		return 0
	}
	return v.Dot(w) / (nv * nw)
}

// FromMap builds a Vector from a map of term weights, dropping zero weights,
// and scales it to unit length when normalise is set.
func FromMap(m map[uint64]float64, normalise bool) Vector {
	v := Vector{Terms: make([]uint64, 0, len(m))}
	for t, w := range m {
		if w != 0 {
			v.Terms = append(v.Terms, t)
		}
	}
	slices.Sort(v.Terms)
	v.Weights = make([]float32, len(v.Terms))
	var n float64
	for _, t := range v.Terms {
		n += m[t] * m[t]
	}
	scale := 1.0
	if normalise && n > 0 {
		scale = 1 / math.Sqrt(n)
	}
	for i, t := range v.Terms {
		v.Weights[i] = float32(m[t] * scale)
	}
	return v
}

// Top appends to dst the terms of the n heaviest entries of v, heaviest
// first (ties broken by term, so the result is deterministic), and returns
// the extended slice.
func (v Vector) Top(dst []uint64, n int) []uint64 {
	idx := make([]int32, len(v.Terms))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if c := cmp.Compare(v.Weights[b], v.Weights[a]); c != 0 {
			return c
		}
		return cmp.Compare(v.Terms[a], v.Terms[b])
	})
	n = min(n, len(idx))
	for _, i := range idx[:n] {
		dst = append(dst, v.Terms[i])
	}
	return dst
}
