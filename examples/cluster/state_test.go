package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/examples/internal/jsonl"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadState loads a state file as the command would with no flags.
func loadState(t testing.TB, path string) *dedup.Detector {
	t.Helper()
	d, err := dedup.LoadFile(path, dedup.Config{})
	require.NoError(t, err)
	return d
}

// fileState is a file's content and modification time, to tell whether it
// was written.
type fileState struct {
	data []byte
	mod  time.Time
}

func statFile(t testing.TB, path string) fileState {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	return fileState{data, fi.ModTime()}
}

// seedLines returns the agency story and its rewrite as separate input lines.
func seedLines(t testing.TB) (agency, rewrite string) {
	t.Helper()
	in, _ := seedStories(t)
	agency, rewrite, ok := strings.Cut(in, "\n")
	require.True(t, ok)
	return agency + "\n", rewrite
}

// runOne runs the command on one story, which must succeed, and returns its
// verdict.
func runOne(t testing.TB, stdin string, args ...string) verdictOut {
	t.Helper()
	code, out, errOut := runCmd(t, stdin, args...)
	require.Equal(t, 0, code, errOut)
	for _, line := range strings.SplitAfter(errOut, "\n") {
		if line != "" {
			assert.Regexp(t, `^cluster: state `, line, "only notes of where the state stands")
		}
	}
	vs := decodeLines(t, out)
	require.Len(t, vs, 1)
	return vs[0]
}

// assertRewriteJoinsAgency checks the verdict of the rewrite seed story
// (001) given after the agency story (000): the same story, with the agency
// story its first match.
func assertRewriteJoinsAgency(t testing.TB, v verdictOut) {
	t.Helper()
	assert.Equal(t, "001", v.ID)
	assert.Equal(t, "same_story", v.Kind)
	assert.Equal(t, "000", v.Cluster)
	require.NotEmpty(t, v.Matches)
	assert.Equal(t, "000", v.Matches[0].ID)
	assert.Greater(t, v.Matches[0].Score, 0.33)
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader in different
// goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestStateCarriesOverRuns(t *testing.T) {
	state := filepath.Join(t.TempDir(), "cluster.state")
	agency, rewrite := seedLines(t)

	assert.Equal(t, "new", runOne(t, agency, "-state", state).Kind)
	d := loadState(t, state)
	require.Equal(t, 1, d.Len())
	_, ok := d.ClusterOf("000")
	assert.True(t, ok, "the agency story is in the state")

	assertRewriteJoinsAgency(t, runOne(t, rewrite, "-state", state))
	cl, ok := loadState(t, state).ClusterOf("001")
	require.True(t, ok, "the rewrite is saved too")
	assert.Equal(t, "000", cl.ID)
}

// TestStateSplitRunsEqualOneRun checks that stories fed through several runs
// sharing a state file get the answers one run gives, and that the flags
// shaping the state are taken from the file when left out.
func TestStateSplitRunsEqualOneRun(t *testing.T) {
	seeds, _ := seedStories(t)
	stories, err := os.ReadFile("../../testdata/stories.jsonl")
	require.NoError(t, err)
	lines := strings.SplitAfter(seeds+string(stories), "\n")
	shaping := []string{"-shingle", "4", "-hashes", "64", "-seed", "9", "-boilerplate", "2"}

	for _, window := range []string{"72h", "off"} {
		common := []string{"-passages", "-window", window}
		code, whole, errOut := runCmd(t, strings.Join(lines, ""), append(common, shaping...)...)
		require.Equal(t, 0, code, errOut)
		require.Len(t, decodeLines(t, whole), 9)

		for _, cuts := range [][]int{{1}, {2, 6}, {1, 2, 3, 4, 5, 6, 7, 8}} {
			t.Run(fmt.Sprint("window ", window, " cuts ", cuts), func(t *testing.T) {
				state := filepath.Join(t.TempDir(), "s")
				var got strings.Builder
				prev := 0
				for i, cut := range append(cuts, len(lines)) {
					args := append([]string{"-state", state}, common...)
					if i == 0 {
						args = append(args, shaping...)
					}
					code, out, errOut := runCmd(t, strings.Join(lines[prev:cut], ""), args...)
					require.Equal(t, 0, code, errOut)
					got.WriteString(out)
					prev = cut
				}
				assert.Equal(t, whole, got.String())
			})
		}
	}
}

