package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/newsdup/newsdup/dedup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// labels splits "a a b" into one label per item.
func labels(s string) []string { return strings.Fields(s) }

func TestScore(t *testing.T) {
	const eps = 1e-12
	cases := []struct {
		name       string
		gold, pred string
		want       scores
	}{
		{
			// Contingency: gold a = {x:2, y:1}, gold b = {y:1, z:2}.
			// B-cubed P = (2/2+2/2+1/2+1/2+2/2+2/2)/6 = 5/6,
			// R = (2/3+2/3+1/3+1/3+2/3+2/3)/6 = 5/9, F1 = 2/3.
			// Pairs: 2 true of 3 predicted and 6 gold; P = 2/3, R = 1/3,
			// F1 = 4/9. ARI: expected 6*3/15 = 1.2, max 4.5,
			// (2-1.2)/(4.5-1.2) = 8/33.
			name: "split and shifted",
			gold: "a a a b b b", pred: "x x y y z z",
			want: scores{Items: 6, Gold: 2, Predicted: 3,
				BCubedP: 5.0 / 6, BCubedR: 5.0 / 9, BCubedF1: 2.0 / 3,
				PairP: 2.0 / 3, PairR: 1.0 / 3, PairF1: 4.0 / 9,
				ARI: 8.0 / 33, TruePairs: 2, PredPairs: 3, GoldPairs: 6},
		},
		{
			name: "all singletons in both",
			gold: "a b c d", pred: "w x y z",
			want: scores{Items: 4, Gold: 4, Predicted: 4,
				BCubedP: 1, BCubedR: 1, BCubedF1: 1, PairP: 1, PairR: 1, PairF1: 1, ARI: 1},
		},
		{
			// B-cubed P = 1/4 for every item, R = 1, F1 = 2(1/4)/(5/4) = 2/5.
			// No gold pair: recall is 1 and precision 0 of 6 predicted
			// pairs. ARI: expected 0*6/6 = 0, max 3, (0-0)/3 = 0.
			name: "singletons merged into one big cluster",
			gold: "a b c d", pred: "x x x x",
			want: scores{Items: 4, Gold: 4, Predicted: 1,
				BCubedP: 0.25, BCubedR: 1, BCubedF1: 0.4, PairP: 0, PairR: 1, PairF1: 0, ARI: 0,
				PredPairs: 6},
		},
		{
			name: "one big cluster split into singletons",
			gold: "a a a a", pred: "w x y z",
			want: scores{Items: 4, Gold: 1, Predicted: 4,
				BCubedP: 1, BCubedR: 0.25, BCubedF1: 0.4, PairP: 1, PairR: 0, PairF1: 0, ARI: 0,
				GoldPairs: 6},
		},
		{
			name: "one big cluster in both",
			gold: "a a a", pred: "x x x",
			want: scores{Items: 3, Gold: 1, Predicted: 1,
				BCubedP: 1, BCubedR: 1, BCubedF1: 1, PairP: 1, PairR: 1, PairF1: 1, ARI: 1,
				TruePairs: 3, PredPairs: 3, GoldPairs: 3},
		},
		{
			name: "identical up to label names",
			gold: "a a b c c c", pred: "z z y x x x",
			want: scores{Items: 6, Gold: 3, Predicted: 3,
				BCubedP: 1, BCubedR: 1, BCubedF1: 1, PairP: 1, PairR: 1, PairF1: 1, ARI: 1,
				TruePairs: 4, PredPairs: 4, GoldPairs: 4},
		},
		{
			// Every item's clusters overlap by half: B-cubed 1/2 each way.
			// No true pair of 2 predicted and 2 gold. ARI: expected
			// 2*2/6 = 2/3, max 2, (0-2/3)/(2-2/3) = -1/2.
			name: "crossed",
			gold: "a a b b", pred: "x y x y",
			want: scores{Items: 4, Gold: 2, Predicted: 2,
				BCubedP: 0.5, BCubedR: 0.5, BCubedF1: 0.5, PairP: 0, PairR: 0, PairF1: 0, ARI: -0.5,
				PredPairs: 2, GoldPairs: 2},
		},
		{
			name: "one item",
			gold: "a", pred: "x",
			want: scores{Items: 1, Gold: 1, Predicted: 1,
				BCubedP: 1, BCubedR: 1, BCubedF1: 1, PairP: 1, PairR: 1, PairF1: 1, ARI: 1},
		},
		{
			// A copy missed: gold {o c1 c2} {d}, predicted {o c1} {c2} {d}.
			// B-cubed P = 1, R = (2/3+2/3+1/3+1)/4 = 2/3, F1 = 4/5.
			// Pairs: 1 true of 1 predicted and 3 gold. ARI: expected
			// 3*1/6 = 1/2, max 2, (1-1/2)/(2-1/2) = 1/3.
			name: "a missed copy",
			gold: "o o o d", pred: "o o c d",
			want: scores{Items: 4, Gold: 2, Predicted: 3,
				BCubedP: 1, BCubedR: 2.0 / 3, BCubedF1: 0.8, PairP: 1, PairR: 1.0 / 3, PairF1: 0.5, ARI: 1.0 / 3,
				TruePairs: 1, PredPairs: 1, GoldPairs: 3},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := score(labels(c.gold), labels(c.pred))
			require.NoError(t, err)
			assert.Equal(t, c.want.Items, got.Items)
			assert.Equal(t, c.want.Gold, got.Gold, "gold clusters")
			assert.Equal(t, c.want.Predicted, got.Predicted, "predicted clusters")
			assert.InDelta(t, c.want.BCubedP, got.BCubedP, eps, "B-cubed precision")
			assert.InDelta(t, c.want.BCubedR, got.BCubedR, eps, "B-cubed recall")
			assert.InDelta(t, c.want.BCubedF1, got.BCubedF1, eps, "B-cubed F1")
			assert.InDelta(t, c.want.PairP, got.PairP, eps, "pairwise precision")
			assert.InDelta(t, c.want.PairR, got.PairR, eps, "pairwise recall")
			assert.InDelta(t, c.want.PairF1, got.PairF1, eps, "pairwise F1")
			assert.InDelta(t, c.want.ARI, got.ARI, eps, "ARI")
			assert.Equal(t, c.want.TruePairs, got.TruePairs, "true pairs")
			assert.Equal(t, c.want.PredPairs, got.PredPairs, "predicted pairs")
			assert.Equal(t, c.want.GoldPairs, got.GoldPairs, "gold pairs")
		})
	}
}

