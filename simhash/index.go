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

	// moveStep is how many slots of the old storage each insert and removal moves while a rebuild is
	// under way. A rebuild starts with at most 2·live+64 slots and the next one needs live/2 removals
	// or live inserts, each of which adds a slot: 8 per operation finishes well before.
	moveStep = 8
	// syncSlots is the most slots a rebuild moves at once, in the operation that starts it, instead
	// of spreading them over the next operations.
	syncSlots = 1024
	// maxSplit is the most buckets of the old storage that make up one bucket of the new while a
	// rebuild that shrinks the tables is under way (four at most, when it is not moved at once; see
	// rebuild).
	maxSplit = 4
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
// Removed items leave a hole that later queries skip. When the tables fill up, or holes outnumber live
// items, the index rebuilds: it sizes the tables for twice the live items and moves the live items, in
// order, into new storage without the holes. The move is spread over the inserts and removals that follow
// (8 slots each) and queries meanwhile read both storages, answering exactly as the rebuilt index will;
// each page of the old storage, once moved, becomes a page of the new, and only the bucket heads exist
// twice until the move is done. Bucket heads and the table that maps ids to slots grow in pieces, and the
// nodes and ids live in pages that are added, never copied: no insert or removal pays for the size of the
// index, and each costs a constant amortised time. The one exception is a rebuild after the index lost more
// than half its items that turns a table indexed by its key into a hashed one (at distance 3, when it falls
// to 16,384 items or fewer): that one moves every item at once, at most 2^(b-1)+64 for b-bit keys.
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
	stride int // words per node: 2 + nt

	// cur holds every item. While a rebuild is under way (moving), its slots below moved have been moved
	// to next, or dropped; new items still go to cur, and are moved after the others.
	cur, next store[K]
	moving    bool
	moved     int        // slots of cur moved to next: cur's slots [0, moved)
	spare     []*page[K] // pages of cur moved and emptied, for next to take

	// The counters of the index as rebuilt: slots in use and holes since the last rebuild (next's, once
	// the move is done), which decide when the next rebuild comes.
	n, nhole int

	slots idSet[K] // id -> slot of the live items: a slot of next below moved, of cur from moved on
	idOf  idOf[K]  // ix.id, made once
}

// store is one storage of an index's items: their nodes and ids in pages, and the bucket heads of each
// table.
type store[K comparable] struct {
	// Buckets. A table whose key has at most logNB bits is indexed directly by its compacted key
	// (2^bits heads); the others hash the key into 2^logNB heads.
	logNB  uint
	direct []bool  // per table: indexed by the key itself
	heads  []heads // per table: the first slot of each bucket's chain

	pages []*page[K] // by slot >> pageBits; nil once moved
	n     int        // slots in use, holes included
}

// pageBits is the log2 of the slots in a page.
const (
	pageBits  = 8
	pageSlots = 1 << pageBits
)

// page holds pageSlots slots. A node holds stride = 2+nt words per slot s: the low and high halves of its
// fingerprint, then at 2+t the slot after s in the chain of table t. A step along a chain reads a
// fingerprint and a link that sit side by side, usually in one cache line.
type page[K comparable] struct {
	nodes []uint32
	ids   [pageSlots]K // the zero K in a hole
	// holes marks the items removed since the last rebuild, which stay in the chains until the next;
	// gone marks, while a rebuild is under way, those of cur removed before it, which it drops.
	holes, gone [pageSlots / 64]uint64
}

// heads holds the bucket heads of one table in chunks of at most headChunk, each made when a slot is
// first linked into it: a missing chunk is a run of empty buckets. Sizing the tables for a million items
// thus allocates and fills nothing at once.
type heads struct {
	chunks [][]uint32
}

const (
	headChunkBits = 12
	headChunk     = 1 << headChunkBits
)

func newHeads(n int) heads {
	return heads{chunks: make([][]uint32, (n+headChunk-1)/headChunk)}
}

// get returns the head of bucket b.
func (h *heads) get(b uint64) uint32 {
	c := h.chunks[b>>headChunkBits]
	if c == nil {
		return nilSlot
	}
	return c[b&(headChunk-1)]
}

