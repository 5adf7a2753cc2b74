package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/dedup/redisstore"
	"github.com/newsdup/newsdup/examples/internal/jsonl"
)

func main() {
	p, code := newPipeline(os.Args[1:], os.Stdout, os.Stderr)
	if p == nil {
		os.Exit(code)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		// A second signal ends the process at once, even while the state
		// is being saved: SaveFile then leaves the previous file intact.
		signal.Stop(sigs)
		os.Exit(p.halt(sig))
	}()
	os.Exit(p.run(os.Stdin))
}

// Exit statuses; a signal gives exitInterrupt or exitTerminate.
const (
	exitOK    = 0
	exitFail  = 1 // bad input, unreadable file, failed write, bad state file, failed -redis server
	exitUsage = 2 // bad flags, or flags that conflict with the state file or the -redis shared state
)

// run is the command: it reads stories from the files named in args (or
// stdin), writes verdicts to stdout and messages to stderr, and returns the
// exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	p, code := newPipeline(args, stdout, stderr)
	if p == nil {
		return code
	}
	return p.run(stdin)
}

// newPipeline reads the flags and opens the detector (loading the -state
// file, or joining the -redis shared state). When the run cannot start it
// reports why on stderr and returns nil and the exit status.
func newPipeline(args []string, stdout, stderr io.Writer) (*pipeline, int) {
	o, err := parseFlags(args, stderr)
	switch {
	case flagHelp(err):
		return nil, exitOK
	case err != nil:
		var fe flagError
		if errors.As(err, &fe) {
			fmt.Fprintf(stderr, "cluster: %s\nRun cluster -h for help.\n", indent(err.Error()))
		}
		return nil, exitUsage
	}
	var d *dedup.Detector
	var store *redisstore.Store
	var start position
	var notes []string
	if o.redis != "" {
		d, store, err = openShared(o)
	} else {
		d, start, notes, err = openDetector(o)
	}
	for _, note := range notes {
		fmt.Fprintf(stderr, "cluster: %s\n", note)
	}
	switch {
	case errors.Is(err, errLoadState):
		fmt.Fprintf(stderr, "cluster: %s\ncluster: %s was left as it is; move it away to start afresh\n", indent(err.Error()), o.state)
		return nil, exitFail
	case errors.Is(err, errCreateState), errors.Is(err, errRedisOpen):
		fmt.Fprintf(stderr, "cluster: %s\n", indent(err.Error()))
		return nil, exitFail
	case errors.Is(err, errStateFlags), errors.Is(err, errRedisFlags):
		fmt.Fprintf(stderr, "cluster: %s\n", indent(err.Error()))
		return nil, exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "cluster: %s\nRun cluster -h for help.\n", indent(err.Error()))
		return nil, exitUsage
	}
	p := &pipeline{
		opts:   o,
		det:    d,
		store:  store,
		out:    bufio.NewWriterSize(stdout, 64<<10),
		stderr: stderr,
		prog:   newProgress(stderr, o.progress, time.Now),
		start:  start,
	}
	p.enc = json.NewEncoder(p.out)
	p.enc.SetEscapeHTML(false)
	return p, exitOK
}

// pipeline carries a run's state. Everything in it but opts is guarded by
// mu, which the run holds except while it waits for input, and which halt
// takes. So the state is never saved with a batch half added or with
// stories whose answers are not written out.
type pipeline struct {
	mu     sync.Mutex
	opts   options
	det    *dedup.Detector
	store  *redisstore.Store // the -redis store, nil without -redis
	out    *bufio.Writer
	enc    *json.Encoder
	stderr io.Writer
	prog   *progress

	start    position // where the -state file stood when the run started
	last     position // the last story added by the run: LastID, LastInput, LastLine
	stories  int      // stories processed
	late     int      // stories that came late (dedup.Result.Late)
	clusters int      // clusters started
	skipped  int      // bad lines skipped
	unsaved  int      // stories added since the state was last saved or loaded
	untried  int      // stories added since the last save was tried

	halted bool // the run has ended, or halt ended it: add nothing more
	code   int  // the exit status, once halted

	// With -batch: cancel ends the run, which then sends its exit status
	// on finished.
	cancel   context.CancelFunc
	finished chan int
}

// errStop ends a run at a bad line; the reason was already reported.
var errStop = errors.New("stopped at a bad line")

