package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// batchInputLines returns input lines of the seed stories, the newsroom
// fixture and wire stories with copies a day later, spread over a month.
func batchInputLines(t *testing.T) []string {
	t.Helper()
	seeds, _ := seedStories(t)
	fixture, err := os.ReadFile("../../testdata/stories.jsonl")
	require.NoError(t, err)
	lines := strings.SplitAfter(strings.TrimSpace(seeds), "\n")
	lines = append(lines, strings.SplitAfter(strings.TrimSpace(string(fixture)), "\n")...)
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i]) + "\n"
	}
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2022, 3, 1, 8, 0, 0, 0, time.UTC)
	words := strings.Fields("harbour council ferry budget strike court minister river storm vote bank school police hospital bridge airport")
	for i := range 40 {
		var b strings.Builder
		for j := range 80 {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteString(fmt.Sprint(rng.IntN(50)))
			if j%10 == 9 {
				b.WriteString(".\n")
			} else {
				b.WriteByte(' ')
			}
		}
		at := base.Add(time.Duration(rng.IntN(30*24)) * time.Hour)
		lines = append(lines,
			storyLine(t, map[string]any{"id": fmt.Sprint("wire-", i), "date": at.Format(time.RFC3339), "text": b.String()}),
			storyLine(t, map[string]any{"id": fmt.Sprint("copy-", i), "date": at.Add(24 * time.Hour).Format(time.RFC3339), "text": b.String() + "\nRead more on our site."}))
	}
	return lines
}

// byID indexes verdicts by story id.
func byID(vs []verdictOut) map[string]verdictOut {
	m := make(map[string]verdictOut, len(vs))
	for _, v := range vs {
		m[v.ID] = v
	}
	return m
}

func TestBatchSameAnswersInAnyOrder(t *testing.T) {
	lines := batchInputLines(t)
	code, out, errOut := runCmd(t, strings.Join(lines, ""), "-batch", "-passages")
	require.Equal(t, exitOK, code, errOut)
	want := decodeLines(t, out)
	require.Len(t, want, len(lines), "one answer a line")
	for i, v := range want {
		assert.Contains(t, lines[i], fmt.Sprintf("%q", v.ID), "answers in input order")
	}
	copies := 0
	for _, v := range want {
		assert.False(t, v.Late)
		if strings.HasPrefix(v.ID, "copy-") && v.Kind == "copy" && v.Cluster == "wire-"+strings.TrimPrefix(v.ID, "copy-") {
			copies++
		}
	}
	assert.Equal(t, 40, copies, "every copy found, a day after its wire story")

	rng := rand.New(rand.NewPCG(3, 4))
	for range 5 {
		shuffled := slices.Clone(lines)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		code, out, errOut := runCmd(t, strings.Join(shuffled, ""), "-batch", "-passages")
		require.Equal(t, exitOK, code, errOut)
		assert.Equal(t, byID(want), byID(decodeLines(t, out)))
	}

	t.Run("files, several of them", func(t *testing.T) {
		dir := t.TempDir()
		var args []string
		for i, part := range [][]string{lines[:30], lines[30:]} {
			path := filepath.Join(dir, fmt.Sprint("part", i, ".jsonl"))
			require.NoError(t, os.WriteFile(path, []byte(strings.Join(part, "")), 0o644))
			args = append(args, path)
		}
		code, out, errOut := runCmd(t, "", append([]string{"-batch", "-passages"}, args...)...)
		require.Equal(t, exitOK, code, errOut)
		assert.Equal(t, want, decodeLines(t, out), "the same answers, in input order")
	})
}

