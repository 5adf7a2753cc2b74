package dedup

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/newsdup/newsdup/dedup/cluster"
	"github.com/newsdup/newsdup/shingle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Packed arrays read back as they were given, whatever sections are empty
// and whatever their lengths (so whatever the alignment of each section),
// once the records packed after them in the same slab are packed too.
func TestPackedArrays(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	u64 := func(n int) []uint64 {
		s := make([]uint64, n)
		for i := range s {
			s[i] = rng.Uint64()
		}
		return s
	}
	u32 := func(n int) []uint32 {
		s := make([]uint32, n)
		for i := range s {
			s[i] = rng.Uint32()
		}
		return s
	}
	var slab recordSlab
	dict := newTermTable()
	type packed struct {
		a recordArrays
		r *storyRec
	}
	var all []packed
	for range 500 {
		n := func() int {
			if rng.IntN(4) == 0 {
				return 0
			}
			return rng.IntN(9)
		}
		nt := n()
		a := recordArrays{
			terms: u64(nt), weights: make([]uint16, nt), lines: u32(n()), setLen: n(),
			ids: u32(n()), offsets: make([]byte, n()), numbers: u32(n()),
		}
		// Most trials have words that are terms of the vector, as a
		// story's are; the others keep their ids whole.
		if nt > 0 && rng.IntN(4) > 0 {
			for i := range a.ids {
				a.ids[i] = uint32(a.terms[rng.IntN(nt)])
			}
		}
		for i := range a.weights {
			a.weights[i] = uint16(rng.Uint32())
		}
		for i := range a.offsets {
			a.offsets[i] = byte(rng.Uint32())
		}
		for range n() {
			a.quotes = append(a.quotes, shingle.Span{Start: rng.IntN(1000), End: 1000 + rng.IntN(1000)})
		}
		all = append(all, packed{a, &storyRec{arrays: slab.pack(a, dict)}})
	}
	for trial, p := range all {
		a, r, nt := p.a, p.r, len(p.a.terms)
		ids := 4 * len(a.ids) // whole
		if r.arrays.idWidth > 0 {
			ids = len(a.ids) // as term indexes, one byte each
		}
		require.Equal(t, uint8(3), r.arrays.termWidth, "trial %d: term indexes in 3 bytes", trial)
		require.Equal(t, (r.arrays.bytesEnd()+7)/8, (4*(len(a.lines)+len(a.numbers)+2*len(a.quotes))+2*nt+len(a.offsets)+ids+3*nt+7)/8, "trial %d: sized to fit", trial)
		assert.Equal(t, nonNil(a.lines), nonNil(r.lines()), "trial %d", trial)
		assert.Equal(t, a.setLen, int(r.arrays.shingles), "trial %d: the size of the copy set, which is not kept", trial)
		assert.Equal(t, nonNil(a.ids), nonNil(r.ids(dict)), "trial %d", trial)
		assert.Equal(t, nonNil(a.numbers), nonNil(r.numbers()), "trial %d", trial)
		assert.Equal(t, nonNil(a.quotes), nonNil(r.quotes()), "trial %d", trial)
		assert.Equal(t, nonNil(a.offsets), nonNil(r.words(dict).offsets), "trial %d", trial)
		v := r.vec(dict)
		assert.Equal(t, nonNil(a.terms), nonNil(v.terms()), "trial %d", trial)
		assert.Equal(t, nonNil(a.weights), nonNil(v.weights), "trial %d", trial)
		// The views are capped: appending to one never writes into the next.
		if numbers := r.numbers(); len(numbers) > 0 {
			assert.Equal(t, len(numbers), cap(numbers))
		}
	}
}

