// Package storetest checks an implementation of dedup.Store: the contract of
// its log (atomic appends at the next position, one winner among concurrent
// appends, idempotent retries, expiry, epochs) and what detectors sharing it
// must give (the verdicts of one detector, one cluster for copies added at
// the same moment by two workers, removals and late joiners).
//
// The in-memory store of package dedup and the Redis store of package
// dedup/redisstore are both checked with it:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, storetest.Harness{
//			New:     func(t *testing.T) dedup.Store { return new(dedup.MemoryStore) },
//			Reset:   func(t *testing.T, s dedup.Store) { s.(*dedup.MemoryStore).Reset() },
//			Stories: stories,
//		})
//	}
package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/dedup"
)

// Harness says how to make the stores under test.
type Harness struct {
	// New returns a new, empty store. Stores returned by successive calls
	// must not share contents.
	New func(t *testing.T) dedup.Store
	// Another returns another handle on the store s, as another process
	// would open it (for a server, over its own connections); nil means
	// the workers of the detector tests share s itself.
	Another func(t *testing.T, s dedup.Store) dedup.Store
	// Reset makes a store lose its contents, as a server restarted without
	// persistence does; nil skips the tests that need it.
	Reset func(t *testing.T, s dedup.Store)
	// Stories are the stories the detector tests add, in order: news
	// stories with copies and rewrites among them, at least three, with a
	// few thousand distinct words between them. Their times must be UTC.
	Stories []dedup.Story
}

// Run runs every check as a subtest of t.
func Run(t *testing.T, h Harness) {
	require.NotNil(t, h.New, "storetest: Harness.New is nil")
	t.Run("Init", h.testInit)
	t.Run("AppendRead", h.testAppendRead)
	t.Run("Conflicts", h.testConflicts)
	t.Run("ConcurrentAppends", h.testConcurrentAppends)
	t.Run("Binary", h.testBinary)
	t.Run("Expiry", h.testExpiry)
	t.Run("Reset", h.testReset)
	t.Run("Detector/SameAsOneDetector", h.testSameAsOne)
	t.Run("Detector/CopiesAtOnce", h.testCopiesAtOnce)
	t.Run("Detector/RemoveAndDuplicates", h.testRemove)
	t.Run("Detector/ConfigConflict", h.testConfig)
	t.Run("Detector/Reset", h.testDetectorReset)
	t.Run("Detector/Expiry", h.testDetectorExpiry)
}

// another returns another handle on s.
func (h Harness) another(t *testing.T, s dedup.Store) dedup.Store {
	if h.Another == nil {
		return s
	}
	return h.Another(t, s)
}

func (h Harness) open(t *testing.T) (dedup.Store, string) {
	t.Helper()
	s := h.New(t)
	held, epoch, err := s.Init(context.Background(), []byte("config A"))
	require.NoError(t, err)
	require.Equal(t, "config A", string(held))
	require.NotEmpty(t, epoch)
	return s, epoch
}

func entry(i int) []byte { return []byte(fmt.Sprintf("entry %d", i)) }

// appendN appends entries 1..n.
func appendN(t *testing.T, s dedup.Store, epoch string, n int, ttl time.Duration) {
	t.Helper()
	for i := 1; i <= n; i++ {
		ok, err := s.Append(context.Background(), epoch, uint64(i), entry(i), ttl)
		require.NoError(t, err)
		require.True(t, ok, "append at %d", i)
	}
}

func (h Harness) testInit(t *testing.T) {
	s, epoch := h.open(t)
	held, again, err := s.Init(context.Background(), []byte("config B"))
	require.NoError(t, err)
	assert.Equal(t, "config A", string(held), "the first configuration stays")
	assert.Equal(t, epoch, again, "the epoch stays")

	entries, last, err := s.Read(context.Background(), epoch, 0, 10)
	require.NoError(t, err)
	assert.Empty(t, entries)
	assert.Zero(t, last)

	other, otherEpoch := h.open(t)
	assert.NotEqual(t, epoch, otherEpoch, "two stores have different epochs")
	_, _, err = other.Read(context.Background(), epoch, 0, 10)
	assert.ErrorIs(t, err, dedup.ErrStoreReset, "another store's epoch")
}

