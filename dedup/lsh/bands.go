package lsh

import (
	"fmt"

	"github.com/newsdup/newsdup/dedup/minhash"
)

// BandHashes appends to dst the hash of each band of sig, band 0 first, as
// an Index with Params p computes them, and returns the extended slice.
// Two signatures of one hasher share the hash of band j for some j exactly
// when an Index with Params p would return each as a candidate of the other
// (a pair of different band values shares a hash with probability 2^-32 per
// band). So (band, hash) pairs serve as grouping keys for finding candidates
// in a job that cannot hold an Index, such as one spread over many machines.
//
// The signature of an empty set has no bands, as it is never a candidate:
// BandHashes returns dst unchanged. It returns dst and an error wrapping
// ErrInvalidParams if p is inconsistent, or ErrSignature if the length of
// sig is not p.K.
func (p Params) BandHashes(dst []uint32, sig minhash.Signature) ([]uint32, error) {
	if err := p.validate(); err != nil {
		return dst, err
	}
	if sig.Len() != p.K {
		return dst, fmt.Errorf("lsh: signature of length %d for K = %d: %w", sig.Len(), p.K, ErrSignature)
	}
	if sig.IsEmpty() {
		return dst, nil
	}
	lo := 0
	for j := range p.Bands {
		hi := lo + p.BandRows(j)
		dst = append(dst, bandHash(sig.Values[lo:hi], j))
		lo = hi
	}
	return dst, nil
}
