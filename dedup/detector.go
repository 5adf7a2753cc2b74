package dedup

import (
	"cmp"
	"container/heap"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/newsdup/newsdup/dedup/cluster"
	"github.com/newsdup/newsdup/dedup/lsh"
	"github.com/newsdup/newsdup/dedup/minhash"
	"github.com/newsdup/newsdup/shingle"
	"github.com/newsdup/newsdup/simhash"
)

// Bounds on the work done for one story, so that its cost does not grow with
// the number of stories held.
const (
	storyCandidates   = 5  // clusters compared with a story, best by shared terms
	copyClusters      = 2  // best candidate clusters whose members are checked for copies
	copyMembers       = 16 // latest members of each of them checked
	maxCopyCandidates = 64 // candidates from each signature index checked
	simhashDistance   = 3  // SimHash neighbours within this distance are copy candidates

	partialCopyContainment = 0.4 // see partialCopy
	partialCopyShingles    = 15
)

// Detector finds copies and rewrites among the stories added to it and groups
// them into clusters, one per news story.
//
// Add compares a story with the stories held, within the time window, and
// returns its verdict: New, Copy of an earlier story, or SameStory as an
// earlier cluster. A copy joins the cluster of the story it copies; a story
// joins the cluster it is most similar to as a whole when that similarity
// reaches Config.SameStoryThreshold; otherwise it starts a cluster named after
// itself. Clusters never merge and a story never moves, so results already
// returned stay true.
//
// Order: the result for a story depends on the stories added before it, so
// adding the same stories in another order can group them differently (a
// story that bridges two clusters is judged against what exists when it
// arrives). For a given order the results are deterministic. AddBatch adds in
// the order given.
//
// Time: a dated story (Story.Time set) moves the window forward; stories
// published before the newest one minus Config.Window leave the detector,
// with what was learned from them (site boilerplate apart: it is kept in a
// table of bounded size, as furniture learned last month is still
// furniture), so memory stays bounded on an endless stream. An undated story is placed at the time of the newest dated story
// seen before it (or of the first dated story, if none was seen yet) and
// leaves with the stories of that time. Config.MaxStories bounds the stories
// held in any case. A story older than the window is still compared with the
// stories held, and leaves at once.
//
// A Detector is safe for concurrent use by multiple goroutines. Texts are
// analysed in parallel; the comparison and the update of the detector's state
// are serialised, so concurrent Adds behave as if made one after the other in
// some order.
type Detector struct {
	cfg       Config
	hasher    *minhash.Hasher
	bg        *dfTable
	analyzers sync.Map // analyzerKey -> *shingle.Analyzer

	mu       sync.Mutex
	seq      uint64
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
	newest   time.Time // latest publication time seen
	first    time.Time // first publication time seen

	// Shared detectors only (see NewSharedDetector).
	store   Store
	epoch   string
	pos     uint64      // last log position applied
	pending *pendingAdd // the last add whose append failed
}

// storyRec is a story held by the detector.
type storyRec struct {
	seq       uint64
	id        string
	text      string
	title     string
	source    string
	time      time.Time // publication time, zero if unknown
	eff       time.Time // time used for the window
	lines     []uint64  // hashes of its lines
	titleHash uint64
	words     []word // content words, for passages
	quotes    []span
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

// NewDetector returns a Detector for cfg, or an error wrapping ErrInvalidConfig.
func NewDetector(cfg Config) (*Detector, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	h, err := minhash.New(minhash.Config{K: c.NumHashes, Seed: c.Seed})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidConfig, err)
	}
	params, err := lsh.Optimal(lsh.Config{K: c.NumHashes, Threshold: c.LSHThreshold})
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
	return &Detector{
		cfg:      c,
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
	}, nil
}

// Config returns the detector's configuration with every default filled in.
func (d *Detector) Config() Config { return d.cfg }

