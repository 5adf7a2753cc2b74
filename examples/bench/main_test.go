package main

import (
	"bytes"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/newsdup/newsdup/dedup/minhash"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []float64
		want float64
	}{
		{"empty", nil, 0},
		{"one", []float64{3}, 3},
		{"odd", []float64{5, 1, 3}, 3},
		{"even", []float64{4, 1, 3, 2}, 2.5},
		{"repeated", []float64{2, 2, 9, 2}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]float64(nil), tc.in...)
			assert.Equal(t, tc.want, median(tc.in))
			assert.Equal(t, in, tc.in, "median must not reorder its input")
		})
	}
}

func TestGroupRatio(t *testing.T) {
	for _, tc := range []struct {
		name          string
		higher        bool
		project, peer float64
		want          float64
	}{
		{"throughput, project faster", true, 300, 100, 3},
		{"throughput, project slower", true, 50, 100, 0.5},
		{"memory, project smaller", false, 100, 400, 4},
		{"memory, project larger", false, 200, 100, 0.5},
		{"no peer figure", true, 100, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &group{higher: tc.higher}
			assert.InDelta(t, tc.want, g.ratio(tc.project, tc.peer), 1e-12)
		})
	}
}

func TestSyntheticCorpus(t *testing.T) {
	p := synthParams{Stories: 2000, Vocab: 5000, Zipf: 1.1, DupRate: 0.25, Seed: 3}
	a, dupA := synthetic(p)
	b, dupB := synthetic(p)
	require.Len(t, a, p.Stories)
	assert.Equal(t, a, b, "the same seed must give the same corpus")
	assert.Equal(t, dupA, dupB)
	p.Seed = 4
	c, _ := synthetic(p)
	assert.NotEqual(t, a[0].Text, c[0].Text, "another seed must give another corpus")

	cor, err := prepare("synthetic", a, dupA)
	require.NoError(t, err)
	dups, near := 0, 0
	for i, j := range dupA {
		if j < 0 {
			continue
		}
		require.Less(t, j, i, "a version must come after its source")
		dups++
		if jac, _, _ := minhash.Exact(cor.sets[i], cor.sets[j]); jac >= 0.3 {
			near++
		}
	}
	assert.InDelta(t, 0.25, float64(dups)/float64(p.Stories), 0.04, "share of edited versions")
	assert.Greater(t, float64(near)/float64(dups), 0.9, "edited versions must stay near-duplicates")
	far := 0
	for _, pr := range randomPairs(cor, 500) {
		if jac, _, _ := minhash.Exact(cor.sets[pr[0]], cor.sets[pr[1]]); jac < 0.05 {
			far++
		}
	}
	assert.Greater(t, far, 490, "random pairs must share few shingles")
}

func TestParseFlagsErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown row", []string{"-rows", "1,7"}, `unknown row "7"`},
		{"zero count", []string{"-count", "0"}, "-count must be at least 1"},
		{"negative size", []string{"-synthetic", "-1"}, "not negative"},
		{"argument", []string{"extra"}, "unexpected arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			_, err := parseFlags(tc.args, &stderr)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	t.Run("help", func(t *testing.T) {
		var stderr bytes.Buffer
		_, err := parseFlags([]string{"-h"}, &stderr)
		require.ErrorIs(t, err, flag.ErrHelp)
		assert.Contains(t, stderr.String(), "-stream-limit")
	})
}

// tableRow matches one line of the summary table with figures.
var tableRow = regexp.MustCompile(`^\| (\d[ab]?) [^|]+ \| [0-9.,]+ [a-zA-Z/]+ \| [^|]+ \| [^|]+ \|$`)

// runSmall runs the whole program on a small configuration and returns the
// report's lines.
func runSmall(t *testing.T, args ...string) []string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	base := []string{"-count", "2", "-mintime", "1ms", "-stream", "600", "-q"}
	require.NoError(t, run(append(base, args...), &stdout, &stderr), stderr.String())
	return strings.Split(stdout.String(), "\n")
}

// rowsOf returns the row ids of the summary table's lines.
func rowsOf(t *testing.T, lines []string) map[string]int {
	rows := make(map[string]int)
	for _, l := range lines {
		if m := tableRow.FindStringSubmatch(l); m != nil {
			rows[m[1]]++
		}
	}
	return rows
}

func TestRunSynthetic(t *testing.T) {
	lines := runSmall(t, "-reuters", "", "-synthetic", "1200")
	text := strings.Join(lines, "\n")
	assert.Contains(t, text, "- Machine: ")
	assert.Contains(t, text, "- Command: `go run . -count 2")
	assert.Contains(t, text, "rows 3 to 6 run on the synthetic corpus")
	rows := rowsOf(t, lines)
	// Two project signers; one project line each for rows 2a to 5; three
	// detector lines.
	assert.Equal(t, map[string]int{"1": 2, "2a": 1, "2b": 1, "3a": 1, "3b": 1, "4": 1, "5": 1, "6": 3}, rows, text)
	assert.Regexp(t, `candidate sets differ for 0 of 1200 queries`, text,
		"with the same banding both indexes must find the same candidates")
	assert.Regexp(t, `0 candidates found by newsdup alone \(0 of them sharing no band`, text)
	assert.Regexp(t, `\| 6 \| no peer \| n/a: `, text)
}

func TestRunReuters(t *testing.T) {
	path := os.Getenv("NEWSDUP_REUTERS")
	if path == "" {
		path = defaultReuters
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("Reuters-21578 not found (%q): set NEWSDUP_REUTERS to the path of reuters21578/articles.jsonl", path)
	}
	lines := runSmall(t, "-reuters", path, "-reuters-max", "1500", "-synthetic", "0", "-rows", "1,3,4")
	text := strings.Join(lines, "\n")
	assert.Equal(t, map[string]int{"1": 2, "3a": 1, "3b": 1, "4": 1}, rowsOf(t, lines), text)
	assert.Contains(t, text, "Reuters-21578 from "+path+": 1500 stories with a body")
	assert.Regexp(t, `candidate sets differ for 0 of 1500 queries`, text)
}

func TestRunMissingReuters(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run([]string{"-reuters", t.TempDir() + "/none.jsonl", "-synthetic", "0", "-q"}, &stdout, &stderr)
	require.Error(t, err, "without any corpus the run must fail")
	assert.Contains(t, err.Error(), "no corpus")
}
