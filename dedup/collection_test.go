package dedup

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// batchResults runs Batch over stories and returns the results and errors
// by index, and the order in which they were emitted.
func batchResults(t testing.TB, cfg Config, stories []Story) ([]Result, []error, []int) {
	t.Helper()
	if cfg.Clock == nil {
		cfg.Clock = fixedClock
	}
	rs := make([]Result, len(stories))
	errs := make([]error, len(stories))
	var order []int
	_, err := Batch(context.Background(), cfg, Stories(stories), func(i int, r Result, err error) error {
		rs[i], errs[i] = r, err
		order = append(order, i)
		return nil
	})
	require.NoError(t, err)
	require.Len(t, order, len(stories), "one result for each story")
	return rs, errs, order
}

// byID maps each story's id to its result.
func byID(rs []Result) map[string]Result {
	m := make(map[string]Result, len(rs))
	for _, r := range rs {
		m[r.ID] = r
	}
	return m
}

func TestBatchIsOrderIndependent(t *testing.T) {
	stories := make([]Story, 0, 80)
	for _, s := range newsroom(t) {
		stories = append(stories, s.Story)
	}
	agency, rewrite := seedStories(t)
	stories = append(stories, agency, rewrite)
	rng := rand.New(rand.NewPCG(7, 8))
	base := time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range 30 {
		s := Story{ID: fmt.Sprint("r", i), Time: base.Add(time.Duration(rng.IntN(600)) * time.Hour), Text: randomText(rng, 80)}
		c := s
		c.ID, c.Time = fmt.Sprint("c", i), s.Time.Add(time.Duration(rng.IntN(100))*time.Hour)
		stories = append(stories, s, c)
	}
	want, _, _ := batchResults(t, Config{}, stories)
	for p := range 5 {
		shuffled := append([]Story(nil), stories...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		got, _, _ := batchResults(t, Config{}, shuffled)
		assert.Equal(t, byID(want), byID(got), "permutation %d", p)
	}
	copies := 0
	for _, r := range want {
		assert.False(t, r.Late)
		if r.Kind == Copy {
			copies++
		}
	}
	assert.GreaterOrEqual(t, copies, 20, "copies within 72 hours of their story are found")
}

func TestBatchOrder(t *testing.T) {
	day := func(n int) time.Time { return time.Date(2021, 12, n, 0, 0, 0, 0, time.UTC) }
	stories := []Story{
		{ID: "undated-b", Text: "b"},
		{ID: "late", Time: day(3), Text: "x"},
		{ID: "undated-a", Text: "a"},
		{ID: "early", Time: day(1), Text: "y"},
		{ID: "dup", Time: day(2), Text: "first in the input"},
		{ID: "dup", Time: day(2), Text: "second in the input"},
		{ID: "dup", Time: day(1), Text: "earlier in time"},
	}
	rs, errs, order := batchResults(t, Config{}, stories)
	assert.Equal(t, []int{6, 3, 4, 5, 1, 2, 0}, order, "by time, id and index; undated last by id")
	assert.NoError(t, errs[6])
	assert.Equal(t, "dup", rs[6].ID)
	assert.ErrorIs(t, errs[4], ErrDuplicateID)
	assert.ErrorIs(t, errs[5], ErrDuplicateID)
}

type failingCollection struct{ Stories }

func (c failingCollection) Story(i int) (Story, error) {
	if i == 2 {
		return Story{}, errors.New("disk read failed")
	}
	return c.Stories.Story(i)
}

func TestBatchErrors(t *testing.T) {
	stories := Stories{{ID: "a", Text: "one"}, {ID: "", Text: "no id"}, {ID: "c", Text: "three"}}
	_, err := Batch(context.Background(), Config{}, failingCollection{stories}, func(int, Result, error) error { return nil })
	assert.ErrorContains(t, err, "disk read failed")

	var got []error
	_, err = Batch(context.Background(), Config{}, stories, func(i int, r Result, err error) error {
		got = append(got, err)
		return nil
	})
	require.NoError(t, err)
	assert.ErrorIs(t, got[0], ErrEmptyID, "a bad story is reported, not fatal")

	stop := errors.New("stop")
	_, err = Batch(context.Background(), Config{}, stories, func(int, Result, error) error { return stop })
	assert.ErrorIs(t, err, stop)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Batch(ctx, Config{}, stories, func(int, Result, error) error { return nil })
	assert.ErrorIs(t, err, context.Canceled)

	_, err = Batch(context.Background(), Config{NumHashes: 3}, stories, nil)
	assert.ErrorIs(t, err, ErrInvalidConfig)
}

// Batch over the labelled data sets gives the same results for every
// permutation of them.
func TestBatchIsOrderIndependentOnDataSets(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the data sets")
	}
	for _, set := range []struct{ env, rel string }{
		{"NEWSDUP_ECBPLUS", "ecbplus/articles.jsonl"},
		{"NEWSDUP_GVC", "gvc/articles.jsonl"},
	} {
		t.Run(set.rel, func(t *testing.T) {
			var stories []Story
			for _, s := range readJSONL(t, dataset(t, set.env, set.rel)) {
				stories = append(stories, s.Story)
			}
			want, errs, _ := batchResults(t, Config{}, stories)
			for _, err := range errs {
				require.NoError(t, err)
			}
			rng := rand.New(rand.NewPCG(9, 10))
			for p := range 5 {
				shuffled := append([]Story(nil), stories...)
				rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				got, _, _ := batchResults(t, Config{}, shuffled)
				require.Equal(t, byID(want), byID(got), "permutation %d", p)
			}
		})
	}
}
