package dedup

import (
	"encoding/binary"
	"math/bits"
	"unsafe"

	"github.com/newsdup/newsdup/shingle"
)

// A held story keeps its arrays (term vector, line keys, word ids and
// offsets, figures, quotes) packed into one run of words without
// pointers, in a chunk shared with the stories that came before and after
// it (recordSlab): no object of its own for the allocator where there were
// nine, one pointer (the run) and the lengths in the record where there
// were nine slice headers, and nothing in it for the garbage collector to
// scan. The term table its terms are interned in is the state's (vocab),
// which every method reading its terms takes as dict: a pointer to it in
// each record took 8 bytes a story.
//
// Its terms are kept as their indexes in the detector's term table
// (termTable), 3 bytes a term where the term takes 8 (4 in a story with an
// index of 1<<24 or more, which only a table of more than 16 million terms
// hands out); a story that leaves lets them go (release).
//
// Its content words are kept as the index of their term in its term vector,
// one byte a word when the vector has at most 256 terms, two when it has
// more, where a word id takes four: each content word is a term of the
// vector (the vector counts the same words, and the title's), and a word's
// id is the low 32 bits of its term. A story whose words are not all terms
// of its vector (one loaded from a snapshot that says otherwise) keeps
// its ids whole.
//
// Its copy set is not kept, only its size: the set is hashed again from
// the word ids when a copy check needs it (copySetOf, setProbe), about a
// third of what the arrays took, for a microsecond or so a check.

// recordArrays are the arrays of a held story, before packing.
type recordArrays struct {
	terms   []uint64 // term vector: terms
	weights []uint16 // and their quantised weights (heldVector)
	lines   []uint32 // keys of its lines (lineKey)
	setLen  int      // the size of its copy set (copySet), which is not kept
	ids     []uint32 // content word ids
	offsets []byte   // and their byte ranges (heldWords)
	numbers []uint32 // word ids of its figures
	quotes  []shingle.Span
}

// packedArrays holds recordArrays in one []uint64: as uint32s the lines,
// the ids when they are kept whole, the numbers and the quotes (start and
// end), then as uint16s the weights, then the offsets' bytes, the words'
// indexes in the terms (idWidth bytes each, little-endian) and the terms'
// indexes in the term table (termWidth bytes each, little-endian).
type packedArrays struct {
	data                               *uint64 // the first of its (bytesEnd()+7)/8 words, nil if none
	terms, lines, ids, numbers, quotes uint32  // lengths
	offsets                            uint32
	shingles                           uint32 // the size of the copy set (not kept)
	idWidth                            uint8  // bytes of a word's term index; 0: the ids are kept whole
	termWidth                          uint8  // bytes of a term's index in the term table: 3, or 4 if one is 1<<24 or more
}

// recordSlab hands out the storage of packed arrays from chunks of
// slabWords words, one record after the other, rather than one allocation
// a record: the records do not share the allocator's size classes with the
// short-lived slices of deciding a story, whose spans a record would keep
// in use after they are freed, nor lose their size rounded up to a size
// class. A chunk is freed once none of its records is held: records leave
// in about the order they came (the window's), so the chunks empty in
// order too, and a chunk holds a few dozen records. Records over
// slabLargest words have an allocation of their own. The zero recordSlab
// is ready to use; it is not safe for concurrent use.
type recordSlab struct {
	free []uint64 // the rest of the current chunk
	last []uint64 // free before the last alloc from the chunk (see giveBack)
}

const (
	slabWords   = 4096 // 32 KiB
	slabLargest = slabWords / 8
)

// alloc returns n zeroed words, capped.
func (s *recordSlab) alloc(n int) []uint64 {
	switch {
	case n == 0:
		return nil
	case s == nil || n > slabLargest:
		return make([]uint64, n)
	case n > len(s.free):
		s.free = make([]uint64, slabWords)
	}
	d := s.free[:n:n]
	s.last = s.free
	s.free = s.free[n:]
	return d
}

// giveBack returns the words of p to s when they are the last it handed
// out (else they are left to the garbage collector with their chunk), for
// the next record to take: p must not be read again.
func (s *recordSlab) giveBack(p packedArrays) {
	if s != nil && p.data != nil && p.data == unsafe.SliceData(s.last) {
		clear(s.last[:len(s.last)-len(s.free)])
		s.free, s.last = s.last, nil
	}
}

