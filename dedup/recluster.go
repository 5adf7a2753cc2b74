package dedup

import (
	"cmp"
	"container/heap"
	"slices"
	"time"

	"github.com/newsdup/newsdup/dedup/cluster"
)

// Batch's second look at the story tier. A stream decides each story when
// it comes and never takes a verdict back; a collection known as a whole can
// do better. Batch first decides its stories in time order, as a stream
// would, and keeps an outline of every cluster made: the sum of its
// stories' heaviest terms, its dates and the days its stories name. Then it
// merges the clusters that are one story as wholes, whatever their order:
// the pair that agrees most first, while any pair reaches the bar. Two
// clusters agree as much as their stories do on average (the average link:
// the mean cosine over all pairs of their stories), so one bridging story
// cannot pull two stories together, and a digest that agrees a little with
// many clusters links weakly to each.
//
// Time still counts, as it does in the stream: two clusters merge when the
// gap between them is within Config.StoryHorizon, or within
// Config.EventHorizon when a story of one names a day of the other's event
// (a day its stories were published on or named in the week before, or the
// day before one), as in the stream (see reportWindow). Undated clusters, and every
// cluster with no window (a negative Config.Window), are compared whatever
// their dates. Two clusters whose stories name days, none of them a day of
// the other (see daysConflict), are two events of one kind and stay apart.

const (
	// relinkThreshold is the average link at or above which Batch merges
	// two clusters. On the evaluation sets (examples/evaluate, batch mode)
	// 0.4 merges fragments of 3 GVC incidents and 2 ECB+ events, all
	// right, and 11 pairs of clusters of the perturbation set, some of
	// them copies the copy tier split, some Reuters stories on one topic
	// (B-cubed F1 0.997 either way); at 0.35 more of those merge (0.996)
	// and ECB+ falls (0.920 -> 0.915).
	relinkThreshold = 0.4
	// relinkTerms is the number of each story's heaviest terms that its
	// cluster's outline sums: a bound on what an outline holds. On the
	// evaluation sets (measured before daysConflict) 64 terms give GVC
	// 0.934, the perturbation set 0.997 and ECB+ 0.920; all terms give
	// 0.935, 0.996 and 0.920; 32 terms 0.931, 0.997 and 0.920.
	relinkTerms = 64
	// relinkIndexTerms is the number of a cluster's heaviest terms under
	// which it is found as a candidate, and relinkPosting the most
	// clusters one term finds: a term shared by more is a topic, not a
	// story.
	relinkIndexTerms = 32
	relinkPosting    = 512
	relinkShared     = 4
)

// outline is what Batch keeps of a cluster for the second look.
type outline struct {
	id          string
	seq         int // order in which Batch met the cluster: ties go to the earlier
	sum         cluster.Centroid
	first, last time.Time // its earliest and latest dated stories
	days        []int32   // days of its event: its stories' days and the days they report (see reportWindow)
	named       []int32   // days its stories name, sorted, at most maxEventDays
	into        *outline  // the outline it was merged into, if any
	terms       []uint64  // its heaviest terms, under which relinkAll finds it
	version     int       // bumped by each merge into it
}

// outlines are the clusters of a Batch, in the order met, and by id (the
// latest cluster of each id).
type outlines struct {
	byID  map[string]*outline
	byKey map[uint64]*outline // by the key of the detector's cluster
	list  []*outline
	last  *outline // the outline of the story added last
}

func newOutlines() *outlines {
	return &outlines{byID: map[string]*outline{}, byKey: map[uint64]*outline{}}
}

// root returns the outline o has been merged into, following the chain.
func (o *outline) root() *outline {
	for o.into != nil {
		o = o.into
	}
	return o
}

