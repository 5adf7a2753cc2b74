package main

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"

	mfsimhash "github.com/mfonda/simhash"

	"github.com/newsdup/newsdup/dedup/lsh"
	"github.com/newsdup/newsdup/dedup/minhash"
	"github.com/newsdup/newsdup/shingle"
	"github.com/newsdup/newsdup/simhash"
)

// maxCheckPairs bounds the pairs the agreement checks look at.
const maxCheckPairs = 300

// nearPairs returns up to maxCheckPairs pairs of stories of c that are
// versions of each other: the pairs the synthetic generator made, or, for a
// corpus without that knowledge, LSH candidates of the project's index whose
// exact shingle Jaccard similarity is at least 0.3.
func nearPairs(c *corpus) ([][2]int, error) {
	var out [][2]int
	if c.dupOf != nil {
		for i, j := range c.dupOf {
			if j >= 0 && len(c.sets[i]) > 0 && len(c.sets[j]) > 0 {
				out = append(out, [2]int{j, i})
				if len(out) == maxCheckPairs {
					break
				}
			}
		}
		return out, nil
	}
	s, err := signAll(c, numHashes)
	if err != nil {
		return nil, err
	}
	ix, err := lsh.NewIndex[int](s.params)
	if err != nil {
		return nil, err
	}
	var dst []int
	for i := range s.sigs {
		dst, err = ix.QueryInsert(dst[:0], i, s.sigs[i])
		if err != nil {
			return nil, err
		}
		for _, j := range dst {
			if jac, _, _ := minhash.Exact(c.sets[i], c.sets[j]); jac >= 0.3 {
				out = append(out, [2]int{j, i})
				if len(out) == maxCheckPairs {
					return out, nil
				}
			}
		}
	}
	return out, nil
}

// randomPairs returns n seeded pairs of distinct stories of c.
func randomPairs(c *corpus, n int) [][2]int {
	r := rand.New(rand.NewPCG(7, 7))
	out := make([][2]int, 0, n)
	for len(out) < n && len(c.sets) > 1 {
		i, j := r.IntN(len(c.sets)), r.IntN(len(c.sets))
		if i != j {
			out = append(out, [2]int{i, j})
		}
	}
	return out
}

// agreeU64 returns the fraction of positions where a and b agree.
func agreeU64(a, b []uint64) float64 {
	same := 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	return float64(same) / float64(len(a))
}