// LSHParams returns the banding the MinHash LSH index derived from
// Config.LSHThreshold.
func (d *Detector) LSHParams() lsh.Params { return d.lsh.Params() }

func storyErr(id string, err error, detail string) error {
	return fmt.Errorf("%w: story %q: %s", err, id, detail)
}

// validate checks what can be checked of a story without the detector's
// state.
func (d *Detector) validate(s Story) error {
	switch {
	case s.ID == "":
		return fmt.Errorf("%w", ErrEmptyID)
	case len(s.ID) > MaxIDBytes:
		return storyErr(truncateID(s.ID), ErrBadID, fmt.Sprintf("id is %d bytes, more than %d", len(s.ID), MaxIDBytes))
	case !utf8.ValidString(s.ID):
		return storyErr(s.ID, ErrBadID, "id is not valid UTF-8")
	case len(s.Text) > d.cfg.MaxTextBytes:
		return storyErr(s.ID, ErrTooLarge, fmt.Sprintf("text is %d bytes, more than %d", len(s.Text), d.cfg.MaxTextBytes))
	case len(s.Title) > d.cfg.MaxTextBytes:
		return storyErr(s.ID, ErrTooLarge, fmt.Sprintf("title is %d bytes, more than %d", len(s.Title), d.cfg.MaxTextBytes))
	}
	if !s.Time.IsZero() {
		if s.Time.Year() < 1900 {
			return storyErr(s.ID, ErrBadTime, fmt.Sprintf("time %s is before 1900", s.Time.Format(time.RFC3339)))
		}
		if limit := d.cfg.Clock().Add(d.cfg.MaxFuture); s.Time.After(limit) {
			return storyErr(s.ID, ErrBadTime, fmt.Sprintf("time %s is more than %v in the future", s.Time.Format(time.RFC3339), d.cfg.MaxFuture))
		}
	}
	return nil
}

func truncateID(id string) string {
	if len(id) <= 64 {
		return id
	}
	return id[:64] + "..."
}

// Add compares a story with the stories held and adds it. It returns the
// verdict, or an error (wrapping ErrEmptyID, ErrBadID, ErrDuplicateID,
// ErrEmptyText, ErrTooLarge, ErrBadTime or ErrUnknownLanguage) and leaves
// the detector unchanged. A detector that shares a Store can also return the
// store's errors; see AddContext.
func (d *Detector) Add(s Story) (Result, error) {
	return d.AddContext(context.Background(), s)
}

// AddContext is Add with a context that bounds the work with the detector's
// Store, if it has one (see NewSharedDetector); a detector without a store
// does not use ctx.
//
// When the store fails, AddContext returns an error wrapping ErrStore (or
// ErrStoreReset) and the detector is unchanged; the story is not added, or,
// when the connection was lost after the store took it, it is in the store
// and reaches every detector with their next operation. Either way, adding
// the same story again (every field equal) gives its verdict: decided
// afresh, or the one it was stored with. A story is never added twice or in
// part.
func (d *Detector) AddContext(ctx context.Context, s Story) (Result, error) {
	p, err := d.prepare(s)
	if err != nil {
		return Result{}, err
	}
	r, job, err := d.addPrepared(ctx, p)
	if err != nil {
		return Result{}, err
	}
	d.passages(&r, job)
	return r, nil
}

// Query returns the verdict a story would get from Add, without adding it or
// learning anything from it. The story's id may be one the detector holds;
// that story is then left out of the comparison.
func (d *Detector) Query(s Story) (Result, error) {
	return d.QueryContext(context.Background(), s)
}

// QueryContext is Query with a context that bounds the work with the
// detector's Store: a shared detector first applies what other detectors
// added. A detector without a store does not use ctx.
func (d *Detector) QueryContext(ctx context.Context, s Story) (Result, error) {
	p, err := d.prepare(s)
	if err != nil {
		return Result{}, err
	}
	d.mu.Lock()
	if err := d.syncLocked(ctx); err != nil {
		d.mu.Unlock()
		return Result{}, err
	}
	f := d.features(p)
	dec := d.decide(p, f, s.ID)
	r, job := d.result(p, f, dec, nil)
	d.mu.Unlock()
	d.passages(&r, job)
	return r, nil
}