// A story's words are kept as indexes into its terms, one byte each for up
// to 256 terms and two beyond, whatever the gaps between the terms and
// when two terms share a word id; words that are not all terms keep their
// ids whole, and so do the words of a vector too long to index.
func TestPackedWordIndexes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	terms := func(n int) []uint64 {
		s := make([]uint64, n)
		for i := range s {
			s[i] = rng.Uint64()
		}
		slices.Sort(s)
		return s
	}
	idsOf := func(terms []uint64, n int) []uint32 {
		ids := make([]uint32, n)
		for i := range ids {
			ids[i] = uint32(terms[rng.IntN(len(terms))])
		}
		return ids
	}
	many := terms(300)
	one := terms(1)
	gaps := []uint64{0, 1, 1 << 32, 1<<32 | 1, math.MaxUint64 - 1, math.MaxUint64}
	shared := []uint64{7, 1<<32 | 7, 2<<32 | 9} // the first two share word id 7
	huge := make([]uint64, 1<<16+1)
	for i := range huge {
		huge[i] = uint64(i)
	}
	for _, c := range []struct {
		name  string
		terms []uint64
		ids   []uint32
		width uint8
	}{
		{"no words", many, nil, 0},
		{"no terms", nil, []uint32{1, 2}, 0},
		{"one term, one word", one, []uint32{uint32(one[0])}, 1},
		{"one term, words", one, idsOf(one, 50), 1},
		{"the last of 256 terms", many[:256], []uint32{uint32(many[255]), uint32(many[0])}, 1},
		{"257 terms", many[:257], []uint32{uint32(many[256]), uint32(many[0])}, 2},
		{"300 terms", many, idsOf(many, 1000), 2},
		{"large gaps between terms", gaps, []uint32{0, 1, 0, math.MaxUint32 - 1, math.MaxUint32, 1}, 1},
		{"terms sharing an id", shared, []uint32{7, 9, 7}, 1},
		{"a word that is no term", many, append(idsOf(many, 20), 12345), 0},
		{"too many terms", huge, []uint32{0, 1 << 16}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := recordArrays{terms: c.terms, weights: make([]uint16, len(c.terms)), ids: c.ids,
				numbers: []uint32{3, 4}, quotes: []shingle.Span{{Start: 1, End: 2}}}
			dict := newTermTable()
			r := &storyRec{arrays: new(recordSlab).pack(a, dict)}
			assert.Equal(t, c.width, r.arrays.idWidth)
			assert.Equal(t, nonNil(c.ids), nonNil(r.ids(dict)))
			assert.Equal(t, append([]uint32{9}, c.ids...), r.appendIDs(dict, []uint32{9}))
			assert.Equal(t, nonNil(c.terms), nonNil(r.vec(dict).terms()))
			assert.Equal(t, []uint32{3, 4}, r.numbers())
			assert.Equal(t, []shingle.Span{{Start: 1, End: 2}}, r.quotes())
		})
	}
}

// A record keeps its terms' indexes in the term table in 3 bytes each when
// they are all below 1<<24, in 4 when one is not, and reads back the same
// either way; a table past 1<<24 terms still gives 3 bytes to a record
// whose indexes fit them. Its terms are let go whatever the width.
func TestPackedTermIndexes(t *testing.T) {
	// Tables of 1<<24+3 indexes whose free ones are the five to hand out:
	// their arrays are left untouched but for those, so few of their
	// pages are ever in memory.
	const big = 1 << 24
	tableTerms, tableRefs := make([]uint64, big+3), make([]uint32, big+3)
	terms := []uint64{3, 1 << 40, 1<<40 | 1, math.MaxUint64 - 1, math.MaxUint64}
	for _, c := range []struct {
		name  string
		free  []uint32 // popped from the end
		width uint8
		idx   []uint32 // the indexes of terms
	}{
		{"indexes below 1<<24", []uint32{0, big - 1, 7, 1 << 16, 255}, 3, []uint32{255, 1 << 16, 7, big - 1, 0}},
		{"an index of 1<<24", []uint32{big, 5, 6, 1 << 23, 2}, 4, []uint32{2, 1 << 23, 6, 5, big}},
		{"indexes above 1<<24", []uint32{big + 2, big + 1, 9, 1<<24 - 2, 1}, 4, []uint32{1, 1<<24 - 2, 9, big + 1, big + 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dict := &termTable{terms: tableTerms, refs: tableRefs, free: slices.Clone(c.free)}
			a := recordArrays{
				terms: terms, weights: []uint16{1, 2, 65535, 4, 5},
				lines: []uint32{11, 12}, setLen: 3,
				ids:     []uint32{3, 1, math.MaxUint32, 0, 3}, // terms' low 32 bits: indexes into terms
				offsets: []byte{1, 2, 3, 4, 5, 6}, numbers: []uint32{7, 8},
				quotes: []shingle.Span{{Start: 1, End: 9}},
			}
			r := &storyRec{arrays: new(recordSlab).pack(a, dict)}
			require.Equal(t, c.width, r.arrays.termWidth)
			require.Equal(t, uint8(1), r.arrays.idWidth, "words as indexes into the terms")
			idx := r.arrays.termIdx()
			require.Equal(t, len(terms), idx.len())
			for i, want := range c.idx {
				assert.Equal(t, want, idx.at(i), "index %d", i)
			}
			assert.Equal(t, 4*(2+2+2)+2*5+6+5+int(c.width)*5, r.arrays.bytesEnd(), "sized to the width")

			v := r.vec(dict)
			assert.Equal(t, terms, v.terms())
			assert.Equal(t, a.weights, v.weights)
			for _, x := range terms {
				assert.True(t, v.has(x))
			}
			assert.False(t, v.has(2))
			assert.InDelta(t, float64(65535)/weightScale*0.5+float64(5)/weightScale*2,
				v.dot(cluster.Vector{Terms: []uint64{1<<40 | 1, 1 << 41, math.MaxUint64}, Weights: []float32{0.5, 1, 2}}), 1e-12)
			assert.Equal(t, a.lines, r.lines())
			assert.Equal(t, a.ids, r.ids(dict))
			assert.Equal(t, a.numbers, r.numbers())
			assert.Equal(t, a.quotes, r.quotes())
			assert.Equal(t, a.offsets, r.words(dict).offsets)
			assert.Equal(t, a.setLen, int(r.arrays.shingles))

			r.arrays.release(dict)
			assert.ElementsMatch(t, c.idx, dict.retired, "every term let go")
			assert.Zero(t, dict.n)
		})
	}
}

