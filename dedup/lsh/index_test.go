package lsh

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/newsdup/newsdup/dedup/minhash"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIndexSemantics(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	h := mustHasher(minhash.Config{})
	x, err := NewIndex[string](mustOptimal(Config{}))
	require.NoError(t, err)
	base, a, b, c := similarTriple(rng, h) // b near a, c unrelated
	empty := h.Sign(minhash.Signature{}, nil)

	require.NoError(t, x.Insert("a", a))
	require.NoError(t, x.Insert("c", c))
	require.NoError(t, x.Insert("b", b))
	assert.Equal(t, 3, x.Len())

	t.Run("query finds similar items in insertion order", func(t *testing.T) {
		got, err := x.Query(nil, a)
		require.NoError(t, err)
		assert.Equal(t, []string{"a", "b"}, got)
		got, err = x.Query([]string{"keep"}, b)
		require.NoError(t, err)
		assert.Equal(t, []string{"keep", "a", "b"}, got, "Query appends to dst")
	})
	t.Run("duplicate id", func(t *testing.T) {
		err := x.Insert("a", c)
		require.ErrorIs(t, err, ErrDuplicate)
		got, err := x.Query(nil, c)
		require.NoError(t, err)
		assert.Equal(t, []string{"c"}, got, "a failed insert changes nothing")
		_, err = x.QueryInsert(nil, "b", c)
		require.ErrorIs(t, err, ErrDuplicate)
		assert.Equal(t, 3, x.Len())
	})
	t.Run("signature that does not fit", func(t *testing.T) {
		short := mustHasher(minhash.Config{K: 64}).Sign(minhash.Signature{}, base)
		otherSeed := mustHasher(minhash.Config{Seed: 9}).Sign(minhash.Signature{}, base)
		otherScheme := mustHasher(minhash.Config{Scheme: minhash.KPermutations}).Sign(minhash.Signature{}, base)
		for _, sig := range []minhash.Signature{short, otherSeed, otherScheme, {}} {
			require.ErrorIs(t, x.Insert("z", sig), ErrSignature)
			dst, err := x.Query([]string{"keep"}, sig)
			require.ErrorIs(t, err, ErrSignature)
			assert.Equal(t, []string{"keep"}, dst)
			_, err = x.QueryInsert(nil, "z", sig)
			require.ErrorIs(t, err, ErrSignature)
		}
		assert.Equal(t, 3, x.Len())
	})
	t.Run("empty signature is stored but never a candidate", func(t *testing.T) {
		require.NoError(t, x.Insert("e", empty))
		assert.Equal(t, 4, x.Len())
		got, err := x.Query(nil, empty)
		require.NoError(t, err)
		assert.Empty(t, got)
		got, err = x.QueryInsert(nil, "e2", empty)
		require.NoError(t, err)
		assert.Empty(t, got)
		assert.True(t, x.Remove("e"))
		assert.True(t, x.Remove("e2"))
		assert.Equal(t, 3, x.Len())
	})
	t.Run("remove", func(t *testing.T) {
		assert.True(t, x.Remove("a"))
		assert.False(t, x.Remove("a"))
		assert.False(t, x.Remove("never"))
		got, err := x.Query(nil, a)
		require.NoError(t, err)
		assert.Equal(t, []string{"b"}, got)
		require.NoError(t, x.Insert("a", a), "a removed id can be inserted again")
		got, err = x.Query(nil, a)
		require.NoError(t, err)
		assert.Equal(t, []string{"b", "a"}, got, "a reinserted id counts as inserted last")
	})
	t.Run("query insert", func(t *testing.T) {
		got, err := x.QueryInsert(nil, "a2", a)
		require.NoError(t, err)
		assert.Equal(t, []string{"b", "a"}, got, "candidates exclude the new id")
		got, err = x.Query(nil, a)
		require.NoError(t, err)
		assert.Equal(t, []string{"b", "a", "a2"}, got)
	})
}

func TestNewIndexParams(t *testing.T) {
	p := mustOptimal(Config{Threshold: 0.7})
	x, err := NewIndex[int](p)
	require.NoError(t, err)
	assert.Equal(t, p, x.Params())
	assert.Equal(t, 0, x.Len())
}

// bruteForce returns the live ids whose signatures share a band with q, in
// insertion order, comparing band values directly.
func bruteForce(p Params, order []int, sigs map[int]minhash.Signature, q minhash.Signature) []int {
	var out []int
	if q.IsEmpty() {
		return out
	}
	for _, id := range order {
		s := sigs[id]
		if s.IsEmpty() {
			continue
		}
		lo := 0
		for j := range p.Bands {
			hi := lo + p.BandRows(j)
			if slices.Equal(s.Values[lo:hi], q.Values[lo:hi]) {
				out = append(out, id)
				break
			}
			lo = hi
		}
	}
	return out
}

// model is an Index[int] under random operations, with the signatures it
// holds, by id, in the order they were inserted, which bruteForce scans.
type model struct {
	t      *testing.T
	p      Params
	x      *Index[int]
	sigs   map[int]minhash.Signature
	order  []int
	nextID int
}

