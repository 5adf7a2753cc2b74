package lists

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestArenaAgainstSlices runs random appends, inserts, deletes and releases
// on many lists, some of which outgrow a chunk, and checks every list
// against a plain slice after each step.
func TestArenaAgainstSlices(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var a Arena[uint64]
	const nLists = 200
	lists := make([]List, nLists)
	want := make([][]uint64, nLists)
	next := uint64(1)
	for step := range 60000 {
		i := rng.IntN(nLists)
		switch op := rng.IntN(10); {
		case op < 5:
			a.Append(&lists[i], next)
			want[i] = append(want[i], next)
		case op < 7:
			k := rng.IntN(len(want[i]) + 1)
			a.Insert(&lists[i], k, next)
			want[i] = slices.Insert(want[i], k, next)
		case op < 9:
			if len(want[i]) > 0 {
				k := rng.IntN(len(want[i]))
				a.Delete(&lists[i], k)
				want[i] = slices.Delete(want[i], k, k+1)
			}
		default:
			if rng.IntN(20) == 0 {
				a.Release(&lists[i])
				want[i] = nil
			}
		}
		next++
		if step%97 == 0 || step > 59900 {
			for j := range lists {
				require.Equal(t, len(want[j]), lists[j].Len(), "list %d at step %d", j, step)
				require.True(t, slices.Equal(want[j], a.View(lists[j])), "list %d at step %d", j, step)
			}
		}
	}
	assert.Greater(t, a.Chunks(), 1)
}

// TestOutsizedList: a list outgrows a chunk, keeps its elements when it
// moves to a slice of its own, and comes back into a chunk as it shrinks.
func TestOutsizedList(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var a Arena[uint32]
	var l, other List
	var want []uint32
	for i := range 3 * chunkLen {
		a.Append(&l, uint32(i))
		want = append(want, uint32(i))
		if i%1000 == 0 {
			a.Append(&other, uint32(i))
		}
	}
	require.Equal(t, outsized, int(l.class))
	for len(want) > 10 {
		k := rng.IntN(len(want))
		a.Delete(&l, k)
		want = slices.Delete(want, k, k+1)
		if len(want)%777 == 0 {
			require.True(t, slices.Equal(want, a.View(l)))
		}
	}
	assert.Less(t, int(l.class), outsized, "a short list is back in a chunk")
	assert.True(t, slices.Equal(want, a.View(l)))
	assert.Equal(t, []uint32{0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 11000, 12000, 13000, 14000, 15000, 16000, 17000, 18000, 19000, 20000, 21000, 22000, 23000, 24000}, a.View(other))
}

// TestArenaReusesFreedBlocks: lists released give their blocks to the next
// lists, so that an arena whose lists come and go stops growing.
func TestArenaReusesFreedBlocks(t *testing.T) {
	var a Arena[uint32]
	fill := func() []List {
		ls := make([]List, 500)
		for i := range ls {
			for k := range i % 40 {
				a.Append(&ls[i], uint32(k))
			}
		}
		return ls
	}
	for _, l := range fill() {
		a.Release(&l)
	}
	chunks := a.Chunks()
	for range 5 {
		for _, l := range fill() {
			a.Release(&l)
		}
	}
	assert.Equal(t, chunks, a.Chunks(), "the same lists again take no new chunk")
}

// TestViewDoesNotReachOtherLists: appending to a View must not write into
// the block of another list.
func TestViewDoesNotReachOtherLists(t *testing.T) {
	var a Arena[uint64]
	var x, y List
	a.Append(&x, 1, 2, 3)
	a.Append(&y, 7)
	v := a.View(x)
	_ = append(v, 99)
	assert.Equal(t, []uint64{7}, a.View(y))
	assert.Equal(t, []uint64{1, 2, 3}, a.View(x))
	assert.Nil(t, a.View(List{}))
	var z List
	a.Append(&z)
	a.Set(&z, nil)
	assert.Equal(t, List{}, z, "appending nothing takes no block")
}

func TestClassFor(t *testing.T) {
	for _, c := range []struct{ n, class int }{{1, 1}, {2, 2}, {3, 3}, {4, 3}, {5, 4}, {chunkLen, classes}, {chunkLen + 1, outsized}} {
		assert.Equal(t, uint8(c.class), classFor(c.n), "n=%d", c.n)
	}
}

func TestOutOfRangePanics(t *testing.T) {
	var a Arena[uint64]
	var l List
	assert.Panics(t, func() { a.Insert(&l, 1, 5) })
	assert.Panics(t, func() { a.Delete(&l, 0) })
}
