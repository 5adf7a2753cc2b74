package dedup

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQueryLeavesDetectorUnchanged(t *testing.T) {
	stories := newsroom(t)
	d := newDetector(t, Config{Window: -1})
	for _, s := range stories[:len(stories)-1] {
		_, err := d.Add(s.Story)
		require.NoError(t, err)
	}
	before := d.Clusters()
	last := stories[len(stories)-1].Story
	q, err := d.Query(last)
	require.NoError(t, err)
	assert.Equal(t, before, d.Clusters())
	a, err := d.Add(last)
	require.NoError(t, err)
	assert.Equal(t, a, q)
}