// pack returns the packed form of a, stored in s (alone when s is nil),
// its terms interned in dict: see release.
func (s *recordSlab) pack(a recordArrays, dict *termTable) packedArrays {
	p := packedArrays{
		terms: uint32(len(a.terms)), lines: uint32(len(a.lines)), shingles: uint32(a.setLen),
		ids: uint32(len(a.ids)), numbers: uint32(len(a.numbers)), quotes: uint32(len(a.quotes)),
		offsets: uint32(len(a.offsets)),
	}
	idx, ok := termIndexes(a.terms, a.ids)
	if ok && len(a.ids) > 0 {
		p.idWidth = 1
		if len(a.terms) > 1<<8 {
			p.idWidth = 2
		}
	}
	// The terms' indexes are below len(dict.terms)+len(a.terms), the
	// table's length once they are interned: when that is 1<<24 or less,
	// as it all but always is, they fit 3 bytes before they are known;
	// else they are interned first to see.
	var interned []uint32
	p.termWidth = 3
	if len(dict.terms)+len(a.terms) > maxTermIdx3 {
		interned = make([]uint32, len(a.terms))
		for i, t := range a.terms {
			interned[i] = dict.intern(t)
			if interned[i] >= maxTermIdx3 {
				p.termWidth = 4
			}
		}
	}
	p.data = unsafe.SliceData(s.alloc((p.bytesEnd() + 7) / 8))
	u32 := p.u32()
	n := copy(u32, a.lines)
	if p.idWidth == 0 {
		n += copy(u32[n:], a.ids)
	}
	n += copy(u32[n:], a.numbers)
	for _, q := range a.quotes {
		u32[n], u32[n+1] = uint32(q.Start), uint32(q.End)
		n += 2
	}
	copy(p.weightsView(), a.weights)
	copy(p.offsetsView(), a.offsets)
	ti := p.termIdx()
	for i, t := range a.terms {
		if interned != nil {
			ti.put(i, interned[i])
		} else {
			ti.put(i, dict.intern(t))
		}
	}
	b := p.indexesView()
	switch p.idWidth {
	case 1:
		for i, x := range idx {
			b[i] = byte(x)
		}
	case 2:
		for i, x := range idx {
			binary.LittleEndian.PutUint16(b[2*i:], x)
		}
	}
	return p
}

// maxTermIdx3 bounds the term indexes kept in 3 bytes.
const maxTermIdx3 = 1 << 24

// termIndexes returns, for each of ids, the index in terms (at most 1<<16
// of them) of a term whose low 32 bits are the id, and whether every id
// has one.
func termIndexes(terms []uint64, ids []uint32) ([]uint16, bool) {
	if len(ids) == 0 || len(terms) > 1<<16 {
		return nil, len(ids) == 0
	}
	// An open-addressing table of the terms by id, twice their number of
	// slots or more, each holding a term's index plus one (0: empty). Ids
	// are hash bits, so their low bits place them.
	mask := uint32(1)<<bits.Len(uint(2*len(terms))) - 1
	slots := make([]uint32, mask+1)
	for i, t := range terms {
		j := uint32(t) & mask
		for slots[j] != 0 && uint32(terms[slots[j]-1]) != uint32(t) {
			j = (j + 1) & mask
		}
		if slots[j] == 0 {
			slots[j] = uint32(i) + 1
		}
	}
	idx := make([]uint16, len(ids))
	for i, id := range ids {
		j := id & mask
		for {
			k := slots[j]
			if k == 0 {
				return nil, false
			}
			if uint32(terms[k-1]) == id {
				idx[i] = uint16(k - 1)
				break
			}
			j = (j + 1) & mask
		}
	}
	return idx, true
}

// sameBarWeights reports whether p and q, interned in one term table, hold
// the same arrays but for the weights of their terms.
func (p *packedArrays) sameBarWeights(q *packedArrays) bool {
	pd, qd := *p, *q
	pd.data, qd.data = nil, nil
	if pd != qd {
		return false
	}
	if p.data == q.data {
		return true
	}
	a, b, n := p.u16Start(), p.bytesStart(), p.bytesEnd()
	pb, qb := view[byte](p.data, 0, n), view[byte](q.data, 0, n)
	return string(pb[:a]) == string(qb[:a]) && string(pb[b:]) == string(qb[b:])
}

// retain counts one more use of each of p's terms in dict, for a record
// that shares p's arrays (see state.share); each use is let go by release.
func (p *packedArrays) retain(dict *termTable) {
	idx := p.termIdx()
	for i := range idx.len() {
		dict.refs[idx.at(i)]++
	}
}

// release lets go of the terms of p in its term table: p's vector must not
// be read after the table settles.
func (p *packedArrays) release(dict *termTable) {
	idx := p.termIdx()
	for i := range idx.len() {
		dict.release(idx.at(i))
	}
}

// rawIDs returns the number of ids kept whole.
func (p *packedArrays) rawIDs() uint32 {
	if p.idWidth == 0 {
		return p.ids
	}
	return 0
}

