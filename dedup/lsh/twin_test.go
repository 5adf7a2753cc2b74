package lsh

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/newsdup/newsdup/dedup/minhash"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// entriesInUse returns the number of entries holding items.
func entriesInUse[K comparable](x *Index[K]) int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.entries - len(x.free)
}

// TestTwins stores one signature under several ids, which share an entry:
// queries find all of them, in insertion order, whichever are removed, and
// Twin reports the earliest other.
func TestTwins(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	h := mustHasher(minhash.Config{})
	x, err := NewIndex[string](mustOptimal(Config{}))
	require.NoError(t, err)
	_, a, b, c := similarTriple(rng, h) // b near a, c unrelated
	query := func(sig minhash.Signature) []string {
		t.Helper()
		got, err := x.Query(nil, sig)
		require.NoError(t, err)
		return got
	}
	twin := func(id string) string {
		t.Helper()
		tw, ok := x.Twin(id)
		if !ok {
			return "none"
		}
		return tw
	}

	require.NoError(t, x.Insert("a", a))
	require.NoError(t, x.Insert("c", c))
	require.NoError(t, x.Insert("b", b))
	copyA := minhash.Signature{Scheme: a.Scheme, Seed: a.Seed, Values: slices.Clone(a.Values)}
	require.NoError(t, x.Insert("a2", copyA))
	assert.Equal(t, 4, x.Len())
	assert.Equal(t, 3, entriesInUse(x), "a and a2 share an entry")
	assert.Equal(t, []string{"a", "b", "a2"}, query(a))
	assert.Equal(t, []string{"a", "b", "a2"}, query(b))
	assert.Equal(t, []string{"c"}, query(c))
	assert.Equal(t, "a2", twin("a"))
	assert.Equal(t, "a", twin("a2"))
	for _, id := range []string{"b", "c", "never"} {
		assert.Equal(t, "none", twin(id), id)
	}

	got, err := x.QueryInsert(nil, "a3", a)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "a2"}, got, "candidates exclude the new id")
	assert.Equal(t, "a", twin("a3"))
	assert.Equal(t, "a", twin("a2"))
	require.ErrorIs(t, x.Insert("a2", a), ErrDuplicate)
	assert.Equal(t, []string{"a", "b", "a2", "a3"}, query(a), "a failed insert changes nothing")

	require.True(t, x.Remove("a"))
	assert.Equal(t, []string{"b", "a2", "a3"}, query(a), "removing one twin keeps the others")
	assert.Equal(t, "a3", twin("a2"))
	assert.Equal(t, "a2", twin("a3"))
	assert.Equal(t, "none", twin("a"))
	require.True(t, x.Remove("a3"))
	assert.Equal(t, []string{"b", "a2"}, query(a))
	assert.Equal(t, "none", twin("a2"), "the last of the twins")
	require.True(t, x.Remove("a2"))
	assert.Equal(t, []string{"b"}, query(a))
	assert.Equal(t, 2, x.Len())
	assert.Equal(t, 2, entriesInUse(x), "removing all twins frees their entry")

	require.NoError(t, x.Insert("a", a), "a removed id can be inserted again")
	assert.Equal(t, []string{"b", "a"}, query(a))
	assert.Equal(t, "none", twin("a"))
	require.NoError(t, x.Insert("a4", a))
	assert.Equal(t, []string{"b", "a", "a4"}, query(a))
	assert.Equal(t, "a4", twin("a"))
	assert.Equal(t, 4, x.Len())

	// The empty signature: stored, never a candidate, no twin, whether
	// it follows another signature (whose band hashes the pooled scratch
	// storage still holds) or another empty one.
	empty := h.Sign(minhash.Signature{}, nil)
	for _, id := range []string{"e", "e2"} {
		_, err := x.Query(nil, c)
		require.NoError(t, err)
		require.NoError(t, x.Insert(id, empty))
		got, err := x.QueryInsert(nil, id+"q", empty)
		require.NoError(t, err)
		assert.Empty(t, got)
	}
	assert.Equal(t, 8, x.Len())
	assert.Equal(t, 3, entriesInUse(x))
	assert.Empty(t, query(empty))
	assert.Equal(t, []string{"c"}, query(c))
	for _, id := range []string{"e", "e2", "eq", "e2q", "c"} {
		assert.Equal(t, "none", twin(id), id)
	}
	for _, id := range []string{"e", "e2q"} {
		require.True(t, x.Remove(id))
	}
	assert.Equal(t, 6, x.Len())
	assert.Equal(t, []string{"b", "a", "a4"}, query(a))
}

