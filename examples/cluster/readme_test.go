package main

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/examples/internal/cli"
	"github.com/newsdup/newsdup/examples/internal/jsonl"
)

// wirecopiesFeed returns the stories of testdata as go run
// ./examples/wirecopies feeds them: the agency seed story with the date and
// headline of its first line, the stories of stories.jsonl, in date order,
// and the undated rewrite last.
//
// With headline false, the agency story is given as package dedup's fixture
// test gives it: its whole file as text, dated 2021-12-25, no headline.
func wirecopiesFeed(t testing.TB, headline bool) string {
	t.Helper()
	agency, err := os.ReadFile("../../testdata/000_4bb1d15e2e08605f.txt")
	require.NoError(t, err)
	rewrite, err := os.ReadFile("../../testdata/001_f74bd945f370ec2b.txt")
	require.NoError(t, err)
	head, text, ok := strings.Cut(string(agency), "\n")
	require.True(t, ok)
	f := strings.Fields(head)
	require.Equal(t, "date", f[0])

	type dated struct {
		line string
		at   time.Time
	}
	at, err := cli.ParseDate(f[1])
	require.NoError(t, err)
	first := map[string]any{"id": "000_4bb1d15e2e08605f", "date": f[1], "title": strings.Join(f[2:], " "), "text": text}
	if !headline {
		first = map[string]any{"id": "000_4bb1d15e2e08605f", "date": f[1], "text": string(agency)}
	}
	feed := []dated{{storyLine(t, first), at}}
	stories, err := os.ReadFile("../../testdata/stories.jsonl")
	require.NoError(t, err)
	for _, l := range strings.SplitAfter(string(stories), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		s, err := jsonl.Decode([]byte(l))
		require.NoError(t, err)
		feed = append(feed, dated{l, s.Time})
	}
	slices.SortStableFunc(feed, func(a, b dated) int { return cmp.Compare(a.at.UnixNano(), b.at.UnixNano()) })
	var in strings.Builder
	for _, d := range feed {
		in.WriteString(d.line)
	}
	in.WriteString(storyLine(t, map[string]any{"id": "001_f74bd945f370ec2b", "text": string(rewrite)}))
	return in.String()
}

// TestREADMEFigures checks the similarity figures the README quotes
// against what the detector gives today, in the setups the README names.
func TestREADMEFigures(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	doc := strings.Join(strings.Fields(string(readme)), " ") // lines joined

	code, out, errOut := runCmd(t, wirecopiesFeed(t, true), "-passages")
	require.Equal(t, 0, code, errOut)
	byID := map[string]verdictOut{}
	for _, v := range decodeLines(t, out) {
		byID[v.ID] = v
	}
	first := func(id string) matchOut {
		t.Helper()
		v, ok := byID[id]
		require.True(t, ok, id)
		require.NotEmpty(t, v.Matches, id)
		return v.Matches[0]
	}
	two := func(f float64) string { return fmt.Sprintf("%.2f", f) }
	says := func(phrase, why string) {
		t.Helper()
		assert.True(t, strings.Contains(doc, phrase), "README.md should say %q (%s)", phrase, why)
	}

	rewrite := first("001_f74bd945f370ec2b")
	says("same story as 000_4bb1d15e2e08605f: similarity "+two(*rewrite.Similarity), "the seed pair in the wirecopies feed")
	cp := first("russia-talks-copy-1")
	says(fmt.Sprintf("copy: %.0f%% of its text appears in 000_4bb1d15e2e08605f (Jaccard %s)", 100**cp.Containment, two(*cp.Jaccard)), "the wire copy")
	drills := first("ukraine-drills-1")
	assert.Equal(t, "000_4bb1d15e2e08605f", drills.ID)
	says("joins the US–Russia talks story (similarity "+two(*drills.Similarity)+" in `go run ./examples/wirecopies`", "the drills story")

	// The fixture test of package dedup: no headline, no window.
	code, out, errOut = runCmd(t, wirecopiesFeed(t, false), "-passages", "-window", "off")
	require.Equal(t, 0, code, errOut)
	found := false
	for _, v := range decodeLines(t, out) {
		if v.ID == "ukraine-drills-1" {
			found = true
			require.NotEmpty(t, v.Matches)
			says(two(*v.Matches[0].Similarity)+" in the fixture test of package dedup", "the drills story without the headline")
		}
	}
	require.True(t, found)

	// The two seed stories alone, the agency story with its headline, and
	// with its first line left in the text.
	seeds, _ := seedStories(t)
	code, out, errOut = runCmd(t, seeds)
	require.Equal(t, 0, code, errOut)
	alone := decodeLines(t, out)
	require.Len(t, alone, 2)
	says("the two seed stories alone score "+two(alone[1].Score)+" with the agency story's headline", "the seed pair alone")
	agency, err := os.ReadFile("../../testdata/000_4bb1d15e2e08605f.txt")
	require.NoError(t, err)
	rewriteText, err := os.ReadFile("../../testdata/001_f74bd945f370ec2b.txt")
	require.NoError(t, err)
	code, out, errOut = runCmd(t, storyLine(t, map[string]any{"id": "000", "text": string(agency)})+storyLine(t, map[string]any{"id": "001", "text": string(rewriteText)}))
	require.Equal(t, 0, code, errOut)
	alone = decodeLines(t, out)
	require.Len(t, alone, 2)
	says(two(alone[1].Score)+" with the file's first line left in its text", "the seed pair alone, as the files hold them")
}
