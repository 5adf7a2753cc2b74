package lsh_test

import (
	"fmt"

	"github.com/newsdup/newsdup/dedup/lsh"
	"github.com/newsdup/newsdup/dedup/minhash"
)

// words returns the feature hashes lo, ..., hi-1; real callers pass the
// shingle hashes of a story.
func words(lo, hi uint64) []uint64 {
	var s []uint64
	for x := lo; x < hi; x++ {
		s = append(s, x)
	}
	return s
}

func Example() {
	h, err := minhash.New(minhash.Config{})
	if err != nil {
		panic(err)
	}
	p, err := lsh.Optimal(lsh.Config{Threshold: 0.5})
	if err != nil {
		panic(err)
	}
	index, err := lsh.NewIndex[string](p)
	if err != nil {
		panic(err)
	}
	stories := []struct {
		id       string
		features []uint64
	}{
		{"reuters-1", words(0, 300)},
		{"reuters-2", words(1000, 1300)}, // unrelated
		{"afp-1", words(10, 310)},        // Jaccard 290/310 with reuters-1
	}
	var candidates []string
	for _, s := range stories {
		candidates, err = index.QueryInsert(candidates[:0], s.id, h.Sign(minhash.Signature{}, s.features))
		if err != nil {
			panic(err)
		}
		fmt.Println(s.id, candidates)
	}
	// Output:
	// reuters-1 []
	// reuters-2 []
	// afp-1 [reuters-1]
}

func ExampleOptimal() {
	p, err := lsh.Optimal(lsh.Config{}) // K = 128, threshold 0.5, equal weights
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Bands, p.Rows, p.BandRows(0), p.BandRows(p.Bands-1))
	for _, s := range []float64{0.3, 0.5, 0.7} {
		fmt.Printf("P(%.1f) = %.3f\n", s, p.Probability(s))
	}
	// Output:
	// 25 5 6 5
	// P(0.3) = 0.054
	// P(0.5) = 0.526
	// P(0.7) = 0.988
}

func ExampleOptimal_weights() {
	// Missing a duplicate costs four times as much as checking a false
	// candidate: the curve moves left.
	p, err := lsh.Optimal(lsh.Config{Threshold: 0.5, FalsePositiveWeight: 1, FalseNegativeWeight: 4})
	if err != nil {
		panic(err)
	}
	fmt.Println(p)
	// Output:
	// K=128 bands=30 rows=5 (8 bands) or 4 threshold=0.5 P(threshold)=0.812 false positive=0.1082 false negative=0.0096
}

func ExampleIndex_Remove() {
	h, err := minhash.New(minhash.Config{})
	if err != nil {
		panic(err)
	}
	index, err := lsh.NewIndex[int](lsh.Params{K: 128, Bands: 32, Rows: 4})
	if err != nil {
		panic(err)
	}
	sig := h.Sign(minhash.Signature{}, words(0, 100))
	if err := index.Insert(1, sig); err != nil {
		panic(err)
	}
	fmt.Println(index.Insert(1, sig))
	fmt.Println(index.Remove(1), index.Remove(1), index.Len())
	// Output:
	// lsh: insert 1: lsh: duplicate id
	// true false 0
}

// BandHashes gives the keys under which a job too large for one Index
// groups signatures: stories that share a (band, hash) key are candidates.
func ExampleParams_BandHashes() {
	h, err := minhash.New(minhash.Config{})
	if err != nil {
		panic(err)
	}
	p, err := lsh.Optimal(lsh.Config{Threshold: 0.5})
	if err != nil {
		panic(err)
	}
	a, _ := p.BandHashes(nil, h.Sign(minhash.Signature{}, words(0, 300)))
	b, _ := p.BandHashes(nil, h.Sign(minhash.Signature{}, words(10, 310)))    // Jaccard 290/310
	c, _ := p.BandHashes(nil, h.Sign(minhash.Signature{}, words(1000, 1300))) // unrelated
	shared := func(x, y []uint32) (n int) {
		for j := range x {
			if x[j] == y[j] {
				n++
			}
		}
		return n
	}
	fmt.Println(len(a), "bands")
	fmt.Println("a and b share a band:", shared(a, b) > 0)
	fmt.Println("a and c share a band:", shared(a, c) > 0)
	// Output:
	// 25 bands
	// a and b share a band: true
	// a and c share a band: false
}
