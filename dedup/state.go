package dedup

import (
	"cmp"
	"container/heap"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/newsdup/newsdup/dedup/cluster"
	"github.com/newsdup/newsdup/dedup/internal/lists"
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
// frequencies, site boilerplate). Its methods (insert, attach, learn, hold,
// detach, remove, evict) are the only operations that change it; the tiers
// read it. A cluster outlives its stories: once they have all left the
// window it keeps its summary (centroid, lines, years, times), joinable as
// the same story, until Config.StoryHorizon after its latest story. It is not safe for concurrent use: the Detector's lock guards it.
type state struct {
	cfg    *Config
	hasher *minhash.Hasher
	bg     *dfTable

	seq      uint64                 // sequence number of the last story inserted
	stories  storyIndex             // held stories by id
	clusters map[uint64]*clusterRec // by key: the seq of the first member
	lsh      *lsh.Index[uint32]     // by handle (storyRec.handle)
	sim      *simhash.Index[uint32] // by handle
	handles  handleTable            // the stories in the LSH and SimHash indexes, by handle
	anchors  *anchorIndex           // anchor shingles -> stories, for trimmed copies
	short    map[uint64]*storyRec   // identity -> latest story, for texts too short for the LSH index
	terms    *cluster.Index
	lists    lists.Arena[uint64]    // clusters' indexed terms
	members  lists.Arena[*storyRec] // clusters' members
	clLines  lists.Arena[lineCount] // clusters' lines
	df       map[uint64]uint32      // document frequencies: background plus live
	lines    *lineTable
	slab     recordSlab // the storage of held stories' arrays
	vocab    *termTable // the terms of held stories' vectors
	sources  sourceTable
	hashBuf  []uint32 // scratch of copyHashes
	queue    storyHeap
	dormant  clusterHeap    // clusters whose stories all left, by their latest time
	late     clusterHeap    // dormant clusters past the story horizon (see compact)
	byDay    *cluster.Index // clusters in outline by their event days and heaviest terms (dayTerm)
	time     timeline
}

// storyRec is a story held by the detector.
type storyRec struct {
	seq uint64
	id  string
	// eff is the time it is held under: its publication time when dated
	// (see published), else the stream's when it came.
	eff      stamp
	arrays   packedArrays // its arrays: see record.go
	identity uint64       // see features
	cl       *clusterRec
	source   uint32 // index in st.sources
	title    uint32 // the key of its title as a line (lineKey), 0 if none
	textLen  uint32 // bytes of its text, which the caller holds (passages need only the offsets of its words); see MaxTextLimit
	heapIdx  int32
	// handle is the story's key in the LSH and SimHash indexes, 0 when it
	// is in neither (see handleTable).
	handle uint32
	year   int16 // the latest year it names (at most 9999), 0 if none
	dated  bool  // whether it came with a publication time
}

// published returns the story's publication time, zero if it came
// undated.
func (r *storyRec) published() time.Time {
	if !r.dated {
		return time.Time{}
	}
	return r.eff.time()
}

// clusterRec is a cluster held by the detector.
type clusterRec struct {
	key      uint64
	id       string
	centroid cluster.Centroid
	members  lists.List  // of st.members, in the order they joined
	indexed  lists.List  // of st.lists: terms posted in the story index, sorted
	years    []yearCount // latest year named by members, and how many name it
	lines    lists.List  // of st.clLines: the lines members have, by hash
	first    time.Time
	last     time.Time
	days     []int32 // days of its event: see addEventDay
	kept     int     // stories that left the window and still count in the summary
	late     bool    // past the story horizon, in outline: see compact
	dropped  bool    // no longer in the state
}

// summaryStories is the number of stories that have left the window whose
// share of the summary (centroid, lines, years) a cluster keeps: the first
// ones to leave. A story that leaves after them takes its share along, so
// the summary of a cluster fed for months stays the size of a few stories
// plus those held, and a late follow-up finds the story as it was first
// told.
const summaryStories = 8

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
	li, err := lsh.NewIndex[uint32](params)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidConfig, err)
	}
	si, err := simhash.NewIndex[uint32](simhashDistance)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidConfig, err)
	}
	bg, err := loadBackground()
	if err != nil {
		return nil, err
	}
	st := &state{
		cfg:      cfg,
		hasher:   h,
		bg:       bg,
		stories:  newStoryIndex(),
		clusters: make(map[uint64]*clusterRec),
		lsh:      li,
		sim:      si,
		short:    make(map[uint64]*storyRec),
		byDay:    cluster.NewIndex(0),
		terms:    cluster.NewIndex(0),
		df:       maps.Clone(bg.df),
		lines:    newLineTable(),
		vocab:    newTermTable(),
		time:     timeline{window: cfg.Window, lateness: cfg.Lateness},
	}
	st.anchors = newAnchorIndex(&st.handles)
	return st, nil
}

