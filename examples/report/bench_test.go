package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/newsdup/newsdup/dedup"
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

// BenchmarkReportReuters writes the page for all of Reuters-21578 (19,043
// stories with a text; the 2,535 lines without one are skipped as bad
// input): the whole command (reading, the detector, the page), the same
// with -batch, and the page alone (laying it out and writing it) for the
// verdicts of one run. Each reports the page's size.
func BenchmarkReportReuters(b *testing.B) {
	name := reutersPath(b)
	in, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"command", "batch"} {
		b.Run(mode, func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "page.html")
			args := []string{"-skip-bad", "-o", out}
			if mode == "batch" {
				args = append(args, "-batch")
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				if code := run(args, bytes.NewReader(in), io.Discard, io.Discard); code != 0 {
					b.Fatalf("exit status %d", code)
				}
			}
			st, err := os.Stat(out)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(st.Size()), "page-bytes")
		})
	}
	b.Run("page", func(b *testing.B) {
		o, err := parseFlags([]string{"-skip-bad", "-o", "-"}, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		d, err := dedup.NewDetector(o.cfg)
		if err != nil {
			b.Fatal(err)
		}
		c := newCollection(d)
		rd := &reader{c: c, o: o, stderr: io.Discard, isHTML: dedup.LooksLikeHTML}
		if err := rd.inputs(bytes.NewReader(in)); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		var w countWriter
		for b.Loop() {
			w = countWriter{w: io.Discard}
			if err := render(&w, buildPage(c, o, d.Config())); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(w.n), "page-bytes")
	})
}
