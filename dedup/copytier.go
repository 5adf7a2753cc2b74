package dedup

import (
	"cmp"
	"slices"

	"github.com/newsdup/newsdup/dedup/cluster"
	"github.com/newsdup/newsdup/dedup/minhash"
	"github.com/newsdup/newsdup/shingle"
)

// The copy tier: a story is a copy of a held story when their exact shingle
// sets agree (Config.CopyJaccard or Config.CopyContainment, at least
// Config.MinSharedShingles shared, figures that agree), or when it is a
// partial copy (see partialCopy). Candidates come from the MinHash LSH
// index (and the SimHash index when that has too few), the latest members
// of the clusters most alike in terms and, when those hold no copy, the
// anchor index and the latest members of the cluster of the story holding
// the most anchors; each source is bounded, so the cost of a story does
// not grow with the stories held.
const (
	copyClusters      = 2  // best candidate clusters whose members are checked for copies
	copyMembers       = 16 // latest members of each of them checked
	maxCopyCandidates = 64 // candidates from each signature index checked
	// enoughCopies is the number of copies found after which no more
	// candidates are checked: a story republished hundreds of times is a
	// copy of its cluster as soon as a few of them say so, and checking
	// the others would make each new copy cost more as the copies pile up.
	enoughCopies = 8

	partialCopyContainment = 0.4 // see partialCopy
	partialCopyShingles    = 15

	// shortCopyShingles is the least number of shingles a short text (one
	// with fewer than Config.MinSharedShingles) must have to be a copy
	// without being identical: all of them shared. Shorter texts, briefs
	// of a few words, are copies only when their words are the same.
	shortCopyShingles = 3
)

// copyMatch is a held story that a story copies, with the exact scores.
type copyMatch struct {
	rec                  *storyRec
	jaccard, containment float64
}

// findCopies returns the held stories that a story copies, best first.
// cands are the story's candidate clusters, best first; skip names a story
// to leave out (a Query of a held id).
func findCopies(st *state, p *prepared, f *features, cands []cluster.Candidate, skip string) []copyMatch {
	if len(f.content) == 0 {
		return nil
	}
	seen := make(map[*storyRec]bool)
	var copies []copyMatch
	check := func(rec *storyRec) {
		if seen[rec] {
			return
		}
		seen[rec] = true
		if rec.id == skip {
			return
		}
		if m, ok := isCopy(st, p, f, rec); ok {
			copies = append(copies, m)
		}
	}
	// Each source gives its candidates published within the window of the
	// story, at most a bounded number of them: a story copied thousands of
	// times must not make each new copy cost thousands of checks.
	t := p.story.Time
	near := func(rec *storyRec) bool { return st.near(t, rec) }
	if len(f.shingles) < st.cfg.MinSharedShingles {
		if rec, ok := st.short[f.identity]; ok && near(rec) {
			check(rec)
		}
		if len(f.shingles) == 0 {
			return sortCopies(copies)
		}
	}
	ids, err := st.lsh.Query(nil, f.sig)
	if err != nil {
		// Only a signature from another hasher is rejected; every
		// signature here comes from the state's hasher.
		panic("dedup: LSH query: " + err.Error())
	}
	enough := func() bool { return len(copies) >= enoughCopies }
	lshNear := 0 // LSH candidates within the window, the latest first
	for i := len(ids) - 1; i >= 0 && lshNear < maxCopyCandidates && !enough(); i-- {
		if rec := st.handles.get(ids[i]); near(rec) {
			check(rec)
			lshNear++
		}
	}
	// The SimHash index backs the LSH index up: it is asked when that gave
	// no candidate within the window, or more than were checked without
	// enough copies among them. Its neighbours (within Hamming distance
	// simhashDistance) are near-identical texts, which share most bands of
	// the LSH index, and its query cost grows with the stories held: its
	// 16-bit keys meet about one item in 65,536 of the index in a probe,
	// more where texts are alike (4 µs an Add at 100,000 held, 28 µs at
	// 900,000, on the stream of examples/scale -variants 10). Asked this
	// way, it gives the verdicts of asking it on every story (examples/scale
	// -n 200000 -days 4 -window 96h, and every figure of examples/evaluate);
	// asked only when the LSH index gave nothing, 4 of those 200,000
	// verdicts changed (copies behind maxCopyCandidates newer versions).
	if lshNear == 0 || lshNear == maxCopyCandidates && !enough() {
		n := 0
		for _, m := range st.sim.Query(nil, f.fp) {
			if n == maxCopyCandidates || enough() {
				break
			}
			if rec := st.handles.get(m.ID); near(rec) {
				check(rec)
				n++
			}
		}
	}
	// latest checks the latest members of a cluster within the window, at
	// most copyMembers of them.
	latest := func(members []*storyRec) {
		for i, n := len(members)-1, 0; i >= 0 && n < copyMembers && !enough(); i-- {
			if m := members[i]; near(m) {
				check(m)
				n++
			}
		}
	}
	for _, c := range cands[:min(len(cands), copyClusters)] {
		latest(st.members.View(st.clusters[c.Cluster].members))
	}
	if len(copies) == 0 {
		// The copies the other sources miss: cut to a few paragraphs of a
		// long story, or dressed in an outlet's own names. Looked for only
		// then, as a copy stream would otherwise pay for checking a
		// story's other copies again.
		anchored := st.anchors.candidates(nil, f.set, near)
		for _, rec := range anchored {
			check(rec)
		}
		// An anchor names only the latest story holding it: when that is
		// another version of the source, the source is in its cluster.
		if len(copies) == 0 && len(anchored) > 0 {
			latest(st.members.View(anchored[0].cl.members))
		}
	}
	return sortCopies(dropCarried(st, f, copies))
}