func newModel(t *testing.T, p Params) *model {
	x, err := NewIndex[int](p)
	require.NoError(t, err)
	return &model{t: t, p: p, x: x, sigs: map[int]minhash.Signature{}}
}

// insert stores sig under a new id, by Insert or by QueryInsert (whose
// candidates it checks) at random, and returns the id.
func (m *model) insert(rng *rand.Rand, op int, sig minhash.Signature) int {
	id := m.nextID
	m.nextID++
	if rng.IntN(2) == 0 {
		require.NoError(m.t, m.x.Insert(id, sig))
	} else {
		got, err := m.x.QueryInsert(nil, id, sig)
		require.NoError(m.t, err)
		require.Equal(m.t, bruteForce(m.p, m.order, m.sigs, sig), got, "op %d", op)
	}
	m.sigs[id] = sig
	m.order = append(m.order, id)
	return id
}

// remove removes the id inserted i-th of those held and returns it.
func (m *model) remove(i int) int {
	id := m.order[i]
	require.True(m.t, m.x.Remove(id))
	delete(m.sigs, id)
	m.order = slices.Delete(m.order, i, i+1)
	return id
}

// query checks the candidates of q.
func (m *model) query(op int, q minhash.Signature) {
	got, err := m.x.Query(nil, q)
	require.NoError(m.t, err)
	require.Equal(m.t, bruteForce(m.p, m.order, m.sigs, q), got, "op %d", op)
}

// TestIndexMatchesBruteForce runs random inserts, removals and queries on
// clustered signatures (variants of a few base sets, so that many share
// bands) and checks every query against a brute-force scan.
func TestIndexMatchesBruteForce(t *testing.T) {
	for _, th := range []float64{0.3, 0.5, 0.8} {
		t.Run(fmt.Sprintf("threshold=%.1f", th), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, uint64(th*10)))
			h := mustHasher(minhash.Config{Seed: 1})
			p := mustOptimal(Config{Threshold: th})
			m := newModel(t, p)
			bases := make([][]uint64, 40)
			for i := range bases {
				bases[i] = randomSet(rng, 20+rng.IntN(200))
			}
			ops := 6000
			if testing.Short() {
				ops = 2000
			}
			for op := range ops {
				switch r := rng.IntN(10); {
				case r < 5 || len(m.order) == 0: // insert
					var set []uint64
					if rng.IntN(50) > 0 {
						set = variant(rng, bases[rng.IntN(len(bases))], rng.Float64()*0.6)
					}
					m.insert(rng, op, h.Sign(minhash.Signature{}, set))
				case r < 8: // remove
					m.remove(rng.IntN(len(m.order)))
				default: // query a stored or a fresh signature
					q := m.sigs[m.order[rng.IntN(len(m.order))]]
					if rng.IntN(2) == 0 {
						q = h.Sign(minhash.Signature{}, variant(rng, bases[rng.IntN(len(bases))], rng.Float64()))
					}
					m.query(op, q)
				}
				require.Equal(t, len(m.order), m.x.Len())
			}
			for _, id := range m.order {
				m.query(ops, m.sigs[id])
			}
			for len(m.order) > 0 {
				m.remove(0)
			}
			x := m.x
			for j := range x.tables {
				assert.Zero(t, x.tables[j].used, "band %d table empties", j)
			}
		})
	}
}

// TestQueryInsertAtomic adds items with identical signatures from several
// goroutines at once: because each QueryInsert is atomic, for every pair
// exactly one of the two saw the other.
func TestQueryInsertAtomic(t *testing.T) {
	h := mustHasher(minhash.Config{})
	x, err := NewIndex[int](mustOptimal(Config{}))
	require.NoError(t, err)
	sig := h.Sign(minhash.Signature{}, randomSet(rand.New(rand.NewPCG(2, 3)), 100))
	const workers, each = 4, 50
	seen := make([][]int, workers*each)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := w*each + i
				got, err := x.QueryInsert(nil, id, sig)
				if err != nil {
					t.Error(err)
					return
				}
				seen[id] = got
			}
		}()
	}
	wg.Wait()
	n := workers * each
	require.Equal(t, n, x.Len())
	for i := range n {
		for j := range i {
			iSawJ := slices.Contains(seen[i], j)
			jSawI := slices.Contains(seen[j], i)
			require.True(t, iSawJ != jSawI, "items %d and %d: exactly one must see the other", i, j)
		}
	}
	counts := make([]int, n)
	for i := range n {
		counts[i] = len(seen[i])
	}
	slices.Sort(counts)
	for i, c := range counts {
		require.Equal(t, i, c, "the k-th item inserted sees the k before it")
	}
}

