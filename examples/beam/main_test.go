package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/dedup"
)

func TestMain(m *testing.M) {
	flag.Parse()
	beam.Init()
	quiet()
	os.Exit(m.Run())
}

// wire is a wire story long enough for copy detection.
const wire = "The central bank raised its main interest rate by half a point on Tuesday to fight inflation, which has reached its highest level in a decade.\n" +
	"The governor told reporters in the capital after the monthly meeting of the board that further increases could follow if prices kept rising.\n" +
	"Economists polled last week had expected a smaller move, and the currency rose sharply against the dollar after the announcement."

// frog is an unrelated story.
const frog = "A new species of tree frog was found in the rain forest by a team of scientists who spent three months surveying the remote valley.\n" +
	"The university said in a statement released on Wednesday that the frog, bright green with orange feet, lives only on a single mountain.\n" +
	"Conservation groups called for the valley to be protected from logging."

func line(t *testing.T, fields map[string]any) string {
	t.Helper()
	b, err := json.Marshal(fields)
	require.NoError(t, err)
	return string(b)
}

// writeFile writes lines to a new file in dir and returns its path.
func writeFile(t *testing.T, dir, name string, lines ...string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	return path
}

// runPipeline runs the command's pipeline with the given flags.
func runPipeline(t *testing.T, args ...string) (summary, error) {
	t.Helper()
	fs := flag.NewFlagSet("beam", flag.ContinueOnError)
	o := defineFlags(fs)
	require.NoError(t, fs.Parse(args))
	require.NoError(t, o.check())
	return run(context.Background(), o)
}

// readVerdicts reads an output file.
func readVerdicts(t *testing.T, paths ...string) []verdictLine {
	t.Helper()
	var out []verdictLine
	for _, p := range paths {
		f, err := os.Open(p)
		require.NoError(t, err)
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var v verdictLine
			require.NoError(t, json.Unmarshal(sc.Bytes(), &v), sc.Text())
			out = append(out, v)
		}
		require.NoError(t, sc.Err())
		f.Close()
	}
	return out
}

type verdictLine struct {
	ID      string `json:"id"`
	Cluster string `json:"cluster"`
	Kind    string `json:"kind"`
	Score   float64
	Matches []struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
	} `json:"matches"`
}

func byID(vs []verdictLine) map[string]verdictLine {
	m := make(map[string]verdictLine)
	for _, v := range vs {
		m[v.ID] = v
	}
	return m
}

// TestPipeline runs the pipeline end to end on a few stories over two
// input files: copies across files and time shards, ids that JSON escapes,
// an empty line, and a story outside the window of its copy.
func TestPipeline(t *testing.T) {
	dir := t.TempDir()
	odd := "wire <&> \"quoted\" ü 🗞 \u2028 id"
	writeFile(t, dir, "a.jsonl",
		line(t, map[string]any{"id": "wire-1", "text": wire, "date": "2024-01-02T10:00:00Z", "source": "Wire"}),
		"",
		line(t, map[string]any{"id": "frog", "text": frog, "date": "2024-01-03T10:00:00Z"}),
		line(t, map[string]any{"id": odd, "text": "LONDON (Daily) - " + wire + "\nSubscribe to our newsletter.", "date": "2024-01-02T12:00:00Z", "title": "Rates up"}),
	)
	writeFile(t, dir, "b.jsonl",
		// A copy in the next time shard (shards of a day here), within the
		// window of the original.
		line(t, map[string]any{"id": "wire-1-copy", "text": wire, "date": "2024-01-03T09:00:00Z", "source": "Other"}),
		// A copy a month later: outside the window, not compared.
		line(t, map[string]any{"id": "wire-1-late", "text": wire, "date": "2024-02-05T09:00:00Z"}),
		line(t, map[string]any{"id": "undated", "text": frog}),
	)
	out := filepath.Join(dir, "out.jsonl")
	sum, err := runPipeline(t, "--input", filepath.Join(dir, "*.jsonl"), "--output", out, "--shard-span", "24h")
	require.NoError(t, err)
	assert.Equal(t, int64(6), sum.counters["stories"])

	vs := readVerdicts(t, out)
	ids := make([]string, len(vs))
	for i, v := range vs {
		ids[i] = v.ID
	}
	assert.Equal(t, []string{"wire-1", "frog", odd, "wire-1-copy", "wire-1-late", "undated"}, ids,
		"one line per story, in input order, ids byte for byte")
	m := byID(vs)
	for _, id := range []string{odd, "wire-1-copy"} {
		assert.Equal(t, "copy", m[id].Kind, id)
		assert.Equal(t, "wire-1", m[id].Cluster, id)
		require.NotEmpty(t, m[id].Matches, id)
		assert.Equal(t, "copy", m[id].Matches[0].Kind, id)
	}
	assert.Equal(t, "new", m["wire-1"].Kind)
	assert.Equal(t, "wire-1", m["wire-1"].Cluster)
	assert.Equal(t, "new", m["frog"].Kind)
	assert.Equal(t, "new", m["wire-1-late"].Kind, "outside the window")
	assert.Equal(t, "wire-1-late", m["wire-1-late"].Cluster)
	assert.Equal(t, "new", m["undated"].Kind, "undated stories are compared with undated ones only")
}

