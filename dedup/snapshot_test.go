package dedup

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func snapshotOf(t testing.TB, d *Detector) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, d.Save(&buf))
	return buf.Bytes()
}

// requireSameResults checks that two runs gave the same verdicts, clusters,
// matches and passages, with scores equal up to rounding: a loaded detector
// rebuilds its centroids by adding the stories held, where the saved one
// also subtracted the stories that left, and float sums keep the trace of
// their history in the last bits.
func requireSameResults(t *testing.T, want, got []Result) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		w, g := want[i], got[i]
		require.Equal(t, w.ID, g.ID)
		require.Equal(t, w.Kind, g.Kind, w.ID)
		require.Equal(t, w.Cluster, g.Cluster, w.ID)
		require.InDelta(t, w.Score, g.Score, 1e-9, w.ID)
		require.Len(t, g.Matches, len(w.Matches), w.ID)
		for j := range w.Matches {
			wm, gm := w.Matches[j], g.Matches[j]
			require.Equal(t, wm.ID, gm.ID, w.ID)
			require.Equal(t, wm.Kind, gm.Kind, w.ID)
			require.InDelta(t, wm.Score, gm.Score, 1e-9, w.ID)
			require.Equal(t, wm.Passages, gm.Passages, w.ID)
		}
	}
}

// A detector loaded from a snapshot goes on exactly as the saved one would.
func TestSnapshotResumesIdentically(t *testing.T) {
	stories := newsroom(t)
	cfg := Config{Window: -1, Clock: fixedClock}
	for cut := 0; cut <= len(stories); cut++ {
		a := newDetector(t, cfg)
		for _, s := range stories[:cut] {
			_, err := a.Add(s.Story)
			require.NoError(t, err)
		}
		b, err := Load(bytes.NewReader(snapshotOf(t, a)), cfg)
		require.NoError(t, err, "cut %d", cut)
		assert.Equal(t, a.Clusters(), b.Clusters())
		assert.Equal(t, a.BoilerplateLines(), b.BoilerplateLines())
		for _, s := range stories[cut:] {
			ra, err := a.Add(s.Story)
			require.NoError(t, err)
			rb, err := b.Add(s.Story)
			require.NoError(t, err)
			require.Equal(t, ra, rb, "cut %d, story %s", cut, s.ID)
		}
		assert.Equal(t, snapshotOf(t, a), snapshotOf(t, b), "cut %d: same state, same bytes", cut)
	}
}

func TestSnapshotResumesIdenticallyOnReuters(t *testing.T) {
	if testing.Short() {
		t.Skip("streams Reuters stories")
	}
	stories, _ := reuters(t)
	stories = stories[:4000]
	cfg := Config{Clock: fixedClock}
	a := newDetector(t, cfg)
	_, err := a.AddBatch(stories[:2500])
	require.NoError(t, err)
	data := snapshotOf(t, a)
	b, err := Load(bytes.NewReader(data), cfg)
	require.NoError(t, err)
	ra, err := a.AddBatch(stories[2500:])
	require.NoError(t, err)
	rb, err := b.AddBatch(stories[2500:])
	require.NoError(t, err)
	requireSameResults(t, ra, rb)
	t.Logf("snapshot of %d stories: %d bytes (%.0f bytes a story)", a.Len(), len(data), float64(len(data))/float64(a.Len()))
}

func TestSnapshotRejectsDamage(t *testing.T) {
	stories := newsroom(t)
	d := newDetector(t, Config{Window: -1})
	_, err := d.AddBatch(func() []Story {
		var out []Story
		for _, s := range stories {
			out = append(out, s.Story)
		}
		return out
	}())
	require.NoError(t, err)
	good := snapshotOf(t, d)

	t.Run("truncated", func(t *testing.T) {
		for _, n := range []int{0, 1, 5, 6, 8, 20, len(good) / 3, len(good) / 2, len(good) - 5, len(good) - 1} {
			_, err := Load(bytes.NewReader(good[:n]), Config{})
			require.ErrorIs(t, err, ErrSnapshot, "prefix of %d bytes", n)
		}
	})
	t.Run("every byte flipped", func(t *testing.T) {
		step := max(1, len(good)/400)
		for i := 0; i < len(good); i += step {
			bad := bytes.Clone(good)
			bad[i] ^= 0x5a
			_, err := Load(bytes.NewReader(bad), Config{})
			require.ErrorIs(t, err, ErrSnapshot, "byte %d", i)
		}
	})
	t.Run("trailing bytes", func(t *testing.T) {
		_, err := Load(bytes.NewReader(append(bytes.Clone(good), 0)), Config{})
		require.ErrorIs(t, err, ErrSnapshot)
	})
	t.Run("wrong magic", func(t *testing.T) {
		_, err := Load(bytes.NewReader([]byte("GARBAGE-NOT-A-SNAPSHOT")), Config{})
		require.ErrorIs(t, err, ErrSnapshot)
		assert.Contains(t, err.Error(), "not a snapshot")
	})
	t.Run("other version", func(t *testing.T) {
		bad := bytes.Clone(good)
		binary.LittleEndian.PutUint16(bad[len(snapshotFormat.Magic):], snapshotFormat.Version+1)
		_, err := Load(bytes.NewReader(bad), Config{})
		require.ErrorIs(t, err, ErrSnapshot)
		assert.Contains(t, err.Error(), "version")
	})
	t.Run("conflicting config", func(t *testing.T) {
		_, err := Load(bytes.NewReader(good), Config{ShingleSize: 3})
		require.ErrorIs(t, err, ErrSnapshot)
		assert.Contains(t, err.Error(), "ShingleSize")
		d2, err := Load(bytes.NewReader(good), Config{ShingleSize: DefaultShingleSize, SameStoryThreshold: 0.5})
		require.NoError(t, err)
		assert.Equal(t, 0.5, d2.Config().SameStoryThreshold)
	})
	t.Run("reader error", func(t *testing.T) {
		boom := errors.New("disk on fire")
		_, err := Load(&failingReader{data: good, after: len(good) / 2, err: boom}, Config{})
		require.ErrorIs(t, err, boom)
	})
}

