package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/examples/internal/jsonl"
)

// entry is one story added to the detector, with its verdict.
type entry struct {
	story dedup.Story // Text is "" once dropped (see collection.prune)
	html  bool        // whether the detector read the text as HTML
	res   dedup.Result
	// matches holds, for each of res.Matches, the position in
	// collection.stories of the story matched: ids may come back once their
	// first story has left the window, so they are resolved when the
	// verdict is given.
	matches []int
	group   int  // index in collection.groups
	needed  bool // another story matched it: its text is kept
	dropped bool // its text was dropped
}

// group is one cluster as the page shows it: every story that joined it,
// including those that have since left the detector's window.
type group struct {
	id      string // the cluster's id
	members []int  // positions in collection.stories, in arrival order
	// merged are the ids of the clusters merged into this one; a group
	// merged into another has no members left.
	merged []string
}

// collection is what the run gathers for the page: every story added, its
// verdict, and the clusters.
type collection struct {
	det     *dedup.Detector // nil with -batch
	stories []entry
	groups  []*group
	latest  map[string]int // story id -> position of the latest story with it
	groupOf map[string]int // cluster id -> index of the latest group with it
	// single holds the stories alone in their group whose text is still
	// kept: prune drops the text of those that have left the detector, as
	// no later story can match them.
	single  []int
	pruned  int // len(stories) at the last prune
	skipped int // bad lines skipped
}

// pruneEvery is the number of stories added between two prunes: each looks
// at every single story still held, so it runs now and then rather than
// after every batch.
const pruneEvery = 2048

func newCollection(d *dedup.Detector) *collection {
	return &collection{det: d, latest: map[string]int{}, groupOf: map[string]int{}}
}

// errStop ends a run at a bad line; the reason was already reported.
var errStop = errors.New("stopped at a bad line")

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

// reader reads the input and adds its stories to a collection: as a
// stream, in batches as they are read, or with -batch all at once when the
// input is read.
type reader struct {
	c       *collection
	o       options
	stderr  io.Writer
	isHTML  func(string) bool
	batch   []pending
	size    int
	curName string
	// With -batch: every story read, and where it was read.
	all   []pending
	names []string // the input of each story in all
}

// inputs reads the files named on the command line, or stdin.
func (rd *reader) inputs(stdin io.Reader) error {
	return jsonl.Inputs(rd.o.files, stdin, rd.input)
}

