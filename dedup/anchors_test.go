package dedup

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsdup/newsdup/dedup/minhash"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// anchors returns n distinct anchor hashes starting at the k-th.
func anchors(k, n int) []uint32 {
	out := make([]uint32, n)
	for i := range out {
		out[i] = uint32(k+i+1) * anchorEvery
	}
	return out
}

// recs returns a function giving the record of sequence number n, the same
// one each time, with a handle in h.
func recs(h *handleTable) func(n uint64) *storyRec {
	m := map[uint64]*storyRec{}
	return func(n uint64) *storyRec {
		if m[n] == nil {
			m[n] = &storyRec{seq: n}
			m[n].handle = h.add(m[n])
		}
		return m[n]
	}
}

// seqsOf returns the sequence numbers of records.
func seqsOf(rs []*storyRec) []uint64 {
	var out []uint64
	for _, r := range rs {
		out = append(out, r.seq)
	}
	return out
}

func TestAnchorIndex(t *testing.T) {
	h := new(handleTable)
	rec := recs(h)
	a := newAnchorIndex(h)
	notAnchor := uint32(anchorEvery + 1)
	a.insert(rec(1), anchors(0, 3))
	a.insert(rec(2), append(anchors(1, 1), notAnchor))
	a.insert(rec(3), anchors(1, 2)) // the latest holder of anchors 1 and 2
	a.insert(rec(4), anchors(100, 5))
	query := append(anchors(0, 3), notAnchor, notAnchor+anchorEvery) // sorted
	assert.Equal(t, []uint64{3, 1}, seqsOf(a.candidates(nil, query, all)), "most anchors first; 2 holds none any more")
	assert.Equal(t, []uint64{9, 3, 1}, seqsOf(a.candidates([]*storyRec{rec(9)}, query, all)), "appends to dst")
	assert.Equal(t, []uint64{1}, seqsOf(a.candidates(nil, query, func(r *storyRec) bool { return r.seq != 3 })), "only those keep accepts")

	a.remove(rec(2), append(anchors(1, 1), notAnchor))
	assert.Equal(t, []uint64{3, 1}, seqsOf(a.candidates(nil, query, all)), "removing 2 takes nothing from 3")
	a.remove(rec(3), anchors(1, 2))
	assert.Equal(t, []uint64{1}, seqsOf(a.candidates(nil, query, all)))
	a.remove(rec(1), anchors(0, 3))
	a.remove(rec(4), anchors(100, 5))
	assert.Empty(t, a.latest, "nothing left behind")
	assert.Empty(t, a.candidates(nil, query, all))
	assert.Empty(t, a.counts, "the scratch is emptied")
}

func TestAnchorCandidatesBounded(t *testing.T) {
	h := new(handleTable)
	rec := recs(h)
	a := newAnchorIndex(h)
	for seq := uint64(1); seq <= 20; seq++ {
		a.insert(rec(seq), anchors(int(seq), 1))
	}
	a.insert(rec(21), anchors(100, 2))
	query := append(anchors(1, 20), anchors(100, 2)...)
	got := seqsOf(a.candidates(nil, query, all))
	assert.Equal(t, []uint64{21, 20, 19, 18, 17, 16, 15, 14}, got, "most anchors first, then the latest; at most anchorCandidates")
	assert.Len(t, got, anchorCandidates)
}

// A copy that keeps a stretch of 40 shingles of its source, amid as many
// shingles of its own, finds the source among a hundred stories nearly
// always: it misses when none of the 40 is an anchor, with probability
// (1-1/anchorEvery)^40 (0.5% for anchorEvery 8).
func TestAnchorsFindTrimmedCopies(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	randomSet := func(n int) []uint32 {
		s := make([]uint32, n)
		for i := range s {
			s[i] = rng.Uint32()
		}
		slices.Sort(s)
		return slices.Compact(s)
	}
	const trials, kept = 200, 40
	found := 0
	for range trials {
		h := new(handleTable)
		rec := recs(h)
		a := newAnchorIndex(h)
		for seq := uint64(1); seq <= 100; seq++ {
			a.insert(rec(seq), randomSet(200))
		}
		source := randomSet(300)
		a.insert(rec(101), source)
		start := rng.IntN(len(source) - kept)
		copied := append(randomSet(kept), source[start:start+kept]...)
		slices.Sort(copied)
		if slices.Contains(a.candidates(nil, copied, all), rec(101)) {
			found++
		}
	}
	assert.GreaterOrEqual(t, found, trials*98/100, "found %d of %d", found, trials)
}

