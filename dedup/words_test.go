package dedup

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cespare/xxhash/v2"
	"github.com/newsdup/newsdup/dedup/minhash"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHeldWords(t *testing.T) {
	words := []word{{7, 0, 5}, {9, 6, 12}, {7, 300, 301}, {1 << 31, 70000, 70100}}
	h := holdWords(words, wordIDs(words))
	assert.Equal(t, []uint32{7, 9, 7, 1 << 31}, h.ids)
	assert.Equal(t, words, h.words(nil), "the ranges decode as they were")
	assert.Empty(t, holdWords(nil, nil).words(nil))
	assert.Empty(t, holdWords(nil, nil).offsets)

	short := []word{{1, 0, 1}, {2, 15, 30}, {3, 44, 45}}
	assert.Len(t, holdWords(short, wordIDs(short)).offsets, 3, "gaps below 15 and lengths up to 15: one byte a word")
	assert.Equal(t, short, holdWords(short, wordIDs(short)).words(nil))

	// Each nibble at and around its bound, alone and together, one word
	// at a time and after others, and gaps and lengths up to the largest.
	var edges []word
	for _, gap := range []uint32{0, 1, 14, 15, 16, 15 + 127, 15 + 128, 70000, 1 << 31} {
		for _, length := range []uint32{1, 2, 15, 16, 17, 16 + 127, 16 + 128, 1 << 30} {
			w := word{gap ^ length, gap, gap + length}
			assert.Equal(t, []word{w}, holdWords([]word{w}, []uint32{w.id}).words(nil), "gap %d length %d", gap, length)
			prev := uint32(0)
			if len(edges) > 0 {
				prev = edges[len(edges)-1].end
			}
			if prev+gap+length >= prev { // within 32 bits
				edges = append(edges, word{w.id, prev + gap, prev + gap + length})
			}
		}
	}
	assert.Equal(t, edges, holdWords(edges, wordIDs(edges)).words(nil))
	empty := []word{{1, 3, 3}, {2, 3, 9}}
	assert.Equal(t, empty, holdWords(empty, wordIDs(empty)).words(nil), "even an empty word")
}

func TestSnapshotWords(t *testing.T) {
	words := []word{{7, 0, 5}, {9, 6, 12}, {7, 300, 301}, {1 << 31, 70000, 70100}}
	ids, offsets := wordIDs(words), snapshotOffsets(words)
	got, ok := snapshotWords(ids, offsets, 70100)
	assert.True(t, ok)
	assert.Equal(t, words, got, "the ranges decode as they were")
	_, ok = snapshotWords(ids, offsets, 70099)
	assert.False(t, ok, "a range past the end of the text")
	got, ok = snapshotWords(nil, nil, 0)
	assert.True(t, ok)
	assert.Empty(t, got)

	for name, bad := range map[string]heldWords{
		"truncated":     {ids: ids, offsets: offsets[:len(offsets)-1]},
		"trailing data": {ids: ids, offsets: append(append([]byte{}, offsets...), 0)},
		"fewer ranges":  {ids: append(append([]uint32{}, ids...), 1), offsets: offsets},
		"empty word":    {ids: []uint32{1}, offsets: []byte{3, 0}},
		"bad uvarint":   {ids: []uint32{1}, offsets: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		"huge gap":      {ids: []uint32{1}, offsets: binary.AppendUvarint(binary.AppendUvarint(nil, 1<<40), 1)},
	} {
		_, ok := snapshotWords(bad.ids, bad.offsets, 1<<20)
		assert.False(t, ok, name)
	}
}

func TestShingleSet(t *testing.T) {
	ids := []uint32{1, 2, 3, 4, 1, 2, 3, 4}
	s := shingleSet(3, ids)
	assert.Len(t, s, 4, "6 windows of 3, 2 repeated")
	assert.IsIncreasing(t, s)
	assert.Len(t, shingleSet(5, ids[:3]), 1, "one shingle of them all when there are fewer than k")
	assert.Empty(t, shingleSet(5, nil))
	assert.Equal(t, shingleSet(3, ids[:4]), shingleSet(3, ids[4:]), "hashed from the ids alone")
	assert.NotEqual(t, shingleSet(3, []uint32{1, 2, 3}), shingleSet(3, []uint32{3, 2, 1}), "in order")

	set := copySet(s)
	require.Len(t, set, len(s))
	assert.IsIncreasing(t, set)
	for _, h := range s {
		assert.Contains(t, set, uint32(h))
	}
}

// A held story's shingles, hashed again from its word ids, are those it was
// decided with: what a snapshot relies on to keep no shingles.
func TestShinglesFromHeldWords(t *testing.T) {
	agency, _ := seedStories(t)
	d := newDetector(t, Config{})
	_, f := featuresFor(t, d, agency)
	_, err := d.Add(agency)
	require.NoError(t, err)
	rec := d.st.stories.get(agency.ID)
	assert.Equal(t, f.shingles, shingleSet(d.cfg.ShingleSize, rec.words(d.st.vocab).ids))
	assert.Equal(t, f.set, d.st.copySetOf(rec))
	assert.Equal(t, f.words, rec.words(d.st.vocab).words(nil))
}

func TestHeldVector(t *testing.T) {
	d := newDetector(t, Config{})
	_, f := featuresFor(t, d, Story{ID: "a", Title: "Floods in the north", Text: "Floods hit the north of the country on Monday; seven villages were evacuated, officials said."})
	require.NotZero(t, f.vec.Len())
	assert.InDelta(t, 1, f.vec.Norm(), 1e-3, "unit length, give or take the rounding")
	dict := newTermTable()
	r := &storyRec{arrays: new(recordSlab).pack(recordArrays{terms: f.vec.Terms, weights: holdWeights(f.vec)}, dict)}
	h := r.vec(dict)
	assert.Equal(t, f.vec, h.vector(), "the weights are multiples of 1/65535: kept exactly")
	assert.Equal(t, f.vec.Dot(f.vec), h.dot(f.vec))
	assert.Equal(t, f.vec.Terms, h.terms())
	for _, term := range f.vec.Terms {
		assert.True(t, h.has(term))
		assert.False(t, h.has(term+1), "a term next to one of them")
	}
	assert.False(t, h.has(0), "below every term")
	assert.Zero(t, heldVector{}.dot(f.vec), "an empty vector")
	assert.Equal(t, uint16(1), quantum(1e-9), "a positive weight never becomes 0")
	assert.Equal(t, uint16(0), quantum(0))
	assert.Equal(t, uint16(weightScale), quantum(1.5), "weights above 1 are clamped")
}

// The copy-set hashes of word ids, sorted with their repeats dropped, are
// the copy set of their shingles, for texts shorter and longer than a
// shingle and with repeated stretches.
func TestCopyHashes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 300 {
		k := 1 + rng.IntN(8)
		ids := make([]uint32, rng.IntN(40))
		for i := range ids {
			ids[i] = uint32(rng.IntN(6)) // few distinct words: repeated shingles
			if trial%2 == 0 {
				ids[i] = rng.Uint32()
			}
		}
		got := appendCopyHashes(nil, ids, k)
		slices.Sort(got)
		got = slices.Compact(got)
		assert.Equal(t, nonNil(copySet(shingleSet(k, ids))), nonNil(got), "trial %d: k %d, %d ids", trial, k, len(ids))
	}
}

