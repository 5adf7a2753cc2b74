package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/newsdup/newsdup/examples/internal/cli"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1 // a floor not met, a data set missing or unreadable
	exitUsage = 2 // bad flags
)

// run is the command: it evaluates the data sets the flags in args name,
// writes the table (and diagnostics) to stdout and messages to stderr, and
// returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case err != nil:
		var fe flagError
		if errors.As(err, &fe) {
			fmt.Fprintf(stderr, "evaluate: %s\nRun evaluate -h for help.\n", strings.ReplaceAll(err.Error(), "\n", "\n  "))
		}
		return exitUsage
	}
	if o.genPath != "" {
		return generateFile(o, stdout, stderr)
	}
	e := &evaluation{opts: o, stderr: stderr}
	if err := e.run(); err != nil {
		fmt.Fprintf(stderr, "evaluate: %v\n", err)
		return exitFail
	}
	var out bytes.Buffer
	e.report(&out)
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "evaluate: writing the table: %v\n", err)
		return exitFail
	}
	if failed := e.floors(); len(failed) > 0 {
		for _, f := range failed {
			fmt.Fprintf(stderr, "evaluate: floor failed: %s\n", f)
		}
		return exitFail
	}
	return exitOK
}

// Where the data sets are looked for, and how to point at them.
const (
	ecbEnv     = "NEWSDUP_ECBPLUS"
	ecbRel     = "ecbplus/articles.jsonl"
	reutersEnv = "NEWSDUP_REUTERS"
	reutersRel = "reuters21578/articles.jsonl"
	gvcEnv     = "NEWSDUP_GVC"
	gvcRel     = "gvc/articles.jsonl"
)

// missing is the message for a data set that cannot be found.
func missing(what, path, flagName, env string) string {
	if path == "" {
		return fmt.Sprintf("%s not found: run from inside the repository or set -%s or %s", what, flagName, env)
	}
	return fmt.Sprintf("%s not found at %s: set -%s or %s to its path", what, path, flagName, env)
}

// exists reports whether path names a readable regular file.
func exists(path string) bool {
	if path == "" {
		return false
	}
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// generateFile writes the perturbation set to the -gen file.
func generateFile(o options, stdout, stderr io.Writer) int {
	path := dataPath(o.reutersPath, reutersEnv, reutersRel)
	if !exists(path) {
		fmt.Fprintf(stderr, "evaluate: %s\n", missing("Reuters-21578", path, "reuters", reutersEnv))
		return exitFail
	}
	arts, st, err := perturbationSet(o, path)
	if err != nil {
		fmt.Fprintf(stderr, "evaluate: %v\n", err)
		return exitFail
	}
	w := stdout
	var f *os.File
	if o.genPath != "-" {
		if f, err = os.Create(o.genPath); err != nil {
			fmt.Fprintf(stderr, "evaluate: %v\n", err)
			return exitFail
		}
		w = f
	}
	err = writeArticles(w, arts)
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "evaluate: writing %s: %v\n", o.genPath, err)
		return exitFail
	}
	fmt.Fprintf(stderr, "evaluate: wrote %d stories (%s) to %s\n", len(arts), describeSet(st, o.seed), o.genPath)
	return exitOK
}

// perturbationSet reads the Reuters corpus and draws the perturbation set.
func perturbationSet(o options, path string) ([]article, genStats, error) {
	corpus, err := readArticles(path, false)
	if err != nil {
		return nil, genStats{}, err
	}
	return generate(corpus, genConfig{Seed: o.seed, Originals: o.originals, Distractors: o.distractors, MaxCopies: o.maxCopies})
}

// describeSet says what a perturbation set holds and how it was drawn.
func describeSet(st genStats, seed uint64) string {
	return fmt.Sprintf("%d originals with %d copies (1 to %d each), %d distractors; seed %d; drawn from %d Reuters stories, %d eligible (dated, %d+ words, title used once), %d examined, %d left out as near-duplicates of a chosen story and %d as maybe reporting the event of one (TF-IDF cosine %.1f or more within %d days)",
		st.Originals, st.Copies, st.MaxCopies, st.Distractors, seed, st.Corpus, st.Eligible, minBodyWords, st.Examined, st.NearDuplicates, st.Related, maxPairCosine, int(relatedWindow.Hours()/24))
}

// seedsDir returns the directory of the seed stories: the flag's value, or
// testdata in the repository.
func seedsDir(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if root, err := cli.Root(); err == nil {
		return filepath.Join(root, "testdata")
	}
	return ""
}