func (h Harness) testAppendRead(t *testing.T) {
	s, epoch := h.open(t)
	appendN(t, s, epoch, 5, 0)
	ctx := context.Background()
	entries, last, err := s.Read(ctx, epoch, 0, 10)
	require.NoError(t, err)
	assert.Equal(t, uint64(5), last)
	require.Len(t, entries, 5)
	for i, e := range entries {
		assert.Equal(t, uint64(i+1), e.Pos)
		assert.Equal(t, entry(i+1), e.Data)
	}
	entries, last, err = s.Read(ctx, epoch, 2, 2)
	require.NoError(t, err)
	assert.Equal(t, uint64(5), last)
	require.Len(t, entries, 2)
	assert.Equal(t, []uint64{3, 4}, []uint64{entries[0].Pos, entries[1].Pos})
	entries, last, err = s.Read(ctx, epoch, 5, 10)
	require.NoError(t, err)
	assert.Empty(t, entries)
	assert.Equal(t, uint64(5), last)
}

func (h Harness) testConflicts(t *testing.T) {
	s, epoch := h.open(t)
	appendN(t, s, epoch, 3, 0)
	ctx := context.Background()
	ok, err := s.Append(ctx, epoch, 2, []byte("another entry"), 0)
	require.NoError(t, err)
	assert.False(t, ok, "a position taken is a conflict")
	ok, err = s.Append(ctx, epoch, 3, entry(3), 0)
	require.NoError(t, err)
	assert.True(t, ok, "appending the entry already at a position is a retry, not a conflict")
	_, err = s.Append(ctx, epoch, 5, entry(5), 0)
	assert.Error(t, err, "appending past the next position")
	_, err = s.Append(ctx, "not the epoch", 4, entry(4), 0)
	assert.ErrorIs(t, err, dedup.ErrStoreReset)

	entries, last, err := s.Read(ctx, epoch, 0, 10)
	require.NoError(t, err)
	assert.Equal(t, uint64(3), last, "failed appends wrote nothing")
	require.Len(t, entries, 3)
	assert.Equal(t, entry(2), entries[1].Data)
}

// Many goroutines append at the same position at once: exactly one wins
// each round, and the log holds the winners' entries in order.
func (h Harness) testConcurrentAppends(t *testing.T) {
	s, epoch := h.open(t)
	const workers, rounds = 8, 20
	ctx := context.Background()
	winners := make([]string, rounds+1)
	handles := make([]dedup.Store, workers)
	for w := range handles {
		handles[w] = h.another(t, s)
	}
	for round := 1; round <= rounds; round++ {
		var wg sync.WaitGroup
		start := make(chan struct{})
		wins := make([]bool, workers)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				ok, err := handles[w].Append(ctx, epoch, uint64(round), []byte(fmt.Sprintf("round %d worker %d", round, w)), 0)
				assert.NoError(t, err)
				wins[w] = ok
			}()
		}
		close(start)
		wg.Wait()
		n := 0
		for w, ok := range wins {
			if ok {
				n++
				winners[round] = fmt.Sprintf("round %d worker %d", round, w)
			}
		}
		require.Equal(t, 1, n, "round %d: one append wins", round)
	}
	entries, last, err := s.Read(ctx, epoch, 0, 2*rounds)
	require.NoError(t, err)
	require.Equal(t, uint64(rounds), last)
	require.Len(t, entries, rounds)
	for _, e := range entries {
		assert.Equal(t, winners[e.Pos], string(e.Data))
	}
}

