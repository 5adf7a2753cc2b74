package cli

import (
	"flag"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/dedup"
)

// allDetectorFlags are the flags DetectorFlags declares, by their names.
var allDetectorFlags = []string{
	"lang", "html", "window", "lateness", "max-stories", "max-text", "max-future",
	"copy-containment", "copy-jaccard", "min-shared", "story-horizon", "event-horizon", "same-story",
	"boilerplate", "shingle", "hashes", "lsh-threshold", "seed",
	"max-matches", "max-passages",
}

func newFlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func TestDetectorFlagsDefaults(t *testing.T) {
	fs := newFlagSet()
	c := dedup.Config{Seed: 99, CopyJaccard: 0.9} // overwritten with the defaults
	d := DetectorFlags(fs, &c, nil)
	assert.Equal(t, allDetectorFlags, d.Names())
	require.NoError(t, fs.Parse(nil))
	require.NoError(t, d.Check())

	// The defaults are package dedup's: a detector made from c has the
	// configuration of a detector made from the zero Config.
	got, err := dedup.NewDetector(c)
	require.NoError(t, err)
	want, err := dedup.NewDetector(dedup.Config{})
	require.NoError(t, err)
	gc, wc := got.Config(), want.Config()
	gc.Clock, wc.Clock = nil, nil
	assert.Equal(t, wc, gc)

	defaults := map[string]string{
		"lang": dedup.DefaultLanguage, "html": "auto", "window": "72h0m0s", "max-stories": "2000000",
		"max-text": "4194304", "max-future": "48h0m0s", "copy-containment": "0.7", "copy-jaccard": "0.5",
		"min-shared": "8", "same-story": "0.33", "boilerplate": "3", "shingle": "5", "hashes": "128",
		"lsh-threshold": "0.3", "seed": "0", "max-matches": "5", "max-passages": "8",
	}
	for name, def := range defaults {
		f := fs.Lookup(name)
		require.NotNil(t, f, name)
		assert.Equal(t, def, f.DefValue, name)
		assert.NotEmpty(t, f.Usage, name)
	}
}

func TestDetectorFlagsSet(t *testing.T) {
	fs := newFlagSet()
	var c dedup.Config
	d := DetectorFlags(fs, &c, nil)
	require.NoError(t, fs.Parse([]string{
		"-lang", "fr-CA", "-html", "never", "-window", "off", "-lateness", "0", "-story-horizon", "off", "-event-horizon", "720h", "-max-stories", "10", "-max-text", "1000",
		"-max-future", "1h", "-copy-containment", "0.8", "-copy-jaccard", "0.6", "-min-shared", "4",
		"-same-story", "0.4", "-boilerplate", "5", "-shingle", "3", "-hashes", "64", "-lsh-threshold", "0.5",
		"-seed", "7", "-max-matches", "2", "-max-passages", "1",
	}))
	require.NoError(t, d.Check())
	assert.Equal(t, dedup.Config{
		Language: "fr-CA", HTML: dedup.HTMLNever, Window: -1, Lateness: -1, StoryHorizon: -1, EventHorizon: 720 * time.Hour, MaxStories: 10, MaxTextBytes: 1000,
		MaxFuture: time.Hour, CopyContainment: 0.8, CopyJaccard: 0.6, MinSharedShingles: 4,
		SameStoryThreshold: 0.4, BoilerplateStories: 5, ShingleSize: 3, NumHashes: 64, LSHThreshold: 0.5,
		Seed: 7, MaxMatches: 2, MaxPassages: 1,
	}, c)
}

