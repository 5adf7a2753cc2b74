package dedup

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/newsdup/newsdup/dedup/lsh"
)

// Detector finds copies and rewrites among the stories added to it and groups
// them into clusters, one per news story.
//
// Add compares a story with the stories held, within the time window, and
// returns its verdict: New, Copy of an earlier story, or SameStory as an
// earlier cluster. A copy joins the cluster of the story it copies; a story
// joins the cluster it is most similar to as a whole when that similarity
// reaches Config.SameStoryThreshold (and shares at least three words with
// it); otherwise it starts a cluster named after itself. Clusters never merge
// and a story never moves, so results already returned stay true.
//
// Order: the result for a story depends on the stories added before it, so
// adding the same stories in another order can group them differently (a
// story that bridges two clusters is judged against what exists when it
// arrives). For a given order the results are deterministic. AddBatch adds in
// the order given.
//
// Time: two dated stories are compared as copies only when published within
// Config.Window of each other, and a story joins a cluster as the same story
// only within Config.StoryHorizon of the cluster's stories, in whatever order
// they come; an undated story is compared with every story held, and is held
// under the stream's time. Stories leave once they fall behind a watermark
// that trails the stream by Window plus Config.Lateness (further while the
// feed comes out of order), with what was learned from them, but for the
// summary of their cluster, kept until its horizon passes, and site
// boilerplate, kept in a table of bounded size (furniture learned last month
// is still furniture); so memory stays bounded on an endless stream.
// Config.MaxStories bounds the stories held in any case. A story that comes
// after stories of its window left is compared with those still held and
// its Result says Late; Batch gives a finite collection the verdicts of its
// dates, whatever its order.
//
// A Detector is safe for concurrent use by multiple goroutines. Texts are
// analysed in parallel; the comparison and the update of the detector's state
// are serialised, so concurrent Adds behave as if made one after the other in
// some order. The zero Detector is not usable: make one with NewDetector,
// NewSharedDetector or Load.
type Detector struct {
	cfg  Config
	prep *preparer

	mu  sync.Mutex
	st  *state
	log *sharedLog // nil for a detector alone
	// outlines, set by Batch alone, records the clusters of each story
	// added, for Batch's second look at the story tier (relinkAll).
	outlines *outlines
}

// NewDetector returns a Detector for cfg, or an error wrapping ErrInvalidConfig.
func NewDetector(cfg Config) (*Detector, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	d := &Detector{cfg: c}
	d.prep = &preparer{cfg: &d.cfg}
	if d.st, err = newState(&d.cfg); err != nil {
		return nil, err
	}
	return d, nil
}

// Config returns the detector's configuration with every default filled in.
func (d *Detector) Config() Config { return d.cfg }

// LSHParams returns the banding the MinHash LSH index derived from
// Config.LSHThreshold.
func (d *Detector) LSHParams() lsh.Params { return d.st.lsh.Params() }

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
// the same story again (every field equal) to the same detector gives its
// verdict: decided afresh, or the one it was stored with, however many
// attempts failed before. A story is never added twice or in part.
func (d *Detector) AddContext(ctx context.Context, s Story) (Result, error) {
	p, err := d.prep.prepare(s)
	if err != nil {
		return Result{}, err
	}
	r, job, err := d.add(ctx, p)
	if err != nil {
		return Result{}, err
	}
	findPassages(&r, job, d.cfg.MaxPassages)
	return r, nil
}

