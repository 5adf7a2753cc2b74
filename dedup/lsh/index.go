package lsh

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/newsdup/newsdup/dedup/internal/openaddr"
	"github.com/newsdup/newsdup/dedup/minhash"
)

// Errors returned by Index methods, wrapped with details.
var (
	// ErrDuplicate reports an Insert of an id that is already in the index.
	ErrDuplicate = errors.New("lsh: duplicate id")
	// ErrSignature reports a signature that does not fit the index: its
	// length is not the index's K, or its scheme or seed differ from those
	// of the first signature inserted.
	ErrSignature = errors.New("lsh: signature does not fit the index")
)

// noSlot ends a chain, and is the entry of a node that is in no entry's
// ring (an empty signature's).
const noSlot = math.MaxUint32

// Each band's table is split into shards by the top shardBits bits of the
// band hash, each an open-addressing table of its own, so that a table
// growing rehashes a 64th of the band's entries, and entries (band hashes,
// chain links and an item) and nodes (items of entries holding several)
// are kept in pages of pageSlots, so that the index growing allocates one
// page and copies nothing: no single insertion pays for the index's size.
const (
	shardBits = 6
	shards    = 1 << shardBits
	pageBits  = 8
	pageSlots = 1 << pageBits
)

// maxLoadNum/maxLoadDen is the load factor at which a band table grows by
// half: loads stay between 0.53 and 0.8.
const (
	maxLoadNum = 4
	maxLoadDen = 5
)

// An id is mapped to its entry, or to its node with nodeBit set; entries
// and nodes are numbered below maxRefs.
const (
	nodeBit = 1 << 31
	maxRefs = nodeBit - 1
)

// twinSearch is the number of entries of the chain of its first band that
// an insertion compares with its band hashes to find an entry holding
// them already (findTwin): an insertion into a long chain stays cheap, and
// misses a twin only when twinSearch or more other entries stand before
// the twin's in that chain (entries inserted, or given a twin, after it
// was).
const twinSearch = 32

// Index finds, for a signature, the stored signatures that share at least
// one band with it: the candidates for near-duplicates. It is keyed by ids
// of any comparable type.
//
// Every operation costs O(Bands) hash-table steps plus the length of the
// chains it walks (the entries sharing a band value, usually none or a
// few, and the items of an entry, usually one); nothing is ever re-sorted
// or rebuilt except one of the 64 shards of a band's table growing by
// half, which is amortised and rehashes a 64th of the band's entries, so
// that no single operation pays for the size of the index (the storage of
// entries and items grows a page at a time). An Index must be created with
// NewIndex and is safe for concurrent use: queries run in parallel, inserts
// and removals one at a time.
//
// Items with the same band hashes (exact copies: the same signature) share
// one entry, which is linked into the band tables once; Twin reports them.
//
// Memory: per entry and band, a 32-bit band hash, a 32-bit chain link and
// about 7.6 bytes of hash table (a tag byte and a 32-bit head per slot at a
// load of 0.53 to 0.8); per entry, its item when it has one (the id and a
// 64-bit insertion number: 16 bytes for ids of up to 8 bytes); per item of
// an entry with several, and per empty signature, a node instead (the id,
// the insertion number and two 32-bit links: 24 bytes); per item, the id's
// entry in a Go map. The package documentation gives measured figures.
type Index[K comparable] struct {
	params Params
	bounds []int // band j covers values[bounds[j]:bounds[j+1]]
	pool   sync.Pool

	mu        sync.RWMutex
	bound     bool // scheme and seed are fixed by the first insert
	scheme    minhash.Scheme
	seed      uint64
	ids       map[K]uint32 // id -> entry, or node | nodeBit
	pages     []page[K]    // entries, by entry >> pageBits
	entries   int          // entries in use or free: the pages hold [0, entries)
	free      []uint32     // free entries
	nodes     [][]node[K]  // nodes, by node >> pageBits
	nodeCount int          // nodes in use or free
	freeNodes []uint32     // free nodes
	tables    []table      // by band << shardBits | shard
	seq       uint64       // insertions so far
}

// page holds pageSlots entries, at e % pageSlots, and their band hashes
// and chain links, at (e % pageSlots)*Bands + band.
type page[K comparable] struct {
	entries   []entry[K]
	fps, next []uint32
}

