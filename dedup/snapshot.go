package dedup

import (
	"cmp"
	"container/heap"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/newsdup/newsdup/dedup/cluster"
	"github.com/newsdup/newsdup/dedup/internal/wire"
	"github.com/newsdup/newsdup/dedup/minhash"
	"github.com/newsdup/newsdup/shingle"
	"github.com/newsdup/newsdup/simhash"
)

// Snapshot format, in the frame of package wire (magic "NDSNAP", version 5,
// CRC-32C trailer; version 4 is read too):
//
//	config: the fields of agreedFields that shape the state, in order
//	        (strings as strings, the rest as uvarints; floats as their bits)
//	state:  seq (uvarint)
//	time:   stream, watermark, first, evictedMin, evictedMax (times), the
//	        sampled times and latenesses (each a count, then varints, oldest
//	        first), dated stories taken in, the workers of a shared log
//	        (count, then id, latest time, count when last seen)
//	clusters: count, then per cluster key (uvarint), id (string), first,
//	          last (times), stories kept (uvarint: see summaryStories;
//	          up to that many for each fragment merged into the cluster),
//	          centroid (vectors, removals, squared length as
//	          uint64 bits, sorted terms and their float64 sums as uint64
//	          bits), indexed terms (sorted), years
//	          (count, year and members uvarints), lines (count, hash
//	          uint64 and members uvarint), event days (count, then days
//	          since 1970-01-01 as varints, increasing), in outline (uvarint
//	          0 or 1: see compact)
//	stories:  count, then per story in arrival order: seq, id, text length,
//	          source, time, eff, cluster key, year, title hash (uint64),
//	          then (not in version 4) the number k, from 1, of an earlier
//	          story of the snapshot whose arrays it shares (a copy sent
//	          again word for word: see state.share), followed by its
//	          identity (uint64) alone, or 0, followed by its lines (count,
//	          uint64 hashes), words (count, uint32 ids, then their offsets
//	          as a string: two uvarints a word, its start less the previous
//	          word's end and its length), quotes
//	          (count, start, end uvarints), vector (sorted terms, uint16
//	          weights in 1/65535), numbers (count, sorted uint32 ids), identity
//	          (uint64); shingles are hashed again from the word ids
//	lines:  two generations (current, previous), each a count and per line
//	        its hash (uint64), count n and n cluster keys (uint32)
//
// Everything else a detector holds (the indexes of stories, document
// frequencies, the window queue and the clusters without stories) is
// rebuilt on load.
var snapshotFormat = wire.Format{Name: "snapshot", Magic: "NDSNAP", Version: 5, Oldest: 4}

// ErrSnapshot reports a snapshot that cannot be loaded: not a snapshot, a
// version this package does not read, truncated, corrupted (checksum
// mismatch or impossible values), or made with a configuration that
// conflicts with the one given to Load.
var ErrSnapshot = errors.New("dedup: bad snapshot")

// Bounds on what a snapshot may declare, checked before anything is read
// into memory on their account.
const (
	maxSnapshotString = 1 << 31
	maxSnapshotCount  = 1 << 32
)