// sortCopies sorts copies best first: by Jaccard plus containment, then by
// arrival.
func sortCopies(copies []copyMatch) []copyMatch {
	slices.SortFunc(copies, func(a, b copyMatch) int {
		if x := cmp.Compare(b.containment+b.jaccard, a.containment+a.jaccard); x != 0 {
			return x
		}
		return cmp.Compare(a.rec.seq, b.rec.seq)
	})
	return copies
}

// isCopy verifies a candidate on the exact shingle sets.
//
// A short text, with fewer shingles than Config.MinSharedShingles, is a
// copy when its words are those of the other story, once normalised, or
// when it has at least shortCopyShingles shingles and all of them are in
// the other story.
func isCopy(st *state, p *prepared, f *features, rec *storyRec) (copyMatch, bool) {
	probe := f.probeSet(st)
	j, c, shared := probe.overlap(st.vocab, rec)
	need := st.cfg.MinSharedShingles
	if short := min(len(f.set), int(rec.arrays.shingles)); short < need {
		if f.identity == rec.identity && len(f.content) > 0 {
			return copyMatch{rec, 1, 1}, true
		}
		need = max(short, shortCopyShingles)
	}
	whole := j >= st.cfg.CopyJaccard || c >= st.cfg.CopyContainment
	// The cheap tests first: most candidates fail them, and the figure
	// check and partialCopy cost more.
	if shared < need || !whole && !longStretch(c, shared) || numbersConflict(st, f, rec, probe.ids) {
		return copyMatch{}, false
	}
	if !whole && !partialCopy(st, p, f, rec, c, shared) {
		return copyMatch{}, false
	}
	if j < st.cfg.CopyJaccard && int(rec.arrays.shingles) > len(f.set) && carriesOthers(st, f, rec) {
		return copyMatch{}, false
	}
	return copyMatch{rec, j, c}, true
}

// partialCopy reports whether two stories that share less than
// Config.CopyContainment of the smaller one's shingles are still copies: an
// outlet that trimmed the wire story and added paragraphs of its own, a byline
// and its site's furniture. They must share a long stretch of text (at least
// partialCopyShingles shingles and partialCopyContainment of the smaller
// set), and the rest of the story must agree with the other in its words
// (term similarity of at least Config.SameStoryThreshold).
//
// Two different stories from one site share the site's furniture, which
// is left out:
//   - of the rest, the lines that earlier stories of other clusters had word
//     for word, so the furniture is left out as soon as the site's second
//     story has been seen, before it is learned as boilerplate;
//   - of the shared stretch and of the rest, when both stories come from one
//     source, the runs of lines opening and closing the story that the other
//     story has too: the header and footer that a site's second story shares
//     with its first, before any other story has shown them to be
//     furniture. What a partial copy shares with a story of its own site is
//     the wire text inside them.
func partialCopy(st *state, p *prepared, f *features, rec *storyRec, containment float64, shared int) bool {
	if !longStretch(containment, shared) {
		return false
	}
	skip := edgeLines(st, p, rec)
	if skip != nil && !sharesInside(st, p, f, rec, skip) {
		return false
	}
	for _, l := range p.lines {
		if s, seen := st.lines.get(l.Hash); seen && (s.n > 1 || s.clusters[0] != uint32(rec.cl.key)) {
			if skip == nil {
				skip = make(map[uint64]int32)
			}
			skip[l.Hash] = 1
		}
	}
	vec := f.vec
	if skip != nil {
		vec = vector(st, p, f, func(h uint64) bool { _, ok := skip[h]; return ok })
	}
	return rec.vec(st.vocab).dot(vec) >= st.cfg.SameStoryThreshold
}

