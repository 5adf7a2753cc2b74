package simhash

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// moveCoverage counts the queries that TestIndexMatchesReference ran while a rebuild was under way, by
// how they read the tables of the rebuilt index from those of the old storage.
type moveCoverage struct {
	moving, same, split, filter int
}

// note records the state of ix before a query.
func (c *moveCoverage) note(ix *Index[int]) {
	if !ix.moving {
		return
	}
	c.moving++
	for t := range ix.tables {
		cur, next := &ix.cur, &ix.next
		switch {
		case cur.direct[t] == next.direct[t] && (cur.direct[t] || cur.logNB == next.logNB):
			c.same++
		case !cur.direct[t] && !next.direct[t] && cur.logNB > next.logNB:
			c.split++
		default:
			c.filter++
		}
	}
}

// TestIndexMatchesReference runs random inserts, removals and queries on an Index and on refIndex, the
// index as it was before its rebuilds became incremental, and requires the same answers, in the same
// order: the detector in package dedup takes the first matches of a query. The index grows past
// several rebuilds, churns, loses most of its items (rebuilds that shrink the tables) and grows again,
// with clustered fingerprints so that many matches tie on distance and their order shows.
func TestIndexMatchesReference(t *testing.T) {
	layouts := []Layout{{Distance: 0}, {Distance: 1}, {Distance: 2}, {Distance: 3}, {Distance: 4},
		{Distance: 6}, {Distance: 8}, {Distance: 10}, {3, 5}, {2, 3}, {4, 5}}
	scale := 1
	if testing.Short() {
		scale = 4
	}
	var total moveCoverage
	for _, l := range layouts {
		t.Run(l.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(l.Distance), uint64(l.Blocks)+7))
			ix, err := NewIndexLayout[int](l)
			require.NoError(t, err)
			ref, err := newRefIndex[int](l)
			require.NoError(t, err)
			d := ix.Layout().Distance

			const ids = 9000
			fps := clusteredData(rng, ids, d)
			held := map[int]bool{}
			var heldIDs []int // held ids, and some removed since, to draw removals from
			var cov moveCoverage
			query := func(f Fingerprint) {
				cov.note(ix)
				want := ref.Query(nil, f)
				require.Equal(t, want, ix.Query(nil, f), "query %s", f)
			}
			// Each phase runs ops operations, inserting with probability ins (an id not held, or now
			// and then one held: a duplicate) and removing otherwise, and queries now and then.
			phases := []struct {
				ops int
				ins float64
			}{{12000, 0.9}, {6000, 0.5}, {12000, 0.2}, {8000, 0.8}, {8000, 0.1}, {4000, 0.9}}
			var sizes []int
			for _, ph := range phases {
				sizes = sizes[:0]
				for range ph.ops / scale {
					id := rng.IntN(ids)
					if rng.Float64() < ph.ins {
						if held[id] && rng.IntN(8) != 0 {
							continue
						}
						f := flip(rng, fps[id], rng.IntN(2))
						werr, gerr := ref.Insert(id, f), ix.Insert(id, f)
						if werr != nil {
							require.ErrorIs(t, werr, ErrDuplicate)
							require.ErrorIs(t, gerr, ErrDuplicate)
						} else {
							require.NoError(t, gerr)
							held[id] = true
							heldIDs = append(heldIDs, id)
						}
					} else {
						if i := rng.IntN(len(heldIDs) + 1); i < len(heldIDs) && rng.IntN(8) != 0 {
							id = heldIDs[i]
							heldIDs[i] = heldIDs[len(heldIDs)-1]
							heldIDs = heldIDs[:len(heldIDs)-1]
						}
						require.Equal(t, ref.Remove(id), ix.Remove(id), "remove %d", id)
						delete(held, id)
					}
					require.Equal(t, ref.Len(), ix.Len())
					sizes = append(sizes, ix.Len())
					if rng.IntN(4) == 0 {
						f := fps[rng.IntN(ids)]
						query(flip(rng, f, rng.IntN(d+2)))
					}
					if rng.IntN(16) == 0 {
						id := rng.IntN(ids)
						wf, wok := ref.Get(id)
						gf, gok := ix.Get(id)
						require.Equal(t, wok, gok, "get %d", id)
						require.Equal(t, wf, gf, "get %d", id)
					}
				}
				t.Logf("phase %v: %d to %d items, %d to %d", ph, sizes[0], sizes[len(sizes)-1], slices.Min(sizes), slices.Max(sizes))
			}
			for id := range ids {
				query(fps[id])
			}
			t.Logf("%d items held; queries while moving: %+v", ix.Len(), cov)
			total.moving += cov.moving
			total.same += cov.same
			total.split += cov.split
			total.filter += cov.filter
		})
	}
	if !testing.Short() {
		// Every way of reading a rebuilt table from the old storage was tried.
		require.Positive(t, total.same, "same buckets")
		require.Positive(t, total.split, "a rebuilt bucket spans old ones")
		require.Positive(t, total.filter, "an old bucket spans rebuilt ones")
	}
}
