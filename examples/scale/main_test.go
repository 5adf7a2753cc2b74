package main

import (
	"bytes"
	"flag"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// needReuters skips the test when the Reuters-21578 file cannot be found.
func needReuters(t *testing.T) string {
	t.Helper()
	p, err := reutersPath("")
	if err != nil {
		t.Skipf("%v", err)
	}
	return p
}

// readingLine matches one reading of the report: stories, stories/s, add/s,
// heap in use, sys and rss in MB, stories held, clusters held and the share
// of CPU time spent collecting garbage.
var readingLine = regexp.MustCompile(`^ *(\d+) +(\d+) +(\d+) +([0-9.]+) +([0-9.]+) +([0-9.]+) +(\d+) +(\d+) +([0-9.]+)$`)

func TestRunReport(t *testing.T) {
	needReuters(t)
	n, every := 20000, 5000
	if testing.Short() {
		n, every = 2000, 500
	}
	var stdout, stderr bytes.Buffer
	args := []string{"-n", strconv.Itoa(n), "-every", strconv.Itoa(every)}
	require.NoError(t, run(args, &stdout, &stderr), stderr.String())
	out := stdout.String()

	var readings [][]string
	for l := range strings.SplitSeq(out, "\n") {
		if m := readingLine.FindStringSubmatch(l); m != nil {
			readings = append(readings, m)
		}
	}
	require.Len(t, readings, n/every, out)
	for i, m := range readings {
		assert.Equal(t, strconv.Itoa((i+1)*every), m[1], "stories so far")
		for j, name := range []string{"stories/s", "add/s", "heap in use", "sys", "rss"} {
			v, err := strconv.ParseFloat(m[2+j], 64)
			require.NoError(t, err)
			assert.Positive(t, v, "%s at reading %d", name, i)
		}
		all, _ := strconv.Atoi(m[2])
		adds, _ := strconv.Atoi(m[3])
		assert.GreaterOrEqual(t, adds, all, "Add alone is faster than Add and generating the stream, at reading %d", i)
		held, _ := strconv.Atoi(m[7])
		clusters, _ := strconv.Atoi(m[8])
		// The detector holds n·(72h window + 24h lateness)/120 days
		// stories (the stream comes in date order), and the few newest
		// its stream time lags behind (1% of the 256 it samples).
		assert.InDelta(t, n*4/120+3, held, max(2, float64(n)/120/24*2), "stories held at reading %d", i)
		assert.Positive(t, clusters)
		assert.LessOrEqual(t, clusters, held)
		gc, err := strconv.ParseFloat(m[9], 64)
		require.NoError(t, err)
		// Zero when no collection ended within the interval: the
		// runtime updates its CPU estimates at the end of each.
		assert.True(t, gc >= 0 && gc < 100, "GC share of CPU %v%% at reading %d", gc, i)
	}
	assert.Regexp(t, `(?m)^memory flat: (yes|NO) \(heap in use [0-9.]+ MB at story \d+`, out)
	assert.Regexp(t, `(?m)^total: `+strconv.Itoa(n)+` stories in .*: \d+ stories/s \(Add alone: \d+ stories/s`, out)
	assert.Regexp(t, `(?m)^garbage collection: ([0-9.]+% of the CPU time used in the stream|unknown share)`, out)
	assert.Regexp(t, `(?m)^Add latency: p50 [0-9.]+[µnm]?s, p90 .*, p99 .*, p99\.9 .*, max .* \(upper bounds .*, `+strconv.Itoa(n)+` Adds\)$`, out)
	m := regexp.MustCompile(`(?m)^verdicts: new (\d+) \([0-9.]+%\), copy (\d+) \([0-9.]+%\), same_story (\d+) \([0-9.]+%\), rejected 0$`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	total := 0
	for _, s := range m[1:4] {
		c, _ := strconv.Atoi(s)
		assert.Positive(t, c, "every verdict should occur in the stream")
		total += c
	}
	assert.Equal(t, n, total)
	assert.Regexp(t, `(?m)^slowest Adds: [0-9.]+[µnm]?s at story \d+(, [0-9.]+[µnm]?s at story \d+){4}$`, out)
	assert.Regexp(t, `(?m)^bytes per story held: \d+ `, out)
	assert.Regexp(t, `(?m)^LSH index alone: \d+ bytes per story`, out)
}

func TestParseFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"zero stories", []string{"-n", "0"}, "-n must be at least 1"},
		{"zero every", []string{"-every", "0"}, "-every must be at least 1"},
		{"zero days", []string{"-days", "0"}, "-days must be at least 1"},
		{"zero window", []string{"-window", "0"}, "-window must not be zero"},
		{"zero LSH threshold", []string{"-lsh-threshold", "0"}, "-lsh-threshold must be above 0"},
		{"LSH threshold of 1", []string{"-lsh-threshold", "1"}, "-lsh-threshold must be above 0"},
		{"zero variants", []string{"-variants", "0"}, "-variants must be at least 1"},
		{"negative profile length", []string{"-cpuprofile-for", "-1"}, "-cpuprofile-for must not be negative"},
		{"negative stop", []string{"-stop", "-1"}, "-stop must be at least 0 and at most -n"},
		{"stop beyond the stream", []string{"-n", "10", "-stop", "11"}, "-stop must be at least 0 and at most -n"},
		{"profile after the stop", []string{"-n", "10", "-stop", "5", "-cpuprofile-from", "5"}, "-cpuprofile-from must be below -stop"},
		{"argument", []string{"x"}, "unexpected arguments"},
		{"unknown flag", []string{"-nope"}, "not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			_, err := parseFlags(tc.args, &stderr)
			require.ErrorIs(t, err, errUsage)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	t.Run("help", func(t *testing.T) {
		var stderr bytes.Buffer
		_, err := parseFlags([]string{"-h"}, &stderr)
		require.ErrorIs(t, err, flag.ErrHelp)
		assert.Contains(t, stderr.String(), "-cpuprofile")
	})
	t.Run("defaults", func(t *testing.T) {
		o, err := parseFlags(nil, &bytes.Buffer{})
		require.NoError(t, err)
		assert.Equal(t, 1_000_000, o.n)
		assert.Equal(t, 72*time.Hour, o.window)
		assert.Equal(t, 120, o.days)
	})
}

// TestStop checks that -stop runs the first stories of the same stream: the
// readings it takes hold what the run of the whole stream held then.
func TestStop(t *testing.T) {
	needReuters(t)
	lines := func(args ...string) (readings [][]string, out string) {
		var stdout, stderr bytes.Buffer
		require.NoError(t, run(append([]string{"-n", "3000", "-every", "1000", "-days", "4", "-window", "96h"}, args...), &stdout, &stderr), stderr.String())
		out = stdout.String()
		for l := range strings.SplitSeq(out, "\n") {
			if m := readingLine.FindStringSubmatch(l); m != nil {
				readings = append(readings, m)
			}
		}
		return readings, out
	}
	whole, _ := lines()
	first, out := lines("-stop", "2000")
	require.Len(t, whole, 3)
	require.Len(t, first, 2, out)
	for i, m := range first {
		assert.Equal(t, whole[i][1], m[1], "stories at reading %d", i)
		assert.Equal(t, whole[i][7], m[7], "stories held at reading %d", i)
		assert.Equal(t, whole[i][8], m[8], "clusters held at reading %d", i)
	}
	assert.Contains(t, out, "the run stops after story 2000 (-stop)")
	assert.Regexp(t, `(?m)^total: 2000 stories in `, out)
	assert.Regexp(t, `(?m)^LSH index alone: not measured \(the run stopped after story 2000 of 3000\)$`, out)
}

func TestMissingReuters(t *testing.T) {
	t.Setenv("NEWSDUP_REUTERS", "")
	var stdout, stderr bytes.Buffer
	err := run([]string{"-reuters", t.TempDir() + "/none.jsonl", "-n", "10"}, &stdout, &stderr)
	require.ErrorIs(t, err, errNoCorpus)
	assert.Contains(t, err.Error(), "NEWSDUP_REUTERS")
}

func TestHistogram(t *testing.T) {
	t.Run("buckets are contiguous and bound their values", func(t *testing.T) {
		for ns := uint64(0); ns < 1<<16; ns++ {
			b := bucket(ns)
			require.Less(t, ns, bucketUpper(b), "ns %d", ns)
			if b > 0 {
				require.GreaterOrEqual(t, ns, bucketUpper(b-1), "ns %d", ns)
			}
		}
		for _, ns := range []uint64{1 << 40, 1<<63 - 1, 1<<63 + 12345} {
			b := bucket(ns)
			require.Less(t, b, 64*subBuckets)
			assert.Greater(t, bucketUpper(b), ns-1)
		}
	})
	t.Run("quantiles within 12.5%", func(t *testing.T) {
		var h histogram
		for i := 1; i <= 1000; i++ {
			h.record(time.Duration(i) * time.Microsecond)
		}
		for _, q := range []float64{0.5, 0.9, 0.99} {
			exact := time.Duration(q*1000) * time.Microsecond
			got := h.quantile(q)
			assert.GreaterOrEqual(t, got, exact, "q=%v", q)
			assert.LessOrEqual(t, float64(got), float64(exact)*1.125, "q=%v", q)
		}
		assert.Equal(t, time.Millisecond, h.quantile(1))
		assert.Equal(t, time.Millisecond, h.max)
		assert.Equal(t, uint64(1000), h.n)
	})
	t.Run("slowest", func(t *testing.T) {
		s := slowest{max: 3}
		for i, ms := range []int{5, 1, 9, 7, 2, 9, 3} {
			s.add(i, time.Duration(ms)*time.Millisecond)
		}
		assert.Equal(t, "9ms at story 3, 9ms at story 6, 7ms at story 4", s.String())
	})
	t.Run("empty and negative", func(t *testing.T) {
		var h histogram
		assert.Zero(t, h.quantile(0.5))
		h.record(-time.Second)
		assert.Zero(t, h.quantile(0.5))
		assert.Zero(t, h.max)
	})
}

func TestGenerator(t *testing.T) {
	bases := []baseStory{
		{title: "A", sentences: sentences("Shares rose 12 pct on Monday. The company said profit was 1,234 mln dlrs. Analysts expect more.")},
		{title: "B", sentences: sentences("Rain fell in the region.\nFarmers said 30 pct of the crop was lost! Prices may rise.")},
	}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	a := newGenerator(bases, 5, 1000, start, 10*24*time.Hour, 1)
	b := newGenerator(bases, 5, 1000, start, 10*24*time.Hour, 1)
	prev := start.Add(-time.Hour)
	ids := map[string]bool{}
	for i := range 1000 {
		s := a.next()
		require.Equal(t, s, b.next(), "the same seed must give the same stream (story %d)", i)
		assert.False(t, ids[s.ID], "ids must be new")
		ids[s.ID] = true
		assert.False(t, s.Time.Before(prev), "stories must come in time order")
		prev = s.Time
		assert.NotEmpty(t, strings.TrimSpace(s.Text))
	}
	assert.Equal(t, start.Add(999*10*24*time.Hour/1000), prev)
}

func TestSentencesAndNumbers(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"one", "No stop at the end", []string{"No stop at the end"}},
		{"several", "It rose 1.5 pct. It fell!\nWhy?  Done.", []string{"It rose 1.5 pct.", "It fell!", "Why?", "Done."}},
		{"pieces without words", " .  . \x03", nil},
		{"control character at the end", "Profit rose.\n\x03", []string{"Profit rose."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, sentences(tc.in))
		})
	}
	for _, tc := range []struct {
		w    string
		want bool
	}{{"123", true}, {"1,234.", true}, {"3.5", true}, {"pct", false}, {"12a", false}, {"", false}, {".5", false}} {
		t.Run("isNumber "+tc.w, func(t *testing.T) {
			assert.Equal(t, tc.want, isNumber(tc.w))
		})
	}
	g := newGenerator(nil, 1, 1, time.Time{}, time.Hour, 1)
	for _, w := range []string{"7", "42", "1,234.", "99999"} {
		got := g.number(w)
		assert.True(t, isNumber(got), "%q -> %q", w, got)
		assert.Equal(t, strings.HasSuffix(w, "."), strings.HasSuffix(got, "."))
	}
}