// A set probe counts what minhash.Overlap counts between a story's copy set
// and a held story's, hashed again from its words: held stories that share
// all, some or none of the set, and repeat some of their shingles.
func TestSetProbeOverlap(t *testing.T) {
	d := newDetector(t, Config{Window: -1})
	rng := rand.New(rand.NewPCG(7, 8))
	vocab := make([]string, 30)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("word%cx%c", 'a'+rune(i%26), 'a'+rune(i/26))
	}
	text := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = vocab[rng.IntN(len(vocab))]
		}
		return strings.Join(w, " ")
	}
	base := text(60)
	texts := []string{base, base + " " + base, base[:len(base)/2], text(60), text(3), "wordaxa"}
	for i, tx := range texts {
		_, err := d.Add(Story{ID: fmt.Sprint("held-", i), Text: tx})
		require.NoError(t, err)
	}
	for qi, q := range []string{base, base[len(base)/3:], text(80), text(2)} {
		_, f := featuresFor(t, d, Story{ID: "q", Text: q})
		probe := newSetProbe(f.set, d.cfg.ShingleSize)
		for i := range texts {
			rec := d.st.stories.get(fmt.Sprint("held-", i))
			j, c, n := minhash.Overlap(f.set, d.st.copySetOf(rec))
			pj, pc, pn := probe.overlap(d.st.vocab, rec)
			assert.Equal(t, n, pn, "query %d, held %d: shared", qi, i)
			assert.Equal(t, j, pj, "query %d, held %d: Jaccard", qi, i)
			assert.Equal(t, c, pc, "query %d, held %d: containment", qi, i)
			if qi == 0 && i <= 1 {
				assert.Equal(t, len(f.set), pn, "held %d holds every shingle of the query", i)
			}
			if qi == 0 && i == 2 {
				assert.Positive(t, pn, "half of the query's text")
				assert.Less(t, pn, len(f.set), "half of the query's text")
			}
		}
	}
}

// TestWindowHash checks windowHash against xxhash.Sum64 of the ids written
// out, for every window length a shingle can have.
func TestWindowHash(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var buf [4 * 16]byte
	for k := 1; k <= 16; k++ {
		for range 200 {
			w := make([]uint32, k)
			for j := range w {
				w[j] = r.Uint32()
				binary.LittleEndian.PutUint32(buf[4*j:], w[j])
			}
			require.Equal(t, xxhash.Sum64(buf[:4*k]), windowHash(w), "window %v", w)
		}
	}
}
