package dedup

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWindow(t *testing.T) {
	d := newDetector(t, Config{Window: 24 * time.Hour})
	day := func(n int) time.Time { return time.Date(2021, 12, 20+n, 12, 0, 0, 0, time.UTC) }
	agency, rewrite := seedStories(t)
	agency.Time = day(0)
	_, err := d.Add(agency)
	require.NoError(t, err)
	rewrite.Time = day(1) // within the window
	r, err := d.Add(rewrite)
	require.NoError(t, err)
	assert.Equal(t, SameStory, r.Kind)

	_, err = d.Add(Story{ID: "undated", Text: "An undated note on harbour traffic and ferry timetables."})
	require.NoError(t, err)
	assert.Equal(t, 3, d.Len())

	// Three days later the agency story and the undated note (placed at
	// the time of the rewrite) have left; a copy of the agency story is new.
	_, err = d.Add(Story{ID: "later", Text: "Ferry timetables change for the winter season in the harbour.", Time: day(3)})
	require.NoError(t, err)
	assert.Equal(t, 1, d.Len())
	_, ok := d.ClusterOf(seedAgency)
	assert.False(t, ok)
	again := agency
	again.ID, again.Time = "agency-again", day(3)
	r, err = d.Add(again)
	require.NoError(t, err)
	assert.Equal(t, New, r.Kind)

	// A story older than the window is judged, then leaves at once.
	old := agency
	old.ID, old.Time = "old-copy", day(0)
	r, err = d.Add(old)
	require.NoError(t, err)
	assert.Equal(t, Copy, r.Kind)
	assert.Equal(t, "agency-again", r.Cluster)
	_, ok = d.ClusterOf("old-copy")
	assert.False(t, ok)
}

func TestClusterIDStableWhenFirstStoryLeaves(t *testing.T) {
	d := newDetector(t, Config{})
	agency, rewrite := seedStories(t)
	_, err := d.Add(agency)
	require.NoError(t, err)
	_, err = d.Add(rewrite)
	require.NoError(t, err)
	require.NoError(t, d.Remove(seedAgency))
	c, ok := d.ClusterOf(seedRewrite)
	require.True(t, ok)
	assert.Equal(t, seedAgency, c.ID)
	assert.Equal(t, []string{seedRewrite}, c.Stories)

	copyOf := agency
	copyOf.ID = "copy"
	r, err := d.Add(copyOf)
	require.NoError(t, err)
	assert.Equal(t, SameStory, r.Kind, "the copied story is gone; its rewrite remains")
	assert.Equal(t, seedAgency, r.Cluster)
}

func TestMaxStories(t *testing.T) {
	d := newDetector(t, Config{MaxStories: 3})
	for i := 0; i < 10; i++ {
		_, err := d.Add(Story{ID: fmt.Sprint(i), Text: fmt.Sprintf("Story number %d about topic %d.", i, i*7919)})
		require.NoError(t, err)
		assert.LessOrEqual(t, d.Len(), 3)
	}
	ids := map[string]bool{}
	for _, c := range d.Clusters() {
		for _, id := range c.Stories {
			ids[id] = true
		}
	}
	assert.Equal(t, map[string]bool{"7": true, "8": true, "9": true}, ids)
}