// The term indexes of a view read back as they were put, in 3 bytes or 4.
func TestTermIdx(t *testing.T) {
	for _, wide := range []bool{false, true} {
		w := 3
		values := []uint32{0, 1, 0xabcdef, 1<<24 - 1, 0x10203}
		if wide {
			w = 4
			values = append(values, 1<<24, math.MaxUint32)
		}
		x := termIdx{b: make([]byte, w*len(values)), wide: wide}
		for i, v := range values {
			x.put(i, v)
		}
		require.Equal(t, len(values), x.len())
		for i, v := range values {
			assert.Equal(t, v, x.at(i), "width %d, index %d", w, i)
		}
	}
	assert.Zero(t, termIdx{}.len())
}

// A record's arrays take one pointer (their storage) and their lengths in
// the record.
func TestPackedArraysSize(t *testing.T) {
	assert.Equal(t, uintptr(40), unsafe.Sizeof(packedArrays{}))
	assert.Nil(t, new(recordSlab).pack(recordArrays{}, newTermTable()).data, "no arrays, no storage")
}

// A held story's record fills a 112-byte size class: its time is a stamp
// (one, and whether it is its own) and its source an index, not time.Times
// and a string, and its arrays do not point at the term table.
func TestStoryRecSize(t *testing.T) {
	assert.Equal(t, uintptr(112), unsafe.Sizeof(storyRec{}))
}

// A stamp holds a time to the nanosecond, in UTC, and none as noStamp; one
// past the range of Unix nanoseconds is held as the last time there.
func TestStamp(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(2026, 12, 6, 13, 45, 1, 123456789, time.FixedZone("CET", 3600)),
		time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, 0), // the epoch is a time, not none
	} {
		s := stampOf(tm)
		require.NotEqual(t, noStamp, s)
		assert.True(t, tm.Equal(s.time()), "%v", tm)
		assert.Equal(t, time.UTC, s.time().Location())
	}
	assert.Equal(t, noStamp, stampOf(time.Time{}))
	assert.True(t, noStamp.time().IsZero())
	assert.True(t, lastStamp.Equal(stampOf(time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)).time()))
	assert.Less(t, stampOf(time.Unix(5, 0)), stampOf(time.Unix(5, 1)), "stamps order as times do")
}