func (h Harness) testBinary(t *testing.T) {
	s, epoch := h.open(t)
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	big := []byte(strings.Repeat("newsdup \x00\xff", 1<<17)) // 1.25 MB
	ctx := context.Background()
	for i, data := range [][]byte{all, big, {0}} {
		ok, err := s.Append(ctx, epoch, uint64(i+1), data, 0)
		require.NoError(t, err)
		require.True(t, ok)
	}
	entries, _, err := s.Read(ctx, epoch, 0, 10)
	require.NoError(t, err)
	require.Len(t, entries, 3)
	assert.Equal(t, all, entries[0].Data)
	assert.True(t, slices.Equal(big, entries[1].Data), "1.25 MB entry read back")
	assert.Equal(t, []byte{0}, entries[2].Data)
}

// Entries expire after their time to live; the positions they held stay
// used.
func (h Harness) testExpiry(t *testing.T) {
	s, epoch := h.open(t)
	ctx := context.Background()
	appendN(t, s, epoch, 3, 200*time.Millisecond)
	ok, err := s.Append(ctx, epoch, 4, entry(4), 0)
	require.NoError(t, err)
	require.True(t, ok)
	entries, _, err := s.Read(ctx, epoch, 0, 10)
	require.NoError(t, err)
	require.Len(t, entries, 4, "nothing expired yet")
	time.Sleep(400 * time.Millisecond)
	entries, last, err := s.Read(ctx, epoch, 0, 10)
	require.NoError(t, err)
	assert.Equal(t, uint64(4), last)
	require.Len(t, entries, 1, "entries 1 to 3 expired")
	assert.Equal(t, uint64(4), entries[0].Pos)
	ok, err = s.Append(ctx, epoch, 2, entry(2), 0)
	require.NoError(t, err)
	assert.False(t, ok, "an expired position stays taken")
	ok, err = s.Append(ctx, epoch, 5, entry(5), 0)
	require.NoError(t, err)
	assert.True(t, ok)
}

func (h Harness) testReset(t *testing.T) {
	if h.Reset == nil {
		t.Skip("the harness cannot reset a store")
	}
	s, epoch := h.open(t)
	appendN(t, s, epoch, 2, 0)
	h.Reset(t, s)
	ctx := context.Background()
	_, err := s.Append(ctx, epoch, 3, entry(3), 0)
	assert.ErrorIs(t, err, dedup.ErrStoreReset)
	_, _, err = s.Read(ctx, epoch, 0, 10)
	assert.ErrorIs(t, err, dedup.ErrStoreReset)
	held, again, err := s.Init(ctx, []byte("config B"))
	require.NoError(t, err)
	assert.Equal(t, "config B", string(held), "a store that lost its contents takes a new configuration")
	assert.NotEqual(t, epoch, again, "and a new epoch")
	entries, last, err := s.Read(ctx, again, 0, 10)
	require.NoError(t, err)
	assert.Empty(t, entries)
	assert.Zero(t, last)
}

// clock is the detectors' clock: far enough ahead that no test story is
// from the future.
func clock() time.Time { return time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC) }

func (h Harness) join(t *testing.T, s dedup.Store, cfg dedup.Config) *dedup.Detector {
	t.Helper()
	cfg.Clock = clock
	d, err := dedup.NewSharedDetector(context.Background(), cfg, s)
	require.NoError(t, err)
	return d
}

func (h Harness) needStories(t *testing.T, n int) {
	if len(h.Stories) < n {
		t.Skipf("the harness gives %d stories, this test needs %d", len(h.Stories), n)
	}
}

// verdict is the part of a Result every detector must agree on.
type verdict struct {
	Kind    dedup.Kind
	Cluster string
	Matches []string
}

func verdictOf(r dedup.Result) verdict {
	v := verdict{Kind: r.Kind, Cluster: r.Cluster}
	for _, m := range r.Matches {
		v.Matches = append(v.Matches, fmt.Sprintf("%s %s %.6f", m.ID, m.Kind, m.Score))
	}
	return v
}