// entry is the items stored under one vector of band hashes: one, inline,
// or several, in a ring of nodes in insertion order.
type entry[K comparable] struct {
	id K // of the item, when the entry has one
	// word is the insertion number of the item shifted left by one with
	// the low bit set, when the entry has one item; (tail+1)<<1 when it
	// has several, where tail is the node of the latest inserted, whose
	// link is the earliest; 0 when the entry is free.
	word uint64
}

// oneItem reports whether e holds one item, inline.
func (e *entry[K]) oneItem() bool { return e.word&1 != 0 }

// tail returns the node of the latest item of e, which holds several.
func (e *entry[K]) tail() uint32 { return uint32(e.word>>1) - 1 }

// node is an item of an entry holding several, or of an empty signature.
type node[K comparable] struct {
	order uint64 // insertion number; 0 for a free node
	id    K
	entry uint32 // the entry whose ring the node is in, or noSlot
	next  uint32 // the next node of the ring, in insertion order
}

// entry returns entry e.
func (x *Index[K]) entry(e uint32) *entry[K] {
	return &x.pages[e>>pageBits].entries[e&(pageSlots-1)]
}

// fp returns the band hash of entry e in band j.
func (x *Index[K]) fp(e uint32, j int) uint32 {
	return x.pages[e>>pageBits].fps[int(e&(pageSlots-1))*x.params.Bands+j]
}

// next returns the chain link of entry e in band j.
func (x *Index[K]) next(e uint32, j int) *uint32 {
	return &x.pages[e>>pageBits].next[int(e&(pageSlots-1))*x.params.Bands+j]
}

// node returns node n.
func (x *Index[K]) node(n uint32) *node[K] {
	return &x.nodes[n>>pageBits][n&(pageSlots-1)]
}

// table returns the shard of band j's table that holds band hash fp.
func (x *Index[K]) table(j int, fp uint32) *table {
	return &x.tables[j<<shardBits|int(fp>>(32-shardBits))]
}

// table maps a band hash to the first entry of the chain of entries with
// that band hash, by open addressing with linear probing; it is one shard
// of a band's table. The hash itself is not stored: it is read from the
// page of the chain's head, and a tag of 7 of its bits avoids that
// indirection for most slots that do not match.
type table struct {
	tags  []uint8  // 0 for an empty slot, else tagOf(hash)
	heads []uint32 // first entry of the chain
	used  int
}

// scratch is per-call working storage, pooled so that queries do not
// allocate.
type scratch[K comparable] struct {
	fps   []uint32
	cands []candidate[K]
	seen  slotSet
}

// slotSet is a set of entries (their numbers), an open-addressing table
// reused from query to query: an entry is in it when its stamp is the
// current one, so that emptying it costs nothing.
type slotSet struct {
	slots  []uint32
	stamps []uint32
	stamp  uint32
	n      int
}

// reset empties the set.
func (s *slotSet) reset() {
	s.n = 0
	if s.stamp++; s.stamp == 0 {
		clear(s.stamps)
		s.stamp = 1
	}
}

// add adds slot to the set and reports whether it was not in it already.
func (s *slotSet) add(slot uint32) bool {
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
	}
	mask := uint32(len(s.slots) - 1)
	for i := (slot * 0x9E3779B1) & mask; ; i = (i + 1) & mask {
		if s.stamps[i] != s.stamp {
			s.slots[i], s.stamps[i] = slot, s.stamp
			s.n++
			return true
		}
		if s.slots[i] == slot {
			return false
		}
	}
}

// grow doubles the table, keeping the slots in the set.
func (s *slotSet) grow() {
	old, oldStamps, stamp := s.slots, s.stamps, s.stamp
	size := max(64, 2*len(old))
	s.slots, s.stamps, s.stamp, s.n = make([]uint32, size), make([]uint32, size), 1, 0
	for i, slot := range old {
		if oldStamps[i] == stamp {
			s.add(slot)
		}
	}
}

type candidate[K comparable] struct {
	order uint64
	id    K
}

// NewIndex returns an empty Index for signatures banded as p describes.
// It returns an error wrapping ErrInvalidParams if p is inconsistent (use
// Optimal or Banding to make Params).
func NewIndex[K comparable](p Params) (*Index[K], error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	x := &Index[K]{
		params: p,
		bounds: make([]int, p.Bands+1),
		ids:    make(map[K]uint32),
		tables: make([]table, p.Bands<<shardBits),
	}
	for j := range p.Bands {
		x.bounds[j+1] = x.bounds[j] + p.BandRows(j)
	}
	x.pool.New = func() any { return &scratch[K]{fps: make([]uint32, p.Bands)} }
	return x, nil
}

