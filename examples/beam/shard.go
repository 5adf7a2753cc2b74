package main

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Every story has an order key: "d" and 16 hex digits of its time, or "u"
// and 16 zeros when it is undated, then its id. Keys sort as the detector
// is fed: by time, then by id, undated stories after dated ones. The key of
// a story names it in every stage after the input, and the least key of a
// cluster names the cluster.
const keyPrefix = 17

// orderKey returns the order key of a story.
func orderKey(s Story) string {
	if !s.Dated {
		return "u0000000000000000" + s.ID
	}
	// Flipping the sign bit makes the unsigned order that of the times.
	return fmt.Sprintf("d%016x", uint64(s.Time)^1<<63) + s.ID
}

// idOf returns the story id of an order key.
func idOf(key string) string { return key[keyPrefix:] }

// keyTime returns the time of an order key and whether it is dated.
func keyTime(key string) (int64, bool) {
	if key[0] != 'd' {
		return 0, false
	}
	v, err := strconv.ParseUint(key[1:keyPrefix], 16, 64)
	if err != nil {
		panic("beam: malformed order key " + strconv.Quote(key))
	}
	return int64(v ^ 1<<63), true
}

// undatedShard is the shard of the undated stories when the window is on:
// they cannot be placed in time, so they are compared with each other only.
const undatedShard = math.MinInt64

// Time shards. Shard i holds at home the stories published in
// [i·span, (i+1)·span) (Unix time) and, as context, those of a span before
// i·span. For the candidate pairs that span is the window: every story a
// home story can be a copy of is in its shard. For the tiers it is the
// shard context (by default the window, the lateness and the story horizon:
// the span whose clusters the streaming detector still holds, joinable or
// teaching it lines and term statistics). Each story is decided in its home
// shard only, so the overlap never decides anything twice. With the window
// off, every story is at home in shard 0.

// defaultContext returns the shard context the tiers read by default:
// Window + Lateness + StoryHorizon, what a detector fed the stories in time
// order holds (its stories leave Window + Lateness behind the latest, their
// clusters StoryHorizon after that).
func (s Settings) defaultContext() time.Duration {
	return s.Window + max(s.Lateness, 0) + max(s.StoryHorizon, 0)
}

// homeShard returns the shard a story is decided in.
func (s Settings) homeShard(t int64, dated bool) int64 {
	switch {
	case s.Window < 0:
		return 0
	case !dated:
		return undatedShard
	}
	return floorDiv(t, int64(s.ShardSpan))
}

// shards returns the shards that hold a story, when each holds as context
// the stories of the span ctx before it: its home shard first, then those
// it is context of.
func (s Settings) shards(t int64, dated bool, ctx time.Duration) []int64 {
	home := s.homeShard(t, dated)
	out := []int64{home}
	if s.Window < 0 || !dated {
		return out
	}
	// Shard j holds as context the stories at or after j·span - ctx.
	end := int64(math.MaxInt64)
	if t <= end-int64(ctx) {
		end = t + int64(ctx)
	}
	last := floorDiv(end, int64(s.ShardSpan))
	for j := home + 1; j <= last; j++ {
		out = append(out, j)
	}
	return out
}

// comparable reports whether two stories, a before b in key order, may be
// compared: both within the window of each other, or both undated, or any
// two with the window off.
func (s Settings) comparable(aTime int64, aDated bool, bTime int64, bDated bool) bool {
	switch {
	case s.Window < 0:
		return true
	case aDated != bDated:
		return false
	case !aDated:
		return true
	}
	return bTime-aTime <= int64(s.Window)
}

// floorDiv returns a/b rounded down, for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