// input reads one stream, adding its stories in batches.
func (rd *reader) input(name string, r io.Reader) error {
	rd.curName = name
	lr := jsonl.NewReader(r, rd.o.maxLine)
	for {
		line, err := lr.Next()
		switch {
		case err == io.EOF:
			return rd.flush()
		case errors.Is(err, jsonl.ErrLineTooLong):
			if err := rd.bad(name, lr.Line(), err); err != nil {
				return err
			}
			continue
		case err != nil:
			return fmt.Errorf("reading %s: %w", name, err)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		s, err := jsonl.Decode(line)
		if err != nil {
			if err := rd.bad(name, lr.Line(), err); err != nil {
				return err
			}
			continue
		}
		if rd.o.batch {
			rd.all = append(rd.all, pending{lr.Line(), s})
			rd.names = append(rd.names, name)
			continue
		}
		rd.batch = append(rd.batch, pending{lr.Line(), s})
		rd.size += len(s.Text) + len(s.Title)
		if len(rd.batch) >= batchStories || rd.size >= batchBytes {
			if err := rd.flush(); err != nil {
				return err
			}
		}
	}
}

// bad reports a bad line of the input name. The stories read before it are
// added first (as a stream), so that the messages come in input order. It
// returns errStop unless bad lines are skipped.
func (rd *reader) bad(name string, line int, err error) error {
	if ferr := rd.flush(); ferr != nil {
		return ferr
	}
	if rd.o.skipBad {
		rd.c.skipped++
		fmt.Fprintf(rd.stderr, "report: %s line %d skipped: %v\n", name, line, err)
		return nil
	}
	fmt.Fprintf(rd.stderr, "report: %s line %d: %v\n", name, line, err)
	return errStop
}

// flush adds the stories gathered. AddBatch analyses them on all cores and
// gives the results Add would; at a story it rejects, Add gives the reason
// in its own words (a rejected story leaves the detector unchanged).
func (rd *reader) flush() error {
	batch := rd.batch
	rd.batch, rd.size = nil, 0
	stories := make([]dedup.Story, len(batch))
	for i := range batch {
		stories[i] = batch[i].story
	}
	for len(stories) > 0 {
		rs, err := rd.c.det.AddBatch(stories)
		for i, r := range rs {
			rd.c.add(stories[i], rd.isHTML(stories[i].Text), r)
		}
		if err == nil || len(rs) >= len(stories) {
			break
		}
		k := len(rs)
		line := batch[len(batch)-len(stories)+k].line
		if r, err := rd.c.det.Add(stories[k]); err != nil {
			if err := rd.bad(rd.curName, line, err); err != nil {
				return err
			}
		} else {
			rd.c.add(stories[k], rd.isHTML(stories[k].Text), r)
		}
		stories = stories[k+1:]
	}
	if len(rd.c.stories)-rd.c.pruned >= pruneEvery {
		rd.c.prune()
	}
	return nil
}

// rejection is a story the detector rejected in a -batch run.
type rejection struct {
	i   int // in reader.all
	err error
}

// judge judges the stories read, with -batch, as one collection:
// dedup.Batch adds them to a detector made with cfg in the order of their
// dates, then ids, whatever the order of the input, and the collection
// takes them in that order. A story the detector rejects is a bad line,
// reported once all are judged, so that the rejections come in input order
// as they would in a stream: the first stops the run unless bad lines are
// skipped.
func (rd *reader) judge(ctx context.Context, cfg dedup.Config) error {
	stories := make(dedup.Stories, len(rd.all))
	for i := range rd.all {
		stories[i] = rd.all[i].story
	}
	var rejected []rejection
	_, err := dedup.Batch(ctx, cfg, stories, func(i int, r dedup.Result, err error) error {
		if err != nil {
			rejected = append(rejected, rejection{i, err})
			return nil
		}
		rd.c.add(stories[i], rd.isHTML(stories[i].Text), r)
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(rejected, func(a, b rejection) int { return cmp.Compare(a.i, b.i) })
	for _, r := range rejected {
		if err := rd.bad(rd.names[r.i], rd.all[r.i].line, r.err); err != nil {
			return err
		}
	}
	rd.all, rd.names = nil, nil
	return nil
}

// add records a story and its verdict.
func (c *collection) add(s dedup.Story, html bool, r dedup.Result) {
	pos := len(c.stories)
	e := entry{story: s, html: html, res: r, matches: make([]int, len(r.Matches))}
	for i, m := range r.Matches {
		k, ok := c.latest[m.ID]
		if !ok {
			k = -1
		} else {
			c.stories[k].needed = true
		}
		e.matches[i] = k
	}
	c.latest[s.ID] = pos
	e.group = c.groupFor(r, e.matches)
	c.stories = append(c.stories, e)
	g := c.groups[e.group]
	g.members = append(g.members, pos)
	if len(g.members) == 1 {
		c.single = append(c.single, pos)
	}
	for _, id := range r.Merged {
		c.merge(e.group, id)
	}
}

// merge moves the stories of the group of cluster id into group into: the
// story just added merged that cluster into its own.
func (c *collection) merge(into int, id string) {
	from, ok := c.groupOf[id]
	if !ok || from == into {
		return
	}
	g, f := c.groups[into], c.groups[from]
	for _, pos := range f.members {
		c.stories[pos].group = into
	}
	g.members = append(g.members, f.members...)
	slices.Sort(g.members)
	g.merged = append(g.merged, id)
	f.members = nil
	delete(c.groupOf, id)
}

// live returns the groups that have stories: those no other merged.
func (c *collection) live() []*group {
	out := make([]*group, 0, len(c.groups))
	for _, g := range c.groups {
		if len(g.members) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// groupFor returns the group a story with verdict r joins, creating it for
// a new story that starts its own cluster. (A new story of a batch run can
// name an older cluster, into which batch mode's second look merged its
// own: it joins that one.) Cluster ids are story ids, which may come back
// once their story has left the window, so the group is looked for first
// among those of the stories matched.
func (c *collection) groupFor(r dedup.Result, matches []int) int {
	if r.Kind == dedup.New && r.Cluster == r.ID {
		c.groups = append(c.groups, &group{id: r.Cluster})
		c.groupOf[r.Cluster] = len(c.groups) - 1
		return len(c.groups) - 1
	}
	for _, k := range matches {
		if k >= 0 && c.groups[c.stories[k].group].id == r.Cluster {
			return c.stories[k].group
		}
	}
	if g, ok := c.groupOf[r.Cluster]; ok {
		return g
	}
	// A cluster the run has not seen start (the detector never reports
	// one, but a page must not lose the story): a group of its own.
	c.groups = append(c.groups, &group{id: r.Cluster})
	c.groupOf[r.Cluster] = len(c.groups) - 1
	return len(c.groups) - 1
}

// prune drops the texts of single stories that have left the detector: no
// later story can match them, and the page lists single stories without
// their text. The texts of the stories held are shared with the detector,
// so the texts the run keeps on its own are those of stories in clusters of
// two or more, of stories another one matched, and of at most pruneEvery
// single stories that left since the last prune.
func (c *collection) prune() {
	c.pruned = len(c.stories)
	keep := c.single[:0]
	for _, pos := range c.single {
		e := &c.stories[pos]
		switch {
		case len(c.groups[e.group].members) > 1 || e.needed:
			// Shown on the page: keep its text, and stop watching it.
		case c.held(pos):
			keep = append(keep, pos)
		default:
			e.story.Text = ""
			e.dropped = true
		}
	}
	clear(c.single[len(keep):])
	c.single = keep
}

// held reports whether the story at pos is still in the detector (with
// -batch, whose detector the collection does not see, every story is).
func (c *collection) held(pos int) bool {
	id := c.stories[pos].story.ID
	if c.latest[id] != pos {
		return false
	}
	if c.det == nil {
		return true
	}
	_, ok := c.det.ClusterOf(id)
	return ok
}
