package lsh

import (
	"math/rand/v2"

	"github.com/newsdup/newsdup/dedup/minhash"
)

// mustHasher returns a minhash Hasher for cfg or panics; for tests with
// configurations known to be valid.
func mustHasher(cfg minhash.Config) *minhash.Hasher {
	h, err := minhash.New(cfg)
	if err != nil {
		panic(err)
	}
	return h
}

// mustOptimal returns Optimal(cfg) or panics.
func mustOptimal(cfg Config) Params {
	p, err := Optimal(cfg)
	if err != nil {
		panic(err)
	}
	return p
}

// variant returns a copy of base with each feature replaced by a random one
// with probability change.
func variant(rng *rand.Rand, base []uint64, change float64) []uint64 {
	v := make([]uint64, len(base))
	for i, x := range base {
		if rng.Float64() < change {
			x = rng.Uint64()
		}
		v[i] = x
	}
	return v
}

// randomSet returns n random features.
func randomSet(rng *rand.Rand, n int) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = rng.Uint64()
	}
	return s
}

// similarTriple returns 300 random features (base) and the signatures of
// base (a), of a variant of it with about 5% changed (b, Jaccard
// similarity about 0.9 with a) and of 300 unrelated features (c).
func similarTriple(rng *rand.Rand, h *minhash.Hasher) (base []uint64, a, b, c minhash.Signature) {
	base = randomSet(rng, 300)
	a = h.Sign(minhash.Signature{}, base)
	b = h.Sign(minhash.Signature{}, variant(rng, base, 0.05))
	c = h.Sign(minhash.Signature{}, randomSet(rng, 300))
	return base, a, b, c
}
