// Command feed replays a dated news corpus through the newsdup detector as a
// newsroom would receive it, story by story in date order, and prints the
// copies and same-story versions as they are found, then a summary: stories,
// speed, clusters, copies, memory and learned boilerplate.
//
//	go run ./examples/feed                  # the Reuters-21578 corpus
//	go run ./examples/feed -quiet           # the summary only
//	go run ./examples/feed -in stories.jsonl -window 24h -max-events 100
//
// The corpus is JSON Lines with the fields id, text, title, source, date
// and lang (others are ignored), as read by examples/cluster. It is taken
// from -in, else from the environment variable NEWSDUP_REUTERS, else from
// ../shared/datasets/reuters21578/articles.jsonl beside the directory that
// holds go.mod. Stories without text, and undated stories, are skipped and
// counted; a line that is not JSON, or a bad date, stops the run.
//
// Each event is one line, under a heading for its day:
//
//	== 1987-03-02
//	09:14 COPY  id 2401 of id 2390, 91% (U.K. MONEY MARKET SHORTAGE FORECAST)
//	09:30 SAME  id 2410 as id 2395, similarity 0.52 (BANK OF FRANCE ...)
//
// COPY gives the share of text the two copies have in common (the larger of
// their Jaccard similarity and containment), SAME the similarity of the
// story to the story it is closest to in the cluster it joined. A story that
// shows clusters to be fragments of one story is followed by a MERGE line
// naming the clusters merged into the one it joined.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/examples/internal/cli"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the command's settings.
type options struct {
	in        string
	window    time.Duration
	maxEvents int
	quiet     bool
}

const corpusEnv = "NEWSDUP_REUTERS"

// run is the command; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	o := options{window: dedup.DefaultWindow}
	fs := flag.NewFlagSet("feed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.in, "in", "", "corpus `file` (JSON Lines); default $"+corpusEnv+", else ../shared/datasets/reuters21578/articles.jsonl beside the module")
	fs.Var(cli.Window{D: &o.window}, "window", "how long a story stays comparable after the newest date seen (`duration`), or off")
	fs.IntVar(&o.maxEvents, "max-events", 40, "most events printed; -1 prints them all")
	fs.BoolVar(&o.quiet, "quiet", false, "print only the summary")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: feed [flags]\n\nReplays a dated news corpus in date order and prints copies and same-story versions as they are found.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "feed: unexpected arguments %q (see -h)\n", fs.Args())
		return 2
	}
	if o.maxEvents < -1 {
		fmt.Fprintln(stderr, "feed: -max-events must be -1 (all) or more")
		return 2
	}
	if o.quiet {
		o.maxEvents = 0
	}
	path, err := corpusPath(o.in)
	if err != nil {
		fmt.Fprintf(stderr, "feed: %v\n", err)
		return 1
	}
	c, err := load(path)
	if err != nil {
		fmt.Fprintf(stderr, "feed: %v\n", err)
		return 1
	}
	out := bufio.NewWriter(stdout)
	if err := replay(out, stderr, path, c, o); err != nil {
		fmt.Fprintf(stderr, "feed: %v\n", err)
		return 1
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "feed: writing the output: %v\n", err)
		return 1
	}
	return 0
}

// corpusPath picks the corpus file: the flag, the environment, or the shared
// data set beside the module.
func corpusPath(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if p := os.Getenv(corpusEnv); p != "" {
		return p, nil
	}
	const howTo = "give -in FILE or set " + corpusEnv + " to the Reuters-21578 JSON Lines file"
	root, err := cli.Root()
	if err != nil {
		return "", fmt.Errorf("no corpus: %v; %s", err, howTo)
	}
	p := filepath.Join(root, "..", "shared", "datasets", "reuters21578", "articles.jsonl")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("no corpus at %s; %s", p, howTo)
	}
	return p, nil
}

// corpus is what load read.
type corpus struct {
	stories []dedup.Story
	noText  int // lines skipped for want of text
	undated int // lines skipped for want of a date
}

// load reads a corpus and sorts its dated stories by date, keeping the file
// order of equal dates.
func load(path string) (corpus, error) {
	var c corpus
	f, err := os.Open(path)
	if err != nil {
		return c, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var rec struct {
				ID, Text, Title, Source, Date, Lang string
			}
			if jerr := json.Unmarshal(line, &rec); jerr != nil {
				return c, fmt.Errorf("%s line %d: %v", path, n, jerr)
			}
			t, derr := parseDate(rec.Date)
			switch {
			case derr != nil:
				return c, fmt.Errorf("%s line %d: %v", path, n, derr)
			case strings.TrimSpace(rec.Text) == "":
				c.noText++
			case t.IsZero():
				c.undated++
			default:
				c.stories = append(c.stories, dedup.Story{ID: rec.ID, Text: rec.Text, Title: rec.Title, Source: rec.Source, Time: t, Language: rec.Lang})
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return c, fmt.Errorf("reading %s: %w", path, err)
		}
	}
	slices.SortStableFunc(c.stories, func(a, b dedup.Story) int { return a.Time.Compare(b.Time) })
	return c, nil
}

// parseDate parses RFC 3339, a time without zone (UTC) or a day; "" is the
// zero Time.
func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date %q: want RFC 3339, 2006-01-02T15:04:05 or 2006-01-02", s)
}

// batch is the number of stories given to AddBatch at once: enough for its
// parallel analysis to pay, few enough that events appear as the replay
// goes.
const batch = 512

