package simhash

import "hash/maphash"

// The id table is split into idShards shards by the top bits of an id's hash, each an open-addressing
// table of its own that grows (and shrinks) alone: a shard that fills up rehashes a 64th of the ids, so
// that no insert pays for rehashing them all.
const (
	idShardBits = 6
	idShards    = 1 << idShardBits
	minIDTable  = 8
)

// idSet maps the ids of an index to their slots: open-addressing hash tables with linear probing that
// store only slot numbers (4 bytes each) and find an id by comparing with the id in its slot, which
// idOf returns. It costs about 8 bytes per item where a map[K]uint32 costs about 30. Removal shifts later
// entries back instead of leaving tombstones, so lookups never slow down after many removals.
type idSet[K comparable] struct {
	seed   maphash.Seed
	shards [idShards]idShard
	count  int
}

// idShard is one shard of an idSet.
type idShard struct {
	table []uint32 // slot numbers, nilSlot when empty; the length is a power of two
	count int
}

// idOf returns the id stored in a slot.
type idOf[K comparable] func(s uint32) K

func newIDSet[K comparable]() idSet[K] {
	m := idSet[K]{seed: maphash.MakeSeed()}
	for i := range m.shards {
		m.shards[i].table = emptyTable(minIDTable)
	}
	return m
}

func emptyTable(n int) []uint32 {
	t := make([]uint32, n)
	for i := range t {
		t[i] = nilSlot
	}
	return t
}

// idPos is the position of an id in an idSet: its shard and the index in the shard's table.
type idPos struct {
	shard int
	i     int
}

func (m *idSet[K]) hash(id K) uint64 { return maphash.Comparable(m.seed, id) }

func shardOf(h uint64) int { return int(h >> (64 - idShardBits)) }

// find returns the position of id and true, or the empty position where id would go and false.
func (m *idSet[K]) find(id K, ids idOf[K]) (idPos, bool) {
	h := m.hash(id)
	sh := shardOf(h)
	t := m.shards[sh].table
	mask := len(t) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		s := t[i]
		if s == nilSlot {
			return idPos{sh, i}, false
		}
		if ids(s) == id {
			return idPos{sh, i}, true
		}
	}
}

// at returns the slot at position p, as find returned it.
func (m *idSet[K]) at(p idPos) uint32 { return m.shards[p.shard].table[p.i] }

// get returns the slot of id.
func (m *idSet[K]) get(id K, ids idOf[K]) (uint32, bool) {
	p, ok := m.find(id, ids)
	if !ok {
		return 0, false
	}
	return m.at(p), true
}

// reserve makes room for one more entry in the shard of id, keeping its load at most 3/4. Positions that
// find returned before are invalid afterwards.
func (m *idSet[K]) reserve(id K, ids idOf[K]) {
	sh := &m.shards[shardOf(m.hash(id))]
	if 4*(sh.count+1) > 3*len(sh.table) {
		m.resize(sh, 2*len(sh.table), ids)
	}
}

// replace stores slot s at the position p of an entry (as find returned it), in place of its slot.
func (m *idSet[K]) replace(p idPos, s uint32) { m.shards[p.shard].table[p.i] = s }

// set stores slot s at the empty position p that find returned (after reserve).
func (m *idSet[K]) set(p idPos, s uint32) {
	sh := &m.shards[p.shard]
	sh.table[p.i] = s
	sh.count++
	m.count++
}

// add records slot s for ids(s), which must not be in m yet.
func (m *idSet[K]) add(s uint32, ids idOf[K]) {
	id := ids(s)
	m.reserve(id, ids)
	p, _ := m.find(id, ids)
	m.set(p, s)
}

// remove removes the entry at position p (as find returned it), and halves its shard when it is less
// than an eighth full.
func (m *idSet[K]) remove(p idPos, ids idOf[K]) {
	sh := &m.shards[p.shard]
	t := sh.table
	mask := len(t) - 1
	i := p.i
	// Move back every later entry of the probe run whose home position does not lie cyclically
	// after the hole, so that a search for it still reaches it.
	for j := (i + 1) & mask; t[j] != nilSlot; j = (j + 1) & mask {
		h := int(m.hash(ids(t[j]))) & mask
		if (j-h)&mask >= (j-i)&mask {
			t[i] = t[j]
			i = j
		}
	}
	t[i] = nilSlot
	sh.count--
	m.count--
	if len(t) > minIDTable && 8*sh.count < len(t) {
		m.resize(sh, len(t)/2, ids)
	}
}

// resize moves every entry of a shard into a table of n positions.
func (m *idSet[K]) resize(sh *idShard, n int, ids idOf[K]) {
	old := sh.table
	sh.table = emptyTable(n)
	mask := n - 1
	for _, s := range old {
		if s == nilSlot {
			continue
		}
		i := int(m.hash(ids(s))) & mask
		for sh.table[i] != nilSlot {
			i = (i + 1) & mask
		}
		sh.table[i] = s
	}
}
