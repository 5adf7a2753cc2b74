package dedup

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// similarPair returns two texts of made-up words whose similarity as
// wholes (the score Query gives the second against the first, with no
// window to discount it) is within [lo, hi), and that are no copies: the
// second shuffles some of the first's words among new ones. (The detector
// that measures it reports any similarity from 0.05.)
func similarPair(t *testing.T, rng *rand.Rand, lo, hi float64) (string, string) {
	t.Helper()
	for range 200 {
		a := strings.Fields(randomText(rng, 60))
		kept := 5 + rng.IntN(45)
		b := append([]string(nil), a[:kept]...)
		b = append(b, strings.Fields(randomText(rng, 60-kept))...)
		rng.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
		ta, tb := strings.Join(a, " "), strings.Join(b, " ")
		d := newDetector(t, Config{Window: -1, SameStoryThreshold: 0.05})
		_, err := d.Add(Story{ID: "a", Text: ta})
		require.NoError(t, err)
		r, err := d.Query(Story{ID: "b", Text: tb})
		require.NoError(t, err)
		if r.Kind == SameStory && r.Score >= lo && r.Score < hi {
			return ta, tb
		}
	}
	t.Fatalf("no pair of texts with a similarity in [%g, %g)", lo, hi)
	return "", ""
}

// A follow-up published days after a story, that agrees with it well as a
// whole but not well enough to overcome the stream's discount for the time
// between them, starts a cluster of its own in a stream; Batch, which sees
// both clusters as wholes, merges them into the older one and says so in
// every result and in the detector it returns. Batch leaves apart what is
// too far apart in time, or agrees too little.
func TestBatchRelinksFragments(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	t0 := time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC)
	// With the default window (72 hours) and story horizon (7 days), a
	// story 6.5 days after a cluster loses 0.175 of its similarity, so a
	// similarity under 0.505 falls below the threshold (0.33).
	close, far := t0.Add(156*time.Hour), t0.Add(12*24*time.Hour)
	ta, tb := similarPair(t, rng, 0.43, 0.49)
	weakA, weakB := similarPair(t, rng, 0.2, 0.32)

	stream := func(stories ...Story) []Result {
		d := newDetector(t, Config{})
		var rs []Result
		for _, s := range stories {
			r, err := d.Add(s)
			require.NoError(t, err)
			rs = append(rs, r)
		}
		return rs
	}
	batch := func(stories ...Story) ([]Result, *Detector) {
		rs := make([]Result, len(stories))
		d, err := Batch(context.Background(), Config{Clock: fixedClock}, Stories(stories), func(i int, r Result, err error) error {
			require.NoError(t, err)
			rs[i] = r
			return nil
		})
		require.NoError(t, err)
		return rs, d
	}

	t.Run("days apart", func(t *testing.T) {
		a, b := Story{ID: "a", Text: ta, Time: t0}, Story{ID: "b", Text: tb, Time: close}
		rs := stream(a, b)
		assert.Equal(t, New, rs[1].Kind, "the stream discounts the days between them")
		assert.Equal(t, "b", rs[1].Cluster)

		rs, d := batch(b, a)
		assert.Equal(t, "a", rs[0].Cluster, "b joins the older cluster")
		assert.Equal(t, New, rs[0].Kind, "the verdict stands; the cluster is the whole's")
		assert.Empty(t, rs[0].Merged, "every result carries its final cluster")
		assert.Equal(t, "a", rs[1].Cluster)
		c, ok := d.ClusterOf("b")
		require.True(t, ok)
		assert.Equal(t, "a", c.ID)
		assert.ElementsMatch(t, []string{"a", "b"}, c.Stories)
		require.Len(t, d.Clusters(), 1)
		checkClusterSums(t, d.st)

		// The detector goes on as a stream, with the merged cluster.
		r, err := d.Add(Story{ID: "b-again", Text: tb, Time: close.Add(time.Hour)})
		require.NoError(t, err)
		assert.Equal(t, Copy, r.Kind)
		assert.Equal(t, "a", r.Cluster)
	})

	t.Run("weeks apart", func(t *testing.T) {
		rs, _ := batch(Story{ID: "a", Text: ta, Time: t0}, Story{ID: "b", Text: tb, Time: far})
		assert.Equal(t, "a", rs[0].Cluster)
		assert.Equal(t, "b", rs[1].Cluster, "no day named, beyond the story horizon")
	})

	t.Run("different days named", func(t *testing.T) {
		// The same pair, each naming the day it reports on: two
		// reports of one kind, a week apart.
		a := Story{ID: "a", Language: "en", Text: "Figures for March 3.\n\n" + ta, Time: t0}
		b := Story{ID: "b", Language: "en", Text: "Figures for March 9.\n\n" + tb, Time: close}
		rs, _ := batch(a, b)
		assert.Equal(t, "b", rs[1].Cluster)
		b.Text = "Figures for March 3.\n\n" + tb
		rs, _ = batch(a, b)
		assert.Equal(t, "a", rs[1].Cluster, "the same day named")
	})

	t.Run("a day reported", func(t *testing.T) {
		// t0 is a Monday: a's "Friday" is March 1, a day of its event,
		// which b, weeks later, names as a date.
		a := Story{ID: "a", Language: "en", Text: "Police said the shooting was Friday.\n\n" + ta, Time: t0}
		b := Story{ID: "b", Language: "en", Text: "The March 1 shooting.\n\n" + tb, Time: far}
		rs, _ := batch(a, b)
		assert.Equal(t, "a", rs[1].Cluster, "b names a day of a's event")
		assert.Equal(t, stream(a, b)[1].Cluster, rs[1].Cluster, "as the stream has it")
		b.Text = "The March 2 shooting.\n\n" + tb
		rs, _ = batch(a, b)
		assert.Equal(t, "b", rs[1].Cluster, "another day")
	})

	t.Run("weak agreement", func(t *testing.T) {
		rs, _ := batch(Story{ID: "a", Text: weakA, Time: t0}, Story{ID: "b", Text: weakB, Time: t0.Add(time.Hour)})
		assert.Equal(t, "b", rs[1].Cluster)
	})
}

