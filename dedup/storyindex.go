package dedup

import (
	"hash/maphash"
	"iter"
	"math/bits"

	"github.com/newsdup/newsdup/dedup/internal/openaddr"
)

// storyIndex finds held stories by id. It is a hash table of the records
// themselves, keyed by a hash of their id that is not kept: a slot is a
// pointer and a tag byte, about 14 bytes a story at the table's load of
// 0.53 to 0.8, where a Go map from id to record took some 38 (the id's
// string header, the pointer and a control byte a slot). It is split into
// storyShards shards by the top bits of the hash, each an open-addressing
// table of its own (linear probing) that grows by half when four fifths
// full, so that no Add rehashes more than a 64th of the stories held. The
// zero storyIndex is not ready: use newStoryIndex. It is not safe for
// concurrent use: the Detector's lock guards it with the rest of the
// state.
type storyIndex struct {
	seed   maphash.Seed
	shards [storyShards]storyShard
	n      int
}

const (
	storyShardBits = 6
	storyShards    = 1 << storyShardBits
)

// storyShard is one shard of a storyIndex.
type storyShard struct {
	tags []uint8 // 0 for an empty slot, else storyTag(hash)
	recs []*storyRec
	n    int
}

func newStoryIndex() storyIndex { return storyIndex{seed: maphash.MakeSeed()} }

// locate returns the shard of id, the slot where its probe starts and its
// tag.
func (x *storyIndex) locate(id string) (*storyShard, uint64, uint8) {
	h := maphash.String(x.seed, id)
	return &x.shards[h>>(64-storyShardBits)], h << storyShardBits, 0x80 | uint8(h&0x7F)
}

// home is the slot of sh where the probe for the hash bits h (those below
// the shard's) starts, by multiply-shift.
func (sh *storyShard) home(h uint64) int {
	hi, _ := bits.Mul64(h, uint64(len(sh.tags)))
	return int(hi)
}

// find returns the slot of sh holding the story with id, or the empty
// slot where it would go.
func (sh *storyShard) find(h uint64, tag uint8, id string) (int, bool) {
	n := len(sh.tags)
	for i := sh.home(h); ; {
		switch t := sh.tags[i]; {
		case t == 0:
			return i, false
		case t == tag && sh.recs[i].id == id:
			return i, true
		}
		if i++; i == n {
			i = 0
		}
	}
}

// get returns the held story with id, nil if there is none.
func (x *storyIndex) get(id string) *storyRec {
	sh, h, tag := x.locate(id)
	if len(sh.tags) == 0 {
		return nil
	}
	if i, ok := sh.find(h, tag, id); ok {
		return sh.recs[i]
	}
	return nil
}

// put adds rec, whose id must not be in x.
func (x *storyIndex) put(rec *storyRec) {
	sh, h, tag := x.locate(rec.id)
	if (sh.n+1)*5 > len(sh.tags)*4 {
		x.grow(sh)
	}
	i, _ := sh.find(h, tag, rec.id)
	sh.tags[i], sh.recs[i] = tag, rec
	sh.n++
	x.n++
}

// grow enlarges sh by half, to at least 16 slots, and puts its stories
// back.
func (x *storyIndex) grow(sh *storyShard) {
	old := sh.recs
	size := max(16, len(sh.tags)+len(sh.tags)/2)
	sh.tags, sh.recs = make([]uint8, size), make([]*storyRec, size)
	for _, rec := range old {
		if rec != nil {
			_, h, tag := x.locate(rec.id)
			i, _ := sh.find(h, tag, rec.id)
			sh.tags[i], sh.recs[i] = tag, rec
		}
	}
}

// remove takes rec out of x, if it is there.
func (x *storyIndex) remove(rec *storyRec) {
	sh, h, tag := x.locate(rec.id)
	if len(sh.tags) == 0 {
		return
	}
	pos, ok := sh.find(h, tag, rec.id)
	if !ok || sh.recs[pos] != rec {
		return
	}
	sh.n--
	x.n--
	// Empty the slot and move back the entries after it that would no
	// longer be found (deletion without tombstones).
	n, hole := len(sh.tags), pos
	for k := openaddr.Next(pos, n); sh.tags[k] != 0; k = openaddr.Next(k, n) {
		if _, hk, _ := x.locate(sh.recs[k].id); openaddr.Moves(sh.home(hk), hole, k) {
			sh.tags[hole], sh.recs[hole] = sh.tags[k], sh.recs[k]
			hole = k
		}
	}
	sh.tags[hole], sh.recs[hole] = 0, nil
}

// len returns the number of stories in x.
func (x *storyIndex) len() int { return x.n }

// all yields the stories in x, in no particular order.
func (x *storyIndex) all() iter.Seq[*storyRec] {
	return func(yield func(*storyRec) bool) {
		for i := range x.shards {
			for _, rec := range x.shards[i].recs {
				if rec != nil && !yield(rec) {
					return
				}
			}
		}
	}
}