// add is the path of every story into the state, for a detector alone and
// a shared one: decide on the state, commit the verdict (commit), apply it
// (apply), and evict what left the window. When another detector committed
// first, the detector takes in what it missed (catchUp, which applies their
// verdicts through the same apply and evict) and decides again.
func (d *Detector) add(ctx context.Context, p *prepared) (Result, *passageJob, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for {
		if d.st.stories.get(p.story.ID) != nil {
			if r, job, ok := d.log.landed(p.story); ok {
				return r, job, nil // added again after a lost reply
			}
			return Result{}, nil, storyErr(p.story.ID, ErrDuplicateID, "the detector already holds a story with this id")
		}
		f := featuresOf(d.st, p)
		dec := decide(d.st, p, f, "")
		e := &logEntry{op: opAdd, story: p.story, kind: dec.kind}
		if d.log != nil {
			e.source = d.log.source
		}
		if dec.cl != nil {
			e.clusterKey, e.clusterID = dec.cl.key, dec.cl.id
		}
		for _, m := range dec.merged {
			e.merged = append(e.merged, m.key)
		}
		pos, ok, err := d.commit(ctx, e)
		if err != nil {
			r, job := resultOf(d.st, p, f, dec, nil)
			d.log.failed(e, r, job)
			return Result{}, nil, storeErr(fmt.Sprintf("add story %q", p.story.ID), err)
		}
		if !ok {
			if err := d.catchUp(ctx); err != nil {
				return Result{}, nil, err
			}
			continue
		}
		rec := d.apply(e, p, f, dec, pos)
		r, job := resultOf(d.st, p, f, dec, rec)
		if ol := d.outlines; ol != nil {
			ol.last = ol.observe(p, f, &r)
			ol.byKey[rec.cl.key] = ol.last
		}
		d.st.evict()
		return r, job, nil
	}
}

// commit records a change before it is applied and returns its position:
// for a detector alone, which records nothing, the next sequence number; for
// a shared one, the next position of the store's log, if the append
// succeeds (ok is false when another detector appended there first). The
// caller holds d.mu.
func (d *Detector) commit(ctx context.Context, e *logEntry) (pos uint64, ok bool, err error) {
	if d.log == nil {
		return d.st.seq + 1, true, nil
	}
	return d.log.append(ctx, e)
}

// apply applies a committed change at position pos, the story's sequence
// number: the story inserted into the cluster of its verdict, or removed.
// The caller holds d.mu and evicts afterwards.
func (d *Detector) apply(e *logEntry, p *prepared, f *features, dec decision, pos uint64) *storyRec {
	if d.log != nil {
		d.log.pos = pos
	}
	held := d.st.stories.get(e.story.ID)
	switch e.op {
	case opJoin:
		d.st.time.join(e.source)
	case opAdd:
		if held != nil {
			// Only a replica that missed entries can hold it: the log is
			// the truth.
			d.st.remove(held)
		}
		return d.st.insert(p, f, dec, pos, e.source)
	case opRemove:
		if held != nil {
			d.st.remove(held)
		}
	}
	return nil
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
	p, err := d.prep.prepare(s)
	if err != nil {
		return Result{}, err
	}
	d.mu.Lock()
	if err := d.catchUp(ctx); err != nil {
		d.mu.Unlock()
		return Result{}, err
	}
	f := featuresOf(d.st, p)
	r, job := resultOf(d.st, p, f, decide(d.st, p, f, s.ID), nil)
	d.mu.Unlock()
	findPassages(&r, job, d.cfg.MaxPassages)
	return r, nil
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
	if err := d.catchUp(ctx); err != nil {
		return err
	}
	for {
		if d.st.stories.get(id) == nil {
			return storyErr(id, ErrNotFound, "no such story")
		}
		e := &logEntry{op: opRemove, story: Story{ID: id}}
		pos, ok, err := d.commit(ctx, e)
		if err != nil {
			return storeErr(fmt.Sprintf("remove story %q", id), err)
		}
		if !ok {
			if err := d.catchUp(ctx); err != nil {
				return err
			}
			continue
		}
		d.apply(e, nil, nil, decision{}, pos)
		d.st.evict()
		return nil
	}
}

// Len returns the number of stories held.
func (d *Detector) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.st.stories.len()
}

// Clusters returns the clusters that hold stories, in the order they were
// created, each with its members in the order they were added.
func (d *Detector) Clusters() []Cluster {
	d.mu.Lock()
	defer d.mu.Unlock()
	keys := make([]uint64, 0, len(d.st.clusters))
	for k, cl := range d.st.clusters {
		if cl.members.Len() > 0 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	out := make([]Cluster, len(keys))
	for i, k := range keys {
		out[i] = d.st.export(d.st.clusters[k])
	}
	return out
}

// ClusterOf returns the cluster holding the story with the given id.
func (d *Detector) ClusterOf(id string) (Cluster, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	rec := d.st.stories.get(id)
	if rec == nil {
		return Cluster{}, false
	}
	return d.st.export(rec.cl), true
}

// BoilerplateLines returns the number of distinct lines the detector
// currently treats as site boilerplate.
func (d *Detector) BoilerplateLines() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.st.boilerplateLines()
}