// TestTwinsMatchBruteForce runs random inserts, removals, queries and
// Twin calls on signatures drawn from a small pool (a few base sets, some
// variants of each, and the empty set), so that most inserts are twins of
// a stored item, and checks everything against a model.
func TestTwinsMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	h := mustHasher(minhash.Config{Seed: 3})
	p := mustOptimal(Config{Threshold: 0.3})
	m := newModel(t, p)
	x := m.x
	var pool []minhash.Signature
	for range 5 {
		base := randomSet(rng, 30+rng.IntN(200))
		pool = append(pool, h.Sign(minhash.Signature{}, base))
		for range 3 {
			pool = append(pool, h.Sign(minhash.Signature{}, variant(rng, base, 0.05+0.4*rng.Float64())))
		}
	}
	pool = append(pool, h.Sign(minhash.Signature{}, nil))
	// same[i] is the first signature of the pool equal to pool[i].
	same := make([]int, len(pool))
	for i := range pool {
		same[i] = slices.IndexFunc(pool, func(s minhash.Signature) bool { return slices.Equal(s.Values, pool[i].Values) })
	}
	from := map[int]int{} // id -> same[its signature's index in pool]
	// checkTwins checks Twin for every id held against the earliest two
	// ids of each signature, and that there is one entry per distinct
	// non-empty signature.
	checkTwins := func(op int) {
		first := map[int][]int{}
		for _, id := range m.order {
			if s := from[id]; !pool[s].IsEmpty() && len(first[s]) < 2 {
				first[s] = append(first[s], id)
			}
		}
		require.Equal(t, len(first), entriesInUse(x), "op %d: one entry per distinct signature", op)
		for _, id := range m.order {
			var want []int
			for _, o := range first[from[id]] {
				if o != id {
					want = append(want, o)
				}
			}
			got, ok := x.Twin(id)
			require.Equal(t, len(want) > 0, ok, "op %d: twin of %d", op, id)
			if ok {
				require.Equal(t, want[0], got, "op %d: twin of %d", op, id)
			}
		}
	}
	ops := 5000
	if testing.Short() {
		ops = 1500
	}
	for op := range ops {
		switch r := rng.IntN(10); {
		case r < 5 || len(m.order) == 0: // insert
			k := rng.IntN(len(pool))
			id := m.insert(rng, op, pool[k])
			from[id] = same[k]
			require.ErrorIs(t, x.Insert(id, pool[k]), ErrDuplicate)
		case r < 8: // remove
			id := m.remove(rng.IntN(len(m.order)))
			require.False(t, x.Remove(id))
			delete(from, id)
		default:
			m.query(op, pool[rng.IntN(len(pool))])
		}
		require.Equal(t, len(m.order), x.Len())
		if op%8 == 0 {
			checkTwins(op)
		}
	}
	checkTwins(ops)
	for _, q := range pool {
		m.query(ops, q)
	}
	for len(m.order) > 0 {
		m.remove(0)
	}
	assert.Zero(t, x.Len())
	assert.Zero(t, entriesInUse(x))
	assert.Equal(t, x.nodeCount, len(x.freeNodes), "all nodes free")
	for j := range x.tables {
		assert.Zero(t, x.tables[j].used, "band %d table empties", j)
	}
}

// TestTwinSearchBound stores 40 signatures that share their first band
// between copies of one signature: the search for a twin compares the
// first 32 entries of the chain of the first band, so that the copy is
// stored apart (and Twin does not report it) but found by queries as
// before, and an entry that was last given a twin moves to the front.
func TestTwinSearchBound(t *testing.T) {
	p, err := Banding(4, 4, 0.5) // one value a band
	require.NoError(t, err)
	x, err := NewIndex[int](p)
	require.NoError(t, err)
	sigOf := func(v uint32) minhash.Signature { return minhash.Signature{Values: []uint32{7, v, v, v}} }
	a := sigOf(1000)
	sigs := map[int]minhash.Signature{}
	var order []int
	insert := func(id int, sig minhash.Signature) {
		t.Helper()
		require.NoError(t, x.Insert(id, sig))
		sigs[id] = sig
		order = append(order, id)
	}
	check := func() {
		t.Helper()
		got, err := x.Query(nil, a)
		require.NoError(t, err)
		require.Equal(t, bruteForce(p, order, sigs, a), got)
		require.Equal(t, len(order), x.Len())
	}

	insert(0, a)
	for i := 1; i <= 31; i++ { // a is 32nd in the chain: within reach
		insert(i, sigOf(uint32(i)))
	}
	insert(32, a)
	tw, ok := x.Twin(32)
	require.True(t, ok)
	assert.Equal(t, 0, tw)
	for i := 33; i <= 63; i++ { // 31 more: a's entry moved to the front, so 32nd again
		insert(i, sigOf(uint32(i)))
	}
	insert(64, a)
	tw, ok = x.Twin(64)
	require.True(t, ok)
	assert.Equal(t, 0, tw)
	check()

	for i := 65; i <= 97; i++ { // 33 more: beyond reach
		insert(i, sigOf(uint32(i)))
	}
	insert(98, a)
	_, ok = x.Twin(98)
	assert.False(t, ok, "a copy beyond the search is stored apart")
	check()
	insert(99, a) // the copy stored apart is at the front now
	tw, ok = x.Twin(99)
	require.True(t, ok)
	assert.Equal(t, 98, tw)
	check()
	for _, id := range []int{0, 98, 32} {
		require.True(t, x.Remove(id))
		order = slices.DeleteFunc(order, func(v int) bool { return v == id })
		delete(sigs, id)
		check()
	}
	_, ok = x.Twin(64)
	assert.False(t, ok, "64 and 99 are in different entries")
	require.True(t, x.Remove(99))
	order = order[:len(order)-1]
	check()
}