func TestScoreErrors(t *testing.T) {
	cases := []struct {
		name       string
		gold, pred []string
		msg        string
	}{
		{"no items", nil, nil, "no items"},
		{"lengths differ", labels("a b"), labels("a"), "2 gold labels but 1 predicted"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := score(c.gold, c.pred)
			require.ErrorIs(t, err, errScore)
			assert.Contains(t, err.Error(), c.msg)
		})
	}
}

// randomLabels returns n labels drawn uniformly from k.
func randomLabels(r *rand.Rand, n, k int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(r.IntN(k))
	}
	return out
}

// The ARI of two independent random labellings is about 0: its expectation
// is exactly 0 and, for 5,000 items in 50 clusters, it stays within 0.001 of
// it (largest |ARI| over these seeds 0.0007), so the tolerance of 0.005
// leaves room while still failing if the chance correction were missing (the
// unadjusted Rand index here is about 0.96).
func TestARIOfIndependentLabellingsIsNearZero(t *testing.T) {
	for seed := range uint64(10) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 1))
			s, err := score(randomLabels(r, 5000, 50), randomLabels(r, 5000, 50))
			require.NoError(t, err)
			assert.InDelta(t, 0, s.ARI, 0.005)
			assert.Less(t, s.PairF1, 0.05, "random pairs agree by chance only")
		})
	}
}

// Swapping gold and predicted swaps precision and recall and keeps ARI;
// reordering the items changes nothing.
func TestScoreProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for i := range 20 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			n := 1 + r.IntN(300)
			gold, pred := randomLabels(r, n, 1+r.IntN(n)), randomLabels(r, n, 1+r.IntN(n))
			s, err := score(gold, pred)
			require.NoError(t, err)
			swapped, err := score(pred, gold)
			require.NoError(t, err)
			assert.InDelta(t, s.BCubedP, swapped.BCubedR, 1e-12)
			assert.InDelta(t, s.BCubedR, swapped.BCubedP, 1e-12)
			assert.InDelta(t, s.PairP, swapped.PairR, 1e-12)
			assert.InDelta(t, s.ARI, swapped.ARI, 1e-12)

			perm := r.Perm(n)
			g2, p2 := make([]string, n), make([]string, n)
			for j, k := range perm {
				g2[j], p2[j] = gold[k], pred[k]
			}
			shuffled, err := score(g2, p2)
			require.NoError(t, err)
			assert.InDelta(t, s.BCubedF1, shuffled.BCubedF1, 1e-12)
			assert.InDelta(t, s.ARI, shuffled.ARI, 1e-12)
			assert.Equal(t, s.TruePairs, shuffled.TruePairs)

			for _, v := range []float64{s.BCubedP, s.BCubedR, s.BCubedF1, s.PairP, s.PairR, s.PairF1} {
				assert.True(t, v >= 0 && v <= 1, "%v out of [0, 1]", v)
			}
			assert.False(t, math.IsNaN(s.ARI))
			assert.LessOrEqual(t, s.ARI, 1.0)
		})
	}
}

// Stories of a cluster that a later story merged into its own are counted
// in that cluster, whether they came before the merge or after, and a chain
// of merges ends in the last cluster.
func TestRelabelFollowsMerges(t *testing.T) {
	results := []dedup.Result{
		{ID: "a", Cluster: "a"},
		{ID: "b", Cluster: "b"},
		{ID: "c", Cluster: "c"},
		{ID: "d", Cluster: "b", Merged: []string{"c"}},
		{ID: "e", Cluster: "a", Merged: []string{"b"}},
		{ID: "f", Cluster: "f"},
	}
	pred := make([]string, len(results))
	for i, r := range results {
		pred[i] = r.Cluster
	}
	relabel(pred, results)
	assert.Equal(t, []string{"a", "a", "a", "a", "a", "f"}, pred)
}

// With -v, a gold cluster split over several predicted clusters is listed
// with the predicted clusters inside it, largest first, and the days its
// stories span.
func TestSplitEvents(t *testing.T) {
	day := func(d int) dedup.Story {
		return dedup.Story{Time: time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC)}
	}
	l := labelled{
		stories: []dedup.Story{day(1), day(2), day(9), day(3), day(4)},
		gold:    []string{"e1", "e1", "e1", "e2", "e2"},
	}
	out := outcome{pred: []string{"a", "a", "b", "c", "c"}}
	out.scores.Gold = 2
	e := &evaluation{opts: options{verboseMax: 5}}
	var w strings.Builder
	e.splitEvents(&w, "set", l, out)
	assert.Equal(t, "### set: 1 of 2 gold clusters split over several predicted clusters\n\n- event e1 (3 stories, over 8 days): a ×2, b ×1\n", w.String())
}
