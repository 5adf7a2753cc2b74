package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/examples/internal/cli"
	"github.com/newsdup/newsdup/shingle"
)

// defaultStateEvery is the default of -state-every.
const defaultStateEvery = 1000

// errLoadState reports a state file that exists but cannot be loaded.
var errLoadState = errors.New("cannot load the state file")

// errCreateState reports a new state file that cannot be written.
var errCreateState = errors.New("cannot create the state file")

// errStateFlags reports flags that contradict the state file loaded.
var errStateFlags = errors.New("flags conflict with the state file")

// openDetector returns the detector for a run: loaded from the -state file
// when it exists, else new, with where the state stands and the notes to
// write on standard error. A new detector is saved at once when -state is
// given, so that a path that cannot be written fails before any input is
// read. Before that, the temporary files of interrupted saves beside the
// state file are removed. The error wraps errLoadState when the file exists
// but cannot be loaded (the file is left as it is), errCreateState when a
// new file cannot be written, and errStateFlags when flags that shape the
// state differ from the file's.
func openDetector(o options) (*dedup.Detector, position, []string, error) {
	start := position{}
	d, err := dedup.NewDetector(o.cfg)
	if err != nil || o.state == "" {
		return d, start, nil, err
	}
	var notes []string
	removed, err := removeSaveTemps(o.state)
	if len(removed) > 0 {
		notes = append(notes, fmt.Sprintf("removed %s left beside %s by interrupted saves: %s",
			plural(len(removed), "temporary file", "temporary files"), o.state, strings.Join(removed, ", ")))
	}
	if err != nil {
		notes = append(notes, fmt.Sprintf("cannot remove the temporary files of interrupted saves beside %s: %v", o.state, err))
	}
	loaded, err := dedup.LoadFile(o.state, stateless(o.cfg))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := d.SaveFile(o.state); err != nil {
			return nil, start, notes, fmt.Errorf("%w %s: %w", errCreateState, o.state, err)
		}
		note := fmt.Sprintf("state %s created, empty", o.state)
		if err := writeRecord(o.state, start); err != nil {
			note += fmt.Sprintf("; cannot record its position in %s: %v", recordPath(o.state), err)
		}
		return d, start, append(notes, note), nil
	case err != nil:
		return nil, start, notes, fmt.Errorf("%w %s: %w", errLoadState, o.state, err)
	}
	if errs := stateConflicts(o, loaded.Config()); len(errs) > 0 {
		return nil, start, notes, fmt.Errorf("%w %s (leave these flags out to use the file's values):\n%w", errStateFlags, o.state, errors.Join(errs...))
	}
	start, err = readRecord(o.state)
	switch {
	case err != nil:
		notes = append(notes, fmt.Sprintf("state %s: %s held; %v",
			o.state, plural(loaded.Len(), "story", "stories"), err))
	case start.LastID == "":
		notes = append(notes, fmt.Sprintf("state %s: %s", o.state, start.describe()))
	default:
		notes = append(notes, fmt.Sprintf("state %s: %s; give the stories after it", o.state, start.describe()))
	}
	return loaded, start, notes, nil
}

// stateless returns cfg without the fields that shape a detector's saved
// state, so that loading takes them from the state file.
func stateless(cfg dedup.Config) dedup.Config {
	cfg.Language, cfg.HTML = "", 0
	cfg.ShingleSize, cfg.NumHashes, cfg.LSHThreshold, cfg.Seed = 0, 0, 0, 0
	cfg.BoilerplateStories = 0
	return cfg
}

// stateConflicts compares the flags given that shape the state with the
// configuration of the state loaded, and returns an error for each that
// differs. Flags left out take the file's values and never conflict; a flag
// given with its default value does conflict with a file made otherwise.
func stateConflicts(o options, saved dedup.Config) []error {
	c := o.cfg
	fields := []struct {
		flag         string
		given, saved any
		equal        bool
	}{
		{"lang", c.Language, saved.Language, sameLanguage(c.Language, saved.Language)},
		{"html", cli.HTML{M: &c.HTML}, cli.HTML{M: &saved.HTML}, c.HTML == saved.HTML},
		{"shingle", c.ShingleSize, saved.ShingleSize, c.ShingleSize == saved.ShingleSize},
		{"hashes", c.NumHashes, saved.NumHashes, c.NumHashes == saved.NumHashes},
		{"lsh-threshold", c.LSHThreshold, saved.LSHThreshold, c.LSHThreshold == saved.LSHThreshold},
		{"seed", c.Seed, saved.Seed, c.Seed == saved.Seed},
		{"boilerplate", c.BoilerplateStories, saved.BoilerplateStories, c.BoilerplateStories == saved.BoilerplateStories},
	}
	var errs []error
	for _, f := range fields {
		if o.set[f.flag] && !f.equal {
			errs = append(errs, fmt.Errorf("-%s %v: the file was made with -%s %v", f.flag, f.given, f.flag, f.saved))
		}
	}
	return errs
}