func TestStateFlagConflicts(t *testing.T) {
	state := filepath.Join(t.TempDir(), "s")
	agency, rewrite := seedLines(t)
	code, _, errOut := runCmd(t, agency, "-state", state, "-lang", "en", "-html", "never", "-shingle", "4", "-seed", "7", "-hashes", "64", "-lsh-threshold", "0.4", "-boilerplate", "5")
	require.Equal(t, 0, code, errOut)
	before := statFile(t, state)

	cases := []struct {
		name string
		args []string
		want []string // in the error; nil means no conflict
	}{
		{"all left out", nil, nil},
		{"all equal", []string{"-lang", "en", "-html", "never", "-shingle", "4", "-seed", "7", "-hashes", "64", "-lsh-threshold", "0.4", "-boilerplate", "5"}, nil},
		{"language by its other name", []string{"-lang", "English"}, nil},
		{"language by a region tag", []string{"-lang", "en-GB"}, nil},
		{"other settings may change", []string{"-same-story", "0.5", "-window", "off", "-max-matches", "2", "-copy-jaccard", "0.6"}, nil},
		{"language", []string{"-lang", "fr"}, []string{"-lang fr: the file was made with -lang en"}},
		{"html default given", []string{"-html", "auto"}, []string{"-html auto: the file was made with -html never"}},
		{"shingle default given", []string{"-shingle", "5"}, []string{"-shingle 5: the file was made with -shingle 4"}},
		{"seed zero given", []string{"-seed", "0"}, []string{"-seed 0: the file was made with -seed 7"}},
		{"hashes", []string{"-hashes", "128"}, []string{"-hashes 128: the file was made with -hashes 64"}},
		{"lsh threshold", []string{"-lsh-threshold", "0.3"}, []string{"-lsh-threshold 0.3: the file was made with -lsh-threshold 0.4"}},
		{"boilerplate", []string{"-boilerplate", "3"}, []string{"-boilerplate 3: the file was made with -boilerplate 5"}},
		{"several", []string{"-shingle", "3", "-seed", "1", "-lang", "en"}, []string{"-shingle 3", "-seed 1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Each run works on a copy, so that the runs that succeed do
			// not change the file the next case loads.
			copyPath := filepath.Join(t.TempDir(), "s")
			require.NoError(t, os.WriteFile(copyPath, before.data, 0o600))
			code, out, errOut := runCmd(t, rewrite, append(c.args, "-state", copyPath)...)
			if c.want == nil {
				require.Equal(t, 0, code, errOut)
				vs := decodeLines(t, out)
				require.Len(t, vs, 1)
				assert.Equal(t, "001", vs[0].ID)
				assert.Equal(t, 2, loadState(t, copyPath).Len())
				return
			}
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, "flags conflict with the state file "+copyPath)
			for _, w := range c.want {
				assert.Contains(t, errOut, w)
			}
			assert.NotContains(t, errOut, "-lang en:", "an equal flag is not a conflict")
			assert.Equal(t, before.data, statFile(t, copyPath).data, "the file is left as it is")
		})
	}
	assert.Equal(t, before, statFile(t, state))
}

