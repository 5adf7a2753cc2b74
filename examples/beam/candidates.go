package main

import (
	"cmp"
	"context"
	"math/bits"
	"slices"
	"strconv"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

// Pair is a candidate pair: two stories that may be copies, A before B in
// key order, to be decided in Shard, the home shard of B.
type Pair struct {
	A, B  string
	Shard int64
}

// pairKey returns a key that names a pair once.
func pairKey(p Pair) string { return strconv.Itoa(len(p.A)) + ":" + p.A + p.B }

// Bounds on the pairs drawn from one candidate group, as the detector
// bounds the candidates it checks for one story.
const (
	// bandPrevious: each story is paired with at most this many of the
	// stories before it in an LSH band or SimHash block group, the latest
	// (the detector verifies the latest 64 LSH and SimHash candidates).
	bandPrevious = 64
	// anchorPrevious: each story is paired with the story before it that
	// holds the anchor (the detector's anchor index keeps the latest
	// holder of each anchor: a story and its copies share anchors, and any
	// of them finds the cluster).
	anchorPrevious = 1
)

// pairFn turns a candidate group into candidate pairs: each story at home
// in the group's shard is paired with the latest stories before it in the
// group that lie within the window (for SimHash blocks, only those within
// simhashDistance). A group holds one shard's stories at most.
type pairFn struct {
	S Settings
}

var candidatePairs = beam.NewCounter("newsdup", "candidate_pairs_drawn")

// ProcessElement draws the pairs of one candidate group.
func (fn *pairFn) ProcessElement(ctx context.Context, key string, members func(*Member) bool, emit func(string, Pair)) {
	var ms []Member
	var m Member
	for members(&m) {
		ms = append(ms, m)
	}
	if len(ms) < 2 {
		return
	}
	shard, kind := parseGroupKey(key)
	for _, p := range pairsOf(fn.S, shard, kind, ms) {
		emit(pairKey(p), p)
		candidatePairs.Inc(ctx, 1)
	}
}

// pairsOf returns the candidate pairs of a group's members (in any order).
func pairsOf(s Settings, shard int64, kind byte, ms []Member) []Pair {
	slices.SortFunc(ms, func(a, b Member) int { return cmp.Compare(a.Key, b.Key) })
	limit := bandPrevious
	if kind == kindAnchor {
		limit = anchorPrevious
	}
	var out []Pair
	for i, b := range ms {
		if b.Home != shard {
			continue // context: decided in its own shard
		}
		n := 0
		for j := i - 1; j >= 0 && n < limit; j-- {
			a := ms[j]
			if !s.comparable(a.Time, a.Dated, b.Time, b.Dated) {
				break // and so is every story before it
			}
			if a.Key == b.Key {
				continue
			}
			if kind == kindSimHash && bits.OnesCount64(a.FP^b.FP) > simhashDistance {
				continue
			}
			out = append(out, Pair{A: a.Key, B: b.Key, Shard: shard})
			n++
		}
	}
	return out
}

// firstPairFn keeps one of the copies of a pair drawn from several groups,
// keyed by the shard that decides it.
func firstPairFn(_ string, pairs func(*Pair) bool, emit func(int64, Pair)) {
	var p Pair
	if pairs(&p) {
		emit(p.Shard, p)
	}
}
