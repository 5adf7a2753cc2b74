package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBcubed(t *testing.T) {
	for _, tc := range []struct {
		name       string
		pred, gold []string
		want       float64
	}{
		{"identical", []string{"a", "a", "b"}, []string{"x", "x", "y"}, 1},
		{"all apart against all together", []string{"a", "b"}, []string{"x", "x"}, 2 * 1 * 0.5 / 1.5},
		{"one merged", []string{"a", "a", "a"}, []string{"x", "x", "y"}, func() float64 {
			p := (2.0/3 + 2.0/3 + 1.0/3) / 3
			return 2 * p / (p + 1)
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDelta(t, tc.want, bcubed(tc.pred, tc.gold), 1e-12)
		})
	}
}

func TestReport(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, lines ...string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
		return p
	}
	a := write("a.jsonl",
		`{"id":"1","cluster":"1","kind":"new","matches":[]}`,
		`{"id":"2","cluster":"1","kind":"copy","matches":[{"id":"1","kind":"copy"}]}`,
		`{"id":"3","cluster":"1","kind":"copy","matches":[{"id":"2","kind":"copy"}]}`)
	b := write("b.jsonl",
		`{"id":"1","cluster":"1","kind":"new","matches":[]}`,
		`{"id":"2","cluster":"1","kind":"copy","matches":[{"id":"1","kind":"copy"}]}`,
		`{"id":"3","cluster":"3","kind":"new","matches":[]}`)
	var out, errs bytes.Buffer
	require.Equal(t, 0, run([]string{"-a", a, "-b", b, "-v"}, &out, &errs), errs.String())
	for _, want := range []string{
		"stories: 3 in both, 0 only in a, 0 only in b",
		"copy verdicts: 1 in both, 1 only in a, 0 only in b",
		"copy links: 1 in both, 1 only in a, 0 only in b",
		"copy clusters, pairs of stories: a's found in b 0.3333, b's found in a 1.0000",
		"only in a: 3 copies 2",
	} {
		assert.Contains(t, out.String(), want)
	}
	out.Reset()
	in := write("in.jsonl", `{"id":"b","date":"2024-01-02"}`, `{"id":"u"}`, `{"id":"a","date":"2024-01-02"}`, `{"id":"z","date":"2023-12-31T23:00:00Z"}`, `not json`)
	require.Equal(t, 0, run([]string{"-order", in}, &out, &errs), errs.String())
	assert.Equal(t, `{"id":"z","date":"2023-12-31T23:00:00Z"}`+"\n"+`{"id":"a","date":"2024-01-02"}`+"\n"+`{"id":"b","date":"2024-01-02"}`+"\n"+`{"id":"u"}`+"\n"+"not json\n", out.String())
}

// A run whose lines merge clusters counts their stories, before and after
// the merge, in the cluster they were merged into.
func TestReadVerdictsFollowsMerges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.jsonl")
	lines := `{"id":"a","cluster":"a","kind":"new","matches":[]}
{"id":"b","cluster":"b","kind":"new","matches":[]}
{"id":"c","cluster":"c","kind":"new","matches":[]}
{"id":"d","cluster":"c","kind":"same_story","matches":[],"merged":["b"]}
{"id":"e","cluster":"a","kind":"same_story","matches":[],"merged":["c"]}
{"id":"f","cluster":"f","kind":"new","matches":[]}
`
	require.NoError(t, os.WriteFile(path, []byte(lines), 0o644))
	v, err := readVerdicts(path)
	require.NoError(t, err)
	got := map[string]string{}
	for id, x := range v {
		got[id] = x.Cluster
	}
	assert.Equal(t, map[string]string{"a": "a", "b": "a", "c": "a", "d": "a", "e": "a", "f": "f"}, got)
}
