package minhash

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/newsdup/newsdup/dedup/internal/testcorpus"
)

// BenchmarkSign signs random sets of n features; bytes are the 8-byte
// feature hashes.
func BenchmarkSign(b *testing.B) {
	for _, scheme := range []Scheme{OnePermutation, KPermutations} {
		for _, n := range []int{10, 100, 1000, 10000} {
			b.Run(fmt.Sprintf("%s/n=%d", scheme, n), func(b *testing.B) {
				h := mustNew(Config{Scheme: scheme})
				set := randomSet(rand.New(rand.NewPCG(1, uint64(n))), n)
				sig := h.Sign(Signature{}, set)
				b.SetBytes(int64(8 * n))
				b.ReportAllocs()
				for b.Loop() {
					sig = h.Sign(sig, set)
				}
			})
		}
	}
}

// BenchmarkSignReuters signs the word 5-shingle sets of all 21,578
// Reuters stories per iteration; bytes are the stories' text, so MB/s is
// comparable with signers that are measured on raw text. The shingles are
// computed beforehand except in the "with shingling" case.
func BenchmarkSignReuters(b *testing.B) {
	c := testcorpus.Reuters(b)
	for _, scheme := range []Scheme{OnePermutation, KPermutations} {
		b.Run(scheme.String(), func(b *testing.B) {
			h := mustNew(Config{Scheme: scheme})
			var sig Signature
			b.SetBytes(c.Bytes)
			b.ReportAllocs()
			for b.Loop() {
				for _, set := range c.Sets {
					sig = h.Sign(sig, set)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(c.Sets)), "ns/story")
		})
	}
	b.Run("OnePermutation with shingling", func(b *testing.B) {
		h := mustNew(Config{})
		var sig Signature
		var buf []uint64
		b.SetBytes(c.Bytes)
		b.ReportAllocs()
		for b.Loop() {
			for _, text := range c.Texts {
				buf = testcorpus.Shingles(buf[:0], text)
				sig = h.Sign(sig, buf)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(c.Texts)), "ns/story")
	})
}

func BenchmarkJaccard(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	h := mustNew(Config{})
	x, y := h.Sign(Signature{}, randomSet(rng, 500)), h.Sign(Signature{}, randomSet(rng, 500))
	b.ReportAllocs()
	var sum float64
	for b.Loop() {
		sum += x.Jaccard(y)
	}
	_ = sum
}

func BenchmarkMerge(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	h := mustNew(Config{})
	x, y := h.Sign(Signature{}, randomSet(rng, 50)), h.Sign(Signature{}, randomSet(rng, 50))
	dst := h.Sign(Signature{}, nil)
	b.ReportAllocs()
	for b.Loop() {
		dst, _ = Merge(dst, x, y)
	}
}

func BenchmarkExact(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := randomSet(rng, 500)
	y := append(slices.Clone(x[:250]), randomSet(rng, 250)...)
	slices.Sort(x)
	slices.Sort(y)
	b.ReportAllocs()
	b.SetBytes(int64(8 * (len(x) + len(y))))
	var n int
	for b.Loop() {
		_, _, shared := Exact(x, y)
		n += shared
	}
	_ = n
}