// Params returns the banding of the index.
func (x *Index[K]) Params() Params { return x.params }

// Len returns the number of items in the index.
func (x *Index[K]) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.ids)
}

// Insert adds sig under id. It returns an error wrapping ErrDuplicate if
// id is already present and one wrapping ErrSignature if sig does not fit
// the index; the index is unchanged on error. The signature of an empty
// set is stored, so that Len counts it and Remove removes it, but it is
// never a candidate: an empty set is similar to nothing (as in
// minhash.Signature.Jaccard).
func (x *Index[K]) Insert(id K, sig minhash.Signature) error {
	s, err := x.prepare(sig)
	if err != nil {
		return err
	}
	defer x.pool.Put(s)
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.insertLocked(id, sig, s.fps)
}

// Query appends to dst the ids of the stored items that share at least one
// band with sig, each once, in insertion order, and returns the extended
// slice. An id stored with sig itself is among them. It returns dst and an
// error wrapping ErrSignature if sig does not fit the index. The
// signature of an empty set has no candidates.
func (x *Index[K]) Query(dst []K, sig minhash.Signature) ([]K, error) {
	s, err := x.prepare(sig)
	if err != nil {
		return dst, err
	}
	defer x.pool.Put(s)
	x.mu.RLock()
	if err := x.checkBound(sig); err != nil {
		x.mu.RUnlock()
		return dst, err
	}
	s.cands = x.collect(s.cands[:0], &s.seen, sig, s.fps)
	x.mu.RUnlock()
	return appendCandidates(dst, s.cands), nil
}

// QueryInsert atomically queries sig and then inserts it under id: no
// other operation runs between the two, so of two items added by
// concurrent calls with similar signatures exactly one sees the other. It
// appends the candidates to dst as Query does (id itself is not among
// them) and fails, changing nothing, as Insert does.
func (x *Index[K]) QueryInsert(dst []K, id K, sig minhash.Signature) ([]K, error) {
	s, err := x.prepare(sig)
	if err != nil {
		return dst, err
	}
	defer x.pool.Put(s)
	x.mu.Lock()
	if _, ok := x.ids[id]; ok {
		x.mu.Unlock()
		return dst, fmt.Errorf("lsh: insert %v: %w", id, ErrDuplicate)
	}
	if err := x.checkBound(sig); err != nil {
		x.mu.Unlock()
		return dst, err
	}
	s.cands = x.collect(s.cands[:0], &s.seen, sig, s.fps)
	err = x.insertLocked(id, sig, s.fps)
	x.mu.Unlock()
	if err != nil { // not reached: both checks were made under the lock
		return dst, err
	}
	return appendCandidates(dst, s.cands), nil
}

// Remove deletes id from the index and reports whether it was present.
func (x *Index[K]) Remove(id K) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	ref, ok := x.ids[id]
	if !ok {
		return false
	}
	delete(x.ids, id)
	if ref&nodeBit == 0 { // the entry's only item
		for j := range x.params.Bands {
			x.unlink(j, ref)
		}
		*x.entry(ref) = entry[K]{}
		x.free = append(x.free, ref)
		return true
	}
	n := ref &^ nodeBit
	if e := x.node(n).entry; e != noSlot {
		x.leaveRing(e, n)
	}
	*x.node(n) = node[K]{}
	x.freeNodes = append(x.freeNodes, n)
	return true
}

// Twin returns the id of another item stored under the same band hashes as
// id (the earliest inserted of them), and whether there is one. Items with
// the same signature have the same band hashes (different signatures have
// them only if their values collide in the 32-bit hash of every band).
// Twins are matched when inserted, by a search that stops after 32
// entries: an item is stored apart from an earlier twin, and Twin does not
// report it, when 32 or more other entries with the same first band stood
// before the twin's in that band's chain (entries inserted, or given a
// twin, after it was). Queries find both all the same. An empty signature
// has no twin, as it is similar to nothing; nor has an id not in the
// index.
func (x *Index[K]) Twin(id K) (K, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var zero K
	ref, ok := x.ids[id]
	if !ok || ref&nodeBit == 0 {
		return zero, false
	}
	n := ref &^ nodeBit
	e := x.node(n).entry
	if e == noSlot {
		return zero, false
	}
	first := x.node(x.entry(e).tail()).next
	if first == n {
		first = x.node(first).next
	}
	return x.node(first).id, true
}

