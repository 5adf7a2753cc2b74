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
	batch       bool // -batch: judge the input as one collection, whatever its order
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

Stories are judged in input order, each against the stories before it, so
feed them in the order they were published: a story that comes after stories
of its window were let go (more than -window plus -lateness behind the
stream) is compared with those still held and marked late on the page. With
-batch the input is judged as one collection (an archive, a backfill, merged
feeds): the same page whatever the order of its lines, each story compared
with every story of its window. -batch holds the whole input in memory.

Bad lines (and stories the detector rejects) stop the run with exit status 1,
and no page is written, unless -skip-bad is given.

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
	det := cli.DetectorFlags(fs, &o.cfg, nil)
	fs.StringVar(&o.out, "o", "", "write the page to this `file` (\"-\" for standard output); required")
	fs.StringVar(&o.title, "title", "Story versions", "the page's `title`")
	fs.StringVar(&o.order, "order", orderSize, "order of the clusters: size (largest first) or recent (latest story first)")
	fs.IntVar(&o.maxClusters, "max-clusters", defaultMaxClusters, "most clusters of two or more stories shown in full, and most single stories listed")
	fs.IntVar(&o.maxLine, "max-line", 0, "longest input line read, in `bytes`; longer lines are bad input and are not held in memory (0 means 8 × max-text + 1 MiB)")
	fs.BoolVar(&o.batch, "batch", false, "judge the input as one collection (an archive, a backfill): the same page whatever the order of its lines, each story compared with every story of its window; holds the whole input in memory")
	fs.BoolVar(&o.skipBad, "skip-bad", false, "report bad input lines on standard error and go on, instead of stopping")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.files = fs.Args()

	var errs []error
	if err := det.Check(); err != nil {
		errs = append(errs, err)
	}
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

// flagError is a flag value that parses but cannot be used.
type flagError struct{ error }
