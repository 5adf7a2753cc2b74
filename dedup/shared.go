package dedup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"time"
)

// syncBatch is the number of log entries read and analysed at a time when a
// shared detector catches up.
const syncBatch = 256

// maxAttempts bounds the failed appends a shared detector remembers.
const maxAttempts = 64

// NewSharedDetector returns a Detector that shares its state with every
// other detector joined to store, in this process or another: the workers
// of one pipeline, which may start, stop and restart at any time.
//
// A shared detector holds the whole state in memory, like any Detector, and
// keeps it up to date from the store's log (see Store): each Add, Query and
// Remove first takes in what the other detectors did, and the verdicts of
// all the detectors are those one detector would have given the stories of
// all of them, in the order the log records. Two workers adding copies of
// one story at the same moment put them in one cluster: one append wins,
// the other detector takes in the winner and decides again. Len, Clusters
// and ClusterOf read the detector's own state as of its last operation;
// call Sync first for the latest.
//
// NewSharedDetector records cfg in the store when the store is new, and
// otherwise checks that cfg, with defaults filled in, equals the
// configuration the store holds in the fields that shape verdicts (those
// that MaxTextBytes, MaxFuture, Clock, MaxMatches, MaxPassages and
// NoPassages are not, which may differ between detectors): it returns an
// error wrapping ErrStoreConfig naming the fields that differ. It then builds
// the state from the entries the store holds.
//
// The log is applied in its order by every detector, so the time rules of
// Detector hold for it as for one stream: stories are compared by their
// publication times, and a worker whose stories lag behind the others' is
// a stream that comes out of order, whose lateness the detectors allow for
// (see Config.Lateness). Each entry of the store expires Config.Window plus
// Config.Lateness after it was written (never when the window is negative,
// so that the store then grows with every story: give a long-running
// pipeline a window). In a live newsroom stories arrive about when they are
// published, so an entry leaves the store about when its story leaves the
// detectors; a detector that joins later starts from the stories still in
// it. What
// detectors learn outside the window (site boilerplate) is not in the store:
// a detector that joins learns it anew from the stream.
//
// Every detector analyses every story, its own and those the others added,
// so the workers share a state, not the work: their combined rate is at most
// that of one detector.
func NewSharedDetector(ctx context.Context, cfg Config, store Store) (*Detector, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: nil Store", ErrInvalidConfig)
	}
	d, err := NewDetector(cfg)
	if err != nil {
		return nil, err
	}
	want := storeConfig(&d.cfg)
	held, epoch, err := store.Init(ctx, want)
	if err != nil {
		return nil, storeErr("join", err)
	}
	if err := compareStoreConfig(want, held); err != nil {
		return nil, err
	}
	ttl := d.cfg.Window // negative: never
	if ttl >= 0 {
		ttl += max(d.cfg.Lateness, 0)
	}
	d.log = &sharedLog{store: store, epoch: epoch, ttl: ttl, source: rand.Uint64() | 1}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.catchUp(ctx); err != nil {
		return nil, err
	}
	// Say in the log that this detector's feed is coming, so that the
	// others hold what it may need before its first story (see timeline).
	for {
		e := &logEntry{op: opJoin, source: d.log.source}
		pos, ok, err := d.commit(ctx, e)
		if err != nil {
			return nil, storeErr("join", err)
		}
		if ok {
			d.apply(e, nil, nil, decision{}, pos)
			return d, nil
		}
		if err := d.catchUp(ctx); err != nil {
			return nil, err
		}
	}
}

// sharedLog is a shared detector's link to its store's log.
type sharedLog struct {
	store    Store
	epoch    string
	ttl      time.Duration // entry expiry: the window
	pos      uint64        // last log position applied
	source   uint64        // this detector, in the entries it appends
	attempts []attempt     // appends that failed, oldest first
}

// attempt is an add whose append failed without saying whether the store
// took the entry (a lost reply). If the entry turns up in the log, the story
// was added with the verdict decided then.
type attempt struct {
	nonce  uint64
	story  Story
	result Result
	job    *passageJob
	landed bool // the entry turned up in the log
}

// append appends e, given a fresh nonce, at the position after the last one
// applied, and reports that position and whether the store took it.
func (l *sharedLog) append(ctx context.Context, e *logEntry) (uint64, bool, error) {
	e.nonce = rand.Uint64()
	pos := l.pos + 1
	ok, err := l.store.Append(ctx, l.epoch, pos, e.encode(), l.ttl)
	if ok && e.op == opAdd {
		// Earlier attempts of this story did not land: they would have
		// taken this position.
		l.forget(e.story.ID)
	}
	return pos, ok, err
}

// failed remembers an add whose append failed, with the verdict it carried.
// Every attempt is kept, not only the last: any of them may be the one the
// store took.
func (l *sharedLog) failed(e *logEntry, r Result, job *passageJob) {
	if l == nil || e.op != opAdd {
		return
	}
	if len(l.attempts) == maxAttempts {
		l.attempts = slices.Delete(l.attempts, 0, 1)
	}
	l.attempts = append(l.attempts, attempt{nonce: e.nonce, story: e.story, result: r, job: job})
}

// saw marks the attempt that an applied log entry is, if it is one.
func (l *sharedLog) saw(e *logEntry) {
	i := slices.IndexFunc(l.attempts, func(a attempt) bool { return a.nonce == e.nonce && a.story.ID == e.story.ID })
	if i < 0 {
		return
	}
	a := l.attempts[i]
	l.forget(a.story.ID)
	a.landed = true
	l.attempts = append(l.attempts, a)
}