// prepare checks the length of sig and computes its band hashes into
// pooled scratch storage, before any lock is taken.
func (x *Index[K]) prepare(sig minhash.Signature) (*scratch[K], error) {
	if sig.Len() != x.params.K {
		return nil, fmt.Errorf("lsh: signature of length %d in an index for K = %d: %w",
			sig.Len(), x.params.K, ErrSignature)
	}
	s := x.pool.Get().(*scratch[K])
	if !sig.IsEmpty() {
		for j := range s.fps {
			s.fps[j] = bandHash(sig.Values[x.bounds[j]:x.bounds[j+1]], j)
		}
	}
	return s, nil
}

// checkBound reports whether sig has the scheme and seed of the
// signatures already inserted. x.mu must be held.
func (x *Index[K]) checkBound(sig minhash.Signature) error {
	if x.bound && (sig.Scheme != x.scheme || sig.Seed != x.seed) {
		return fmt.Errorf("lsh: %s signature with seed %d in an index of %s signatures with seed %d: %w",
			sig.Scheme, sig.Seed, x.scheme, x.seed, ErrSignature)
	}
	return nil
}

// collect appends the items sharing a band with sig to cands, each once
// (seen holds the entries met). x.mu must be held.
//
// Near-duplicates share most bands, so that a story copied many times is in
// most of the chains walked: each entry is read, and each item sorted, once.
func (x *Index[K]) collect(cands []candidate[K], seen *slotSet, sig minhash.Signature, fps []uint32) []candidate[K] {
	if sig.IsEmpty() {
		return cands
	}
	seen.reset()
	for j, fp := range fps {
		t := x.table(j, fp)
		pos, found := x.find(t, j, fp)
		if !found {
			continue
		}
		for e := t.heads[pos]; e != noSlot; e = *x.next(e, j) {
			if !seen.add(e) {
				continue
			}
			en := x.entry(e)
			if en.oneItem() {
				cands = append(cands, candidate[K]{order: en.word >> 1, id: en.id})
				continue
			}
			tail := en.tail()
			for n := x.node(tail).next; ; {
				nd := x.node(n)
				cands = append(cands, candidate[K]{order: nd.order, id: nd.id})
				if n == tail {
					break
				}
				n = nd.next
			}
		}
	}
	return cands
}

// appendCandidates appends the ids of cands, which are distinct, to dst in
// insertion order.
func appendCandidates[K comparable](dst []K, cands []candidate[K]) []K {
	slices.SortFunc(cands, func(a, b candidate[K]) int { return cmp.Compare(a.order, b.order) })
	for _, c := range cands {
		dst = append(dst, c.id)
	}
	clear(cands) // drop references held by ids for the garbage collector
	return dst
}

// insertLocked stores sig, whose band hashes are fps, under id. x.mu must
// be held for writing.
func (x *Index[K]) insertLocked(id K, sig minhash.Signature, fps []uint32) error {
	if _, ok := x.ids[id]; ok {
		return fmt.Errorf("lsh: insert %v: %w", id, ErrDuplicate)
	}
	if err := x.checkBound(sig); err != nil {
		return err
	}
	if !x.bound {
		x.bound, x.scheme, x.seed = true, sig.Scheme, sig.Seed
	}
	if sig.IsEmpty() { // a node in no ring: stored, never a candidate
		if !x.nodesLeft(1) {
			return x.full()
		}
		x.seq++
		n := x.newNode()
		*x.node(n) = node[K]{order: x.seq, id: id, entry: noSlot, next: noSlot}
		x.ids[id] = n | nodeBit
		return nil
	}
	if e, ok := x.findTwin(fps); ok {
		return x.addTwin(e, id)
	}
	if len(x.free) == 0 && x.entries >= maxRefs {
		return x.full()
	}
	b := x.params.Bands
	var e uint32
	if n := len(x.free); n > 0 {
		e = x.free[n-1]
		x.free = x.free[:n-1]
	} else {
		e = uint32(x.entries)
		x.entries++
		if int(e>>pageBits) == len(x.pages) {
			x.pages = append(x.pages, page[K]{
				entries: make([]entry[K], pageSlots),
				fps:     make([]uint32, pageSlots*b),
				next:    make([]uint32, pageSlots*b),
			})
		}
	}
	x.seq++
	*x.entry(e) = entry[K]{id: id, word: x.seq<<1 | 1}
	x.ids[id] = e
	copy(x.pages[e>>pageBits].fps[int(e&(pageSlots-1))*b:], fps)
	for j := range b {
		x.link(j, e)
	}
	return nil
}

