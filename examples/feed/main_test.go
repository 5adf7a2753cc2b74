package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newsdup/newsdup/dedup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// Texts of the generated corpus: a wire story, a rewrite of it, and
// unrelated stories.
const (
	wireText = `The harbour authority of Valletta reopened the port on Monday after a storm damaged two piers and sank three fishing boats.
"We worked through the night to clear the channel," harbour master Joseph Camilleri told reporters, adding that ferries to Gozo would resume at noon.
The transport ministry said repairs to the breakwater would cost about 4 million euros and take until the summer.`
	rewriteText = `Ferries to Gozo were due to sail again from noon after Valletta's port reopened, harbour master Joseph Camilleri said on Monday.
Crews had "worked through the night to clear the channel" following the storm, which wrecked two piers and sank three fishing boats.
Fixing the breakwater will take until the summer, according to the transport ministry.`
)

func unrelated(i int) string {
	topics := []string{
		"The chess olympiad in Oslo ended with a surprise win for the Uzbek team, who beat the favourites in the last round.",
		"A new species of orchid was found in the cloud forests of Ecuador by botanists from Quito university.",
		"Copper prices rose for a third day in London as stocks in Shanghai warehouses fell to a two year low.",
		"The city council of Leeds approved a plan to plant ten thousand trees along its ring road by next spring.",
	}
	return topics[i%len(topics)]
}

// writeCorpus writes a small corpus, deliberately out of date order, and
// returns its path.
func writeCorpus(t *testing.T) string {
	t.Helper()
	recs := []map[string]any{
		{"id": "copy-1", "date": "2024-02-05T11:00:00Z", "title": "Valletta port reopens", "text": wireText + "\nSubscribe to our newsletter."},
		{"id": "wire-1", "date": "2024-02-05T09:00:00Z", "title": "Malta storm", "text": wireText},
		{"id": "empty", "date": "2024-02-05T09:30:00Z", "title": "Picture only", "text": "  "},
		{"id": "other-0", "date": "2024-02-05T10:00:00Z", "text": unrelated(0)},
		{"id": "rewrite-1", "date": "2024-02-06T08:15:00", "title": "Gozo ferries resume", "text": rewriteText},
		{"id": "undated", "text": unrelated(1)},
		{"id": "other-2", "date": "2024-02-06T09:00:00Z", "text": unrelated(2)},
		{"id": "other-3", "date": "2024-02-06", "text": unrelated(3)},
	}
	var b strings.Builder
	for _, r := range recs {
		line, err := json.Marshal(r)
		require.NoError(t, err)
		b.Write(line)
		b.WriteString("\n\n") // blank lines are skipped
	}
	path := filepath.Join(t.TempDir(), "corpus.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

func TestFeed(t *testing.T) {
	path := writeCorpus(t)
	code, out, errOut := runCmd(t, "-in", path)
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, errOut)

	events := regexp.MustCompile(`(?m)^\d\d:\d\d (COPY|SAME) .*$`).FindAllString(out, -1)
	require.Equal(t, []string{
		"11:00 COPY  id copy-1 of id wire-1, 100% (Valletta port reopens)",
	}, events[:1])
	require.Len(t, events, 2)
	assert.Regexp(t, `^08:15 SAME  id rewrite-1 as id (wire-1|copy-1), similarity 0\.\d\d \(Gozo ferries resume\)$`, events[1])
	assert.Regexp(t, `(?s)== 2024-02-05\n11:00 COPY.*== 2024-02-06\n08:15 SAME`, out)

	for _, want := range []string{
		"Summary of " + path,
		"stories      6 replayed in",
		"skipped      1 without text, 1 undated",
		"dates        2024-02-05 09:00 to 2024-02-06 09:00, window 72h0m0s",
		"clusters     4 seen, 0 merged into others, 4 live at the end holding 6 stories",
		"copies       1\n",
		"same story   1\n",
		"MiB heap in use",
		"boilerplate  0 lines learned",
	} {
		assert.Contains(t, out, want)
	}
}

func TestFeedFlags(t *testing.T) {
	path := writeCorpus(t)
	t.Run("quiet", func(t *testing.T) {
		code, out, _ := runCmd(t, "-in", path, "-quiet")
		require.Equal(t, 0, code)
		assert.NotContains(t, out, "COPY")
		assert.NotContains(t, out, "==")
		assert.True(t, strings.HasPrefix(out, "\nSummary of "), out)
		assert.Contains(t, out, "copies       1\n")
	})
	t.Run("max events", func(t *testing.T) {
		code, out, _ := runCmd(t, "-in", path, "-max-events", "1")
		require.Equal(t, 0, code)
		assert.Len(t, regexp.MustCompile(`(?m)^\d\d:\d\d (COPY|SAME)`).FindAllString(out, -1), 1)
		assert.Contains(t, out, "... 1 more events not shown (-max-events)")
		assert.Contains(t, out, "same story   1\n", "events not shown are still counted")
	})
	t.Run("short window", func(t *testing.T) {
		// The copy comes two hours after the wire story: a 3h window
		// holds it. The rewrite comes the next day, within the story
		// horizon of their cluster.
		code, out, _ := runCmd(t, "-in", path, "-window", "3h")
		require.Equal(t, 0, code)
		assert.Contains(t, out, "COPY  id copy-1")
		assert.Contains(t, out, "SAME  id rewrite-1")
		assert.Contains(t, out, "window 3h0m0s")
	})
	t.Run("window shorter than the copy's delay", func(t *testing.T) {
		code, out, _ := runCmd(t, "-in", path, "-window", "1h")
		require.Equal(t, 0, code)
		assert.NotContains(t, out, "COPY", "stories two hours apart are not compared within a 1h window")
	})
	t.Run("environment", func(t *testing.T) {
		t.Setenv(corpusEnv, path)
		code, out, errOut := runCmd(t, "-quiet")
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "Summary of "+path)
	})
	bad := []struct {
		name string
		args []string
		want string
	}{
		{"bad window", []string{"-window", "0s"}, "want a positive duration"},
		{"bad max events", []string{"-max-events", "-2"}, "-max-events must be -1"},
		{"argument", []string{"extra"}, "unexpected arguments"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runCmd(t, append([]string{"-in", path}, c.args...)...)
			assert.Equal(t, 2, code)
			assert.Contains(t, errOut, c.want)
		})
	}
}