// TestConcurrentUse runs queries, inserts and removals from several
// goroutines (for the race detector) and checks the final state.
func TestConcurrentUse(t *testing.T) {
	h := mustHasher(minhash.Config{})
	x, err := NewIndex[int](mustOptimal(Config{}))
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(4, 5))
	sigs := make([]minhash.Signature, 400)
	base := randomSet(rng, 150)
	for i := range sigs {
		sigs[i] = h.Sign(minhash.Signature{}, variant(rng, base, 0.3))
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(2)
		go func() { // writer: inserts its share, removes every other one
			defer wg.Done()
			for i := w; i < len(sigs); i += 4 {
				if err := x.Insert(i, sigs[i]); err != nil {
					t.Error(err)
					return
				}
				if i%2 == 1 && !x.Remove(i) {
					t.Errorf("remove %d", i)
					return
				}
			}
		}()
		go func() { // reader
			defer wg.Done()
			var dst []int
			for i := range sigs {
				var err error
				dst, err = x.Query(dst[:0], sigs[(i*7+w)%len(sigs)])
				if err != nil {
					t.Error(err)
					return
				}
				_ = x.Len()
			}
		}()
	}
	wg.Wait()
	require.Equal(t, len(sigs)/2, x.Len())
	got, err := x.Query(nil, sigs[0])
	require.NoError(t, err)
	for _, id := range got {
		assert.Zero(t, id%2, "only even ids remain")
	}
	assert.Contains(t, got, 0)
}

// TestTableCollisions drives the band table directly with band hashes
// chosen to collide: few distinct home positions (long probe runs that
// wrap around the end of the table), many equal hashes, and removals from
// the middle of runs, chains and rings, checked against a model. With one
// band, the items of an equal hash are twins, which share an entry (long
// rings); with two, a second band hash unique to each item makes their
// entries distinct (long chains, longer than the search for a twin).
func TestTableCollisions(t *testing.T) {
	for _, bands := range []int{1, 2} {
		t.Run(fmt.Sprintf("bands=%d", bands), func(t *testing.T) {
			testTableCollisions(t, bands)
		})
	}
}

func testTableCollisions(t *testing.T, bands int) {
	p, err := Banding(bands, bands, 0.5)
	require.NoError(t, err)
	x, err := NewIndex[int](p)
	require.NoError(t, err)
	sig := minhash.Signature{Values: slices.Repeat([]uint32{1}, bands)}
	fpsOf := func(fp uint32, id int) []uint32 {
		return []uint32{fp, uint32(id) * 0x9E3779B1}[:bands] // distinct in band 1
	}
	rng := rand.New(rand.NewPCG(11, 12))
	var pool []uint32
	for hi := range uint32(4) {
		for lo := range uint32(10) {
			pool = append(pool, hi<<30|0x3FFFFF00|lo) // 4 shards; homes near the end of each
		}
	}
	model := map[uint32][]int{} // band hash -> ids in insertion order
	where := map[int]uint32{}
	var live []int
	const ops = 3000
	for id := range ops {
		if len(live) > 0 && rng.IntN(5) < 2 {
			i := rng.IntN(len(live))
			victim := live[i]
			live = slices.Delete(live, i, i+1)
			require.True(t, x.Remove(victim))
			fp := where[victim]
			model[fp] = slices.DeleteFunc(model[fp], func(v int) bool { return v == victim })
			delete(where, victim)
		} else {
			fp := pool[rng.IntN(len(pool))]
			x.mu.Lock()
			require.NoError(t, x.insertLocked(id, sig, fpsOf(fp, id)))
			x.mu.Unlock()
			model[fp] = append(model[fp], id)
			where[id] = fp
			live = append(live, id)
		}
		var seen slotSet
		for _, fp := range pool {
			x.mu.RLock()
			cands := x.collect(nil, &seen, sig, fpsOf(fp, ops))
			x.mu.RUnlock()
			got := appendCandidates(nil, cands)
			require.Equal(t, len(model[fp]), len(got), "band hash %#x after %d operations", fp, id)
			if len(got) > 0 {
				require.Equal(t, model[fp], got)
			}
		}
		for k := range min(len(live), 20) { // a sample of the ids held
			v := live[(id*7+k*31)%len(live)]
			twin, ok := x.Twin(v)
			ids := model[where[v]]
			switch {
			case bands > 1 || len(ids) == 1:
				require.False(t, ok, "id %d after %d operations", v, id)
			case ids[0] == v:
				require.Equal(t, ids[1], twin)
			default:
				require.Equal(t, ids[0], twin)
			}
		}
	}
	distinct := 0
	for _, ids := range model {
		if len(ids) > 0 {
			distinct++
		}
	}
	used := 0
	for _, t := range x.tables[:shards] { // band 0
		used += t.used
	}
	assert.Equal(t, distinct, used)
}

// TestSlotSet checks the set collect uses against a map, over resets and
// growth.
func TestSlotSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var s slotSet
	for round := range 50 {
		s.reset()
		model := make(map[uint32]bool)
		for range rng.IntN(400) {
			slot := uint32(rng.IntN(300)) * 97
			require.Equal(t, !model[slot], s.add(slot), "round %d, slot %d", round, slot)
			model[slot] = true
		}
		require.Equal(t, len(model), s.n)
	}
}
