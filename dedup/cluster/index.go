package cluster

import "slices"

// Index maps terms to the clusters that hold them, to find the clusters worth
// comparing with a new vector. Clusters are named by uint64 ids chosen by the
// caller. The zero Index is not usable; create one with NewIndex. An Index is
// not safe for concurrent use.
//
// A cluster that no longer exists is taken out with Remove, which needs the
// terms it was added under.
type Index struct {
	postings map[uint64][]uint64
	maxScan  int
	scores   map[uint64]float64
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
	return &Index{postings: make(map[uint64][]uint64), maxScan: maxScan, scores: make(map[uint64]float64)}
}

// Add records that cluster holds each of terms. Adding a term the cluster
// already holds appends a second posting; callers keep track of the terms
// they have added (see package dedup) to avoid that.
func (ix *Index) Add(cluster uint64, terms []uint64) {
	for _, t := range terms {
		ix.postings[t] = append(ix.postings[t], cluster)
	}
}

// Terms returns the number of terms with postings.
func (ix *Index) Terms() int { return len(ix.postings) }

// Postings returns the total number of postings held.
func (ix *Index) Postings() int {
	n := 0
	for _, p := range ix.postings {
		n += len(p)
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
	clear(ix.scores)
	for i, t := range terms {
		p := ix.postings[t]
		for _, c := range p[max0(len(p)-ix.maxScan):] {
			ix.scores[c] += weights[i]
		}
	}
	// Keep the best max candidates in dst[start:], sorted, by insertion:
	// max is small and most clusters fall below the worst kept at once.
	start := len(dst)
	better := func(a, b Candidate) bool {
		return a.Score > b.Score || a.Score == b.Score && a.Cluster < b.Cluster
	}
	for c, s := range ix.scores {
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
		p := ix.postings[t]
		// Clusters are usually added in increasing order and a cluster is
		// removed long after, so its posting is near the front.
		if i := slices.Index(p, cluster); i >= 0 {
			p = slices.Delete(p, i, i+1)
		}
		switch {
		case len(p) == 0:
			delete(ix.postings, t)
		case cap(p) > 32 && len(p) < cap(p)/4:
			ix.postings[t] = slices.Clone(p)
		default:
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
