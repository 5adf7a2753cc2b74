package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/dedup/lsh"
	"github.com/newsdup/newsdup/dedup/minhash"
	"github.com/newsdup/newsdup/shingle"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// errUsage reports bad flags.
var errUsage = errors.New("scale: bad flags")

// streamStart is the publication time of the first story of the stream.
var streamStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// options are the command-line flags.
type options struct {
	n          int
	window     time.Duration
	days       int
	every      int
	reuters    string
	seed       uint64
	noPassages bool
	lshThresh  float64
	cpuProfile string
	cpuFrom    int
	cpuFor     int
	memProfile string
	flatTol    float64
	stallTrace string
	stall      time.Duration
	variants   int
	stop       int // stories run, of the n of the stream
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.n, "n", 1_000_000, "stories in the stream")
	fs.IntVar(&o.stop, "stop", 0, "end the run after the first `k` stories of the stream (0: all of them): run alongside a run of the whole stream, it measures the first stretch again in the same conditions of the machine")
	fs.DurationVar(&o.window, "window", dedup.DefaultWindow, "the detector's time window (Config.Window)")
	fs.IntVar(&o.days, "days", 120, "days the stream's publication times span")
	fs.IntVar(&o.every, "every", 100_000, "print a reading every `k` stories")
	fs.StringVar(&o.reuters, "reuters", "", "Reuters-21578 articles.jsonl (default $NEWSDUP_REUTERS, else shared/datasets beside the repository)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the stream")
	fs.IntVar(&o.variants, "variants", 1, "draw the edited stories from `v` variants of each Reuters story, which share no shingles (see the package documentation)")
	fs.BoolVar(&o.noPassages, "no-passages", false, "skip finding shared passages (Config.NoPassages)")
	fs.Float64Var(&o.lshThresh, "lsh-threshold", dedup.DefaultLSHThreshold, "the Jaccard similarity around which the MinHash index finds candidate copies (Config.LSHThreshold)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the stream to `file`")
	fs.IntVar(&o.cpuFrom, "cpuprofile-from", 0, "with -cpuprofile, start the profile after this many `stories`, so that it shows the cost of an Add with that many held")
	fs.IntVar(&o.cpuFor, "cpuprofile-for", 0, "with -cpuprofile, end the profile after this many `stories` (0: at the end of the stream), so that two runs of one stream profile two stretches of it")
	fs.StringVar(&o.memProfile, "memprofile", "", "write a heap profile, taken at the end of the stream, to `file`")
	fs.StringVar(&o.stallTrace, "stalltrace", "", "keep an execution trace of the last second or so in memory (runtime/trace's flight recorder) and write it to `file` after each Add slower than -stall and than every Add before: the slowest one is the trace's last Add region")
	fs.DurationVar(&o.stall, "stall", 20*time.Millisecond, "the Add latency that -stalltrace writes a trace for")
	fs.Float64Var(&o.flatTol, "flat", 0.10, "memory counts as flat when the heap in use grew by at most this fraction over the readings taken once the window was full")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, fmt.Errorf("%w: %v", errUsage, err)
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	case o.n < 1:
		return o, fmt.Errorf("%w: -n must be at least 1", errUsage)
	case o.every < 1:
		return o, fmt.Errorf("%w: -every must be at least 1", errUsage)
	case o.variants < 1:
		return o, fmt.Errorf("%w: -variants must be at least 1", errUsage)
	case o.days < 1:
		return o, fmt.Errorf("%w: -days must be at least 1", errUsage)
	case o.window == 0:
		return o, fmt.Errorf("%w: -window must not be zero (negative keeps every story)", errUsage)
	case !(o.lshThresh > 0 && o.lshThresh < 1):
		return o, fmt.Errorf("%w: -lsh-threshold must be above 0 and below 1", errUsage)
	case o.flatTol < 0:
		return o, fmt.Errorf("%w: -flat must not be negative", errUsage)
	case o.stop < 0 || o.stop > o.n:
		return o, fmt.Errorf("%w: -stop must be at least 0 and at most -n", errUsage)
	case o.cpuFrom < 0 || o.cpuFrom >= o.n:
		return o, fmt.Errorf("%w: -cpuprofile-from must be at least 0 and below -n", errUsage)
	case o.stop > 0 && o.cpuFrom >= o.stop:
		return o, fmt.Errorf("%w: -cpuprofile-from must be below -stop", errUsage)
	case o.cpuFor < 0:
		return o, fmt.Errorf("%w: -cpuprofile-for must not be negative", errUsage)
	}
	return o, nil
}

