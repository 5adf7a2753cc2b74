package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/examples/internal/jsonl"
)

// With -batch the input is one collection, judged whatever its order: the
// lines are read once to find each story's id, date and place in its file
// (standard input, and anything else that is not a regular file, is first
// copied to a temporary file), dedup.Batch then reads the stories in the
// order of their dates, and the answers, kept in a temporary file, are
// written in input order at the end. Memory holds the detector's window
// and, per story, its id, date and place, not the texts.

// batchItem is one story of the input: where its line is, and its key.
type batchItem struct {
	src    int   // index in batchInput.files
	offset int64 // of the line in its file
	length int   // of the line
	line   int   // line number in its input
	time   time.Time
	id     string

	// Filled in as Batch emits the story's answer.
	done      bool
	err       error // the detector rejected the story
	ansOffset int64 // of its answer in the spool
	ansLength int
}

// batchInput is the input of a -batch run: its files, open for reading at
// any offset, and its stories.
type batchInput struct {
	names []string   // as the messages name them
	files []*os.File // open; temporary ones are removed on close
	temps []bool
	items []batchItem
}

func (in *batchInput) close() {
	for i, f := range in.files {
		f.Close()
		if in.temps[i] {
			os.Remove(f.Name())
		}
	}
}

// Len, Key and Story make the input a dedup.Collection.
func (in *batchInput) Len() int { return len(in.items) }

func (in *batchInput) Key(i int) (time.Time, string) { return in.items[i].time, in.items[i].id }

func (in *batchInput) Story(i int) (dedup.Story, error) {
	it := &in.items[i]
	b := make([]byte, it.length)
	if _, err := in.files[it.src].ReadAt(b, it.offset); err != nil {
		return dedup.Story{}, fmt.Errorf("reading %s line %d again: %w", in.names[it.src], it.line, err)
	}
	s, err := jsonl.Decode(b)
	if err != nil {
		// The line decoded when it was first read: the file changed.
		return dedup.Story{}, fmt.Errorf("%s line %d changed while the run read it: %w", in.names[it.src], it.line, err)
	}
	return s, nil
}

// errBatchStop ends the reading of a -batch input at a bad line, when bad
// lines are not skipped: the stories before it are judged and answered.
var errBatchStop = errors.New("stop at a bad line")

// runBatch is run for -batch. It returns the exit status. A signal (see
// halt) ends it through ctx, and its temporary files are removed.
func (p *pipeline) runBatch(ctx context.Context, stdin io.Reader) int {
	in := &batchInput{}
	defer in.close()
	stopped, err := p.readBatch(in, stdin)
	if err != nil {
		fmt.Fprintf(p.stderr, "cluster: %v\n", err)
		return exitFail
	}

	spool, err := os.CreateTemp("", "cluster-answers-*")
	if err != nil {
		fmt.Fprintf(p.stderr, "cluster: a temporary file for the answers: %v\n", err)
		return exitFail
	}
	defer func() {
		spool.Close()
		os.Remove(spool.Name())
	}()
	var ans bytes.Buffer
	enc := json.NewEncoder(&ans)
	enc.SetEscapeHTML(false)
	var size int64
	done := 0
	cfg := p.opts.cfg
	_, err = dedup.Batch(ctx, cfg, in, func(i int, r dedup.Result, rerr error) error {
		it := &in.items[i]
		it.done, it.err = true, rerr
		done++
		p.prog.update(done, 0, p.skipped)
		if rerr != nil {
			return nil
		}
		ans.Reset()
		if err := enc.Encode(newVerdict(r, p.opts.passages)); err != nil {
			return fmt.Errorf("encoding the answer for %s line %d: %w", in.names[it.src], it.line, err)
		}
		if _, err := spool.Write(ans.Bytes()); err != nil {
			return fmt.Errorf("writing the answers to a temporary file: %w", err)
		}
		it.ansOffset, it.ansLength = size, ans.Len()
		size += int64(ans.Len())
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return exitInterrupt // halt reports it
		}
		fmt.Fprintf(p.stderr, "cluster: %v\n", err)
		return exitFail
	}

	// The answers, in input order, up to the first bad story when bad lines
	// stop the run.
	for i := range in.items {
		it := &in.items[i]
		if it.err != nil {
			if err := p.bad(in.names[it.src], it.line, it.err); err != nil {
				stopped = true
				break
			}
			continue
		}
		b := make([]byte, it.ansLength)
		if _, err := spool.ReadAt(b, it.ansOffset); err != nil {
			fmt.Fprintf(p.stderr, "cluster: reading the answers back from a temporary file: %v\n", err)
			return exitFail
		}
		if _, err := p.out.Write(b); err != nil {
			fmt.Fprintf(p.stderr, "cluster: writing the output: %v\n", err)
			return exitFail
		}
		p.stories++
	}
	if err := p.out.Flush(); err != nil {
		fmt.Fprintf(p.stderr, "cluster: writing the output: %v\n", err)
		return exitFail
	}
	p.prog.done(p.stories, 0, p.skipped)
	switch {
	case stopped:
		fmt.Fprintf(p.stderr, "cluster: stopped: %s answered before the bad line (-skip-bad skips bad lines)\n", plural(p.stories, "story", "stories"))
		return exitFail
	case p.skipped > 0:
		fmt.Fprintf(p.stderr, "cluster: %s skipped, %s processed\n", plural(p.skipped, "bad line", "bad lines"), plural(p.stories, "story", "stories"))
	}
	return exitOK
}

