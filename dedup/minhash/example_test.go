package minhash_test

import (
	"fmt"

	"github.com/newsdup/newsdup/dedup/minhash"
)

// features returns the feature hashes lo, lo+1, ..., hi-1; real callers
// pass the shingle hashes of a story.
func features(lo, hi uint64) []uint64 {
	var s []uint64
	for x := lo; x < hi; x++ {
		s = append(s, x)
	}
	return s
}

func Example() {
	h, err := minhash.New(minhash.Config{}) // K = 128, one-permutation hashing
	if err != nil {
		panic(err)
	}
	a := h.Sign(minhash.Signature{}, features(0, 1000))
	b := h.Sign(minhash.Signature{}, features(500, 1500)) // true Jaccard 500/1500 = 0.33
	// The standard error of the estimate is sqrt(J(1-J)/K) = 0.04.
	fmt.Printf("estimated Jaccard %.2f\n", a.Jaccard(b))
	// Output:
	// estimated Jaccard 0.28
}

func ExampleHasher_Sign() {
	h, err := minhash.New(minhash.Config{Seed: 7})
	if err != nil {
		panic(err)
	}
	ref := h.Sign(minhash.Signature{}, features(0, 100))
	var sig minhash.Signature
	// True Jaccard similarities to ref: 1, 90/110 = 0.82, 10/190 = 0.05.
	for _, story := range [][]uint64{features(0, 100), features(10, 110), features(90, 190)} {
		sig = h.Sign(sig, story) // reuses sig's storage after the first call
		fmt.Printf("%.2f\n", ref.Jaccard(sig))
	}
	// Output:
	// 1.00
	// 0.88
	// 0.06
}

func ExampleHasher_Sign_empty() {
	h, err := minhash.New(minhash.Config{})
	if err != nil {
		panic(err)
	}
	empty := h.Sign(minhash.Signature{}, nil)
	fmt.Println(empty.IsEmpty(), empty.Jaccard(empty))
	// Output:
	// true 0
}

func ExampleNew() {
	_, err := minhash.New(minhash.Config{K: -3})
	fmt.Println(err)
	// Output:
	// minhash: K = -3, want 1..65536: minhash: invalid config
}

func ExampleContainment() {
	h, err := minhash.New(minhash.Config{K: 512})
	if err != nil {
		panic(err)
	}
	quote := h.Sign(minhash.Signature{}, features(100, 200))                         // 100 features
	article := h.Sign(minhash.Signature{}, features(0, 1000))                        // contains the quote
	fmt.Printf("Jaccard %.2f\n", quote.Jaccard(article))                             // true value 0.1
	fmt.Printf("containment %.1f\n", minhash.Containment(quote, article, 100, 1000)) // true value 1
	// Output:
	// Jaccard 0.10
	// containment 1.0
}

func ExampleMerge() {
	h, err := minhash.New(minhash.Config{})
	if err != nil {
		panic(err)
	}
	morning := h.Sign(minhash.Signature{}, features(0, 60))
	evening := h.Sign(minhash.Signature{}, features(40, 100))
	day, err := minhash.Merge(minhash.Signature{}, morning, evening)
	if err != nil {
		panic(err)
	}
	whole := h.Sign(minhash.Signature{}, features(0, 100))
	fmt.Println(day.Jaccard(whole))
	// Output:
	// 1
}

func ExampleSignature_MarshalBinary() {
	h, err := minhash.New(minhash.Config{K: 16, Seed: 1})
	if err != nil {
		panic(err)
	}
	sig := h.Sign(minhash.Signature{}, features(0, 50))
	data, err := sig.MarshalBinary()
	if err != nil {
		panic(err)
	}
	var back minhash.Signature
	if err := back.UnmarshalBinary(data); err != nil {
		panic(err)
	}
	fmt.Println(len(data), back.Jaccard(sig))
	err = back.UnmarshalBinary(data[:len(data)-1])
	fmt.Println(err)
	// Output:
	// 82 1
	// minhash: 63 value bytes, K = 16 needs 64: minhash: truncated signature
}

func ExampleExact() {
	// The distinct shingle hashes of two stories, sorted: a copy cut to
	// its first 40 shingles of the full story's 100.
	story, copied := features(0, 100), features(0, 40)
	jaccard, containment, shared := minhash.Exact(story, copied)
	fmt.Printf("Jaccard %.2f, containment %.2f, %d shared\n", jaccard, containment, shared)
	// Output:
	// Jaccard 0.40, containment 1.00, 40 shared
}
