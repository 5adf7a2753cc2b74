package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestShards(t *testing.T) {
	day := int64(24 * time.Hour)
	s := Settings{Window: 72 * time.Hour, ShardSpan: 7 * 24 * time.Hour}
	week := 7 * day
	for _, tc := range []struct {
		name  string
		t     int64
		dated bool
		want  []int64
	}{
		{"start of a shard", 10 * week, true, []int64{10}},
		{"just before the next shard's window", 11*week - 3*day - 1, true, []int64{10}},
		{"first instant of the next shard's window", 11*week - 3*day, true, []int64{10, 11}},
		{"last instant of a shard", 11*week - 1, true, []int64{10, 11}},
		{"before 1970", -week + 5*day, true, []int64{-1, 0}},
		{"undated", 0, false, []int64{undatedShard}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, s.shards(tc.t, tc.dated, s.Window))
			assert.Equal(t, tc.want[0], s.homeShard(tc.t, tc.dated))
		})
	}
	t.Run("window longer than a shard", func(t *testing.T) {
		s := Settings{Window: 72 * time.Hour, ShardSpan: 24 * time.Hour}
		assert.Equal(t, []int64{5, 6, 7, 8}, s.shards(5*day, true, s.Window))
		assert.Equal(t, []int64{5, 6, 7}, s.shards(5*day-1+day, true, s.Window)[:3])
	})
	t.Run("window off", func(t *testing.T) {
		s := Settings{Window: -1, ShardSpan: time.Duration(week)}
		assert.Equal(t, []int64{0}, s.shards(100*week, true, s.Window))
		assert.Equal(t, []int64{0}, s.shards(0, false, s.Window))
		assert.True(t, s.comparable(0, true, 100*week, true))
		assert.True(t, s.comparable(0, true, 0, false))
	})
	t.Run("every story a home story compares with is in its shard", func(t *testing.T) {
		// For stories b and an earlier a within the context, a's shards
		// include b's home shard; for an a before the context of b's
		// home shard, they do not.
		for _, ctx := range []time.Duration{s.Window, 11 * 24 * time.Hour, 20 * 24 * time.Hour} {
			for b := int64(0); b < 3*week; b += day / 3 {
				for a := b - int64(ctx); a <= b; a += day / 7 {
					assert.Contains(t, s.shards(a, true, ctx), s.homeShard(b, true), "ctx=%v a=%d b=%d", ctx, a, b)
				}
				home := s.homeShard(b, true)
				a := home*int64(s.ShardSpan) - int64(ctx) - 1 // just before the shard's context
				assert.NotContains(t, s.shards(a, true, ctx), home, "ctx=%v a=%d b=%d", ctx, a, b)
			}
		}
	})
	t.Run("default context", func(t *testing.T) {
		s := Settings{Window: 72 * time.Hour, Lateness: 24 * time.Hour, StoryHorizon: 7 * 24 * time.Hour}
		assert.Equal(t, 11*24*time.Hour, s.defaultContext(), "window, lateness and story horizon")
		s.Lateness, s.StoryHorizon = -1, -1
		assert.Equal(t, s.Window, s.defaultContext(), "no lateness, no horizon: the window")
	})
	t.Run("comparable", func(t *testing.T) {
		w := int64(s.Window)
		assert.True(t, s.comparable(0, true, w, true), "at the window's edge")
		assert.False(t, s.comparable(0, true, w+1, true))
		assert.False(t, s.comparable(0, true, 0, false), "dated and undated")
		assert.True(t, s.comparable(0, false, 0, false))
	})
}

func TestFloorDiv(t *testing.T) {
	for _, tc := range []struct{ a, b, want int64 }{
		{7, 7, 1}, {6, 7, 0}, {0, 7, 0}, {-1, 7, -1}, {-7, 7, -1}, {-8, 7, -2},
	} {
		assert.Equal(t, tc.want, floorDiv(tc.a, tc.b), "%d/%d", tc.a, tc.b)
	}
}
