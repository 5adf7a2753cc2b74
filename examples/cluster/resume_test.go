package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsdup/newsdup/examples/internal/jsonl"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// storyLines returns the seed stories and those of testdata/stories.jsonl,
// one input line each, with their ids.
func storyLines(t testing.TB) (lines, ids []string) {
	t.Helper()
	seeds, _ := seedStories(t)
	stories, err := os.ReadFile("../../testdata/stories.jsonl")
	require.NoError(t, err)
	for _, l := range strings.SplitAfter(seeds+string(stories), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		s, err := jsonl.Decode([]byte(strings.TrimSpace(l)))
		require.NoError(t, err)
		lines = append(lines, l)
		ids = append(ids, s.ID)
	}
	return lines, ids
}

// TestStatePosition checks what a -state run says of where the state
// stands: when it starts with an existing state, and at each save.
func TestStatePosition(t *testing.T) {
	lines, ids := storyLines(t)
	state := filepath.Join(t.TempDir(), "s")

	code, _, errOut := runCmd(t, strings.Join(lines[:3], ""), "-state", state)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "cluster: state "+state+" created, empty\n"+
		fmt.Sprintf("cluster: state saved to %s: 3 stories applied, the last %q (stdin line 3)\n", state, ids[2]), errOut)

	code, _, errOut = runCmd(t, strings.Join(lines[3:5], ""), "-state", state, "-state-every", "1")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, fmt.Sprintf("cluster: state %s: 3 stories applied, the last %q (stdin line 3); give the stories after it\n", state, ids[2])+
		fmt.Sprintf("cluster: state saved to %s: 5 stories applied, the last %q (stdin line 2)\n", state, ids[4]), errOut,
		"one batch, one save")

	t.Run("a run that adds nothing leaves the record", func(t *testing.T) {
		code, _, errOut := runCmd(t, "", "-state", state)
		require.Equal(t, 0, code, errOut)
		assert.Equal(t, fmt.Sprintf("cluster: state %s: 5 stories applied, the last %q (stdin line 2); give the stories after it\n", state, ids[4]), errOut)
	})
	t.Run("a bad line stops the run after a save", func(t *testing.T) {
		dir := t.TempDir()
		st := filepath.Join(dir, "s")
		in := filepath.Join(dir, "in.jsonl")
		require.NoError(t, os.WriteFile(in, []byte(lines[0]+lines[1]+"{oops\n"+lines[2]), 0o644))
		code, _, errOut := runCmd(t, "", "-state", st, in)
		assert.Equal(t, 1, code)
		assert.True(t, strings.HasSuffix(errOut,
			"cluster: stopped: 2 stories processed before the bad line (-skip-bad skips bad lines)\n"+
				fmt.Sprintf("cluster: state saved to %s: 2 stories applied, the last %q (%s line 2)\n", st, ids[1], in)), errOut)
	})
}

// TestStateRecordNotBelieved checks that a record that does not describe
// the state file is not used: missing, not a record, or written for
// another save (the process killed between the save and the record).
func TestStateRecordNotBelieved(t *testing.T) {
	lines, ids := storyLines(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "s")
	code, _, errOut := runCmd(t, strings.Join(lines[:2], ""), "-state", state)
	require.Equal(t, 0, code, errOut)
	first, err := os.ReadFile(recordPath(state))
	require.NoError(t, err)
	code, _, errOut = runCmd(t, lines[2], "-state", state)
	require.Equal(t, 0, code, errOut)
	saved, err := os.ReadFile(state)
	require.NoError(t, err)

	cases := []struct {
		name   string
		record []byte // nil: no record
		want   string
	}{
		{"missing", nil, recordPath(state) + " is missing"},
		{"truncated", first[:len(first)/2], recordPath(state) + " is not a record"},
		{"of the save before", first, recordPath(state) + " describes another save of the state"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := filepath.Join(t.TempDir(), "s")
			require.NoError(t, os.WriteFile(st, saved, 0o644))
			if c.record != nil {
				require.NoError(t, os.WriteFile(recordPath(st), c.record, 0o644))
			}
			want := strings.ReplaceAll(c.want, state, st)
			held := loadState(t, st).Len() // not 3: a story left the window
			code, _, errOut := runCmd(t, lines[3], "-state", st)
			require.Equal(t, 0, code, errOut)
			notes := strings.SplitAfter(errOut, "\n")
			require.Len(t, notes, 3, errOut)
			assert.True(t, strings.HasPrefix(notes[0], fmt.Sprintf("cluster: state %s: %s held; the last story added is not recorded: %s", st, plural(held, "story", "stories"), want)), notes[0])
			assert.Equal(t, fmt.Sprintf("cluster: state saved to %s: the last story applied %q (stdin line 1), 1 story by this run (the number before it is not recorded)\n", st, ids[3]), notes[1])
			// The record written then gives the last story, without a count.
			code, _, errOut = runCmd(t, "", "-state", st)
			require.Equal(t, 0, code, errOut)
			assert.Equal(t, fmt.Sprintf("cluster: state %s: the last story applied %q (stdin line 1), the number of stories applied is not recorded; give the stories after it\n", st, ids[3]), errOut)
		})
	}
}