// The source table keeps each source once, with the stories from it, lets
// go of one no story has, and reuses its index only after settle.
func TestSourceTable(t *testing.T) {
	var st sourceTable
	assert.Equal(t, uint32(0), st.intern(""), "no source is index 0, not counted")
	st.release(0)
	afp := st.intern("afp")
	assert.Equal(t, afp, st.intern("afp"))
	ap := st.intern("ap")
	assert.NotEqual(t, afp, ap)
	assert.Equal(t, "afp", st.name(afp))
	assert.Equal(t, 2, st.len())

	st.release(afp)
	assert.Equal(t, "afp", st.name(afp), "one story from it is still held")
	st.release(afp)
	assert.Equal(t, 1, st.len())
	assert.Equal(t, "afp", st.name(afp), "let go, it can still be read until settle")
	reuters := st.intern("reuters")
	assert.NotEqual(t, afp, reuters, "not reused before settle")
	st.settle()
	assert.Equal(t, afp, st.intern("dpa"), "reused after settle")
	assert.Equal(t, "dpa", st.name(afp))
	assert.Equal(t, "ap", st.name(ap))
}

// A slab hands out records one after the other from a chunk, each capped,
// starts a chunk when the rest of the current one is too short, and gives
// records over slabLargest words an allocation of their own.
func TestRecordSlab(t *testing.T) {
	var s recordSlab
	assert.Nil(t, s.alloc(0))
	a := s.alloc(3)
	b := s.alloc(slabLargest)
	require.Len(t, a, 3)
	require.Equal(t, 3, cap(a), "capped")
	require.Len(t, b, slabLargest)
	assert.Equal(t, unsafe.Pointer(&a[0]), unsafe.Add(unsafe.Pointer(&b[0]), -3*8), "a, then b, in one chunk")
	_ = append(a, 1)
	assert.Equal(t, uint64(0), b[0], "appending to a record does not write into the next")
	assert.Equal(t, slabWords-3-slabLargest, len(s.free))

	alone := s.alloc(slabLargest + 1)
	require.Len(t, alone, slabLargest+1)
	assert.Equal(t, slabWords-3-slabLargest, len(s.free), "a large record leaves the chunk alone")

	for len(s.free) >= slabLargest {
		s.alloc(slabLargest)
	}
	rest := len(s.free)
	c := s.alloc(rest + 1)
	require.Len(t, c, rest+1)
	assert.Equal(t, slabWords-rest-1, len(s.free), "a new chunk")
	for _, x := range c {
		assert.Zero(t, x)
	}
	var none *recordSlab
	assert.Len(t, none.alloc(5), 5, "a nil slab allocates each record alone")
}

// nonNil maps a nil slice to an empty one, so that Equal compares contents.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// A held story keeps its lines by key, the low 32 bits of their hashes,
// and a snapshot written when they were kept whole loads into the same
// keys: re-sorted, and counted together where two hashes share a key.
func TestLineKeys(t *testing.T) {
	assert.Equal(t, uint32(0), lineKey(0), "no title, a line without words")
	assert.Equal(t, uint32(1), lineKey(7<<32), "a hash with no low bits is not mistaken for none")
	assert.Equal(t, uint32(0xdeadbeef), lineKey(0x12345678_deadbeef))
	for _, k := range []uint32{1, 42, 0xdeadbeef} {
		assert.Equal(t, k, lineKey(uint64(k)), "a key read back is itself")
	}

	// Whole hashes, sorted as the old snapshots wrote them.
	old := []uint64{2<<32 | 9, 3<<32 | 1, 5<<32 | 9, 6<<32 | 4}
	var lines []lineCount
	for i, h := range old {
		lines = append(lines, lineCount{lineKey(h), int32(i + 1)})
	}
	assert.Equal(t, []lineCount{{1, 2}, {4, 4}, {9, 1 + 3}}, lineCounts(lines))
	assert.Equal(t, []lineCount{{1, 2}, {4, 4}}, lineCounts([]lineCount{{1, 2}, {4, 4}}), "keys in order are kept as they are")
	assert.Equal(t, []lineCount{{3, math.MaxInt32}}, lineCounts([]lineCount{{3, math.MaxInt32}, {3, 5}}), "counts do not overflow")
}

