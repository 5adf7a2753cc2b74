package simhash

import (
	"cmp"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLayoutDefaults(t *testing.T) {
	// The table in the documentation of Layout.
	tests := []struct {
		d, blocks, tables, keyBits int
	}{
		{0, 1, 1, 64}, {1, 2, 2, 32}, {2, 3, 3, 21}, {3, 4, 4, 16}, {4, 6, 15, 20}, {5, 7, 21, 18},
		{6, 8, 28, 16}, {7, 9, 36, 14}, {8, 10, 45, 12}, {9, 11, 55, 10}, {10, 11, 11, 5}, {12, 13, 13, 4},
		{16, 17, 17, 3}, {63, 64, 64, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("d=%d", tt.d), func(t *testing.T) {
			l := Layout{Distance: tt.d}
			assert.Equal(t, tt.tables, l.Tables())
			assert.Equal(t, tt.keyBits, l.KeyBits())
			ix, err := NewIndex[int](tt.d)
			require.NoError(t, err)
			assert.Equal(t, Layout{Distance: tt.d, Blocks: tt.blocks}, ix.Layout())
			assert.Len(t, ix.tables, tt.tables)
			assert.Equal(t, fmt.Sprintf("distance %d: %d blocks, %d tables, keys of %d+ bits",
				tt.d, tt.blocks, tt.tables, tt.keyBits), l.String())
		})
	}
}

func TestLayoutTables(t *testing.T) {
	for _, l := range []Layout{{0, 1}, {0, 3}, {2, 3}, {3, 4}, {3, 7}, {6, 8}, {1, 64}, {9, 11}} {
		t.Run(l.String(), func(t *testing.T) {
			tables := l.tables()
			require.Len(t, tables, l.Tables())
			k := l.Blocks - l.Distance
			var blocks uint64 // the union of every block's mask must be all 64 bits, blocks disjoint
			for b := range l.Blocks {
				start, width := blockBounds(l.Blocks, b)
				m := block{uint(start), uint(width)}.mask()
				require.Zero(t, blocks&m, "block %d overlaps", b)
				blocks |= m
			}
			require.Equal(t, ^uint64(0), blocks)
			seen := map[uint64]bool{}
			for _, tb := range tables {
				require.Len(t, tb.parts, k)
				require.Equal(t, bits.OnesCount64(tb.mask), tb.bits)
				require.GreaterOrEqual(t, tb.bits, l.KeyBits())
				require.False(t, seen[tb.mask], "tables are distinct")
				seen[tb.mask] = true
				// compact is a bijection from the key bits onto the low bits.
				f := rand.Uint64()
				c := tb.compact(f)
				if tb.bits < 64 {
					require.Less(t, c, uint64(1)<<tb.bits)
				}
				require.Equal(t, tb.compact(f&tb.mask), c, "compact depends on the key bits only")
				require.NotEqual(t, tb.compact(f^lowestBit(tb.mask)), c)
			}
		})
	}
}

func lowestBit(m uint64) uint64 { return m & -m }

func TestNewIndexErrors(t *testing.T) {
	tests := []struct {
		name string
		l    Layout
	}{
		{"negative distance", Layout{Distance: -1}},
		{"distance 64", Layout{Distance: 64}},
		{"blocks equal distance", Layout{Distance: 3, Blocks: 3}},
		{"blocks below distance", Layout{Distance: 3, Blocks: 2}},
		{"negative blocks", Layout{Distance: 3, Blocks: -1}},
		{"65 blocks", Layout{Distance: 3, Blocks: 65}},
		{"too many tables", Layout{Distance: 10, Blocks: 30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix, err := NewIndexLayout[string](tt.l)
			require.ErrorIs(t, err, ErrLayout)
			assert.Contains(t, err.Error(), "simhash: ")
			assert.Nil(t, ix)
			assert.Zero(t, tt.l.Tables())
			assert.Zero(t, tt.l.KeyBits())
			assert.Contains(t, tt.l.String(), "invalid layout")
		})
	}
	_, err := NewIndex[string](-2)
	require.ErrorIs(t, err, ErrLayout)
}

// model is the brute-force reference an index is compared with.
type model map[int]Fingerprint

func (m model) query(f Fingerprint, d int) []Match[int] {
	var out []Match[int]
	for id, g := range m {
		if dist := f.Distance(g); dist <= d {
			out = append(out, Match[int]{ID: id, Fingerprint: g, Distance: dist})
		}
	}
	return sortByID(out)
}

func sortByID(ms []Match[int]) []Match[int] {
	slices.SortFunc(ms, func(a, b Match[int]) int { return cmp.Compare(a.ID, b.ID) })
	return ms
}

// flip returns f with n distinct random bits inverted.
func flip(rng *rand.Rand, f Fingerprint, n int) Fingerprint {
	for _, b := range rng.Perm(64)[:n] {
		f ^= 1 << b
	}
	return f
}

// checkQuery compares ix.Query(f) with brute force over m: the same items, each once, nearest first.
func checkQuery(t *testing.T, ix *Index[int], m model, f Fingerprint) int {
	t.Helper()
	d := ix.Layout().Distance
	got := ix.Query(nil, f)
	require.True(t, slices.IsSortedFunc(got, func(a, b Match[int]) int { return a.Distance - b.Distance }),
		"nearest first")
	want := m.query(f, d)
	require.Equal(t, want, sortByID(got), "query %s at distance %d", f, d)
	return len(want)
}

// clusteredData returns fingerprints in clusters: random bases, each with variants at 0 to d+2 random bit
// flips, so that many pairs sit at, just inside and just outside distance d.
func clusteredData(rng *rand.Rand, n, d int) []Fingerprint {
	var fps []Fingerprint
	for len(fps) < n {
		base := Fingerprint(rng.Uint64())
		fps = append(fps, base)
		for range rng.IntN(8) {
			fps = append(fps, flip(rng, base, rng.IntN(d+3)))
		}
	}
	return fps[:n]
}

func TestIndexMatchesBruteForce(t *testing.T) {
	layouts := []Layout{}
	for d := range 9 {
		layouts = append(layouts, Layout{Distance: d})
	}
	layouts = append(layouts, Layout{0, 4}, Layout{1, 64}, Layout{3, 5}, Layout{3, 6}, Layout{6, 7}, Layout{4, 5},
		Layout{12, 0}, Layout{20, 0})
	for _, l := range layouts {
		for _, data := range []string{"random", "clustered"} {
			t.Run(fmt.Sprintf("%s/%s", l, data), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(l.Distance), uint64(l.Blocks)))
				ix, err := NewIndexLayout[int](l)
				require.NoError(t, err)
				d := ix.Layout().Distance
				n := 3000
				if testing.Short() {
					n = 800
				}
				var fps []Fingerprint
				if data == "random" {
					for range n {
						fps = append(fps, Fingerprint(rng.Uint64()))
					}
				} else {
					fps = clusteredData(rng, n, d)
				}
				m := model{}
				for id, f := range fps {
					require.NoError(t, ix.Insert(id, f))
					m[id] = f
				}
				require.Equal(t, len(m), ix.Len())

				found := 0
				queries := func() {
					for range 300 {
						f := fps[rng.IntN(len(fps))]
						switch rng.IntN(3) {
						case 0: // a stored fingerprint
						case 1: // near a stored one, inside or just outside the radius
							f = flip(rng, f, rng.IntN(d+3))
						default: // anywhere
							f = Fingerprint(rng.Uint64())
						}
						found += checkQuery(t, ix, m, f)
					}
				}
				queries()

				// Remove a third (triggering at least one compaction), then insert new items.
				for id := range fps {
					if id%3 != 0 {
						continue
					}
					require.True(t, ix.Remove(id))
					delete(m, id)
				}
				require.Equal(t, len(m), ix.Len())
				queries()
				for id := len(fps); id < len(fps)+n/2; id++ {
					f := flip(rng, fps[rng.IntN(len(fps))], rng.IntN(d+3))
					require.NoError(t, ix.Insert(id, f))
					m[id] = f
				}
				queries()
				require.Equal(t, len(m), ix.Len())
				for id, f := range m {
					got, ok := ix.Get(id)
					require.True(t, ok)
					require.Equal(t, f, got)
				}
				// The checks must have seen real answers, not only empty ones.
				require.Greater(t, found, 300, "queries found too few items to test anything")
			})
		}
	}
}

