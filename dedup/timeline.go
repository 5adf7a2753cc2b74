package dedup

import (
	"slices"
	"time"
)

// Time belongs to the stories, not to their arrival. Two dated stories are
// compared only when their publication times are within Config.Window of
// each other, whatever order they come in; an undated story has no time that
// could rule a story out, and is compared with every story held.
//
// What is held is bounded by a watermark that trails the stream: stories
// published before it leave, and it never moves back. It follows the last
// timeSamples dated stories taken in. Their times give the stream's time, a
// high quantile (timeQuantile), so that a few stories dated far ahead of the
// others move nothing. How late each of them came, behind the stream's time
// then, says whether the feed comes in order: while more than a share
// 1-lateQuantile of them came more than Config.Lateness late, the feed is
// out of order (shuffled, a backfill, two feeds out of step), and the
// watermark stays Window plus Lateness behind the oldest times the feed
// still brings (the lowQuantile of the times sampled), so that what it still
// needs is held, up to Config.MaxStories; otherwise it is Window plus
// Lateness behind the stream's time. Nothing leaves before minSamples dated
// stories have shown which it is.
//
// Detectors sharing a store apply one log, to which each worker brings its
// own feed, in its own date order: the watermark then also stays behind the
// latest date of the worker furthest behind (of those that added one of the
// last sourceActive dated stories), as a stream with several sources keeps
// the earliest of their watermarks, so that a worker that runs ahead of
// another does not make the other's stories late.
//
// A story that comes after stories of its window left is compared with
// those still held: its Result says Late.
const (
	timeSamples  = 256
	minSamples   = 128
	timeQuantile = 0.99 // the stream's time, under which undated stories are held
	lateQuantile = 0.99
	lowQuantile  = 0.02
	sourceActive = 2 * timeSamples
)

// timeline follows the publication times of the stories taken in. It is
// part of the state.
type timeline struct {
	window, lateness time.Duration // from the Config; a negative window holds everything

	times sample // the last dated times taken in (Unix ns)
	lates sample // how late each came behind the stream's time then (ns)

	count   int                    // dated stories taken in
	sources map[uint64]*sourceTime // by worker, for a shared log

	stream    time.Time // the stream's time: timeQuantile of times
	watermark time.Time // stories published before it leave; it never moves back
	first     time.Time // the first dated time taken in
	// evictedMin and evictedMax bound the times of the dated stories that
	// left, for Late.
	evictedMin, evictedMax time.Time
}

// sourceTime is where the feed of one worker sharing a log stands.
type sourceTime struct {
	latest time.Time // its latest date; zero before its first dated story
	seen   int       // timeline.count when it joined or brought a story last
}

// join records that a worker joined a shared log: until it brings its first
// dated story (or stays silent for sourceActive dated stories of the
// others), nothing leaves, as its feed may need any of it.
func (tl *timeline) join(source uint64) {
	if tl.sources == nil {
		tl.sources = make(map[uint64]*sourceTime)
	}
	if tl.sources[source] == nil {
		tl.sources[source] = &sourceTime{seen: tl.count}
	}
}

// observe takes in the time of a story, zero if undated, brought by source
// (the worker that added it to a shared log; 0 for a detector alone), and
// returns the time it is held under: its own, or for an undated story the
// stream's time (zero before any dated story).
func (tl *timeline) observe(t time.Time, source uint64) time.Time {
	if t.IsZero() {
		return tl.stream
	}
	tl.count++
	if source != 0 {
		if tl.sources == nil {
			tl.sources = make(map[uint64]*sourceTime)
		}
		src := tl.sources[source]
		if src == nil {
			src = &sourceTime{}
			tl.sources[source] = src
		}
		src.latest = later(src.latest, t)
		src.seen = tl.count
	}
	if tl.first.IsZero() {
		tl.first = t
	}
	var late int64
	if !tl.stream.IsZero() && t.Before(tl.stream) {
		late = int64(tl.stream.Sub(t))
	}
	tl.times.add(t.UnixNano())
	tl.lates.add(late)
	tl.stream = time.Unix(0, tl.times.quantile(timeQuantile)).UTC()
	if tl.window >= 0 && len(tl.times.ring) >= minSamples {
		lateness := max(tl.lateness, 0)
		from := tl.stream // in order
		if time.Duration(tl.lates.quantile(lateQuantile)) > lateness {
			from = time.Unix(0, tl.times.quantile(lowQuantile)).UTC() // out of order
		}
		behind, waiting := tl.furthestBehind()
		if waiting {
			return t
		}
		if !behind.IsZero() && behind.Before(from) {
			from = behind
		}
		if w := from.Add(-tl.window - lateness); w.After(tl.watermark) {
			tl.watermark = w
		}
	}
	return t
}