// addPrepared decides and inserts under the lock.
func (d *Detector) addPrepared(ctx context.Context, p *prepared) (Result, *passageJob, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.store != nil {
		return d.addShared(ctx, p)
	}
	if _, ok := d.stories[p.story.ID]; ok {
		return Result{}, nil, storyErr(p.story.ID, ErrDuplicateID, "the detector already holds a story with this id")
	}
	f := d.features(p)
	dec := d.decide(p, f, "")
	rec := d.insert(p, f, dec, d.seq+1)
	r, job := d.result(p, f, dec, rec)
	d.evict()
	return r, job, nil
}

// decision is the outcome of comparing a story with the detector's state.
type decision struct {
	kind   Kind
	cl     *clusterRec
	score  float64
	copies []copyMatch
}

type copyMatch struct {
	rec                  *storyRec
	jaccard, containment float64
}

// decide compares a story with the stories held. skip names a story to leave
// out (Query of a held id). The caller holds d.mu.
func (d *Detector) decide(p *prepared, f *features, skip string) decision {
	cands := d.terms.Candidates(nil, f.top, f.topW, storyCandidates)

	// Copy tier: candidates from the MinHash LSH index, the SimHash index,
	// the latest members of the clusters most alike in terms and, when
	// those hold no copy, the anchor index, verified on the exact shingle
	// sets.
	seen := make(map[uint64]bool)
	var copies []copyMatch
	check := func(seq uint64) {
		if seen[seq] {
			return
		}
		seen[seq] = true
		rec := d.bySeq[seq]
		if rec == nil || rec.id == skip {
			return
		}
		j, c, shared := copyScores(f.shingles, rec.shingles)
		if shared < d.cfg.MinSharedShingles || numbersConflict(f, rec) {
			return
		}
		if j < d.cfg.CopyJaccard && c < d.cfg.CopyContainment && !d.partialCopy(p, f, rec, c, shared) {
			return
		}
		copies = append(copies, copyMatch{rec, j, c})
	}
	if len(f.shingles) > 0 {
		ids, err := d.lsh.Query(nil, f.sig)
		if err != nil {
			// Only a signature from another hasher is rejected; every
			// signature here comes from d.hasher.
			panic("dedup: LSH query: " + err.Error())
		}
		// Verify the most recent candidates only: a story copied thousands
		// of times must not make each new copy cost thousands of checks.
		for _, seq := range ids[max(0, len(ids)-maxCopyCandidates):] {
			check(seq)
		}
		sims := d.sim.Query(nil, f.fp)
		for _, m := range sims[:min(len(sims), maxCopyCandidates)] {
			check(m.ID)
		}
		for _, c := range cands[:min(len(cands), copyClusters)] {
			cl := d.clusters[c.Cluster]
			for _, m := range cl.members[max(0, len(cl.members)-copyMembers):] {
				check(m.seq)
			}
		}
		if len(copies) == 0 {
			// The copies the other sources miss: cut to a few
			// paragraphs of a long story, or dressed in an outlet's own
			// names. Looked for only then, as a copy stream would
			// otherwise pay for checking a story's other copies again.
			for _, seq := range d.anchors.candidates(nil, f.shingles) {
				check(seq)
			}
		}
	}
	if len(copies) > 0 {
		slices.SortFunc(copies, func(a, b copyMatch) int {
			if x := cmp.Compare(b.containment+b.jaccard, a.containment+a.jaccard); x != 0 {
				return x
			}
			return cmp.Compare(a.rec.seq, b.rec.seq)
		})
		best := copies[0]
		return decision{kind: Copy, cl: best.rec.cl, score: max(best.jaccard, best.containment), copies: copies}
	}

	// Story tier: the cluster most similar as a whole.
	var best *clusterRec
	bestScore := 0.0
	for _, c := range cands {
		cl := d.clusters[c.Cluster]
		if skip != "" && len(cl.members) == 1 && cl.members[0].id == skip {
			continue
		}
		s := d.clusterScore(p, f, cl)
		if s > bestScore || (s == bestScore && best != nil && cl.key < best.key) {
			best, bestScore = cl, s
		}
	}
	if best != nil && bestScore >= d.cfg.SameStoryThreshold {
		return decision{kind: SameStory, cl: best, score: bestScore}
	}
	return decision{kind: New}
}