// reading is the state of the process after some stories.
type reading struct {
	stories   int
	rate      float64 // stories/s over the interval since the last reading
	addRate   float64 // stories/s of Add alone over the interval
	heapInuse uint64
	sys       uint64
	rss       uint64 // 0 when unknown
	held      int
	clusters  int
	gcShare   float64 // share of the CPU time used over the interval that went to garbage collection
}

// cpuTimes returns the CPU seconds the process has used (its Go code and
// the runtime, idle time left out) and those the garbage collector took,
// as package runtime/metrics estimates them.
func cpuTimes() (used, gc float64) {
	s := []metrics.Sample{{Name: "/cpu/classes/total:cpu-seconds"}, {Name: "/cpu/classes/idle:cpu-seconds"},
		{Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(s)
	for _, x := range s {
		if x.Value.Kind() != metrics.KindFloat64 {
			return 0, 0
		}
	}
	return s[0].Value.Float64() - s[1].Value.Float64(), s[2].Value.Float64()
}

// read takes a reading after a garbage collection, so that HeapInuse is close
// to the memory in use rather than to wherever the collector's cycle stands.
func read(d *dedup.Detector, stories int, rate float64) reading {
	gc()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return reading{
		stories:   stories,
		rate:      rate,
		heapInuse: m.HeapInuse,
		sys:       m.Sys,
		rss:       rss(),
		held:      d.Len(),
		clusters:  len(d.Clusters()),
	}
}

// rss returns the resident set size of the process from /proc/self/statm,
// or 0 where that file does not exist (outside Linux).
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseUint(f[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * uint64(os.Getpagesize())
}

// gc collects garbage twice: the second cycle also frees what sync.Pools
// kept from the first.
func gc() {
	runtime.GC()
	runtime.GC()
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

// run streams the stories through a detector and writes the report to
// stdout; progress and problems go to stderr.
func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	path, err := reutersPath(o.reuters)
	if err != nil {
		return err
	}
	bases, err := loadBases(path)
	if err != nil {
		return err
	}
	span := time.Duration(o.days) * 24 * time.Hour
	cfg := dedup.Config{Window: o.window, NoPassages: o.noPassages, LSHThreshold: o.lshThresh}
	d, err := dedup.NewDetector(cfg)
	if err != nil {
		return err
	}
	cfg = d.Config()
	if err := warm(bases, cfg.Language); err != nil {
		return err
	}
	fullAt := o.n
	if o.window > 0 && o.window < span {
		fullAt = int(float64(o.n) * float64(o.window) / float64(span))
	}

	w := stdout
	fmt.Fprintf(w, "scale: %d stories over %d days from %s, window %v, seed %d, NoPassages %v, LSHThreshold %v\n",
		o.n, o.days, streamStart.Format("2006-01-02"), cfg.Window, o.seed, cfg.NoPassages, cfg.LSHThreshold)
	fmt.Fprintf(w, "source: %d Reuters-21578 stories from %s, edited (sentences dropped, words swapped, numbers changed) "+
		"or republished (%.0f%% of the stream)\n", len(bases), path, copyRate*100)
	fmt.Fprintf(w, "machine: %d cores (GOMAXPROCS %d), %s %s/%s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0),
		runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if o.stop > 0 && o.stop < o.n {
		fmt.Fprintf(w, "the run stops after story %d (-stop)\n", o.stop)
	}
	if fullAt < o.n {
		fmt.Fprintf(w, "the window holds about %d stories: it is full after about story %d\n", fullAt, fullAt)
	}
	base := read(d, 0, 0)
	fmt.Fprintf(w, "before the stream: heap in use %.1f MB (the source stories, the term cache warmed on them, the program), sys %.1f MB, rss %.1f MB\n",
		mb(base.heapInuse), mb(base.sys), mb(base.rss))
	fmt.Fprintf(w, "readings after a forced GC; stories/s, add/s (Add alone) and gc_cpu_%% (the share of the CPU time used that went to garbage collection) over the interval, reading time excluded\n")
	fmt.Fprintf(w, "%10s %11s %9s %14s %9s %9s %9s %9s %10s\n", "stories", "stories/s", "add/s", "heap_inuse_MB", "sys_MB", "rss_MB", "held", "clusters", "gc_cpu_%")

	var profile *os.File
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return fmt.Errorf("scale: %w", err)
		}
		defer f.Close()
		profile = f
		defer pprof.StopCPUProfile()
	}
	startProfile := func() error {
		if profile == nil {
			return nil
		}
		if err := pprof.StartCPUProfile(profile); err != nil {
			return fmt.Errorf("scale: %w", err)
		}
		return nil
	}
	if o.cpuFrom == 0 {
		if err := startProfile(); err != nil {
			return err
		}
	}

	var fr *trace.FlightRecorder
	if o.stallTrace != "" {
		fr = trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: time.Second, MaxBytes: 64 << 20})
		if err := fr.Start(); err != nil {
			return fmt.Errorf("scale: %w", err)
		}
		defer fr.Stop()
	}
	worst := o.stall // the slowest Add a trace was written for, or the threshold

	gen := newGenerator(bases, o.seed, o.n, streamStart, span, o.variants)
	stories := o.n // stories run
	if o.stop > 0 {
		stories = o.stop
	}
	var hist histogram
	slow := slowest{max: 5}
	var kinds [3]int
	rejected := map[string]int{}
	var readings []reading
	var loop time.Duration // time in the loop, readings excluded
	intervalStart := time.Now()
	intervalStories := 0
	var intervalAdd time.Duration // time in Add over the interval
	used0, gc0 := cpuTimes()
	var usedAll, gcAll float64
	for i := range stories {
		if i == o.cpuFrom && i > 0 {
			if err := startProfile(); err != nil {
				return err
			}
		}
		if o.cpuFor > 0 && i == o.cpuFrom+o.cpuFor {
			pprof.StopCPUProfile()
		}
		s := gen.next()
		var region *trace.Region
		if fr != nil {
			region = trace.StartRegion(context.Background(), "Add")
		}
		t0 := time.Now()
		res, err := d.Add(s)
		el := time.Since(t0)
		if fr != nil {
			region.End()
			if el > worst {
				worst = el
				if err := writeTrace(fr, o.stallTrace); err != nil {
					return err
				}
				fmt.Fprintf(stderr, "scale: Add of story %d took %v: trace written to %s\n", i+1, el, o.stallTrace)
			}
		}
		hist.record(el)
		intervalAdd += el
		slow.add(i, el)
		if err != nil {
			rejected[errorKind(err)]++
			if len(rejected) == 1 && rejected[errorKind(err)] == 1 {
				fmt.Fprintf(stderr, "scale: first rejected story: %v\n", err)
			}
		} else if int(res.Kind) < len(kinds) {
			kinds[res.Kind]++
		}
		intervalStories++
		if (i+1)%o.every == 0 || i+1 == stories {
			el := time.Since(intervalStart)
			loop += el
			used1, gc1 := cpuTimes()
			usedAll, gcAll = usedAll+used1-used0, gcAll+gc1-gc0
			r := read(d, i+1, float64(intervalStories)/el.Seconds())
			r.addRate = float64(intervalStories) / intervalAdd.Seconds()
			if used1 > used0 {
				r.gcShare = (gc1 - gc0) / (used1 - used0)
			}
			readings = append(readings, r)
			fmt.Fprintf(w, "%10d %11.0f %9.0f %14.1f %9.1f %9.1f %9d %9d %10.1f\n", r.stories, r.rate, r.addRate, mb(r.heapInuse),
				mb(r.sys), mb(r.rss), r.held, r.clusters, 100*r.gcShare)
			intervalStart = time.Now()
			intervalStories, intervalAdd = 0, 0
			used0, gc0 = cpuTimes()
		}
	}
	pprof.StopCPUProfile()
	if o.memProfile != "" {
		if err := writeHeapProfile(o.memProfile); err != nil {
			return err
		}
	}

	fmt.Fprintln(w, flatness(readings, fullAt, o.flatTol))
	fmt.Fprintf(w, "total: %d stories in %v: %.0f stories/s (Add alone: %.0f stories/s; the rest is generating the stream)\n",
		stories, loop.Round(time.Millisecond), float64(stories)/loop.Seconds(), float64(hist.n)/hist.sum.Seconds())
	if usedAll > 0 {
		fmt.Fprintf(w, "garbage collection: %.1f%% of the CPU time used in the stream (runtime/metrics estimates; forced collections of the readings excluded)\n", 100*gcAll/usedAll)
	} else {
		fmt.Fprintln(w, "garbage collection: unknown share of the CPU time (no collection ended during the stream)")
	}
	fmt.Fprintf(w, "Add latency: p50 %v, p90 %v, p99 %v, p99.9 %v, max %v (upper bounds of 1/8-octave buckets, %d Adds)\n",
		hist.quantile(0.5), hist.quantile(0.9), hist.quantile(0.99), hist.quantile(0.999), hist.max, hist.n)
	fmt.Fprintf(w, "slowest Adds: %s\n", slow)
	fmt.Fprintf(w, "verdicts: %s\n", verdicts(kinds, rejected, stories))

	last := readings[len(readings)-1]
	if last.held > 0 {
		fmt.Fprintf(w, "bytes per story held: %.0f (heap in use above the reading before the stream, %.1f MB, / %d stories held)\n",
			float64(int64(last.heapInuse)-int64(base.heapInuse))/float64(last.held),
			mb(last.heapInuse-min(last.heapInuse, base.heapInuse)), last.held)
		if stories < o.n {
			fmt.Fprintf(w, "LSH index alone: not measured (the run stopped after story %d of %d)\n", stories, o.n)
			return nil
		}
		perStory, n, err := lshBytes(bases, o, span, cfg, d.LSHParams())
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "LSH index alone: %.0f bytes per story (lsh.Index[uint64] of the %d stories in the last window, %v, "+
			"signatures not counted)\n", perStory, n, d.LSHParams())
	}
	return nil
}