func TestFlatness(t *testing.T) {
	rs := func(heaps ...uint64) []reading {
		var out []reading
		for i, h := range heaps {
			out = append(out, reading{stories: (i + 1) * 100, heapInuse: h << 20})
		}
		return out
	}
	// Readings from story 300 on count when the window fills at story 150.
	assert.True(t, strings.HasPrefix(flatness(rs(10, 50, 100, 104, 105), 150, 0.1), "memory flat: yes"))
	assert.True(t, strings.HasPrefix(flatness(rs(10, 50, 100, 150, 200), 150, 0.1), "memory flat: NO"))
	assert.True(t, strings.HasPrefix(flatness(rs(10, 50, 100, 104, 120), 150, 0.1), "memory flat: NO"))
	assert.True(t, strings.HasPrefix(flatness(rs(10, 50, 100), 150, 0.1), "memory flat: unknown"))
}

// TestRunStallTrace runs a short stream with a threshold every Add passes:
// the trace of the slowest is written, and each time it is, stderr says so.
func TestRunStallTrace(t *testing.T) {
	needReuters(t)
	file := t.TempDir() + "/stall.trace"
	var stdout, stderr bytes.Buffer
	args := []string{"-n", "300", "-every", "300", "-stall", "1ns", "-stalltrace", file}
	require.NoError(t, run(args, &stdout, &stderr), stderr.String())
	assert.Regexp(t, `(?m)^scale: Add of story 1 took [0-9.]+[µnm]?s: trace written to `+regexp.QuoteMeta(file)+`$`, stderr.String())
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(data, []byte("go 1.")), "an execution trace starts with its version line")
}

