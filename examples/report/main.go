package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/newsdup/newsdup/dedup"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1 // bad input, unreadable file, failed write
	exitUsage = 2 // bad flags
)

//go:embed page.html
var pageHTML string

//go:embed style.css
var styleCSS string

//go:embed filter.js
var filterJS string

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// csp is the page's content security policy: nothing is loaded from
// anywhere, and only the page's own style sheet and script apply, so that
// even text that escaped escaping could not run or fetch anything.
var csp = fmt.Sprintf("default-src 'none'; style-src '%s'; script-src '%s'; img-src 'none'; form-action 'none'; base-uri 'none'",
	hash(styleCSS), hash(filterJS))

// hash is the CSP source expression of an inline element's content.
func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// run is the command: it reads stories from the files named in args (or
// stdin), writes the page to the -o file (or stdout), reports on stderr and
// returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	start := time.Now()
	o, err := parseFlags(args, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case err != nil:
		var fe flagError
		if errors.As(err, &fe) {
			fmt.Fprintf(stderr, "report: %s\nRun report -h for help.\n", strings.ReplaceAll(err.Error(), "\n", "\n  "))
		}
		return exitUsage
	}
	d, err := dedup.NewDetector(o.cfg)
	if err != nil {
		fmt.Fprintf(stderr, "report: %v\nRun report -h for help.\n", err)
		return exitUsage
	}
	cfg := d.Config()
	if o.batch {
		// dedup.Batch makes its own detector.
		d = nil
	}
	c := newCollection(d)
	rd := &reader{c: c, o: o, stderr: stderr, isHTML: func(s string) bool {
		switch cfg.HTML {
		case dedup.HTMLAlways:
			return true
		case dedup.HTMLNever:
			return false
		}
		return dedup.LooksLikeHTML(s)
	}}
	err = rd.inputs(stdin)
	if err == nil && o.batch {
		err = rd.judge(context.Background(), cfg)
	}
	switch {
	case errors.Is(err, errStop) && o.batch:
		fmt.Fprintf(stderr, "report: stopped at the bad line; no page written (-skip-bad skips bad lines)\n")
		return exitFail
	case errors.Is(err, errStop):
		fmt.Fprintf(stderr, "report: stopped: %s read before the bad line; no page written (-skip-bad skips bad lines)\n", count(len(c.stories), "story", "stories"))
		return exitFail
	case err != nil:
		fmt.Fprintf(stderr, "report: %v\nreport: no page written\n", err)
		return exitFail
	}
	p := buildPage(c, o, cfg)
	n, err := writePage(o.out, stdout, p)
	if err != nil {
		fmt.Fprintf(stderr, "report: %v\n", err)
		return exitFail
	}
	if o.out != "-" {
		fmt.Fprintf(stderr, "report: wrote %s (%s): %s, %s of two or more, in %.1f s\n",
			o.out, size(n), count(len(c.stories), "story", "stories"), count(p.Summary.Multi, "cluster", "clusters"), time.Since(start).Seconds())
	}
	if c.skipped > 0 {
		fmt.Fprintf(stderr, "report: %s skipped\n", count(c.skipped, "bad line", "bad lines"))
	}
	if p.Summary.Late > 0 {
		fmt.Fprintf(stderr, "report: %s (marked late on the page); for an archive, a backfill or merged feeds use -batch, or give a larger -lateness\n", p.Summary.LateNote)
	}
	return exitOK
}

// render writes the page.
func render(w io.Writer, p page) error {
	return pageTemplate.Execute(w, struct {
		Page   page
		CSP    string
		Style  template.CSS
		Script template.JS
	}{p, csp, template.CSS(styleCSS), template.JS(filterJS)})
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// writePage writes the page to the file name, or to stdout for "-", and
// returns its size. A file is written beside name under a temporary name
// and renamed over name once complete, so a failed run leaves no half page
// and an earlier page at name stays as it was.
func writePage(name string, stdout io.Writer, p page) (int64, error) {
	if name == "-" {
		bw := bufio.NewWriterSize(stdout, 64<<10)
		cw := &countWriter{w: bw}
		if err := render(cw, p); err != nil {
			return 0, fmt.Errorf("writing the page: %w", err)
		}
		if err := bw.Flush(); err != nil {
			return 0, fmt.Errorf("writing the page: %w", err)
		}
		return cw.n, nil
	}
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return 0, fmt.Errorf("writing the page: %w", err)
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	cw := &countWriter{w: bw}
	err = render(cw, p)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		if rerr := os.Remove(f.Name()); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
		return 0, fmt.Errorf("writing %s: %w", name, err)
	}
	return cw.n, nil
}

// size shows a number of bytes.
func size(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