// writeHeapProfile writes a profile of the live heap to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("scale: %w", err)
	}
	gc()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("scale: %w", err)
	}
	return f.Close()
}

// warm analyses every source story once, so that the term cache the
// detector's analyzer shares is as full before the stream as the source
// makes it, and the reading before the stream includes it.
func warm(bases []baseStory, language string) error {
	an, err := shingle.NewAnalyzer(shingle.Config{Language: language})
	if err != nil {
		return err
	}
	var toks []shingle.Token
	for _, b := range bases {
		for _, s := range b.sentences {
			toks = an.Tokens(toks[:0], s)
		}
		toks = an.Tokens(toks[:0], b.title)
	}
	return nil
}

// errorKind names the sentinel error err wraps.
func errorKind(err error) string {
	for _, e := range []error{dedup.ErrEmptyText, dedup.ErrTooLarge, dedup.ErrBadTime, dedup.ErrDuplicateID,
		dedup.ErrEmptyID, dedup.ErrBadID, dedup.ErrUnknownLanguage} {
		if errors.Is(err, e) {
			return strings.TrimPrefix(e.Error(), "dedup: ")
		}
	}
	return "other"
}

// verdicts formats the verdict counts and the rejected stories.
func verdicts(kinds [3]int, rejected map[string]int, n int) string {
	var parts []string
	for k, c := range kinds {
		parts = append(parts, fmt.Sprintf("%s %d (%.1f%%)", dedup.Kind(k), c, 100*float64(c)/float64(n)))
	}
	total := 0
	var why []string
	for k, c := range rejected {
		total += c
		why = append(why, fmt.Sprintf("%s %d", k, c))
	}
	slices.Sort(why)
	s := strings.Join(parts, ", ") + fmt.Sprintf(", rejected %d", total)
	if total > 0 {
		s += " (" + strings.Join(why, ", ") + ")"
	}
	return s
}

