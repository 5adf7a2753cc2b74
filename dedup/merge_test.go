package dedup

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fragmentWords returns n made-up words starting with prefix: words no
// background table knows, so each weighs the same.
func fragmentWords(prefix string, n int) []string {
	syl := []string{"ka", "lo", "mir", "tav", "zen", "rup", "dos", "fel"}
	w := make([]string, n)
	for i := range w {
		w[i] = prefix + syl[i%len(syl)] + syl[(i/len(syl))%len(syl)] + "x"
	}
	return w
}

// fragmentStory is a story made of the words of p and the first q words
// of q, in an order of its own so that no two such stories share word
// sequences (and none is a copy of another).
func fragmentStory(rng *rand.Rand, id string, p, q []string) Story {
	words := append(append([]string(nil), p...), q...)
	rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	return Story{ID: id, Text: strings.Join(words, " ") + "."}
}

// fragmentFeed is two fragments of one story: reports told around the words
// of P and reports told around those of Q, each borrowing a few words of the
// other, so that no report is near enough to the other fragment to join it
// until the fragments, as wholes, agree.
func fragmentFeed() []Story {
	rng := rand.New(rand.NewPCG(7, 7))
	p, q := fragmentWords("p", 24), fragmentWords("q", 24)
	var s []Story
	s = append(s, fragmentStory(rng, "a1", p, nil), fragmentStory(rng, "b1", q, nil))
	for i := 2; i <= 6; i++ {
		s = append(s,
			fragmentStory(rng, fmt.Sprintf("a%d", i), p[:20], q[:10]),
			fragmentStory(rng, fmt.Sprintf("b%d", i), q[:20], p[:10]))
	}
	return s
}

// checkClusterSums checks what the state keeps of its clusters against what
// they hold: the document frequency of a term is the number of clusters
// whose centroid has it, and every member names its cluster.
func checkClusterSums(t *testing.T, st *state) {
	t.Helper()
	df := map[uint64]uint32{}
	for _, cl := range st.clusters {
		cl.centroid.EachTerm(func(t uint64) { df[t]++ })
		for _, m := range st.members.View(cl.members) {
			assert.Same(t, cl, m.cl, m.id)
		}
	}
	for term, n := range df {
		assert.Equal(t, st.bg.df[term]+n, st.df[term], "term %x", term)
	}
	for term, n := range st.df {
		assert.Equal(t, st.bg.df[term]+df[term], n, "term %x", term)
	}
	// Clusters in outline are those of the index of days, under each of
	// their days with each of their heaviest terms, and hold no story, line
	// or indexed term.
	postings := 0
	for _, cl := range st.clusters {
		if !cl.late {
			continue
		}
		keys := dayTerms(cl)
		postings += len(keys)
		for _, k := range keys {
			cands := st.byDay.CandidatesFunc(nil, []uint64{k}, []float64{1}, 1, func(c uint64) bool { return c == cl.key })
			assert.Len(t, cands, 1, "cluster %s under its day and term", cl.id)
		}
		assert.Zero(t, cl.members.Len(), cl.id)
		assert.Empty(t, cl.lines, cl.id)
		assert.Zero(t, cl.indexed.Len(), cl.id)
		assert.LessOrEqual(t, cl.centroid.Terms(), lateTerms, cl.id)
	}
	assert.Equal(t, postings, st.byDay.Postings(), "the index of days holds the clusters in outline, and no other")
}

func TestFragmentsMerge(t *testing.T) {
	d := newDetector(t, Config{})
	var merged []Result
	clusters := map[string]string{}
	for _, s := range fragmentFeed() {
		r, err := d.Add(s)
		require.NoError(t, err)
		clusters[s.ID] = r.Cluster
		if len(r.Merged) > 0 {
			merged = append(merged, r)
		}
	}
	require.Len(t, merged, 1, "one story merges the fragments: %v", clusters)
	m := merged[0]
	assert.Equal(t, SameStory, m.Kind)
	assert.Equal(t, "a1", m.Cluster, "the older cluster's id stays")
	assert.Equal(t, []string{"b1"}, m.Merged)
	assert.Equal(t, "b1", clusters["b2"], "the fragments were apart before")

	all := d.Clusters()
	require.Len(t, all, 1)
	assert.Equal(t, "a1", all[0].ID)
	assert.Len(t, all[0].Stories, 12)
	checkClusterSums(t, d.st)

	// A snapshot keeps the merged cluster.
	var buf strings.Builder
	require.NoError(t, d.Save(&buf))
	e, err := Load(strings.NewReader(buf.String()), Config{Clock: fixedClock})
	require.NoError(t, err)
	assert.Equal(t, all, e.Clusters())
}

func TestFragmentsWithoutAgreementStayApart(t *testing.T) {
	// The same stories without the reports that borrow from the other
	// fragment: a story told around both agrees with each, but the
	// fragments do not agree with each other, so it joins one and
	// merges nothing.
	rng := rand.New(rand.NewPCG(7, 7))
	p, q := fragmentWords("p", 24), fragmentWords("q", 24)
	d := newDetector(t, Config{})
	for i := 1; i <= 3; i++ {
		_, err := d.Add(fragmentStory(rng, fmt.Sprintf("a%d", i), p, nil))
		require.NoError(t, err)
		_, err = d.Add(fragmentStory(rng, fmt.Sprintf("b%d", i), q, nil))
		require.NoError(t, err)
	}
	r, err := d.Add(fragmentStory(rng, "bridge", p, q))
	require.NoError(t, err)
	assert.Equal(t, SameStory, r.Kind)
	assert.Empty(t, r.Merged)
	assert.Len(t, d.Clusters(), 2)
}