// partialCopy reports whether two stories that share less than
// Config.CopyContainment of the smaller one's shingles are still copies: an
// outlet that trimmed the wire story and added paragraphs of its own, a byline
// and its site's furniture. They must share a long stretch of text (at least
// partialCopyShingles shingles and partialCopyContainment of the smaller
// set), and the rest of the story must agree with the other in its words
// (term similarity of at least Config.SameStoryThreshold).
//
// Two different stories from one site share the site's furniture, which
// is left out:
//   - of the rest, the lines that earlier stories of other clusters had word
//     for word, so the furniture is left out as soon as the site's second
//     story has been seen, before it is learned as boilerplate;
//   - of the shared stretch and of the rest, when both stories come from one
//     source, the runs of lines opening and closing the story that the other
//     story has too: the header and footer that a site's second story shares
//     with its first, before any other story has shown them to be
//     furniture. What a partial copy shares with a story of its own site is
//     the wire text inside them.
func (d *Detector) partialCopy(p *prepared, f *features, rec *storyRec, containment float64, shared int) bool {
	if !longStretch(containment, shared) {
		return false
	}
	skip := d.edgeLines(p, rec)
	if skip != nil && !d.sharesInside(p, f, rec, skip) {
		return false
	}
	for _, l := range p.lines {
		if s, seen := d.lines.get(l.hash); seen && (s.n > 1 || s.clusters[0] != uint32(rec.cl.key)) {
			if skip == nil {
				skip = make(map[uint64]int32)
			}
			skip[l.hash] = 1
		}
	}
	vec := f.vec
	if skip != nil {
		vec = d.vector(p, f, skip)
	}
	return vec.Dot(rec.vec) >= d.cfg.SameStoryThreshold
}

// edgeLines returns, when a story and rec come from one source, the lines of
// the runs opening and closing the story that rec has too; lines without words
// belong to a run without ending it. It returns nil when there are none.
func (d *Detector) edgeLines(p *prepared, rec *storyRec) map[uint64]int32 {
	if p.story.Source == "" || p.story.Source != rec.source {
		return nil
	}
	var edges map[uint64]int32
	edge := func(l textLine) bool {
		if l.hash == 0 {
			return true
		}
		if !slices.Contains(rec.lines, l.hash) {
			return false
		}
		if edges == nil {
			edges = make(map[uint64]int32)
		}
		edges[l.hash] = 1
		return true
	}
	first := len(p.lines)
	for i, l := range p.lines {
		if !edge(l) {
			first = i
			break
		}
	}
	for i := len(p.lines) - 1; i > first && edge(p.lines[i]); i-- {
	}
	return edges
}

// sharesInside reports whether the lines of a story outside skip and outside
// learned boilerplate share a stretch with rec as long as partialCopy asks
// for.
func (d *Detector) sharesInside(p *prepared, f *features, rec *storyRec, skip map[uint64]int32) bool {
	var content []shingle.Token
	for i, l := range p.lines {
		if _, ok := skip[l.hash]; !ok && !f.boiler[i] {
			content = appendContent(content, p.tokens[l.lo:l.hi])
		}
	}
	_, containment, shared := copyScores(d.shingleSet(content), rec.shingles)
	return longStretch(containment, shared)
}