func TestIndexInsertRemove(t *testing.T) {
	ix, err := NewIndex[string](3)
	require.NoError(t, err)
	require.NoError(t, ix.Insert("a", 0xff))
	require.NoError(t, ix.Insert("b", 0xff)) // equal fingerprints under different ids are fine

	err = ix.Insert("a", 0x1)
	require.ErrorIs(t, err, ErrDuplicate)
	assert.Equal(t, `simhash: insert a: id already in index`, err.Error())
	f, ok := ix.Get("a")
	require.True(t, ok)
	assert.Equal(t, Fingerprint(0xff), f, "a failed insert changes nothing")
	assert.Equal(t, 2, ix.Len())

	assert.Equal(t, []Match[string]{{"b", 0xff, 0}, {"a", 0xff, 0}}, ix.Query(nil, 0xff))
	assert.True(t, ix.Remove("a"))
	assert.False(t, ix.Remove("a"), "second removal")
	assert.False(t, ix.Remove("zzz"), "never inserted")
	_, ok = ix.Get("a")
	assert.False(t, ok)
	assert.Equal(t, []Match[string]{{"b", 0xff, 0}}, ix.Query(nil, 0xff))

	require.NoError(t, ix.Insert("a", 0xf0), "an id can come back after removal")
	assert.Equal(t, []Match[string]{{"b", 0xff, 0}, {"a", 0xf0, 4}}[:1], ix.Query(nil, 0xff), "0xf0 is 4 away")
	assert.Equal(t, []Match[string]{{"a", 0xf0, 1}, {"b", 0xff, 3}}, ix.Query(nil, 0xf8))
	assert.Equal(t, 2, ix.Len())
}