// A story sent again word for word under its title keeps the arrays of the
// story it copies, term weights included, and counts its use of their terms;
// either may leave first. A copy under another headline keeps its own. A
// snapshot loaded shares them again.
func TestCopiesShareArrays(t *testing.T) {
	stories, _ := reuters(t)
	d := newDetector(t, Config{Window: -1})
	var firsts, agains []string
	for _, s := range stories[:40] {
		_, err := d.Add(s)
		require.NoError(t, err)
		firsts = append(firsts, s.ID)
		s.ID += "-again"
		r, err := d.Add(s)
		require.NoError(t, err)
		require.Equal(t, Copy, r.Kind, s.ID)
		agains = append(agains, s.ID)
		s.ID += "-retitled"
		s.Title = "Zanzibar ferry " + s.Title
		_, err = d.Add(s)
		require.NoError(t, err)
	}
	// users counts the records holding each run of arrays.
	users := func(d *Detector) map[*uint64]int {
		n := map[*uint64]int{}
		for r := range d.st.stories.all() {
			n[r.arrays.data]++
		}
		return n
	}
	terms := func(d *Detector) map[uint64]uint32 {
		want := map[uint64]uint32{}
		for r := range d.st.stories.all() {
			for _, term := range r.vec(d.st.vocab).terms() {
				want[term]++
			}
		}
		return want
	}
	// A few stories lose a line the second time, which the first taught
	// the detector to be boilerplate: the others have the same words.
	n, same := users(d), 0
	for i, id := range agains {
		if d.st.stories.get(firsts[i]).identity == d.st.stories.get(id).identity {
			same++
			assert.GreaterOrEqual(t, n[d.st.stories.get(id).arrays.data], 2, id)
		}
		assert.Equal(t, 1, n[d.st.stories.get(id+"-retitled").arrays.data], id+"-retitled")
	}
	assert.GreaterOrEqual(t, same, 35, "copies with the words of their first")
	checkTermTable(t, d.st.vocab, terms(d), "all held")

	// The snapshot names the story whose arrays a copy shares, and Load
	// shares them again: the copies take a few bytes of it each.
	var buf bytes.Buffer
	require.NoError(t, d.Save(&buf))
	size := buf.Len()
	loaded, err := Load(&buf, Config{Window: -1})
	require.NoError(t, err)
	ln := users(loaded)
	for i, id := range agains {
		a, b := d.st.stories.get(id), loaded.st.stories.get(id)
		assert.Equal(t, n[a.arrays.data], ln[b.arrays.data], id)
		assert.Equal(t, d.st.stories.get(firsts[i]).arrays.data == a.arrays.data,
			loaded.st.stories.get(firsts[i]).arrays.data == b.arrays.data, id)
		assert.Equal(t, a.vec(d.st.vocab).vector(), b.vec(loaded.st.vocab).vector(), id)
	}
	checkTermTable(t, loaded.st.vocab, terms(loaded), "loaded")
	without := newDetector(t, Config{Window: -1})
	for _, s := range stories[:40] {
		_, err := without.Add(s)
		require.NoError(t, err)
		s.ID += "-again-retitled"
		s.Title = "Zanzibar ferry " + s.Title
		_, err = without.Add(s)
		require.NoError(t, err)
	}
	// without holds the 40 stories and their retitled copies: the copies
	// sharing arrays add less than a tenth of what the 40 stories take.
	base := len(snapshotOf(t, without))
	assert.Less(t, size-base, base/20, "bytes the copies sharing arrays add to a snapshot of %d", base)

	// The first of each pair leaves for half of them, the copy for the
	// others: what stays reads its vector whole.
	for i := range firsts {
		gone, kept := firsts[i], agains[i]
		if i%2 == 1 {
			gone, kept = kept, gone
		}
		want := d.st.stories.get(kept).vec(d.st.vocab).terms()
		require.NoError(t, d.Remove(gone))
		d.st.vocab.settle()
		assert.Equal(t, want, d.st.stories.get(kept).vec(d.st.vocab).terms(), kept)
	}
	checkTermTable(t, d.st.vocab, terms(d), "half removed")
	var left []string
	for r := range d.st.stories.all() {
		left = append(left, r.id)
	}
	for _, id := range left {
		require.NoError(t, d.Remove(id))
	}
	assert.Zero(t, d.st.vocab.len())
}