// longStretch reports whether two stories sharing this many shingles, this
// share of the smaller set, share as long a stretch as a partial copy needs.
func longStretch(containment float64, shared int) bool {
	return containment >= partialCopyContainment && shared >= partialCopyShingles
}

// clusterScore is the similarity of a story to a cluster as a whole: the
// cosine with the cluster's centroid, less a penalty when the latest year the
// story names differs from the latest year the cluster names.
//
// Lines the story shares word for word with members of the cluster get a
// second look. A story that shares text with a cluster without being a copy
// of it (the copy tier has already said no) shares site boilerplate that has
// not been seen often enough to be learned yet, quotes, or the paragraphs of
// a partial copy. So the decision is made on the rest of the story: the
// shared lines add to the score only when the rest reaches
// Config.SameStoryThreshold on its own. A story that agrees with a cluster on
// nothing but a footer and a "Check also" teaser is not the same story.
func (d *Detector) clusterScore(p *prepared, f *features, cl *clusterRec) float64 {
	s := cl.centroid.Cosine(f.vec)
	if d.sharesLines(p, f, cl) {
		if rest := cl.centroid.Cosine(d.vector(p, f, cl.lines)); rest < d.cfg.SameStoryThreshold {
			s = rest
		}
	}
	if f.year != 0 {
		latest := 0
		for y := range cl.years {
			latest = max(latest, y)
		}
		if latest != 0 && latest != f.year {
			s -= yearConflict
		}
	}
	return s
}

// sharesLines reports whether a story has a line, or a title, that a member of
// the cluster has too, outside learned boilerplate.
func (d *Detector) sharesLines(p *prepared, f *features, cl *clusterRec) bool {
	if _, ok := cl.lines[p.titleHash]; ok && p.titleHash != 0 {
		return true
	}
	for i, l := range p.lines {
		if _, ok := cl.lines[l.hash]; ok && !f.boiler[i] {
			return true
		}
	}
	return false
}

func lineHashes(lines []textLine) []uint64 {
	out := make([]uint64, len(lines))
	for i, l := range lines {
		out[i] = l.hash
	}
	return out
}

// insert adds a decided story to the detector with sequence number seq,
// which must be above every sequence number used before. The caller holds
// d.mu.
func (d *Detector) insert(p *prepared, f *features, dec decision, seq uint64) *storyRec {
	d.seq = seq
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
	if !s.Time.IsZero() {
		rec.eff = s.Time
		if s.Time.After(d.newest) {
			d.newest = s.Time
		}
		if d.first.IsZero() {
			d.first = s.Time
		}
	} else {
		rec.eff = d.newest
	}
	cl := dec.cl
	if cl == nil {
		cl = d.newCluster(rec.seq, s.ID)
	}
	d.learnLines(p.lines, cl.key)
	d.attach(rec, cl, f.top, f.sig, f.fp)
	return rec
}

// newCluster creates and registers an empty cluster.
func (d *Detector) newCluster(key uint64, id string) *clusterRec {
	cl := &clusterRec{key: key, id: id, indexed: make(map[uint64]struct{}), years: make(map[int]int), lines: make(map[uint64]int32)}
	d.clusters[key] = cl
	return cl
}