// TestStateRemovesSaveTemps checks that a run with -state removes the
// temporary files that interrupted saves left beside the state file, and
// only those.
func TestStateRemovesSaveTemps(t *testing.T) {
	lines, _ := storyLines(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "s")
	temps := []string{".s.tmp-123", ".s.tmp-4294967295"}
	others := []string{".s.tmp-", ".s.tmp-12a", ".s.tmp-1.bak", "s.tmp-1", ".s2.tmp-1", ".x.tmp-1", ".s.last.tmp-1", "s.last"}
	for _, n := range append(temps, others...) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte("partial"), 0o644))
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, ".s.tmp-77"), 0o755))

	code, _, errOut := runCmd(t, lines[0], "-state", state)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "cluster: removed 2 temporary files left beside "+state+" by interrupted saves: .s.tmp-123, .s.tmp-4294967295\n")
	for _, n := range temps {
		assert.NoFileExists(t, filepath.Join(dir, n))
	}
	for _, n := range others {
		assert.FileExists(t, filepath.Join(dir, n), "not a temporary file of a save to s")
	}
	assert.DirExists(t, filepath.Join(dir, ".s.tmp-77"), "only regular files are removed")

	t.Run("none to remove, nothing said", func(t *testing.T) {
		code, _, errOut := runCmd(t, lines[1], "-state", state)
		require.Equal(t, 0, code, errOut)
		assert.NotContains(t, errOut, "removed")
	})
	t.Run("before a state that cannot be loaded", func(t *testing.T) {
		dir := t.TempDir()
		bad := filepath.Join(dir, "bad")
		require.NoError(t, os.WriteFile(bad, []byte("not a state"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, ".bad.tmp-5"), []byte("partial"), 0o644))
		code, _, errOut := runCmd(t, lines[0], "-state", bad)
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "removed 1 temporary file left beside "+bad)
		assert.Contains(t, errOut, "cannot load the state file "+bad)
	})
	t.Run("isSaveTemp", func(t *testing.T) {
		assert.True(t, isSaveTemp(".state.bin.tmp-0", "state.bin"))
		assert.False(t, isSaveTemp(".state.bin.tmp-0", "state"))
		assert.False(t, isSaveTemp(".state.tmp-0x1", "state"))
	})
}

// TestStateKilled kills a -state run with SIGKILL between two saves and
// restarts it as its package documentation says: from the story after the
// last one the state holds, which the restart names. The answers are those
// of one uninterrupted run.
func TestStateKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	lines, ids := storyLines(t)
	require.GreaterOrEqual(t, len(lines), 8)
	code, whole, errOut := runCmd(t, strings.Join(lines, ""))
	require.Equal(t, 0, code, errOut)
	want := strings.SplitAfter(whole, "\n")

	state := filepath.Join(t.TempDir(), "s")
	cmd := command(t, "-state", state, "-state-every", "3")
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	answers := bufio.NewReader(stdout)
	// Feed the stories one at a time, each answered before the next is
	// written, so that each is a batch: the save comes after the third.
	for i := range 5 {
		_, err := io.WriteString(stdin, lines[i])
		require.NoError(t, err)
		got, err := answers.ReadString('\n')
		require.NoError(t, err)
		assert.Equal(t, want[i], got, "story %d", i+1)
	}
	saved := fmt.Sprintf("cluster: state saved to %s: 3 stories applied, the last %q (stdin line 3)\n", state, ids[2])
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), saved) }, 10*time.Second, time.Millisecond)
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	assert.NotContains(t, stderr.String(), "stories applied, the last "+fmt.Sprintf("%q", ids[4]), "no save after the third story")

	// The restart says where the state stands; fed from the story after
	// it, it answers as the one run did (stories 4 and 5 again, the same).
	code, out, errOut := runCmd(t, strings.Join(lines[3:], ""), "-state", state)
	require.Equal(t, 0, code, errOut)
	assert.True(t, strings.HasPrefix(errOut,
		fmt.Sprintf("cluster: state %s: 3 stories applied, the last %q (stdin line 3); give the stories after it\n", state, ids[2])), errOut)
	assert.Equal(t, strings.Join(want[3:], ""), out)
}
