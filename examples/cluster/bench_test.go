package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// reutersPath returns the Reuters-21578 JSON Lines file: $NEWSDUP_REUTERS,
// else ../shared/datasets/reuters21578/articles.jsonl beside the module root.
func reutersPath(tb testing.TB) string {
	if p := os.Getenv("NEWSDUP_REUTERS"); p != "" {
		return p
	}
	p := filepath.Join("..", "..", "..", "shared", "datasets", "reuters21578", "articles.jsonl")
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("Reuters-21578 not found at %s: set NEWSDUP_REUTERS to its articles.jsonl", p)
	}
	return p
}

// benchmarkRun runs the command over in, b.N times.
func benchmarkRun(b *testing.B, in []byte, args ...string) {
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	lines := bytes.Count(in, []byte("\n"))
	for b.Loop() {
		if code := run(args, bytes.NewReader(in), io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit status %d", code)
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkRunReuters runs the command over all of Reuters-21578 (2,535 of
// its 21,578 lines have no text and are skipped as bad input).
func BenchmarkRunReuters(b *testing.B) {
	in, err := os.ReadFile(reutersPath(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("verdicts", func(b *testing.B) { benchmarkRun(b, in, "-skip-bad") })
	b.Run("passages", func(b *testing.B) { benchmarkRun(b, in, "-skip-bad", "-passages") })
	b.Run("batch", func(b *testing.B) { benchmarkRun(b, in, "-skip-bad", "-batch") })
}

// BenchmarkRunTestdata runs the command over testdata/stories.jsonl.
func BenchmarkRunTestdata(b *testing.B) {
	in, err := os.ReadFile("../../testdata/stories.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	benchmarkRun(b, in, "-passages")
}

// BenchmarkRunReutersState measures what -state costs over Reuters-21578:
// the final save alone, and saves every 1000 stories (each writes the whole
// state), with the default window and with none (so the state grows to all
// the stories).
func BenchmarkRunReutersState(b *testing.B) {
	in, err := os.ReadFile(reutersPath(b))
	if err != nil {
		b.Fatal(err)
	}
	state := filepath.Join(b.TempDir(), "state")
	for _, window := range []string{"72h", "off"} {
		for _, every := range []string{"", "0", "1000"} {
			name := "window=" + window + "/state=none"
			args := []string{"-skip-bad", "-window", window}
			if every != "" {
				name = "window=" + window + "/state-every=" + every
				args = append(args, "-state", state, "-state-every", every)
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(in)))
				for b.Loop() {
					// Each run starts afresh.
					if err := os.Remove(state); err != nil && !os.IsNotExist(err) {
						b.Fatal(err)
					}
					if code := run(args, bytes.NewReader(in), io.Discard, io.Discard); code != 0 {
						b.Fatalf("exit status %d", code)
					}
				}
			})
		}
	}
}
