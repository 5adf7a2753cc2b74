package dedup

import (
	"bytes"
	"container/heap"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"runtime"
	"strings"
	"time"
)

// syncBatch is the number of log entries read and analysed at a time when a
// shared detector catches up.
const syncBatch = 256

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
// configuration the store holds, apart from MaxTextBytes, MaxFuture, Clock,
// MaxMatches, MaxPassages and NoPassages, which may differ between
// detectors: it returns an error wrapping ErrStoreConfig naming the fields
// that differ. It then builds the state from the entries the store holds.
//
// The time window maps onto the store's expiry: each entry expires
// Config.Window after it was written (never when the window is negative, so
// that the store then grows with every story: give a long-running pipeline a
// window). In a live newsroom stories arrive about when they are published,
// so an entry leaves the store about when its story leaves the window; a
// detector that joins later starts from the stories still in it. What detectors learn
// outside the window (site boilerplate) is not in the store: a detector
// that joins learns it anew from the stream.
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
	want := storeConfig(d.cfg)
	held, epoch, err := store.Init(ctx, want)
	if err != nil {
		return nil, storeErr("join", err)
	}
	if err := compareStoreConfig(want, held); err != nil {
		return nil, err
	}
	d.store, d.epoch = store, epoch
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.syncLocked(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// Sync takes in what other detectors sharing the store have done since this
// detector's last operation. A detector without a store has nothing to do.
func (d *Detector) Sync(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.syncLocked(ctx)
}

// storeErr wraps an error of a Store operation in ErrStore, unless it
// already says what went wrong.
func storeErr(op string, err error) error {
	if errors.Is(err, ErrStore) || errors.Is(err, ErrStoreReset) {
		return fmt.Errorf("dedup: %s: %w", op, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrStore, op, err)
}

// syncLocked applies the log entries after d.pos. The caller holds d.mu.
func (d *Detector) syncLocked(ctx context.Context) error {
	if d.store == nil {
		return nil
	}
	for {
		entries, last, err := d.store.Read(ctx, d.epoch, d.pos, syncBatch)
		if err != nil {
			return storeErr("read log", err)
		}
		if last < d.pos {
			return fmt.Errorf("%w: the log ends at position %d, this detector has applied %d", ErrStoreReset, last, d.pos)
		}
		if len(entries) == 0 {
			// Everything up to last expired, or there is nothing new.
			d.pos = last
			return nil
		}
		if err := d.apply(entries); err != nil {
			return err
		}
		if d.pos >= last {
			return nil
		}
	}
}

// apply applies log entries in order: decoded and analysed on all cores,
// then added to the state one after the other. On error the entries before
// the bad one stay applied. The caller holds d.mu.
func (d *Detector) apply(entries []Entry) error {
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
			if preps[i], errs[i] = d.analyse(logs[i].story); errs[i] != nil {
				errs[i] = fmt.Errorf("%w: position %d: %w", ErrStoreEntry, e.Pos, errs[i])
			}
		}
	})
	for i, e := range entries {
		if errs[i] != nil {
			return errs[i]
		}
		if e.Pos <= d.pos {
			return fmt.Errorf("%w: position %d after %d", ErrStoreEntry, e.Pos, d.pos)
		}
		l := &logs[i]
		switch l.op {
		case opAdd:
			if d.pending != nil && l.nonce == d.pending.nonce {
				d.pending.landed = true
			}
			p := preps[i]
			if rec, ok := d.stories[l.story.ID]; ok {
				// Only a detector that missed entries can hold it: the log
				// is the truth.
				d.remove(rec)
			}
			f := d.features(p)
			dec := decision{kind: l.kind}
			if l.kind != New {
				dec.cl = d.clusters[l.clusterKey]
				if dec.cl == nil {
					dec.cl = d.newCluster(l.clusterKey, l.clusterID)
				}
			}
			d.insert(p, f, dec, e.Pos)
			d.evict()
		case opRemove:
			if rec, ok := d.stories[l.story.ID]; ok {
				d.remove(rec)
			}
		}
		d.pos = e.Pos
		preps[i] = nil
	}
	return nil
}

// remove removes a held story. The caller holds d.mu.
func (d *Detector) remove(rec *storyRec) {
	heap.Remove(&d.queue, rec.heapIdx)
	d.drop(rec)
}

// pendingAdd is an add whose append failed without saying whether the
// store took the entry (a lost reply). If the entry turns up in the log, the
// story was added with the verdict decided then, and adding the same story
// again returns that verdict.
type pendingAdd struct {
	nonce  uint64
	story  Story
	result Result
	job    *passageJob
	landed bool // the entry turned up in the log
}

