package dedup

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"
)

// reuters returns the Reuters-21578 stories that have a body, in file order
// (which is date order), or skips the benchmark when the corpus is absent.
func reuters(b testing.TB) ([]Story, int) {
	path := dataset(b, "NEWSDUP_REUTERS", "reuters21578/articles.jsonl")
	var out []Story
	bytes := 0
	for _, s := range readJSONL(b, path) {
		if s.Text == "" {
			continue
		}
		out = append(out, s.Story)
		bytes += len(s.Text) + len(s.Title)
	}
	return out, bytes
}

// BenchmarkAddReuters streams the Reuters stories with a body through a fresh
// detector, one Add after the other, with the default 72-hour window. One op
// is one story; stories/s is reported.
func BenchmarkAddReuters(b *testing.B) {
	for _, bc := range []struct {
		name string
		cfg  Config
	}{
		{"default", Config{}},
		{"no-passages", Config{NoPassages: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			stories, size := reuters(b)
			b.SetBytes(int64(size / len(stories)))
			b.ReportAllocs()
			var d *Detector
			i := 0
			start := time.Now()
			for b.Loop() {
				if i%len(stories) == 0 {
					b.StopTimer()
					d = newDetector(b, bc.cfg)
					b.StartTimer()
				}
				s := stories[i%len(stories)]
				if _, err := d.Add(s); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "stories/s")
		})
	}
}

// BenchmarkAddBatchReuters adds all the Reuters stories with AddBatch, which
// analyses texts on every core.
func BenchmarkAddBatchReuters(b *testing.B) {
	stories, size := reuters(b)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		d := newDetector(b, Config{})
		if _, err := d.AddBatch(stories); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(stories))/b.Elapsed().Seconds(), "stories/s")
}

// BenchmarkBatchReuters judges all the Reuters stories as one collection
// with Batch, which sorts them by date and analyses them on every core.
func BenchmarkBatchReuters(b *testing.B) {
	stories, size := reuters(b)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		_, err := Batch(context.Background(), Config{Clock: fixedClock}, Stories(stories), func(int, Result, error) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(stories))/b.Elapsed().Seconds(), "stories/s")
}

// BenchmarkHeldBytes reports the heap a detector takes for each story it
// holds (bytes/story) and the size of its snapshot per story
// (snapshot-bytes/story), with the first 10,000 Reuters stories held at
// once (no window): what a regression in the size of story records shows
// up in.
// Each story is given as a copy, as a pipeline that decodes it and lets it
// go does, so that what the detector keeps of the caller's story counts.
func BenchmarkHeldBytes(b *testing.B) {
	stories, _ := reuters(b)
	stories = stories[:min(len(stories), 10000)]
	// resent: every eighth story is sent again word for word under another
	// id right after it, as a wire resend or a republication is, which the
	// detector holds at a fraction of the cost (see state.share and
	// lsh.Index.Twin).
	for _, bc := range []struct {
		name  string
		every int
	}{{"distinct", 0}, {"resent", 8}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				b.StartTimer()
				d := newDetector(b, Config{Window: -1, NoPassages: true})
				add := func(s Story) {
					s.ID, s.Text, s.Title, s.Source = strings.Clone(s.ID), strings.Clone(s.Text), strings.Clone(s.Title), strings.Clone(s.Source)
					if _, err := d.Add(s); err != nil {
						b.Fatal(err)
					}
				}
				for i, s := range stories {
					add(s)
					if bc.every > 0 && i%bc.every == 0 {
						s.ID += "-resent"
						add(s)
					}
				}
				b.StopTimer()
				runtime.GC()
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/float64(d.Len()), "bytes/story")
				var snap countingWriter
				if err := d.Save(&snap); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(snap)/float64(d.Len()), "snapshot-bytes/story")
				runtime.KeepAlive(d)
				b.StartTimer()
			}
		})
	}
}

// countingWriter counts the bytes written to it.
type countingWriter int64

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}
