package main

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

func init() {
	for _, t := range []any{Story{}, FileRef{}, Doc{}, Member{}, Pair{}, CopyLink{}, StoryLink{}, LabelledDoc{}, OutLine{}} {
		beam.RegisterType(reflectType(t))
	}
	register.DoFn3x1[context.Context, FileRef, func(string, Story), error](&readFn{})
	register.DoFn5x1[context.Context, string, func(*Story) bool, func(Doc), func(string, Member), error](&analyseFn{})
	register.DoFn4x0[context.Context, string, func(*Member) bool, func(string, Pair)](&pairFn{})
	register.Function3x0(firstPairFn)
	register.DoFn2x0[Doc, func(int64, Doc)](&shardDocsFn{})
	register.DoFn2x0[LabelledDoc, func(int64, LabelledDoc)](&shardLabelledFn{})
	register.DoFn5x1[context.Context, int64, func(*Doc) bool, func(*Pair) bool, func(CopyLink), error](&copyTierFn{})
	register.DoFn4x1[context.Context, int64, func(*LabelledDoc) bool, func(StoryLink), error](&storyTierFn{})
	register.Function3x0(bothWaysFn)
	register.Function3x0(largeStarFn)
	register.Function3x0(smallStarFn)
	register.DoFn3x1[string, func(*string) bool, func(string, string), error](&rootFn{})
	register.Function2x0(copyEdgeFn)
	register.Function2x0(storyEdgeFn)
	register.Function2x0(keyDocFn)
	register.Function4x0(labelFn)
	register.Function2x0(labelKeyFn)
	register.Function4x0(rootOfFn)
	register.Function2x0(copyByLaterFn)
	register.Function2x0(linkByFromFn)
	register.DoFn6x1[string, func(*Doc) bool, func(*string) bool, func(*CopyLink) bool, func(*StoryLink) bool, func(int, OutLine), error](&verdictFn{})
	register.Function2x0(markFn)
	register.DoFn4x1[context.Context, int, func(*OutLine) bool, func(*int) bool, error](&writeFn{})

	register.Emitter2[string, Story]()
	register.Emitter1[Doc]()
	register.Emitter2[string, Member]()
	register.Emitter2[string, Pair]()
	register.Emitter2[int64, Pair]()
	register.Emitter2[int64, Doc]()
	register.Emitter2[int64, LabelledDoc]()
	register.Emitter1[CopyLink]()
	register.Emitter1[StoryLink]()
	register.Emitter2[string, string]()
	register.Emitter2[string, Doc]()
	register.Emitter1[LabelledDoc]()
	register.Emitter2[string, CopyLink]()
	register.Emitter2[string, StoryLink]()
	register.Emitter2[int, OutLine]()
	register.Emitter2[int, int]()
	register.Iter1[Story]()
	register.Iter1[Member]()
	register.Iter1[Pair]()
	register.Iter1[Doc]()
	register.Iter1[LabelledDoc]()
	register.Iter1[string]()
	register.Iter1[CopyLink]()
	register.Iter1[StoryLink]()
	register.Iter1[OutLine]()
	register.Iter1[int]()
}

// buildPipeline adds the stages to s. The README describes each and what
// it scales with.
func buildPipeline(s beam.Scope, o Settings, files []FileRef) {
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	// 1. Read, and analyse each story under its id.
	byID := beam.ParDo(s.Scope("read"), &readFn{S: o}, beam.CreateList(s, files))
	docs, entries := beam.ParDo2(s.Scope("analyse"), &analyseFn{S: o, Files: names}, beam.GroupByKey(s, byID))

	// 2. Candidate pairs: stories sharing an LSH band, an anchor shingle or
	// a SimHash block within a time shard, each pair once.
	sc := s.Scope("candidates")
	pairs := beam.ParDo(sc, &pairFn{S: o}, beam.GroupByKey(sc, entries))
	pairsByShard := beam.ParDo(sc, firstPairFn, beam.GroupByKey(sc, pairs))

	// 3. Copy tier: verify the pairs, shard by shard; copy clusters are the
	// connected components of the copies.
	sc = s.Scope("copies")
	docsByShard := beam.ParDo(sc, &shardDocsFn{S: o}, docs)
	copies := beam.ParDo(sc, &copyTierFn{S: o}, beam.CoGroupByKey(sc, docsByShard, pairsByShard))
	copyRoots := components(sc, beam.ParDo(sc, copyEdgeFn, copies), o.CCRounds)
	docsByKey := beam.ParDo(sc, keyDocFn, docs)
	labelled := beam.ParDo(sc, labelFn, beam.CoGroupByKey(sc, docsByKey, copyRoots))

	// 4. Story tier, shard by shard, and the clusters: the connected
	// components of copy clusters joined by story links.
	sc = s.Scope("stories")
	links := beam.ParDo(sc, &storyTierFn{S: o}, beam.GroupByKey(sc, beam.ParDo(sc, &shardLabelledFn{S: o}, labelled)))
	labelRoots := components(sc, beam.ParDo(sc, storyEdgeFn, links), o.CCRounds)
	roots := beam.ParDo(sc, rootOfFn, beam.CoGroupByKey(sc, beam.ParDo(sc, labelKeyFn, labelled), labelRoots))

	// 5. One verdict per story, written in input order.
	sc = s.Scope("write")
	out := beam.ParDo(sc, &verdictFn{S: o}, beam.CoGroupByKey(sc, docsByKey, roots,
		beam.ParDo(sc, copyByLaterFn, copies), beam.ParDo(sc, linkByFromFn, links)))
	shards := make([]int, o.OutputShards)
	for i := range shards {
		shards[i] = i
	}
	markers := beam.ParDo(sc, markFn, beam.CreateList(sc, shards))
	beam.ParDo0(sc, &writeFn{S: o}, beam.CoGroupByKey(sc, out, markers))
}

// copyEdgeFn is the graph edge of a copy link.
func copyEdgeFn(l CopyLink, emit func(string, string)) { emit(l.A, l.B) }

// storyEdgeFn is the edge between copy clusters of a story link, and those
// to the copy clusters of the clusters it merged.
func storyEdgeFn(l StoryLink, emit func(string, string)) {
	if l.FromLabel != l.ToLabel {
		emit(l.FromLabel, l.ToLabel)
	}
	for _, m := range l.Merged {
		if m != l.FromLabel {
			emit(l.FromLabel, m)
		}
	}
}

func keyDocFn(d Doc, emit func(string, Doc)) { emit(d.Key, d) }

// labelFn gives a story its copy cluster: the root of its component, or
// itself when it has no copy.
func labelFn(key string, docs func(*Doc) bool, roots func(*string) bool, emit func(LabelledDoc)) {
	label := key
	var r string
	if roots(&r) {
		label = r
	}
	var d Doc
	for docs(&d) {
		emit(LabelledDoc{Doc: d, Label: label})
	}
}

func labelKeyFn(d LabelledDoc, emit func(string, string)) { emit(d.Label, d.Doc.Key) }

// rootOfFn gives the stories of a copy cluster the root of the cluster's
// component in the story graph, or the copy cluster itself.
func rootOfFn(label string, keys func(*string) bool, roots func(*string) bool, emit func(string, string)) {
	root := label
	var r string
	if roots(&r) {
		root = r
	}
	var k string
	for keys(&k) {
		emit(k, root)
	}
}

func copyByLaterFn(l CopyLink, emit func(string, CopyLink)) { emit(l.B, l) }

func linkByFromFn(l StoryLink, emit func(string, StoryLink)) { emit(l.From, l) }

func markFn(i int, emit func(int, int)) { emit(i, i) }
