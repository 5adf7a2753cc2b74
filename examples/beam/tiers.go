package main

import (
	"cmp"
	"context"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

// shardDocsFn emits a story under every shard that holds it: its home shard
// and those whose context before them it lies in.
type shardDocsFn struct {
	S Settings
}

// ProcessElement emits d under its shards.
func (fn *shardDocsFn) ProcessElement(d Doc, emit func(int64, Doc)) {
	for _, sh := range fn.S.shards(d.Story.Time, d.Story.Dated, fn.S.ShardContext) {
		emit(sh, d)
	}
}

// shardLabelledFn is shardDocsFn for stories with their copy clusters.
type shardLabelledFn struct {
	S Settings
}

// ProcessElement emits d under its shards.
func (fn *shardLabelledFn) ProcessElement(d LabelledDoc, emit func(int64, LabelledDoc)) {
	for _, sh := range fn.S.shards(d.Doc.Story.Time, d.Doc.Story.Dated, fn.S.ShardContext) {
		emit(sh, d)
	}
}

var (
	copyLinks  = beam.NewCounter("newsdup", "copy_links")
	storyLinks = beam.NewCounter("newsdup", "story_links")
	pairsToDo  = beam.NewCounter("newsdup", "candidate_pairs")
)

// copyTierFn verifies the candidate pairs of one time shard.
type copyTierFn struct {
	S Settings

	rules rules
}

// Setup makes the rules of the worker.
func (fn *copyTierFn) Setup() error {
	var err error
	fn.rules, err = newDetectorRules(fn.S)
	return err
}

// ProcessElement verifies the pairs of one shard.
func (fn *copyTierFn) ProcessElement(ctx context.Context, shard int64, docs func(*Doc) bool, pairs func(*Pair) bool, emit func(CopyLink)) error {
	var ps []Pair
	var p Pair
	for pairs(&p) {
		ps = append(ps, p)
	}
	if len(ps) == 0 {
		return nil
	}
	pairsToDo.Inc(ctx, int64(len(ps)))
	ds, home := fn.collect(shard, docs)
	links, err := fn.rules.copies(ds, home, ps)
	if err != nil {
		return err
	}
	for _, l := range links {
		emit(l)
	}
	copyLinks.Inc(ctx, int64(len(links)))
	return nil
}

// collect reads a shard's stories in key order and says which are at home.
func (fn *copyTierFn) collect(shard int64, docs func(*Doc) bool) ([]Doc, []bool) {
	var ds []Doc
	var d Doc
	for docs(&d) {
		ds = append(ds, d)
	}
	slices.SortFunc(ds, func(a, b Doc) int { return cmp.Compare(a.Key, b.Key) })
	home := make([]bool, len(ds))
	for i, d := range ds {
		home[i] = fn.S.homeShard(d.Story.Time, d.Story.Dated) == shard
	}
	return ds, home
}

// storyTierFn decides the story tier of one time shard.
type storyTierFn struct {
	S Settings

	rules rules
}

// Setup makes the rules of the worker.
func (fn *storyTierFn) Setup() error {
	var err error
	fn.rules, err = newDetectorRules(fn.S)
	return err
}

// ProcessElement decides the story tier of one shard.
func (fn *storyTierFn) ProcessElement(ctx context.Context, shard int64, docs func(*LabelledDoc) bool, emit func(StoryLink)) error {
	var ds []LabelledDoc
	var d LabelledDoc
	for docs(&d) {
		ds = append(ds, d)
	}
	slices.SortFunc(ds, func(a, b LabelledDoc) int { return cmp.Compare(a.Doc.Key, b.Doc.Key) })
	home := make([]bool, len(ds))
	for i, d := range ds {
		home[i] = fn.S.homeShard(d.Doc.Story.Time, d.Doc.Story.Dated) == shard
	}
	links, err := fn.rules.stories(ds, home)
	if err != nil {
		return err
	}
	for _, l := range links {
		emit(l)
	}
	storyLinks.Inc(ctx, int64(len(links)))
	return nil
}
