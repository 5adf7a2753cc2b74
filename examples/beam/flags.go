package main

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/examples/internal/cli"
)

// Settings are what the pipeline's functions need of the command line. They
// travel with the functions to the runner's workers, so they hold plain
// values only (no dedup.Config: its Clock cannot be sent).
type Settings struct {
	// The detector's settings, as in dedup.Config.
	Language           string
	HTML               dedup.HTMLMode
	Window             time.Duration // negative: off, every story in one shard
	Lateness           time.Duration // negative: none beyond what the stream shows
	StoryHorizon       time.Duration // negative: off, clusters joinable within Window
	EventHorizon       time.Duration // negative: off
	MaxStories         int
	MaxTextBytes       int
	MaxFuture          time.Duration
	ShingleSize        int
	NumHashes          int
	LSHThreshold       float64
	Seed               uint64
	CopyJaccard        float64
	CopyContainment    float64
	MinSharedShingles  int
	SameStoryThreshold float64
	BoilerplateStories int
	MaxMatches         int

	// ShardSpan is the length of a time shard.
	ShardSpan time.Duration
	// ShardContext is the span before a shard whose stories the tiers
	// read with its own (at least Window; 0 before check: the default,
	// Window + Lateness + StoryHorizon).
	ShardContext time.Duration
	// CCRounds bounds the rounds of the connected-components stages.
	CCRounds int
	// SkipBad skips bad input lines and repeated ids instead of failing.
	SkipBad bool
	// MaxLine is the longest input line read, in bytes.
	MaxLine int

	// Output is the output file, or with OutputShards > 1 the prefix of the
	// output files.
	Output       string
	OutputShards int
}

// config returns the detector configuration of s.
func (s Settings) config() dedup.Config {
	return dedup.Config{
		Language:           s.Language,
		HTML:               s.HTML,
		Window:             s.Window,
		Lateness:           s.Lateness,
		StoryHorizon:       s.StoryHorizon,
		EventHorizon:       s.EventHorizon,
		MaxStories:         s.MaxStories,
		MaxTextBytes:       s.MaxTextBytes,
		MaxFuture:          s.MaxFuture,
		ShingleSize:        s.ShingleSize,
		NumHashes:          s.NumHashes,
		LSHThreshold:       s.LSHThreshold,
		Seed:               s.Seed,
		CopyJaccard:        s.CopyJaccard,
		CopyContainment:    s.CopyContainment,
		MinSharedShingles:  s.MinSharedShingles,
		SameStoryThreshold: s.SameStoryThreshold,
		BoilerplateStories: s.BoilerplateStories,
		MaxMatches:         s.MaxMatches,
		NoPassages:         true,
	}
}

// options are the command's flags.
type options struct {
	Settings
	input      string
	verbose    bool
	cpuProfile string
}

// Defaults of the pipeline's own flags.
const (
	defaultShardSpan = 7 * 24 * time.Hour
	defaultCCRounds  = 16
)

// htmlValue is the --html flag.
type htmlValue struct{ m *dedup.HTMLMode }

var htmlModes = []string{dedup.HTMLAuto: "auto", dedup.HTMLNever: "never", dedup.HTMLAlways: "always"}

// String returns the mode's name.
func (h htmlValue) String() string {
	if h.m == nil || int(*h.m) >= len(htmlModes) {
		return ""
	}
	return htmlModes[*h.m]
}

// Set parses a mode's name.
func (h htmlValue) Set(s string) error {
	for i, name := range htmlModes {
		if s == name {
			*h.m = dedup.HTMLMode(i)
			return nil
		}
	}
	return errors.New("want auto, never or always")
}