func TestStateBadFile(t *testing.T) {
	good := filepath.Join(t.TempDir(), "good")
	agency, rewrite := seedLines(t)
	code, _, errOut := runCmd(t, agency, "-state", good)
	require.Equal(t, 0, code, errOut)
	valid, err := os.ReadFile(good)
	require.NoError(t, err)
	require.Greater(t, len(valid), 100)
	flipped := bytes.Clone(valid)
	flipped[len(flipped)/2] ^= 0x40

	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "truncated"},
		{"not a snapshot", []byte("id,text\n000,hello\n"), "not a snapshot"},
		{"truncated", valid[:len(valid)/2], "truncated"},
		{"corrupted", flipped, "dedup: bad snapshot"},
		{"trailing bytes", append(bytes.Clone(valid), 0), "trailing bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state")
			require.NoError(t, os.WriteFile(path, c.data, 0o600))
			before := statFile(t, path)
			code, out, errOut := runCmd(t, rewrite, "-state", path)
			assert.Equal(t, 1, code)
			assert.Empty(t, out, "no story is read")
			assert.Contains(t, errOut, "cannot load the state file "+path+": ")
			assert.Contains(t, errOut, c.want)
			assert.Contains(t, errOut, path+" was left as it is")
			assert.Equal(t, before, statFile(t, path), "the file is left as it is")
			entries, err := os.ReadDir(filepath.Dir(path))
			require.NoError(t, err)
			assert.Len(t, entries, 1, "no temporary file is left behind")
		})
	}
	t.Run("a directory", func(t *testing.T) {
		dir := t.TempDir()
		code, out, errOut := runCmd(t, rewrite, "-state", dir)
		assert.Equal(t, 1, code)
		assert.Empty(t, out)
		assert.Contains(t, errOut, "cannot load the state file "+dir)
	})
}

func TestStateCannotCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing-dir", "state")
	agency, _ := seedLines(t)
	code, out, errOut := runCmd(t, agency, "-state", path)
	assert.Equal(t, 1, code)
	assert.Empty(t, out, "the run fails before reading input")
	assert.Contains(t, errOut, "cannot create the state file "+path)
	assert.NoFileExists(t, path)
}

func TestStateFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"negative interval", []string{"-state", "x", "-state-every", "-1"}, "-state-every must not be negative"},
		{"interval without a file", []string{"-state-every", "10"}, "-state-every needs -state"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, `{"id":"a","text":"b c d"}`, c.args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, c.want)
		})
	}
	t.Run("help", func(t *testing.T) {
		code, _, errOut := runCmd(t, "", "-h")
		assert.Equal(t, 0, code)
		for _, s := range []string{"-state file", "-state-every stories", "(default 1000)", "SIGINT or SIGTERM", "-lsh-threshold, -seed, -boilerplate"} {
			assert.Contains(t, errOut, s)
		}
	})
}

func TestStateDuplicateIDAcrossRuns(t *testing.T) {
	state := filepath.Join(t.TempDir(), "s")
	agency, rewrite := seedLines(t)
	code, _, errOut := runCmd(t, agency, "-state", state)
	require.Equal(t, 0, code, errOut)
	before := statFile(t, state)
	again := storyLine(t, map[string]any{"id": "000", "text": "The harbour authority reopened the port on Monday after the storm."})

	t.Run("stops", func(t *testing.T) {
		code, out, errOut := runCmd(t, again+rewrite, "-state", state)
		assert.Equal(t, 1, code)
		assert.Empty(t, out)
		assert.Contains(t, errOut, "stdin line 1: ")
		assert.Contains(t, errOut, "duplicate story id")
		assert.Contains(t, errOut, "already holds a story with this id")
		assert.Equal(t, before, statFile(t, state), "nothing was added, so nothing is saved")
	})
	t.Run("skipped", func(t *testing.T) {
		code, out, errOut := runCmd(t, again+rewrite, "-state", state, "-skip-bad")
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, errOut, "stdin line 1 skipped: ")
		assert.Contains(t, errOut, "duplicate story id")
		vs := decodeLines(t, out)
		require.Len(t, vs, 1)
		assert.Equal(t, "001", vs[0].ID)
		d := loadState(t, state)
		assert.Equal(t, 2, d.Len())
		cl, ok := d.ClusterOf("000")
		require.True(t, ok)
		assert.Equal(t, []string{"000", "001"}, cl.Stories, "the first 000 is kept")
	})
}