func TestIndexCompaction(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	ix, err := NewIndex[int](4)
	require.NoError(t, err)
	m := model{}
	fps := clusteredData(rng, 5000, 4)
	for id, f := range fps {
		require.NoError(t, ix.Insert(id, f))
		m[id] = f
	}
	pagesBefore := ix.heldPages()
	// Remove all but 100: compactions run along the way and shrink the storage.
	for id := 100; id < len(fps); id++ {
		require.True(t, ix.Remove(id))
		delete(m, id)
	}
	assert.Equal(t, 100, ix.Len())
	assert.Less(t, ix.nhole, 100+1, "holes never outnumber live items by much")
	assert.Less(t, ix.heldPages(), pagesBefore/4, "storage shrinks")
	for range 200 {
		checkQuery(t, ix, m, flip(rng, fps[rng.IntN(len(fps))], rng.IntN(7)))
	}
	for id := range 100 {
		checkQuery(t, ix, m, fps[id])
	}
	// Remove everything, then use the index again.
	for id := range 100 {
		require.True(t, ix.Remove(id))
	}
	assert.Zero(t, ix.Len())
	assert.Empty(t, ix.Query(nil, fps[0]))
	require.NoError(t, ix.Insert(7, fps[7]))
	assert.Equal(t, []Match[int]{{7, fps[7], 0}}, ix.Query(nil, fps[7]))
}

// heldPages returns the number of pages ix holds, in both storages while a rebuild is under way.
func (ix *Index[K]) heldPages() int {
	n := 0
	for _, st := range []*store[K]{&ix.cur, &ix.next} {
		for _, p := range st.pages {
			if p != nil {
				n++
			}
		}
	}
	return n
}

func TestQuerySeq(t *testing.T) {
	ix, err := NewIndex[int](2)
	require.NoError(t, err)
	for i := range 10 {
		require.NoError(t, ix.Insert(i, Fingerprint(1)<<i))
	}
	// 0 is within 1 of every item.
	var got []Match[int]
	for m := range ix.QuerySeq(0) {
		got = append(got, m)
	}
	assert.Equal(t, ix.Query(nil, 0), got)
	assert.Len(t, got, 10)

	// Stop early, and change the index from inside the loop: the iterator holds no lock.
	n := 0
	for m := range ix.QuerySeq(0) {
		require.True(t, ix.Remove(m.ID))
		n++
		if n == 3 {
			break
		}
	}
	assert.Equal(t, 3, n)
	assert.Equal(t, 7, ix.Len())
}

func TestIndexConcurrent(t *testing.T) {
	const (
		writers = 4
		perW    = 1500
		d       = 3
	)
	ix, err := NewIndex[int](d)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(23, 24))
	fps := clusteredData(rng, writers*perW, d)

	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := w * perW; i < (w+1)*perW; i++ {
				if err := ix.Insert(i, fps[i]); err != nil {
					t.Error(err)
					return
				}
				if i%4 == 0 && !ix.Remove(i) { // removals drive compactions while others query
					t.Errorf("remove %d failed", i)
				}
			}
		})
	}
	for r := range 2 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(r), 25))
			var buf []Match[int]
			for range 3000 {
				q := flip(rng, fps[rng.IntN(len(fps))], rng.IntN(d+2))
				buf = ix.Query(buf[:0], q)
				for _, m := range buf {
					if m.Distance > d || m.Fingerprint != fps[m.ID] || q.Distance(m.Fingerprint) != m.Distance {
						t.Errorf("bad match %+v for %s", m, q)
					}
				}
				_ = ix.Len()
			}
		})
	}
	wg.Wait()

	m := model{}
	for i, f := range fps {
		if i%4 != 0 {
			m[i] = f
		}
	}
	require.Equal(t, len(m), ix.Len())
	for range 500 {
		checkQuery(t, ix, m, flip(rng, fps[rng.IntN(len(fps))], rng.IntN(d+2)))
	}
}

func TestIndexQueryAllocations(t *testing.T) {
	ix, err := NewIndex[int](3)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(26, 27))
	fps := clusteredData(rng, 10000, 3)
	for id, f := range fps {
		require.NoError(t, ix.Insert(id, f))
	}
	queries := make([]Fingerprint, 201)
	for i := range queries {
		queries[i] = flip(rng, fps[rng.IntN(len(fps))], 2)
	}
	buf := make([]Match[int], 0, 64)
	found, i := 0, 0
	allocs := testing.AllocsPerRun(200, func() {
		buf = ix.Query(buf[:0], queries[i])
		found += len(buf)
		i++
	})
	assert.Zero(t, allocs)
	assert.Positive(t, found)
}

func TestIndexUncomparableID(t *testing.T) {
	ix, err := NewIndex[any](3)
	require.NoError(t, err)
	require.NoError(t, ix.Insert("ok", 1))
	assert.Panics(t, func() { _ = ix.Insert([]int{1}, 2) }, "as a map would")
	assert.Equal(t, 1, ix.Len(), "the failed insert left nothing behind")
	assert.Equal(t, []Match[any]{{"ok", 1, 0}}, ix.Query(nil, 1))
}
