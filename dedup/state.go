package dedup

import (
	"container/heap"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/newsdup/newsdup/dedup/cluster"
	"github.com/newsdup/newsdup/dedup/lsh"
	"github.com/newsdup/newsdup/dedup/minhash"
	"github.com/newsdup/newsdup/shingle"
	"github.com/newsdup/newsdup/simhash"
)

// simhashDistance is the Hamming distance within which SimHash neighbours
// are copy candidates.
const simhashDistance = 3

// state is what a detector holds: the stories of the window, their clusters,
// every index over them, and what was learned from the stream (document
// frequencies, site boilerplate). Its methods insert, attach, detach,
// remove and evict are the only operations that change it; the tiers read
// it. It is not safe for concurrent use: the Detector's lock guards it.
type state struct {
	cfg    *Config
	hasher *minhash.Hasher
	bg     *dfTable

	seq      uint64 // sequence number of the last story inserted
	stories  map[string]*storyRec
	bySeq    map[uint64]*storyRec
	clusters map[uint64]*clusterRec // by key: the seq of the first member
	lsh      *lsh.Index[uint64]
	sim      *simhash.Index[uint64]
	anchors  *anchorIndex // anchor shingles -> stories, for trimmed copies
	terms    *cluster.Index
	df       map[uint64]uint32 // document frequencies: background plus live
	lines    *lineTable
	queue    storyHeap
	time     timeline
}

// storyRec is a story held by the detector.
type storyRec struct {
	seq       uint64
	id        string
	text      string
	title     string
	source    string
	time      time.Time // publication time, zero if unknown
	eff       time.Time // time held under: its own, or the stream's for an undated story
	lines     []uint64  // hashes of its lines
	titleHash uint64
	words     []word // content words, for passages
	quotes    []shingle.Span
	shingles  []uint64
	vec       cluster.Vector
	numbers   []uint64
	year      int
	cl        *clusterRec
	heapIdx   int
}

// clusterRec is a cluster held by the detector.
type clusterRec struct {
	key      uint64
	id       string
	centroid cluster.Centroid
	members  []*storyRec
	indexed  map[uint64]struct{} // terms posted in the story index
	years    map[int]int         // latest year named by each member -> members
	lines    map[uint64]int32    // line hash -> members that have the line
	first    time.Time
	last     time.Time
}

// newState returns an empty state for a configuration with its defaults
// filled in.
func newState(cfg *Config) (*state, error) {
	h, err := minhash.New(minhash.Config{K: cfg.NumHashes, Seed: cfg.Seed})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidConfig, err)
	}
	params, err := lsh.Optimal(lsh.Config{K: cfg.NumHashes, Threshold: cfg.LSHThreshold})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidConfig, err)
	}
	li, err := lsh.NewIndex[uint64](params)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidConfig, err)
	}
	si, err := simhash.NewIndex[uint64](simhashDistance)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidConfig, err)
	}
	bg, err := loadBackground()
	if err != nil {
		return nil, err
	}
	return &state{
		cfg:      cfg,
		hasher:   h,
		bg:       bg,
		stories:  make(map[string]*storyRec),
		bySeq:    make(map[uint64]*storyRec),
		clusters: make(map[uint64]*clusterRec),
		lsh:      li,
		sim:      si,
		anchors:  newAnchorIndex(),
		terms:    cluster.NewIndex(0),
		df:       maps.Clone(bg.df),
		lines:    newLineTable(),
		time:     timeline{window: cfg.Window, lateness: cfg.Lateness},
	}, nil
}

// insert adds a decided story with sequence number seq, which must be above
// every sequence number used before, to the cluster its decision names (a
// new one for a new story), and learns its lines.
func (st *state) insert(p *prepared, f *features, dec decision, seq uint64) *storyRec {
	st.seq = seq
	s := p.story
	rec := &storyRec{
		seq:       seq,
		id:        s.ID,
		text:      s.Text,
		title:     s.Title,
		source:    s.Source,
		time:      s.Time,
		lines:     lineHashes(p.lines),
		words:     f.words,
		quotes:    p.quotes,
		titleHash: p.titleHash,
		shingles:  f.shingles,
		vec:       f.vec,
		numbers:   f.numbers,
		year:      f.year,
	}
	rec.eff = st.time.observe(s.Time)
	cl := dec.cl
	if cl == nil {
		cl = st.newCluster(rec.seq, s.ID)
	}
	st.learnLines(p.lines, cl.key)
	st.attach(rec, cl, f.top, f.sig, f.fp)
	return rec
}

func lineHashes(lines []shingle.Line) []uint64 {
	out := make([]uint64, len(lines))
	for i, l := range lines {
		out[i] = l.Hash
	}
	return out
}

// newCluster creates and registers an empty cluster.
func (st *state) newCluster(key uint64, id string) *clusterRec {
	cl := &clusterRec{key: key, id: id, indexed: make(map[uint64]struct{}), years: make(map[int]int), lines: make(map[uint64]int32)}
	st.clusters[key] = cl
	return cl
}

// clusterFor returns the cluster with the given key, created under the
// given id when the state does not hold it: the cluster of a verdict
// another detector gave, whose members may have left this detector's
// window.
func (st *state) clusterFor(key uint64, id string) *clusterRec {
	if cl := st.clusters[key]; cl != nil {
		return cl
	}
	return st.newCluster(key, id)
}