func TestDaysConflict(t *testing.T) {
	o := func(named, days []int32) *outline { return &outline{named: named, days: days} }
	for _, c := range []struct {
		a, b *outline
		want bool
		why  string
	}{
		{o(nil, []int32{10}), o([]int32{3}, []int32{12}), false, "one names no day"},
		{o([]int32{3}, []int32{10}), o([]int32{3}, []int32{12}), false, "the same day named"},
		{o([]int32{3}, []int32{10}), o([]int32{9}, []int32{12}), false, "b names the day before a's stories"},
		{o([]int32{11}, []int32{10}), o([]int32{9}, []int32{12}), false, "a names the day b's stories came out"},
		{o([]int32{3}, []int32{10}), o([]int32{4}, []int32{12}), true, "different days"},
		{o([]int32{3, 5}, []int32{10}), o([]int32{4, 6}, []int32{12}), true, "different days"},
	} {
		assert.Equal(t, c.want, daysConflict(c.a, c.b), c.why)
		assert.Equal(t, c.want, daysConflict(c.b, c.a), c.why)
	}
}

// An outline's event days are those of the stream's clusters: the days its
// stories were published and the days they report (see reportWindow).
func TestOutlineDaysReported(t *testing.T) {
	d := newDetector(t, Config{})
	monday := time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC)
	p, f := featuresFor(t, d, Story{ID: "a", Language: "en", Time: monday,
		Text: "Police said the shooting was Friday. A man was hurt in the March 2 fight."})
	o := newOutlines().observe(p, f, &Result{ID: "a", Kind: New, Cluster: "a"})
	day := func(s string) int32 { return dayOf(dateOf(t, s)) }
	assert.Equal(t, []int32{day("2024-03-01"), day("2024-03-02"), day("2024-03-04")}, o.days)
	assert.Equal(t, []int32{day("2024-03-02")}, o.named)
}
