package minhash

// Exact returns the exact similarity of two sets of 64-bit features, each
// given sorted in increasing order without repeats (slices.Sort then
// slices.Compact): their Jaccard similarity |A∩B| / |A∪B|, their
// containment |A∩B| / min(|A|, |B|) (the share of the smaller set found in
// the larger, 1 when one holds the other), and |A∩B|, the number of
// features they share. It is what a signature's Jaccard estimates, for the
// callers that hold the sets and can afford a merge of the two, O(|A|+|B|).
//
// As with signatures, an empty set is similar to nothing: when either set
// is empty all three results are 0.
//
// Exact panics when a set is not sorted without repeats, which would give
// a wrong answer rather than an error a caller could act on.
func Exact(a, b []uint64) (jaccard, containment float64, shared int) {
	if !increasing(a) || !increasing(b) {
		panic("minhash.Exact: a set is not sorted in increasing order without repeats")
	}
	return Overlap(a, b)
}

// Overlap is Exact for sets of 64-bit or 32-bit features that the caller
// knows to be sorted in increasing order without repeats (it built them
// so): it does not check, which would double the cost of a merge, and sets
// out of order give a wrong answer.
func Overlap[T uint32 | uint64](a, b []T) (jaccard, containment float64, shared int) {
	if len(a) == 0 || len(b) == 0 {
		return 0, 0, 0
	}
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch x, y := a[i], b[j]; {
		case x < y:
			i++
		case x > y:
			j++
		default:
			shared++
			i++
			j++
		}
	}
	jaccard = float64(shared) / float64(len(a)+len(b)-shared)
	containment = float64(shared) / float64(min(len(a), len(b)))
	return jaccard, containment, shared
}

// increasing reports whether s is sorted in strictly increasing order.
func increasing(s []uint64) bool {
	for i := 1; i < len(s); i++ {
		if s[i] <= s[i-1] {
			return false
		}
	}
	return true
}