// Save writes the detector's whole state to w: the stories in the window
// with what was computed from them, the clusters and the learned
// boilerplate. The encoding is versioned, checksummed and the same on every
// platform. Save holds the detector's lock while it writes, so Adds wait for
// it; write to a buffer or a fast file.
func (d *Detector) Save(w io.Writer) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	st := d.st
	e := wire.NewWriter(w, snapshotFormat)
	for _, f := range agreedFields {
		switch {
		case !f.state:
		case f.isString():
			e.String(f.text(&d.cfg))
		default:
			e.Uvarint(f.bits(&d.cfg))
		}
	}

	e.Uvarint(st.seq)
	tl := &st.time
	for _, t := range []time.Time{tl.stream, tl.watermark, tl.first, tl.evictedMin, tl.evictedMax} {
		e.Time(t)
	}
	for _, s := range []*sample{&tl.times, &tl.lates} {
		v := s.values()
		e.Uvarint(uint64(len(v)))
		for _, x := range v {
			e.Varint(x)
		}
	}
	e.Uvarint(uint64(tl.count))
	e.Uvarint(uint64(len(tl.sources)))
	for _, id := range slices.Sorted(maps.Keys(tl.sources)) {
		e.Uvarint(id)
		e.Time(tl.sources[id].latest)
		e.Uvarint(uint64(tl.sources[id].seen))
	}

	keys := slices.Sorted(maps.Keys(st.clusters))
	e.Uvarint(uint64(len(keys)))
	for _, k := range keys {
		cl := st.clusters[k]
		e.Uvarint(k)
		e.String(cl.id)
		e.Time(cl.first)
		e.Time(cl.last)
		e.Uvarint(uint64(cl.kept))
		cs := cl.centroid.State()
		e.Uvarint(uint64(cs.N))
		e.Uvarint(uint64(cs.Removals))
		e.Uint64(math.Float64bits(cs.Norm2))
		e.Sorted(cs.Terms)
		for _, x := range cs.Sums {
			e.Uint64(math.Float64bits(x))
		}
		e.Sorted(st.lists.View(cl.indexed))
		years := slices.SortedFunc(slices.Values(cl.years), func(a, b yearCount) int { return cmp.Compare(a.year, b.year) })
		e.Uvarint(uint64(len(years)))
		for _, y := range years {
			e.Uvarint(uint64(y.year))
			e.Uvarint(uint64(y.n))
		}
		lines := st.clLines.View(cl.lines) // sorted by key
		e.Uvarint(uint64(len(lines)))
		for _, l := range lines {
			e.Uint64(uint64(l.key))
			e.Uvarint(uint64(l.n))
		}
		e.Uvarint(uint64(len(cl.days)))
		for _, d := range cl.days {
			e.Varint(int64(d))
		}
		late := uint64(0)
		if cl.late {
			late = 1
		}
		e.Uvarint(late)
	}

	recs := slices.SortedFunc(st.stories.all(), func(a, b *storyRec) int { return cmp.Compare(a.seq, b.seq) })
	e.Uvarint(uint64(len(recs)))
	first := make(map[*uint64]int) // arrays -> the first story written with them, from 1
	for i, r := range recs {
		e.Uvarint(r.seq)
		e.String(r.id)
		e.Uvarint(uint64(r.textLen))
		e.String(st.sources.name(r.source))
		e.Time(r.published())
		e.Time(r.eff.time())
		e.Uvarint(r.cl.key)
		e.Uvarint(uint64(r.year))
		e.Uint64(uint64(r.title))
		if k, ok := first[r.arrays.data]; ok { // see state.share
			e.Uvarint(uint64(k))
			e.Uint64(r.identity)
			continue
		}
		e.Uvarint(0)
		if r.arrays.data != nil {
			first[r.arrays.data] = i + 1
		}
		lines, words, quotes, vec, numbers := r.lines(), r.words(st.vocab), r.quotes(), r.vec(st.vocab), r.numbers()
		e.Uvarint(uint64(len(lines)))
		for _, k := range lines {
			e.Uint64(uint64(k))
		}
		e.Uvarint(uint64(len(words.ids)))
		for _, id := range words.ids {
			e.Uint32(id)
		}
		e.String(string(snapshotOffsets(words.words(nil))))
		e.Uvarint(uint64(len(quotes)))
		for _, q := range quotes {
			e.Uvarint(uint64(q.Start))
			e.Uvarint(uint64(q.End))
		}
		e.Sorted(vec.terms())
		for _, w := range vec.weights {
			e.Uint16(w)
		}
		e.Uvarint(uint64(len(numbers)))
		for _, x := range numbers {
			e.Uint32(x)
		}
		e.Uint64(r.identity)
	}

	for _, gen := range []map[uint64]lineStat{st.lines.cur, st.lines.prev} {
		hashes := slices.Sorted(maps.Keys(gen))
		e.Uvarint(uint64(len(hashes)))
		for _, h := range hashes {
			s := gen[h]
			e.Uint64(h)
			e.Uvarint(uint64(s.n))
			for _, c := range s.clusters[:min(int(s.n), len(s.clusters))] {
				e.Uint32(c)
			}
		}
	}
	if err := e.Close(); err != nil {
		return fmt.Errorf("dedup: save snapshot: %w", err)
	}
	return nil
}