// observe records a story Batch added, with its features and result: the
// story joins the outline of its cluster, after the outlines of the
// clusters its result merged. It returns that outline.
func (ol *outlines) observe(p *prepared, f *features, r *Result) *outline {
	var o *outline
	if r.Kind == New {
		// A new cluster, even if an earlier one that has left the
		// window had its id.
		o = ol.add(r.Cluster)
	} else {
		o = ol.get(r.Cluster)
	}
	for _, id := range r.Merged {
		if m := ol.byID[id]; m != nil && m.root() != o {
			o.absorb(m.root())
		}
	}
	top := f.vec.Top(nil, relinkTerms)
	slices.Sort(top)
	v := cluster.Vector{Terms: top, Weights: make([]float32, len(top))}
	for i, t := range top {
		k, _ := slices.BinarySearch(f.vec.Terms, t)
		v.Weights[i] = f.vec.Weights[k]
	}
	o.sum.Add(v)
	if t := p.story.Time; !t.IsZero() {
		if o.first.IsZero() || t.Before(o.first) {
			o.first = t
		}
		if t.After(o.last) {
			o.last = t
		}
	}
	o.days = addStoryDays(o.days, p.story.Time, f.reported)
	if len(f.days) <= maxEvidenceDays {
		for _, d := range f.days {
			o.named = addDay(o.named, d)
		}
	}
	return o
}

// get returns the outline of cluster id (the latest cluster with that id),
// made empty if there is none.
func (ol *outlines) get(id string) *outline {
	if o := ol.byID[id]; o != nil {
		return o.root()
	}
	return ol.add(id)
}

// add makes an empty outline for a new cluster.
func (ol *outlines) add(id string) *outline {
	o := &outline{id: id, seq: len(ol.list)}
	ol.byID[id] = o
	ol.list = append(ol.list, o)
	return o
}

// absorb merges outline m into o.
func (o *outline) absorb(m *outline) {
	o.sum.Merge(&m.sum)
	if !m.first.IsZero() && (o.first.IsZero() || m.first.Before(o.first)) {
		o.first = m.first
	}
	if m.last.After(o.last) {
		o.last = m.last
	}
	for _, d := range m.days {
		o.days = addDay(o.days, d)
	}
	for _, d := range m.named {
		o.named = addDay(o.named, d)
	}
	m.into = o
	o.version++
}

// before reports whether outline a started before b: by its earliest dated
// story, then by the order Batch met them. The older one gives its id to
// the merge.
func (a *outline) before(b *outline) bool {
	if !a.first.IsZero() && !b.first.IsZero() && !a.first.Equal(b.first) {
		return a.first.Before(b.first)
	}
	return a.seq < b.seq
}

// near reports whether two outlines are close enough in time to merge (see
// the comment at the top of this file).
func (cfg *Config) near(a, b *outline) bool {
	if cfg.Window < 0 || a.first.IsZero() || b.first.IsZero() {
		return true
	}
	var gap time.Duration
	switch {
	case b.first.After(a.last):
		gap = b.first.Sub(a.last)
	case a.first.After(b.last):
		gap = a.first.Sub(b.last)
	}
	if gap <= max(cfg.StoryHorizon, cfg.Window) {
		return true
	}
	return gap <= cfg.EventHorizon && (namesDayOf(a.named, b.days) || namesDayOf(b.named, a.days))
}

// relink is a candidate merge: two outlines, at the versions they had when
// their average link was computed.
type relink struct {
	a, b   *outline
	va, vb int
	score  float64
}

// relinkHeap orders candidate merges best first; among equal scores, the
// pair met first.
type relinkHeap []relink