func TestOutputShards(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for i := range 20 {
		text := frog
		if i%2 == 0 {
			text = wire
		}
		lines = append(lines, line(t, map[string]any{"id": fmt.Sprintf("s%02d", i), "text": text, "date": fmt.Sprintf("2024-01-02T%02d:00:00Z", i)}))
	}
	in := writeFile(t, dir, "in.jsonl", lines...)
	prefix := filepath.Join(dir, "out")
	_, err := runPipeline(t, "--input", in, "--output", prefix, "--output-shards", "3")
	require.NoError(t, err)
	files, err := filepath.Glob(prefix + "-*")
	require.NoError(t, err)
	assert.Equal(t, []string{prefix + "-00000-of-00003.jsonl", prefix + "-00001-of-00003.jsonl", prefix + "-00002-of-00003.jsonl"}, files)
	vs := readVerdicts(t, files...)
	require.Len(t, vs, 20)
	m := byID(vs)
	for i := range 20 {
		id := fmt.Sprintf("s%02d", i)
		want := "s00"
		if i%2 == 1 {
			want = "s01"
		}
		assert.Equal(t, want, m[id].Cluster, id)
	}
}

func TestBadInput(t *testing.T) {
	good := func(t *testing.T, id string) string {
		return line(t, map[string]any{"id": id, "text": wire, "date": "2024-01-02T10:00:00Z"})
	}
	for _, tc := range []struct {
		name, bad, want string
	}{
		{"not JSON", `{"id": "x", "text": `, "bad JSON"},
		{"not an object", `["x"]`, "want an object"},
		{"no id", `{"text": "words"}`, "no id"},
		{"no text", `{"id": "x"}`, "no text"},
		{"bad date", `{"id": "x", "text": "words", "date": "yesterday"}`, "bad date"},
		{"not UTF-8", "{\"id\": \"x\xff\", \"text\": \"words\"}", "not valid UTF-8"},
		{"no words", `{"id": "x", "text": "... --- !!!"}`, "no words"},
		{"repeated id", good(t, "a"), `repeated id "a", first on`},
		{"unknown language", `{"id": "x", "text": "words", "lang": "klingon"}`, "language"},
		{"line too long", `{"id": "x", "text": "` + strings.Repeat("long ", 400) + `"}`, "line too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := writeFile(t, dir, "in.jsonl", good(t, "a"), tc.bad, good(t, "b"))
			out := filepath.Join(dir, "out.jsonl")
			_, err := runPipeline(t, "--input", in, "--output", out, "--max-line", "1000")
			require.Error(t, err)
			assert.Contains(t, err.Error(), in+":2: ", "names the file and line")
			assert.Contains(t, err.Error(), tc.want)

			sum, err := runPipeline(t, "--input", in, "--output", out, "--max-line", "1000", "--skip-bad")
			require.NoError(t, err)
			vs := readVerdicts(t, out)
			var ids []string
			for _, v := range vs {
				ids = append(ids, v.ID)
			}
			assert.Equal(t, []string{"a", "b"}, ids, "the bad line is skipped, the others decided")
			skipped := sum.counters["bad_lines_skipped"] + sum.counters["repeated_ids_skipped"] + sum.counters["stories_rejected"]
			assert.Equal(t, int64(1), skipped)
		})
	}
	t.Run("no file", func(t *testing.T) {
		dir := t.TempDir()
		_, err := runPipeline(t, "--input", filepath.Join(dir, "*.jsonl"), "--output", filepath.Join(dir, "out"))
		require.ErrorIs(t, err, errNoFiles)
	})
}