// swap makes s the head of bucket b and returns the previous head, with n the number of buckets.
func (h *heads) swap(b uint64, s uint32, n int) uint32 {
	c := h.chunks[b>>headChunkBits]
	if c == nil {
		c = make([]uint32, min(n, headChunk))
		for i := range c {
			c[i] = nilSlot
		}
		h.chunks[b>>headChunkBits] = c
	}
	i := b & (headChunk - 1)
	old := c[i]
	c[i] = s
	return old
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
	ix.cur = ix.newStore(minLogNB)
	ix.idOf = ix.id
	return ix, nil
}

// newStore returns an empty storage whose hashed tables have 2^logNB buckets.
func (ix *Index[K]) newStore(logNB uint) store[K] {
	st := store[K]{logNB: logNB, direct: make([]bool, ix.nt), heads: make([]heads, ix.nt)}
	for t := range ix.tables {
		st.direct[t] = ix.tables[t].bits <= int(logNB)
		st.heads[t] = newHeads(st.buckets(ix.tables, t))
	}
	return st
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

// locate returns the storage and slot of an id-table entry.
func (ix *Index[K]) locate(s uint32) (*store[K], uint32) {
	if ix.moving && int(s) < ix.moved {
		return &ix.next, s
	}
	return &ix.cur, s
}

// id returns the id of the item in an id-table entry.
func (ix *Index[K]) id(s uint32) K {
	st, s := ix.locate(s)
	return st.pages[s>>pageBits].ids[s&(pageSlots-1)]
}

// Get returns the fingerprint stored under id, and whether ix holds id.
func (ix *Index[K]) Get(id K) (Fingerprint, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s, ok := ix.slots.get(id, ix.idOf)
	if !ok {
		return 0, false
	}
	st, s := ix.locate(s)
	return st.fingerprint(ix.stride, s), true
}

// Insert adds fingerprint f under id. If ix already holds id, Insert returns an error wrapping
// [ErrDuplicate] and changes nothing (remove it first to replace its fingerprint). An index holds at most
// 2^32-1 items; beyond that Insert returns an error wrapping [ErrFull].
func (ix *Index[K]) Insert(id K, f Fingerprint) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.n >= 1<<ix.logNB() {
		ix.rebuild() // grows the hashed tables, and drops holes
	}
	if ix.n >= maxSlots {
		return fmt.Errorf("simhash: insert %v: %d items: %w", id, ix.n, ErrFull)
	}
	ix.slots.reserve(id, ix.idOf)
	pos, dup := ix.slots.find(id, ix.idOf)
	if dup {
		return fmt.Errorf("simhash: insert %v: %w", id, ErrDuplicate)
	}
	if ix.moving && ix.cur.n >= maxSlots {
		ix.move(ix.cur.n) // cur is out of slots: finish the move, leaving the fewer slots of next
	}
	s := ix.cur.add(ix.stride, uint64(f), id, nil)
	ix.link(&ix.cur, s)
	ix.slots.set(pos, s)
	ix.n++
	if ix.moving {
		ix.move(moveStep)
	}
	return nil
}

// Remove removes the item stored under id and reports whether ix held it.
func (ix *Index[K]) Remove(id K) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	pos, ok := ix.slots.find(id, ix.idOf)
	if !ok {
		return false
	}
	st, s := ix.locate(ix.slots.at(pos))
	ix.slots.remove(pos, ix.idOf)
	p := st.pages[s>>pageBits]
	var zero K
	p.ids[s&(pageSlots-1)] = zero // let the id be collected
	p.holes[s&(pageSlots-1)/64] |= 1 << (s % 64)
	ix.nhole++
	if ix.nhole > ix.slots.count && ix.nhole >= 64 {
		ix.rebuild()
	} else if ix.moving {
		ix.move(moveStep)
	}
	return true
}

// logNB returns the log2 of the buckets of the hashed tables of the index as rebuilt.
func (ix *Index[K]) logNB() uint {
	if ix.moving {
		return ix.next.logNB
	}
	return ix.cur.logNB
}

// Query appends to dst every item of ix within the index's distance of f, nearest first (items at equal
// distance in no particular order), and returns the extended slice. Passing a reused dst[:0] avoids
// allocation.
func (ix *Index[K]) Query(dst []Match[K], f Fingerprint) []Match[K] {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	start := len(dst)
	if ix.moving {
		dst = ix.queryMoving(dst, f)
	} else {
		dst = ix.query(dst, f)
	}
	slices.SortStableFunc(dst[start:], func(a, b Match[K]) int { return a.Distance - b.Distance })
	return dst
}