// sameLanguage reports whether two language names (Snowball names or ISO
// 639-1 codes) name the same language.
func sameLanguage(a, b string) bool {
	la, errA := shingle.NewAnalyzer(shingle.Config{Language: a})
	lb, errB := shingle.NewAnalyzer(shingle.Config{Language: b})
	if errA != nil || errB != nil {
		return a == b
	}
	return la.Language() == lb.Language()
}

// saveState flushes the output, then writes the state file, so that the
// file never holds a story whose answer is not out, then records where the
// state stands beside it (see position). A failed flush leaves the file as
// it was. It returns where the saved state stands, for a message. The
// caller holds p.mu.
func (p *pipeline) saveState() (string, error) {
	if p.opts.state == "" {
		return "", nil
	}
	if err := p.out.Flush(); err != nil {
		return "", fmt.Errorf("state not saved to %s: writing the output: %w (the file keeps the state of its last save)", p.opts.state, err)
	}
	if err := p.det.SaveFile(p.opts.state); err != nil {
		return "", fmt.Errorf("cannot save the state to %s: %w", p.opts.state, err)
	}
	p.unsaved = 0
	pos := p.position()
	saved := fmt.Sprintf("state saved to %s: %s", p.opts.state, pos.describe())
	if err := writeRecord(p.opts.state, pos); err != nil {
		saved += fmt.Sprintf("; cannot record it in %s: %v", recordPath(p.opts.state), err)
	}
	return saved, nil
}

// position returns where the state stands: where it stood when the run
// started, and the stories the run added since.
func (p *pipeline) position() position {
	pos := p.start
	switch {
	case pos.Stories >= 0:
		pos.Stories += p.stories
	default:
		pos.runStories = p.stories
	}
	if p.last.LastID != "" {
		pos.LastID, pos.LastInput, pos.LastLine = p.last.LastID, p.last.LastInput, p.last.LastLine
	}
	return pos
}

// checkpoint saves the state when -state-every stories have been added
// since the last save was tried. A failed save is reported and the run goes
// on: the answers do not depend on it, and the next checkpoint (another
// -state-every stories on) or the end of the run tries again. A failed write
// of the output stops the run. The caller holds p.mu.
func (p *pipeline) checkpoint() error {
	if p.opts.state == "" || p.opts.stateEvery == 0 || p.untried < p.opts.stateEvery {
		return nil
	}
	p.untried = 0
	if err := p.out.Flush(); err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	saved, err := p.saveState()
	p.prog.interrupt()
	if err != nil {
		fmt.Fprintf(p.stderr, "cluster: %v; going on\n", err)
		return nil
	}
	fmt.Fprintf(p.stderr, "cluster: %s\n", saved)
	return nil
}

// Exit statuses after a signal.
const (
	exitInterrupt = 128 + 2  // SIGINT
	exitTerminate = 128 + 15 // SIGTERM
)

// halt ends the run on a signal; the goroutine that receives SIGINT and
// SIGTERM calls it, then exits with the status it returns. It waits for the
// batch being added to be answered (it takes p.mu, which the run holds
// except while it waits for input), flushes the output, saves the state
// (with -state), says on standard error what it did, and returns 130 for
// SIGINT and 143 for SIGTERM, or 1 when the output or the state could not
// be written. The run adds nothing after it. Once the run has ended, halt
// does nothing and returns the run's exit status.
func (p *pipeline) halt(sig os.Signal) int {
	p.mu.Lock()
	if p.opts.batch && p.cancel != nil {
		// A -batch run writes nothing before its end: stop it, let it
		// remove its temporary files, and say so.
		p.mu.Unlock()
		p.cancel()
		<-p.finished
		what, code := "interrupted (SIGINT)", exitInterrupt
		if sig == syscall.SIGTERM {
			what, code = "terminated (SIGTERM)", exitTerminate
		}
		fmt.Fprintf(p.stderr, "cluster: %s: nothing written (-batch writes its answers at the end)\n", what)
		return code
	}
	defer p.mu.Unlock()
	if p.halted {
		return p.code
	}
	p.halted = true
	what, code := "interrupted (SIGINT)", exitInterrupt
	if sig == syscall.SIGTERM {
		what, code = "terminated (SIGTERM)", exitTerminate
	}
	var saved string
	err := p.out.Flush()
	if err != nil {
		err = fmt.Errorf("writing the output: %w", err)
		if p.opts.state != "" {
			err = fmt.Errorf("%w; state not saved to %s (the file keeps the state of its last save)", err, p.opts.state)
		}
	} else if p.unsaved > 0 {
		saved, err = p.saveState()
	}
	p.prog.done(p.stories, p.clusters, p.skipped)
	processed := plural(p.stories, "story", "stories") + " processed"
	switch {
	case err != nil:
		fmt.Fprintf(p.stderr, "cluster: %s: %s; %v\n", what, processed, err)
		code = exitFail
	case saved != "":
		fmt.Fprintf(p.stderr, "cluster: %s: %s; %s\n", what, processed, saved)
	case p.opts.state != "":
		fmt.Fprintf(p.stderr, "cluster: %s: %s; state %s unchanged: %s\n", what, processed, p.opts.state, p.position().describe())
	default:
		fmt.Fprintf(p.stderr, "cluster: %s: %s\n", what, processed)
	}
	p.code = code
	return code
}
