package dedup

import (
	"unsafe"

	"github.com/newsdup/newsdup/shingle"
)

// A held story keeps its arrays (term vector, line hashes, copy set, word
// ids and offsets, figures, quotes) packed into one allocation without
// pointers: one object for the allocator where there were nine, so less is
// lost to rounding, nine fewer slice headers in the record, and nothing in
// it for the garbage collector to scan.

// recordArrays are the arrays of a held story, before packing.
type recordArrays struct {
	terms    []uint64 // term vector: terms
	weights  []uint16 // and their quantised weights (heldVector)
	lines    []uint64 // hashes of its lines
	shingles []uint32 // copy set (copySet)
	ids      []uint32 // content word ids
	offsets  []byte   // and their byte ranges (heldWords)
	numbers  []uint32 // word ids of its figures
	quotes   []shingle.Span
}

// packedArrays holds recordArrays in one []uint64: the terms and lines,
// then as uint32s the shingles, ids, numbers and quotes (start and end),
// then as uint16s the weights, then the offsets' bytes.
type packedArrays struct {
	data                                 []uint64
	terms, lines, shingles, ids, numbers uint32 // lengths
	quotes, offsets                      uint32
}

// pack returns the packed form of a.
func pack(a recordArrays) packedArrays {
	p := packedArrays{
		terms: uint32(len(a.terms)), lines: uint32(len(a.lines)), shingles: uint32(len(a.shingles)),
		ids: uint32(len(a.ids)), numbers: uint32(len(a.numbers)), quotes: uint32(len(a.quotes)),
		offsets: uint32(len(a.offsets)),
	}
	size := p.bytesEnd()
	p.data = make([]uint64, (size+7)/8)
	copy(p.data, a.terms)
	copy(p.data[len(a.terms):], a.lines)
	u32 := p.u32()
	n := copy(u32, a.shingles)
	n += copy(u32[n:], a.ids)
	n += copy(u32[n:], a.numbers)
	for _, q := range a.quotes {
		u32[n], u32[n+1] = uint32(q.Start), uint32(q.End)
		n += 2
	}
	copy(p.weightsView(), a.weights)
	copy(p.offsetsView(), a.offsets)
	return p
}

// The byte offsets of the sections of data.
func (p *packedArrays) u32Start() int   { return 8 * int(p.terms+p.lines) }
func (p *packedArrays) u32Len() int     { return int(p.shingles + p.ids + p.numbers + 2*p.quotes) }
func (p *packedArrays) u16Start() int   { return p.u32Start() + 4*p.u32Len() }
func (p *packedArrays) bytesStart() int { return p.u16Start() + 2*int(p.terms) }
func (p *packedArrays) bytesEnd() int   { return p.bytesStart() + int(p.offsets) }

// view returns n values of type T at byte offset off of data, nil when n is
// 0 (so that no pointer is made past the end of data).
func view[T any](data []uint64, off, n int) []T {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(data)), off)), n)
}

func (p *packedArrays) u32() []uint32 { return view[uint32](p.data, p.u32Start(), p.u32Len()) }

func (p *packedArrays) weightsView() []uint16 {
	return view[uint16](p.data, p.u16Start(), int(p.terms))
}

func (p *packedArrays) offsetsView() []byte {
	return view[byte](p.data, p.bytesStart(), int(p.offsets))
}

// The arrays of a held story, as views of its packed arrays: they must not
// be modified.

func (r *storyRec) lines() []uint64 {
	return r.arrays.data[r.arrays.terms : r.arrays.terms+r.arrays.lines : r.arrays.terms+r.arrays.lines]
}

func (r *storyRec) shingles() []uint32 {
	return r.arrays.u32()[:r.arrays.shingles:r.arrays.shingles]
}

func (r *storyRec) ids() []uint32 {
	a := &r.arrays
	return a.u32()[a.shingles : a.shingles+a.ids : a.shingles+a.ids]
}

func (r *storyRec) numbers() []uint32 {
	a := &r.arrays
	lo := a.shingles + a.ids
	return a.u32()[lo : lo+a.numbers : lo+a.numbers]
}

// quotes returns the story's quotations, decoded.
func (r *storyRec) quotes() []shingle.Span {
	a := &r.arrays
	if a.quotes == 0 {
		return nil
	}
	u := a.u32()[a.shingles+a.ids+a.numbers:]
	out := make([]shingle.Span, a.quotes)
	for i := range out {
		out[i] = shingle.Span{Start: int(u[2*i]), End: int(u[2*i+1])}
	}
	return out
}

func (r *storyRec) words() heldWords {
	return heldWords{ids: r.ids(), offsets: r.arrays.offsetsView()}
}

func (r *storyRec) vec() heldVector {
	a := &r.arrays
	return heldVector{terms: a.data[:a.terms:a.terms], weights: a.weightsView()}
}