// insert adds a decided story with sequence number seq, which must be above
// every sequence number used before, to the cluster its decision names (a
// new one for a new story), and learns its lines.
//
// source names the worker that added the story to a shared log (0 for a
// detector alone); see timeline.
func (st *state) insert(p *prepared, f *features, dec decision, seq, source uint64) *storyRec {
	st.seq = seq
	s := p.story
	rec := &storyRec{
		seq:      seq,
		id:       s.ID,
		textLen:  uint32(len(s.Text)),
		source:   st.sources.intern(s.Source),
		dated:    !s.Time.IsZero(),
		title:    lineKey(p.titleHash),
		year:     int16(f.year),
		identity: f.identity,
	}
	hw := holdWords(f.words, f.ids)
	rec.arrays = st.slab.pack(recordArrays{
		terms: f.vec.Terms, weights: holdWeights(f.vec), lines: lineKeys(p.lines), setLen: len(f.set),
		ids: hw.ids, offsets: hw.offsets, numbers: f.numbers, quotes: p.quotes,
	}, st.vocab)
	// A copy sent again word for word under its title (the same words,
	// lines and figures) keeps the arrays of the story it copies, whose
	// term weights differ only by the document frequencies of the time
	// that story came: it takes them as they are.
	for _, m := range dec.copies {
		if m.jaccard == 1 && m.containment == 1 && m.rec.identity == rec.identity && rec.arrays.sameBarWeights(&m.rec.arrays) {
			st.share(rec, m.rec)
			break
		}
	}
	rec.eff = stampOf(st.time.observe(s.Time, source)) // s.Time itself when dated
	cl := dec.cl
	if cl == nil {
		cl = st.newCluster(rec.seq, s.ID)
	}
	for _, m := range dec.merged {
		st.merge(cl, m)
	}
	st.learnLines(p.lines, cl.key)
	st.attach(rec, cl, f.top, f.sig, f.fp)
	cl.days = addStoryDays(cl.days, s.Time, f.reported)
	return rec
}

func lineKeys(lines []shingle.Line) []uint32 {
	out := make([]uint32, len(lines))
	for i, l := range lines {
		out[i] = lineKey(l.Hash)
	}
	return out
}

// lineKey is what held stories and clusters keep of the hash of a line (or
// title): its low 32 bits, 0 only for the hash 0 (a line without words, a
// story without a title of its own). A story's lines are matched with
// those of one held story or one cluster, a few thousand at most, so that
// 32 bits make a false match about as likely as one in a million a story;
// the table of lines seen across clusters, where site boilerplate is
// learned (lineTable), has millions and keeps the whole hash.
func lineKey(h uint64) uint32 {
	if k := uint32(h); k != 0 || h == 0 {
		return k
	}
	return 1
}

