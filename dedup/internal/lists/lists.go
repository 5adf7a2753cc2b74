// Package lists keeps many small lists that change one element at a time (a
// cluster's members, the terms a cluster is posted under, the clusters
// posted under a term) in blocks carved from large shared chunks, rather
// than in a Go slice each.
//
// A Go slice that grows by append leaves its old array behind in a small
// size class, where the short-lived slices of deciding a story go too; the
// lists that stop growing at that size then keep spans of freed slots in
// use, and the heap in use outgrows the data held by a third. Blocks here
// are carved from chunks of chunkLen elements, which are never freed:
// a freed block goes to the free list of its size and is reused by the next
// list that needs a block of that size. The memory an Arena holds is
// therefore the most its lists ever held at once, size by size, which is
// what a detector holding a window of stories holds anyway.
package lists

// chunkBits sets the chunk size: 8,192 elements, 64 KiB of uint64 or
// 32 KiB of uint32, an allocation of its own in either case.
const (
	chunkBits = 13
	chunkLen  = 1 << chunkBits
	// classes are the block sizes: class c, from 1, holds 1<<(c-1)
	// elements, up to a whole chunk. A list longer than a chunk has a slice
	// of its own (class outsized).
	classes  = chunkBits + 1
	outsized = classes + 1
)

// List is a list kept in an Arena: its zero value is the empty list, and
// it is a value of 12 bytes, against 24 for a slice header. A List is read
// and changed only through the Arena that holds it.
type List struct {
	off   uint32 // chunk<<chunkBits | position of its block; the index in Arena.big when outsized
	n     uint32 // elements
	class uint8  // 0: no block
}

// Len returns the number of elements of l.
func (l List) Len() int { return int(l.n) }

// Arena holds lists of T. The zero Arena is ready to use. An Arena is not
// safe for concurrent use.
type Arena[T any] struct {
	chunks  [][]T
	next    int                   // start of the unused rest of the last chunk
	free    [classes + 1][]uint32 // free blocks by class
	big     [][]T                 // the outsized lists' slices, by index
	bigFree []uint32              // free indexes of big
}

// capOf returns the number of elements a block of class c holds.
func capOf(c uint8) int { return 1 << (c - 1) }

// classFor returns the smallest class whose blocks hold n elements, or
// outsized.
func classFor(n int) uint8 {
	c := uint8(1)
	for capOf(c) < n {
		if c++; c > classes {
			return outsized
		}
	}
	return c
}

// View returns the elements of l. The slice is the list's own storage: it
// is valid until l, or any other list of the arena, next changes, and
// appending to it does not reach other lists (its capacity is its length).
func (a *Arena[T]) View(l List) []T {
	switch l.class {
	case 0:
		return nil
	case outsized:
		return a.big[l.off][:l.n:l.n]
	}
	ch, pos := a.chunks[l.off>>chunkBits], int(l.off&(chunkLen-1))
	return ch[pos : pos+int(l.n) : pos+int(l.n)]
}

// block returns the whole block of l, up to its capacity.
func (a *Arena[T]) block(l List) []T {
	if l.class == outsized {
		return a.big[l.off]
	}
	ch, pos := a.chunks[l.off>>chunkBits], int(l.off&(chunkLen-1))
	return ch[pos : pos+capOf(l.class)]
}

// alloc returns an unused block of class c.
func (a *Arena[T]) alloc(c uint8, n int) (off uint32) {
	if c == outsized {
		s := make([]T, n+n/4) // its length is the block's: see block
		if k := len(a.bigFree); k > 0 {
			off = a.bigFree[k-1]
			a.bigFree = a.bigFree[:k-1]
			a.big[off] = s
			return off
		}
		a.big = append(a.big, s)
		return uint32(len(a.big) - 1)
	}
	if k := len(a.free[c]); k > 0 {
		off = a.free[c][k-1]
		a.free[c] = a.free[c][:k-1]
		return off
	}
	size := capOf(c)
	if len(a.chunks) == 0 || a.next+size > chunkLen {
		a.retireRest()
		a.chunks = append(a.chunks, make([]T, chunkLen))
		a.next = 0
	}
	off = uint32(len(a.chunks)-1)<<chunkBits | uint32(a.next)
	a.next += size
	return off
}

// retireRest puts the unused rest of the last chunk on the free lists, in
// the largest blocks it holds, before a new chunk is started.
func (a *Arena[T]) retireRest() {
	if len(a.chunks) == 0 {
		return
	}
	base := uint32(len(a.chunks)-1) << chunkBits
	for a.next < chunkLen {
		c := uint8(classes)
		for capOf(c) > chunkLen-a.next {
			c--
		}
		a.free[c] = append(a.free[c], base|uint32(a.next))
		a.next += capOf(c)
	}
}

// release frees the block of l, whose elements are no longer needed.
func (a *Arena[T]) release(l List) {
	switch l.class {
	case 0:
	case outsized:
		a.big[l.off] = nil
		a.bigFree = append(a.bigFree, l.off)
	default:
		clear(a.block(l)) // what is gone must not keep anything alive
		a.free[l.class] = append(a.free[l.class], l.off)
	}
}

// resize moves l to a block that fits n elements, of the class that fits
// them, keeping its first min(n, l.n) elements.
func (a *Arena[T]) resize(l *List, n int) {
	c := classFor(n)
	if c == outsized && l.class == outsized {
		s := make([]T, n+n/4)
		copy(s, a.View(*l))
		a.big[l.off] = s
		l.n = uint32(min(n, int(l.n)))
		return
	}
	moved := List{off: a.alloc(c, n), n: uint32(min(n, int(l.n))), class: c}
	copy(a.block(moved), a.View(*l))
	a.release(*l)
	*l = moved
}

// Append adds v at the end of l.
func (a *Arena[T]) Append(l *List, v ...T) {
	if len(v) == 0 {
		return
	}
	n := int(l.n) + len(v)
	if l.class == 0 || n > len(a.block(*l)) {
		a.resize(l, n)
	}
	copy(a.block(*l)[l.n:], v)
	l.n = uint32(n)
}

// Insert inserts v at position i of l, 0 <= i <= l.Len().
func (a *Arena[T]) Insert(l *List, i int, v T) {
	if i < 0 || i > int(l.n) {
		panic("lists: Insert out of range")
	}
	var zero T
	a.Append(l, zero)
	b := a.View(*l)
	copy(b[i+1:], b[i:])
	b[i] = v
}

// Delete removes the element at position i of l. A list left with a
// quarter of its block or less moves to a smaller one, so that a list that
// shrinks gives its memory back to the arena.
func (a *Arena[T]) Delete(l *List, i int) {
	b := a.View(*l)
	if i < 0 || i >= len(b) {
		panic("lists: Delete out of range")
	}
	copy(b[i:], b[i+1:])
	var zero T
	b[len(b)-1] = zero
	l.n--
	switch {
	case l.n == 0:
		a.Release(l)
	case l.class > 2 && int(l.n) <= len(a.block(*l))/4:
		a.resize(l, int(l.n))
	}
}

// Release empties l and frees its storage.
func (a *Arena[T]) Release(l *List) {
	a.release(*l)
	*l = List{}
}

// Set makes l a list of the elements of v.
func (a *Arena[T]) Set(l *List, v []T) {
	a.Release(l)
	a.Append(l, v...)
}

// Chunks returns the number of chunks the arena has allocated, each of
// 8,192 elements, for its callers' accounting of memory; outsized lists are
// not counted.
func (a *Arena[T]) Chunks() int { return len(a.chunks) }
