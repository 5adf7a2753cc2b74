package simhash

import (
	"fmt"
	"hash/maphash"
	"math/bits"
	"slices"
	"sync"
)

// refIndex is Index as it was before its rebuilds, id table and storage became incremental: one slice of
// ids, one id table rehashed whole, and a rebuild that relinks every item when the tables fill up or holes
// outnumber the items. It is kept as the reference that Index must answer exactly like, order included
// (TestIndexMatchesReference), since the detector in package dedup takes the first matches of a query.
type refIndex[K comparable] struct {
	mu     sync.RWMutex
	layout Layout
	tables []table
	nt     int // len(tables)

	// Buckets. A table whose key has at most logNB bits is indexed directly by its compacted key
	// (2^bits heads); the others hash the key into 2^logNB heads.
	logNB  uint
	direct []bool     // per table: indexed by the key itself
	heads  [][]uint32 // per table: the first slot of each bucket's chain

	// A node holds stride = 2+nt words per slot s: the low and high halves of its fingerprint, then at
	// 2+t the slot after s in the chain of table t. A step along a chain reads a fingerprint and a link
	// that sit side by side, usually in one cache line. The nodes are kept in pages of refPageSlots slots,
	// added as the index grows and never copied, so that no insert pays for copying every node.
	pages  [][]uint32
	stride int
	n      int // slots in use, holes included

	ids   []K      // per slot; the zero K in a hole
	holes []uint64 // bitmap of removed slots
	nhole int
	slots refIDSet[K] // id -> slot of the live items
}

// newRefIndex returns an empty reference index with layout l.
func newRefIndex[K comparable](l Layout) (*refIndex[K], error) {
	l, err := l.resolve()
	if err != nil {
		return nil, err
	}
	ix := &refIndex[K]{layout: l, tables: l.tables(), slots: newRefIDSet[K]()}
	ix.nt = len(ix.tables)
	ix.stride = 2 + ix.nt
	ix.direct = make([]bool, ix.nt)
	ix.heads = make([][]uint32, ix.nt)
	ix.setBuckets(minLogNB)
	return ix, nil
}

// Len returns the number of items in ix.
func (ix *refIndex[K]) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.slots.count
}

// Get returns the fingerprint stored under id, and whether ix holds id.
func (ix *refIndex[K]) Get(id K) (Fingerprint, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s, ok := ix.slots.get(id, ix.ids)
	if !ok {
		return 0, false
	}
	return ix.fingerprint(s), true
}

// Insert adds fingerprint f under id. If ix already holds id, Insert returns an error wrapping
// [ErrDuplicate] and changes nothing (remove it first to replace its fingerprint). An index holds at most
// 2^32-1 items; beyond that Insert returns an error wrapping [ErrFull].
func (ix *refIndex[K]) Insert(id K, f Fingerprint) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.n >= 1<<ix.logNB {
		ix.rebuild() // grows the hashed tables, and drops holes
	}
	if ix.n >= maxSlots {
		return fmt.Errorf("simhash: insert %v: %d items: %w", id, ix.n, ErrFull)
	}
	ix.slots.reserve(ix.ids)
	pos, dup := ix.slots.find(id, ix.ids)
	if dup {
		return fmt.Errorf("simhash: insert %v: %w", id, ErrDuplicate)
	}
	s := ix.n
	ix.n++
	if s>>refPageBits == len(ix.pages) {
		ix.pages = append(ix.pages, make([]uint32, refPageSlots*ix.stride))
	}
	node := ix.node(uint32(s))
	node[0], node[1] = uint32(f), uint32(f>>32)
	ix.ids = append(ix.ids, id)
	if s%64 == 0 {
		ix.holes = append(ix.holes, 0)
	}
	ix.link(s)
	ix.slots.set(pos, uint32(s))
	return nil
}

// Remove removes the item stored under id and reports whether ix held it.
func (ix *refIndex[K]) Remove(id K) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	i, ok := ix.slots.find(id, ix.ids)
	if !ok {
		return false
	}
	s := ix.slots.table[i]
	ix.slots.remove(i, ix.ids)
	var zero K
	ix.ids[s] = zero // let the id be collected
	ix.holes[s/64] |= 1 << (s % 64)
	ix.nhole++
	if ix.nhole > ix.slots.count && ix.nhole >= 64 {
		ix.rebuild()
	}
	return true
}