func (h relinkHeap) Len() int { return len(h) }
func (h relinkHeap) Less(i, j int) bool {
	if h[i].score != h[j].score {
		return h[i].score > h[j].score
	}
	if h[i].a.seq != h[j].a.seq {
		return h[i].a.seq < h[j].a.seq
	}
	return h[i].b.seq < h[j].b.seq
}
func (h relinkHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *relinkHeap) Push(x any)   { *h = append(*h, x.(relink)) }
func (h *relinkHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// relinkAll merges the outlines that are one story (see the comment at the
// top of this file); an outline merged into another has it as its root.
func (ol *outlines) relinkAll(cfg *Config) {
	// Candidates share relinkShared of their heaviest terms.
	postings := map[uint64][]*outline{}
	for _, o := range ol.list {
		if o.into == nil {
			o.terms = o.sum.Vector().Top(nil, relinkIndexTerms)
			for _, t := range o.terms {
				postings[t] = append(postings[t], o)
			}
		}
	}
	shared := make([]int32, len(ol.list)) // by seq, for the outline at hand
	var met []*outline
	var h relinkHeap
	// consider puts on the heap the merges of a with the outlines that
	// share enough terms with it: those met after it, or all.
	consider := func(a *outline, all bool) {
		met = met[:0]
		for _, t := range a.terms {
			l := postings[t]
			if len(l) > relinkPosting {
				continue
			}
			if !all {
				l = l[sortedAfter(l, a):]
			}
			for _, b := range l {
				if b == a || b.into != nil {
					continue
				}
				if shared[b.seq]++; shared[b.seq] == relinkShared {
					met = append(met, b)
				}
			}
		}
		for _, t := range a.terms {
			if l := postings[t]; len(l) <= relinkPosting {
				for _, b := range l {
					shared[b.seq] = 0
				}
			}
		}
		for _, b := range met {
			if !cfg.near(a, b) || daysConflict(a, b) {
				continue
			}
			if s := a.sum.AverageLink(&b.sum); s >= relinkThreshold {
				x, y := a, b
				if y.seq < x.seq {
					x, y = y, x
				}
				h = append(h, relink{x, y, x.version, y.version, s})
			}
		}
	}
	for _, a := range ol.list {
		if a.into == nil {
			consider(a, false) // each pair once: from the outline met first
		}
	}
	heap.Init(&h)
	for h.Len() > 0 {
		r := heap.Pop(&h).(relink)
		if r.a.into != nil || r.b.into != nil || r.a.version != r.va || r.b.version != r.vb {
			continue
		}
		into, from := r.a, r.b
		if from.before(into) {
			into, from = from, into
		}
		into.absorb(from)
		old := into.terms
		into.terms = into.sum.Vector().Top(nil, relinkIndexTerms)
		for _, t := range into.terms {
			if !slices.Contains(old, t) {
				postings[t] = append(postings[t], into)
			}
		}
		consider(into, true)
	}
}

// sortedAfter returns the index in l, a posting list in the order outlines
// were met, of the first outline met after a.
func sortedAfter(l []*outline, a *outline) int {
	i, _ := slices.BinarySearchFunc(l, a.seq, func(o *outline, seq int) int { return cmp.Compare(o.seq, seq) })
	if i < len(l) && l[i] == a {
		i++
	}
	return i
}

// relinkHeld applies the merges of relinkAll to the clusters the detector
// holds: held clusters of one merged outline merge into the oldest, which
// takes the outline's id. The caller holds d.mu.
func (d *Detector) relinkHeld() {
	keys := make([]uint64, 0, len(d.st.clusters))
	for k := range d.st.clusters {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	groups := map[*outline][]*clusterRec{}
	var roots []*outline
	for _, k := range keys {
		o := d.outlines.byKey[k]
		if o == nil {
			continue
		}
		r := o.root()
		if len(groups[r]) == 0 {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], d.st.clusters[k])
	}
	for _, r := range roots {
		cls := groups[r]
		into := cls[0]
		for _, c := range cls[1:] {
			if older(c, into) {
				into = c
			}
		}
		for _, c := range cls {
			if c != into {
				d.st.merge(into, c)
			}
		}
		into.id = r.id
	}
}

// daysConflict reports whether two outlines name different days: both name
// days, and no day one names is one the other names, or one the other's
// stories were published on (or the day before it). Reports of one kind
// that recur (a weekly money supply figure, a Treasury bill tender, an
// issuer's bonds) name the day each was made.
func daysConflict(a, b *outline) bool {
	if len(a.named) == 0 || len(b.named) == 0 {
		return false
	}
	for _, d := range a.named {
		if _, ok := slices.BinarySearch(b.named, d); ok {
			return false
		}
	}
	return !namesDayOf(a.named, b.days) && !namesDayOf(b.named, a.days)
}