// defineFlags defines the command's flags on fs, which the runner's own
// flags (--runner and those of each runner) share in main, and returns the
// options they fill in.
func defineFlags(fs *flag.FlagSet) *options {
	o := &options{}
	s := &o.Settings
	s.Window = dedup.DefaultWindow
	s.Lateness = dedup.DefaultLateness
	s.StoryHorizon = dedup.DefaultStoryHorizon
	s.EventHorizon = dedup.DefaultEventHorizon
	fs.StringVar(&o.input, "input", "", "input `file` or glob of JSON Lines stories (local, or any file system the runner has, such as gs://)")
	fs.StringVar(&s.Output, "output", "", "output `file` of JSON Lines verdicts, or with --output-shards above 1 the prefix of the output files")
	fs.IntVar(&s.OutputShards, "output-shards", 1, "number of output files; above 1, --output is a prefix and files are named PREFIX-00000-of-0000N.jsonl")
	fs.BoolVar(&s.SkipBad, "skip-bad", false, "report bad input lines and repeated ids on standard error (or the workers' logs) and go on, instead of failing")
	fs.IntVar(&s.MaxLine, "max-line", 0, "longest input line read, in `bytes` (0 means 8 × max-text + 1 MiB)")
	fs.DurationVar(&s.ShardSpan, "shard-span", defaultShardSpan, "length of a time shard: each shard's stories are decided together, with the stories of the --shard-context before it")
	fs.DurationVar(&s.ShardContext, "shard-context", 0, "span before a shard whose stories its detectors read first, at least the --window (0 means --window + --lateness + --story-horizon, the span whose clusters a detector fed the stories in time order holds)")
	fs.IntVar(&s.CCRounds, "cc-rounds", defaultCCRounds, "rounds of the connected-components stages; the run fails if they have not converged")
	fs.BoolVar(&o.verbose, "verbose", false, "show the runner's log")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to `file` (with a runner in this process, such as prism)")

	fs.StringVar(&s.Language, "lang", dedup.DefaultLanguage, "`language` of stories without a \"lang\" field: a Snowball name or ISO 639-1 code")
	fs.Var(htmlValue{&s.HTML}, "html", "whether texts are HTML (`mode`): auto, never or always")
	fs.Var(cli.Window{D: &s.Window}, "window", "how far apart in time two stories may be compared (`duration`), or off")
	fs.Var(cli.Lateness{D: &s.Lateness}, "lateness", "how long past the --window the shard detectors hold a story, as the cluster command's -lateness (a `duration`, or 0); they are given the stories in time order, so none is late. Part of the default --shard-context")
	fs.Var(cli.Window{D: &s.StoryHorizon}, "story-horizon", "how long after its latest story a cluster stays joinable as the same story (a `duration`; the similarity needed grows beyond --window); off keeps a cluster joinable only within --window of its stories")
	fs.Var(cli.Window{D: &s.EventHorizon}, "event-horizon", "how long after its latest story a cluster stays joinable by a story that names a day of its event (a `duration`, or off); a shard's detectors know the clusters of its --shard-context only, so give --shard-context --window + --lateness + --event-horizon to reach as far as the cluster command")
	fs.IntVar(&s.MaxStories, "max-stories", dedup.DefaultMaxStories, "most stories a time shard's detector holds at once")
	fs.IntVar(&s.MaxTextBytes, "max-text", dedup.DefaultMaxTextBytes, "longest story text (and title) accepted, in `bytes`")
	fs.DurationVar(&s.MaxFuture, "max-future", dedup.DefaultMaxFuture, "how far past the current time a story's date may lie")
	fs.Float64Var(&s.CopyContainment, "copy-containment", dedup.DefaultCopyContainment, "a story is a copy when at least this share of the shorter text's shingles is in the other")
	fs.Float64Var(&s.CopyJaccard, "copy-jaccard", dedup.DefaultCopyJaccard, "... or when the two texts share at least this Jaccard similarity of shingles")
	fs.IntVar(&s.MinSharedShingles, "min-shared", dedup.DefaultMinSharedShingles, "least number of shingles two copies must share")
	fs.Float64Var(&s.SameStoryThreshold, "same-story", dedup.DefaultSameStoryThreshold, "similarity to a cluster at which a story that is not a copy joins it")
	fs.IntVar(&s.BoilerplateStories, "boilerplate", dedup.DefaultBoilerplateStories, "a line seen in this many clusters counts as site boilerplate")
	fs.IntVar(&s.ShingleSize, "shingle", dedup.DefaultShingleSize, "words in a shingle")
	fs.IntVar(&s.NumHashes, "hashes", dedup.DefaultNumHashes, "length of the MinHash signature")
	fs.Float64Var(&s.LSHThreshold, "lsh-threshold", dedup.DefaultLSHThreshold, "Jaccard similarity around which LSH bands find candidate copies")
	fs.Uint64Var(&s.Seed, "seed", 0, "seed of the MinHash functions")
	fs.IntVar(&s.MaxMatches, "max-matches", dedup.DefaultMaxMatches, "most matches listed per story")
	return o
}

// check reports the flag values that cannot be used, all at once.
func (o *options) check() error {
	s := &o.Settings
	var errs []error
	if o.input == "" {
		errs = append(errs, errors.New("--input is required"))
	}
	if s.Output == "" {
		errs = append(errs, errors.New("--output is required"))
	}
	if s.OutputShards < 1 {
		errs = append(errs, fmt.Errorf("--output-shards must be at least 1, got %d", s.OutputShards))
	}
	if s.ShardSpan <= 0 {
		errs = append(errs, fmt.Errorf("--shard-span must be above 0, got %v", s.ShardSpan))
	}
	switch {
	case s.ShardContext < 0:
		errs = append(errs, fmt.Errorf("--shard-context must not be negative, got %v", s.ShardContext))
	case s.ShardContext == 0:
		s.ShardContext = s.defaultContext()
	case s.Window >= 0 && s.ShardContext < s.Window:
		errs = append(errs, fmt.Errorf("--shard-context must be at least the --window (%v), got %v", s.Window, s.ShardContext))
	}
	if s.CCRounds < 1 {
		errs = append(errs, fmt.Errorf("--cc-rounds must be at least 1, got %d", s.CCRounds))
	}
	if s.MaxLine < 0 {
		errs = append(errs, fmt.Errorf("--max-line must not be negative, got %d", s.MaxLine))
	}
	// A zero would silently mean the detector's default: refuse it, as
	// the cluster command does.
	positive := func(name string, v float64) {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("--%s must be above 0, got %v", name, v))
		}
	}
	positive("max-stories", float64(s.MaxStories))
	positive("max-text", float64(s.MaxTextBytes))
	positive("max-future", float64(s.MaxFuture))
	positive("copy-containment", s.CopyContainment)
	positive("copy-jaccard", s.CopyJaccard)
	positive("min-shared", float64(s.MinSharedShingles))
	positive("same-story", s.SameStoryThreshold)
	positive("boilerplate", float64(s.BoilerplateStories))
	positive("shingle", float64(s.ShingleSize))
	positive("hashes", float64(s.NumHashes))
	positive("lsh-threshold", s.LSHThreshold)
	positive("max-matches", float64(s.MaxMatches))
	if len(errs) == 0 {
		if _, err := dedup.NewDetector(s.config()); err != nil {
			errs = append(errs, err)
		}
	}
	if s.MaxLine == 0 {
		s.MaxLine = 8*s.MaxTextBytes + 1<<20
	}
	return errors.Join(errs...)
}