// query appends the items within distance of f, unsorted, when no rebuild is under way.
func (ix *Index[K]) query(dst []Match[K], f Fingerprint) []Match[K] {
	st := &ix.cur
	d := ix.layout.Distance
	q := uint64(f)
	// Walk the chains of up to chainGroup tables in step: the next node of one chain does not depend
	// on the others, so their memory loads overlap instead of waiting for each other.
	var cur [chainGroup]uint32
	for g := 0; g < ix.nt; g += chainGroup {
		group := cur[:min(chainGroup, ix.nt-g)]
		for i := range group {
			group[i] = st.heads[g+i].get(st.bucket(ix.tables, g+i, q))
		}
		for walking := true; walking; {
			walking = false
			for i, s := range group {
				if s == nilSlot {
					continue
				}
				walking = true
				t := g + i
				p := st.pages[s>>pageBits]
				node := p.nodes[int(s&(pageSlots-1))*ix.stride:]
				fp := uint64(node[0]) | uint64(node[1])<<32
				x := fp ^ q
				if x&ix.tables[t].mask == 0 { // not another key that shares the bucket
					dist := bits.OnesCount64(x)
					if dist <= d && p.holes[s&(pageSlots-1)/64]&(1<<(s%64)) == 0 && ix.tables[t].first(x) {
						dst = append(dst, Match[K]{ID: p.ids[s&(pageSlots-1)], Fingerprint: Fingerprint(fp), Distance: dist})
					}
				}
				group[i] = node[2+t]
			}
		}
	}
	return dst
}

// walker walks, while a rebuild is under way, the chain that one table of the rebuilt index will have for
// a query's bucket: first the items of cur not yet moved (which are newer than all moved ones) that the
// rebuilt bucket takes, from the chains of cur that hold them, newest first; then the chain of next.
type walker struct {
	old  [maxSplit]uint32 // chains of cur, at their next slot not yet moved (or nilSlot)
	nold int
	new  uint32 // the chain of next, once the old ones are done
	// filter is set when cur's chain also holds items of other buckets of the rebuilt table, which
	// are then told apart by their bucket, vb.
	filter bool
	vb     uint64
}

// queryMoving appends the items within distance of f, unsorted, while a rebuild is under way: in the
// order query would append them from the rebuilt index, which walks a chain of next just as it walks
// one of cur after the rebuild.
func (ix *Index[K]) queryMoving(dst []Match[K], f Fingerprint) []Match[K] {
	d := ix.layout.Distance
	q := uint64(f)
	var walkers [chainGroup]walker
	for g := 0; g < ix.nt; g += chainGroup {
		group := walkers[:min(chainGroup, ix.nt-g)]
		for i := range group {
			ix.startWalk(&group[i], g+i, q)
		}
		for walking := true; walking; {
			walking = false
			for i := range group {
				t := g + i
				st, s := ix.step(&group[i], t)
				if s == nilSlot {
					continue
				}
				walking = true
				p := st.pages[s>>pageBits]
				node := p.nodes[int(s&(pageSlots-1))*ix.stride:]
				fp := uint64(node[0]) | uint64(node[1])<<32
				x := fp ^ q
				if x&ix.tables[t].mask == 0 {
					dist := bits.OnesCount64(x)
					if dist <= d && p.holes[s&(pageSlots-1)/64]&(1<<(s%64)) == 0 && ix.tables[t].first(x) {
						dst = append(dst, Match[K]{ID: p.ids[s&(pageSlots-1)], Fingerprint: Fingerprint(fp), Distance: dist})
					}
				}
			}
		}
	}
	return dst
}

