package lsh

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/newsdup/newsdup/dedup/internal/testcorpus"
	"github.com/newsdup/newsdup/dedup/minhash"
)

// randomSignature fills dst with the values of a pseudo-random
// one-permutation signature determined by id: every band value unique, as
// for unrelated stories.
func randomSignature(dst []uint32, id int) minhash.Signature {
	rng := rand.New(rand.NewPCG(uint64(id), 0x5EED))
	for i := range dst {
		dst[i] = rng.Uint32() & 0x7FFFFFFE
	}
	return minhash.Signature{Values: dst}
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkIndex builds an index of n unrelated stories (K = 128,
// threshold 0.5: 25 bands) and measures, at that size, an insertion paired
// with the removal of the oldest story (a sliding window), a query of a
// stored story (one candidate: itself) and a query of a new story (none).
// bytes/item is the heap the index holds per story after garbage
// collection, signatures excluded.
func BenchmarkIndex(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			benchIndex(b, mustOptimal(Config{}), n, randomSignature)
		})
	}
}

// BenchmarkIndexTwins is BenchmarkIndex at the detector's banding (K = 128,
// threshold 0.3: 39 bands) for 500,000 stories, all unrelated
// ("distinct") or with 13% of them exact copies of one of the 100 stories
// before them ("twins=13%"), as wire copy republished word for word is in
// the detector's big streams. A query of a stored story that has a twin
// finds both.
func BenchmarkIndexTwins(b *testing.B) {
	p := mustOptimal(Config{Threshold: 0.3})
	const n = 500_000
	for _, pct := range []int{0, 13} {
		name := "distinct"
		if pct > 0 {
			name = fmt.Sprintf("twins=%d%%", pct)
		}
		b.Run(name, func(b *testing.B) {
			benchIndex(b, p, n, func(dst []uint32, i int) minhash.Signature {
				return randomSignature(dst, twinSource(i, pct))
			})
		})
	}
}

// twinSource returns the story whose signature story i of a stream carries
// when pct percent of the stories are copies of one of the 100 stories
// before them: i itself, or the source of the story it copies.
func twinSource(i, pct int) int {
	for i > 0 {
		h := uint64(i) * 0x9E3779B97F4A7C15
		h ^= h >> 31
		h *= 0xBF58476D1CE4E5B9
		h ^= h >> 29
		if int(h%100) >= pct {
			break
		}
		i = max(0, i-1-int(h>>32%100))
	}
	return i
}

// benchIndex is the body of BenchmarkIndex for banding p, n stories and
// the signature sig(dst, i) of story i.
func benchIndex(b *testing.B, p Params, n int, sig func(dst []uint32, i int) minhash.Signature) {
	buf := make([]uint32, p.K)
	before := heapInUse()
	x, err := NewIndex[int](p)
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		if err := x.Insert(i, sig(buf, i)); err != nil {
			b.Fatal(err)
		}
	}
	perItem := float64(heapInUse()-before) / float64(n)

	// Signatures are made ahead, a batch at a time with the timer
	// stopped, so that the timings are of the index alone.
	const batch = 4096
	sigs := make([]minhash.Signature, batch)
	for i := range sigs {
		sigs[i] = minhash.Signature{Values: make([]uint32, p.K)}
	}
	fill := func(b *testing.B, first int, sig func(dst []uint32, i int) minhash.Signature) {
		b.StopTimer()
		for i := range sigs {
			sig(sigs[i].Values, first+i)
		}
		b.StartTimer()
	}

	// A query of a stored story, or of a new one: the batch of signatures
	// at i starts with story first(i).
	for _, q := range []struct {
		name  string
		first func(i int) int
		sig   func(dst []uint32, i int) minhash.Signature
	}{
		{"query stored", func(i int) int { return n - batch - i%(n-batch) }, sig},
		{"query new", func(i int) int { return 1<<40 + i }, randomSignature},
	} {
		b.Run(q.name, func(b *testing.B) {
			var dst []int
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				if i%batch == 0 {
					fill(b, q.first(i), q.sig)
				}
				dst, _ = x.Query(dst[:0], sigs[i%batch])
				i++
			}
			b.ReportMetric(perItem, "bytes/item")
		})
	}
	next, oldest := n, 0 // kept across runs of the sub-benchmark (-count)
	b.Run("insert+remove", func(b *testing.B) {
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			if i%batch == 0 {
				fill(b, next, sig)
			}
			if err := x.Insert(next, sigs[i%batch]); err != nil {
				b.Fatal(err)
			}
			x.Remove(oldest)
			next++
			oldest++
			i++
		}
		b.ReportMetric(perItem, "bytes/item")
		if x.Len() != n {
			b.Fatalf("index holds %d stories, want %d", x.Len(), n)
		}
	})
}

// BenchmarkStreamReuters streams the first 20,000 Reuters stories through
// QueryInsert, as a newsroom feed would: each story is compared with all
// earlier ones and then added. "index" times the index alone on signatures
// made beforehand, "sign+index" adds one-permutation signing of the
// precomputed shingles, "shingle+sign+index" adds the simple tokeniser of
// these tests. ns/op is for all 20,000 stories.
func BenchmarkStreamReuters(b *testing.B) {
	c := testcorpus.Reuters(b)
	n := min(20_000, len(c.Sets))
	h, err := minhash.New(minhash.Config{})
	if err != nil {
		b.Fatal(err)
	}
	p := mustOptimal(Config{})
	sigs := make([]minhash.Signature, n)
	var textBytes int64
	for i := range n {
		sigs[i] = h.Sign(minhash.Signature{}, c.Sets[i])
		textBytes += int64(len(c.Texts[i]))
	}
	run := func(b *testing.B, sig func(i int, dst minhash.Signature) minhash.Signature) {
		b.SetBytes(textBytes)
		b.ReportAllocs()
		var cands []int
		var s minhash.Signature
		pairs := 0
		for b.Loop() {
			x, err := NewIndex[int](p)
			if err != nil {
				b.Fatal(err)
			}
			pairs = 0
			for i := range n {
				s = sig(i, s)
				cands, err = x.QueryInsert(cands[:0], i, s)
				if err != nil {
					b.Fatal(err)
				}
				pairs += len(cands)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n)/1e3, "us/story")
		b.ReportMetric(float64(pairs), "candidate-pairs")
	}
	b.Run("index", func(b *testing.B) {
		run(b, func(i int, _ minhash.Signature) minhash.Signature { return sigs[i] })
	})
	b.Run("sign+index", func(b *testing.B) {
		run(b, func(i int, dst minhash.Signature) minhash.Signature { return h.Sign(dst, c.Sets[i]) })
	})
	b.Run("shingle+sign+index", func(b *testing.B) {
		var buf []uint64
		run(b, func(i int, dst minhash.Signature) minhash.Signature {
			buf = testcorpus.Shingles(buf[:0], c.Texts[i])
			return h.Sign(dst, buf)
		})
	})
}

func BenchmarkOptimal(b *testing.B) {
	for _, k := range []int{128, 512} {
		b.Run(fmt.Sprintf("K=%d", k), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Optimal(Config{K: k}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
