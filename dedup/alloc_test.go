package dedup

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// addAllocBudget is the most allocations one Add may make, on average, for a
// story of the newsroom fixture (a few hundred words) added to a detector
// that holds 300 to 500 of them: copies of a few stories, in large clusters,
// each listed with its matches and passages. It is the count measured when
// the budget was set plus about 15%: it catches a hot path that starts
// allocating per word or per candidate.
const addAllocBudget = 450

func TestAddAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("adds a few hundred stories")
	}
	stories := newsroom(t)
	d := newDetector(t, Config{Window: -1})
	n := 0
	add := func() {
		s := stories[n%len(stories)].Story
		s.ID = fmt.Sprintf("%s-%d", s.ID, n)
		n++
		_, err := d.Add(s)
		require.NoError(t, err)
	}
	for range 300 {
		add() // warm the stem caches and fill the indexes
	}
	allocs := testing.AllocsPerRun(200, add)
	t.Logf("%.0f allocations per Add", allocs)
	assert.LessOrEqual(t, allocs, float64(addAllocBudget))
}