// Query appends to dst every item of ix within the index's distance of f, nearest first (items at equal
// distance in no particular order), and returns the extended slice. Passing a reused dst[:0] avoids
// allocation.
func (ix *refIndex[K]) Query(dst []Match[K], f Fingerprint) []Match[K] {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	start := len(dst)
	d := ix.layout.Distance
	q := uint64(f)
	// Walk the chains of up to chainGroup tables in step: the next node of one chain does not depend
	// on the others, so their memory loads overlap instead of waiting for each other.
	var cur [chainGroup]uint32
	for g := 0; g < ix.nt; g += chainGroup {
		group := cur[:min(chainGroup, ix.nt-g)]
		for i := range group {
			group[i] = ix.heads[g+i][ix.bucket(g+i, q)]
		}
		for walking := true; walking; {
			walking = false
			for i, s := range group {
				if s == nilSlot {
					continue
				}
				walking = true
				t := g + i
				node := ix.node(s)
				fp := uint64(node[0]) | uint64(node[1])<<32
				x := fp ^ q
				if x&ix.tables[t].mask == 0 { // not another key that shares the bucket
					dist := bits.OnesCount64(x)
					if dist <= d && ix.holes[s/64]&(1<<(s%64)) == 0 && ix.tables[t].first(x) {
						dst = append(dst, Match[K]{ID: ix.ids[s], Fingerprint: Fingerprint(fp), Distance: dist})
					}
				}
				group[i] = node[2+t]
			}
		}
	}
	slices.SortStableFunc(dst[start:], func(a, b Match[K]) int { return a.Distance - b.Distance })
	return dst
}

// bucket returns the bucket of table t that holds fingerprint f.
func (ix *refIndex[K]) bucket(t int, f uint64) uint64 {
	tb := &ix.tables[t]
	if ix.direct[t] {
		return tb.compact(f)
	}
	return mix(f&tb.mask) >> (Bits - ix.logNB)
}

// refPageBits is the log2 of the slots in a page of nodes.
const (
	refPageBits  = 8
	refPageSlots = 1 << refPageBits
)

// node returns the node of slot s.
func (ix *refIndex[K]) node(s uint32) []uint32 {
	i := int(s&(refPageSlots-1)) * ix.stride
	return ix.pages[s>>refPageBits][i : i+ix.stride : i+ix.stride]
}

// fingerprint returns the fingerprint in slot s.
func (ix *refIndex[K]) fingerprint(s uint32) Fingerprint {
	node := ix.node(s)
	return Fingerprint(uint64(node[0]) | uint64(node[1])<<32)
}

// link puts slot s at the head of its chain in every table.
func (ix *refIndex[K]) link(s int) {
	f := uint64(ix.fingerprint(uint32(s)))
	links := ix.node(uint32(s))[2:]
	for t := range ix.tables {
		b := ix.bucket(t, f)
		links[t] = ix.heads[t][b]
		ix.heads[t][b] = uint32(s)
	}
}

// setBuckets sizes every table for hashed tables of 2^logNB buckets and empties them.
func (ix *refIndex[K]) setBuckets(logNB uint) {
	ix.logNB = logNB
	for t := range ix.tables {
		ix.direct[t] = ix.tables[t].bits <= int(logNB)
		n := 1 << logNB
		if ix.direct[t] {
			n = 1 << ix.tables[t].bits
		}
		if cap(ix.heads[t]) >= n && cap(ix.heads[t]) <= 2*n {
			ix.heads[t] = ix.heads[t][:n]
		} else {
			ix.heads[t] = make([]uint32, n)
		}
		for i := range ix.heads[t] {
			ix.heads[t][i] = nilSlot
		}
	}
}

// rebuild drops the holes, sizes the hashed tables for twice the live items (so that the next rebuild
// comes after as many inserts again, or after that many removals) and relinks every item.
func (ix *refIndex[K]) rebuild() {
	live := 0
	for s := range ix.n {
		if ix.holes[s/64]&(1<<(s%64)) != 0 {
			continue
		}
		if live != s {
			copy(ix.node(uint32(live))[:2], ix.node(uint32(s))[:2]) // the links are rebuilt below
			ix.ids[live] = ix.ids[s]
		}
		live++
	}
	ix.slots.reset(live)
	for s := range live {
		ix.slots.add(uint32(s), ix.ids)
	}
	clear(ix.ids[live:])
	ix.n = live
	pages := (live + refPageSlots - 1) / refPageSlots
	clear(ix.pages[pages:])
	ix.pages, ix.ids = refShrink(ix.pages[:pages]), refShrink(ix.ids[:live])
	ix.holes = refShrink(ix.holes[:(live+63)/64])
	clear(ix.holes)
	ix.nhole = 0

	logNB := uint(minLogNB)
	for 1<<logNB < 2*live {
		logNB++
	}
	ix.setBuckets(logNB)
	for s := range live {
		ix.link(s)
	}
}

