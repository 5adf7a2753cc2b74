package dedup

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"

	"github.com/cespare/xxhash/v2"

	"github.com/newsdup/newsdup/dedup/cluster"
)

// Words are what the copy tier and shared passages work on: the content words
// of a story, each known by a 32-bit word id (the low 32 bits of its term
// hash) and its byte range in the text. Word shingles are hashed from the
// ids, so a held story keeps its ids and nothing else to have its shingles
// again (a snapshot keeps no shingles), and its byte ranges delta-coded to
// place its passages. Two terms sharing an id is rare (about one pair in
// 10^9 among any two words) and costs no more than two words confused.

// word is a content word of a story being decided: its id and its byte range
// in the text.
type word struct {
	id         uint32
	start, end uint32
}

// heldWords is what a held story keeps of its content words: their ids
// (which a held story keeps as indexes into its terms: see record.go) and,
// in offsets, each word's gap (its start less the previous word's end) and
// length. A word takes one byte, gap<<4 | (length-1), when its gap is
// below 15 and its length at most 15, as for 99% of the words of Reuters
// stories (most gaps are a space, or stop words); else the nibble that does
// not fit is 15 and the rest of the gap (gap-15), then of the length
// (length-16), follow as uvarints. About 1 byte a word, where the ids and
// ranges of the story being decided take 12. Snapshots keep the offsets in
// their own form (snapshotOffsets).
type heldWords struct {
	ids     []uint32
	offsets []byte
}

func wordOf(hash uint64, start, end int) word {
	return word{uint32(hash), uint32(start), uint32(end)}
}

// wordIDs returns the ids of words.
func wordIDs(words []word) []uint32 {
	ids := make([]uint32, len(words))
	for i, w := range words {
		ids[i] = w.id
	}
	return ids
}

// The nibbles of a word's offsets byte.
const (
	gapNibble = 15 // the gap is gapNibble plus a uvarint
	lenNibble = 15 // the length is lenNibble+1 plus a uvarint
)

// holdWords returns the compact form of words, whose ids are ids; it keeps
// ids.
func holdWords(words []word, ids []uint32) heldWords {
	buf := make([]byte, 0, len(words)+len(words)/16)
	prev := uint32(0)
	for _, w := range words {
		gap, length := w.start-prev, w.end-w.start-1 // length-1: words are not empty
		buf = append(buf, byte(min(gap, gapNibble)<<4|min(length, lenNibble)))
		if gap >= gapNibble {
			buf = binary.AppendUvarint(buf, uint64(gap-gapNibble))
		}
		if length >= lenNibble {
			buf = binary.AppendUvarint(buf, uint64(length-lenNibble))
		}
		prev = w.end
	}
	return heldWords{ids: ids, offsets: buf}
}

// words appends the words to dst. The offsets were made by holdWords, so
// they decode.
func (h heldWords) words(dst []word) []word {
	b := h.offsets
	prev := uint32(0)
	for _, id := range h.ids {
		c := b[0]
		b = b[1:]
		gap, length := uint32(c>>4), uint32(c&15)
		if gap == gapNibble {
			x, n := binary.Uvarint(b)
			b = b[n:]
			gap += uint32(x)
		}
		if length == lenNibble {
			x, n := binary.Uvarint(b)
			b = b[n:]
			length += uint32(x)
		}
		start := prev + gap
		prev = start + length + 1
		dst = append(dst, word{id, start, prev})
	}
	return dst
}

// snapshotOffsets returns the offsets of words as snapshots keep them: two
// uvarints a word, its gap and its length.
func snapshotOffsets(words []word) []byte {
	var buf []byte
	prev := uint32(0)
	for _, w := range words {
		buf = binary.AppendUvarint(buf, uint64(w.start-prev))
		buf = binary.AppendUvarint(buf, uint64(w.end-w.start))
		prev = w.end
	}
	return buf
}

// snapshotWords returns the words of a snapshot's story: ids and their
// offsets in the form of snapshotOffsets. It reports false unless the
// offsets decode to one range per id, each within a text of textLen bytes
// and none empty: what a snapshot must hold to be loaded.
func snapshotWords(ids []uint32, offsets []byte, textLen int) ([]word, bool) {
	b := offsets
	end := uint64(0)
	words := make([]word, 0, len(ids))
	for _, id := range ids {
		gap, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, false
		}
		b = b[n:]
		length, m := binary.Uvarint(b)
		if m <= 0 || length == 0 {
			return nil, false
		}
		b = b[m:]
		if gap > uint64(textLen) || length > uint64(textLen) || end+gap+length > uint64(textLen) {
			return nil, false
		}
		words = append(words, word{id, uint32(end + gap), uint32(end + gap + length)})
		end += gap + length
	}
	return words, len(b) == 0
}

