package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/dedup"
)

// Batch mode over the perturbation set gives the same results for every
// order of it: each story's verdict, cluster, score and matches.
func TestBatchOverPerturbationSetIsOrderIndependent(t *testing.T) {
	if testing.Short() {
		t.Skip("draws a perturbation set from Reuters-21578")
	}
	corpus, err := readArticles(reutersPath(t), false)
	require.NoError(t, err)
	arts, _, err := generate(corpus, genConfig{Seed: 5, Originals: 200, Distractors: 400, MaxCopies: 5})
	require.NoError(t, err)
	l := newLabelled(arts)
	cfg := dedup.Config{NoPassages: false}
	first, err := batch(cfg, l)
	require.NoError(t, err)
	want := make(map[string]dedup.Result, len(first.results))
	for _, r := range first.results {
		want[r.ID] = r
	}
	for k := range 5 {
		p := l.permuted(shuffle(7, uint64(k), len(l.stories)))
		out, err := batch(cfg, p)
		require.NoError(t, err)
		got := make(map[string]dedup.Result, len(out.results))
		for _, r := range out.results {
			got[r.ID] = r
		}
		require.Equal(t, want, got, "permutation %d", k)
	}
}