// newCluster creates and registers an empty cluster.
func (st *state) newCluster(key uint64, id string) *clusterRec {
	cl := &clusterRec{key: key, id: id}
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

// attach adds a story record to a cluster: what the story tier learns from
// it (learn) and the story itself (hold).
func (st *state) attach(rec *storyRec, cl *clusterRec, top []uint64, sig minhash.Signature, fp simhash.Fingerprint) {
	st.learn(rec, cl, top)
	st.hold(rec, cl, sig, fp)
}

// learn adds what a story tells of its cluster as a whole to the cluster's
// summary: its centroid, lines, years and times, its heaviest terms (top)
// in the story index, and the document frequencies of the terms that enter
// the cluster.
func (st *state) learn(rec *storyRec, cl *clusterRec, top []uint64) {
	if cl.late {
		st.revive(cl)
	}
	vec := rec.vec(st.vocab).vector()
	for _, t := range vec.Terms {
		if cl.centroid.Weight(t) == 0 {
			st.df[t]++ // the term enters the cluster
		}
	}
	cl.centroid.Add(vec)
	for _, h := range rec.lines() {
		st.countLine(cl, h, 1)
	}
	if rec.title != 0 {
		st.countLine(cl, rec.title, 1)
	}
	var post []uint64
	for _, t := range top {
		if i, ok := slices.BinarySearch(st.lists.View(cl.indexed), t); !ok {
			st.lists.Insert(&cl.indexed, i, t)
			post = append(post, t)
		}
	}
	st.terms.Add(cl.key, post)
	if rec.year != 0 {
		cl.countYear(int(rec.year), 1)
	}
	if t := rec.published(); !t.IsZero() {
		if cl.first.IsZero() || t.Before(cl.first) {
			cl.first = t
		}
		if t.After(cl.last) {
			cl.last = t
		}
	}
}

// hold adds a story to its cluster's members and to the indexes of stories:
// by id and sequence number, the LSH, SimHash and anchor indexes and the
// window queue.
func (st *state) hold(rec *storyRec, cl *clusterRec, sig minhash.Signature, fp simhash.Fingerprint) {
	rec.cl = cl
	st.members.Append(&cl.members, rec)
	st.stories.put(rec)
	set := int(rec.arrays.shingles)
	if set > 0 {
		// Both indexes reject only duplicate ids and malformed signatures,
		// which a fresh sequence number and our own hasher rule out.
		rec.handle = st.handles.add(rec)
		if err := st.lsh.Insert(rec.handle, sig); err != nil {
			panic("dedup: LSH insert: " + err.Error())
		}
		if err := st.sim.Insert(rec.handle, fp); err != nil {
			panic("dedup: SimHash insert: " + err.Error())
		}
		st.anchors.insert(rec, st.copyHashes(rec))
	}
	if set < st.cfg.MinSharedShingles && rec.arrays.ids > 0 {
		st.short[rec.identity] = rec
	}
	heap.Push(&st.queue, rec)
}

// share makes rec keep the arrays of twin, a held story that it copies
// word for word, in place of its own, which must be the last packed and go
// back to the slab. The arrays are read only, and each record counts its
// use of their terms, so either may leave first; the chunk the arrays are
// in stays while either holds them. In the million-story stream of
// examples/scale about a tenth of the stories are such copies (the same
// title and text as a story before them). A snapshot names the story whose
// arrays a story shares, and Load shares them again (a snapshot of
// version 4 does not, and its stories keep their own).
func (st *state) share(rec, twin *storyRec) {
	own := rec.arrays
	twin.arrays.retain(st.vocab)
	rec.arrays = twin.arrays
	own.release(st.vocab)
	st.slab.giveBack(own)
}

// detach takes a story that is no longer in the window queue out of its
// cluster's members and out of every index of stories. When forget is set
// (the story is removed, not let go) what it taught the cluster goes too:
// its share of the centroid, lines, years, indexed terms and document
// frequencies; one of the first summaryStories stories of a cluster to leave
// the window leaves them to the cluster, which stays joinable for
// Config.StoryHorizon after its latest story (see evict), and the stories
// that leave after those take them along.
func (st *state) detach(rec *storyRec, forget bool) {
	st.stories.remove(rec)
	if rec.handle != 0 {
		st.anchors.remove(rec, st.copyHashes(rec))
		st.lsh.Remove(rec.handle)
		st.sim.Remove(rec.handle)
		st.handles.remove(rec.handle)
		rec.handle = 0
	}
	if st.short[rec.identity] == rec {
		delete(st.short, rec.identity)
	}
	cl := rec.cl
	st.members.Delete(&cl.members, slices.Index(st.members.View(cl.members), rec))
	rec.cl = nil
	if !forget {
		if forget = cl.kept >= summaryStories; !forget {
			cl.kept++
		}
	}
	if forget {
		vec := rec.vec(st.vocab).vector()
		cl.centroid.Remove(vec)
		var unposted []uint64
		for _, t := range vec.Terms {
			if cl.centroid.Weight(t) == 0 {
				st.dfDown(t) // the term leaves the cluster
				if i, ok := slices.BinarySearch(st.lists.View(cl.indexed), t); ok {
					st.lists.Delete(&cl.indexed, i)
					unposted = append(unposted, t)
				}
			}
		}
		st.terms.Remove(cl.key, unposted)
		for _, h := range rec.lines() {
			st.countLine(cl, h, -1)
		}
		if rec.title != 0 {
			st.countLine(cl, rec.title, -1)
		}
		if rec.year != 0 {
			cl.countYear(int(rec.year), -1)
		}
	}
	rec.arrays.release(st.vocab)
	st.sources.release(rec.source)
	if cl.members.Len() == 0 {
		if cl.centroid.Len() == 0 || cl.last.IsZero() || st.cfg.StoryHorizon < 0 {
			st.dropCluster(cl) // nothing left to join, or no time to keep it by
		} else {
			heap.Push(&st.dormant, dormantCluster{cl, cl.last})
		}
	}
}

func (st *state) dfDown(t uint64) {
	if n := st.df[t]; n <= 1 {
		delete(st.df, t)
	} else {
		st.df[t] = n - 1
	}
}

// dropCluster removes a cluster and what it counts for in the story index
// and the document frequencies.
func (st *state) dropCluster(cl *clusterRec) {
	if cl.late {
		st.unindexDays(cl)
	}
	delete(st.clusters, cl.key)
	st.terms.Remove(cl.key, st.lists.View(cl.indexed))
	st.lists.Release(&cl.indexed)
	cl.centroid.EachTerm(st.dfDown)
	cl.dropped = true
}

// remove takes a held story out of the window queue and detaches it,
// forgetting what it taught.
func (st *state) remove(rec *storyRec) {
	heap.Remove(&st.queue, int(rec.heapIdx))
	st.detach(rec, true)
}

// evict lets go the stories that fell behind the watermark (see timeline)
// or beyond MaxStories; then the clusters without stories that fell
// Config.StoryHorizon behind it are put in outline (compact) or dropped, and
// those in outline that fell Config.EventHorizon behind it are dropped.
func (st *state) evict() {
	// This operation's verdict is made: the stories let go so far are read
	// no more.
	st.vocab.settle()
	st.sources.settle()
	for st.queue.n > 0 && (st.queue.n > st.cfg.MaxStories || st.time.expired(st.queue.at(0).eff.time())) {
		rec := heap.Pop(&st.queue).(*storyRec)
		st.time.left(rec.eff.time())
		st.detach(rec, false)
	}
	st.evictDormant()
	st.evictLate()
}

func (st *state) evictDormant() {
	for len(st.dormant) > 0 {
		e := st.dormant[0]
		switch cl := e.cl; {
		case cl.dropped || cl.late || cl.members.Len() > 0:
			// Gone, in outline by an earlier entry (a cluster that lost its
			// last story twice with the same latest time has two), or
			// joined again: back when its stories leave.
			heap.Pop(&st.dormant)
		case !cl.last.Equal(e.last):
			heap.Pop(&st.dormant) // joined and left again since: in again by its latest time
			heap.Push(&st.dormant, dormantCluster{cl, cl.last})
		case st.time.expired(cl.last.Add(st.cfg.StoryHorizon)):
			heap.Pop(&st.dormant)
			if st.cfg.EventHorizon > st.cfg.StoryHorizon && len(cl.days) > 0 {
				st.compact(cl)
				heap.Push(&st.late, dormantCluster{cl, cl.last})
			} else {
				st.dropCluster(cl)
			}
		default:
			return
		}
	}
}

func (st *state) evictLate() {
	for len(st.late) > 0 {
		e := st.late[0]
		switch cl := e.cl; {
		case cl.dropped || !cl.late || !cl.last.Equal(e.last):
			heap.Pop(&st.late) // gone, or joined again: back when it is past the story horizon again
		case st.time.expired(cl.last.Add(st.cfg.EventHorizon)):
			heap.Pop(&st.late)
			st.dropCluster(cl)
		default:
			return
		}
	}
}

// lateTerms is the number of terms a cluster keeps past the story horizon.
const lateTerms = 32

// compact puts a dormant cluster past the story horizon in outline: joinable
// until Config.EventHorizon after its latest story, but only by a story that
// names a day of its event (see clusterNear), it keeps its lateTerms
// heaviest terms, its years, times and event days, and it is found by those
// days rather than through the story index.
func (st *state) compact(cl *clusterRec) {
	st.terms.Remove(cl.key, st.lists.View(cl.indexed))
	st.lists.Release(&cl.indexed)
	for _, t := range cl.centroid.Truncate(lateTerms) {
		st.dfDown(t) // the term leaves the cluster
	}
	st.clLines.Release(&cl.lines)
	st.members.Release(&cl.members)
	cl.late = true
	st.byDay.Add(cl.key, dayTerms(cl))
}

// revive brings a cluster in outline back when a story joins it: it is found
// through the story index again (by the terms it kept) and learns lines.
func (st *state) revive(cl *clusterRec) {
	st.unindexDays(cl)
	cl.late = false
	cl.centroid.EachTerm(func(t uint64) { st.lists.Append(&cl.indexed, t) })
	st.terms.Add(cl.key, st.lists.View(cl.indexed))
}

// lineCount is a line (or title) the members of a cluster have, by key
// (lineKey), and how many of them have it.
type lineCount struct {
	key uint32
	n   int32
}

func compareLine(l lineCount, k uint32) int { return cmp.Compare(l.key, k) }

// hasLine reports whether a member of cl has the line (or title) with hash
// h.
func (st *state) hasLine(cl *clusterRec, h uint64) bool {
	_, ok := slices.BinarySearchFunc(st.clLines.View(cl.lines), lineKey(h), compareLine)
	return ok
}

// countLine adds delta to the members of cl that have the line with key k,
// and forgets a line that none has any more.
func (st *state) countLine(cl *clusterRec, k uint32, delta int32) {
	v := st.clLines.View(cl.lines)
	i, ok := slices.BinarySearchFunc(v, k, compareLine)
	switch {
	case ok && v[i].n+delta > 0:
		v[i].n += delta
	case ok:
		st.clLines.Delete(&cl.lines, i)
	case delta > 0:
		st.clLines.Insert(&cl.lines, i, lineCount{k, delta})
	}
}

// unindexDays takes a cluster in outline out of the index of event days.
func (st *state) unindexDays(cl *clusterRec) {
	st.byDay.Remove(cl.key, dayTerms(cl))
}

// Past the story horizon a cluster is found by its first outlineDays event
// days, each with its outlineTerms heaviest terms: the index of days costs
// at most 32 postings a cluster (most clusters have a day or two).
const (
	outlineDays  = 2
	outlineTerms = 4
)

// dayTerms returns the keys a cluster in outline is found by: each of its
// first outlineDays event days with each of its outlineTerms heaviest
// terms. Neither changes while it is in outline.
func dayTerms(cl *clusterRec) []uint64 {
	top := cl.centroid.Vector().Top(nil, outlineTerms)
	days := cl.days[:min(len(cl.days), outlineDays)]
	keys := make([]uint64, 0, len(days)*len(top))
	for _, d := range days {
		for _, t := range top {
			keys = append(keys, dayTerm(d, t))
		}
	}
	return keys
}

// dayTerm is the key of a term on a day in the index of event days.
func dayTerm(d int32, t uint64) uint64 {
	return (t ^ uint64(uint32(d))*0x9e3779b97f4a7c15) * 0xbf58476d1ce4e5b9
}

// lateCandidates appends to dst the storyCandidates clusters in outline
// whose event days a story names (see namesEventDay) that share the most of
// its heaviest terms, leaving out those dst holds. A story that names no
// day, or more than maxEvidenceDays, finds none.
func (st *state) lateCandidates(dst []cluster.Candidate, f *features) []cluster.Candidate {
	if len(f.days) == 0 || len(f.days) > maxEvidenceDays || st.byDay.Terms() == 0 {
		return dst
	}
	keys := make([]uint64, 0, 2*len(f.days)*len(f.top))
	weights := make([]float64, 0, cap(keys))
	for _, d := range f.days {
		for _, day := range [2]int32{d, d + 1} {
			for i, t := range f.top {
				keys = append(keys, dayTerm(day, t))
				weights = append(weights, f.topW[i])
			}
		}
	}
	n := len(dst)
	return st.byDay.CandidatesFunc(dst, keys, weights, storyCandidates, func(key uint64) bool {
		return !slices.ContainsFunc(dst[:n], func(c cluster.Candidate) bool { return c.Cluster == key })
	})
}

// near reports whether a story published at t (zero if unknown) may be
// compared with a held story as its copy (see timeline.near).
func (st *state) near(t time.Time, rec *storyRec) bool {
	return st.time.near(t, rec.published())
}

// gap returns how far a story published at t lies outside the span of a
// cluster's dated stories: 0 within it, or when either is undated.
func (st *state) gap(t time.Time, cl *clusterRec) time.Duration {
	switch {
	case t.IsZero() || cl.first.IsZero():
		return 0
	case t.Before(cl.first):
		return cl.first.Sub(t)
	case t.After(cl.last):
		return t.Sub(cl.last)
	}
	return 0
}

// clusterNear reports whether a story published at t that names the days
// named may join a cluster as the same story: whether it lies within
// Config.StoryHorizon of the span of the cluster's dated stories (or either
// is undated), or within Config.EventHorizon of it and names a day of the
// cluster's event. A cluster in outline (see compact) needs the named day.
func (st *state) clusterNear(t time.Time, named []int32, cl *clusterRec) bool {
	if st.cfg.Window < 0 {
		return true
	}
	g := st.gap(t, cl)
	if st.inStoryHorizon(g) && !cl.late {
		return true
	}
	return g <= st.cfg.EventHorizon && cl.namesEventDay(named)
}

// inStoryHorizon reports whether a story that lies g outside the span of a
// cluster (see gap) is within Config.StoryHorizon of it, or of the copy
// window when that is longer; always, when the window is off.
func (st *state) inStoryHorizon(g time.Duration) bool {
	return st.cfg.Window < 0 || g <= max(st.cfg.StoryHorizon, st.cfg.Window)
}

// yearCount is a year the members of a cluster name as their latest, and
// how many of them do.
type yearCount struct {
	year, n int
}

// countYear adds delta to the members naming year y, and forgets a year no
// member names.
func (cl *clusterRec) countYear(y, delta int) {
	i := slices.IndexFunc(cl.years, func(c yearCount) bool { return c.year == y })
	if i < 0 {
		if delta > 0 {
			cl.years = append(cl.years, yearCount{y, delta})
		}
		return
	}
	if cl.years[i].n += delta; cl.years[i].n <= 0 {
		cl.years = slices.Delete(cl.years, i, i+1)
	}
}

// latestYear returns the latest year a member names, 0 if none.
func (cl *clusterRec) latestYear() int {
	latest := 0
	for _, c := range cl.years {
		latest = max(latest, c.year)
	}
	return latest
}

// export returns the public view of a cluster.
func (st *state) export(cl *clusterRec) Cluster {
	members := st.members.View(cl.members)
	c := Cluster{ID: cl.id, First: cl.first, Last: cl.last, Stories: make([]string, len(members))}
	for i, m := range members {
		c.Stories[i] = m.id
	}
	return c
}

// dormantCluster is a cluster whose stories all left, under its latest time
// when they did; a cluster that a story joins again is left in the heap and
// set aside when it comes up (see evict).
type dormantCluster struct {
	cl   *clusterRec
	last time.Time
}

// clusterHeap orders dormant clusters by their latest time, then by key.
type clusterHeap []dormantCluster

func (h clusterHeap) Len() int { return len(h) }
func (h clusterHeap) Less(i, j int) bool {
	if c := h[i].last.Compare(h[j].last); c != 0 {
		return c < 0
	}
	return h[i].cl.key < h[j].cl.key
}
func (h clusterHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *clusterHeap) Push(x any)   { *h = append(*h, x.(dormantCluster)) }
func (h *clusterHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	old[len(old)-1] = dormantCluster{}
	*h = old[:len(old)-1]
	return c
}

// storyHeap orders stories by the time used for the window, then by arrival.
// Its entries are kept in pages of heapPage entries, added as it grows and
// dropped as it shrinks, so that a heap of a million stories grows by one
// page and never copies them all (as one slice growing would, in a single
// Add).
type storyHeap struct {
	pages [][]*storyRec
	n     int
}

const (
	heapPageBits = 12
	heapPage     = 1 << heapPageBits
)

// at returns the story at position i of the heap.
func (h *storyHeap) at(i int) *storyRec { return h.pages[i>>heapPageBits][i&(heapPage-1)] }

func (h *storyHeap) set(i int, r *storyRec) {
	h.pages[i>>heapPageBits][i&(heapPage-1)] = r
	r.heapIdx = int32(i)
}

func (h *storyHeap) Len() int { return h.n }
func (h *storyHeap) Less(i, j int) bool {
	a, b := h.at(i), h.at(j)
	if a.eff != b.eff {
		return a.eff < b.eff
	}
	return a.seq < b.seq
}
func (h *storyHeap) Swap(i, j int) {
	a, b := h.at(i), h.at(j)
	h.set(i, b)
	h.set(j, a)
}
func (h *storyHeap) Push(x any) {
	if h.n>>heapPageBits == len(h.pages) {
		h.pages = append(h.pages, make([]*storyRec, heapPage))
	}
	h.set(h.n, x.(*storyRec))
	h.n++
}
func (h *storyHeap) Pop() any {
	h.n--
	p, i := h.pages[h.n>>heapPageBits], h.n&(heapPage-1)
	r := p[i]
	p[i] = nil
	r.heapIdx = -1
	// Keep one empty page beyond the last one in use, so that a heap going
	// back and forth across a page boundary does not allocate each time.
	if keep := h.n>>heapPageBits + 1; i == 0 && len(h.pages) > keep {
		h.pages[len(h.pages)-1] = nil
		h.pages = h.pages[:len(h.pages)-1]
	}
	return r
}

// handleTable numbers the stories in the LSH and SimHash indexes, which are
// keyed by these handles rather than by pointers: their items, and the maps
// from ids to items, hold no pointers for the garbage collector to scan,
// and the only pointers to the stories they index are those of this table,
// one a story, in pages of contiguous memory. Handles of stories that left
// are used again; 0 is no story.
type handleTable struct {
	pages [][]*storyRec
	n     uint32   // handles issued: 1 to n
	free  []uint32 // handles of stories that left
}

// add gives rec a handle.
func (t *handleTable) add(rec *storyRec) uint32 {
	var h uint32
	if k := len(t.free); k > 0 {
		h, t.free = t.free[k-1], t.free[:k-1]
	} else {
		t.n++
		h = t.n
		if int(h>>heapPageBits) == len(t.pages) {
			t.pages = append(t.pages, make([]*storyRec, heapPage))
		}
	}
	t.pages[h>>heapPageBits][h&(heapPage-1)] = rec
	return h
}

// get returns the story with handle h.
func (t *handleTable) get(h uint32) *storyRec { return t.pages[h>>heapPageBits][h&(heapPage-1)] }

// remove frees handle h.
func (t *handleTable) remove(h uint32) {
	t.pages[h>>heapPageBits][h&(heapPage-1)] = nil
	t.free = append(t.free, h)
}
