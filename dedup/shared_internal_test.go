package dedup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failingStore wraps a MemoryStore and fails its operations on demand.
type failingStore struct {
	MemoryStore
	failAppend, failRead error
	loseReply            bool // append, then fail as if the reply was lost
	// script, when not empty, says what the next appends do, one each:
	// "lose" appends and loses the reply, "fail" fails without appending.
	script []string
}

func (s *failingStore) Append(ctx context.Context, epoch string, pos uint64, entry []byte, ttl time.Duration) (bool, error) {
	if len(s.script) > 0 {
		step := s.script[0]
		s.script = s.script[1:]
		switch step {
		case "lose":
			if _, err := s.MemoryStore.Append(ctx, epoch, pos, entry, ttl); err != nil {
				return false, err
			}
			return false, errors.New("i/o timeout")
		case "fail":
			return false, errors.New("connection refused")
		}
	}
	if s.failAppend != nil {
		return false, s.failAppend
	}
	ok, err := s.MemoryStore.Append(ctx, epoch, pos, entry, ttl)
	if s.loseReply {
		return false, errors.New("i/o timeout")
	}
	return ok, err
}

func (s *failingStore) Read(ctx context.Context, epoch string, after uint64, limit int) ([]Entry, uint64, error) {
	if s.failRead != nil {
		return nil, 0, s.failRead
	}
	return s.MemoryStore.Read(ctx, epoch, after, limit)
}

// A store that fails leaves the detector as it was, with an error that
// says so.
func TestSharedStoreFailures(t *testing.T) {
	stories := newsroom(t)
	s := &failingStore{}
	d, err := NewSharedDetector(context.Background(), Config{Clock: fixedClock, Window: -1}, s)
	require.NoError(t, err)
	_, err = d.Add(stories[0].Story)
	require.NoError(t, err)
	before := snapshotOf(t, d)

	broken := errors.New("connection reset by peer")
	s.failAppend = broken
	_, err = d.Add(stories[1].Story)
	require.ErrorIs(t, err, ErrStore)
	require.ErrorIs(t, err, broken)
	assert.Contains(t, err.Error(), stories[1].ID)
	require.ErrorIs(t, d.Remove(stories[0].ID), ErrStore)
	assert.Equal(t, before, snapshotOf(t, d), "the detector is unchanged")
	s.failAppend = nil

	s.failRead = broken
	_, err = d.Query(stories[1].Story)
	require.ErrorIs(t, err, ErrStore)
	require.ErrorIs(t, d.Sync(context.Background()), ErrStore)
	_, err = NewSharedDetector(context.Background(), Config{Clock: fixedClock, Window: -1}, s)
	require.ErrorIs(t, err, ErrStore)
	s.failRead = nil

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = d.AddContext(ctx, stories[1].Story)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, before, snapshotOf(t, d))

	r, err := d.Add(stories[1].Story)
	require.NoError(t, err, "the store works again")
	assert.Equal(t, stories[1].ID, r.ID)
}

// An entry that cannot be read stops the detector with an error naming its
// position, rather than being skipped.
func TestSharedBadEntry(t *testing.T) {
	s := &MemoryStore{}
	d, err := NewSharedDetector(context.Background(), Config{Clock: fixedClock}, s)
	require.NoError(t, err)
	_, epoch, err := s.Init(context.Background(), nil)
	require.NoError(t, err)
	_, last, err := s.Read(context.Background(), epoch, 0, 10)
	require.NoError(t, err)
	require.Equal(t, uint64(1), last, "the detector's join")
	ok, err := s.Append(context.Background(), epoch, 2, []byte("NDLOG garbage"), 0)
	require.NoError(t, err)
	require.True(t, ok)
	err = d.Sync(context.Background())
	require.ErrorIs(t, err, ErrStoreEntry)
	assert.ErrorContains(t, err, "position 2")
}