// flatness says whether memory stopped growing once the window was full:
// it compares the heap in use of the first and the last readings taken at or
// after story 2·fullAt (once the first full window has also left).
func flatness(rs []reading, fullAt int, tol float64) string {
	var after []reading
	for _, r := range rs {
		if r.stories >= 2*fullAt {
			after = append(after, r)
		}
	}
	if len(after) < 2 {
		return fmt.Sprintf("memory flat: unknown (fewer than 2 readings after story %d, twice the stories a window holds)", 2*fullAt)
	}
	first, last := after[0], after[len(after)-1]
	lo, hi := first.heapInuse, first.heapInuse
	for _, r := range after {
		lo, hi = min(lo, r.heapInuse), max(hi, r.heapInuse)
	}
	growth := float64(int64(last.heapInuse)-int64(first.heapInuse)) / float64(first.heapInuse)
	verdict := "yes"
	if growth > tol {
		verdict = "NO"
	}
	return fmt.Sprintf("memory flat: %s (heap in use %.1f MB at story %d, %.1f MB at story %d: %+.1f%%, tolerance %.0f%%; "+
		"range %.1f to %.1f MB over the %d readings from story %d; rss %.1f MB to %.1f MB)",
		verdict, mb(first.heapInuse), first.stories, mb(last.heapInuse), last.stories, growth*100, tol*100,
		mb(lo), mb(hi), len(after), first.stories, mb(first.rss), mb(last.rss))
}