// textEnd returns the end of the last of rec's words and quotes in its
// text: a text shorter than that cannot be rec's.
func textEnd(st *state, rec *storyRec) uint32 {
	end := 0
	if ws := rec.words(st.vocab).words(nil); len(ws) > 0 {
		end = int(ws[len(ws)-1].end)
	}
	for _, q := range rec.quotes() {
		end = max(end, q.End)
	}
	return uint32(end)
}

// readRecordArrays reads the arrays of the story with id and a text of
// textLen bytes from a snapshot, checking that its words and quotes lie
// in the text and its numbers are in order; maxText bounds the terms its
// title adds.
func readRecordArrays(dec *wire.Reader, id string, textLen, maxText int) recordArrays {
	var a recordArrays
	nl := dec.Count("lines", uint64(textLen+1))
	for j := 0; j < nl && dec.Err() == nil; j++ {
		a.lines = append(a.lines, lineKey(dec.Uint64()))
	}
	nw := dec.Count("words", uint64(textLen))
	a.ids = make([]uint32, 0, min(nw, 1<<16))
	for j := 0; j < nw && dec.Err() == nil; j++ {
		a.ids = append(a.ids, dec.Uint32())
	}
	offsets := []byte(dec.String("word offsets", 20*nw))
	if dec.Err() == nil {
		words, ok := snapshotWords(a.ids, offsets, textLen)
		if !ok {
			dec.Fail("story %q: word outside its text", id)
		}
		a.offsets = holdWords(words, a.ids).offsets
	}
	nq := dec.Count("quotes", uint64(textLen))
	for j := 0; j < nq && dec.Err() == nil; j++ {
		q := shingle.Span{Start: int(dec.Uvarint()), End: int(dec.Uvarint())}
		if dec.Err() == nil && (q.Start > q.End || q.End > textLen) {
			dec.Fail("story %q: quote outside its text", id)
		}
		a.quotes = append(a.quotes, q)
	}
	a.terms = dec.Sorted("terms", textLen+maxText)
	a.weights = make([]uint16, 0, len(a.terms))
	for range a.terms {
		a.weights = append(a.weights, dec.Uint16())
	}
	nn := dec.Count("numbers", uint64(nw))
	for j := 0; j < nn && dec.Err() == nil; j++ {
		a.numbers = append(a.numbers, dec.Uint32())
		if j > 0 && a.numbers[j] <= a.numbers[j-1] {
			dec.Fail("story %q: numbers out of order", id)
		}
	}
	return a
}

// Load reads a snapshot written by Save and returns a detector in the state
// the saved one was in. The fields of cfg that shape the saved state
// (Language, ShingleSize, NumHashes, Seed, LSHThreshold, BoilerplateStories,
// HTML) must be zero, in which case the snapshot's values are used, or equal
// to the snapshot's; the other fields apply as given, zero meaning the
// default, so a detector can be restarted with another window or threshold.
//
// Load checks the whole snapshot before it returns: a truncated, corrupted or
// wrong-version snapshot gives an error wrapping ErrSnapshot and no detector.
// It never allocates more than the data it has read justifies.
func Load(r io.Reader, cfg Config) (*Detector, error) {
	dec := wire.NewReader(r, snapshotFormat)
	d, err := load(dec, cfg)
	if err == nil {
		err = dec.Close()
	}
	if err != nil {
		if !errors.Is(err, ErrSnapshot) {
			err = fmt.Errorf("%w: %w", ErrSnapshot, err)
		}
		return nil, err
	}
	return d, nil
}