// Two detectors sharing a store, each given every other story, give the
// verdicts one detector gives all the stories; a detector that joins
// afterwards holds the same clusters.
func (h Harness) testSameAsOne(t *testing.T) {
	h.needStories(t, 2)
	one, err := dedup.NewDetector(dedup.Config{Clock: clock})
	require.NoError(t, err)
	s := h.New(t)
	workers := []*dedup.Detector{h.join(t, s, dedup.Config{}), h.join(t, h.another(t, s), dedup.Config{})}
	for i, st := range h.Stories {
		want, err := one.Add(st)
		require.NoError(t, err)
		got, err := workers[i%2].Add(st)
		require.NoError(t, err)
		require.Equal(t, want, got, "story %d (%s) added to worker %d", i, st.ID, i%2)
	}
	late := h.join(t, h.another(t, s), dedup.Config{})
	for i, d := range append(workers, late) {
		require.NoError(t, d.Sync(context.Background()))
		assert.Equal(t, one.Clusters(), d.Clusters(), "detector %d", i)
		assert.Equal(t, one.Len(), d.Len())
	}
	// Queries agree too.
	for _, st := range h.Stories[:min(len(h.Stories), 20)] {
		want, err := one.Query(st)
		require.NoError(t, err)
		got, err := late.Query(st)
		require.NoError(t, err)
		assert.Equal(t, verdictOf(want), verdictOf(got), "query %s", st.ID)
	}
}

// Two workers add copies of one story at the same moment: however the
// appends interleave, the copies end in one cluster, one of them New and
// the other a Copy of it, and every detector agrees.
func (h Harness) testCopiesAtOnce(t *testing.T) {
	h.needStories(t, 1)
	const rounds = 12
	texts := unrelatedTexts(h.Stories, rounds)
	s := h.New(t)
	a, b := h.join(t, s, dedup.Config{}), h.join(t, h.another(t, s), dedup.Config{})
	ctx := context.Background()
	for round, text := range texts {
		ids := [2]string{fmt.Sprintf("r%d-worker-a", round), fmt.Sprintf("r%d-worker-b", round)}
		var results [2]dedup.Result
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, d := range []*dedup.Detector{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				st := dedup.Story{ID: ids[i], Text: text, Title: fmt.Sprintf("Version %d", i)}
				r, err := d.AddContext(ctx, st)
				assert.NoError(t, err)
				results[i] = r
			}()
		}
		close(start)
		wg.Wait()
		require.Equal(t, results[0].Cluster, results[1].Cluster, "round %d: one cluster", round)
		kinds := []dedup.Kind{results[0].Kind, results[1].Kind}
		slices.Sort(kinds)
		require.Equal(t, []dedup.Kind{dedup.New, dedup.Copy}, kinds, "round %d", round)
	}
	for _, d := range []*dedup.Detector{a, b, h.join(t, s, dedup.Config{})} {
		require.NoError(t, d.Sync(ctx))
		cls := d.Clusters()
		require.Len(t, cls, rounds, "one cluster a round")
		for _, c := range cls {
			assert.Len(t, c.Stories, 2)
		}
	}
}

// unrelatedTexts returns n texts of 150 words that share no word: each
// drawn from its own part of the words of the stories.
func unrelatedTexts(stories []dedup.Story, n int) []string {
	seen := map[string]bool{}
	var vocab []string
	for _, s := range stories {
		for _, w := range strings.Fields(s.Text) {
			w = strings.ToLower(strings.Trim(w, `.,;:!?"'()[]“”‘’«»`))
			if len(w) > 3 && !seen[w] {
				seen[w] = true
				vocab = append(vocab, w)
			}
		}
	}
	part := max(len(vocab)/n, 1)
	texts := make([]string, n)
	for i := range texts {
		words := vocab[min(i*part, len(vocab)-1):min((i+1)*part, len(vocab))]
		var b strings.Builder
		for j := 0; j < 150; j++ {
			// A fixed walk through the part's words, different for each
			// round, so that the text has many distinct shingles.
			b.WriteString(words[(j*j+3*j+i)%len(words)])
			if j%15 == 14 {
				b.WriteString(".\n")
			} else {
				b.WriteString(" ")
			}
		}
		texts[i] = b.String()
	}
	return texts
}

