package redisstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/dedup/internal/teststories"
	"github.com/newsdup/newsdup/dedup/redisstore"
	"github.com/newsdup/newsdup/dedup/redisstore/redistest"
	"github.com/newsdup/newsdup/dedup/storetest"
)

func clock() time.Time { return time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC) }

// keep is the configuration of the tests that count stories: no window, so
// that none leaves.
var keep = dedup.Config{Window: -1}

func join(t testing.TB, s dedup.Store, cfg dedup.Config) *dedup.Detector {
	t.Helper()
	cfg.Clock = clock
	d, err := dedup.NewSharedDetector(context.Background(), cfg, s)
	require.NoError(t, err)
	return d
}

// The store contract and the shared detector, against a real server; each
// worker has a connection of its own.
func TestStore(t *testing.T) {
	url := redistest.URL(t)
	stories := append(teststories.Newsroom(t), teststories.ECB(t, 300)...)
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) dedup.Store {
			c := redistest.Client(t, url)
			return newStore(t, c, redistest.StoreName(t, c))
		},
		Another: func(t *testing.T, s dedup.Store) dedup.Store {
			return newStore(t, redistest.Client(t, url), s.(*redisstore.Store).Name())
		},
		Reset: func(t *testing.T, s dedup.Store) {
			rs := s.(*redisstore.Store)
			redistest.DeleteStore(t, rs.Client(), rs.Name())
		},
		Stories: stories,
	})
}

func TestNewAndOpenErrors(t *testing.T) {
	_, err := redisstore.New(nil, "x")
	assert.ErrorContains(t, err, "nil client")
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer c.Close()
	_, err = redisstore.New(c, "a{b}")
	assert.ErrorContains(t, err, "brace")
	s, err := redisstore.New(c, "")
	require.NoError(t, err)
	assert.Equal(t, redisstore.DefaultName, s.Name())

	ctx := context.Background()
	_, err = redisstore.Open(ctx, "http://127.0.0.1:6379", "x")
	assert.ErrorContains(t, err, "bad server URL")
	_, err = redisstore.Open(ctx, fmt.Sprintf("redis://127.0.0.1:%d/0", redistest.FreePort(t)), "x")
	assert.ErrorContains(t, err, "cannot reach the server")
}

// Each entry expires a window after it was written.
func TestEntriesExpireWithTheWindow(t *testing.T) {
	url := redistest.URL(t)
	c := redistest.Client(t, url)
	name := redistest.StoreName(t, c)
	stories := teststories.Newsroom(t)
	d := join(t, newStore(t, c, name), dedup.Config{Window: 90 * time.Minute, Lateness: 30 * time.Minute})
	_, err := d.Add(stories[0])
	require.NoError(t, err)
	ttl, err := c.PTTL(context.Background(), "{"+name+"}:log:1").Result()
	require.NoError(t, err)
	assert.InDelta(t, float64(2*time.Hour), float64(ttl), float64(time.Minute), "the window plus the lateness allowed")
	for _, k := range []string{"meta", "last"} {
		ttl, err := c.PTTL(context.Background(), "{"+name+"}:"+k).Result()
		require.NoError(t, err)
		assert.Equal(t, time.Duration(-1), ttl, "%s does not expire", k)
	}

	forever := redistest.StoreName(t, c)
	d = join(t, newStore(t, c, forever), dedup.Config{Window: -1})
	_, err = d.Add(stories[0])
	require.NoError(t, err)
	ttl, err = c.PTTL(context.Background(), "{"+forever+"}:log:1").Result()
	require.NoError(t, err)
	assert.Equal(t, time.Duration(-1), ttl, "no window, no expiry")
}