// load reads a snapshot up to its trailer.
func load(dec *wire.Reader, cfg Config) (*Detector, error) {
	var saved Config
	for _, f := range agreedFields {
		switch {
		case !f.state:
		case f.isString():
			f.set(&saved, dec.String(f.name, 64), 0)
		default:
			f.set(&saved, "", dec.Uvarint())
		}
	}
	if err := dec.Err(); err != nil {
		return nil, err
	}
	if cfg.Language != "" {
		if an, err := shingle.NewAnalyzer(shingle.Config{Language: cfg.Language}); err == nil {
			cfg.Language = an.Language()
		}
	}
	if err := mergeSnapshotConfig(&cfg, &saved); err != nil {
		return nil, err
	}
	d, err := NewDetector(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: configuration: %v", ErrSnapshot, err)
	}
	st := d.st
	maxText := max(d.cfg.MaxTextBytes, 1<<20)

	seq := dec.Uvarint()
	tl := &st.time
	for _, t := range []*time.Time{&tl.stream, &tl.watermark, &tl.first, &tl.evictedMin, &tl.evictedMax} {
		*t = dec.Time()
	}
	for _, s := range []*sample{&tl.times, &tl.lates} {
		n := dec.Count("time samples", timeSamples)
		for i := 0; i < n && dec.Err() == nil; i++ {
			s.add(dec.Varint())
		}
	}
	tl.count = dec.Count("dated stories", math.MaxInt64)
	if ns := dec.Count("sources", 1<<16); ns > 0 {
		tl.sources = make(map[uint64]*sourceTime, ns)
		for i := 0; i < ns && dec.Err() == nil; i++ {
			id := dec.Uvarint()
			tl.sources[id] = &sourceTime{latest: dec.Time(), seen: dec.Count("source seen", math.MaxInt64)}
		}
	}

	n := dec.Count("clusters", maxSnapshotCount)
	for i := 0; i < n && dec.Err() == nil; i++ {
		k := dec.Uvarint()
		id := dec.String("cluster id", MaxIDBytes)
		first, last := dec.Time(), dec.Time()
		// Up to summaryStories for each fragment merged into the cluster,
		// and never more than the vectors summed in its centroid.
		kept := dec.Count("stories kept", maxSnapshotCount)
		var cs cluster.CentroidState
		cs.N = dec.Count("cluster vectors", maxSnapshotCount)
		cs.Removals = dec.Count("cluster removals", maxSnapshotCount)
		cs.Norm2 = math.Float64frombits(dec.Uint64())
		cs.Terms = dec.Sorted("centroid terms", maxSnapshotString)
		cs.Sums = make([]float64, 0, min(len(cs.Terms), 1<<16))
		for range cs.Terms {
			cs.Sums = append(cs.Sums, math.Float64frombits(dec.Uint64()))
		}
		indexed := dec.Sorted("indexed terms", len(cs.Terms))
		ny := dec.Count("years", 1<<16)
		var years []yearCount
		for j := 0; j < ny && dec.Err() == nil; j++ {
			y := yearCount{dec.Count("year", 9999), dec.Count("year members", maxSnapshotCount)}
			if dec.Err() == nil && (y.n == 0 || len(years) > 0 && y.year <= years[len(years)-1].year) {
				dec.Fail("cluster %q: years out of order or counting none", id)
			}
			years = append(years, y)
		}
		nl := dec.Count("cluster lines", maxSnapshotCount)
		lines := make([]lineCount, 0, min(nl, 1<<16))
		prev := uint64(0)
		for j := 0; j < nl && dec.Err() == nil; j++ {
			h, n := dec.Uint64(), dec.Count("line members", 1<<31-1)
			if dec.Err() == nil && (n == 0 || j > 0 && h <= prev) {
				dec.Fail("cluster %q: lines out of order or counting none", id)
			}
			prev = h
			lines = append(lines, lineCount{lineKey(h), int32(n)})
		}
		lines = lineCounts(lines)
		nd := dec.Count("event days", maxEventDays)
		var days []int32
		for j := 0; j < nd && dec.Err() == nil; j++ {
			d := dec.Varint()
			if dec.Err() == nil && (d < math.MinInt32 || d > math.MaxInt32 || len(days) > 0 && int32(d) <= days[len(days)-1]) {
				dec.Fail("cluster %q: event days out of order or out of range", id)
			}
			days = append(days, int32(d))
		}
		late := dec.Count("in outline", 1) == 1
		if dec.Err() != nil {
			break
		}
		if k == 0 || id == "" || k > seq || st.clusters[k] != nil || cs.N == 0 {
			dec.Fail("cluster %q: bad key %d or no vectors", id, k)
			break
		}
		if kept > cs.N {
			dec.Fail("cluster %q: %d stories kept of %d summed", id, kept, cs.N)
			break
		}
		cl := st.newCluster(k, id)
		cl.first, cl.last, cl.kept = first, last, kept
		cl.centroid = cluster.Restore(cs)
		cl.years, cl.days = years, days
		st.clLines.Set(&cl.lines, lines)
		st.lists.Set(&cl.indexed, indexed)
		if late {
			if len(days) == 0 || len(indexed) > 0 || len(lines) > 0 {
				dec.Fail("cluster %q: in outline with indexed terms or lines, or without event days", id)
				break
			}
			cl.late = true
			st.byDay.Add(k, dayTerms(cl))
		}
		st.terms.Add(k, indexed)
		for _, t := range cs.Terms {
			st.df[t]++
		}
	}

	n = dec.Count("stories", maxSnapshotCount)
	prevSeq := uint64(0)
	var loaded []*storyRec // in the order of the snapshot
	for i := 0; i < n && dec.Err() == nil; i++ {
		r := &storyRec{}
		r.seq = dec.Uvarint()
		r.id = dec.String("id", MaxIDBytes)
		textLen := dec.Count("text length", uint64(min(maxText, MaxTextLimit)))
		r.textLen = uint32(textLen)
		r.source = st.sources.intern(dec.String("source", maxText))
		published, eff := stampOf(dec.Time()), stampOf(dec.Time())
		// A dated story is held under its own time (see storyRec.eff).
		if r.dated, r.eff = published != noStamp, eff; r.dated && eff != published {
			dec.Fail("story %q: held under %v, not its publication time %v", r.id, eff.time(), published.time())
		}
		key := dec.Uvarint()
		r.year = int16(dec.Count("year", 9999))
		r.title = lineKey(dec.Uint64())
		// A copy sent again word for word names the earlier story of the
		// snapshot whose arrays it shares (see state.share).
		var shares *storyRec
		if dec.Version() >= 5 {
			if k := dec.Count("story sharing arrays", uint64(len(loaded))); k > 0 {
				shares = loaded[k-1]
			}
		}
		var a recordArrays
		if shares == nil {
			a = readRecordArrays(dec, r.id, textLen, maxText)
		}
		r.identity = dec.Uint64()
		if dec.Err() != nil {
			break
		}
		switch {
		case r.seq <= prevSeq || r.seq > seq:
			dec.Fail("story %q: sequence %d out of order", r.id, r.seq)
		case r.id == "":
			dec.Fail("story without an id")
		case st.stories.get(r.id) != nil:
			dec.Fail("story %q twice", r.id)
		case st.clusters[key] == nil || key > r.seq:
			dec.Fail("story %q: unknown cluster %d", r.id, key)
		case shares != nil && (shares.identity != r.identity || textEnd(st, shares) > r.textLen):
			dec.Fail("story %q: shares the arrays of story %q, whose words differ", r.id, shares.id)
		}
		if dec.Err() != nil {
			break
		}
		prevSeq = r.seq
		var shingles []uint64
		if shares != nil {
			shares.arrays.retain(st.vocab)
			r.arrays = shares.arrays
			shingles = shingleSet(d.cfg.ShingleSize, shares.ids(st.vocab))
		} else {
			shingles = shingleSet(d.cfg.ShingleSize, a.ids)
			a.setLen = len(copySet(shingles))
			r.arrays = st.slab.pack(a, st.vocab)
		}
		st.hold(r, st.clusters[key], st.hasher.Sign(minhash.Signature{}, shingles), simhash.Sum(shingles))
		loaded = append(loaded, r)
	}

	for _, gen := range []map[uint64]lineStat{st.lines.cur, st.lines.prev} {
		n = dec.Count("lines", lineGeneration)
		for i := 0; i < n && dec.Err() == nil; i++ {
			h := dec.Uint64()
			var s lineStat
			s.n = uint8(dec.Count("line clusters", uint64(d.cfg.BoilerplateStories)))
			for j := 0; j < min(int(s.n), len(s.clusters)) && dec.Err() == nil; j++ {
				s.clusters[j] = dec.Uint32()
			}
			gen[h] = s
		}
	}
	if err := dec.Err(); err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(st.clusters)) {
		if cl := st.clusters[k]; cl.members.Len() == 0 {
			if cl.last.IsZero() {
				return nil, fmt.Errorf("%w: cluster %q holds no story and has no time", ErrSnapshot, cl.id)
			}
			if cl.late {
				heap.Push(&st.late, dormantCluster{cl, cl.last})
			} else {
				heap.Push(&st.dormant, dormantCluster{cl, cl.last})
			}
		} else if cl.late {
			return nil, fmt.Errorf("%w: cluster %q holds stories and is in outline", ErrSnapshot, cl.id)
		}
	}
	st.seq = seq
	return d, nil
}

