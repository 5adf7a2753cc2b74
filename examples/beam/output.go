package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"

	"github.com/newsdup/newsdup/dedup"
)

// verdict is one output line: the cluster command's output line.
type verdict struct {
	ID      string     `json:"id"`
	Cluster string     `json:"cluster"`
	Kind    dedup.Kind `json:"kind"`
	Score   score      `json:"score"`
	Matches []match    `json:"matches"`
}

type match struct {
	ID    string     `json:"id"`
	Kind  dedup.Kind `json:"kind"`
	Score score      `json:"score"`
}

// score is a similarity written with at most 4 decimals.
type score float64

// MarshalJSON writes s rounded to 4 decimals, or null if it is not finite.
func (s score) MarshalJSON() ([]byte, error) {
	f := float64(s)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, math.Round(f*1e4)/1e4, 'f', -1, 64), nil
}

// OutLine is an output line and the input position of its story.
type OutLine struct {
	File, Line int64
	JSON       string
}

// verdictFn joins what the pipeline found about one story into its output
// line: its cluster's root, the copy links to stories before it and its
// story-tier link.
//
// kind is "copy" when the copy tier verified a copy of an earlier story,
// else "same_story" when the story tier joined it to an earlier story,
// else "new"; cluster is the id of the earliest story of its cluster, which
// for a new story can be an earlier story when later stories joined the two.
type verdictFn struct {
	S Settings
}

// ProcessElement joins the findings about the story of key.
func (fn *verdictFn) ProcessElement(key string, docs func(*Doc) bool, roots func(*string) bool, copies func(*CopyLink) bool, links func(*StoryLink) bool, emit func(int, OutLine)) error {
	var d Doc
	if !docs(&d) {
		return nil // a key that only links name: not reached
	}
	root := key
	var r string
	if roots(&r) {
		root = r
	}
	var cs []CopyLink
	var c CopyLink
	for copies(&c) {
		cs = append(cs, c)
	}
	var sl *StoryLink // at most one: a story is decided once
	var l StoryLink
	for links(&l) {
		link := l
		sl = &link
	}
	v := fn.verdict(d.Story.ID, root, cs, sl)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	emit(outputShard(d.Story.ID, fn.S.OutputShards), OutLine{File: d.Story.File, Line: d.Story.Line, JSON: string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))})
	return nil
}

// verdict builds the output line of a story.
func (fn *verdictFn) verdict(id, root string, cs []CopyLink, sl *StoryLink) verdict {
	v := verdict{ID: id, Cluster: idOf(root), Kind: dedup.New, Matches: []match{}}
	// Best copy first, as the detector lists them: by containment plus
	// Jaccard, then the earliest.
	slices.SortFunc(cs, func(a, b CopyLink) int {
		return cmp.Or(cmp.Compare(b.Containment+b.Jaccard, a.Containment+a.Jaccard), cmp.Compare(a.A, b.A))
	})
	for _, c := range cs {
		if len(v.Matches) == fn.S.MaxMatches {
			break
		}
		v.Matches = append(v.Matches, match{ID: idOf(c.A), Kind: dedup.Copy, Score: score(max(c.Jaccard, c.Containment))})
	}
	switch {
	case len(cs) > 0:
		v.Kind, v.Score = dedup.Copy, score(max(cs[0].Jaccard, cs[0].Containment))
	case sl != nil:
		v.Kind, v.Score = dedup.SameStory, score(sl.Score)
	}
	if sl != nil && sl.Listed && len(v.Matches) < fn.S.MaxMatches && !slices.ContainsFunc(cs, func(c CopyLink) bool { return c.A == sl.To }) {
		v.Matches = append(v.Matches, match{ID: idOf(sl.To), Kind: dedup.SameStory, Score: score(sl.MatchScore)})
	}
	return v
}

// outputShard returns the output file of a story.
func outputShard(id string, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(n))
}

// outputName returns the name of output file i.
func (s Settings) outputName(i int) string {
	if s.OutputShards <= 1 {
		return s.Output
	}
	return fmt.Sprintf("%s-%05d-of-%05d.jsonl", s.Output, i, s.OutputShards)
}

// writeFn writes one output file: its lines in input order (file, line).
// Every file is written, empty if no story went to it.
type writeFn struct {
	S Settings
}

var linesWritten = beam.NewCounter("newsdup", "lines_written")

// ProcessElement writes output file shard.
func (fn *writeFn) ProcessElement(ctx context.Context, shard int, lines func(*OutLine) bool, _ func(*int) bool) error {
	var all []OutLine
	var l OutLine
	for lines(&l) {
		all = append(all, l)
	}
	slices.SortFunc(all, func(a, b OutLine) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	name := fn.S.outputName(shard)
	fs, err := filesystem.New(ctx, name)
	if err != nil {
		return err
	}
	defer fs.Close()
	f, err := fs.OpenWrite(ctx, name)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for _, l := range all {
		w.WriteString(l.JSON)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	linesWritten.Inc(ctx, int64(len(all)))
	return nil
}