// windowHashes appends the hash of each run of k consecutive ids (none when
// there are fewer than k ids).
func windowHashes(dst []uint64, ids []uint32, k int) []uint64 {
	for i := 0; i+k <= len(ids); i++ {
		dst = append(dst, windowHash(ids[i:i+k]))
	}
	return dst
}

// The primes of XXH64.
const (
	xxPrime1 uint64 = 11400714785074694791
	xxPrime2 uint64 = 14029467366897019727
	xxPrime3 uint64 = 1609587929392839161
	xxPrime4 uint64 = 9650029242287828579
	xxPrime5 uint64 = 2870177450012600261
)

// windowHash returns the XXH64 hash (seed 0) of word ids w (at most 16)
// written as little-endian 32-bit values: xxhash.Sum64 of those bytes,
// computed from the ids for windows of fewer than 8 words, which is what
// every shingle is, without writing them out.
func windowHash(w []uint32) uint64 {
	n := 4 * len(w)
	if n >= 32 {
		var buf [4 * 16]byte
		for j, id := range w {
			binary.LittleEndian.PutUint32(buf[4*j:], id)
		}
		return xxhash.Sum64(buf[:n])
	}
	h := xxPrime5 + uint64(n)
	for ; len(w) >= 2; w = w[2:] {
		k := uint64(w[0]) | uint64(w[1])<<32
		k = bits.RotateLeft64(k*xxPrime2, 31) * xxPrime1
		h = bits.RotateLeft64(h^k, 27)*xxPrime1 + xxPrime4
	}
	if len(w) == 1 {
		h = bits.RotateLeft64(h^uint64(w[0])*xxPrime1, 23)*xxPrime2 + xxPrime3
	}
	h ^= h >> 33
	h *= xxPrime2
	h ^= h >> 29
	h *= xxPrime3
	h ^= h >> 32
	return h
}

// shingleSet returns the sorted distinct word k-shingles (k at most 16) of
// content word ids: one shingle of them all when there are fewer than k.
func shingleSet(k int, ids []uint32) []uint64 {
	if len(ids) == 0 {
		return nil
	}
	k = min(k, len(ids))
	s := windowHashes(make([]uint64, 0, len(ids)-k+1), ids, k)
	slices.Sort(s)
	return slices.Clip(slices.Compact(s))
}

// appendCopyHashes appends the copy-set hash (the low 32 bits of the
// shingle hash) of each run of k consecutive ids, or of them all when there
// are fewer than k: the copy set of a story whose content word ids are ids,
// before it is sorted and its repeats dropped (copySet of shingleSet).
func appendCopyHashes(dst, ids []uint32, k int) []uint32 {
	if len(ids) == 0 {
		return dst
	}
	k = min(k, len(ids))
	for i := 0; i+k <= len(ids); i++ {
		dst = append(dst, uint32(windowHash(ids[i:i+k])))
	}
	return dst
}

// copySetOf returns the copy set of a held story, hashed again from its word
// ids: the set it was decided with.
func (st *state) copySetOf(rec *storyRec) []uint32 {
	s := appendCopyHashes(make([]uint32, 0, max(1, int(rec.arrays.ids)-st.cfg.ShingleSize+1)), rec.ids(st.vocab), st.cfg.ShingleSize)
	slices.Sort(s)
	return slices.Clip(slices.Compact(s))
}

// copyHashes returns the copy-set hashes of a held story, unsorted and with
// repeats (appendCopyHashes), in scratch storage of the state that the next
// call reuses: what the anchor index posts it under.
func (st *state) copyHashes(rec *storyRec) []uint32 {
	ids := rec.appendIDs(st.vocab, st.hashBuf[:0])
	n := len(ids)
	st.hashBuf = appendCopyHashes(ids, ids, st.cfg.ShingleSize)
	return st.hashBuf[n:]
}

// setProbe matches held stories with the copy set of the story being
// decided without sorting theirs: an open-addressing table of the set, built
// once, in which the hashes of a held story (appendCopyHashes) are looked
// up, each shingle of the set counted once however often the held story
// repeats it. The counts are those of minhash.Overlap on the two sets.
type setProbe struct {
	k      int      // shingle size
	slots  []uint64 // 1<<32 | hash, 0 for an empty slot
	stamps []uint32 // the count that last met each slot
	stamp  uint32
	n      int      // the size of the set
	ids    []uint32 // scratch: a held story's word ids
	hashes []uint32 // scratch: its copy-set hashes
}