func TestVariants(t *testing.T) {
	// 300 words, word i said 300-i times: their ranks are their numbers.
	w := func(i int) string {
		return string(rune('k'+i/100)) + string(rune('a'+i/10%10)) + string(rune('a'+i%10))
	}
	var text strings.Builder
	for i := range 300 {
		for range 300 - i {
			text.WriteString(w(i) + " ")
		}
	}
	bases := []baseStory{{title: "t", sentences: []string{text.String()}}}
	voc := newVocabulary(bases)
	title := func(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
	assert.Equal(t, w(150), voc.word(w(150), 0), "variant 0 is the base")
	assert.Equal(t, w(42), voc.word(w(42), 3), "the most frequent words are kept")
	assert.Equal(t, "(42%", voc.word("(42%", 3), "a token without letters is kept")
	assert.Equal(t, w(161), voc.word(w(160), 1))
	assert.Equal(t, w(132), voc.word(w(163), 1), "a word rotates within its block of 32 (ranks 132 to 163)")
	assert.Equal(t, "("+title(w(163))+"),", voc.word("("+title(w(160))+"),", 3), "case and punctuation are the original's")
	assert.Equal(t, strings.ToUpper(w(163))+"'s", voc.word(strings.ToUpper(w(160))+"'s", 3), "upper case")
	seen := map[string]bool{}
	for v := range wordBlock {
		x := voc.word(w(200), v)
		assert.False(t, seen[x], "variant %d gives %s again", v, x)
		seen[x] = true
	}
	assert.Equal(t, w(101)+" "+w(42), voc.variant(w(100)+"  "+w(42), 1))

	// The title is in the block of the 8 least frequent words.
	bases[0].title = w(299)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	g := newGenerator(bases, 5, 200, start, time.Hour, 4)
	titles := map[string]bool{}
	for range 200 {
		titles[strings.TrimLeft(g.next().Title, "UPDATE -")] = true
	}
	assert.Equal(t, map[string]bool{w(299): true, w(292): true, w(293): true, w(294): true}, titles,
		"the stories are versions of the 4 variants of the base")
}
