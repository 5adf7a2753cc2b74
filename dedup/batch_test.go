package dedup

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeterministicAndBatchEqualsAdd(t *testing.T) {
	stories := newsroom(t)
	run := func() []Result {
		d := newDetector(t, Config{Window: -1})
		var out []Result
		for _, s := range stories {
			r, err := d.Add(s.Story)
			require.NoError(t, err)
			out = append(out, r)
		}
		return out
	}
	first := run()
	assert.Equal(t, first, run())

	d := newDetector(t, Config{Window: -1})
	var batch []Story
	for _, s := range stories {
		batch = append(batch, s.Story)
	}
	got, err := d.AddBatch(batch)
	require.NoError(t, err)
	assert.Equal(t, first, got)
}

func TestAddBatchStopsAtFirstError(t *testing.T) {
	d := newDetector(t, Config{})
	stories := []Story{{ID: "a", Text: "first story"}, {ID: "b", Text: "second story"}, {ID: "a", Text: "again"}, {ID: "c", Text: "never"}}
	got, err := d.AddBatch(stories)
	require.ErrorIs(t, err, ErrDuplicateID)
	assert.Contains(t, err.Error(), "story 2")
	assert.Len(t, got, 2)
	assert.Equal(t, 2, d.Len())
}