// attach adds a story record to a cluster and to every index: the cluster's
// centroid, lines and years, the story index (top are the story's heaviest
// terms), document frequencies, the LSH, SimHash and anchor indexes and the
// window queue.
func (st *state) attach(rec *storyRec, cl *clusterRec, top []uint64, sig minhash.Signature, fp simhash.Fingerprint) {
	rec.cl = cl
	cl.members = append(cl.members, rec)
	for _, t := range rec.vec.Terms {
		if cl.centroid.Weight(t) == 0 {
			st.df[t]++ // the term enters the cluster
		}
	}
	cl.centroid.Add(rec.vec)
	for _, h := range rec.lines {
		cl.lines[h]++
	}
	if rec.titleHash != 0 {
		cl.lines[rec.titleHash]++
	}
	var post []uint64
	for _, t := range top {
		if _, ok := cl.indexed[t]; !ok {
			cl.indexed[t] = struct{}{}
			post = append(post, t)
		}
	}
	st.terms.Add(cl.key, post)
	if rec.year != 0 {
		cl.years[rec.year]++
	}
	if !rec.time.IsZero() {
		if cl.first.IsZero() || rec.time.Before(cl.first) {
			cl.first = rec.time
		}
		if rec.time.After(cl.last) {
			cl.last = rec.time
		}
	}
	st.stories[rec.id] = rec
	st.bySeq[rec.seq] = rec
	if len(rec.shingles) > 0 {
		// Both indexes reject only duplicate ids and malformed signatures,
		// which a fresh sequence number and our own hasher rule out.
		if err := st.lsh.Insert(rec.seq, sig); err != nil {
			panic("dedup: LSH insert: " + err.Error())
		}
		if err := st.sim.Insert(rec.seq, fp); err != nil {
			panic("dedup: SimHash insert: " + err.Error())
		}
		st.anchors.insert(rec.seq, rec.shingles)
	}
	heap.Push(&st.queue, rec)
}

// detach undoes attach for a story that is no longer in the window queue.
func (st *state) detach(rec *storyRec) {
	delete(st.stories, rec.id)
	delete(st.bySeq, rec.seq)
	st.lsh.Remove(rec.seq)
	st.sim.Remove(rec.seq)
	st.anchors.remove(rec.seq, rec.shingles)
	cl := rec.cl
	cl.centroid.Remove(rec.vec)
	for _, t := range rec.vec.Terms {
		if cl.centroid.Weight(t) != 0 {
			continue // still in the cluster
		}
		if n := st.df[t]; n <= 1 {
			delete(st.df, t)
		} else {
			st.df[t] = n - 1
		}
	}
	for _, h := range rec.lines {
		if cl.lines[h]--; cl.lines[h] <= 0 {
			delete(cl.lines, h)
		}
	}
	if rec.titleHash != 0 {
		if cl.lines[rec.titleHash]--; cl.lines[rec.titleHash] <= 0 {
			delete(cl.lines, rec.titleHash)
		}
	}
	i := slices.Index(cl.members, rec)
	cl.members = slices.Delete(cl.members, i, i+1)
	if rec.year != 0 {
		if cl.years[rec.year]--; cl.years[rec.year] <= 0 {
			delete(cl.years, rec.year)
		}
	}
	if len(cl.members) == 0 {
		delete(st.clusters, cl.key)
		terms := make([]uint64, 0, len(cl.indexed))
		for t := range cl.indexed {
			terms = append(terms, t)
		}
		st.terms.Remove(cl.key, terms)
	}
	rec.cl = nil
}

// remove takes a held story out of the window queue and detaches it.
func (st *state) remove(rec *storyRec) {
	heap.Remove(&st.queue, rec.heapIdx)
	st.detach(rec)
}

// evict removes the stories that fell behind the watermark (see timeline)
// or beyond MaxStories.
func (st *state) evict() {
	for len(st.queue) > 0 && (len(st.queue) > st.cfg.MaxStories || st.time.expired(st.queue[0].eff)) {
		rec := heap.Pop(&st.queue).(*storyRec)
		st.time.left(rec.eff)
		st.detach(rec)
	}
}

// near reports whether a story published at t (zero if unknown) may be
// compared with a held story (see timeline.near).
func (st *state) near(t time.Time, rec *storyRec) bool {
	return st.time.near(t, rec.time)
}

// clusterNear reports whether a story published at t may join a cluster:
// whether t is within the window of the span of its dated members (or
// either is undated).
func (st *state) clusterNear(t time.Time, cl *clusterRec) bool {
	if t.IsZero() || cl.first.IsZero() || st.cfg.Window < 0 {
		return true
	}
	return !t.Before(cl.first.Add(-st.cfg.Window)) && !t.After(cl.last.Add(st.cfg.Window))
}

// export returns the public view of a cluster.
func (cl *clusterRec) export() Cluster {
	c := Cluster{ID: cl.id, First: cl.first, Last: cl.last, Stories: make([]string, len(cl.members))}
	for i, m := range cl.members {
		c.Stories[i] = m.id
	}
	return c
}

// storyHeap orders stories by the time used for the window, then by arrival.
type storyHeap []*storyRec

func (h storyHeap) Len() int { return len(h) }
func (h storyHeap) Less(i, j int) bool {
	if c := h[i].eff.Compare(h[j].eff); c != 0 {
		return c < 0
	}
	return h[i].seq < h[j].seq
}
func (h storyHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].heapIdx = i
	h[j].heapIdx = j
}
func (h *storyHeap) Push(x any) {
	r := x.(*storyRec)
	r.heapIdx = len(*h)
	*h = append(*h, r)
}
func (h *storyHeap) Pop() any {
	old := *h
	r := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	r.heapIdx = -1
	return r
}
