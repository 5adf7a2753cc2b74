package dedup

import (
	"cmp"
	"slices"
)

// Anchors find the stories a trimmed copy was cut from. MinHash LSH finds
// stories by their Jaccard similarity, which a copy cut to a third of its
// source and padded with an outlet's own paragraphs and furniture does not
// reach, however much of the copy is the source's text. Anchors go by what
// the two share instead: every story is posted under its anchor shingles,
// the word shingles whose hash is 0 modulo anchorEvery (about one in
// anchorEvery, chosen by the text alone, so two stories sharing a stretch
// share its anchors). A copy sharing n shingles with its source shares about
// n/anchorEvery anchors with it: a stretch of 40 shingles misses all of them
// with probability (1-1/anchorEvery)^40, 0.5% for anchorEvery 8. The index
// holds one entry per distinct anchor of the stories held (about 20 for a
// Reuters story, some 20 bytes each).
const (
	anchorEvery      = 8 // one shingle in anchorEvery is an anchor; a power of two
	anchorCandidates = 8 // stories sharing the most anchors checked for copies
)

// anchorIndex maps each anchor shingle to the latest story holding it. One
// story per anchor is enough: the stories that hold an anchor and are worth
// finding are a story and its copies, and finding the latest of them finds
// the cluster. Stories are kept by their handles (see handleTable), so the
// index holds no pointers and 8 bytes an anchor in its map where a pointer
// took 16; every story it holds has a handle (a copy set), until it is
// removed. It is not safe for concurrent use; the detector's lock guards
// it.
type anchorIndex struct {
	latest  map[uint32]uint32 // anchor -> handle
	handles *handleTable
	counts  map[uint32]int // scratch for candidates, by handle
	cands   []anchorCand   // scratch for candidates
}

type anchorCand struct {
	rec *storyRec
	n   int
}

func newAnchorIndex(handles *handleTable) *anchorIndex {
	return &anchorIndex{latest: make(map[uint32]uint32), handles: handles, counts: make(map[uint32]int)}
}

func isAnchor(h uint32) bool { return h&(anchorEvery-1) == 0 }

// insert posts a story, whose sequence number is above every one posted
// before, under the anchors of its sorted distinct shingles.
func (a *anchorIndex) insert(rec *storyRec, shingles []uint32) {
	for _, h := range shingles {
		if isAnchor(h) {
			a.latest[h] = rec.handle
		}
	}
}

// remove takes a story out of the anchors it is still the latest holder
// of; the story must still have its handle.
func (a *anchorIndex) remove(rec *storyRec, shingles []uint32) {
	for _, h := range shingles {
		if isAnchor(h) && a.latest[h] == rec.handle {
			delete(a.latest, h)
		}
	}
}

// candidates appends to dst the stories that are the latest holders of the
// most anchors of a story's sorted distinct shingles and that keep accepts,
// at most anchorCandidates of them, most anchors first (ties: the latest
// first), and returns the extended slice.
func (a *anchorIndex) candidates(dst []*storyRec, shingles []uint32, keep func(rec *storyRec) bool) []*storyRec {
	clear(a.counts)
	for _, h := range shingles {
		if !isAnchor(h) {
			continue
		}
		if handle, ok := a.latest[h]; ok {
			a.counts[handle]++
		}
	}
	cands := a.cands[:0]
	for handle, n := range a.counts {
		if rec := a.handles.get(handle); keep(rec) {
			cands = append(cands, anchorCand{rec, n})
		}
	}
	clear(a.counts)
	slices.SortFunc(cands, func(x, y anchorCand) int {
		if c := cmp.Compare(y.n, x.n); c != 0 {
			return c
		}
		return cmp.Compare(y.rec.seq, x.rec.seq)
	})
	for _, c := range cands[:min(len(cands), anchorCandidates)] {
		dst = append(dst, c.rec)
	}
	clear(cands)
	a.cands = cands[:0]
	return dst
}
