package dedup

import "github.com/newsdup/newsdup/dedup/internal/openaddr"

// termTable interns the terms of held stories' vectors: a held story keeps
// each of its terms as an index into the table, 3 bytes a term (4 for the
// stories with an index of 1<<24 or more: see record.go) where the term
// itself takes 8, and the table keeps each distinct term once, with the
// number of held stories whose vectors have it. A distinct term takes
// about 18 bytes (the term, its count, and 4 bytes of hash table at a load
// of 3/8 to 3/4), so the table saves memory once the terms of held stories
// come back about 4 times each on average, as the vocabulary of a window
// of news does.
//
// An index that no held story uses any more is retired, not reused at
// once: a story let go in an operation can still be read until the
// operation is over (its verdict names it), so a retired index is free
// for a new term only after settle, which the state calls when it evicts,
// at the end of each operation. It is not safe for concurrent use: the
// Detector's lock guards it with the rest of the state.
type termTable struct {
	terms   []uint64 // by index
	refs    []uint32 // held stories whose vectors have the term; 0: retired or free
	shards  [termShards]termShard
	n       int      // terms in use
	free    []uint32 // indexes to reuse
	retired []uint32 // indexes let go since the last settle
}

// The hash table from terms to indexes is split into termShards shards by
// the top bits of the term, each an open-addressing table of its own
// (linear probing; a slot holds an index plus one, 0 when empty) that
// doubles when it is three quarters full: a shard growing rehashes a 64th
// of the terms, so that no Add pays for rehashing them all (the million
// stories of examples/scale hold some 400,000 terms: one Add doubled their
// whole table to 524,288 slots in 12.6 ms).
const (
	termShardBits = 6
	termShards    = 1 << termShardBits
)

type termShard struct {
	slots []uint32
	n     int // terms in the shard
}

func newTermTable() *termTable { return &termTable{} }

// shard returns the shard that holds term; terms are hashes.
func (t *termTable) shard(term uint64) *termShard {
	return &t.shards[term>>(64-termShardBits)]
}

// home returns the slot of sh where term's probe starts.
func (sh *termShard) home(term uint64) int {
	return int(uint32(term^term>>32)) & (len(sh.slots) - 1)
}

// find returns the slot of sh holding term, or the empty slot where it
// would go.
func (t *termTable) find(sh *termShard, term uint64) (int, bool) {
	mask := len(sh.slots) - 1
	for i := sh.home(term); ; i = (i + 1) & mask {
		switch x := sh.slots[i]; {
		case x == 0:
			return i, false
		case t.terms[x-1] == term:
			return i, true
		}
	}
}

// intern returns the index of term, counting one more use of it.
func (t *termTable) intern(term uint64) uint32 {
	sh := t.shard(term)
	if 4*(sh.n+1) > 3*len(sh.slots) {
		t.grow(sh)
	}
	slot, ok := t.find(sh, term)
	if ok {
		i := sh.slots[slot] - 1
		t.refs[i]++
		return i
	}
	var i uint32
	if k := len(t.free); k > 0 {
		i, t.free = t.free[k-1], t.free[:k-1]
		t.terms[i], t.refs[i] = term, 1
	} else {
		i = uint32(len(t.terms))
		t.terms, t.refs = append(t.terms, term), append(t.refs, 1)
	}
	sh.slots[slot] = i + 1
	sh.n++
	t.n++
	return i
}

// grow doubles the slots of sh.
func (t *termTable) grow(sh *termShard) {
	old := sh.slots
	sh.slots = make([]uint32, max(16, 2*len(old)))
	for _, x := range old {
		if x != 0 {
			slot, _ := t.find(sh, t.terms[x-1])
			sh.slots[slot] = x
		}
	}
}

// release counts one use of index i fewer, retiring it after the last.
func (t *termTable) release(i uint32) {
	if t.refs[i]--; t.refs[i] > 0 {
		return
	}
	t.retired = append(t.retired, i)
	t.n--
	sh := t.shard(t.terms[i])
	sh.n--
	// Empty its slot, moving back the entries after it that probed past
	// it (backward-shift deletion), so that no probe stops short.
	n := len(sh.slots)
	hole, _ := t.find(sh, t.terms[i])
	for k := openaddr.Next(hole, n); sh.slots[k] != 0; k = openaddr.Next(k, n) {
		if openaddr.Moves(sh.home(t.terms[sh.slots[k]-1]), hole, k) {
			sh.slots[hole] = sh.slots[k]
			hole = k
		}
	}
	sh.slots[hole] = 0
}

// settle frees the retired indexes for new terms.
func (t *termTable) settle() {
	t.free = append(t.free, t.retired...)
	t.retired = t.retired[:0]
}