// startWalk sets w to walk table t's rebuilt chain for fingerprint q.
func (ix *Index[K]) startWalk(w *walker, t int, q uint64) {
	cur, next := &ix.cur, &ix.next
	w.vb = next.bucket(ix.tables, t, q)
	w.new = next.heads[t].get(w.vb)
	w.nold = 1
	w.filter = false
	switch {
	case cur.direct[t] == next.direct[t] && (cur.direct[t] || cur.logNB == next.logNB):
		w.old[0] = cur.heads[t].get(w.vb) // the same buckets
	case !cur.direct[t] && !next.direct[t] && cur.logNB > next.logNB:
		// A bucket of next spans several of cur, 2^(cur.logNB-next.logNB) of them, at most maxSplit
		// (followable).
		k := uint64(1) << (cur.logNB - next.logNB)
		w.nold = int(k)
		for j := range k {
			w.old[j] = cur.heads[t].get(w.vb<<(cur.logNB-next.logNB) | j)
		}
	default:
		// A bucket of cur spans buckets of next: cur is hashed, and next has more buckets or is
		// direct. (A table direct in cur and hashed in next is not followable.)
		w.old[0] = cur.heads[t].get(cur.bucket(ix.tables, t, q))
		w.filter = true
	}
	for j := range w.nold {
		if int(w.old[j]) < ix.moved {
			w.old[j] = nilSlot // only slots not yet moved; nilSlot is above every slot
		}
	}
}

