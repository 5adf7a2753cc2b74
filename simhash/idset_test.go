package simhash

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestIDSet drives the id table through random adds and removals, with ids drawn from a small range so
// that probe runs are long and wrap around the end of a shard's table, and checks every lookup against a
// map. It runs long enough for shards to grow and, once most ids are removed, to shrink again.
func TestIDSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	m := newIDSet[int]()
	var ids []int
	idOf := func(s uint32) int { return ids[s] }
	want := map[int]uint32{}
	check := func(step, span int) {
		for id := range span {
			s, ok := m.get(id, idOf)
			ws, wok := want[id]
			require.Equal(t, wok, ok, "id %d at step %d", id, step)
			require.Equal(t, ws, s)
		}
		for i := range m.shards {
			sh := &m.shards[i]
			require.LessOrEqual(t, 4*sh.count, 3*len(sh.table), "load at most 3/4")
			require.True(t, len(sh.table) == minIDTable || 8*sh.count >= len(sh.table),
				"a shard less than an eighth full halves")
		}
	}
	for step := range 60000 {
		span := 3000
		if step >= 40000 {
			span = 100 // most ids leave: the shards shrink
		}
		id := rng.IntN(3000)
		if s, ok := want[id]; ok && (rng.IntN(2) == 0 || id >= span) {
			p, found := m.find(id, idOf)
			require.True(t, found)
			require.Equal(t, s, m.at(p))
			m.remove(p, idOf)
			ids[s] = -1 // a hole, as Index leaves it
			delete(want, id)
		} else if !ok && id < span {
			ids = append(ids, id)
			m.add(uint32(len(ids)-1), idOf)
			want[id] = uint32(len(ids) - 1)
		}
		require.Equal(t, len(want), m.count)
		if step%997 == 0 {
			check(step, 3000)
		}
	}
	check(60000, 3000)
}