func newSetProbe(set []uint32, k int) *setProbe {
	size := 1 << bits.Len(uint(2*len(set)))
	p := &setProbe{k: k, slots: make([]uint64, size), stamps: make([]uint32, size), n: len(set)}
	mask := uint32(size - 1)
	for _, h := range set {
		j := h & mask
		for p.slots[j] != 0 {
			j = (j + 1) & mask
		}
		p.slots[j] = 1<<32 | uint64(h)
	}
	return p
}

// overlap returns what minhash.Overlap returns for the set and the copy set
// of rec. Until the next call, p.ids holds rec's content word ids.
func (p *setProbe) overlap(dict *termTable, rec *storyRec) (jaccard, containment float64, shared int) {
	p.ids = rec.appendIDs(dict, p.ids[:0])
	nb := int(rec.arrays.shingles)
	if p.n == 0 || nb == 0 {
		return 0, 0, 0
	}
	p.hashes = appendCopyHashes(p.hashes[:0], p.ids, p.k)
	if p.stamp++; p.stamp == 0 {
		clear(p.stamps)
		p.stamp = 1
	}
	mask := uint32(len(p.slots) - 1)
	for _, h := range p.hashes {
		for j := h & mask; p.slots[j] != 0; j = (j + 1) & mask {
			if uint32(p.slots[j]) == h {
				if p.stamps[j] != p.stamp {
					p.stamps[j] = p.stamp
					shared++
				}
				break
			}
		}
	}
	jaccard = float64(shared) / float64(p.n+nb-shared)
	containment = float64(shared) / float64(min(p.n, nb))
	return jaccard, containment, shared
}

// copySet returns the form of a shingle set that copy checks compare: the
// sorted distinct low 32 bits of each shingle, sized exactly. Two sets of a
// thousand shingles have about one chance in 4,000 of a false shared
// shingle.
func copySet(shingles []uint64) []uint32 {
	s := make([]uint32, len(shingles))
	for i, h := range shingles {
		s[i] = uint32(h)
	}
	slices.Sort(s)
	return slices.Clip(slices.Compact(s))
}

// weightScale is the quantum of term weights: vector rounds every weight of
// a (unit-length) story vector to a multiple of 1/weightScale, so that a
// held story keeps its weights in 16 bits and loses nothing.
const weightScale = 65535

// quantise rounds a weight in [0, 1] to a multiple of 1/weightScale.
func quantise(w float32) float32 {
	return float32(quantum(w)) / weightScale
}

// quantum returns w in units of 1/weightScale; a positive weight is at
// least one, so that no term of a vector weighs nothing.
func quantum(w float32) uint16 {
	if w <= 0 {
		return 0
	}
	return uint16(max(1, math.Round(float64(min(w, 1))*weightScale)))
}

// heldVector is a story's term vector as a held story keeps it: its terms,
// as their indexes in the term table (3 bytes each, or 4: see record.go),
// and their quantised weights, 5 bytes a term where a cluster.Vector takes
// 12.
type heldVector struct {
	idx     termIdx // in the order of their terms
	weights []uint16
	dict    *termTable
}

// holdWeights returns the weights of a vector whose weights are quantised
// (see vector), as a held story keeps them.
func holdWeights(v cluster.Vector) []uint16 {
	w := make([]uint16, len(v.Weights))
	for i, x := range v.Weights {
		w[i] = quantum(x)
	}
	return w
}

// terms returns the terms, in a new slice.
func (h heldVector) terms() []uint64 {
	out := make([]uint64, h.idx.len())
	for i := range out {
		out[i] = h.dict.terms[h.idx.at(i)]
	}
	return out
}

// has reports whether t is one of the terms.
func (h heldVector) has(t uint64) bool {
	terms, n := h.dict.terms, h.idx.len()
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if terms[h.idx.at(m)] < t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < n && terms[h.idx.at(lo)] == t
}

// vector returns the vector h was made from.
func (h heldVector) vector() cluster.Vector {
	v := cluster.Vector{Terms: h.terms(), Weights: make([]float32, len(h.weights))}
	for i, q := range h.weights {
		v.Weights[i] = float32(q) / weightScale
	}
	return v
}

// dot returns the inner product of v and the vector h was made from, as
// cluster.Vector.Dot does.
func (h heldVector) dot(v cluster.Vector) float64 {
	n := h.idx.len()
	if n == 0 {
		return 0
	}
	var s float64
	terms := h.dict.terms
	i, j := 0, 0
	for i < n && j < len(v.Terms) {
		a, b := terms[h.idx.at(i)], v.Terms[j]
		if a == b {
			s += float64(float32(h.weights[i])/weightScale) * float64(v.Weights[j])
		}
		// Which side steps is as unpredictable as the order of two
		// hashes: stepped without branches, which also hides the
		// decoding of the index.
		i += b2i(a <= b)
		j += b2i(b <= a)
	}
	return s
}

// b2i returns 1 for true, 0 for false.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