func (h Harness) testRemove(t *testing.T) {
	h.needStories(t, 2)
	s := h.New(t)
	a, b := h.join(t, s, dedup.Config{}), h.join(t, h.another(t, s), dedup.Config{})
	ctx := context.Background()
	_, err := a.Add(h.Stories[0])
	require.NoError(t, err)
	_, err = a.Add(h.Stories[1])
	require.NoError(t, err)

	_, err = b.Add(h.Stories[0])
	require.ErrorIs(t, err, dedup.ErrDuplicateID, "an id another worker added")

	require.NoError(t, b.Remove(h.Stories[0].ID))
	require.NoError(t, a.Sync(ctx))
	_, held := a.ClusterOf(h.Stories[0].ID)
	assert.False(t, held, "a removal reaches every detector")
	assert.ErrorIs(t, a.Remove(h.Stories[0].ID), dedup.ErrNotFound)
	assert.Equal(t, 1, a.Len())
	assert.Equal(t, 1, b.Len())

	_, err = a.Add(h.Stories[0])
	assert.NoError(t, err, "a removed id can be added again")
	c := h.join(t, s, dedup.Config{})
	assert.Equal(t, 2, c.Len())
}

func (h Harness) testConfig(t *testing.T) {
	s := h.New(t)
	h.join(t, s, dedup.Config{Window: time.Hour, SameStoryThreshold: 0.4})
	h.join(t, s, dedup.Config{Window: time.Hour, SameStoryThreshold: 0.4, MaxMatches: 9})
	_, err := dedup.NewSharedDetector(context.Background(), dedup.Config{Window: 2 * time.Hour, Clock: clock}, s)
	require.ErrorIs(t, err, dedup.ErrStoreConfig)
	assert.Contains(t, err.Error(), "Window is 2h0m0s here, 1h0m0s in the store")
	assert.Contains(t, err.Error(), "SameStoryThreshold is 0.33 here, 0.4 in the store")
	_, err = dedup.NewSharedDetector(context.Background(), dedup.Config{}, nil)
	assert.ErrorIs(t, err, dedup.ErrInvalidConfig)
}

func (h Harness) testDetectorReset(t *testing.T) {
	if h.Reset == nil {
		t.Skip("the harness cannot reset a store")
	}
	h.needStories(t, 2)
	s := h.New(t)
	d := h.join(t, s, dedup.Config{})
	_, err := d.Add(h.Stories[0])
	require.NoError(t, err)
	h.Reset(t, s)
	_, err = d.Add(h.Stories[1])
	require.ErrorIs(t, err, dedup.ErrStoreReset)
	assert.Equal(t, 1, d.Len(), "nothing added")
	assert.ErrorIs(t, d.Sync(context.Background()), dedup.ErrStoreReset)
	fresh := h.join(t, s, dedup.Config{})
	assert.Zero(t, fresh.Len())
}

// The window (plus the lateness allowed, none here) maps onto expiry: a
// detector that joins after the entries expired starts without their
// stories.
func (h Harness) testDetectorExpiry(t *testing.T) {
	h.needStories(t, 3)
	s := h.New(t)
	cfg := dedup.Config{Window: 300 * time.Millisecond, Lateness: -1}
	d := h.join(t, s, cfg)
	for _, st := range h.Stories[:2] {
		st.Time = time.Time{} // undated: the detector's own window keeps them
		_, err := d.Add(st)
		require.NoError(t, err)
	}
	assert.Equal(t, 2, h.join(t, s, cfg).Len())
	time.Sleep(600 * time.Millisecond)
	assert.Zero(t, h.join(t, s, cfg).Len(), "entries expired")
	_, err := d.Add(h.Stories[2])
	require.NoError(t, err, "the log goes on after expired entries")
	assert.Equal(t, 1, h.join(t, s, cfg).Len())
}