// step returns the next node of w's chain, in table t, and its storage, or nilSlot at the end.
func (ix *Index[K]) step(w *walker, t int) (*store[K], uint32) {
	cur := &ix.cur
	for {
		// The newest of the old chains' heads; they are in decreasing slot order.
		j, s := -1, uint32(0)
		for i := range w.nold {
			if o := w.old[i]; o != nilSlot && (j < 0 || o > s) {
				j, s = i, o
			}
		}
		if j < 0 {
			break
		}
		p := cur.pages[s>>pageBits]
		node := p.nodes[int(s&(pageSlots-1))*ix.stride:]
		next := node[2+t]
		if next != nilSlot && int(next) < ix.moved {
			next = nilSlot
		}
		w.old[j] = next
		if p.gone[s&(pageSlots-1)/64]&(1<<(s%64)) != 0 {
			continue // dropped by the rebuild
		}
		if w.filter && ix.next.bucket(ix.tables, t, uint64(node[0])|uint64(node[1])<<32) != w.vb {
			continue // in another bucket of the rebuilt table
		}
		return cur, s
	}
	s := w.new
	if s != nilSlot {
		w.new = ix.next.node(ix.stride, s)[2+t]
	}
	return &ix.next, s
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

// buckets returns the number of buckets of table t in st.
func (st *store[K]) buckets(tables []table, t int) int {
	if st.direct[t] {
		return 1 << tables[t].bits
	}
	return 1 << st.logNB
}

// bucket returns the bucket of table t that holds fingerprint f.
func (st *store[K]) bucket(tables []table, t int, f uint64) uint64 {
	tb := &tables[t]
	if st.direct[t] {
		return tb.compact(f)
	}
	return mix(f&tb.mask) >> (Bits - st.logNB)
}

// node returns the node of slot s.
func (st *store[K]) node(stride int, s uint32) []uint32 {
	i := int(s&(pageSlots-1)) * stride
	return st.pages[s>>pageBits].nodes[i : i+stride : i+stride]
}

// fingerprint returns the fingerprint in slot s.
func (st *store[K]) fingerprint(stride int, s uint32) Fingerprint {
	node := st.node(stride, s)
	return Fingerprint(uint64(node[0]) | uint64(node[1])<<32)
}

// add puts fingerprint f and id in a new slot, not linked yet, and returns the slot. A new page comes from
// spare when it has one.
func (st *store[K]) add(stride int, f uint64, id K, spare *[]*page[K]) uint32 {
	s := uint32(st.n)
	st.n++
	if int(s>>pageBits) == len(st.pages) {
		if spare != nil && len(*spare) > 0 {
			p := (*spare)[len(*spare)-1]
			*spare = (*spare)[:len(*spare)-1]
			st.pages = append(st.pages, p)
		} else {
			st.pages = append(st.pages, &page[K]{nodes: make([]uint32, pageSlots*stride)})
		}
	}
	p := st.pages[s>>pageBits]
	node := p.nodes[int(s&(pageSlots-1))*stride:]
	node[0], node[1] = uint32(f), uint32(f>>32)
	p.ids[s&(pageSlots-1)] = id
	return s
}

// link puts slot s of st at the head of its chain in every table.
func (ix *Index[K]) link(st *store[K], s uint32) {
	f := uint64(st.fingerprint(ix.stride, s))
	links := st.node(ix.stride, s)[2:]
	for t := range ix.tables {
		links[t] = st.heads[t].swap(st.bucket(ix.tables, t, f), s, st.buckets(ix.tables, t))
	}
}

// rebuild starts a rebuild: the index as rebuilt has its hashed tables sized for twice the live items (so
// that the next rebuild comes after as many inserts again, or after that many removals), and every item
// that is not a hole yet, relinked in order. Queries answer from then on as the rebuilt index does; the
// items are moved to it along the next inserts and removals (move), or at once when they are few or the
// tables shrink in a way that queries could not follow.
func (ix *Index[K]) rebuild() {
	if ix.moving {
		ix.move(ix.cur.n) // not expected: the move is faster than the operations that start a rebuild
	}
	live := ix.slots.count
	logNB := uint(minLogNB)
	for 1<<logNB < 2*live {
		logNB++
	}
	for _, p := range ix.cur.pages {
		p.gone, p.holes = p.holes, [pageSlots / 64]uint64{}
	}
	ix.next = ix.newStore(logNB)
	ix.moving, ix.moved = true, 0
	ix.n, ix.nhole = live, 0
	at := moveStep
	if ix.cur.n <= syncSlots || !ix.followable() {
		at = ix.cur.n
	}
	ix.move(at)
}

// followable reports whether queries can read the tables of next from those of cur until the move is
// done: unless a table indexed by its key in cur is hashed in next (a bucket of next would then gather keys
// from anywhere in cur), or a bucket of next spans more than maxSplit of cur. A rebuild shrinks the
// tables only after the index lost more than half its items since the last rebuild, and with more than
// syncSlots slots the second never happens: the last rebuild gave cur fewer than four buckets for each
// item it then held, and cur has held them all since, in at most 2·live+64 slots, so cur has fewer than
// 8·live+256 buckets, while next has at least 2·live, and with live at least 480 (cur holding over
// syncSlots slots) that is fewer than 4.3 of cur's to each of next's.
func (ix *Index[K]) followable() bool {
	for t := range ix.tables {
		if ix.cur.direct[t] && !ix.next.direct[t] {
			return false
		}
		if !ix.cur.direct[t] && !ix.next.direct[t] && ix.cur.logNB > ix.next.logNB &&
			1<<(ix.cur.logNB-ix.next.logNB) > maxSplit {
			return false
		}
	}
	return true
}

// move moves up to n more slots of cur to next, in order, dropping those removed before the rebuild,
// and ends the rebuild when all are moved: next becomes cur.
func (ix *Index[K]) move(n int) {
	cur, next := &ix.cur, &ix.next
	for ; n > 0 && ix.moved < cur.n; n-- {
		s := uint32(ix.moved)
		p := cur.pages[s>>pageBits]
		i, bit := s&(pageSlots-1), uint64(1)<<(s%64)
		if p.gone[i/64]&bit == 0 {
			node := p.nodes[int(i)*ix.stride:]
			hole := p.holes[i/64]&bit != 0
			id := p.ids[i]
			var pos idPos
			if !hole {
				pos, _ = ix.slots.find(id, ix.idOf) // before moved changes how its entry reads
			}
			to := next.add(ix.stride, uint64(node[0])|uint64(node[1])<<32, id, &ix.spare)
			ix.link(next, to)
			if hole {
				next.pages[to>>pageBits].holes[to&(pageSlots-1)/64] |= 1 << (to % 64)
			} else {
				ix.slots.replace(pos, to)
			}
		}
		ix.moved++
		if ix.moved&(pageSlots-1) == 0 || ix.moved == cur.n {
			// Moved: next takes the page for its own, as it needs new ones at the same pace, so
			// that the move writes to memory already in use instead of new memory.
			p.ids = [pageSlots]K{}
			p.holes, p.gone = [pageSlots / 64]uint64{}, [pageSlots / 64]uint64{}
			ix.spare = append(ix.spare, p)
			cur.pages[s>>pageBits] = nil
		}
	}
	if ix.moved == cur.n {
		ix.cur, ix.next = ix.next, store[K]{}
		ix.moving, ix.moved = false, 0
		clear(ix.spare) // at most one left
		ix.spare = ix.spare[:0]
	}
}
