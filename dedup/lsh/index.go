package lsh

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

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

// noSlot ends a chain.
const noSlot = math.MaxUint32

// Each band's table is split into shards by the top shardBits bits of the
// band hash, each an open-addressing table of its own, so that a table
// growing rehashes a 64th of the band's entries, and the items (ids,
// insertion numbers, band hashes and chain links) are kept in pages of
// pageSlots items, so that the index growing allocates one page and copies
// nothing: no single insertion pays for the index's size.
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

// Index finds, for a signature, the stored signatures that share at least
// one band with it: the candidates for near-duplicates. It is keyed by ids
// of any comparable type.
//
// Every operation costs O(Bands) hash-table steps plus the length of the
// chains it walks (the items sharing a band value, usually none or a few);
// nothing is ever re-sorted or rebuilt except one of the 64 shards of a
// band's table growing by half, which is amortised and rehashes a 64th of
// the band's entries, so that no single operation pays for the size of the
// index (the storage of items grows a page at a time). An Index must be
// created with NewIndex and is safe for concurrent use: queries run in
// parallel, inserts and removals one at a time.
//
// Memory: per item and band, a 32-bit band hash, a 32-bit chain link and
// about 7.6 bytes of hash table (a tag byte and a 32-bit head per slot at a
// load of 0.53 to 0.8); per item, the id and a 64-bit insertion number plus
// the id's entry in a Go map. The package documentation gives measured
// figures.
type Index[K comparable] struct {
	params Params
	bounds []int // band j covers values[bounds[j]:bounds[j+1]]
	pool   sync.Pool

	mu     sync.RWMutex
	bound  bool // scheme and seed are fixed by the first insert
	scheme minhash.Scheme
	seed   uint64
	ids    map[K]uint32 // id -> slot
	pages  []page[K]    // items, band hashes and chain links, by slot >> pageBits
	slots  int          // slots in use or free: the pages hold slots [0, slots)
	free   []uint32     // free slots
	tables []table      // by band << shardBits | shard
	seq    uint64       // insertions so far
}

// page holds the items of pageSlots slots, at slot % pageSlots, and their
// band hashes and chain links, at (slot % pageSlots)*Bands + band.
type page[K comparable] struct {
	items     []item[K]
	fps, next []uint32
}

// item returns the item in slot.
func (x *Index[K]) item(slot uint32) *item[K] {
	return &x.pages[slot>>pageBits].items[slot&(pageSlots-1)]
}

// fp returns the band hash of slot in band j.
func (x *Index[K]) fp(slot uint32, j int) uint32 {
	return x.pages[slot>>pageBits].fps[int(slot&(pageSlots-1))*x.params.Bands+j]
}

// next returns the chain link of slot in band j.
func (x *Index[K]) next(slot uint32, j int) *uint32 {
	return &x.pages[slot>>pageBits].next[int(slot&(pageSlots-1))*x.params.Bands+j]
}

// table returns the shard of band j's table that holds band hash fp.
func (x *Index[K]) table(j int, fp uint32) *table {
	return &x.tables[j<<shardBits|int(fp>>(32-shardBits))]
}

// item is one stored signature's id and insertion number.
type item[K comparable] struct {
	id K
	// order is the insertion number shifted left by one, with the low bit
	// set when the item is linked into the band tables (its signature was
	// not empty). Zero marks a free slot.
	order uint64
}

const indexedBit = 1

// table maps a band hash to the first item of the chain of items with that
// band hash, by open addressing with linear probing; it is one shard of a
// band's table. The hash itself is not stored: it is read from the page
// of the chain's head, and a tag of
// 7 of its bits avoids that indirection for most slots that do not match.
type table struct {
	tags  []uint8  // 0 for an empty slot, else tagOf(hash)
	heads []uint32 // first item of the chain
	used  int
}

// scratch is per-call working storage, pooled so that queries do not
// allocate.
type scratch[K comparable] struct {
	fps   []uint32
	cands []candidate[K]
	seen  slotSet
}

// slotSet is a set of slots, an open-addressing table reused from query to
// query: a slot is in it when its stamp is the current one, so that emptying
// it costs nothing.
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
	slot, ok := x.ids[id]
	if !ok {
		return false
	}
	if x.item(slot).order&indexedBit != 0 {
		for j := range x.params.Bands {
			x.unlink(j, slot)
		}
	}
	delete(x.ids, id)
	*x.item(slot) = item[K]{}
	x.free = append(x.free, slot)
	return true
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
// (seen holds the slots met). x.mu must be held.
//
// Near-duplicates share most bands, so that a story copied many times is in
// most of the chains walked: each item is read, and sorted, once.
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
		for it := t.heads[pos]; it != noSlot; it = *x.next(it, j) {
			if seen.add(it) {
				item := x.item(it)
				cands = append(cands, candidate[K]{order: item.order, id: item.id})
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
	if x.slots >= noSlot && len(x.free) == 0 {
		return fmt.Errorf("lsh: index full with %d items", x.slots)
	}
	b := x.params.Bands
	var slot uint32
	if n := len(x.free); n > 0 {
		slot = x.free[n-1]
		x.free = x.free[:n-1]
	} else {
		slot = uint32(x.slots)
		x.slots++
		if int(slot>>pageBits) == len(x.pages) {
			x.pages = append(x.pages, page[K]{
				items: make([]item[K], pageSlots),
				fps:   make([]uint32, pageSlots*b),
				next:  make([]uint32, pageSlots*b),
			})
		}
	}
	x.seq++
	it := x.item(slot)
	*it = item[K]{id: id, order: x.seq << 1}
	x.ids[id] = slot
	if sig.IsEmpty() {
		return nil
	}
	it.order |= indexedBit
	copy(x.pages[slot>>pageBits].fps[int(slot&(pageSlots-1))*b:], fps)
	for j := range b {
		x.link(j, slot)
	}
	return nil
}

// link puts slot at the head of its chain in band j.
func (x *Index[K]) link(j int, slot uint32) {
	fp := x.fp(slot, j)
	t := x.table(j, fp)
	if (t.used+1)*maxLoadDen > len(t.tags)*maxLoadNum {
		x.grow(t, j)
	}
	pos, found := x.find(t, j, fp)
	if found {
		*x.next(slot, j) = t.heads[pos]
	} else {
		*x.next(slot, j) = noSlot
		t.tags[pos] = tagOf(fp)
		t.used++
	}
	t.heads[pos] = slot
}

// unlink removes slot from its chain in band j.
func (x *Index[K]) unlink(j int, slot uint32) {
	fp := x.fp(slot, j)
	t := x.table(j, fp)
	pos, found := x.find(t, j, fp)
	if !found {
		panic("lsh: Index.Remove: item missing from its band table")
	}
	after := *x.next(slot, j)
	if t.heads[pos] == slot {
		if after == noSlot {
			x.deleteAt(t, j, pos)
		} else {
			t.heads[pos] = after
		}
		return
	}
	p := t.heads[pos]
	for *x.next(p, j) != slot {
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
	for {
		t.tags[pos] = 0
		k := pos
		for {
			if k++; k == n {
				k = 0
			}
			if t.tags[k] == 0 {
				return
			}
			h := home(x.fp(t.heads[k], j), n)
			// The entry at k may fill the gap at pos unless its home lies
			// cyclically in (pos, k].
			if pos <= k {
				if h <= pos || h > k {
					break
				}
			} else if h <= pos && h > k {
				break
			}
		}
		t.tags[pos], t.heads[pos] = t.tags[k], t.heads[k]
		pos = k
	}
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