// lshBytes measures the memory an LSH index with the detector's banding
// takes for the stories held at the end of the stream: it generates the
// stream again (it is seeded), keeps the stories of the last window, signs
// them as the detector does (stop words removed, word shingles, the
// detector's K and seed; boilerplate is not removed) and reports the growth
// of the live heap while inserting them, per story.
func lshBytes(bases []baseStory, o options, span time.Duration, cfg dedup.Config, p lsh.Params) (float64, int, error) {
	an, err := shingle.NewAnalyzer(shingle.Config{Language: cfg.Language})
	if err != nil {
		return 0, 0, err
	}
	h, err := minhash.New(minhash.Config{K: cfg.NumHashes, Seed: cfg.Seed})
	if err != nil {
		return 0, 0, err
	}
	gen := newGenerator(bases, o.seed, o.n, streamStart, span, o.variants)
	var held []dedup.Story
	head := 0 // held[head:] are the stories in the window
	for range o.n {
		s := gen.next()
		held = append(held, s)
		if o.window > 0 {
			for held[head].Time.Before(s.Time.Add(-o.window)) {
				head++
			}
			if head > len(held)/2 {
				held = append(held[:0], held[head:]...)
				head = 0
			}
		}
	}
	held = held[head:]
	sigs := make([]minhash.Signature, len(held))
	var toks []shingle.Token
	var set []uint64
	for i, s := range held {
		toks = shingle.RemoveStop(an.Tokens(toks[:0], s.Text))
		set = shingle.WordShingles(set[:0], toks, cfg.ShingleSize)
		slices.Sort(set)
		set = slices.Compact(set)
		sigs[i] = h.Sign(minhash.Signature{}, set)
	}
	held = nil
	var before, after runtime.MemStats
	gc()
	runtime.ReadMemStats(&before)
	ix, err := lsh.NewIndex[uint64](p)
	if err != nil {
		return 0, 0, err
	}
	for i, sig := range sigs {
		if err := ix.Insert(uint64(i), sig); err != nil {
			return 0, 0, err
		}
	}
	gc()
	runtime.ReadMemStats(&after)
	// The signatures were there before and must not be freed in between.
	runtime.KeepAlive(ix)
	runtime.KeepAlive(sigs)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(len(sigs)), len(sigs), nil
}

// writeTrace writes the flight recorder's window to file, replacing it.
func writeTrace(fr *trace.FlightRecorder, file string) error {
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("scale: %w", err)
	}
	if _, err := fr.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("scale: writing the trace: %w", err)
	}
	return f.Close()
}