func TestStateSavedAtErrorStop(t *testing.T) {
	agency, rewrite := seedLines(t)
	t.Run("bad line", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "s")
		code, out, errOut := runCmd(t, agency+rewrite+"{oops\n", "-state", state)
		assert.Equal(t, 1, code)
		assert.Len(t, decodeLines(t, out), 2)
		assert.Contains(t, errOut, "stdin line 3: bad JSON")
		assert.Equal(t, 2, loadState(t, state).Len(), "the stories answered are saved")
	})
	t.Run("unreadable file", func(t *testing.T) {
		dir := t.TempDir()
		state := filepath.Join(dir, "s")
		first := filepath.Join(dir, "first.jsonl")
		require.NoError(t, os.WriteFile(first, []byte(agency), 0o644))
		code, out, errOut := runCmd(t, "", "-state", state, first, filepath.Join(dir, "missing.jsonl"))
		assert.Equal(t, 1, code)
		assert.Len(t, decodeLines(t, out), 1)
		assert.Contains(t, errOut, "no such file")
		assert.Equal(t, 1, loadState(t, state).Len())
	})
	t.Run("failed output is not saved", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "s")
		var errOut bytes.Buffer
		code := run([]string{"-state", state}, strings.NewReader(agency+rewrite), failWriter{}, &errOut)
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut.String(), "writing the output: disk full")
		assert.Equal(t, 0, loadState(t, state).Len(), "answers that were not written are not saved")
	})
}

// feed writes lines to w one at a time, each after the answer to the one
// before has come out, so that each is a batch of its own.
func feed(t *testing.T, w io.Writer, out *syncBuffer, lines ...string) {
	t.Helper()
	for _, l := range lines {
		n := strings.Count(out.String(), "\n")
		_, err := io.WriteString(w, l)
		require.NoError(t, err)
		require.Eventually(t, func() bool { return strings.Count(out.String(), "\n") > n },
			10*time.Second, time.Millisecond, "no answer to %.40s", l)
	}
}

func TestStateEvery(t *testing.T) {
	var lines []string
	for i := range 5 {
		lines = append(lines, storyLine(t, map[string]any{"id": fmt.Sprint("s", i), "text": fmt.Sprintf("Story number %d about topic %d in town %d.", i, i, i)}))
	}
	cases := []struct {
		every string
		want  []int // stories in the file after each story is answered
	}{
		{"2", []int{0, 2, 2, 4, 4}},
		{"1", []int{1, 2, 3, 4, 5}},
		{"0", []int{0, 0, 0, 0, 0}},
	}
	for _, c := range cases {
		t.Run("every "+c.every, func(t *testing.T) {
			state := filepath.Join(t.TempDir(), "s")
			inR, inW := io.Pipe()
			var out syncBuffer
			done := make(chan int, 1)
			go func() { done <- run([]string{"-state", state, "-state-every", c.every}, inR, &out, io.Discard) }()
			for i, l := range lines {
				feed(t, inW, &out, l)
				// The save follows the answer; wait for it.
				require.Eventually(t, func() bool {
					d, err := dedup.LoadFile(state, dedup.Config{})
					return err == nil && d.Len() == c.want[i]
				}, 10*time.Second, time.Millisecond, "after story %d", i)
			}
			if c.every == "0" {
				// No save is due: give a wrong one time to show.
				time.Sleep(50 * time.Millisecond)
				assert.Equal(t, 0, loadState(t, state).Len())
			}
			require.NoError(t, inW.Close())
			require.Equal(t, 0, <-done)
			assert.Equal(t, 5, loadState(t, state).Len(), "saved at the end")
		})
	}
}