type failingReader struct {
	data  []byte
	after int
	err   error
	pos   int
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.pos >= r.after {
		return 0, r.err
	}
	n := copy(p, r.data[r.pos:min(len(r.data), r.after)])
	r.pos += n
	return n, nil
}

func TestSaveFileIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.snap")
	agency, rewrite := seedStories(t)
	d := newDetector(t, Config{})
	_, err := d.Add(agency)
	require.NoError(t, err)
	require.NoError(t, d.SaveFile(path))
	first, err := os.ReadFile(path)
	require.NoError(t, err)

	_, err = d.Add(rewrite)
	require.NoError(t, err)
	require.NoError(t, d.SaveFile(path))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")

	back, err := LoadFile(path, Config{Clock: fixedClock})
	require.NoError(t, err)
	assert.Equal(t, 2, back.Len())

	// A save into a directory that cannot be written fails and leaves the
	// previous snapshot alone.
	require.NoError(t, os.WriteFile(path, first, 0o644))
	err = d.SaveFile(filepath.Join(dir, "missing", "state.snap"))
	require.Error(t, err)
	still, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, first, still)

	_, err = LoadFile(filepath.Join(dir, "absent.snap"), Config{})
	require.ErrorIs(t, err, os.ErrNotExist)
}

func FuzzLoad(f *testing.F) {
	d := newDetector(f, Config{Window: -1})
	agency, rewrite := seedStories(f)
	f.Add(snapshotOf(f, d))
	_, _ = d.Add(agency)
	f.Add(snapshotOf(f, d))
	_, _ = d.Add(rewrite)
	f.Add(snapshotOf(f, d))
	f.Add([]byte(snapshotFormat.Magic))
	rng := rand.New(rand.NewPCG(7, 7))
	junk := make([]byte, 64)
	for i := range junk {
		junk[i] = byte(rng.Uint32())
	}
	f.Add(append([]byte(snapshotFormat.Magic+"\x01\x00"), junk...))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Load(bytes.NewReader(data), Config{Clock: fixedClock})
		if err != nil {
			if !errors.Is(err, ErrSnapshot) {
				t.Fatalf("error does not wrap ErrSnapshot: %v", err)
			}
			return
		}
		// What loads saves to a snapshot that loads to the same state.
		again, err := Load(bytes.NewReader(snapshotOf(t, d)), Config{Clock: fixedClock})
		if err != nil {
			t.Fatalf("re-load: %v", err)
		}
		if !bytes.Equal(snapshotOf(t, d), snapshotOf(t, again)) {
			t.Fatal("state changed across a save and load")
		}
	})
}

// A snapshot of version 4, written by the code before stories shared their
// arrays (testdata/snapshot-v4.bin: the stories of testdata/stories.jsonl,
// each followed by a copy under another id), loads into the state that
// feeding the same stories gives, and answers as it does.
func TestLoadsVersion4Snapshot(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "snapshot-v4.bin"))
	require.NoError(t, err)
	old, err := Load(bytes.NewReader(data), Config{})
	require.NoError(t, err)

	live := newDetector(t, Config{})
	stories := readJSONL(t, filepath.Join("..", "testdata", "stories.jsonl"))
	for _, s := range stories {
		_, err := live.Add(s.Story)
		require.NoError(t, err)
		s.ID += "-again"
		_, err = live.Add(s.Story)
		require.NoError(t, err)
	}
	require.Equal(t, live.Len(), old.Len())
	assert.Equal(t, live.Clusters(), old.Clusters())
	for _, s := range stories {
		probe := s.Story
		probe.ID += "-probe"
		want, err := live.Add(probe)
		require.NoError(t, err)
		got, err := old.Add(probe)
		require.NoError(t, err)
		assert.Equal(t, want.Kind, got.Kind, probe.ID)
		assert.Equal(t, want.Cluster, got.Cluster, probe.ID)
	}
	// Saved again, it is a snapshot of this version, which loads.
	_, err = Load(bytes.NewReader(snapshotOf(t, old)), Config{})
	require.NoError(t, err)
}

// A snapshot whose story names the arrays of an earlier one with other
// words (a different identity, or a text too short for them) is refused.
func TestLoadRefusesSharedArraysOfOtherWords(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(r *storyRec)
	}{
		{"another identity", func(r *storyRec) { r.identity++ }},
		{"a shorter text", func(r *storyRec) { r.textLen /= 2 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDetector(t, Config{})
			s := readJSONL(t, filepath.Join("..", "testdata", "stories.jsonl"))[0].Story
			_, err := d.Add(s)
			require.NoError(t, err)
			s.ID += "-again"
			_, err = d.Add(s)
			require.NoError(t, err)
			again := d.st.stories.get(s.ID)
			require.Equal(t, d.st.stories.get(strings.TrimSuffix(s.ID, "-again")).arrays.data, again.arrays.data)
			tc.spoil(again)
			_, err = Load(bytes.NewReader(snapshotOf(t, d)), Config{})
			require.ErrorIs(t, err, ErrSnapshot)
			assert.ErrorContains(t, err, "whose words differ")
		})
	}
}