// Workers adding at the same time give the verdicts one detector gives the
// stories in the order of the log: each Add's result, and the clusters
// every detector holds at the end.
func TestSharedWorkersEqualOneDetectorInLogOrder(t *testing.T) {
	var stories []Story
	for _, l := range newsroom(t) {
		stories = append(stories, l.Story)
	}
	// With 200 ECB+ articles as well when the data set is there.
	ecb := os.Getenv("NEWSDUP_ECBPLUS")
	if ecb == "" {
		ecb = filepath.Join("..", "..", "shared", "datasets", "ecbplus", "articles.jsonl")
	}
	if _, err := os.Stat(ecb); err == nil {
		for _, l := range readJSONL(t, ecb)[:200] {
			stories = append(stories, l.Story)
		}
	}
	store := &MemoryStore{}
	const workers = 3
	ds := make([]*Detector, workers)
	for w := range ds {
		var err error
		ds[w], err = NewSharedDetector(context.Background(), Config{Clock: fixedClock}, store)
		require.NoError(t, err)
	}
	results := make(map[string]Result)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w, d := range ds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(stories); i += workers {
				r, err := d.Add(stories[i])
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				results[r.ID] = r
				mu.Unlock()
			}
		}()
	}
	wg.Wait()

	// The log order, replayed through one detector.
	_, epoch, err := store.Init(context.Background(), nil)
	require.NoError(t, err)
	entries, _, err := store.Read(context.Background(), epoch, 0, len(stories)+workers+1)
	require.NoError(t, err)
	require.Len(t, entries, len(stories)+workers, "the stories and the workers' joins")
	byID := make(map[string]Story)
	for _, s := range stories {
		byID[s.ID] = s
	}
	one := newDetector(t, Config{})
	for _, e := range entries {
		var l logEntry
		require.NoError(t, l.decode(e.Data))
		if l.op == opJoin {
			continue
		}
		r, err := one.Add(byID[l.story.ID])
		require.NoError(t, err)
		assert.Equal(t, r, results[r.ID], "story %s", r.ID)
	}
	for w, d := range ds {
		require.NoError(t, d.Sync(context.Background()))
		assert.Equal(t, one.Clusters(), d.Clusters(), "worker %d", w)
	}
}

// lostReplySetup returns a failing store, a detector sharing it and one
// alone, both given the first three stories, and the fourth story with the
// verdict the detector alone gives it.
func lostReplySetup(t *testing.T, cfg Config, stories []labelled) (*failingStore, *Detector, *Detector, Story, Result) {
	t.Helper()
	s := &failingStore{}
	d, err := NewSharedDetector(context.Background(), cfg, s)
	require.NoError(t, err)
	one := newDetector(t, cfg)
	for _, l := range stories[:3] {
		_, err := d.Add(l.Story)
		require.NoError(t, err)
		_, err = one.Add(l.Story)
		require.NoError(t, err)
	}
	story := stories[3].Story
	want, err := one.Add(story)
	require.NoError(t, err)
	return s, d, one, story, want
}

// After a lost reply the story is in the store; adding the same story again
// gives the verdict it was stored with, and only the same story.
func TestSharedLostReply(t *testing.T) {
	stories := newsroom(t)
	cfg := Config{Clock: fixedClock, Window: -1}
	s, d, one, story, want := lostReplySetup(t, cfg, stories)

	s.loseReply = true
	_, err := d.Add(story)
	require.ErrorIs(t, err, ErrStore)
	s.loseReply = false

	edited := story
	edited.Title = "another title"
	_, err = d.Add(edited)
	require.ErrorIs(t, err, ErrDuplicateID, "another story under the id")
	got, err := d.Add(story)
	require.NoError(t, err, "the same story again")
	assert.Equal(t, want, got, "its verdict")
	_, err = d.Add(story)
	require.ErrorIs(t, err, ErrDuplicateID, "a third time is a duplicate")

	late, err := NewSharedDetector(context.Background(), cfg, s)
	require.NoError(t, err)
	assert.Equal(t, one.Clusters(), late.Clusters(), "stored once")

	// An append that failed and did not land: the story is added afresh.
	s.failAppend = errors.New("connection refused")
	_, err = d.Add(stories[4].Story)
	require.ErrorIs(t, err, ErrStore)
	s.failAppend = nil
	want, err = one.Add(stories[4].Story)
	require.NoError(t, err)
	got, err = d.Add(stories[4].Story)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

// A story whose append landed but whose reply was lost, followed by any
// number of appends that failed outright (the server went away and came
// back), is recognised when added again: the verdict it was stored with,
// never ErrDuplicateID.
func TestSharedLostReplyThenFailures(t *testing.T) {
	stories := newsroom(t)
	cfg := Config{Clock: fixedClock, Window: -1}
	scripts := map[string][]string{
		"lost reply, 1 failure":           {"lose", "fail"},
		"lost reply, 2 failures":          {"lose", "fail", "fail"},
		"lost reply, 5 failures":          {"lose", "fail", "fail", "fail", "fail", "fail"},
		"failures, then a lost reply":     {"fail", "fail", "lose"},
		"failures around a lost reply":    {"fail", "lose", "fail", "fail"},
		"failures only, nothing landed":   {"fail", "fail", "fail"},
		"two lost replies (first landed)": {"lose", "lose"},
	}
	for name, script := range scripts {
		t.Run(name, func(t *testing.T) {
			s, d, one, story, want := lostReplySetup(t, cfg, stories)

			s.script = script
			for range script {
				_, err := d.Add(story)
				require.ErrorIs(t, err, ErrStore)
			}
			got, err := d.Add(story)
			require.NoError(t, err, "the same story again")
			assert.Equal(t, want, got, "its verdict")
			_, err = d.Add(story)
			require.ErrorIs(t, err, ErrDuplicateID, "a further time is a duplicate")

			late, err := NewSharedDetector(context.Background(), cfg, s)
			require.NoError(t, err)
			assert.Equal(t, one.Clusters(), late.Clusters(), "stored once")
		})
	}
}