// landed returns the verdict of an attempt to add s that turned up in the
// log, and forgets it: s is being added again after a lost reply. It
// reports false for a detector alone.
func (l *sharedLog) landed(s Story) (Result, *passageJob, bool) {
	if l == nil {
		return Result{}, nil, false
	}
	for _, a := range l.attempts {
		if a.landed && a.story.ID == s.ID && identical(a.story, s) {
			l.forget(s.ID)
			return a.result, a.job, true
		}
	}
	return Result{}, nil, false
}

// forget drops the attempts of a story.
func (l *sharedLog) forget(id string) {
	l.attempts = slices.DeleteFunc(l.attempts, func(a attempt) bool { return a.story.ID == id })
}

// identical reports whether two stories are the same in every field.
func identical(a, b Story) bool {
	return a.ID == b.ID && a.Text == b.Text && a.Title == b.Title && a.Source == b.Source &&
		a.Language == b.Language && a.Time.Equal(b.Time)
}

// Sync takes in what other detectors sharing the store have done since this
// detector's last operation. A detector without a store has nothing to do.
func (d *Detector) Sync(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.catchUp(ctx)
}

// storeErr wraps an error of a Store operation in ErrStore, unless it
// already says what went wrong.
func storeErr(op string, err error) error {
	if errors.Is(err, ErrStore) || errors.Is(err, ErrStoreReset) {
		return fmt.Errorf("dedup: %s: %w", op, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrStore, op, err)
}

// catchUp applies the log entries after the last one applied; a detector
// alone has none. The caller holds d.mu.
func (d *Detector) catchUp(ctx context.Context) error {
	l := d.log
	if l == nil {
		return nil
	}
	for {
		entries, last, err := l.store.Read(ctx, l.epoch, l.pos, syncBatch)
		if err != nil {
			return storeErr("read log", err)
		}
		if last < l.pos {
			return fmt.Errorf("%w: the log ends at position %d, this detector has applied %d", ErrStoreReset, last, l.pos)
		}
		if len(entries) == 0 {
			// Everything up to last expired, or there is nothing new.
			l.pos = last
			return nil
		}
		if err := d.replay(entries); err != nil {
			return err
		}
		if l.pos >= last {
			return nil
		}
	}
}

// replay applies log entries in order: decoded and analysed on all cores,
// then applied one after the other with the verdicts they carry. On error
// the entries before the bad one stay applied. The caller holds d.mu.
func (d *Detector) replay(entries []Entry) error {
	logs := make([]logEntry, len(entries))
	preps := make([]*prepared, len(entries))
	errs := make([]error, len(entries))
	parallel(len(entries), runtime.GOMAXPROCS(0), func(i int) {
		e := entries[i]
		if errs[i] = logs[i].decode(e.Data); errs[i] != nil {
			errs[i] = fmt.Errorf("%w: position %d: %w", ErrStoreEntry, e.Pos, errs[i])
			return
		}
		if logs[i].op == opAdd {
			if preps[i], errs[i] = d.prep.analyse(logs[i].story); errs[i] != nil {
				errs[i] = fmt.Errorf("%w: position %d: %w", ErrStoreEntry, e.Pos, errs[i])
			}
		}
	})
	for i, e := range entries {
		if errs[i] != nil {
			return errs[i]
		}
		if e.Pos <= d.log.pos {
			return fmt.Errorf("%w: position %d after %d", ErrStoreEntry, e.Pos, d.log.pos)
		}
		l := &logEntry{}
		*l, logs[i] = logs[i], logEntry{}
		var f *features
		var dec decision
		if l.op == opJoin {
			d.apply(l, nil, nil, dec, e.Pos)
			continue
		}
		if l.op == opAdd {
			d.log.saw(l)
			if held := d.st.stories.get(l.story.ID); held != nil {
				d.st.remove(held) // before its features: what it taught goes too
			}
			f = featuresOf(d.st, preps[i])
			dec.kind = l.kind
			if l.kind != New {
				dec.cl = d.st.clusterFor(l.clusterKey, l.clusterID)
			}
			for _, k := range l.merged {
				// A cluster this detector does not hold has nothing to move.
				if m := d.st.clusters[k]; m != nil && m != dec.cl {
					dec.merged = append(dec.merged, m)
				}
			}
		}
		d.apply(l, preps[i], f, dec, e.Pos)
		d.st.evict()
		preps[i] = nil
	}
	return nil
}

// storeConfig is the configuration that detectors sharing a store must
// agree on, as text: one "name=value" line per field, readable by whoever
// looks into the store.
func storeConfig(c *Config) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "newsdup shared detector %d\n", logVersion)
	for _, f := range agreedFields {
		fmt.Fprintf(&b, "%s=%s\n", f.name, f.text(c))
	}
	return []byte(b.String())
}

// compareStoreConfig returns an error wrapping ErrStoreConfig that names
// every field in which want and held differ.
func compareStoreConfig(want, held []byte) error {
	if bytes.Equal(want, held) {
		return nil
	}
	parse := func(b []byte) (string, map[string]string) {
		lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		m := make(map[string]string)
		for _, l := range lines[1:] {
			if k, v, ok := strings.Cut(l, "="); ok {
				m[k] = v
			}
		}
		return lines[0], m
	}
	wantHead, w := parse(want)
	heldHead, h := parse(held)
	if wantHead != heldHead {
		return fmt.Errorf("%w: the store was made by %q, this is %q", ErrStoreConfig, heldHead, wantHead)
	}
	var diffs []string
	for _, f := range agreedFields {
		if w[f.name] != h[f.name] {
			diffs = append(diffs, fmt.Sprintf("%s is %s here, %s in the store", f.name, w[f.name], h[f.name]))
		}
	}
	return fmt.Errorf("%w: %s", ErrStoreConfig, strings.Join(diffs, "; "))
}
