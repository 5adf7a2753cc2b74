package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/dedup/redisstore"
	"github.com/newsdup/newsdup/dedup/redisstore/redistest"
)

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
	u := redistest.URL(t)
	name := redistest.StoreName(t, redistest.Client(t, u))
	agency, rewrite := seedLines(t)
	args := []string{"-redis", u, "-redis-name", name}

	v := runOne(t, agency, args...)
	assert.Equal(t, "000", v.ID)
	assert.Equal(t, "new", v.Kind)
	assertRewriteJoinsAgency(t, runOne(t, rewrite, args...))

	cl, ok := joined(t, u, name).ClusterOf("001")
	require.True(t, ok, "the rewrite is in the shared state")
	assert.Equal(t, []string{"000", "001"}, cl.Stories)
}

// TestRedisConcurrentRuns runs two workers at the same time, each with half
// of testdata/stories.jsonl and, first, a copy of one wire story under an
// id of its own: the copies race to the store and end in one cluster, and
// every verdict agrees with the shared state.
func TestRedisConcurrentRuns(t *testing.T) {
	u := redistest.URL(t)
	c := redistest.Client(t, u)
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
			name := redistest.StoreName(t, c)
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
		url := fmt.Sprintf("redis://127.0.0.1:%d/0", redistest.FreePort(t))
		code, out, errOut := runCmd(t, agency, "-redis", url, "-redis-name", "x")
		assert.Equal(t, 1, code)
		assert.Empty(t, out)
		assert.Contains(t, errOut, `cluster: cannot open the shared state "x": `)
		assert.Contains(t, errOut, "cannot reach the server at 127.0.0.1:")
	})

	t.Run("flags differ from the store's", func(t *testing.T) {
		u := redistest.URL(t)
		name := redistest.StoreName(t, redistest.Client(t, u))
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
	u := redistest.URL(t)
	c := redistest.Client(t, u)
	name := redistest.StoreName(t, c)
	agency, rewrite := seedLines(t)

	inR, inW := io.Pipe()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() { done <- run([]string{"-redis", u, "-redis-name", name, "-skip-bad"}, inR, &out, &errOut) }()
	feed(t, inW, &out, agency)
	redistest.DeleteStore(t, c, name)
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

// The server cannot be reached for a second while a story is added: the run
// tries again, says so, and answers every story.
func TestRedisRetriesAfterOutage(t *testing.T) {
	u := redistest.URL(t)
	p := redistest.StartProxy(t, u)
	name := redistest.StoreName(t, redistest.Client(t, u))
	agency, rewrite := seedLines(t)

	inR, inW := io.Pipe()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() { done <- run([]string{"-redis", p.URL(), "-redis-name", name}, inR, &out, &errOut) }()
	feed(t, inW, &out, agency)
	p.SetDown(true)
	time.AfterFunc(1200*time.Millisecond, func() { p.SetDown(false) })
	_, err := io.WriteString(inW, rewrite)
	require.NoError(t, err)
	require.NoError(t, inW.Close())

	select {
	case code := <-done:
		require.Equal(t, 0, code, errOut.String())
	case <-time.After(30 * time.Second):
		t.Fatal("the run did not end")
	}
	vs := decodeLines(t, out.String())
	require.Len(t, vs, 2)
	assertRewriteJoinsAgency(t, vs[1])
	assert.Contains(t, errOut.String(), "stdin line 2: the shared state failed, trying again in 500ms")
	cl, ok := joined(t, u, name).ClusterOf("001")
	require.True(t, ok)
	assert.Equal(t, []string{"000", "001"}, cl.Stories, "each story once")
}
