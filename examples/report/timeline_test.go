package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTicks(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return v
	}
	cases := []struct {
		name   string
		lo, hi string
		want   []string
	}{
		{"hours", "2021-12-25T09:10:00Z", "2021-12-25T14:00:00Z", []string{"Dec 25 10:00", "Dec 25 11:00", "Dec 25 12:00", "Dec 25 13:00", "Dec 25 14:00"}},
		{"three days", "2021-12-23T15:00:00Z", "2021-12-26T09:00:00Z", []string{"Dec 24 00:00", "Dec 24 12:00", "Dec 25 00:00", "Dec 25 12:00", "Dec 26 00:00"}},
		{"two weeks", "2021-12-13T07:40:00Z", "2021-12-26T09:00:00Z", []string{"Dec 15", "Dec 17", "Dec 19", "Dec 21", "Dec 23", "Dec 25"}},
		{"eight months", "1987-02-26T15:01:01Z", "1987-10-20T11:35:48Z", []string{"Mar 1987", "Apr 1987", "May 1987", "Jun 1987", "Jul 1987", "Aug 1987", "Sep 1987", "Oct 1987"}},
		{"a year", "1987-02-26T15:01:01Z", "1988-01-20T11:35:48Z", []string{"Apr 1987", "Jul 1987", "Oct 1987", "Jan 1988"}},
		{"years", "2001-05-01T00:00:00Z", "2004-02-01T00:00:00Z", []string{"Jul 2001", "Jan 2002", "Jul 2002", "Jan 2003", "Jul 2003", "Jan 2004"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lo, hi := at(c.lo), at(c.hi)
			ts := ticks(lo, hi)
			var got []string
			for _, tk := range ts {
				got = append(got, tk.label)
				assert.False(t, tk.at.Before(lo) || tk.at.After(hi), "tick %v inside the span", tk.at)
			}
			assert.Equal(t, c.want, got)
			assert.LessOrEqual(t, len(ts), maxTicks)
		})
	}
}

func TestTimelineRows(t *testing.T) {
	// The seeds first: they are older than the window of the others.
	page := renderPage(t, seedLines(t)+manyClusters(t, 3))
	// One row per cluster of two or more, linking to it.
	for _, c := range []string{"c0", "c2", "c4", "c6"} {
		has(t, page, `<a href="#`+c+`"><g class="row">`)
	}
	assert.Equal(t, 4, strings.Count(page, `<g class="row">`))
	assert.Equal(t, 5, strings.Count(page, `<circle class="m new"`), "a circle a new story, and one in the legend")
	assert.Equal(t, 4, strings.Count(page, `<rect class="m copy"`), "a square a copy, and one in the legend")
	assert.Equal(t, 2, strings.Count(page, `<polygon class="m same_story"`), "a diamond a same-story version, and one in the legend")
	has(t, page, `<text x="925.0" y="14">undated</text>`, "the undated seed story has a column of its own")
	has(t, page, `<circle class="m new" cx="262.0"`, "the earliest story at the left")
	has(t, page, `<rect class="m copy" x="860.0"`, "the latest dated story at the right")
}

func TestTimelineBounded(t *testing.T) {
	b := &builder{c: newCollection(nil)}
	var gs []*group
	for i := range tlMaxRows + 5 {
		b.c.add(storyAt(i), false, newResult(i))
		gs = append(gs, b.c.groups[i])
	}
	tl := b.timeline(gs)
	assert.Len(t, tl.Rows, tlMaxRows)
	assert.Equal(t, 5, tl.More)
	h, err := strconv.Atoi(tl.Height)
	require.NoError(t, err)
	assert.Equal(t, tlTop+tlMaxRows*tlRowH+tlLegendH, h)
}