// A detector that shares the log replays the merge: after Sync it holds
// the merged cluster, and the log entry names the cluster absorbed.
func TestFragmentsMergeInSharedLog(t *testing.T) {
	ctx := context.Background()
	store := &MemoryStore{}
	cfg := Config{Clock: fixedClock}
	a, err := NewSharedDetector(ctx, cfg, store)
	require.NoError(t, err)
	b, err := NewSharedDetector(ctx, cfg, store)
	require.NoError(t, err)
	feed := fragmentFeed()
	for i, s := range feed {
		w := a
		if i%2 == 1 {
			w = b // the workers take turns, so each has entries to replay
		}
		_, err := w.AddContext(ctx, s)
		require.NoError(t, err)
	}
	require.NoError(t, a.Sync(ctx))
	require.NoError(t, b.Sync(ctx))
	want := newDetector(t, Config{})
	for _, s := range feed {
		_, err := want.Add(s)
		require.NoError(t, err)
	}
	require.Len(t, want.Clusters(), 1)
	assert.Equal(t, want.Clusters(), a.Clusters())
	assert.Equal(t, want.Clusters(), b.Clusters())
	checkClusterSums(t, a.st)
	checkClusterSums(t, b.st)

	// A worker that joins later replays the whole log.
	c, err := NewSharedDetector(ctx, cfg, store)
	require.NoError(t, err)
	require.NoError(t, c.Sync(ctx))
	assert.Equal(t, want.Clusters(), c.Clusters())
}

// A merged cluster keeps the summaries of both fragments: more than
// summaryStories stories that left the window can count in it, and its
// snapshot loads.
func TestSnapshotOfMergedSummaries(t *testing.T) {
	d := newDetector(t, Config{})
	for _, s := range fragmentFeed() {
		_, err := d.Add(s)
		require.NoError(t, err)
	}
	require.Len(t, d.st.clusters, 1)
	for _, cl := range d.st.clusters {
		cl.kept = summaryStories + 2 // as fragments whose first stories had left would have (of 12)
	}
	var buf strings.Builder
	require.NoError(t, d.Save(&buf))
	e, err := Load(strings.NewReader(buf.String()), Config{Clock: fixedClock})
	require.NoError(t, err)
	for _, cl := range e.st.clusters {
		assert.Equal(t, summaryStories+2, cl.kept)
	}
}

// Over ECB+, where fragments of one event merge several times, what the
// state keeps of its clusters stays true to what they hold, and the merged
// clusters come back from a snapshot.
func TestMergesOverECB(t *testing.T) {
	stories := readJSONL(t, dataset(t, "NEWSDUP_ECBPLUS", filepath.Join("ecbplus", "articles.jsonl")))
	d := newDetector(t, Config{})
	merges := 0
	for _, s := range stories {
		r, err := d.Add(s.Story)
		require.NoError(t, err)
		merges += len(r.Merged)
	}
	assert.Greater(t, merges, 0)
	checkClusterSums(t, d.st)
	var buf strings.Builder
	require.NoError(t, d.Save(&buf))
	e, err := Load(strings.NewReader(buf.String()), Config{Clock: fixedClock})
	require.NoError(t, err)
	assert.Equal(t, d.Clusters(), e.Clusters())
	checkClusterSums(t, e.st)
}

// A year of Reuters in date order: clusters leave the window, wait for the
// story horizon as summaries, merge and are dropped, and what the state
// keeps of them stays true to what they hold.
func TestMergesOverReuters(t *testing.T) {
	if testing.Short() {
		t.Skip("reads Reuters-21578")
	}
	var dated []Story
	for _, s := range readJSONL(t, dataset(t, "NEWSDUP_REUTERS", "reuters21578/articles.jsonl")) {
		if !s.Time.IsZero() && len(strings.Fields(s.Text)) >= 20 {
			dated = append(dated, s.Story)
		}
	}
	slices.SortStableFunc(dated, func(a, b Story) int { return a.Time.Compare(b.Time) })
	d := newDetector(t, Config{})
	merges, outline := 0, 0
	for i, s := range dated {
		if i > 0 && dated[i-1].Time.Month() == time.April && s.Time.Month() != time.April {
			// The end of April: the clusters of its first weeks are past
			// the story horizon, within the event horizon.
			outline = checkOutline(t, d)
		}
		r, err := d.Add(s)
		require.NoError(t, err)
		merges += len(r.Merged)
	}
	t.Logf("%d stories, %d clusters merged into others, %d held at the end, %d clusters in outline at the end of April", len(dated), merges, d.Len(), outline)
	assert.Less(t, d.Len(), len(dated)/2, "stories left the window")
	assert.Greater(t, outline, 100, "clusters past the story horizon are kept in outline")
	checkClusterSums(t, d.st)
}

// checkOutline checks the state of a detector, and that a snapshot keeps
// its clusters in outline as they are, in the index of days. It returns the
// clusters in outline.
func checkOutline(t *testing.T, d *Detector) int {
	t.Helper()
	checkClusterSums(t, d.st)
	var buf bytes.Buffer
	require.NoError(t, d.Save(&buf))
	e, err := Load(&buf, Config{})
	require.NoError(t, err)
	checkClusterSums(t, e.st)
	assert.Equal(t, d.st.byDay.Postings(), e.st.byDay.Postings())
	assert.Equal(t, d.Clusters(), e.Clusters())
	n := 0
	for _, cl := range d.st.clusters {
		if cl.late {
			n++
			assert.True(t, e.st.clusters[cl.key].late, cl.id)
		}
	}
	assert.Len(t, e.st.late, n, "the loaded detector waits for each to leave")
	return n
}
