package redisstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/dedup/internal/teststories"
	"github.com/newsdup/newsdup/dedup/redisstore/redistest"
)

// BenchmarkAdd streams the Reuters stories with a body through fresh
// detectors, one Add after the other, with default settings: a detector
// alone (memory), a detector sharing a dedup.MemoryStore (the cost of the
// log), and detectors sharing a Redis store on the server of NEWSDUP_REDIS,
// one worker, and two workers adding at the same time, each taking in the
// other's stories. One op is one story added; stories/s is the rate of all
// the workers together.
func BenchmarkAdd(b *testing.B) {
	stories, size := teststories.Reuters(b)
	type setup func(b *testing.B) []*dedup.Detector
	shared := func(b *testing.B, workers int, store func(b *testing.B) dedup.Store) []*dedup.Detector {
		out := make([]*dedup.Detector, workers)
		s := store(b)
		for w := range out {
			out[w] = join(b, s, dedup.Config{})
		}
		return out
	}
	redisStore := func(workers int) setup {
		return func(b *testing.B) []*dedup.Detector {
			url := redistest.URL(b)
			c := redistest.Client(b, url)
			name := redistest.StoreName(b, c)
			out := make([]*dedup.Detector, workers)
			for w := range out {
				out[w] = join(b, newStore(b, redistest.Client(b, url), name), dedup.Config{})
			}
			return out
		}
	}
	for _, bc := range []struct {
		name string
		make setup
	}{
		{"memory", func(b *testing.B) []*dedup.Detector {
			d, err := dedup.NewDetector(dedup.Config{Clock: clock})
			if err != nil {
				b.Fatal(err)
			}
			return []*dedup.Detector{d}
		}},
		{"memory-store", func(b *testing.B) []*dedup.Detector {
			return shared(b, 1, func(*testing.B) dedup.Store { return new(dedup.MemoryStore) })
		}},
		{"redis", redisStore(1)},
		{"redis-2-workers", redisStore(2)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(size / len(stories)))
			b.ReportAllocs()
			var ds []*dedup.Detector
			next := 0
			var busy time.Duration
			for b.Loop() {
				if ds == nil || next/len(stories) != (next-len(ds))/len(stories) {
					b.StopTimer()
					ds = bc.make(b)
					b.StartTimer()
				}
				// Each loop adds one story per worker, the workers at the
				// same time; b.N counts loops, so the rate is reported per
				// story below.
				start := time.Now()
				addAll(b, ds, stories, next)
				busy += time.Since(start)
				next += len(ds)
			}
			b.ReportMetric(float64(next)/busy.Seconds(), "stories/s")
		})
	}
}

// addAll adds stories[first+w] to worker w, all workers at once.
func addAll(b *testing.B, ds []*dedup.Detector, stories []dedup.Story, first int) {
	if len(ds) == 1 {
		if _, err := ds[0].Add(stories[first%len(stories)]); err != nil {
			b.Fatal(err)
		}
		return
	}
	var wg sync.WaitGroup
	for w, d := range ds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := stories[(first+w)%len(stories)]
			s.ID = fmt.Sprintf("%s-%d", s.ID, (first+w)/len(stories))
			if _, err := d.AddContext(context.Background(), s); err != nil {
				b.Error(err)
			}
		}()
	}
	wg.Wait()
}

// BenchmarkAppend appends 1 kB entries, one after the other: the round trip
// a shared detector adds to each story.
func BenchmarkAppend(b *testing.B) {
	url := redistest.URL(b)
	c := redistest.Client(b, url)
	s := newStore(b, c, redistest.StoreName(b, c))
	ctx := context.Background()
	_, epoch, err := s.Init(ctx, []byte("config"))
	if err != nil {
		b.Fatal(err)
	}
	entry := make([]byte, 1024)
	b.SetBytes(int64(len(entry)))
	b.ReportAllocs()
	pos := uint64(0)
	for b.Loop() {
		pos++
		ok, err := s.Append(ctx, epoch, pos, entry, time.Hour)
		if err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkJoin makes a detector join a store that holds the log of all the
// Reuters stories with a body: what a worker that starts or restarts does.
// One op is one join; stories/s is the rate at which it takes in the log.
func BenchmarkJoin(b *testing.B) {
	stories, _ := teststories.Reuters(b)
	url := redistest.URL(b)
	c := redistest.Client(b, url)
	s := newStore(b, c, redistest.StoreName(b, c))
	d := join(b, s, dedup.Config{})
	if _, err := d.AddBatch(stories); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		join(b, newStore(b, redistest.Client(b, url), s.Name()), dedup.Config{})
	}
	b.ReportMetric(float64(b.N*len(stories))/b.Elapsed().Seconds(), "stories/s")
}