// TestHalt calls the function the signal goroutine calls on SIGINT and
// SIGTERM.
func TestHalt(t *testing.T) {
	agency, rewrite := seedLines(t)

	t.Run("flushes answers not yet written and saves", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "s")
		var out, errOut bytes.Buffer
		p, code := newPipeline([]string{"-state", state}, &out, &errOut)
		require.NotNil(t, p, errOut.String())
		require.Equal(t, 0, code)
		// A batch added and answered, its answers still in the output
		// buffer: the state of the run while it reads the next batch.
		s1, err := jsonl.Decode([]byte(strings.TrimSpace(agency)))
		require.NoError(t, err)
		s2, err := jsonl.Decode([]byte(rewrite))
		require.NoError(t, err)
		p.mu.Lock()
		require.NoError(t, p.addBatch("stdin", []pending{{1, s1}, {2, s2}}))
		p.mu.Unlock()
		require.Empty(t, out.String(), "the answers are buffered")

		assert.Equal(t, 143, p.halt(syscall.SIGTERM))
		vs := decodeLines(t, out.String())
		require.Len(t, vs, 2)
		assert.Equal(t, "same_story", vs[1].Kind)
		assert.Equal(t, "cluster: state "+state+" created, empty\n"+
			"cluster: terminated (SIGTERM): 2 stories processed; state saved to "+state+`: 2 stories applied, the last "001" (stdin line 2)`+"\n", errOut.String())
		d := loadState(t, state)
		assert.Equal(t, 2, d.Len())

		// The run adds nothing after halt, and halt saves only once.
		saved := statFile(t, state)
		more := storyLine(t, map[string]any{"id": "late", "text": "A story that arrives after the signal."})
		assert.Equal(t, 143, p.run(strings.NewReader(more)))
		assert.Equal(t, 143, p.halt(os.Interrupt))
		assert.Len(t, decodeLines(t, out.String()), 2)
		assert.Equal(t, saved, statFile(t, state))
		assert.Equal(t, 2, strings.Count(errOut.String(), "\n"), "one message after the note of the state's creation")
	})

	t.Run("while the run waits for input", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "s")
		var out syncBuffer
		var errOut bytes.Buffer
		p, _ := newPipeline([]string{"-state", state, "-state-every", "0"}, &out, &errOut)
		require.NotNil(t, p)
		inR, inW := io.Pipe()
		done := make(chan int, 1)
		go func() { done <- p.run(inR) }()
		feed(t, inW, &out, agency, rewrite)
		require.Equal(t, 0, loadState(t, state).Len(), "no save is due yet")

		assert.Equal(t, 130, p.halt(os.Interrupt))
		assert.Equal(t, "cluster: state "+state+" created, empty\n"+
			"cluster: interrupted (SIGINT): 2 stories processed; state saved to "+state+`: 2 stories applied, the last "001" (stdin line 2)`+"\n", errOut.String())
		assert.Equal(t, 2, loadState(t, state).Len())
		saved := statFile(t, state)

		// Input that arrives after the signal is not processed.
		_, err := io.WriteString(inW, storyLine(t, map[string]any{"id": "late", "text": "Late story about weather."}))
		require.NoError(t, err)
		require.NoError(t, inW.Close())
		assert.Equal(t, 130, <-done)
		assert.Len(t, decodeLines(t, out.String()), 2)
		assert.Equal(t, saved, statFile(t, state))
	})

	t.Run("save fails", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "d")
		require.NoError(t, os.Mkdir(dir, 0o755))
		state := filepath.Join(dir, "s")
		var out, errOut bytes.Buffer
		p, _ := newPipeline([]string{"-state", state}, &out, &errOut)
		require.NotNil(t, p)
		p.mu.Lock()
		s, err := jsonl.Decode([]byte(strings.TrimSpace(agency)))
		require.NoError(t, err)
		require.NoError(t, p.addBatch("stdin", []pending{{1, s}}))
		p.mu.Unlock()
		require.NoError(t, os.RemoveAll(dir))

		assert.Equal(t, 1, p.halt(os.Interrupt))
		assert.Len(t, decodeLines(t, out.String()), 1, "the output is flushed all the same")
		assert.Contains(t, errOut.String(), "cluster: interrupted (SIGINT): 1 story processed; cannot save the state to "+state)
	})

	t.Run("output fails", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "s")
		var errOut bytes.Buffer
		p, _ := newPipeline([]string{"-state", state}, failWriter{}, &errOut)
		require.NotNil(t, p)
		s, err := jsonl.Decode([]byte(strings.TrimSpace(agency)))
		require.NoError(t, err)
		p.mu.Lock()
		require.NoError(t, p.addBatch("stdin", []pending{{1, s}}))
		p.mu.Unlock()
		before := statFile(t, state)

		assert.Equal(t, 1, p.halt(syscall.SIGTERM))
		assert.Contains(t, errOut.String(), "writing the output: disk full; state not saved to "+state)
		assert.Equal(t, before, statFile(t, state), "answers that were not written are not saved")
	})

	t.Run("without -state", func(t *testing.T) {
		var out, errOut bytes.Buffer
		p, _ := newPipeline(nil, &out, &errOut)
		require.NotNil(t, p)
		s, err := jsonl.Decode([]byte(strings.TrimSpace(agency)))
		require.NoError(t, err)
		p.mu.Lock()
		require.NoError(t, p.addBatch("stdin", []pending{{1, s}}))
		p.mu.Unlock()
		assert.Equal(t, 130, p.halt(os.Interrupt))
		assert.Len(t, decodeLines(t, out.String()), 1)
		assert.Equal(t, "cluster: interrupted (SIGINT): 1 story processed\n", errOut.String())
	})

	t.Run("after the run ended", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "s")
		var out, errOut bytes.Buffer
		p, _ := newPipeline([]string{"-state", state}, &out, &errOut)
		require.NotNil(t, p)
		require.Equal(t, 0, p.run(strings.NewReader(agency)))
		saved := statFile(t, state)
		messages := errOut.String()
		assert.Equal(t, "cluster: state "+state+" created, empty\n"+
			"cluster: state saved to "+state+`: 1 story applied, the last "000" (stdin line 1)`+"\n", messages)
		assert.Equal(t, 0, p.halt(os.Interrupt), "the run's status")
		assert.Equal(t, messages, errOut.String(), "halt says nothing")
		assert.Equal(t, saved, statFile(t, state))
	})
}