// edgeLines returns, when a story and rec come from one source, the lines of
// the runs opening and closing the story that rec has too; lines without words
// belong to a run without ending it. It returns nil when there are none.
func edgeLines(st *state, p *prepared, rec *storyRec) map[uint64]int32 {
	if p.story.Source == "" || p.story.Source != st.sources.name(rec.source) {
		return nil
	}
	var edges map[uint64]int32
	edge := func(l shingle.Line) bool {
		if l.Hash == 0 {
			return true
		}
		if !slices.Contains(rec.lines(), lineKey(l.Hash)) {
			return false
		}
		if edges == nil {
			edges = make(map[uint64]int32)
		}
		edges[l.Hash] = 1
		return true
	}
	first := len(p.lines)
	for i, l := range p.lines {
		if !edge(l) {
			first = i
			break
		}
	}
	for i := len(p.lines) - 1; i > first && edge(p.lines[i]); i-- {
	}
	return edges
}

// sharesInside reports whether the lines of a story outside skip and outside
// learned boilerplate share a stretch with rec as long as partialCopy asks
// for.
func sharesInside(st *state, p *prepared, f *features, rec *storyRec, skip map[uint64]int32) bool {
	var ids []uint32
	for i, l := range p.lines {
		if _, ok := skip[l.Hash]; !ok && !f.boiler[i] {
			for _, t := range p.tokens[l.Lo:l.Hi] {
				if t.Flags&shingle.Stop == 0 {
					ids = append(ids, uint32(t.Hash))
				}
			}
		}
	}
	_, containment, shared := minhash.Overlap(copySet(shingleSet(st.cfg.ShingleSize, ids)), f.heldSet(st, rec))
	return longStretch(containment, shared)
}

// longStretch reports whether two stories sharing this many shingles, this
// share of the smaller set, share as long a stretch as a partial copy needs.
func longStretch(containment float64, shared int) bool {
	return containment >= partialCopyContainment && shared >= partialCopyShingles
}

// numbersConflict reports whether the figures of a story and of rec
// disagree: at least two figures of the one with fewer figures, and more than
// a quarter of them, are missing from the other. A trimmed copy keeps a subset
// of the figures; a report written from the same template a week later does
// not.
//
// Only figures told next to a word the other story has count: those of
// sentences both tell. The figures of text only one of them has, such as an
// outlet's dateline ("May 27") or the year of its copyright line, are
// nothing the other disagrees with.
//
// ids are rec's content word ids (storyRec.ids), which the caller has
// decoded already.
func numbersConflict(st *state, f *features, rec *storyRec, ids []uint32) bool {
	// Only figures one story has and the other lacks can be missing: when
	// neither has two of those, nothing the one tells is missing from the
	// other, and the words need not be read.
	other := rec.numbers()
	if both := sharedCount(f.numbers, other); len(f.numbers)-both < 2 && len(other)-both < 2 {
		return false
	}
	a := f.figureContexts().toldBy(rec.vec(st.vocab).has)
	b := figureContextsOf(ids, other).told(f.termIDs)
	if len(a) <= len(b) {
		return figuresMissing(a, other)
	}
	return figuresMissing(b, f.numbers)
}

// sharedCount returns the number of values two sorted slices share.
func sharedCount(a, b []uint32) int {
	_, _, shared := minhash.Overlap(a, b)
	return shared
}

// figuresMissing reports whether at least two of the figures told, and more
// than a quarter of them, are missing from other. Both are sorted.
func figuresMissing(told, other []uint32) bool {
	missing := len(told) - sharedCount(told, other)
	return missing >= 2 && 4*missing > len(told)
}

// figureContext is one figure of a story's words (by term hash or word id)
// with the nearest words before and after it that are not figures
// themselves.
type figureContext[T uint32 | uint64] struct {
	figure, before, after T
	hasBefore, hasAfter   bool
}

// figureContexts lists the figures of a story, in text order, with the
// words around them: what numbersConflict reads of a story's words, read
// once.
type figureContexts[T uint32 | uint64] []figureContext[T]

