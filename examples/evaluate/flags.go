package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/examples/internal/cli"
)

// Names of the data sets, as -only takes them.
const (
	setECB     = "ecb"
	setSeeds   = "seeds"
	setPerturb = "perturb"
	setGVC     = "gvc"
	setFiles   = "files"
)

var allSets = []string{setECB, setSeeds, setPerturb, setGVC, setFiles}

// options are the command's settings, from its flags.
type options struct {
	cfg dedup.Config

	ecbPath, reutersPath, gvcPath, seedsDir string
	files                                   listValue
	only                                    listValue

	seed                              uint64
	orders                            int
	originals, distractors, maxCopies int
	genPath                           string

	verbose     bool
	verboseMax  int
	minECBF1    float64
	minGVCF1    float64
	minPertF1   float64
	minBatchF1  float64 // floor of the batch copy-link pairwise F1 of the shuffled perturbation set
	checkSeeds  bool
	commandLine string // the arguments, quoted for a shell
}

// want reports whether the data set named set is to be evaluated.
func (o *options) want(set string) bool {
	return len(o.only) == 0 || slices.Contains(o.only, set)
}

// listValue is a flag that collects values: repeated, or comma-separated.
type listValue []string

func (l *listValue) String() string { return strings.Join(*l, ",") }

func (l *listValue) Set(s string) error {
	for v := range strings.SplitSeq(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

// fileList is the -file flag: paths kept whole, commas included.
type fileList struct{ l *listValue }

func (f fileList) String() string {
	if f.l == nil {
		return ""
	}
	return f.l.String()
}

func (f fileList) Set(s string) error {
	*f.l = append(*f.l, s)
	return nil
}

const usageHead = `Usage: evaluate [flags]

Runs the newsdup detector over labelled data sets and prints one markdown
table: a row per data set with the gold and predicted cluster counts,
B-cubed and pairwise precision, recall and F1, the adjusted Rand index and
the throughput, then the command that produced it.

Data sets (a missing file skips its row, unless a floor needs it):
  ECB+          982 labelled articles, in file order and in -orders shuffled
                orders (-ecb, or NEWSDUP_ECBPLUS)
  seeds         ECB+ with the two seed stories of testdata inserted at random
                positions, as one more gold cluster (-seeds)
  perturbation  Reuters stories and copies made from them the way outlets
                republish wire stories, with unrelated Reuters stories as
                distractors (-reuters, or NEWSDUP_REUTERS): in date order,
                and shuffled, streamed and in batch mode
  GVC           510 dated local reports of 241 shootings, in date order,
                streamed and in batch mode (-gvc, or NEWSDUP_GVC)
  files         any labelled JSON Lines file given with -file

With -gen FILE, it only writes the perturbation set to FILE ("-" for
standard output), one JSON line per story, and exits.

Every data set is also judged in batch mode (dedup.Batch): the answers of
the whole collection, the same whatever its order.

Exit status: 0 on success, 1 when a floor (-min-ecb-f1, -min-gvc-f1,
-min-perturb-f1, -min-batch-copy-f1, -check-seeds) is not met, a data set a
floor needs is missing, or data cannot be read; 2 for bad flags.

Flags:
`

// parseFlags reads the command line. It returns flag.ErrHelp for -h.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	c := &o.cfg
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageHead)
		fs.PrintDefaults()
	}

	fs.StringVar(&o.ecbPath, "ecb", "", "`path` of the ECB+ articles (JSON Lines with id, title, text, cluster); default $NEWSDUP_ECBPLUS, else ../shared/datasets/ecbplus/articles.jsonl beside the repository")
	fs.StringVar(&o.reutersPath, "reuters", "", "`path` of the Reuters-21578 articles the perturbation set is drawn from; default $NEWSDUP_REUTERS, else ../shared/datasets/reuters21578/articles.jsonl beside the repository")
	fs.StringVar(&o.gvcPath, "gvc", "", "`path` of the GVC articles (JSON Lines with id, title, text, date, cluster); default $NEWSDUP_GVC, else ../shared/datasets/gvc/articles.jsonl beside the repository")
	fs.StringVar(&o.seedsDir, "seeds", "", "`directory` holding the seed stories 000_4bb1d15e2e08605f.txt and 001_f74bd945f370ec2b.txt; default testdata in the repository")
	fs.Var(fileList{&o.files}, "file", "a labelled JSON Lines `file` (id, text, cluster; title, date, source optional) to evaluate as one more row, streamed in file order; repeat for more")
	fs.Var(&o.only, "only", "evaluate only these data sets, a comma-separated `list` of ecb, seeds, perturb, gvc and files; default all")

	fs.Uint64Var(&o.seed, "seed", 1, "seed of every random choice: the shuffled ECB+ orders, where the seed stories go, and the perturbation set; the same seed gives the same results")
	fs.IntVar(&o.orders, "orders", 5, "number of shuffled orders ECB+ is streamed in, besides file order")
	fs.IntVar(&o.originals, "originals", defaultOriginals, "stories of the perturbation set that get copies")
	fs.IntVar(&o.distractors, "distractors", defaultDistractors, "stories of the perturbation set with no copy (singletons in the gold clustering)")
	fs.IntVar(&o.maxCopies, "max-copies", defaultMaxCopies, "most copies of one original; each gets 1 to this many")
	fs.StringVar(&o.genPath, "gen", "", "write the perturbation set to `file` as JSON Lines (id, title, text, date, source, cluster, role, original, perturbations) and exit; - writes to standard output")

	fs.BoolVar(&o.verbose, "v", false, "after the table, print diagnostics: the copies missed by perturbation, the false merges of the perturbation set, and for every pass the predicted clusters that mix gold clusters and the gold clusters split over several predicted ones")
	fs.IntVar(&o.verboseMax, "v-max", 15, "most examples listed per diagnostic with -v")
	fs.Float64Var(&o.minECBF1, "min-ecb-f1", 0, "floor for CI: fail (exit 1) when the B-cubed F1 of ECB+, the mean over the shuffled orders, is below this; 0 means no floor")
	fs.Float64Var(&o.minGVCF1, "min-gvc-f1", 0, "floor for CI: fail (exit 1) when the B-cubed F1 of GVC, streamed in date order, is below this; 0 means no floor")
	fs.Float64Var(&o.minPertF1, "min-perturb-f1", 0, "floor for CI: fail (exit 1) when the pairwise F1 of the perturbation set is below this; 0 means no floor")
	fs.Float64Var(&o.minBatchF1, "min-batch-copy-f1", 0, "floor for CI: fail (exit 1) when the pairwise F1 of the copy links that batch mode finds in the shuffled perturbation set is below this; 0 means no floor")
	fs.BoolVar(&o.checkSeeds, "check-seeds", false, "fail (exit 1) unless the two seed stories end in one cluster that no ECB+ article joined")

	// The detector's flags, as in cluster, but for -seed (the name is
	// taken above by the random choices), -max-passages (no passages are
	// found here) and -same-story, named -same-story-threshold here.
	detector := cli.DetectorFlags(fs, c, map[string]string{"seed": "", "same-story": "same-story-threshold", "max-passages": ""})
	for _, name := range detector.Names() {
		f := fs.Lookup(name)
		f.Usage = "detector: " + f.Usage
		if name == "window" {
			f.Usage += "; ECB+ is undated, so this matters for the perturbation set only"
		}
	}

	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, flagError{fmt.Errorf("unexpected argument %q (data sets are named with flags)", fs.Arg(0))}
	}
	o.commandLine = shellQuote(args)

	errs := []error{detector.Check()}
	positive := func(name string, v float64) {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("-%s must be above 0, got %v", name, v))
		}
	}
	unit := func(name string, v float64) {
		if v < 0 || v > 1 {
			errs = append(errs, fmt.Errorf("-%s must be between 0 and 1, got %v", name, v))
		}
	}
	positive("max-copies", float64(o.maxCopies))
	positive("v-max", float64(o.verboseMax))
	unit("min-ecb-f1", o.minECBF1)
	unit("min-gvc-f1", o.minGVCF1)
	unit("min-perturb-f1", o.minPertF1)
	unit("min-batch-copy-f1", o.minBatchF1)
	if o.orders < 0 {
		errs = append(errs, fmt.Errorf("-orders must not be negative, got %d", o.orders))
	}
	if o.originals < 0 || o.distractors < 0 || o.originals+o.distractors == 0 {
		errs = append(errs, fmt.Errorf("-originals and -distractors must not be negative nor both 0, got %d and %d", o.originals, o.distractors))
	}
	for _, s := range o.only {
		if !slices.Contains(allSets, s) {
			errs = append(errs, fmt.Errorf("-only: unknown data set %q (want %s)", s, strings.Join(allSets, ", ")))
		}
	}
	if o.minECBF1 > 0 && !o.want(setECB) {
		errs = append(errs, errors.New("-min-ecb-f1 needs the ecb data set, which -only leaves out"))
	}
	if o.minGVCF1 > 0 && !o.want(setGVC) {
		errs = append(errs, errors.New("-min-gvc-f1 needs the gvc data set, which -only leaves out"))
	}
	if o.minPertF1 > 0 && !o.want(setPerturb) {
		errs = append(errs, errors.New("-min-perturb-f1 needs the perturb data set, which -only leaves out"))
	}
	if o.minBatchF1 > 0 && !o.want(setPerturb) {
		errs = append(errs, errors.New("-min-batch-copy-f1 needs the perturb data set, which -only leaves out"))
	}
	if o.checkSeeds && !o.want(setSeeds) {
		errs = append(errs, errors.New("-check-seeds needs the seeds data set, which -only leaves out"))
	}
	if o.minECBF1 > 0 && o.orders == 0 {
		errs = append(errs, errors.New("-min-ecb-f1 applies to the mean over shuffled orders: -orders must be above 0"))
	}
	c.NoPassages = true
	if err := errors.Join(errs...); err != nil {
		return o, flagError{err}
	}
	return o, nil
}

// flagError is a flag value that parses but cannot be used.
type flagError struct{ error }

// shellQuote joins arguments into a command line a POSIX shell reads back
// as the same arguments.
func shellQuote(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=./,:+") == "" {
			out[i] = a
			continue
		}
		out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(out, " ")
}