func TestReadLines(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		max      int
		want     []string // "!" marks a line too long
	}{
		{"plain", "a\nb\n", 10, []string{"a", "b"}},
		{"no final newline", "a\nb", 10, []string{"a", "b"}},
		{"CRLF and BOM", "\uFEFFa\r\nb\r\n", 10, []string{"a", "b"}},
		{"empty lines kept", "a\n\nb\n", 10, []string{"a", "", "b"}},
		{"too long", "a\n" + strings.Repeat("x", 11) + "\nb\n", 10, []string{"a", "!", "b"}},
		{"at the limit", strings.Repeat("x", 10) + "\r\n", 10, []string{strings.Repeat("x", 10)}},
		{"longer than the read buffer", strings.Repeat("y", 200<<10) + "\nz", 100 << 10, []string{"!", "z"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			var nums []int64
			err := readLines(strings.NewReader(tc.in), tc.max, func(n int64, l []byte, err error) error {
				nums = append(nums, n)
				if err != nil {
					require.ErrorIs(t, err, errLineTooLong)
					got = append(got, "!")
					return nil
				}
				got = append(got, string(l))
				return nil
			})
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			for i, n := range nums {
				assert.Equal(t, int64(i+1), n)
			}
		})
	}
	t.Run("error from fn stops", func(t *testing.T) {
		stop := io.ErrClosedPipe
		n := 0
		err := readLines(strings.NewReader("a\nb\nc\n"), 10, func(int64, []byte, error) error {
			n++
			return stop
		})
		require.ErrorIs(t, err, stop)
		assert.Equal(t, 1, n)
	})
}

func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no input", []string{"--output", "x"}, "--input is required"},
		{"no output", []string{"--input", "x"}, "--output is required"},
		{"bad shard span", []string{"--input", "x", "--output", "y", "--shard-span", "0s"}, "--shard-span"},
		{"zero threshold", []string{"--input", "x", "--output", "y", "--copy-jaccard", "0"}, "--copy-jaccard"},
		{"bad language", []string{"--input", "x", "--output", "y", "--lang", "klingon"}, "language"},
		{"context shorter than the window", []string{"--input", "x", "--output", "y", "--shard-context", "48h"}, "--shard-context must be at least the --window"},
		{"negative context", []string{"--input", "x", "--output", "y", "--shard-context", "-1h"}, "--shard-context must not be negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := flag.NewFlagSet("beam", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			o := defineFlags(fs)
			require.NoError(t, fs.Parse(tc.args))
			err := o.check()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestTimeFlags(t *testing.T) {
	parse := func(t *testing.T, args ...string) (*options, error) {
		fs := flag.NewFlagSet("beam", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		o := defineFlags(fs)
		if err := fs.Parse(append([]string{"--input", "x", "--output", "y"}, args...)); err != nil {
			return nil, err
		}
		return o, o.check()
	}
	t.Run("defaults", func(t *testing.T) {
		o, err := parse(t)
		require.NoError(t, err)
		c := o.config()
		assert.Equal(t, dedup.DefaultLateness, c.Lateness)
		assert.Equal(t, dedup.DefaultStoryHorizon, c.StoryHorizon)
		assert.Equal(t, dedup.DefaultWindow+dedup.DefaultLateness+dedup.DefaultStoryHorizon, o.ShardContext)
	})
	t.Run("set", func(t *testing.T) {
		o, err := parse(t, "--window", "24h", "--lateness", "0", "--story-horizon", "off")
		require.NoError(t, err)
		c := o.config()
		assert.Equal(t, time.Duration(-1), c.Lateness, "0: only the lateness the stream shows")
		assert.Equal(t, time.Duration(-1), c.StoryHorizon, "off")
		assert.Equal(t, 24*time.Hour, o.ShardContext, "the window alone")
	})
	t.Run("context given", func(t *testing.T) {
		o, err := parse(t, "--shard-context", "96h")
		require.NoError(t, err)
		assert.Equal(t, 96*time.Hour, o.ShardContext)
	})
	t.Run("bad values", func(t *testing.T) {
		_, err := parse(t, "--lateness", "-1h")
		assert.ErrorContains(t, err, "want a duration")
		_, err = parse(t, "--story-horizon", "0s")
		assert.ErrorContains(t, err, "want a positive duration")
	})
}

func TestSortedKeys(t *testing.T) {
	a := orderKey(Story{ID: "b", Time: -5, Dated: true})
	b := orderKey(Story{ID: "a", Time: 3, Dated: true})
	c := orderKey(Story{ID: "c", Time: 3, Dated: true})
	u := orderKey(Story{ID: "a"})
	keys := []string{u, c, b, a}
	slices.Sort(keys)
	assert.Equal(t, []string{a, b, c, u}, keys, "by time, then id; undated last")
	tm, dated := keyTime(a)
	assert.Equal(t, int64(-5), tm)
	assert.True(t, dated)
	_, dated = keyTime(u)
	assert.False(t, dated)
	assert.Equal(t, "c", idOf(c))
}