// attach adds a story record to a cluster and to every index: the cluster's
// centroid, lines and years, the story index (top are the story's heaviest
// terms), document frequencies, the LSH, SimHash and anchor indexes and the
// window queue. The caller holds d.mu.
func (d *Detector) attach(rec *storyRec, cl *clusterRec, top []uint64, sig minhash.Signature, fp simhash.Fingerprint) {
	rec.cl = cl
	cl.members = append(cl.members, rec)
	for _, t := range rec.vec.Terms {
		if cl.centroid.Weight(t) == 0 {
			d.df[t]++ // the term enters the cluster
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
	d.terms.Add(cl.key, post)
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
	d.stories[rec.id] = rec
	d.bySeq[rec.seq] = rec
	if len(rec.shingles) > 0 {
		// Both indexes reject only duplicate ids and malformed signatures,
		// which a fresh sequence number and our own hasher rule out.
		if err := d.lsh.Insert(rec.seq, sig); err != nil {
			panic("dedup: LSH insert: " + err.Error())
		}
		if err := d.sim.Insert(rec.seq, fp); err != nil {
			panic("dedup: SimHash insert: " + err.Error())
		}
		d.anchors.insert(rec.seq, rec.shingles)
	}
	heap.Push(&d.queue, rec)
}

// Remove removes the story with the given id and everything learned from
// it, except the site boilerplate learned from its lines. Its cluster keeps
// its id while other members remain. It returns an error wrapping
// ErrNotFound when the detector does not hold the id. A shared detector
// removes the story from every detector sharing its store, and can return
// the store's errors (see RemoveContext).
func (d *Detector) Remove(id string) error {
	return d.RemoveContext(context.Background(), id)
}

// RemoveContext is Remove with a context that bounds the work with the
// detector's Store. When the store fails it returns an error wrapping
// ErrStore or ErrStoreReset, and the story is either still held everywhere
// or removed everywhere with the next operation of each detector.
func (d *Detector) RemoveContext(ctx context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.store != nil {
		return d.removeShared(ctx, id)
	}
	rec, ok := d.stories[id]
	if !ok {
		return storyErr(id, ErrNotFound, "no such story")
	}
	d.remove(rec)
	return nil
}

// drop removes a story that is no longer in the queue. The caller holds d.mu.
func (d *Detector) drop(rec *storyRec) {
	delete(d.stories, rec.id)
	delete(d.bySeq, rec.seq)
	d.lsh.Remove(rec.seq)
	d.sim.Remove(rec.seq)
	d.anchors.remove(rec.seq, rec.shingles)
	cl := rec.cl
	cl.centroid.Remove(rec.vec)
	for _, t := range rec.vec.Terms {
		if cl.centroid.Weight(t) != 0 {
			continue // still in the cluster
		}
		if n := d.df[t]; n <= 1 {
			delete(d.df, t)
		} else {
			d.df[t] = n - 1
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
		delete(d.clusters, cl.key)
		terms := make([]uint64, 0, len(cl.indexed))
		for t := range cl.indexed {
			terms = append(terms, t)
		}
		d.terms.Remove(cl.key, terms)
	}
	rec.cl = nil
}

// evict removes the stories that fell out of the window or beyond
// MaxStories. The caller holds d.mu.
func (d *Detector) evict() {
	for len(d.queue) > d.cfg.MaxStories {
		d.drop(heap.Pop(&d.queue).(*storyRec))
	}
	if d.cfg.Window < 0 || d.newest.IsZero() {
		return
	}
	start := d.newest.Add(-d.cfg.Window)
	for len(d.queue) > 0 {
		oldest := d.queue[0]
		t := oldest.eff
		if t.IsZero() {
			t = d.first
		}
		if !t.Before(start) {
			break
		}
		d.drop(heap.Pop(&d.queue).(*storyRec))
	}
}

// Len returns the number of stories held.
func (d *Detector) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.stories)
}

// Clusters returns the clusters the detector holds, in the order they were
// created, each with its members in the order they were added.
func (d *Detector) Clusters() []Cluster {
	d.mu.Lock()
	defer d.mu.Unlock()
	keys := make([]uint64, 0, len(d.clusters))
	for k := range d.clusters {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]Cluster, len(keys))
	for i, k := range keys {
		out[i] = d.clusters[k].export()
	}
	return out
}

// ClusterOf returns the cluster holding the story with the given id.
func (d *Detector) ClusterOf(id string) (Cluster, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	rec, ok := d.stories[id]
	if !ok {
		return Cluster{}, false
	}
	return rec.cl.export(), true
}

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