func TestDetectorFlagsRename(t *testing.T) {
	fs := newFlagSet()
	var c dedup.Config
	fs.Uint64Var(new(uint64), "seed", 1, "the program's own seed")
	d := DetectorFlags(fs, &c, map[string]string{"seed": "", "same-story": "same-story-threshold", "max-passages": ""})
	assert.NotContains(t, d.Names(), "seed")
	assert.NotContains(t, d.Names(), "same-story")
	assert.Contains(t, d.Names(), "same-story-threshold")
	assert.Nil(t, fs.Lookup("same-story"))
	assert.Nil(t, fs.Lookup("max-passages"))
	assert.Equal(t, "the program's own seed", fs.Lookup("seed").Usage, "a left-out name stays the program's")

	require.NoError(t, fs.Parse([]string{"-same-story-threshold", "0.5", "-seed", "3"}))
	assert.Equal(t, 0.5, c.SameStoryThreshold)
	assert.Zero(t, c.Seed, "the detector's seed keeps its default")
	assert.Equal(t, dedup.DefaultMaxPassages, c.MaxPassages, "a left-out flag's field keeps its default")

	require.NoError(t, fs.Parse([]string{"-same-story-threshold", "0"}))
	err := d.Check()
	require.Error(t, err)
	assert.Equal(t, "-same-story-threshold must be above 0, got 0", err.Error(), "named as declared")
}

func TestDetectorFlagsCheck(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-max-stories", "0"}, "-max-stories must be above 0, got 0"},
		{[]string{"-max-text", "-5"}, "-max-text must be above 0, got -5"},
		{[]string{"-max-future", "-1h"}, "-max-future must be above 0, got -1h0m0s"},
		{[]string{"-copy-containment", "0"}, "-copy-containment must be above 0, got 0"},
		{[]string{"-copy-jaccard", "-0.5"}, "-copy-jaccard must be above 0, got -0.5"},
		{[]string{"-min-shared", "0"}, "-min-shared must be above 0, got 0"},
		{[]string{"-same-story", "0"}, "-same-story must be above 0, got 0"},
		{[]string{"-boilerplate", "0"}, "-boilerplate must be above 0, got 0"},
		{[]string{"-shingle", "0"}, "-shingle must be above 0, got 0"},
		{[]string{"-hashes", "0"}, "-hashes must be above 0, got 0"},
		{[]string{"-lsh-threshold", "0"}, "-lsh-threshold must be above 0, got 0"},
		{[]string{"-max-matches", "0"}, "-max-matches must be above 0, got 0"},
		{[]string{"-max-passages", "0"}, "-max-passages must be above 0, got 0"},
	}
	for _, c := range cases {
		t.Run(c.args[0], func(t *testing.T) {
			fs := newFlagSet()
			var cfg dedup.Config
			d := DetectorFlags(fs, &cfg, nil)
			require.NoError(t, fs.Parse(c.args))
			err := d.Check()
			require.Error(t, err)
			assert.Equal(t, c.want, err.Error())
		})
	}
	t.Run("all reported at once", func(t *testing.T) {
		fs := newFlagSet()
		var cfg dedup.Config
		d := DetectorFlags(fs, &cfg, nil)
		require.NoError(t, fs.Parse([]string{"-shingle", "0", "-hashes", "0"}))
		assert.Equal(t, "-shingle must be above 0, got 0\n-hashes must be above 0, got 0", d.Check().Error())
	})
}

func TestHTML(t *testing.T) {
	var m dedup.HTMLMode
	h := HTML{M: &m}
	for _, name := range []string{"never", "always", "auto"} {
		require.NoError(t, h.Set(name))
		assert.Equal(t, name, h.String())
	}
	assert.Equal(t, dedup.HTMLAuto, m)
	assert.EqualError(t, h.Set("maybe"), "want auto, never or always")
	assert.Equal(t, "", HTML{}.String())
}

func TestLateness(t *testing.T) {
	var d time.Duration
	l := Lateness{D: &d}
	require.NoError(t, l.Set("36h"))
	assert.Equal(t, 36*time.Hour, d)
	require.NoError(t, l.Set("0"))
	assert.Equal(t, time.Duration(-1), d, "0 allows only what the stream shows: a negative Lateness")
	assert.Equal(t, "0s", l.String())
	assert.Error(t, l.Set("-1h"))
	assert.Error(t, l.Set("soon"))
}
