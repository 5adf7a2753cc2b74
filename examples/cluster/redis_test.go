package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/dedup/redisstore"
)

// envRedis names the server the -redis tests talk to.
const envRedis = "NEWSDUP_REDIS"

// serverURL returns the URL of the test server, or skips the test with a
// message saying how to run it.
func serverURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(envRedis)
	if u == "" {
		t.Skipf("Redis integration test: set %s to a server's URL to run it, e.g. "+
			"redis-server --port 6390 --save '' --daemonize yes && %s=redis://127.0.0.1:6390/0 go test ./examples/cluster/", envRedis, envRedis)
	}
	return u
}

// redisClient returns a new client of the test server, closed with the test.
func redisClient(t testing.TB, url string) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	return c
}

// storeName returns a store name no other test uses, and deletes the
// store's keys when the test ends.
func storeName(t testing.TB, c redis.UniversalClient) string {
	t.Helper()
	name := fmt.Sprintf("test-cluster-%s-%d", strings.NewReplacer("/", "-", " ", "_").Replace(t.Name()), time.Now().UnixNano())
	t.Cleanup(func() { deleteKeys(t, c, name) })
	return name
}

// deleteKeys deletes every key of the named store.
func deleteKeys(t testing.TB, c redis.UniversalClient, name string) {
	ctx := context.Background()
	iter := c.Scan(ctx, 0, "{"+name+"}:*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Logf("scan keys of %s: %v", name, err)
		return
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := c.Del(ctx, keys[:n]...).Err(); err != nil {
			t.Logf("delete keys of %s: %v", name, err)
		}
		keys = keys[n:]
	}
}

// freePort returns a TCP port on 127.0.0.1 that nothing listens on.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// joined returns a detector joined to the named store with the
// configuration the command gives its flags.
func joined(t testing.TB, url, name string, args ...string) *dedup.Detector {
	t.Helper()
	o, err := parseFlags(args, io.Discard)
	require.NoError(t, err)
	ctx := context.Background()
	s, err := redisstore.Open(ctx, url, name)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	d, err := dedup.NewSharedDetector(ctx, o.cfg, s)
	require.NoError(t, err)
	return d
}

func TestRedisCarriesOverRuns(t *testing.T) {
	u := serverURL(t)
	name := storeName(t, redisClient(t, u))
	agency, rewrite := seedLines(t)
	args := []string{"-redis", u, "-redis-name", name}

	code, out, errOut := runCmd(t, agency, args...)
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, errOut)
	vs := decodeLines(t, out)
	require.Len(t, vs, 1)
	assert.Equal(t, "000", vs[0].ID)
	assert.Equal(t, "new", vs[0].Kind)

	code, out, errOut = runCmd(t, rewrite, args...)
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, errOut)
	vs = decodeLines(t, out)
	require.Len(t, vs, 1)
	assert.Equal(t, "001", vs[0].ID)
	assert.Equal(t, "same_story", vs[0].Kind)
	assert.Equal(t, "000", vs[0].Cluster)
	require.NotEmpty(t, vs[0].Matches)
	assert.Equal(t, "000", vs[0].Matches[0].ID)
	assert.Greater(t, vs[0].Matches[0].Score, 0.33)

	cl, ok := joined(t, u, name).ClusterOf("001")
	require.True(t, ok, "the rewrite is in the shared state")
	assert.Equal(t, []string{"000", "001"}, cl.Stories)
}

// TestRedisConcurrentRuns runs two workers at the same time, each with half
// of testdata/stories.jsonl and, first, a copy of one wire story under an
// id of its own: the copies race to the store and end in one cluster, and
// every verdict agrees with the shared state.
func TestRedisConcurrentRuns(t *testing.T) {
	u := serverURL(t)
	c := redisClient(t, u)
	stories, err := os.ReadFile("../../testdata/stories.jsonl")
	require.NoError(t, err)
	lines := strings.SplitAfter(strings.TrimSuffix(string(stories), "\n"), "\n")
	require.Len(t, lines, 7)
	_, texts := seedStories(t)
	wire := func(id string) string {
		return storyLine(t, map[string]any{"id": id, "source": "AFP", "text": texts["000"]})
	}
	inputs := []string{
		wire("wire-a") + strings.Join(lines[:4], ""),
		wire("wire-b") + strings.Join(lines[4:], "") + "\n",
	}

	for round := range 3 {
		t.Run(fmt.Sprint("round ", round), func(t *testing.T) {
			name := storeName(t, c)
			args := []string{"-redis", u, "-redis-name", name, "-window", "off"}
			var outs, errOuts [2]bytes.Buffer
			var codes [2]int
			var wg sync.WaitGroup
			for i := range 2 {
				wg.Go(func() { codes[i] = run(args, strings.NewReader(inputs[i]), &outs[i], &errOuts[i]) })
			}
			wg.Wait()

			byID := make(map[string]verdictOut)
			for i := range 2 {
				require.Equal(t, 0, codes[i], errOuts[i].String())
				assert.Empty(t, errOuts[i].String())
				vs := decodeLines(t, outs[i].String())
				require.Len(t, vs, []int{5, 4}[i])
				for _, v := range vs {
					byID[v.ID] = v
				}
			}
			require.Len(t, byID, 9)

			a, b := byID["wire-a"], byID["wire-b"]
			first, second := a, b
			if b.Kind == "new" {
				first, second = b, a
			}
			assert.Equal(t, "new", first.Kind, "one of the copies starts the cluster")
			assert.Equal(t, "copy", second.Kind, "the other is its copy")
			assert.Equal(t, first.ID, second.Cluster)
			require.NotEmpty(t, second.Matches)
			assert.Equal(t, first.ID, second.Matches[0].ID)
			assert.Equal(t, first.ID, byID["russia-talks-copy-1"].Cluster, "a third copy joins them")

			// Every verdict agrees with the state the two runs shared.
			d := joined(t, u, name, "-window", "off")
			assert.Equal(t, 9, d.Len())
			for id, v := range byID {
				cl, ok := d.ClusterOf(id)
				if assert.True(t, ok, id) {
					assert.Equal(t, v.Cluster, cl.ID, id)
				}
			}
		})
	}
}