// A site republishes three paragraphs of a wire story, reflowed (the wire
// text comes with its lines wrapped, so no line is shared word for word),
// under its byline, dateline and a paragraph of its own. Its Jaccard
// similarity with the wire story is below the LSH threshold; it is still a
// copy.
func TestTrimmedReflowedCopy(t *testing.T) {
	agency, _ := seedStories(t)
	paras := paragraphs(agency.Text)
	agency.Text = wrapLines(agency.Text, 60)
	d := newDetector(t, Config{})
	_, err := d.Add(agency)
	require.NoError(t, err)
	cp := Story{ID: "site-copy", Source: "Capital Wire Review", Text: "By James Brennan\n\nFRANKFURT (Capital Wire Review) - " +
		strings.Join(paras[2:5], "\n\n") + "\n\nFrank Ulverston, an analyst at Greyfield Advisors in Frankfurt, " +
		"told the Capital Wire Review that investors would be watching for further details."}
	p, err := d.prep.prepare(cp)
	require.NoError(t, err)
	j, _, _ := minhash.Overlap(featuresOf(d.st, p).set, d.st.copySetOf(d.st.stories.get(seedAgency)))
	assert.Less(t, j, d.cfg.LSHThreshold, "the copy is far from its source in Jaccard similarity")

	r, err := d.Add(cp)
	require.NoError(t, err)
	assert.Equal(t, Copy, r.Kind)
	assert.Equal(t, seedAgency, r.Cluster)
}

// wrapLines breaks the lines of text before a word that would take them past
// width bytes.
func wrapLines(text string, width int) string {
	var b strings.Builder
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		n := 0
		for j, w := range strings.Fields(line) {
			if j > 0 && n+1+len(w) > width {
				b.WriteByte('\n')
				n = 0
			} else if j > 0 {
				b.WriteByte(' ')
				n++
			}
			b.WriteString(w)
			n += len(w)
		}
	}
	return b.String()
}

func all(*storyRec) bool { return true }

// An anchor names only the latest story holding it. When that is another
// version of the source, which the copy does not copy, the source is found
// in that version's cluster. Here the source A has twelve paragraphs; B, D
// and E, versions of A (four paragraphs of it and three of their own),
// took the anchors of two paragraphs each of the six that C copies from A;
// none of them shares 40% of C. The LSH index (at a threshold of 0.9,
// above C's Jaccard similarity with A of 0.5) and the story index (no
// candidate clusters given) leave A out.
func TestAnchorsLeadToTheSourceThroughItsCluster(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	p := make([]string, 12)
	for i := range p {
		p[i] = randomText(rng, 48)
	}
	x := make([]string, 9)
	for i := range x {
		x[i] = randomText(rng, 48)
	}
	at := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	join := func(ps ...string) string { return strings.Join(ps, "\n\n") }
	d := newDetector(t, Config{LSHThreshold: 0.9})
	for i, s := range []Story{
		{ID: "A", Text: join(p...)},
		{ID: "B", Text: join(p[0], p[1], p[2], p[3], x[0], x[1], x[2])},
		{ID: "D", Text: join(p[4], p[5], p[6], p[7], x[3], x[4], x[5])},
		{ID: "E", Text: join(p[8], p[9], p[10], p[11], x[6], x[7], x[8])},
	} {
		s.Time = at.Add(time.Duration(i) * time.Hour)
		_, err := d.Add(s)
		require.NoError(t, err)
	}

	c := Story{ID: "C", Text: join(p[0], p[1], p[4], p[5], p[8], p[9]), Time: at.Add(5 * time.Hour)}
	prep, f := featuresFor(t, d, c)
	anchored := d.st.anchors.candidates(nil, f.set, func(*storyRec) bool { return true })
	require.NotEmpty(t, anchored)
	assert.Equal(t, "A", anchored[0].cl.id, "the story holding the most of C's anchors is a version of A")
	for _, rec := range anchored {
		require.NotEqual(t, "A", rec.id, "A holds none of C's anchors any more")
		m, ok := isCopy(d.st, prep, f, rec)
		require.False(t, ok, "C copies none of %s: %+v", rec.id, m)
	}
	var ids []string
	for _, m := range findCopies(d.st, prep, f, nil, "") {
		ids = append(ids, m.rec.id)
	}
	assert.Equal(t, []string{"A"}, ids)
}
