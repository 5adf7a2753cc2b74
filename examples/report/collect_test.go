package main

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/dedup"
)

func storyAt(i int) dedup.Story {
	return dedup.Story{ID: fmt.Sprintf("s%d", i), Text: fmt.Sprintf("text %d", i), Time: time.Date(2024, 1, 1, i, 0, 0, 0, time.UTC)}
}

func newResult(i int) dedup.Result {
	return dedup.Result{ID: fmt.Sprintf("s%d", i), Cluster: fmt.Sprintf("s%d", i), Kind: dedup.New}
}

// collect reads input lines into a collection, as the command does.
func collect(t testing.TB, in string, args ...string) *collection {
	t.Helper()
	o, err := parseFlags(append([]string{"-o", "-"}, args...), io.Discard)
	require.NoError(t, err)
	d, err := dedup.NewDetector(o.cfg)
	require.NoError(t, err)
	c := newCollection(d)
	rd := &reader{c: c, o: o, stderr: io.Discard, isHTML: func(string) bool { return false }}
	require.NoError(t, rd.inputs(strings.NewReader(in)))
	return c
}

// TestTextsKept checks that the texts of single stories that left the
// window are dropped, and those the page shows are kept.
func TestTextsKept(t *testing.T) {
	var b strings.Builder
	for i := range 4 {
		text := distinctStories[i]
		day := fmt.Sprintf("2024-01-%02dT08:00:00Z", 1+3*i)
		b.WriteString(storyLine(t, map[string]any{"id": fmt.Sprintf("w%d", i), "date": day, "text": text}))
		if i == 1 {
			b.WriteString(storyLine(t, map[string]any{"id": "copy", "date": day, "text": text + "\nMore news at eleven."}))
		}
	}
	// Enough stories for a prune.
	for i := range pruneEvery {
		text := strings.ReplaceAll("alpha# bravo# charlie# delta# echo# foxtrot# golf# hotel# india# juliet#", "#", fmt.Sprint(i))
		b.WriteString(storyLine(t, map[string]any{"id": fmt.Sprintf("late%d", i), "date": "2024-02-01T08:00:00Z", "text": text}))
	}
	c := collect(t, b.String(), "-window", "24h")
	byID := map[string]entry{}
	for _, e := range c.stories {
		byID[e.story.ID] = e
	}
	for _, id := range []string{"w0", "w2", "w3"} {
		assert.True(t, byID[id].dropped, id)
		assert.Empty(t, byID[id].story.Text, id)
	}
	for _, id := range []string{"w1", "copy"} {
		assert.False(t, byID[id].dropped, id)
		assert.NotEmpty(t, byID[id].story.Text, id)
	}
	assert.False(t, byID["late0"].dropped, "still in the window")
}

// TestIDComesBack checks that a story id used again once its first story
// has left the window names the new story in later matches.
func TestIDComesBack(t *testing.T) {
	a, b := distinctStories[0], distinctStories[1]
	// The stories "z..." move the window past the first x (the detector
	// lets stories go once a few hundred dated ones have shown the feed
	// comes in date order).
	in := storyLine(t, map[string]any{"id": "x", "date": "2024-01-01T08:00:00Z", "text": a})
	for i := range 300 {
		text := strings.ReplaceAll("alpha# bravo# charlie# delta# echo# foxtrot# golf# hotel# india# juliet#", "#", fmt.Sprint(i))
		in += storyLine(t, map[string]any{"id": fmt.Sprint("z", i), "date": fmt.Sprintf("2024-01-09T0%d:%02d:00Z", i/60, i%60), "text": text})
	}
	in += storyLine(t, map[string]any{"id": "x", "date": "2024-01-09T08:00:00Z", "text": b}) +
		storyLine(t, map[string]any{"id": "y", "date": "2024-01-09T09:00:00Z", "text": b + "\nMore news at eleven."})
	c := collect(t, in, "-window", "24h")
	require.Len(t, c.stories, 303)
	y := c.stories[302]
	require.Equal(t, dedup.Copy, y.res.Kind)
	assert.Equal(t, []int{301}, y.matches, "the second story named x")
	assert.Equal(t, c.stories[301].group, y.group)
	assert.NotEqual(t, c.stories[0].group, y.group)
}

// A story whose verdict merges clusters moves their stories, added before
// it, into its own cluster: the page shows one cluster saying what merged.
func TestMergedGroups(t *testing.T) {
	c := newCollection(nil)
	for i := range 4 {
		c.add(storyAt(i), false, newResult(i))
	}
	c.add(storyAt(4), false, dedup.Result{ID: "s4", Cluster: "s1", Kind: dedup.SameStory})
	c.add(storyAt(5), false, dedup.Result{ID: "s5", Cluster: "s0", Kind: dedup.SameStory, Merged: []string{"s1", "s3"}})
	live := c.live()
	require.Len(t, live, 2)
	assert.Equal(t, "s0", live[0].id)
	assert.Equal(t, []int{0, 1, 3, 4, 5}, live[0].members)
	assert.Equal(t, []string{"s1", "s3"}, live[0].merged)
	assert.Equal(t, "s2", live[1].id)
	for _, pos := range live[0].members {
		assert.Equal(t, c.stories[0].group, c.stories[pos].group, pos)
	}

	p := buildPage(c, options{maxClusters: 10}, dedup.Config{})
	assert.Equal(t, 2, p.Summary.Clusters)
	require.Len(t, p.Clusters, 1)
	assert.Equal(t, []string{"s1", "s3"}, p.Clusters[0].Merged)
	assert.Equal(t, 5, p.Clusters[0].Size)
	require.Len(t, p.Singles, 1)
	var out strings.Builder
	require.NoError(t, render(&out, p))
	has(t, out.String(), `<p class="merged">Merged into this cluster: <code>s1</code>, <code>s3</code>.</p>`)
	has(t, out.String(), `<p class="merged">Its arrival merged the clusters <code>s1</code>, <code>s3</code> into this one.</p>`)
}

// TestBatchMergedNewStory checks that a new story whose cluster batch
// mode's second look merged into an older one (its result names the older
// cluster) joins that cluster's group, and does not take its id for a group
// of its own.
func TestBatchMergedNewStory(t *testing.T) {
	c := newCollection(nil)
	c.add(storyAt(0), false, newResult(0))
	c.add(storyAt(1), false, newResult(1))
	c.add(storyAt(2), false, dedup.Result{ID: "s2", Cluster: "s0", Kind: dedup.New})
	c.add(storyAt(3), false, dedup.Result{ID: "s3", Cluster: "s0", Kind: dedup.Copy})
	live := c.live()
	require.Len(t, live, 2)
	assert.Equal(t, "s0", live[0].id)
	assert.Equal(t, []int{0, 2, 3}, live[0].members)
	assert.Equal(t, "s1", live[1].id)
}

// TestMergedShown renders clusters that say what merged into them.
func TestMergedShown(t *testing.T) {
	p := page{Title: "t", Clusters: []clusterView{{
		Anchor: "c0", ID: "a", Headline: "h", Size: 2, Merged: []string{"b", "c<d"},
		Stories: []storyView{{Anchor: "s1", ID: "x", Kind: "same_story", Verdict: "same story", Merged: []string{"b"}}},
	}}}
	var out strings.Builder
	require.NoError(t, render(&out, p))
	has(t, out.String(), `<p class="merged">Merged into this cluster: <code>b</code>, <code>c&lt;d</code>.</p>`)
	has(t, out.String(), `<p class="merged">Its arrival merged the clusters <code>b</code> into this one.</p>`)
}