// Four workers, each with its own connection, add stories at the same time.
// Every story is added once, and every detector, and one that joins
// afterwards, holds the same clusters, the ones each Add reported.
func TestConcurrentWorkers(t *testing.T) {
	url := redistest.URL(t)
	stories := append(teststories.Newsroom(t), teststories.ECB(t, 400)...)
	name := redistest.StoreName(t, redistest.Client(t, url))
	const workers = 4
	detectors := make([]*dedup.Detector, workers)
	for w := range detectors {
		detectors[w] = join(t, newStore(t, redistest.Client(t, url), name), keep)
	}
	verdicts := make([]dedup.Result, len(stories))
	var wg sync.WaitGroup
	for w, d := range detectors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(stories); i += workers {
				r, err := d.Add(stories[i])
				assert.NoError(t, err)
				verdicts[i] = r
			}
		}()
	}
	wg.Wait()
	late := join(t, newStore(t, redistest.Client(t, url), name), keep)
	require.Equal(t, len(stories), late.Len())
	want := late.Clusters()
	for w, d := range detectors {
		require.NoError(t, d.Sync(context.Background()))
		assert.Equal(t, want, d.Clusters(), "worker %d", w)
	}
	// A verdict's cluster is the story's cluster now, unless a later story
	// merged it into another (Result.Merged): then that one, as a pipeline
	// relabelling its stories would have it.
	into := map[string]string{}
	for _, r := range verdicts {
		for _, m := range r.Merged {
			into[m] = r.Cluster
		}
	}
	for i, r := range verdicts {
		cl, ok := late.ClusterOf(stories[i].ID)
		require.True(t, ok)
		id := r.Cluster
		for n := 0; into[id] != "" && n <= len(into); n++ {
			id = into[id]
		}
		assert.Equal(t, id, cl.ID, "story %s", stories[i].ID)
	}
	seeds, _ := late.ClusterOf("001_f74bd945f370ec2b")
	assert.Contains(t, seeds.Stories, "000_4bb1d15e2e08605f", "the seed stories, added by different workers, are one story")
}

// The server crashes and restarts with its append-only file: the workers
// get errors while it is down, no story is lost, and the log goes on.
func TestServerRestart(t *testing.T) {
	srv := startServer(t, true)
	stories := teststories.Newsroom(t)
	fast := func(o *redis.Options) { o.DialTimeout, o.MaxRetries = 200*time.Millisecond, 1 }
	a := join(t, newStore(t, redistest.Client(t, srv.url(), fast), "newsroom"), keep)
	b := join(t, newStore(t, redistest.Client(t, srv.url(), fast), "newsroom"), keep)
	half := len(stories) / 2
	for i, s := range stories[:half] {
		_, err := []*dedup.Detector{a, b}[i%2].Add(s)
		require.NoError(t, err)
	}

	srv.kill()
	held := a.Len()
	_, err := a.Add(stories[half])
	require.ErrorIs(t, err, dedup.ErrStore, "server down")
	assert.Equal(t, held, a.Len(), "nothing added")
	srv.start()

	for i, s := range stories[half:] {
		_, err := []*dedup.Detector{a, b}[i%2].Add(s)
		require.NoError(t, err, "story %s after the restart", s.ID)
	}
	late := join(t, newStore(t, redistest.Client(t, srv.url()), "newsroom"), keep)
	assert.Equal(t, len(stories), late.Len())
	for _, d := range []*dedup.Detector{a, b} {
		require.NoError(t, d.Sync(context.Background()))
		assert.Equal(t, late.Clusters(), d.Clusters())
	}
}

// A server that comes back without the store's keys is noticed: detectors
// get ErrStoreReset, never a log that silently started again.
func TestServerRestartWithoutPersistence(t *testing.T) {
	srv := startServer(t, false)
	stories := teststories.Newsroom(t)
	a := join(t, newStore(t, redistest.Client(t, srv.url()), "newsroom"), keep)
	b := join(t, newStore(t, redistest.Client(t, srv.url()), "newsroom"), keep)
	_, err := a.Add(stories[0])
	require.NoError(t, err)
	srv.kill()
	srv.start()
	_, err = a.Add(stories[1])
	require.ErrorIs(t, err, dedup.ErrStoreReset)
	// A detector made now starts a new log; the old ones still refuse it.
	c := join(t, newStore(t, redistest.Client(t, srv.url()), "newsroom"), keep)
	_, err = c.Add(stories[1])
	require.NoError(t, err)
	assert.ErrorIs(t, b.Sync(context.Background()), dedup.ErrStoreReset)
	assert.Equal(t, 1, a.Len())
}

