package dedup

import (
	"cmp"
	"math/bits"
	"slices"
	"sync"

	"github.com/newsdup/newsdup/shingle"
)

// Shared passages (Match.Passages) are maximal runs of word 3-shingles that
// two stories share in the same order, with the byte ranges they cover in
// both texts; a passage inside quotation marks in either story is flagged.

// passageShingle is the shingle size used to find shared passages: short, so
// that a quote shared by two differently written stories shows up even when
// each outlet cut it differently.
const passageShingle = 3

// minPassageTokens is the least number of content words a shared passage
// must span, unless it lies in a quotation.
const minPassageTokens = 6

// passageJob holds what finding shared passages needs, gathered under the
// lock so that the work itself can run outside it.
type passageJob struct {
	text     string
	words    []word
	ids      []uint32 // of words
	quotes   []shingle.Span
	others   []*storyRec // one per match: their offsets and quotes, which are never modified, are read outside the lock
	otherIDs [][]uint32  // their word ids, decoded under the lock: they are read through the term table, which changes
	scratch  *passageScratch
}

// passageScratch is the working storage of one passage job: the matched
// stories' word ids, shingle hashes and words, the first-occurrence table
// and the runs found. It is pooled, so that finding passages makes no
// garbage but the passages it returns: a stream's Adds would otherwise
// leave, at every collection, freed blocks of every size among the records
// the detector keeps, and the heap would hold them.
type passageScratch struct {
	ids    []uint32 // the matched stories' word ids, end to end (otherIDs slices it)
	ha, hb []uint64
	wb     []word
	first  firstTable
	runs   []passageRun
}

// passageRun is a run of shingles shared in order: positions a0..a1 of one
// story's shingles and b0..b1 of the other's.
type passageRun struct{ a0, a1, b0, b1 int }

var passageScratchPool = sync.Pool{New: func() any { return new(passageScratch) }}

// readIDs decodes the word ids of the matched stories; the caller holds the
// detector's lock.
func (j *passageJob) readIDs(dict *termTable) {
	if j.scratch == nil {
		j.scratch = passageScratchPool.Get().(*passageScratch)
	}
	s := j.scratch
	s.ids = s.ids[:0]
	ends := make([]int, len(j.others))
	for i, o := range j.others {
		s.ids = o.appendIDs(dict, s.ids)
		ends[i] = len(s.ids)
	}
	j.otherIDs = make([][]uint32, len(j.others))
	start := 0
	for i, end := range ends {
		j.otherIDs[i] = s.ids[start:end:end]
		start = end
	}
}

// findPassages fills in the shared passages of each match of r, at most
// maxPassages a match. It runs without the detector's lock: what it reads of
// the matched stories (other than their word ids, which the job holds)
// never changes. The job's scratch storage goes back to the pool: the job
// must not be used again.
func findPassages(r *Result, job *passageJob, maxPassages int) {
	if job == nil {
		return
	}
	s := job.scratch
	if s == nil {
		s = passageScratchPool.Get().(*passageScratch)
	}
	s.ha = windowHashes(s.ha[:0], job.ids, passageShingle)
	for i, o := range job.others {
		ib := job.otherIDs[i]
		s.hb = windowHashes(s.hb[:0], ib, passageShingle)
		s.wb = heldWords{ids: ib, offsets: o.arrays.offsetsView()}.words(s.wb[:0])
		s.first.fill(s.hb)
		r.Matches[i].Passages = sharedPassages(job, s, o.quotes(), maxPassages)
	}
	job.scratch, job.otherIDs = nil, nil
	passageScratchPool.Put(s)
}

// firstTable maps the shingle hashes of a story to the position of their
// first occurrence: an open-addressing table that findPassages fills once
// for each match, reusing its storage.
type firstTable struct {
	keys []uint64
	pos  []int32 // -1 for an empty slot
}

// fill makes the table that of hashes.
func (t *firstTable) fill(hashes []uint64) {
	size := 1 << bits.Len(uint(2*len(hashes)))
	if size > len(t.keys) {
		t.keys, t.pos = make([]uint64, size), make([]int32, size)
	} else {
		t.keys, t.pos = t.keys[:size], t.pos[:size]
	}
	for i := range t.pos {
		t.pos[i] = -1
	}
	mask := uint64(size - 1)
	for j, h := range hashes {
		i := h & mask
		for t.pos[i] >= 0 && t.keys[i] != h {
			i = (i + 1) & mask
		}
		if t.pos[i] < 0 {
			t.keys[i], t.pos[i] = h, int32(j)
		}
	}
}

// get returns the position of the first occurrence of h, and whether it
// occurs.
func (t *firstTable) get(h uint64) (int, bool) {
	mask := uint64(len(t.keys) - 1)
	for i := h & mask; t.pos[i] >= 0; i = (i + 1) & mask {
		if t.keys[i] == h {
			return int(t.pos[i]), true
		}
	}
	return 0, false
}

// sharedPassages finds the stretches of text shared by the story of job and
// another story (with quotations quotes): maximal runs of consecutive word
// 3-shingles found, in the same order, in both. The other story's shingle
// hashes, words and first-occurrence table (firstTable.fill) are s.hb, s.wb
// and s.first; the job's hashes are s.ha.
func sharedPassages(job *passageJob, s *passageScratch, quotes []shingle.Span, maxPassages int) []Passage {
	const k = passageShingle
	ha, hb, b := s.ha, s.hb, s.wb
	if len(ha) == 0 || len(hb) == 0 {
		return nil
	}
	a := job.words
	runs := s.runs[:0]
	for i, h := range ha {
		j, ok := s.first.get(h)
		if !ok {
			continue
		}
		if n := len(runs); n > 0 && runs[n-1].a1 == i-1 && runs[n-1].b1+1 < len(hb) && hb[runs[n-1].b1+1] == h {
			runs[n-1].a1, runs[n-1].b1 = i, runs[n-1].b1+1
			continue
		}
		runs = append(runs, passageRun{i, i, j, j})
	}
	s.runs = runs
	var out []Passage
	for _, r := range runs {
		words := r.a1 - r.a0 + k
		p := Passage{
			Start: int(a[r.a0].start), End: int(a[r.a1+k-1].end),
			MatchStart: int(b[r.b0].start), MatchEnd: int(b[r.b1+k-1].end),
		}
		p.Quote = inQuote(job.quotes, p.Start, p.End) || inQuote(quotes, p.MatchStart, p.MatchEnd)
		if words < minPassageTokens && !p.Quote {
			continue
		}
		p.Text = job.text[p.Start:p.End]
		out = append(out, p)
	}
	if len(out) > maxPassages {
		slices.SortStableFunc(out, func(x, y Passage) int { return cmp.Compare(y.End-y.Start, x.End-x.Start) })
		out = out[:maxPassages]
		slices.SortFunc(out, func(x, y Passage) int { return cmp.Compare(x.Start, y.Start) })
	}
	return out
}

// inQuote reports whether at least 80% of the byte range [start, end) lies
// inside quotations.
func inQuote(quotes []shingle.Span, start, end int) bool {
	n := 0
	for _, q := range quotes {
		lo, hi := max(q.Start, start), min(q.End, end)
		if hi > lo {
			n += hi - lo
		}
	}
	return 5*n >= 4*(end-start)
}