// mergeSnapshotConfig fills the fields of cfg that shape saved state from the
// snapshot, and reports a conflict when cfg sets one differently.
func mergeSnapshotConfig(cfg, saved *Config) error {
	var errs []error
	for _, f := range agreedFields {
		if f.state && !f.isZero(cfg) && f.text(cfg) != f.text(saved) {
			errs = append(errs, fmt.Errorf("%w: configuration conflict: %s differs from the snapshot's", ErrSnapshot, f.name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, f := range agreedFields {
		if f.state {
			f.copyTo(cfg, saved)
		}
	}
	return nil
}

// SaveFile writes a snapshot to path atomically: to a temporary file in the
// same directory, synced to disk, then renamed over path. A crash while
// writing leaves the previous snapshot at path intact.
func (d *Detector) SaveFile(path string) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("dedup: save snapshot: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = d.Save(tmp); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("dedup: save snapshot: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("dedup: save snapshot: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("dedup: save snapshot: %w", err)
	}
	if dirf, derr := os.Open(dir); derr == nil {
		// Make the rename itself durable; not every platform can sync a
		// directory, and the snapshot is complete either way.
		_ = dirf.Sync()
		dirf.Close()
	}
	return nil
}

// LoadFile reads a snapshot file written by SaveFile; see Load.
func LoadFile(path string, cfg Config) (*Detector, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dedup: load snapshot: %w", err)
	}
	defer f.Close()
	return Load(f, cfg)
}

// lineCounts returns a cluster's lines sorted by key, each once. A snapshot
// written before lines were kept by key (lineKey) holds their whole hashes,
// sorted as such: as keys they come in another order, and two may share a
// key.
func lineCounts(lines []lineCount) []lineCount {
	strict := true
	for i := 1; i < len(lines) && strict; i++ {
		strict = lines[i-1].key < lines[i].key
	}
	if strict {
		return lines
	}
	slices.SortFunc(lines, func(a, b lineCount) int { return cmp.Compare(a.key, b.key) })
	out := lines[:0]
	for _, l := range lines {
		if n := len(out); n > 0 && out[n-1].key == l.key {
			out[n-1].n = int32(min(int64(out[n-1].n)+int64(l.n), math.MaxInt32))
			continue
		}
		out = append(out, l)
	}
	return out
}
