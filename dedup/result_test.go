package dedup

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResultMatches(t *testing.T) {
	agency, rewrite := seedStories(t)
	d := newDetector(t, Config{Window: -1, MaxMatches: 3})
	_, err := d.Add(agency)
	require.NoError(t, err)
	_, err = d.Add(rewrite)
	require.NoError(t, err)
	for i := range 4 {
		cp := agency
		cp.ID = fmt.Sprintf("copy-%d", i)
		r, err := d.Add(cp)
		require.NoError(t, err)
		require.Equal(t, Copy, r.Kind)
		assert.Equal(t, agency.ID, r.Cluster)
		require.NotEmpty(t, r.Matches)
		assert.LessOrEqual(t, len(r.Matches), 3, "at most MaxMatches")
		assert.Equal(t, Copy, r.Matches[0].Kind, "copies first")
		assert.Equal(t, r.Score, r.Matches[0].Score)
		seen := map[string]bool{}
		for _, m := range r.Matches {
			assert.NotEqual(t, cp.ID, m.ID, "never itself")
			assert.False(t, seen[m.ID], "each story once")
			seen[m.ID] = true
			if m.Kind == Copy {
				assert.Equal(t, max(m.Jaccard, m.Containment), m.Score)
			} else {
				assert.Equal(t, m.Similarity, m.Score)
			}
		}
	}
	t.Run("a held story queried is never its own match", func(t *testing.T) {
		for _, s := range []Story{agency, rewrite} {
			r, err := d.Query(s)
			require.NoError(t, err)
			require.NotEmpty(t, r.Matches, s.ID)
			for _, m := range r.Matches {
				assert.NotEqual(t, s.ID, m.ID, "never itself")
			}
		}
	})
	t.Run("a new story matches nothing", func(t *testing.T) {
		r, err := d.Query(Story{ID: "other", Text: "A chess tournament opened in Reykjavik with forty grandmasters."})
		require.NoError(t, err)
		assert.Equal(t, New, r.Kind)
		assert.Equal(t, "other", r.Cluster)
		assert.Zero(t, r.Score)
		assert.Empty(t, r.Matches)
	})
	t.Run("no passages when not wanted", func(t *testing.T) {
		d := newDetector(t, Config{NoPassages: true})
		_, err := d.Add(agency)
		require.NoError(t, err)
		r, err := d.Add(rewrite)
		require.NoError(t, err)
		require.NotEmpty(t, r.Matches)
		assert.Empty(t, r.Matches[0].Passages)
	})
}
