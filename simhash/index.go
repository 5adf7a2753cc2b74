package simhash

import (
	"fmt"
	"iter"
	"math/bits"
	"slices"
	"sync"
)

// Match is one item an [Index] query found: its id, its fingerprint and its distance from the query.
type Match[K comparable] struct {
	ID          K
	Fingerprint Fingerprint
	Distance    int
}

const (
	// nilSlot marks the end of a chain and an empty bucket or id-table position. Slots are numbered
	// below it, so an index holds at most maxSlots items.
	nilSlot  = ^uint32(0)
	maxSlots = int(nilSlot)

	// minLogNB sets the smallest bucket count of a hashed table: 2^3.
	minLogNB = 3

	// chainGroup is how many tables a query walks at once.
	chainGroup = 8
)

// Index finds every stored fingerprint within a fixed Hamming distance of a query, using the permuted
// tables of Manku, Jain and Das Sarma (2007) laid out as [Layout] describes. Items can be inserted and removed
// at any time, between and during queries; there is no build step.
//
// Each table maps a key to a chain of item slots linked by 32-bit indices. An item costs 8 bytes for its
// fingerprint, 4 bytes per table for its chain links, its id (the size of K) and about 8 bytes in the table
// that maps ids to slots. Each table also has its bucket heads: 4 bytes for each of the 2^b possible keys when
// its keys have b bits and b is at most about log2(2·items), otherwise 4 to 8 bytes per item. With uint64
// ids and a million random fingerprints this comes to about 38 bytes per item at distance 3 (4 tables) and
// 140 at distance 6 (28 tables).
//
// Removed items leave a hole that later queries skip; when holes outnumber live items the index compacts
// itself. An insert that finds the tables full, and a removal that triggers compaction, relink every item:
// that operation takes time in proportion to the items times the tables (about 0.1 s for a million
// items at distance 3 and 0.3 s at distance 6, measured), though inserts and removals cost a constant
// amortised time. No other insert pays for the size of the index: the nodes live in pages that are
// added, never copied.
//
// Ids are compared with ==, as map keys are: a NaN float id is never found again, and an interface id
// holding a value that cannot be compared makes Insert panic.
//
// An Index is safe for concurrent use by multiple goroutines: queries run in parallel with each other, and
// inserts and removals hold an exclusive lock. The zero Index is not usable; create one with [NewIndex] or
// [NewIndexLayout].
type Index[K comparable] struct {
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
	// that sit side by side, usually in one cache line. The nodes are kept in pages of pageSlots slots,
	// added as the index grows and never copied, so that no insert pays for copying every node.
	pages  [][]uint32
	stride int
	n      int // slots in use, holes included

	ids   []K      // per slot; the zero K in a hole
	holes []uint64 // bitmap of removed slots
	nhole int
	slots idSet[K] // id -> slot of the live items
}

// NewIndex returns an empty index that answers queries within Hamming distance d (0 to 63), with the table
// layout the default rule of [Layout] chooses for d. It is NewIndexLayout(Layout{Distance: d}).
func NewIndex[K comparable](d int) (*Index[K], error) {
	return NewIndexLayout[K](Layout{Distance: d})
}

// NewIndexLayout returns an empty index with layout l. An invalid layout returns an error wrapping
// [ErrLayout].
func NewIndexLayout[K comparable](l Layout) (*Index[K], error) {
	l, err := l.resolve()
	if err != nil {
		return nil, err
	}
	ix := &Index[K]{layout: l, tables: l.tables(), slots: newIDSet[K]()}
	ix.nt = len(ix.tables)
	ix.stride = 2 + ix.nt
	ix.direct = make([]bool, ix.nt)
	ix.heads = make([][]uint32, ix.nt)
	ix.setBuckets(minLogNB)
	return ix, nil
}

// Layout returns the layout of ix, with Blocks filled in.
func (ix *Index[K]) Layout() Layout {
	return ix.layout // immutable after construction
}

// Len returns the number of items in ix.
func (ix *Index[K]) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.slots.count
}

// Get returns the fingerprint stored under id, and whether ix holds id.
func (ix *Index[K]) Get(id K) (Fingerprint, bool) {
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
func (ix *Index[K]) Insert(id K, f Fingerprint) error {
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
	if s>>pageBits == len(ix.pages) {
		ix.pages = append(ix.pages, make([]uint32, pageSlots*ix.stride))
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
func (ix *Index[K]) Remove(id K) bool {
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
func (ix *Index[K]) Query(dst []Match[K], f Fingerprint) []Match[K] {
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

// QuerySeq returns an iterator over the items [Index.Query] would return for f, in the same order. The
// query runs when iteration starts, and the iterator yields that snapshot without holding a lock, so the loop
// body may insert into or remove from ix.
func (ix *Index[K]) QuerySeq(f Fingerprint) iter.Seq[Match[K]] {
	return func(yield func(Match[K]) bool) {
		for _, m := range ix.Query(nil, f) {
			if !yield(m) {
				return
			}
		}
	}
}

// first reports whether t is the first table to find an item at difference x from the query: whether x
// is non-zero in every gap block of t. The caller has checked that x is zero on t's key.
func (t *table) first(x uint64) bool {
	for _, g := range t.gaps {
		if x&g == 0 {
			return false
		}
	}
	return true
}

// bucket returns the bucket of table t that holds fingerprint f.
func (ix *Index[K]) bucket(t int, f uint64) uint64 {
	tb := &ix.tables[t]
	if ix.direct[t] {
		return tb.compact(f)
	}
	return mix(f&tb.mask) >> (Bits - ix.logNB)
}

// pageBits is the log2 of the slots in a page of nodes.
const (
	pageBits  = 8
	pageSlots = 1 << pageBits
)

// node returns the node of slot s.
func (ix *Index[K]) node(s uint32) []uint32 {
	i := int(s&(pageSlots-1)) * ix.stride
	return ix.pages[s>>pageBits][i : i+ix.stride : i+ix.stride]
}

// fingerprint returns the fingerprint in slot s.
func (ix *Index[K]) fingerprint(s uint32) Fingerprint {
	node := ix.node(s)
	return Fingerprint(uint64(node[0]) | uint64(node[1])<<32)
}

// link puts slot s at the head of its chain in every table.
func (ix *Index[K]) link(s int) {
	f := uint64(ix.fingerprint(uint32(s)))
	links := ix.node(uint32(s))[2:]
	for t := range ix.tables {
		b := ix.bucket(t, f)
		links[t] = ix.heads[t][b]
		ix.heads[t][b] = uint32(s)
	}
}

// setBuckets sizes every table for hashed tables of 2^logNB buckets and empties them.
func (ix *Index[K]) setBuckets(logNB uint) {
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
func (ix *Index[K]) rebuild() {
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
	pages := (live + pageSlots - 1) / pageSlots
	clear(ix.pages[pages:])
	ix.pages, ix.ids = shrink(ix.pages[:pages]), shrink(ix.ids[:live])
	ix.holes = shrink(ix.holes[:(live+63)/64])
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
func shrink[T any](s []T) []T {
	if cap(s) > 64 && len(s) < cap(s)/4 {
		return append(make([]T, 0, 2*len(s)), s...)
	}
	return s
}