// shrink returns s, copied into a smaller array when s uses less than a quarter of its capacity.
func refShrink[T any](s []T) []T {
	if cap(s) > 64 && len(s) < cap(s)/4 {
		return append(make([]T, 0, 2*len(s)), s...)
	}
	return s
}

// idSet maps the ids of an index to their slots: an open-addressing hash table with linear probing that
// stores only slot numbers (4 bytes each) and finds an id by comparing with ids[slot]. It costs about
// 8 bytes per item where a map[K]uint32 costs about 30. Removal shifts later entries back instead of
// leaving tombstones, so lookups never slow down after many removals.
type refIDSet[K comparable] struct {
	seed  maphash.Seed
	table []uint32 // slot numbers, nilSlot when empty; the length is a power of two
	count int
}

func newRefIDSet[K comparable]() refIDSet[K] {
	return refIDSet[K]{seed: maphash.MakeSeed(), table: refEmptyTable(8)}
}

func refEmptyTable(n int) []uint32 {
	t := make([]uint32, n)
	for i := range t {
		t[i] = nilSlot
	}
	return t
}

func (m *refIDSet[K]) home(id K) int {
	return int(maphash.Comparable(m.seed, id) & uint64(len(m.table)-1))
}

// find returns the table position of id and true, or the empty position where id would go and false.
func (m *refIDSet[K]) find(id K, ids []K) (int, bool) {
	mask := len(m.table) - 1
	for i := m.home(id); ; i = (i + 1) & mask {
		s := m.table[i]
		if s == nilSlot {
			return i, false
		}
		if ids[s] == id {
			return i, true
		}
	}
}

// get returns the slot of id.
func (m *refIDSet[K]) get(id K, ids []K) (uint32, bool) {
	i, ok := m.find(id, ids)
	if !ok {
		return 0, false
	}
	return m.table[i], true
}

// reserve makes room for one more entry, keeping the load at most 3/4. Positions that find returned
// before are invalid afterwards.
func (m *refIDSet[K]) reserve(ids []K) {
	if 4*(m.count+1) > 3*len(m.table) {
		m.resize(2*len(m.table), ids)
	}
}

// set stores slot s at the empty position i that find returned (after reserve).
func (m *refIDSet[K]) set(i int, s uint32) {
	m.table[i] = s
	m.count++
}

// add records slot s for ids[s], which must not be in m yet.
func (m *refIDSet[K]) add(s uint32, ids []K) {
	m.reserve(ids)
	i, _ := m.find(ids[s], ids)
	m.set(i, s)
}

// remove removes the entry at table position i (as find returned it).
func (m *refIDSet[K]) remove(i int, ids []K) {
	mask := len(m.table) - 1
	// Move back every later entry of the probe run whose home position does not lie cyclically
	// after the hole, so that a search for it still reaches it.
	for j := (i + 1) & mask; m.table[j] != nilSlot; j = (j + 1) & mask {
		h := m.home(ids[m.table[j]])
		if (j-h)&mask >= (j-i)&mask {
			m.table[i] = m.table[j]
			i = j
		}
	}
	m.table[i] = nilSlot
	m.count--
}

// reset empties m and sizes it for n items.
func (m *refIDSet[K]) reset(n int) {
	size := 8
	for size < 2*n {
		size *= 2
	}
	if len(m.table) == size {
		for i := range m.table {
			m.table[i] = nilSlot
		}
	} else {
		m.table = refEmptyTable(size)
	}
	m.count = 0
}

// resize moves every entry into a table of n positions.
func (m *refIDSet[K]) resize(n int, ids []K) {
	old := m.table
	m.table = refEmptyTable(n)
	for _, s := range old {
		if s != nilSlot {
			i, _ := m.find(ids[s], ids)
			m.table[i] = s
		}
	}
}