func TestBatchBadLines(t *testing.T) {
	lines := batchInputLines(t)[:6]
	bad := slices.Insert(slices.Clone(lines), 3, "{not json\n", storyLine(t, map[string]any{"id": "empty", "text": "... --- ..."}))
	in := strings.Join(bad, "")

	t.Run("skipped", func(t *testing.T) {
		code, out, errOut := runCmd(t, in, "-batch", "-skip-bad")
		require.Equal(t, exitOK, code, errOut)
		assert.Len(t, decodeLines(t, out), len(lines))
		assert.Contains(t, errOut, "stdin line 4 skipped: bad JSON")
		assert.Contains(t, errOut, "stdin line 5 skipped: dedup: story has no text")
		assert.Contains(t, errOut, "2 bad lines skipped, 6 stories processed")
	})
	t.Run("stopping at the first", func(t *testing.T) {
		code, out, errOut := runCmd(t, in, "-batch")
		require.Equal(t, exitFail, code)
		assert.Len(t, decodeLines(t, out), 3, "the stories before the bad line are answered")
		assert.Contains(t, errOut, "stdin line 4: bad JSON")
		assert.NotContains(t, errOut, "line 5")
		assert.Contains(t, errOut, "stopped: 3 stories answered before the bad line")
	})
	t.Run("a story the detector rejects", func(t *testing.T) {
		in := strings.Join(slices.Insert(slices.Clone(lines), 3, storyLine(t, map[string]any{"id": "empty", "text": "... --- ..."})), "")
		code, out, errOut := runCmd(t, in, "-batch")
		require.Equal(t, exitFail, code)
		assert.Len(t, decodeLines(t, out), 3)
		assert.Contains(t, errOut, "stdin line 4: dedup: story has no text")
	})
	t.Run("duplicate ids: the earlier in time is kept", func(t *testing.T) {
		first := storyLine(t, map[string]any{"id": "dup", "date": "2022-03-02T08:00:00Z", "text": "The harbour reopened on Monday after the storm."})
		second := storyLine(t, map[string]any{"id": "dup", "date": "2022-03-01T08:00:00Z", "text": "Farmers protested against the fuel tax in the capital."})
		for _, in := range []string{first + second, second + first} {
			code, out, errOut := runCmd(t, in, "-batch", "-skip-bad")
			require.Equal(t, exitOK, code, errOut)
			require.Len(t, decodeLines(t, out), 1)
			assert.Contains(t, errOut, "duplicate story id")
			assert.Contains(t, errOut, "line "+map[bool]string{true: "1", false: "2"}[in == first+second]+" skipped", "the later-dated line is the duplicate")
		}
	})
}

func TestBatchFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-batch", "-state", filepath.Join(t.TempDir(), "state")},
		{"-batch", "-redis", "redis://127.0.0.1:1/0"},
	} {
		code, _, errOut := runCmd(t, "", args...)
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, errOut, "-batch judges its input alone")
	}
}

func TestBatchLeavesNoTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	code, _, errOut := runCmd(t, strings.Join(batchInputLines(t)[:4], ""), "-batch")
	require.Equal(t, exitOK, code, errOut)
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, left)
}

// A story that comes after stories of its window left is answered, marked
// late, and counted at the end with what to do.
func TestLateStoriesReported(t *testing.T) {
	var b strings.Builder
	base := time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 400 {
		b.WriteString(storyLine(t, map[string]any{"id": fmt.Sprint("s", i), "date": base.Add(time.Duration(i) * time.Hour).Format(time.RFC3339),
			"text": fmt.Sprintf("Story %d about the %d harbour ferries and %d bridges.", i, rng.IntN(1000), rng.IntN(1000))}))
	}
	b.WriteString(storyLine(t, map[string]any{"id": "late", "date": base.Format(time.RFC3339), "text": "A story from the first day, sent two weeks late."}))
	code, out, errOut := runCmd(t, b.String())
	require.Equal(t, exitOK, code, errOut)
	vs := decodeLines(t, out)
	require.Len(t, vs, 401)
	assert.True(t, vs[400].Late)
	assert.False(t, vs[399].Late)
	assert.Contains(t, errOut, "cluster: 1 story came after stories published within -window of it had been let go")
	assert.Contains(t, errOut, "use -batch, or give a larger -lateness")

	code, out, errOut = runCmd(t, b.String(), "-batch")
	require.Equal(t, exitOK, code, errOut)
	assert.False(t, decodeLines(t, out)[400].Late, "never late in a batch")
	assert.NotContains(t, errOut, "late")
}