// furthestBehind returns the latest date of the worker furthest behind,
// when several workers joined or brought stories lately, and forgets the
// workers that have not for sourceActive dated stories. It reports waiting
// while a worker that joined lately has brought no dated story yet.
func (tl *timeline) furthestBehind() (behind time.Time, waiting bool) {
	active := 0
	for id, src := range tl.sources {
		if tl.count-src.seen > sourceActive {
			delete(tl.sources, id)
			continue
		}
		active++
		if src.latest.IsZero() {
			waiting = true
		} else if behind.IsZero() || src.latest.Before(behind) {
			behind = src.latest
		}
	}
	if active < 2 {
		return time.Time{}, false
	}
	return behind, waiting
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// sample holds the last timeSamples values added, in the order they came
// (a ring) and sorted, for quantiles at the cost of one binary search and
// one move of at most timeSamples values per value added.
type sample struct {
	ring   []int64
	sorted []int64
	next   int // the ring's oldest value, once it is full
}

func (s *sample) add(v int64) {
	if len(s.ring) < timeSamples {
		s.ring = append(s.ring, v)
	} else {
		old := s.ring[s.next]
		s.ring[s.next] = v
		s.next = (s.next + 1) % timeSamples
		i, _ := slices.BinarySearch(s.sorted, old)
		s.sorted = slices.Delete(s.sorted, i, i+1)
	}
	i, _ := slices.BinarySearch(s.sorted, v)
	s.sorted = slices.Insert(s.sorted, i, v)
}

// quantile returns the q-quantile of the values held: the one a share q of
// the others lie below, rounded towards the median, so that the largest and
// the smallest value are never taken once there are a few. The sample must
// not be empty.
func (s *sample) quantile(q float64) int64 {
	n := len(s.sorted) - 1
	if q < 0.5 {
		return s.sorted[n-int((1-q)*float64(n))]
	}
	return s.sorted[int(q*float64(n))]
}

// values returns the values held, oldest first.
func (s *sample) values() []int64 {
	return append(slices.Clone(s.ring[s.next:]), s.ring[:s.next]...)
}

// expired reports whether a story held under time t has fallen behind the
// watermark. Stories held under the zero time (undated ones that came before
// any dated story) count as published at the first dated time.
func (tl *timeline) expired(t time.Time) bool {
	if tl.window < 0 || tl.watermark.IsZero() {
		return false
	}
	if t.IsZero() {
		t = tl.first
	}
	return t.Before(tl.watermark)
}

// left records that a story held under time t left the detector.
func (tl *timeline) left(t time.Time) {
	if t.IsZero() {
		return
	}
	if tl.evictedMin.IsZero() || t.Before(tl.evictedMin) {
		tl.evictedMin = t
	}
	if t.After(tl.evictedMax) {
		tl.evictedMax = t
	}
}

// late reports whether stories within the window of time t may have left
// the detector already: a story published at t that comes now is compared
// with the stories still held, not with all those of its window.
func (tl *timeline) late(t time.Time) bool {
	if t.IsZero() || tl.evictedMax.IsZero() || tl.window < 0 {
		return false
	}
	return !t.Add(-tl.window).After(tl.evictedMax) && !t.Add(tl.window).Before(tl.evictedMin)
}

// near reports whether two stories, published at a and b (zero if unknown),
// may be compared: both within the window of each other, or one undated.
func (tl *timeline) near(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() || tl.window < 0 {
		return true
	}
	d := a.Sub(b)
	return d <= tl.window && d >= -tl.window
}
