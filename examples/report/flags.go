package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/examples/internal/cli"
)

// options are the command's settings, from its flags.
type options struct {
	cfg         dedup.Config
	out         string // -o: the page's file, "-" for standard output
	title       string
	order       string // "size" or "recent"
	maxClusters int
	maxLine     int
	skipBad     bool
	files       []string
}

// Orders of the clusters on the page.
const (
	orderSize   = "size"
	orderRecent = "recent"
)

const usageHead = `Usage: report -o FILE [flags] [file.jsonl ...]

Reads news stories as JSON Lines (from the files, in order, or from standard
input), groups them with the newsdup detector, and writes one self-contained
HTML page to FILE ("-" for standard output): a summary, a timeline of the
clusters, and every cluster with its stories in time order; each copy or
same-story version is shown beside the story it matched, with the passages
they share highlighted.

Input line:  {"id": "...", "text": "...", "title": "...", "source": "...",
              "date": "2021-12-25T14:00:00Z", "lang": "en"}
             (id and text required; date may also be 2021-12-25)

Bad lines stop the run with exit status 1, and no page is written, unless
-skip-bad is given.

See the package documentation (go doc ./examples/report) for details.

Flags:
`

// parseFlags reads the command line. It returns flag.ErrHelp for -h, and a
// flagError for values that parse but cannot be used.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageHead)
		fs.PrintDefaults()
	}
	detectorFlags(fs, &o.cfg)
	fs.StringVar(&o.out, "o", "", "write the page to this `file` (\"-\" for standard output); required")
	fs.StringVar(&o.title, "title", "Story versions", "the page's `title`")
	fs.StringVar(&o.order, "order", orderSize, "order of the clusters: size (largest first) or recent (latest story first)")
	fs.IntVar(&o.maxClusters, "max-clusters", defaultMaxClusters, "most clusters of two or more stories shown in full, and most single stories listed")
	fs.IntVar(&o.maxLine, "max-line", 0, "longest input line read, in `bytes`; longer lines are bad input and are not held in memory (0 means 8 × max-text + 1 MiB)")
	fs.BoolVar(&o.skipBad, "skip-bad", false, "report bad input lines on standard error and go on, instead of stopping")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.files = fs.Args()

	errs := detectorFlagErrors(o.cfg)
	if o.out == "" {
		errs = append(errs, errors.New("-o is required: the file to write the page to (- for standard output)"))
	}
	if o.order != orderSize && o.order != orderRecent {
		errs = append(errs, fmt.Errorf("-order must be size or recent, got %q", o.order))
	}
	if o.maxClusters < 1 {
		errs = append(errs, fmt.Errorf("-max-clusters must be at least 1, got %d", o.maxClusters))
	}
	if o.maxLine < 0 {
		errs = append(errs, fmt.Errorf("-max-line must not be negative, got %d", o.maxLine))
	}
	if o.maxLine == 0 {
		o.maxLine = 8*o.cfg.MaxTextBytes + 1<<20
	}
	// The page shows the passages stories share.
	o.cfg.NoPassages = false
	if err := errors.Join(errs...); err != nil {
		return o, flagError{err}
	}
	return o, nil
}