// full returns the error of an insertion into a full index.
func (x *Index[K]) full() error {
	return fmt.Errorf("lsh: index full with %d items", len(x.ids))
}

// findTwin returns an entry whose band hashes are fps, and true, if one is
// among the first twinSearch entries of the chain of fps[0] in band 0; it
// moves the entry to the head of that chain, so that an entry that keeps
// being copied stays within reach. x.mu must be held for writing.
func (x *Index[K]) findTwin(fps []uint32) (uint32, bool) {
	t := x.table(0, fps[0])
	pos, found := x.find(t, 0, fps[0])
	if !found {
		return 0, false
	}
	b := x.params.Bands
	prev := uint32(noSlot)
	for e, i := t.heads[pos], 0; e != noSlot && i < twinSearch; e, i = *x.next(e, 0), i+1 {
		off := int(e&(pageSlots-1)) * b
		if !slices.Equal(x.pages[e>>pageBits].fps[off+1:off+b], fps[1:]) {
			prev = e
			continue
		}
		if prev != noSlot {
			*x.next(prev, 0) = *x.next(e, 0)
			*x.next(e, 0) = t.heads[pos]
			t.heads[pos] = e
		}
		return e, true
	}
	return 0, false
}

// addTwin adds id, inserted now, to the items of entry e. x.mu must be
// held for writing.
func (x *Index[K]) addTwin(e uint32, id K) error {
	en := x.entry(e)
	one := en.oneItem()
	need := 1
	if one {
		need = 2
	}
	if !x.nodesLeft(need) {
		return x.full()
	}
	x.seq++
	n := x.newNode()
	*x.node(n) = node[K]{order: x.seq, id: id, entry: e}
	if one { // its item moves to a node, the earliest of the ring
		first := x.newNode()
		*x.node(first) = node[K]{order: en.word >> 1, id: en.id, entry: e, next: n}
		x.node(n).next = first
		x.ids[en.id] = first | nodeBit
		var zero K
		en.id = zero
	} else {
		tail := x.node(en.tail())
		x.node(n).next, tail.next = tail.next, n
	}
	en.word = uint64(n+1) << 1
	x.ids[id] = n | nodeBit
	return nil
}

// leaveRing takes node n out of the ring of entry e, which holds several
// items; when one is left, it moves back into the entry. x.mu must be held
// for writing.
func (x *Index[K]) leaveRing(e, n uint32) {
	en := x.entry(e)
	tail := en.tail()
	p := tail
	for x.node(p).next != n {
		p = x.node(p).next
	}
	after := x.node(n).next
	if after == p { // p is the only item left
		last := x.node(p)
		*en = entry[K]{id: last.id, word: last.order<<1 | 1}
		x.ids[last.id] = e
		*last = node[K]{}
		x.freeNodes = append(x.freeNodes, p)
		return
	}
	x.node(p).next = after
	if n == tail {
		en.word = uint64(p+1) << 1
	}
}

// nodesLeft reports whether k more nodes can be made.
func (x *Index[K]) nodesLeft(k int) bool {
	return len(x.freeNodes)+(maxRefs-x.nodeCount) >= k
}

// newNode returns a free node, adding a page when there is none.
func (x *Index[K]) newNode() uint32 {
	if k := len(x.freeNodes); k > 0 {
		n := x.freeNodes[k-1]
		x.freeNodes = x.freeNodes[:k-1]
		return n
	}
	n := uint32(x.nodeCount)
	x.nodeCount++
	if int(n>>pageBits) == len(x.nodes) {
		x.nodes = append(x.nodes, make([]node[K], pageSlots))
	}
	return n
}

