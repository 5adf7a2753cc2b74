package dedup

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"time"
)

// A Collection is a finite set of stories for Batch, which reads them in an
// order of its own: an archive, a backfill, the files of a day. It lets Batch
// sort the stories by their keys and then read each one once, so that a
// collection on disk need not be held in memory.
type Collection interface {
	// Len returns the number of stories.
	Len() int
	// Key returns the publication time (zero if unknown) and the id of
	// story i, as Story would give them. Batch calls it once for each story,
	// before reading any.
	Key(i int) (time.Time, string)
	// Story returns story i. Batch calls it once for each story, from
	// several goroutines at a time; an error stops Batch.
	Story(i int) (Story, error)
}

// Stories is a Collection held in memory.
type Stories []Story

// Len implements Collection.
func (s Stories) Len() int { return len(s) }

// Key implements Collection.
func (s Stories) Key(i int) (time.Time, string) { return s[i].Time, s[i].ID }

// Story implements Collection.
func (s Stories) Story(i int) (Story, error) { return s[i], nil }

// Batch gives the verdicts of a finite collection of stories, the same
// whatever the order of the collection: the same verdicts, clusters and
// matches for every permutation of it. It adds the stories to a new
// detector made with cfg in the order of their publication times, then
// ids (stories with the same time and id: in collection order, so that the
// later ones are duplicates), the undated ones last, in the order of their
// ids; so each dated story is compared with every story published within
// Config.Window before it, and no story is ever late. An undated story is
// compared with the stories held when the dated ones are done: those of the
// last Window plus Lateness of the collection.
//
// Then Batch takes a second look at the clusters, which a stream cannot: it
// merges the clusters that are one story as wholes, whatever the order in
// which their stories came. Two clusters merge when their stories agree on
// average (the mean similarity of their stories, pair by pair, is 0.4 or
// more) and they are near in time: within Config.StoryHorizon of each
// other, or within Config.EventHorizon when a story of one names a day on
// which the other's stories were published (undated clusters, and all with
// a negative Window, whatever their dates), and unless their stories name
// days and none of one's is a day of the other. The best agreeing pair merges
// first, into the older cluster, whose id the merged cluster keeps. An
// average over pairs of stories is not moved by one story, so a story that
// bridges two stories, or a digest that strings several together, does not
// merge them. Verdicts stay as they were given: a story that started a
// cluster is still New when its cluster has been merged into an older one.
//
// Besides what the window holds, as for a stream, Batch keeps for the
// whole collection the keys, the result of each story (its matches and
// their passages) and an outline of each cluster (the sum of its stories'
// 64 heaviest terms, its dates): memory grows with the collection, by a
// few hundred bytes to a few kilobytes a story. Texts are analysed, and
// shared passages found, on all cores.
//
// Batch calls emit once for each story, when every story has been judged,
// in the order it added them (by time), with the story's index in the
// collection and its result, or the error Add gives a story it rejects
// (ErrDuplicateID for a repeated id, for instance); emit is called from
// one goroutine at a time. Each result names its story's final cluster, so
// no result lists clusters Merged. An error from emit or from the
// collection, or the end of ctx, stops Batch, which returns it; it then
// emits nothing more, and nothing at all if the stories were not all
// judged. Batch returns the detector, which holds the last window of
// stories and their clusters, merged as the results say: adding to it goes
// on from the end of the collection as a stream.
func Batch(ctx context.Context, cfg Config, c Collection, emit func(i int, r Result, err error) error) (*Detector, error) {
	d, err := NewDetector(cfg)
	if err != nil {
		return nil, err
	}
	order := batchOrder(c)
	workers := runtime.GOMAXPROCS(0)

	// The stories of the next chunk are read and analysed, on all cores,
	// while those of this one are added, one after the other.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan *batchChunkWork, 1)
	go func() {
		defer close(chunks)
		for lo := 0; lo < len(order); lo += batchChunk {
			w := &batchChunkWork{idx: order[lo:min(lo+batchChunk, len(order))]}
			w.prepare(d, c, workers)
			select {
			case chunks <- w:
			case <-ctx.Done():
				return
			}
		}
	}()
	jobs := make([]*passageJob, batchChunk)
	results := make([]Result, batchChunk)
	type held struct {
		i   int
		r   Result
		err error
		o   *outline
	}
	var all []held
	d.outlines = newOutlines()
	defer func() { d.outlines = nil }()
	for w := range chunks {
		if err := ctx.Err(); err != nil {
			return d, err
		}
		if w.readErr != nil {
			return d, w.readErr
		}
		outs := make([]*outline, len(w.idx))
		for k := range w.idx {
			results[k], jobs[k] = Result{}, nil
			if w.errs[k] == nil {
				results[k], jobs[k], w.errs[k] = d.add(ctx, w.prep[k])
				if w.errs[k] == nil {
					outs[k] = d.outlines.last
				}
			}
			w.prep[k] = nil
		}
		parallel(len(w.idx), workers, func(k int) { findPassages(&results[k], jobs[k], d.cfg.MaxPassages) })
		for k, i := range w.idx {
			all = append(all, held{i, results[k], w.errs[k], outs[k]})
		}
		clear(jobs)
		clear(results)
	}
	if err := ctx.Err(); err != nil {
		return d, err
	}
	d.mu.Lock()
	d.outlines.relinkAll(&d.cfg)
	d.relinkHeld()
	d.mu.Unlock()
	for _, h := range all {
		if h.o != nil {
			h.r.Cluster, h.r.Merged = h.o.root().id, nil
		}
		if err := emit(h.i, h.r, h.err); err != nil {
			return d, err
		}
	}
	return d, nil
}

// batchChunkWork is a chunk of Batch's stories, read and analysed.
type batchChunkWork struct {
	idx     []int // indexes in the collection
	prep    []*prepared
	errs    []error // a story Add would reject
	readErr error   // the first story that could not be read
}

// prepare reads and analyses the chunk's stories on workers goroutines.
func (w *batchChunkWork) prepare(d *Detector, c Collection, workers int) {
	w.prep = make([]*prepared, len(w.idx))
	w.errs = make([]error, len(w.idx))
	readErrs := make([]error, len(w.idx))
	parallel(len(w.idx), workers, func(k int) {
		s, err := c.Story(w.idx[k])
		if err != nil {
			readErrs[k] = fmt.Errorf("dedup: batch: reading story %d: %w", w.idx[k], err)
			return
		}
		w.prep[k], w.errs[k] = d.prep.prepare(s)
	})
	for _, err := range readErrs {
		if err != nil {
			w.readErr = err
			return
		}
	}
}

// batchOrder returns the indices of a collection in the order Batch adds
// them: dated stories by time, then id, then index; undated ones last, by
// id, then index.
func batchOrder(c Collection) []int {
	type key struct {
		t  int64 // Unix ns; undated last
		id string
		i  int
	}
	keys := make([]key, c.Len())
	for i := range keys {
		t, id := c.Key(i)
		keys[i] = key{t: t.UnixNano(), id: id, i: i}
		if t.IsZero() {
			keys[i].t = 1<<63 - 1
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.id, b.id), cmp.Compare(a.i, b.i))
	})
	order := make([]int, len(keys))
	for i, k := range keys {
		order[i] = k.i
	}
	return order
}
