package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"reflect"
	"runtime/pprof"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
)

func main() {
	o := defineFlags(flag.CommandLine)
	flag.Usage = func() {
		fmt.Fprint(flag.CommandLine.Output(), usageHead)
		flag.PrintDefaults()
	}
	flag.Parse()
	beam.Init() // on a runner's worker, runs the worker and does not return
	if err := o.check(); err != nil {
		fmt.Fprintf(os.Stderr, "beam: %s\nRun beam -h for help.\n", strings.ReplaceAll(err.Error(), "\n", "\n  "))
		os.Exit(2)
	}
	if !o.verbose {
		quiet()
	}
	os.Exit(runMain(o))
}

// runMain runs the pipeline and reports on standard error; it returns the
// exit status.
func runMain(o *options) int {
	if o.cpuProfile != "" {
		stop, err := startCPUProfile(o.cpuProfile)
		if err != nil {
			fmt.Fprintf(os.Stderr, "beam: %v\n", err)
			return 1
		}
		defer stop()
	}
	sum, err := run(context.Background(), o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "beam: %v\n", err)
		return 1
	}
	sum.print(os.Stderr)
	return 0
}

// startCPUProfile writes a CPU profile of the run to path, for a runner
// that works in this process.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

const usageHead = `Usage: beam --input FILE-OR-GLOB --output FILE [flags]

Groups news stories read as JSON Lines (the cluster command's input) with an
Apache Beam pipeline, and writes one JSON line per story: its cluster, and
whether it is new, a copy of an earlier story or the same story as one.
It runs in this process on the prism runner by default (--runner), or on any
runner of the Beam Go SDK. See the README for the stages.

Flags:
`

// quiet keeps the in-process runner's log to warnings, such as the bad
// lines skipped: the error that stops a run is reported once, at the end.
func quiet() {
	slog.SetDefault(slog.New(warningsOnly{slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})}))
}

// warningsOnly passes on the records of level Warn only.
type warningsOnly struct{ slog.Handler }

// Enabled reports whether l is Warn and the handler takes it.
func (h warningsOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l == slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

// summary is what a run counted.
type summary struct {
	counters map[string]int64
}

// names of the counters printed, in order.
var summaryCounters = []string{"stories_read", "bad_lines_skipped", "repeated_ids_skipped", "stories_rejected",
	"stories", "candidate_pairs", "copy_links", "story_links", "lines_written"}

func (s summary) print(w io.Writer) {
	var parts []string
	for _, n := range summaryCounters {
		if v, ok := s.counters[n]; ok {
			parts = append(parts, fmt.Sprintf("%s=%d", n, v))
		}
	}
	fmt.Fprintf(w, "beam: %s\n", strings.Join(parts, " "))
}

// run builds the pipeline for o and runs it on the runner named by the
// --runner flag (prism, in this process, by default).
func run(ctx context.Context, o *options) (summary, error) {
	files, err := matchFiles(ctx, o.input)
	if err != nil {
		return summary{}, err
	}
	p, s := beam.NewPipelineWithRoot()
	buildPipeline(s, o.Settings, files)
	res, err := beamx.RunWithMetrics(ctx, p)
	if err != nil {
		return summary{}, pipelineError(err)
	}
	sum := summary{counters: make(map[string]int64)}
	if res != nil {
		for _, c := range res.Metrics().AllMetrics().Counters() {
			if c.Key.Namespace == "newsdup" {
				sum.counters[c.Key.Name] += c.Result()
			}
		}
	}
	return sum, nil
}

// errPipeline reports a failed run.
var errPipeline = errors.New("the pipeline failed")

// pipelineError returns the error of a failed run: the message of the
// function that failed, without the runner's description of the stage
// around it (shown with --verbose).
func pipelineError(err error) error {
	msg := err.Error()
	const mark = "] failed:\n"
	if i := strings.LastIndex(msg, mark); i >= 0 {
		return fmt.Errorf("%w: %s", errPipeline, strings.TrimSpace(msg[i+len(mark):]))
	}
	return fmt.Errorf("%w: %v", errPipeline, err)
}

func reflectType(v any) reflect.Type { return reflect.TypeOf(v) }