// sameStory reports whether two stories are the same in every field.
func sameStory(a, b Story) bool {
	return a.ID == b.ID && a.Text == b.Text && a.Title == b.Title && a.Source == b.Source &&
		a.Language == b.Language && a.Time.Equal(b.Time)
}

// addShared decides on a story and appends the decision to the store's
// log, taking in what other detectors appended first until the append
// succeeds. The caller holds d.mu.
func (d *Detector) addShared(ctx context.Context, p *prepared) (Result, *passageJob, error) {
	for {
		if _, ok := d.stories[p.story.ID]; ok {
			if pa := d.pending; pa != nil && pa.landed && sameStory(pa.story, p.story) {
				// Added again after a lost reply: it was added then.
				d.pending = nil
				return pa.result, pa.job, nil
			}
			return Result{}, nil, storyErr(p.story.ID, ErrDuplicateID, "the detector already holds a story with this id")
		}
		f := d.features(p)
		dec := d.decide(p, f, "")
		l := logEntry{op: opAdd, story: p.story, kind: dec.kind}
		if dec.cl != nil {
			l.clusterKey, l.clusterID = dec.cl.key, dec.cl.id
		}
		pos, ok, err := d.appendNext(ctx, &l)
		if err != nil {
			r, job := d.result(p, f, dec, nil)
			d.pending = &pendingAdd{nonce: l.nonce, story: p.story, result: r, job: job}
			return Result{}, nil, storeErr(fmt.Sprintf("add story %q", p.story.ID), err)
		}
		if ok {
			if d.pending != nil && !d.pending.landed {
				d.pending = nil // it did not land: this append took its place
			}
			rec := d.insert(p, f, dec, pos)
			d.pos = pos
			r, job := d.result(p, f, dec, rec)
			d.evict()
			return r, job, nil
		}
		if err := d.syncLocked(ctx); err != nil {
			return Result{}, nil, err
		}
	}
}

// appendNext appends l, given a fresh nonce, at the position after the last
// one applied, expiring after the window (never for a negative window). It
// returns that position and whether the store took it. The caller holds
// d.mu.
func (d *Detector) appendNext(ctx context.Context, l *logEntry) (uint64, bool, error) {
	l.nonce = rand.Uint64()
	pos := d.pos + 1
	ok, err := d.store.Append(ctx, d.epoch, pos, l.encode(), d.cfg.Window)
	return pos, ok, err
}

// removeShared appends the removal of a story to the store's log. The
// caller holds d.mu.
func (d *Detector) removeShared(ctx context.Context, id string) error {
	if err := d.syncLocked(ctx); err != nil {
		return err
	}
	for {
		rec, ok := d.stories[id]
		if !ok {
			return storyErr(id, ErrNotFound, "no such story")
		}
		pos, ok, err := d.appendNext(ctx, &logEntry{op: opRemove, story: Story{ID: id}})
		if err != nil {
			return storeErr(fmt.Sprintf("remove story %q", id), err)
		}
		if ok {
			d.remove(rec)
			d.pos = pos
			return nil
		}
		if err := d.syncLocked(ctx); err != nil {
			return err
		}
	}
}

// Log entry format, version 1, little endian; strings are a uvarint length
// and the bytes, times a varint of Unix nanoseconds (0 for unknown):
//
//	magic "NDLOG", version byte, operation byte (1 add, 2 remove),
//	nonce uint64 (makes every append distinct), story id
//	add only: text, title, source, language, time, verdict byte,
//	          cluster key uvarint and cluster id (verdicts other than new)
//	trailer: CRC-32 (Castagnoli) of everything before it, uint32
const (
	logMagic   = "NDLOG"
	logVersion = 1
	opAdd      = 1
	opRemove   = 2
)