// figureContextsOf returns the figure contexts of a story's words ids, whose
// figures have the sorted ids numbers.
func figureContextsOf[T uint32 | uint64](ids, numbers []T) figureContexts[T] {
	if len(numbers) == 0 {
		return nil
	}
	// Most words are not figures: a 256-bit filter of the figures answers
	// for most of them without a search.
	var filter [4]uint64
	bit := func(id T) uint64 { return uint64(id) * 0x9E3779B97F4A7C15 >> 56 }
	for _, n := range numbers {
		b := bit(n)
		filter[b>>6] |= 1 << (b & 63)
	}
	isNumber := func(id T) bool {
		if b := bit(id); filter[b>>6]&(1<<(b&63)) == 0 {
			return false
		}
		_, ok := slices.BinarySearch(numbers, id)
		return ok
	}
	var out figureContexts[T]
	last, hasLast := T(0), false // the last word that is not a figure
	run := 0                     // figures since it
	for _, id := range ids {
		if isNumber(id) {
			out = append(out, figureContext[T]{figure: id, before: last, hasBefore: hasLast})
			run++
			continue
		}
		for i := len(out) - run; i < len(out); i++ {
			out[i].after, out[i].hasAfter = id, true
		}
		last, hasLast, run = id, true, 0
	}
	return out
}

// told returns the word ids, sorted and distinct, of the figures whose
// nearest word before or after that is not a figure itself is one of terms
// (sorted): the figures of sentences another story, whose terms those are,
// tells too.
func (c figureContexts[T]) told(terms []T) []uint32 {
	return c.toldBy(func(id T) bool {
		_, ok := slices.BinarySearch(terms, id)
		return ok
	})
}

// toldBy is told, with the terms given by whether they hold a word.
func (c figureContexts[T]) toldBy(in func(T) bool) []uint32 {
	var out []uint32
	for _, x := range c {
		if x.hasBefore && in(x.before) || x.hasAfter && in(x.after) {
			out = append(out, uint32(x.figure))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// termIDs returns the sorted distinct word ids of terms.
func termIDs(terms []uint64) []uint32 {
	ids := make([]uint32, len(terms))
	for i, t := range terms {
		ids[i] = uint32(t)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// Digests. A page that strings several unrelated stories together (a
// morning digest, a roundup, a live page) holds each of them word for word,
// so each of them is contained in it as a trimmed copy is in its original,
// and a digest could pull every story it carries into one cluster. Nothing
// in the digest alone tells it from an original whose lead was copied (the
// rest of an earnings report is figures, as unrelated in words to its lead
// as another story), but two stories it carries tell it: they share no word
// sequence and their words are unrelated, where the copies of one original
// share its lead. So:
//   - a story contained in a held story that already carries an unrelated
//     one, a member of its cluster, is not a copy of it (carriesOthers);
//   - a story that contains unrelated held stories is a copy of none of
//     those it contains (dropCarried).
//
// The first story a digest is seen to carry stays in the digest's cluster:
// until a second comes, the two look like an original and its copy.

// digestSimilarity is the similarity in words below which two stories that
// share no word sequence are taken for unrelated stories.
const digestSimilarity = 0.1

// carriesOthers reports whether rec, a held story that contains a story,
// also contains a story unrelated to it: one of the latest copyMembers
// members of its cluster.
func carriesOthers(st *state, f *features, rec *storyRec) bool {
	members := st.members.View(rec.cl.members)
	for _, m := range members[max(0, len(members)-copyMembers):] {
		if m == rec || m.arrays.shingles >= rec.arrays.shingles {
			continue
		}
		if _, c, _ := minhash.Overlap(f.heldSet(st, m), f.heldSet(st, rec)); c < st.cfg.CopyContainment {
			continue
		}
		if _, _, shared := f.probeSet(st).overlap(st.vocab, m); shared == 0 && m.vec(st.vocab).dot(f.vec) < digestSimilarity {
			return true
		}
	}
	return false
}

// dropCarried returns copies without the held stories that a story contains
// when two of these are unrelated: the story is a digest that carries them,
// and a copy of none.
func dropCarried(st *state, f *features, copies []copyMatch) []copyMatch {
	carried := func(m copyMatch) bool {
		return m.jaccard < st.cfg.CopyJaccard && int(m.rec.arrays.shingles) < len(f.set)
	}
	digest := false
	for i, a := range copies {
		for _, b := range copies[i+1:] {
			if carried(a) && carried(b) && unrelated(st, f, a.rec, b.rec) {
				digest = true
			}
		}
	}
	if !digest {
		return copies
	}
	return slices.DeleteFunc(copies, carried)
}

// unrelated reports whether two held stories share no word sequence and are
// less similar in words than digestSimilarity.
func unrelated(st *state, f *features, a, b *storyRec) bool {
	if _, _, shared := minhash.Overlap(f.heldSet(st, a), f.heldSet(st, b)); shared > 0 {
		return false
	}
	return a.vec(st.vocab).dot(b.vec(st.vocab).vector()) < digestSimilarity
}