// detectorFlags declares the flags that configure the detector, with the
// names, defaults and meanings of examples/cluster's, and sets c to their
// defaults.
func detectorFlags(fs *flag.FlagSet, c *dedup.Config) {
	c.Window = dedup.DefaultWindow
	c.HTML = dedup.HTMLAuto
	fs.StringVar(&c.Language, "lang", dedup.DefaultLanguage, "`language` of stories without a \"lang\" field: a Snowball name or ISO 639-1 code (en, fr, de, ...)")
	fs.Var(htmlValue{&c.HTML}, "html", "whether texts are HTML (`mode`): auto (when a text holds tags or entities), never or always")
	fs.Var(cli.Window{D: &c.Window}, "window", "how long a dated story stays comparable: stories older than the newest date seen minus this `duration` are forgotten; off keeps them until -max-stories")
	fs.IntVar(&c.MaxStories, "max-stories", dedup.DefaultMaxStories, "most stories remembered at once; the oldest is forgotten beyond it")
	fs.IntVar(&c.MaxTextBytes, "max-text", dedup.DefaultMaxTextBytes, "longest story text (and title) accepted, in `bytes`; longer ones are bad input")
	fs.DurationVar(&c.MaxFuture, "max-future", dedup.DefaultMaxFuture, "how far past the current time a story's date may lie before it counts as a bad date")
	fs.Float64Var(&c.CopyContainment, "copy-containment", dedup.DefaultCopyContainment, "a story is a copy when at least this share of the shorter text's word sequences is found in the other (catches trimmed copies)")
	fs.Float64Var(&c.CopyJaccard, "copy-jaccard", dedup.DefaultCopyJaccard, "... or when the two texts share at least this share of all their word sequences (Jaccard similarity)")
	fs.IntVar(&c.MinSharedShingles, "min-shared", dedup.DefaultMinSharedShingles, "least number of word sequences, outside site boilerplate, two copies must share")
	fs.Float64Var(&c.SameStoryThreshold, "same-story", dedup.DefaultSameStoryThreshold, "similarity to a cluster as a whole (0 to 1) at which a story that is not a copy joins it as the same story; higher keeps more stories apart")
	fs.IntVar(&c.BoilerplateStories, "boilerplate", dedup.DefaultBoilerplateStories, "a line of text seen in this many different clusters counts as site boilerplate (sign-up boxes, footers) and is ignored")
	fs.IntVar(&c.ShingleSize, "shingle", dedup.DefaultShingleSize, "words in the word sequences (shingles) compared for copies")
	fs.IntVar(&c.NumHashes, "hashes", dedup.DefaultNumHashes, "length of the MinHash signature used to find candidate copies: more is more precise and slower")
	fs.Float64Var(&c.LSHThreshold, "lsh-threshold", dedup.DefaultLSHThreshold, "Jaccard similarity around which the MinHash index finds candidate copies")
	fs.Uint64Var(&c.Seed, "seed", 0, "seed of the MinHash functions")
	fs.IntVar(&c.MaxMatches, "max-matches", dedup.DefaultMaxMatches, "most matches listed per story")
	fs.IntVar(&c.MaxPassages, "max-passages", dedup.DefaultMaxPassages, "most shared passages listed per match")
}

// detectorFlagErrors checks the values of the detector flags: a zero would
// silently mean the detector's default, so it is refused.
func detectorFlagErrors(c dedup.Config) []error {
	var errs []error
	positive := func(name string, v float64) {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("-%s must be above 0, got %v", name, v))
		}
	}
	positive("max-stories", float64(c.MaxStories))
	positive("max-text", float64(c.MaxTextBytes))
	positive("max-future", float64(c.MaxFuture))
	positive("copy-containment", c.CopyContainment)
	positive("copy-jaccard", c.CopyJaccard)
	positive("min-shared", float64(c.MinSharedShingles))
	positive("same-story", c.SameStoryThreshold)
	positive("boilerplate", float64(c.BoilerplateStories))
	positive("shingle", float64(c.ShingleSize))
	positive("hashes", float64(c.NumHashes))
	positive("lsh-threshold", c.LSHThreshold)
	positive("max-matches", float64(c.MaxMatches))
	positive("max-passages", float64(c.MaxPassages))
	return errs
}

// htmlValue is the -html flag.
type htmlValue struct{ m *dedup.HTMLMode }

var htmlModes = []string{dedup.HTMLAuto: "auto", dedup.HTMLNever: "never", dedup.HTMLAlways: "always"}

func (h htmlValue) String() string {
	if h.m == nil || int(*h.m) >= len(htmlModes) {
		return ""
	}
	return htmlModes[*h.m]
}

func (h htmlValue) Set(s string) error {
	for i, name := range htmlModes {
		if s == name {
			*h.m = dedup.HTMLMode(i)
			return nil
		}
	}
	return errors.New("want auto, never or always")
}

// flagError is a flag value that parses but cannot be used.
type flagError struct{ error }