// errHalted ends a run that halt has ended.
var errHalted = errors.New("halted")

// run processes the input and returns the exit status. However the input
// ends (at its end, at a bad line or an unreadable file) the state is saved
// with -state, unless the output could not be written.
func (p *pipeline) run(stdin io.Reader) int {
	if p.opts.batch {
		ctx, cancel := context.WithCancel(context.Background())
		p.mu.Lock()
		p.cancel, p.finished = cancel, make(chan int, 1)
		p.mu.Unlock()
		code := p.runBatch(ctx, stdin)
		p.finished <- code
		return code
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.store != nil {
		defer p.store.Close()
	}
	err := p.inputs(stdin)
	if errors.Is(err, errHalted) {
		return p.code
	}
	if ferr := p.out.Flush(); ferr != nil && err == nil {
		err = fmt.Errorf("writing the output: %w", ferr)
	}
	var saved string
	var serr error
	if p.unsaved > 0 {
		saved, serr = p.saveState()
	}
	p.prog.done(p.stories, p.clusters, p.skipped)
	code := exitOK
	switch {
	case errors.Is(err, errStop):
		fmt.Fprintf(p.stderr, "cluster: stopped: %s processed before the bad line (-skip-bad skips bad lines)\n", plural(p.stories, "story", "stories"))
		code = exitFail
	case err != nil:
		fmt.Fprintf(p.stderr, "cluster: %v\ncluster: %s processed\n", err, plural(p.stories, "story", "stories"))
		code = exitFail
	case p.skipped > 0:
		fmt.Fprintf(p.stderr, "cluster: %s skipped, %s processed\n", plural(p.skipped, "bad line", "bad lines"), plural(p.stories, "story", "stories"))
	}
	if note := p.lateNote(); note != "" {
		fmt.Fprintf(p.stderr, "cluster: %s\n", note)
	}
	if serr != nil {
		fmt.Fprintf(p.stderr, "cluster: %v\n", serr)
		code = exitFail
	}
	if saved != "" {
		fmt.Fprintf(p.stderr, "cluster: %s\n", saved)
	}
	p.halted, p.code = true, code
	return code
}

// inputs processes the files named on the command line, or stdin.
func (p *pipeline) inputs(stdin io.Reader) error {
	return jsonl.Inputs(p.opts.files, stdin, p.input)
}

// Bounds on the stories gathered for one AddBatch call.
const (
	batchStories = 256
	batchBytes   = 16 << 20
)

// pending is a story read but not yet added.
type pending struct {
	line  int
	story dedup.Story
}

// input processes one input stream. Stories whose lines are already in the
// read buffer are gathered and added together with AddBatch, which analyses
// them on all cores and returns the results Add would; as soon as the next
// line is not all there (the input would wait), the stories gathered are
// added and their answers written and flushed.
func (p *pipeline) input(name string, r io.Reader) error {
	lr := jsonl.NewReader(r, p.opts.maxLine)
	var batch []pending
	size := 0
	// badLine reports the bad line just read. When bad lines stop the run,
	// the stories before it are answered first, and none after it.
	badLine := func(reason error) error {
		if !p.opts.skipBad {
			if err := p.addBatch(name, batch); err != nil {
				return err
			}
			batch, size = batch[:0], 0
		}
		return p.bad(name, lr.Line(), reason)
	}
	for {
		if len(batch) >= batchStories || size >= batchBytes || (!lr.Buffered() && len(batch) > 0) {
			if err := p.addBatch(name, batch); err != nil {
				return err
			}
			batch, size = batch[:0], 0
		}
		var line []byte
		var err error
		if lr.Buffered() {
			line, err = lr.Next()
		} else {
			// The next read may wait: let the answers so far out first,
			// and let a signal end the run meanwhile.
			if err := p.out.Flush(); err != nil {
				return fmt.Errorf("writing the output: %w", err)
			}
			p.mu.Unlock()
			line, err = lr.Next()
			p.mu.Lock()
			if p.halted {
				return errHalted
			}
		}
		switch {
		case err == io.EOF:
			return p.addBatch(name, batch)
		case errors.Is(err, jsonl.ErrLineTooLong):
			if err := badLine(err); err != nil {
				return err
			}
			continue
		case err != nil:
			if berr := p.addBatch(name, batch); berr != nil {
				return berr
			}
			return fmt.Errorf("reading %s: %w", name, err)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		s, err := jsonl.Decode(line)
		if err != nil {
			if err := badLine(err); err != nil {
				return err
			}
			continue
		}
		batch = append(batch, pending{lr.Line(), s})
		size += len(s.Text) + len(s.Title)
	}
}

// addBatch adds the stories gathered and writes their answers, in order,
// then saves the state if -state-every stories have been added since the
// last save.
func (p *pipeline) addBatch(name string, batch []pending) error {
	if len(batch) == 0 {
		return nil
	}
	if err := p.addStories(name, batch); err != nil {
		return err
	}
	return p.checkpoint()
}

// addStories adds the stories gathered and writes their answers, in order.
func (p *pipeline) addStories(name string, batch []pending) error {
	stories := make([]dedup.Story, len(batch))
	for i := range batch {
		stories[i] = batch[i].story
	}
	for len(stories) > 0 {
		rs, err := p.det.AddBatch(stories)
		for i, r := range rs {
			if err := p.answer(r, name, batch[len(batch)-len(stories)+i].line); err != nil {
				return err
			}
		}
		if err == nil || len(rs) >= len(stories) {
			return nil
		}
		k := len(rs)
		line := batch[len(batch)-len(stories)+k].line
		// AddBatch stopped at a story: one Add rejects (the detector is
		// unchanged by a rejected story, so Add alone fails the same way
		// and gives the reason in its own words), or the shared state
		// failed, in which case Add tries again.
		r, err := p.addOne(name, line, stories[k])
		if storeFailed(err) {
			return storeError(name, line, err)
		}
		if err != nil {
			if err := p.bad(name, line, err); err != nil {
				return err
			}
		} else if err := p.answer(r, name, line); err != nil {
			return err
		}
		stories = stories[k+1:]
	}
	return nil
}

// storeRetryWaits are the pauses before each new try of a story whose add
// failed because the -redis server could not be reached or did not answer:
// long enough together for a server to restart or a network to come back.
var storeRetryWaits = []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second}

// addOne adds one story. When the shared state fails with dedup.ErrStore it
// tries again after each of storeRetryWaits, saying so on standard error;
// trying again is safe, as the detector recognises a story that reached the
// server although the reply was lost, and gives its verdict.
func (p *pipeline) addOne(name string, line int, s dedup.Story) (dedup.Result, error) {
	r, err := p.det.Add(s)
	for _, wait := range storeRetryWaits {
		if !errors.Is(err, dedup.ErrStore) {
			break
		}
		fmt.Fprintf(p.stderr, "cluster: %s line %d: the shared state failed, trying again in %v: %v\n", name, line, wait, err)
		time.Sleep(wait)
		r, err = p.det.Add(s)
	}
	return r, err
}

// answer writes the answer for one story, added from line line of the
// input name.
func (p *pipeline) answer(r dedup.Result, name string, line int) error {
	if err := p.enc.Encode(newVerdict(r, p.opts.passages)); err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	p.last.LastID, p.last.LastInput, p.last.LastLine = r.ID, name, line
	p.stories++
	p.unsaved++
	p.untried++
	if r.Kind == dedup.New {
		p.clusters++
	}
	if r.Late {
		p.late++
	}
	p.prog.update(p.stories, p.clusters, p.skipped)
	return nil
}

// lateNote says what late stories mean and what to do, when there were any.
func (p *pipeline) lateNote() string {
	if p.late == 0 {
		return ""
	}
	return fmt.Sprintf("%s came after stories published within -window of %s had been let go (more than -lateness behind the stream): %s compared with the stories still held, and may have missed copies or versions (\"late\": true in the output); for an archive, a backfill or merged feeds use -batch, or give a larger -lateness",
		plural(p.late, "story", "stories"), pick(p.late, "it", "them"), pick(p.late, "it was", "they were"))
}

// pick returns one when n is 1, else many.
func pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// bad reports a bad line. It returns errStop unless bad lines are skipped.
func (p *pipeline) bad(name string, n int, err error) error {
	p.prog.interrupt()
	if p.opts.skipBad {
		p.skipped++
		fmt.Fprintf(p.stderr, "cluster: %s line %d skipped: %v\n", name, n, err)
		return nil
	}
	fmt.Fprintf(p.stderr, "cluster: %s line %d: %v\n", name, n, err)
	return errStop
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