func TestFeedBadCorpus(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"bad JSON", `{"id":"a","text":"x","date":"2024-01-01"}` + "\n{oops\n", "line 2"},
		{"bad date", `{"id":"a","text":"x","date":"01/02/2024"}` + "\n", `line 1: bad date "01/02/2024"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.jsonl")
			require.NoError(t, os.WriteFile(path, []byte(c.body), 0o644))
			code, _, errOut := runCmd(t, "-in", path)
			assert.Equal(t, 1, code)
			assert.Contains(t, errOut, c.want)
		})
	}
	t.Run("missing file", func(t *testing.T) {
		code, _, errOut := runCmd(t, "-in", filepath.Join(t.TempDir(), "none.jsonl"))
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "no such file")
	})
	t.Run("rejected stories are reported and counted", func(t *testing.T) {
		var b strings.Builder
		for i, id := range []string{"a", "b", "a", "c"} {
			fmt.Fprintf(&b, `{"id":%q,"text":%q,"date":"2024-01-01T%02d:00:00Z"}`+"\n", id, unrelated(i), i)
		}
		fmt.Fprintf(&b, `{"id":"d","text":"... !!!","date":"2024-01-01T05:00:00Z"}`+"\n")
		path := filepath.Join(t.TempDir(), "c.jsonl")
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
		code, out, errOut := runCmd(t, "-in", path)
		require.Equal(t, 0, code)
		assert.Contains(t, errOut, `feed: story "a" skipped: `)
		assert.Contains(t, errOut, "duplicate story id")
		assert.Contains(t, errOut, `feed: story "d" skipped: `)
		assert.Contains(t, out, "stories      3 replayed")
		assert.Contains(t, out, "2 rejected by the detector")
	})
}

func TestFeedReuters(t *testing.T) {
	if testing.Short() {
		t.Skip("replays the whole Reuters corpus")
	}
	path, err := corpusPath("")
	if err != nil {
		t.Skipf("Reuters-21578 not found (%v); set %s to its articles.jsonl", err, corpusEnv)
	}
	code, out, errOut := runCmd(t, "-in", path, "-quiet")
	require.Equal(t, 0, code, errOut)
	m := regexp.MustCompile(`stories      (\d+) replayed`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	assert.Equal(t, "19040", m[1], "21,578 stories less 2,535 without text and 3 undated")
	assert.Contains(t, out, "2535 without text, 3 undated")
	assert.Regexp(t, `copies       [1-9]\d*\n`, out)
}

// A story that merges clusters says so on a line of its own, and the
// summary counts the clusters merged.
func TestFeedMergeEvent(t *testing.T) {
	var w bytes.Buffer
	var tl tally
	s := dedup.Story{ID: "e", Time: time.Date(2024, 2, 6, 8, 15, 0, 0, time.UTC)}
	tl.record(&w, s, dedup.Result{ID: "e", Cluster: "a", Kind: dedup.SameStory, Score: 0.5, Merged: []string{"c", "d"}}, 10)
	assert.Equal(t, "== 2024-02-06\n08:15 SAME  id e as id a, similarity 0.50\n      MERGE cluster c, d into cluster a: id e is the same story as each\n", w.String())
	assert.Equal(t, 2, tl.merged)
}
