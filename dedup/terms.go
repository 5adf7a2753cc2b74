package dedup

// termTable interns the terms of held stories' vectors: a held story keeps
// each of its terms as a 32-bit index into the table, 4 bytes a term where
// the term itself takes 8, and the table keeps each distinct term once,
// with the number of held stories whose vectors have it. A distinct term
// takes about 18 bytes (the term, its count, and 4 bytes of hash table at
// a load of 3/8 to 3/4), so the table saves memory once the terms of held
// stories come back about 5 times each on average, as the vocabulary of a
// window of news does.
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
	slots   []uint32 // open addressing by term, linear probing: index+1, 0 empty
	n       int      // terms in use
	free    []uint32 // indexes to reuse
	retired []uint32 // indexes let go since the last settle
}

func newTermTable() *termTable { return &termTable{} }

// home returns the slot where term's probe starts; terms are hashes.
func (t *termTable) home(term uint64) int {
	return int(uint32(term^term>>32)) & (len(t.slots) - 1)
}

// find returns the slot holding term, or the empty slot where it would go.
func (t *termTable) find(term uint64) (int, bool) {
	mask := len(t.slots) - 1
	for i := t.home(term); ; i = (i + 1) & mask {
		switch x := t.slots[i]; {
		case x == 0:
			return i, false
		case t.terms[x-1] == term:
			return i, true
		}
	}
}

// intern returns the index of term, counting one more use of it.
func (t *termTable) intern(term uint64) uint32 {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	slot, ok := t.find(term)
	if ok {
		i := t.slots[slot] - 1
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
	t.slots[slot] = i + 1
	t.n++
	return i
}

// grow doubles the slots.
func (t *termTable) grow() {
	old := t.slots
	t.slots = make([]uint32, max(64, 2*len(old)))
	for _, x := range old {
		if x != 0 {
			slot, _ := t.find(t.terms[x-1])
			t.slots[slot] = x
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
	// Empty its slot, moving back the entries after it that probed past
	// it (backward-shift deletion), so that no probe stops short.
	mask := len(t.slots) - 1
	hole, _ := t.find(t.terms[i])
	for j := (hole + 1) & mask; t.slots[j] != 0; j = (j + 1) & mask {
		// The entry at j may move to the hole when its home is not
		// cyclically within (hole, j].
		if home := t.home(t.terms[t.slots[j]-1]); (j-home)&mask >= (j-hole)&mask {
			t.slots[hole] = t.slots[j]
			hole = j
		}
	}
	t.slots[hole] = 0
}

// settle frees the retired indexes for new terms.
func (t *termTable) settle() {
	t.free = append(t.free, t.retired...)
	t.retired = t.retired[:0]
}
