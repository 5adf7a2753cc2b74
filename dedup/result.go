package dedup

import (
	"cmp"
	"slices"
)

// matchMembers is the number of a cluster's latest members among which a
// Result lists those most similar to the story: a cluster of thousands of
// versions must not make each new version cost thousands of comparisons.
const matchMembers = 64

// resultOf builds the Result of a decision against the state it was made
// on. rec is the story's record when it was added, nil for a query. The
// passage job it returns, nil when passages are not wanted, finds the shared
// passages once the state can change again (findPassages).
func resultOf(st *state, p *prepared, f *features, dec decision, rec *storyRec) (Result, *passageJob) {
	r := Result{ID: p.story.ID, Kind: dec.kind, Score: dec.score, Late: dec.late}
	for i, l := range p.lines {
		if f.boiler[i] {
			r.Boilerplate = append(r.Boilerplate, Span{l.Start, l.End})
		}
	}
	switch {
	case dec.cl != nil:
		r.Cluster = dec.cl.id
	case rec != nil:
		r.Cluster = rec.cl.id
	default:
		r.Cluster = p.story.ID
	}
	for _, m := range dec.merged {
		r.Merged = append(r.Merged, m.id)
	}
	job := &passageJob{text: p.story.Text, words: f.words, ids: f.ids, quotes: p.quotes}
	add := func(m *storyRec, kind Kind, j, c, sim float64) {
		score := sim
		if kind == Copy {
			score = max(j, c)
		}
		r.Matches = append(r.Matches, Match{ID: m.id, Kind: kind, Score: score, Jaccard: j, Containment: c, Similarity: sim})
		job.others = append(job.others, m)
	}
	listed := map[*storyRec]bool{}
	if rec != nil {
		listed[rec] = true
	}
	for _, c := range dec.copies {
		if len(r.Matches) == st.cfg.MaxMatches {
			break
		}
		add(c.rec, Copy, c.jaccard, c.containment, c.rec.vec(st.vocab).dot(f.vec))
		listed[c.rec] = true
	}
	if dec.cl != nil && len(r.Matches) < st.cfg.MaxMatches {
		type scored struct {
			m   *storyRec
			sim float64
		}
		var others []scored
		members := st.members.View(dec.cl.members)
		for _, m := range members[max(0, len(members)-matchMembers):] {
			// The story itself is rec when it was added (and listed); a
			// story only queried may have a held namesake, known by its id.
			if !listed[m] && (rec != nil || m.id != p.story.ID) {
				others = append(others, scored{m, m.vec(st.vocab).dot(f.vec)})
			}
		}
		slices.SortFunc(others, func(a, b scored) int {
			if c := cmp.Compare(b.sim, a.sim); c != 0 {
				return c
			}
			return cmp.Compare(a.m.seq, b.m.seq)
		})
		for _, o := range others[:min(len(others), st.cfg.MaxMatches-len(r.Matches))] {
			j, c, _ := f.probeSet(st).overlap(st.vocab, o.m)
			add(o.m, SameStory, j, c, o.sim)
		}
	}
	if st.cfg.NoPassages || len(r.Matches) == 0 {
		return r, nil
	}
	job.readIDs(st.vocab)
	return r, job
}
