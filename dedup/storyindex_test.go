package dedup

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The story index agrees with a Go map through random puts and removes,
// over enough stories that every shard grows several times and deletions
// shift entries back.
func TestStoryIndexAgainstMap(t *testing.T) {
	x := newStoryIndex()
	want := map[string]*storyRec{}
	rng := rand.New(rand.NewPCG(1, 2))
	check := func(when string) {
		require.Equal(t, len(want), x.len(), when)
		n := 0
		for rec := range x.all() {
			require.Same(t, want[rec.id], rec, when)
			n++
		}
		require.Equal(t, len(want), n, when)
		for id, rec := range want {
			require.Same(t, rec, x.get(id), "%s: get %s", when, id)
		}
		assert.Nil(t, x.get("never-held"), when)
	}
	for round := range 6 {
		for range 4000 {
			id := fmt.Sprint("s", rng.IntN(20000))
			if rec, ok := want[id]; ok {
				if rng.IntN(3) > 0 {
					x.remove(rec)
					delete(want, id)
				}
				continue
			}
			rec := &storyRec{id: id}
			x.put(rec)
			want[id] = rec
		}
		check(fmt.Sprint("round ", round))
		// A record with a held id that is not the one held is not
		// removed.
		for id := range want {
			x.remove(&storyRec{id: id})
			break
		}
		check(fmt.Sprint("round ", round, ", after removing a stranger"))
	}
	for id, rec := range want {
		x.remove(rec)
		delete(want, id)
	}
	check("all removed")
}