// logEntry is one entry of a shared detector's log.
type logEntry struct {
	op         byte
	nonce      uint64
	story      Story
	kind       Kind
	clusterKey uint64
	clusterID  string
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func (l *logEntry) encode() []byte {
	s := l.story
	b := make([]byte, 0, 64+len(s.ID)+len(s.Text)+len(s.Title)+len(s.Source)+len(l.clusterID))
	b = append(b, logMagic...)
	b = append(b, logVersion, l.op)
	b = binary.LittleEndian.AppendUint64(b, l.nonce)
	b = appendStr(b, s.ID)
	if l.op == opAdd {
		b = appendStr(b, s.Text)
		b = appendStr(b, s.Title)
		b = appendStr(b, s.Source)
		b = appendStr(b, s.Language)
		var t int64
		if !s.Time.IsZero() {
			t = s.Time.UnixNano()
		}
		b = binary.AppendVarint(b, t)
		b = append(b, byte(l.kind))
		if l.kind != New {
			b = binary.AppendUvarint(b, l.clusterKey)
			b = appendStr(b, l.clusterID)
		}
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// byteReader reads the fields of a log entry; the first error sticks.
type byteReader struct {
	b   []byte
	err error
}

func (r *byteReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, args...)
	}
}

func (r *byteReader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.fail("truncated")
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *byteReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("bad number")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *byteReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail("bad number")
		return 0
	}
	r.b = r.b[n:]
	return v
}

// str reads a string; its length is checked against the bytes left before
// anything is allocated.
func (r *byteReader) str() string {
	n := r.uvarint()
	if r.err == nil && n > uint64(len(r.b)) {
		r.fail("string of %d bytes, %d left", n, len(r.b))
	}
	return string(r.take(int(n)))
}

func (r *byteReader) u8() byte {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (l *logEntry) decode(b []byte) error {
	if len(b) < len(logMagic)+2+8+4 {
		return errors.New("truncated")
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if !bytes.HasPrefix(body, []byte(logMagic)) {
		return fmt.Errorf("not a log entry (magic %q)", body[:len(logMagic)])
	}
	if v := body[len(logMagic)]; v != logVersion {
		return fmt.Errorf("version %d, this package reads version %d", v, logVersion)
	}
	if crc32.Checksum(body, castagnoli) != sum {
		return errors.New("checksum mismatch")
	}
	r := &byteReader{b: body[len(logMagic)+1:]}
	*l = logEntry{op: r.u8()}
	l.nonce = binary.LittleEndian.Uint64(r.take(8))
	l.story.ID = r.str()
	switch l.op {
	case opAdd:
		l.story.Text = r.str()
		l.story.Title = r.str()
		l.story.Source = r.str()
		l.story.Language = r.str()
		if t := r.varint(); t != 0 {
			l.story.Time = time.Unix(0, t).UTC()
		}
		l.kind = Kind(r.u8())
		switch {
		case r.err != nil:
		case l.kind > SameStory:
			r.fail("verdict %d", l.kind)
		case l.kind != New:
			l.clusterKey = r.uvarint()
			l.clusterID = r.str()
		}
	case opRemove:
	default:
		r.fail("operation %d", l.op)
	}
	switch {
	case r.err != nil:
		return r.err
	case len(r.b) != 0:
		return fmt.Errorf("%d trailing bytes", len(r.b))
	case l.story.ID == "":
		return errors.New("story without an id")
	case l.kind != New && (l.clusterKey == 0 || l.clusterID == ""):
		return errors.New("verdict without a cluster")
	}
	return nil
}

// storeConfig is the configuration that detectors sharing a store must
// agree on, as text: one "name=value" line per field, readable by whoever
// looks into the store.
func storeConfig(c Config) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "newsdup shared detector %d\n", logVersion)
	for _, f := range storeConfigFields(c) {
		fmt.Fprintf(&b, "%s=%s\n", f[0], f[1])
	}
	return []byte(b.String())
}

func storeConfigFields(c Config) [][2]string {
	v := func(x any) string { return fmt.Sprint(x) }
	return [][2]string{
		{"Language", c.Language},
		{"HTML", v(int(c.HTML))},
		{"Window", c.Window.String()},
		{"MaxStories", v(c.MaxStories)},
		{"ShingleSize", v(c.ShingleSize)},
		{"NumHashes", v(c.NumHashes)},
		{"LSHThreshold", v(c.LSHThreshold)},
		{"Seed", v(c.Seed)},
		{"CopyJaccard", v(c.CopyJaccard)},
		{"CopyContainment", v(c.CopyContainment)},
		{"MinSharedShingles", v(c.MinSharedShingles)},
		{"SameStoryThreshold", v(c.SameStoryThreshold)},
		{"BoilerplateStories", v(c.BoilerplateStories)},
	}
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
	for _, f := range storeConfigFields(Config{}) {
		k := f[0]
		if w[k] != h[k] {
			diffs = append(diffs, fmt.Sprintf("%s is %s here, %s in the store", k, w[k], h[k]))
		}
	}
	return fmt.Errorf("%w: %s", ErrStoreConfig, strings.Join(diffs, "; "))
}