// tally counts what the replay found.
type tally struct {
	stories, rejected      int
	clusters, copies, same int
	merged                 int // clusters merged into others
	events                 int
	day                    string // of the last event printed
	baseHeap               uint64 // heap in use before the replay
}

// replay feeds the stories to a detector and writes events and the summary.
func replay(w *bufio.Writer, stderr io.Writer, path string, c corpus, o options) error {
	d, err := dedup.NewDetector(dedup.Config{Window: o.window, NoPassages: true})
	if err != nil {
		return err
	}
	var t tally
	t.baseHeap = heapInUse()
	start := time.Now()
	for lo := 0; lo < len(c.stories); lo += batch {
		chunk := c.stories[lo:min(lo+batch, len(c.stories))]
		for len(chunk) > 0 {
			rs, err := d.AddBatch(chunk)
			for i, r := range rs {
				t.record(w, chunk[i], r, o.maxEvents)
			}
			if err == nil || len(rs) >= len(chunk) {
				break
			}
			// The story after the last result was rejected: say so and go
			// on with the rest.
			bad := chunk[len(rs)]
			fmt.Fprintf(stderr, "feed: story %q skipped: %v\n", bad.ID, err)
			t.rejected++
			chunk = chunk[len(rs)+1:]
		}
		if err := w.Flush(); err != nil {
			return fmt.Errorf("writing the output: %w", err)
		}
	}
	elapsed := time.Since(start)
	if o.maxEvents >= 0 && t.events > o.maxEvents && o.maxEvents > 0 {
		fmt.Fprintf(w, "... %d more events not shown (-max-events)\n", t.events-o.maxEvents)
	}
	summary(w, d, path, c, t, elapsed, o)
	return nil
}

// record counts a result and prints its event.
func (t *tally) record(w io.Writer, s dedup.Story, r dedup.Result, maxEvents int) {
	t.stories++
	switch r.Kind {
	case dedup.New:
		t.clusters++
		return
	case dedup.Copy:
		t.copies++
	case dedup.SameStory:
		t.same++
		t.merged += len(r.Merged)
	}
	t.events++
	if maxEvents >= 0 && t.events > maxEvents {
		return
	}
	if day := s.Time.UTC().Format("2006-01-02"); day != t.day {
		t.day = day
		fmt.Fprintf(w, "== %s\n", day)
	}
	other := r.Cluster
	if len(r.Matches) > 0 {
		other = r.Matches[0].ID
	}
	clock := s.Time.UTC().Format("15:04")
	title := ""
	if s.Title != "" {
		title = " (" + clip(s.Title, 80) + ")"
	}
	if r.Kind == dedup.Copy {
		fmt.Fprintf(w, "%s COPY  id %s of id %s, %.0f%%%s\n", clock, s.ID, other, 100*r.Score, title)
		return
	}
	fmt.Fprintf(w, "%s SAME  id %s as id %s, similarity %.2f%s\n", clock, s.ID, other, matchScore(r), title)
	if len(r.Merged) > 0 {
		fmt.Fprintf(w, "      MERGE cluster %s into cluster %s: id %s is the same story as each\n", strings.Join(r.Merged, ", "), r.Cluster, s.ID)
	}
}

// matchScore is the similarity to the closest member of the cluster joined.
func matchScore(r dedup.Result) float64 {
	if len(r.Matches) > 0 {
		return r.Matches[0].Score
	}
	return r.Score
}

// clip collapses white space and cuts s to n bytes at most, on a rune
// boundary.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// heapInUse returns the bytes of heap in use after a garbage collection.
func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

func summary(w io.Writer, d *dedup.Detector, path string, c corpus, t tally, elapsed time.Duration, o options) {
	heap := heapInUse()
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(t.stories) / s
	}
	fmt.Fprintf(w, "\nSummary of %s\n", path)
	fmt.Fprintf(w, "  stories      %d replayed in %.2fs, %.0f stories/s (%d cores)\n", t.stories, elapsed.Seconds(), rate, runtime.GOMAXPROCS(0))
	var skipped []string
	if c.noText > 0 {
		skipped = append(skipped, fmt.Sprintf("%d without text", c.noText))
	}
	if c.undated > 0 {
		skipped = append(skipped, fmt.Sprintf("%d undated", c.undated))
	}
	if t.rejected > 0 {
		skipped = append(skipped, fmt.Sprintf("%d rejected by the detector", t.rejected))
	}
	if len(skipped) > 0 {
		fmt.Fprintf(w, "  skipped      %s\n", strings.Join(skipped, ", "))
	}
	window := "off"
	if o.window > 0 {
		window = o.window.String()
	}
	if n := len(c.stories); n > 0 {
		fmt.Fprintf(w, "  dates        %s to %s, window %s\n", c.stories[0].Time.UTC().Format("2006-01-02 15:04"), c.stories[n-1].Time.UTC().Format("2006-01-02 15:04"), window)
	}
	fmt.Fprintf(w, "  clusters     %d seen, %d merged into others, %d live at the end holding %d stories\n", t.clusters, t.merged, len(d.Clusters()), d.Len())
	fmt.Fprintf(w, "  copies       %d\n", t.copies)
	fmt.Fprintf(w, "  same story   %d\n", t.same)
	grown := int64(heap) - int64(t.baseHeap)
	fmt.Fprintf(w, "  memory       %.1f MiB heap in use after GC, %.1f MiB of it added by the replay (the corpus in memory is the rest)\n", mib(int64(heap)), mib(grown))
	fmt.Fprintf(w, "  boilerplate  %d lines learned\n", d.BoilerplateLines())
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