// TestStateEveryFailedSave checks that a failed save every -state-every
// stories is reported and the run goes on, and that a failed save at the
// end makes the exit status 1.
func TestStateEveryFailedSave(t *testing.T) {
	agency, rewrite := seedLines(t)
	dir := filepath.Join(t.TempDir(), "d")
	require.NoError(t, os.Mkdir(dir, 0o755))
	state := filepath.Join(dir, "s")
	inR, inW := io.Pipe()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() { done <- run([]string{"-state", state, "-state-every", "2"}, inR, &out, &errOut) }()
	// The run has made the state file and its record once it says so.
	require.Eventually(t, func() bool { return strings.Contains(errOut.String(), "created, empty") }, 10*time.Second, time.Millisecond)
	require.NoError(t, os.RemoveAll(dir))

	// Each story is a batch of its own: saves are tried after the second
	// and the fourth, not after every batch once one has failed.
	var lines []string
	for i := range 5 {
		lines = append(lines, storyLine(t, map[string]any{"id": fmt.Sprint("s", i), "text": fmt.Sprintf("Story number %d about topic %d in town %d.", i, i, i)}))
	}
	feed(t, inW, &out, lines[:2]...)
	require.Eventually(t, func() bool { return strings.Contains(errOut.String(), "; going on") }, 10*time.Second, time.Millisecond)
	assert.Contains(t, errOut.String(), "cluster: cannot save the state to "+state)
	feed(t, inW, &out, lines[2:]...)
	feed(t, inW, &out, agency, rewrite)
	require.NoError(t, inW.Close())
	assert.Equal(t, 1, <-done)
	vs := decodeLines(t, out.String())
	require.Len(t, vs, 7, "the run went on")
	assert.Equal(t, "same_story", vs[6].Kind)
	assert.Equal(t, 3, strings.Count(errOut.String(), "; going on"), "after stories 2, 4 and 6: %s", errOut.String())
	assert.Equal(t, 4, strings.Count(errOut.String(), "cannot save the state to "+state), "and at the end: %s", errOut.String())
}