// readBatch reads the inputs of a -batch run once, recording each story's
// place and key. At a bad line it reports it and, unless bad lines are
// skipped, stops reading and reports stopped.
func (p *pipeline) readBatch(in *batchInput, stdin io.Reader) (stopped bool, err error) {
	names := p.opts.files
	if len(names) == 0 {
		names = []string{"-"}
	}
	for _, name := range names {
		f, label, temp, err := openBatchFile(name, stdin)
		if err != nil {
			return false, err
		}
		in.names = append(in.names, label)
		in.files = append(in.files, f)
		in.temps = append(in.temps, temp)
		err = p.scanBatchFile(in, len(in.files)-1)
		if errors.Is(err, errBatchStop) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
	}
	return false, nil
}

// openBatchFile opens an input of a -batch run for reading at any offset: a
// regular file as it is, and standard input ("-") or anything else first
// copied to a temporary file.
func openBatchFile(name string, stdin io.Reader) (f *os.File, label string, temp bool, err error) {
	var src io.Reader
	label = name
	if name == "-" {
		src, label = stdin, "stdin"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, "", false, err
		}
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			return f, label, false, nil
		}
		defer f.Close()
		src = f
	}
	tmp, err := os.CreateTemp("", "cluster-input-*")
	if err != nil {
		return nil, "", false, fmt.Errorf("a temporary copy of %s: %w", label, err)
	}
	if _, err := io.Copy(tmp, src); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, "", false, fmt.Errorf("copying %s to a temporary file: %w", label, err)
	}
	return tmp, label, true, nil
}

// scanBatchFile reads the lines of one input, recording its stories.
func (p *pipeline) scanBatchFile(in *batchInput, src int) error {
	f := in.files[src]
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	lr := jsonl.NewReader(f, p.opts.maxLine)
	for {
		line, err := lr.Next()
		switch {
		case err == io.EOF:
			return nil
		case errors.Is(err, jsonl.ErrLineTooLong):
			if err := p.bad(in.names[src], lr.Line(), err); err != nil {
				return errBatchStop
			}
			continue
		case err != nil:
			return fmt.Errorf("reading %s: %w", in.names[src], err)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		id, t, err := jsonl.Key(line)
		if err != nil {
			if err := p.bad(in.names[src], lr.Line(), err); err != nil {
				return errBatchStop
			}
			continue
		}
		in.items = append(in.items, batchItem{src: src, offset: lr.Offset(), length: len(line), line: lr.Line(), time: t, id: id})
	}
}