// checkSigners compares every signer's Jaccard estimates with the exact
// similarity of the shingle sets, over near-duplicate pairs.
func checkSigners(c *corpus, pairs [][2]int) (string, error) {
	if len(pairs) == 0 {
		return fmt.Sprintf("MinHash estimates, %s: no near-duplicate pairs to check", c.name), nil
	}
	onePerm, err := minhash.New(minhash.Config{K: numHashes})
	if err != nil {
		return "", err
	}
	kPerm, err := minhash.New(minhash.Config{K: numHashes, Scheme: minhash.KPermutations})
	if err != nil {
		return "", err
	}
	var exact, e1, ek, ed, ez float64
	for _, p := range pairs {
		a, b := c.sets[p[0]], c.sets[p[1]]
		j, _, _ := minhash.Exact(a, b)
		exact += j
		e1 += abs(onePerm.Sign(minhash.Signature{}, a).Jaccard(onePerm.Sign(minhash.Signature{}, b)) - j)
		ek += abs(kPerm.Sign(minhash.Signature{}, a).Jaccard(kPerm.Sign(minhash.Signature{}, b)) - j)
		ed += abs(agreeU64(peerSig(a, false), peerSig(b, false)) - j)
		ez += abs(agreeU64(peerSig(a, true), peerSig(b, true)) - j)
	}
	n := float64(len(pairs))
	return fmt.Sprintf("MinHash estimates, %s, %d near-duplicate pairs (mean exact Jaccard %.3f; one standard "+
		"error at K=%d is about %.3f): mean |estimate - exact| %s %.3f, %s %.3f, %s %.3f, %s %.3f",
		c.name, len(pairs), exact/n, numHashes, stdErr(exact/n), nameOnePerm, e1/n, nameKPerm, ek/n,
		nameDgryski, ed/n, nameEkzhuMH, ez/n), nil
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// stdErr is the standard error of a MinHash estimate of similarity j.
func stdErr(j float64) float64 {
	return math.Sqrt(j * (1 - j) / numHashes)
}

// checkSimhash reports the mean Hamming distance of the fingerprints of
// near-duplicate pairs and of random pairs for each SimHash implementation:
// near-duplicates should be a few bits apart and random pairs about 32.
func checkSimhash(c *corpus, pairs [][2]int) (string, error) {
	if len(pairs) == 0 {
		return fmt.Sprintf("SimHash distances, %s: no near-duplicate pairs to check", c.name), nil
	}
	an, err := shingle.NewAnalyzer(shingle.Config{})
	if err != nil {
		return "", err
	}
	project := func(i int) uint64 {
		var feats []uint64
		for _, t := range an.Tokens(nil, c.stories[i].Text) {
			feats = append(feats, t.Hash)
		}
		return uint64(simhash.Sum(feats))
	}
	mfonda := func(i int) uint64 { return mfsimhash.Simhash(mfsimhash.NewWordFeatureSet(c.texts[i])) }
	mfondaF := func(i int) uint64 {
		fs := make([]mfsimhash.Feature, len(c.words[i]))
		for j, w := range c.words[i] {
			fs[j] = hashFeature(w)
		}
		return mfsimhash.Fingerprint(mfsimhash.Vectorize(fs))
	}
	mean := func(f func(int) uint64, ps [][2]int) float64 {
		sum := 0
		for _, p := range ps {
			sum += bits.OnesCount64(f(p[0]) ^ f(p[1]))
		}
		return float64(sum) / float64(len(ps))
	}
	random := randomPairs(c, len(pairs))
	return fmt.Sprintf("SimHash mean Hamming distance, %s, %d near-duplicate pairs / %d random pairs: "+
		"%s %.1f / %.1f, %s %.1f / %.1f, %s %.1f / %.1f",
		c.name, len(pairs), len(random),
		nameSimhash+" (from text)", mean(project, pairs), mean(project, random),
		nameMfonda+" (from text)", mean(mfonda, pairs), mean(mfonda, random),
		nameMfondaF+" (same word hashes)", mean(mfondaF, pairs), mean(mfondaF, random)), nil
}

// checkLSH compares the candidates the two indexes return for every story,
// first at the benchmark's parameters (where the bandings differ slightly:
// newsdup uses all K values, ekzhu leaves K mod Bands unused), then with a
// banding both can express exactly (K=125, 25 bands of 5 rows), where the
// candidate sets should be identical.
func checkLSH(c *corpus, s *signed) ([]string, error) {
	var out []string
	type comparison struct {
		pTotal, eTotal, differ int
		onlyP, onlyE           int // candidates one index returns and the other not
		onlyPNoBand            int // of onlyP, pairs that share no band of the project's banding
		meanJ                  float64
	}
	compare := func(s *signed) (comparison, error) {
		var c comparison
		pix, err := buildProject(s, len(s.sigs))
		if err != nil {
			return c, err
		}
		eix, err := buildEkzhu(s, len(s.sigs))
		if err != nil {
			return c, err
		}
		var p []int
		var sumJ float64
		for i := range s.sigs {
			p, err = pix.Query(p[:0], s.sigs[i])
			if err != nil {
				return c, err
			}
			var e []int
			for _, k := range eix.Query(s.sig64[i]) {
				e = append(e, k.(int))
			}
			slices.Sort(p)
			slices.Sort(e)
			c.pTotal += len(p)
			c.eTotal += len(e)
			if !slices.Equal(p, e) {
				c.differ++
				for _, j := range p {
					if _, found := slices.BinarySearch(e, j); !found {
						c.onlyP++
						if !shareBand(s.params, s.sigs[i].Values, s.sigs[j].Values) {
							c.onlyPNoBand++
						}
					}
				}
				for _, j := range e {
					if _, found := slices.BinarySearch(p, j); !found {
						c.onlyE++
					}
				}
			}
			if len(p) == 0 && len(e) == 0 {
				sumJ++ // both empty: the signature of an empty set
			} else {
				j, _, _ := minhash.Exact(intsToU64(p), intsToU64(e))
				sumJ += j
			}
		}
		c.meanJ = sumJ / float64(len(s.sigs))
		return c, nil
	}
	r, err := compare(s)
	if err != nil {
		return nil, err
	}
	out = append(out, fmt.Sprintf("LSH candidates, %s, all %d stories queried against the full index at K=%d "+
		"(%v): %s %d candidates in all, %s %d; candidate sets differ for %d queries, mean Jaccard of the two "+
		"sets per query %.3f", c.name, len(s.sigs), s.params.K, s.params, nameLSH, r.pTotal, nameEkzhu, r.eTotal,
		r.differ, r.meanJ))

	s125, err := signAll(c, 125)
	if err != nil {
		return nil, err
	}
	s125.params, err = lsh.Banding(125, 25, threshold)
	if err != nil {
		return nil, err
	}
	r, err = compare(s125)
	if err != nil {
		return nil, err
	}
	out = append(out, fmt.Sprintf("LSH candidates with identical banding (K=125, 25 bands of 5 rows, the same "+
		"signatures): %s %d, %s %d; candidate sets differ for %d of %d queries: %d candidates found by newsdup "+
		"alone (%d of them sharing no band: collisions of its 32-bit band hashes), %d by ekzhu alone",
		nameLSH, r.pTotal, nameEkzhu, r.eTotal, r.differ, len(s125.sigs), r.onlyP, r.onlyPNoBand, r.onlyE))
	return out, nil
}

// shareBand reports whether two signatures agree on every value of at least
// one band of p.
func shareBand(p lsh.Params, a, b []uint32) bool {
	lo := 0
	for j := range p.Bands {
		hi := lo + p.BandRows(j)
		if slices.Equal(a[lo:hi], b[lo:hi]) {
			return true
		}
		lo = hi
	}
	return false
}

// intsToU64 converts sorted distinct ids to the set form jaccard takes.
func intsToU64(xs []int) []uint64 {
	out := make([]uint64, len(xs))
	for i, x := range xs {
		out[i] = uint64(x)
	}
	return out
}