func TestRedisFlags(t *testing.T) {
	agency, rewrite := seedLines(t)

	t.Run("help", func(t *testing.T) {
		code, _, errOut := runCmd(t, "", "-h")
		assert.Equal(t, 0, code)
		for _, s := range []string{"-redis URL", "-redis-name name", `(default "newsdup")`, "cannot be used together"} {
			assert.Contains(t, errOut, s)
		}
	})
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"with -state", []string{"-redis", "redis://127.0.0.1:6390/0", "-state", filepath.Join(t.TempDir(), "s")}, "-redis and -state cannot be used together"},
		{"empty url", []string{"-redis", ""}, "-redis needs the URL of a Redis server"},
		{"bad url", []string{"-redis", "http://127.0.0.1:6390"}, "-redis: bad server URL"},
		{"url with a password is not echoed", []string{"-redis", "redis://u:secret@host:no port/0"}, "-redis: bad server URL"},
		{"name without -redis", []string{"-redis-name", "x"}, "-redis-name needs -redis"},
		{"name with braces", []string{"-redis", "redis://127.0.0.1:6390/0", "-redis-name", "a{b}"}, "-redis-name must not contain braces"},
		{"state-every without -state", []string{"-redis", "redis://127.0.0.1:6390/0", "-state-every", "5"}, "-state-every needs -state"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, agency, c.args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, c.want)
			assert.Contains(t, errOut, "Run cluster -h for help.")
			assert.NotContains(t, errOut, "secret")
		})
	}

	t.Run("unreachable server", func(t *testing.T) {
		url := fmt.Sprintf("redis://127.0.0.1:%d/0", freePort(t))
		code, out, errOut := runCmd(t, agency, "-redis", url, "-redis-name", "x")
		assert.Equal(t, 1, code)
		assert.Empty(t, out)
		assert.Contains(t, errOut, `cluster: cannot open the shared state "x": `)
		assert.Contains(t, errOut, "cannot reach the server at 127.0.0.1:")
	})

	t.Run("flags differ from the store's", func(t *testing.T) {
		u := serverURL(t)
		name := storeName(t, redisClient(t, u))
		args := []string{"-redis", u, "-redis-name", name}
		code, _, errOut := runCmd(t, agency, args...)
		require.Equal(t, 0, code, errOut)

		code, out, errOut := runCmd(t, rewrite, append(args, "-window", "24h", "-seed", "3")...)
		assert.Equal(t, 2, code)
		assert.Empty(t, out)
		assert.Contains(t, errOut, fmt.Sprintf("flags conflict with the shared state %q on the Redis server", name))
		assert.Contains(t, errOut, "Window is 24h0m0s here, 72h0m0s in the store")
		assert.Contains(t, errOut, "Seed is 3 here, 0 in the store")
		assert.Equal(t, 1, joined(t, u, name).Len(), "nothing was added")

		// Flags that do not shape the shared state may differ.
		code, out, errOut = runCmd(t, rewrite, append(args, "-max-matches", "1", "-passages", "-max-text", "100000")...)
		require.Equal(t, 0, code, errOut)
		vs := decodeLines(t, out)
		require.Len(t, vs, 1)
		assert.Equal(t, "same_story", vs[0].Kind)
	})
}

// TestRedisStoreFailureStops loses the store's keys between two stories, as
// a server restarted without persistence would: the run stops at the second
// story's line, even with -skip-bad, after writing the first answer.
func TestRedisStoreFailureStops(t *testing.T) {
	u := serverURL(t)
	c := redisClient(t, u)
	name := storeName(t, c)
	agency, rewrite := seedLines(t)

	inR, inW := io.Pipe()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() { done <- run([]string{"-redis", u, "-redis-name", name, "-skip-bad"}, inR, &out, &errOut) }()
	feed(t, inW, &out, agency)
	deleteKeys(t, c, name)
	_, err := io.WriteString(inW, rewrite)
	require.NoError(t, err)
	require.NoError(t, inW.Close())

	select {
	case code := <-done:
		assert.Equal(t, 1, code)
	case <-time.After(30 * time.Second):
		t.Fatal("the run did not end")
	}
	vs := decodeLines(t, out.String())
	require.Len(t, vs, 1, "the story before the failure is answered")
	assert.Equal(t, "000", vs[0].ID)
	e := errOut.String()
	assert.Contains(t, e, "cluster: stdin line 2: the shared state failed")
	assert.Contains(t, e, "store lost its contents")
	assert.Contains(t, e, "cluster: 1 story processed")
	assert.NotContains(t, e, "skipped", "a store failure is not a bad line")
}