// The byte offsets of the sections of data.
func (p *packedArrays) u32Len() int {
	return int(p.lines + p.rawIDs() + p.numbers + 2*p.quotes)
}
func (p *packedArrays) u16Start() int     { return 4 * p.u32Len() }
func (p *packedArrays) bytesStart() int   { return p.u16Start() + 2*int(p.terms) }
func (p *packedArrays) indexStart() int   { return p.bytesStart() + int(p.offsets) }
func (p *packedArrays) termIdxStart() int { return p.indexStart() + int(p.idWidth)*int(p.ids) }
func (p *packedArrays) bytesEnd() int     { return p.termIdxStart() + int(p.termWidth)*int(p.terms) }

// view returns n values of type T at byte offset off of data, nil when n is
// 0 (so that no pointer is made past the end of data).
func view[T any](data *uint64, off, n int) []T {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Add(unsafe.Pointer(data), off)), n)
}

func (p *packedArrays) u32() []uint32 { return view[uint32](p.data, 0, p.u32Len()) }

// termIdx returns the indexes of the terms in dict.
func (p *packedArrays) termIdx() termIdx {
	n := int(p.termWidth) * int(p.terms)
	return termIdx{b: view[byte](p.data, p.termIdxStart(), n), wide: p.termWidth == 4}
}

// termIdx is a view of the indexes of a held story's terms in its term
// table, each 3 bytes, little-endian, or 4 when wide. It is four words, so
// that it stays in registers in the loops that read it (heldVector.dot).
type termIdx struct {
	b    []byte
	wide bool
}

// len returns the number of indexes.
func (x termIdx) len() int {
	if x.wide {
		return len(x.b) / 4
	}
	return len(x.b) / 3
}

// at returns index i.
func (x termIdx) at(i int) uint32 {
	if x.wide {
		return binary.LittleEndian.Uint32(x.b[4*i:])
	}
	b := x.b[3*i : 3*i+3]
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
}

// put sets index i to v, which must fit the width.
func (x termIdx) put(i int, v uint32) {
	if x.wide {
		binary.LittleEndian.PutUint32(x.b[4*i:], v)
		return
	}
	b := x.b[3*i : 3*i+3]
	b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16)
}

func (p *packedArrays) weightsView() []uint16 {
	return view[uint16](p.data, p.u16Start(), int(p.terms))
}

func (p *packedArrays) offsetsView() []byte {
	return view[byte](p.data, p.bytesStart(), int(p.offsets))
}

func (p *packedArrays) indexesView() []byte {
	return view[byte](p.data, p.indexStart(), int(p.idWidth)*int(p.ids))
}

// The arrays of a held story, as views of its packed arrays: they must not
// be modified.

func (r *storyRec) lines() []uint32 {
	a := &r.arrays
	return a.u32()[:a.lines:a.lines]
}

// ids returns the story's content word ids, decoded into a new slice;
// dict is the term table of its terms (the state's vocab), as for every
// method that reads its terms.
func (r *storyRec) ids(dict *termTable) []uint32 {
	return r.appendIDs(dict, make([]uint32, 0, r.arrays.ids))
}

// appendIDs appends the story's content word ids to dst.
func (r *storyRec) appendIDs(dict *termTable, dst []uint32) []uint32 {
	a := &r.arrays
	if a.idWidth == 0 {
		return append(dst, a.u32()[a.lines:a.lines+a.ids]...)
	}
	idx, terms, b := a.termIdx(), dict.terms, a.indexesView()
	if a.idWidth == 1 {
		for _, i := range b {
			dst = append(dst, uint32(terms[idx.at(int(i))]))
		}
		return dst
	}
	for i := 0; i+1 < len(b); i += 2 {
		dst = append(dst, uint32(terms[idx.at(int(binary.LittleEndian.Uint16(b[i:])))]))
	}
	return dst
}

func (r *storyRec) numbers() []uint32 {
	a := &r.arrays
	lo := a.lines + a.rawIDs()
	return a.u32()[lo : lo+a.numbers : lo+a.numbers]
}

// quotes returns the story's quotations, decoded.
func (r *storyRec) quotes() []shingle.Span {
	a := &r.arrays
	if a.quotes == 0 {
		return nil
	}
	u := a.u32()[a.lines+a.rawIDs()+a.numbers:]
	out := make([]shingle.Span, a.quotes)
	for i := range out {
		out[i] = shingle.Span{Start: int(u[2*i]), End: int(u[2*i+1])}
	}
	return out
}

// words returns the story's words, their ids decoded into a new slice.
func (r *storyRec) words(dict *termTable) heldWords {
	return heldWords{ids: r.ids(dict), offsets: r.arrays.offsetsView()}
}

func (r *storyRec) vec(dict *termTable) heldVector {
	a := &r.arrays
	return heldVector{idx: a.termIdx(), weights: a.weightsView(), dict: dict}
}
