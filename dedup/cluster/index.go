package cluster

import (
	"slices"

	"github.com/newsdup/newsdup/dedup/internal/lists"
)

// Index maps terms to the clusters that hold them, to find the clusters worth
// comparing with a new vector. Clusters are named by uint64 ids chosen by the
// caller. The zero Index is not usable; create one with NewIndex. An Index is
// not safe for concurrent use.
//
// A cluster that no longer exists is taken out with Remove, which needs the
// terms it was added under.
type Index struct {
	postings map[uint64]lists.List // of arena: cluster ids, oldest first
	arena    lists.Arena[uint64]
	maxScan  int
	scores   scores
}

// Candidate is a cluster found by Index.Candidates, with the weight of the
// query terms it shares, a cheap upper-bound proxy for its similarity.
type Candidate struct {
	Cluster uint64
	Score   float64
}

// NewIndex returns an empty Index that reads at most maxScan postings of each
// query term (the most recent ones); maxScan <= 0 means 256. Bounding the scan
// bounds the cost of a query when a term is common.
func NewIndex(maxScan int) *Index {
	if maxScan <= 0 {
		maxScan = 256
	}
	return &Index{postings: make(map[uint64]lists.List), maxScan: maxScan}
}

// Add records that cluster holds each of terms. Adding a term the cluster
// already holds appends a second posting; callers keep track of the terms
// they have added (see package dedup) to avoid that.
func (ix *Index) Add(cluster uint64, terms []uint64) {
	for _, t := range terms {
		p := ix.postings[t]
		ix.arena.Append(&p, cluster)
		ix.postings[t] = p
	}
}

// Terms returns the number of terms with postings.
func (ix *Index) Terms() int { return len(ix.postings) }

// Postings returns the total number of postings held.
func (ix *Index) Postings() int {
	n := 0
	for _, p := range ix.postings {
		n += p.Len()
	}
	return n
}

// Candidates appends to dst at most max clusters that share terms with the
// query, ranked by the summed query weight of the shared terms (ties by
// cluster id, so the order is deterministic), and returns the extended slice.
// Only the query terms listed in terms are looked up, with weights[i] the
// weight of terms[i].
func (ix *Index) Candidates(dst []Candidate, terms []uint64, weights []float64, max int) []Candidate {
	return ix.CandidatesFunc(dst, terms, weights, max, nil)
}

// CandidatesFunc is Candidates restricted to the clusters that keep accepts
// (all of them when keep is nil): the best max among those, so that clusters
// the caller would set aside do not crowd out the ones it wants.
func (ix *Index) CandidatesFunc(dst []Candidate, terms []uint64, weights []float64, max int, keep func(cluster uint64) bool) []Candidate {
	ix.scores.reset()
	for i, t := range terms {
		p := ix.arena.View(ix.postings[t])
		for _, c := range p[max0(len(p)-ix.maxScan):] {
			ix.scores.add(c, weights[i])
		}
	}
	// Keep the best max candidates in dst[start:], sorted, by insertion:
	// max is small and most clusters fall below the worst kept at once.
	start := len(dst)
	better := func(a, b Candidate) bool {
		return a.Score > b.Score || a.Score == b.Score && a.Cluster < b.Cluster
	}
	for _, pos := range ix.scores.used {
		c, s := ix.scores.keys[pos], ix.scores.vals[pos]
		cand := Candidate{Cluster: c, Score: s}
		n := len(dst) - start
		full := max > 0 && n == max
		if full && !better(cand, dst[len(dst)-1]) {
			continue
		}
		// keep is asked only of the clusters that would be kept.
		if keep != nil && !keep(c) {
			continue
		}
		if full {
			dst = dst[:len(dst)-1]
		}
		dst = append(dst, cand)
		for i := len(dst) - 1; i > start && better(dst[i], dst[i-1]); i-- {
			dst[i], dst[i-1] = dst[i-1], dst[i]
		}
	}
	return dst
}

// Remove takes cluster out of the postings of terms, the terms it was added
// under.
func (ix *Index) Remove(cluster uint64, terms []uint64) {
	for _, t := range terms {
		p, ok := ix.postings[t]
		if !ok {
			continue
		}
		// Clusters are usually added in increasing order and a cluster is
		// removed long after, so its posting is near the front.
		if i := slices.Index(ix.arena.View(p), cluster); i >= 0 {
			ix.arena.Delete(&p, i)
		}
		if p.Len() == 0 {
			delete(ix.postings, t)
		} else {
			ix.postings[t] = p
		}
	}
}

func max0(n int) int {
	if n < 0 {
		return 0
	}
	return n
}

// scores sums the weights of the clusters a query meets: an open-addressing
// table of cluster ids, reused from query to query, that lists the slots it
// used so that it is read in time proportional to the clusters met, not to
// its size; a slot is taken when its stamp is the current query's. A query
// meets at most maxScan clusters per term, so a Go map, which clears and
// iterates over all its buckets, cost more than the scoring itself.
type scores struct {
	keys   []uint64 // cluster ids
	vals   []float64
	stamps []uint32 // the query that took each slot
	stamp  uint32   // the current query, from 1
	used   []int32  // slots taken by the current query, in the order taken
}

func (s *scores) reset() {
	s.used = s.used[:0]
	if s.stamp++; s.stamp == 0 { // wrapped: no slot may look taken
		clear(s.stamps)
		s.stamp = 1
	}
}

func (s *scores) add(c uint64, w float64) {
	if 2*(len(s.used)+1) > len(s.keys) {
		s.grow()
	}
	mask := len(s.keys) - 1
	for p := int(mix(c)) & mask; ; p = (p + 1) & mask {
		switch {
		case s.stamps[p] != s.stamp:
			s.keys[p], s.vals[p], s.stamps[p] = c, w, s.stamp
			s.used = append(s.used, int32(p))
			return
		case s.keys[p] == c:
			s.vals[p] += w
			return
		}
	}
}

// grow doubles the table (to at least 1,024 slots) and places the slots
// taken again, keeping their order in used.
func (s *scores) grow() {
	keys, vals := s.keys, s.vals
	n := max(1024, 2*len(keys))
	s.keys, s.vals, s.stamps = make([]uint64, n), make([]float64, n), make([]uint32, n)
	mask := n - 1
	for i, p := range s.used {
		q := int(mix(keys[p])) & mask
		for s.stamps[q] == s.stamp {
			q = (q + 1) & mask
		}
		s.keys[q], s.vals[q], s.stamps[q] = keys[p], vals[p], s.stamp
		s.used[i] = int32(q)
	}
}

// mix scrambles a cluster id (often a small sequence number) into a slot
// number (the finaliser of SplitMix64).
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	return x ^ x>>31
}