// The connection to the server is lost: Add returns an error, the detector
// is unchanged, and once the network is back the worker goes on; a story is
// never lost, added twice or half written.
func TestLostConnection(t *testing.T) {
	url := redistest.URL(t)
	p := redistest.StartProxy(t, url)
	direct := redistest.Client(t, url)
	name := redistest.StoreName(t, direct)
	stories := teststories.Newsroom(t)
	cut := join(t, newStore(t, proxyClient(t, p, 1), name), keep)
	other := join(t, newStore(t, redistest.Client(t, url), name), keep)
	_, err := cut.Add(stories[0])
	require.NoError(t, err)

	// The network is down: nothing reaches the server.
	p.SetDown(true)
	_, err = cut.Add(stories[1])
	require.ErrorIs(t, err, dedup.ErrStore)
	assert.Equal(t, 1, cut.Len(), "the detector is unchanged")
	_, err = other.Add(stories[2])
	require.NoError(t, err, "the other worker goes on")
	p.SetDown(false)
	r, err := cut.Add(stories[1])
	require.NoError(t, err, "the same story, once the network is back")
	assert.Equal(t, stories[1].ID, r.ID)

	// The server takes an append but its reply is lost, and the retry on a
	// new connection is lost too.
	p.SetSwallow(true)
	_, err = cut.Add(stories[3])
	require.ErrorIs(t, err, dedup.ErrStore)
	p.SetSwallow(false)
	p.Cut()
	r, err = cut.Add(stories[3])
	require.NoError(t, err, "the lost append had been written: adding the story again gives its verdict")
	assert.Equal(t, stories[3].ID, r.ID)
	_, err = cut.Add(stories[3])
	require.ErrorIs(t, err, dedup.ErrDuplicateID, "the story is there once")

	late := join(t, newStore(t, direct, name), keep)
	require.NoError(t, other.Sync(context.Background()))
	for _, d := range []*dedup.Detector{cut, other, late} {
		assert.Equal(t, 4, d.Len())
		assert.Equal(t, late.Clusters(), d.Clusters())
	}
}

// A reply lost once is retried by go-redis on a new connection; the store
// recognises the append it already wrote, so Add succeeds and the story is
// written once.
func TestLostReplyRetried(t *testing.T) {
	url := redistest.URL(t)
	p := redistest.StartProxy(t, url)
	direct := redistest.Client(t, url)
	name := redistest.StoreName(t, direct)
	stories := teststories.Newsroom(t)
	d := join(t, newStore(t, proxyClient(t, p, 3), name), keep)
	p.SetSwallow(true)
	// Let the reply of the first attempt go, then let later replies through.
	go func() { time.Sleep(100 * time.Millisecond); p.SetSwallow(false) }()
	r, err := d.Add(stories[0])
	require.NoError(t, err)
	assert.Equal(t, dedup.New, r.Kind)
	last, err := direct.Get(context.Background(), "{"+name+"}:last").Int()
	require.NoError(t, err)
	assert.Equal(t, 2, last, "two entries written: the detector's join and its story, once")
	late := join(t, newStore(t, direct, name), keep)
	assert.Equal(t, 1, late.Len())
}

// The server takes an append, its reply is lost, and the server crashes and
// comes back with its append-only file while the worker's later attempts
// fail, however many: adding the story again gives the verdict it was
// stored with, never a duplicate id, and the story is stored once.
func TestLostReplyThenRestart(t *testing.T) {
	for _, failures := range []int{1, 2, 5} {
		t.Run(fmt.Sprintf("%d failed attempts", failures), func(t *testing.T) {
			srv := startServer(t, true)
			p := redistest.StartProxy(t, srv.url())
			stories := teststories.Newsroom(t)
			d := join(t, newStore(t, proxyClient(t, p, 0), "newsroom"), keep)
			one := join(t, new(dedup.MemoryStore), keep)
			for _, s := range stories[:2] {
				_, err := d.Add(s)
				require.NoError(t, err)
				_, err = one.Add(s)
				require.NoError(t, err)
			}
			want, err := one.Add(stories[2])
			require.NoError(t, err)

			p.SetSwallow(true)
			_, err = d.Add(stories[2])
			require.ErrorIs(t, err, dedup.ErrStore, "the reply is lost")
			p.SetSwallow(false)
			srv.kill()
			for i := 0; i < failures; i++ {
				_, err = d.Add(stories[2])
				require.ErrorIs(t, err, dedup.ErrStore, "attempt %d while the server is down", i+1)
				require.NotErrorIs(t, err, dedup.ErrDuplicateID)
			}
			srv.start()
			p.Cut()
			got, err := d.Add(stories[2])
			require.NoError(t, err, "the story again, once the server is back")
			assert.Equal(t, want, got, "the verdict it was stored with")

			late := join(t, newStore(t, redistest.Client(t, srv.url()), "newsroom"), keep)
			assert.Equal(t, 3, late.Len(), "stored once")
			assert.Equal(t, one.Clusters(), late.Clusters())
		})
	}
}
