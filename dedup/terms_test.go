package dedup

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A term keeps its index while any held story uses it; an index let go is
// readable until the table settles, and reused only after.
func TestTermTable(t *testing.T) {
	tt := newTermTable()
	a, b := tt.intern(10), tt.intern(20)
	assert.Equal(t, a, tt.intern(10), "a term has one index")
	assert.NotEqual(t, a, b)
	assert.Equal(t, 2, tt.len())

	tt.release(a)
	assert.Equal(t, 2, tt.len(), "10 is still used once")
	tt.release(a)
	assert.Equal(t, 1, tt.len())
	assert.Equal(t, uint64(10), tt.terms[a], "readable until the table settles")
	c := tt.intern(30)
	assert.NotEqual(t, a, c, "not reused before the table settles")
	assert.Equal(t, uint64(10), tt.terms[a])

	tt.settle()
	d := tt.intern(40)
	assert.Equal(t, a, d, "reused once settled")
	assert.Equal(t, uint64(40), tt.terms[d])
	assert.Equal(t, b, tt.intern(20))
	assert.NotEqual(t, a, tt.intern(10), "a term let go comes back under another index")
}

// The term table holds the terms of the stories held and no others: each
// story that leaves the window, or is removed, takes its terms along.
func TestTermTableFollowsHeldStories(t *testing.T) {
	stories, _ := reuters(t)
	d := newDetector(t, Config{Window: 24 * time.Hour})
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	check := func(when string) {
		want := map[uint64]uint32{}
		for r := range d.st.stories.all() {
			for _, term := range r.vec(d.st.vocab).terms() {
				want[term]++
			}
		}
		checkTermTable(t, d.st.vocab, want, when)
	}
	for i, s := range stories[:600] {
		s.Time = start.Add(time.Duration(i) * 10 * time.Minute) // 100 days: stories leave the window
		_, err := d.Add(s)
		require.NoError(t, err)
		if i%150 == 149 {
			check("after " + s.ID)
		}
	}
	var ids []string
	for r := range d.st.stories.all() {
		ids = append(ids, r.id)
	}
	for _, id := range ids {
		require.NoError(t, d.Remove(id))
	}
	check("all removed")
	assert.Zero(t, d.st.vocab.len())
}

// checkTermTable checks that tt holds the terms of want, each counted as
// often as want says, and that every index is in use or free, once.
func checkTermTable(t *testing.T, tt *termTable, want map[uint64]uint32, when string) {
	t.Helper()
	require.Equal(t, len(want), tt.len(), when)
	var used []uint32
	for term, n := range want {
		i, ok := tt.lookup(term)
		require.True(t, ok, "%s: term %x", when, term)
		require.Equal(t, term, tt.terms[i], when)
		require.Equal(t, n, tt.refs[i], "%s: term %x", when, term)
		used = append(used, i)
	}
	slots := 0
	for k := range tt.shards {
		sh := &tt.shards[k]
		n := 0
		for _, x := range sh.slots {
			if x != 0 {
				n++
				assert.Equal(t, k, int(tt.terms[x-1]>>(64-termShardBits)), "%s: term %x in its shard", when, tt.terms[x-1])
			}
		}
		assert.Equal(t, sh.n, n, "%s: shard %d counts its terms", when, k)
		slots += n
	}
	assert.Equal(t, len(want), slots, "%s: one slot a term", when)
	all := append(append(used, tt.free...), tt.retired...)
	slices.Sort(all)
	assert.Len(t, slices.Compact(all), len(tt.terms), "%s: every index is used or free, once", when)
	assert.Len(t, all, len(tt.terms), when)
}

// The table against a map, with terms that crowd a few home slots (so
// that deletions move entries back) and settles at random.
func TestTermTableAgainstMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tt := newTermTable()
	want := map[uint64]uint32{}
	var held []uint64 // one entry a use
	for step := range 20000 {
		if len(held) == 0 || rng.IntN(5) < 3 {
			term := uint64(rng.IntN(3000)) << 32 // few distinct homes: uint32(term^term>>32) is the rank
			if rng.IntN(2) == 0 {
				term = rng.Uint64()
			}
			i := tt.intern(term)
			require.Equal(t, term, tt.terms[i])
			want[term]++
			held = append(held, term)
		} else {
			k := rng.IntN(len(held))
			term := held[k]
			held[k] = held[len(held)-1]
			held = held[:len(held)-1]
			i, ok := tt.lookup(term)
			require.True(t, ok)
			tt.release(i)
			if want[term]--; want[term] == 0 {
				delete(want, term)
				_, ok := tt.lookup(term)
				assert.False(t, ok, "released for the last time")
			}
		}
		if rng.IntN(50) == 0 {
			tt.settle()
		}
		if step%1000 == 999 {
			checkTermTable(t, tt, want, fmt.Sprintf("step %d", step))
		}
	}
}

// len returns the number of distinct terms in use.
func (t *termTable) len() int { return t.n }

// lookup returns the index of term and whether it is in use.
func (t *termTable) lookup(term uint64) (uint32, bool) {
	sh := t.shard(term)
	if len(sh.slots) == 0 {
		return 0, false
	}
	slot, ok := t.find(sh, term)
	return sh.slots[slot] - 1, ok
}