// link puts entry e at the head of its chain in band j.
func (x *Index[K]) link(j int, e uint32) {
	fp := x.fp(e, j)
	t := x.table(j, fp)
	if (t.used+1)*maxLoadDen > len(t.tags)*maxLoadNum {
		x.grow(t, j)
	}
	pos, found := x.find(t, j, fp)
	if found {
		*x.next(e, j) = t.heads[pos]
	} else {
		*x.next(e, j) = noSlot
		t.tags[pos] = tagOf(fp)
		t.used++
	}
	t.heads[pos] = e
}

// unlink removes entry e from its chain in band j.
func (x *Index[K]) unlink(j int, e uint32) {
	fp := x.fp(e, j)
	t := x.table(j, fp)
	pos, found := x.find(t, j, fp)
	if !found {
		panic("lsh: Index.Remove: entry missing from its band table")
	}
	after := *x.next(e, j)
	if t.heads[pos] == e {
		if after == noSlot {
			x.deleteAt(t, j, pos)
		} else {
			t.heads[pos] = after
		}
		return
	}
	p := t.heads[pos]
	for *x.next(p, j) != e {
		p = *x.next(p, j)
	}
	*x.next(p, j) = after
}

// find returns the position of band hash fp in t, its shard of band j's
// table, and true, or the empty position where it would go and false.
func (x *Index[K]) find(t *table, j int, fp uint32) (int, bool) {
	n := len(t.tags)
	if n == 0 {
		return 0, false
	}
	tag := tagOf(fp)
	pos := home(fp, n)
	for {
		switch tg := t.tags[pos]; {
		case tg == 0:
			return pos, false
		case tg == tag && x.fp(t.heads[pos], j) == fp:
			return pos, true
		}
		if pos++; pos == n {
			pos = 0
		}
	}
}

// deleteAt empties position pos of t, a shard of band j's table, and shifts
// back the entries after it that would no longer be found (deletion without
// tombstones).
func (x *Index[K]) deleteAt(t *table, j, pos int) {
	n := len(t.tags)
	t.used--
	hole := pos
	for k := openaddr.Next(pos, n); t.tags[k] != 0; k = openaddr.Next(k, n) {
		if openaddr.Moves(home(x.fp(t.heads[k], j), n), hole, k) {
			t.tags[hole], t.heads[hole] = t.tags[k], t.heads[k]
			hole = k
		}
	}
	t.tags[hole] = 0
}

// grow enlarges t, a shard of band j's table, by half (to at least 16
// slots) and reinserts its entries.
func (x *Index[K]) grow(t *table, j int) {
	n := max(16, len(t.tags)+len(t.tags)/2)
	tags, heads := make([]uint8, n), make([]uint32, n)
	for i, tg := range t.tags {
		if tg == 0 {
			continue
		}
		pos := home(x.fp(t.heads[i], j), n)
		for tags[pos] != 0 {
			if pos++; pos == n {
				pos = 0
			}
		}
		tags[pos], heads[pos] = tg, t.heads[i]
	}
	t.tags, t.heads = tags, heads
}

// home is the position where probing for band hash fp starts in a shard of
// n slots: the high bits of fp below those that chose the shard, by
// multiply-shift.
func home(fp uint32, n int) int { return int((uint64(fp<<shardBits) * uint64(n)) >> 32) }

// tagOf is the tag byte of band hash fp: its low 7 bits, which home does
// not depend on, with the high bit set so that no tag is 0.
func tagOf(fp uint32) uint8 { return 0x80 | uint8(fp&0x7F) }

// bandHash hashes the values of band j of a signature to 32 bits. Band
// values that differ give the same hash with probability 2^-32, which adds
// that many spurious candidates and never removes one.
func bandHash(vals []uint32, j int) uint32 {
	h := uint64(j+1) * 0x9E3779B97F4A7C15
	i := 0
	for ; i+2 <= len(vals); i += 2 {
		h = (h ^ (uint64(vals[i]) | uint64(vals[i+1])<<32)) * 0xBF58476D1CE4E5B9
		h ^= h >> 29
	}
	if i < len(vals) {
		h = (h ^ uint64(vals[i]) ^ 1<<63) * 0xBF58476D1CE4E5B9
		h ^= h >> 29
	}
	h ^= h >> 33
	h *= 0xC2B2AE3D27D4EB4F
	h ^= h >> 29
	h *= 0x165667B19E3779F9
	h ^= h >> 32
	return uint32(h)
}
