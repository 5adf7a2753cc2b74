package dedup

// decision is the verdict on a story against the state.
type decision struct {
	kind   Kind
	cl     *clusterRec // the cluster joined; nil for a new story
	score  float64
	copies []copyMatch
	late   bool // stories of its window may have left already
	// merged are the clusters that the story shows to be one story with
	// cl, merged into it when the story is added: cl is the oldest of them.
	merged []*clusterRec
}

// decide compares a story with the state, reading it only: the copy tier
// first, then the story tier. skip names a story to leave out (a Query of a
// held id).
func decide(st *state, p *prepared, f *features, skip string) decision {
	t := p.story.Time
	late := st.time.late(t)
	cands := st.terms.CandidatesFunc(nil, f.top, f.topW, storyCandidates, func(key uint64) bool {
		return st.clusterNear(t, f.days, st.clusters[key])
	})
	cands = st.lateCandidates(cands, f)
	if copies := findCopies(st, p, f, cands, skip); len(copies) > 0 {
		best := copies[0]
		return decision{kind: Copy, cl: best.rec.cl, score: max(best.jaccard, best.containment), copies: copies, late: late}
	}
	if cl, score, scored := bestCluster(st, p, f, cands, skip); cl != nil && (score >= st.cfg.SameStoryThreshold || namesEvent(st, p, f, cl, score, scored)) {
		dec := decision{kind: SameStory, cl: cl, score: score, late: late}
		dec.cl, dec.merged = fragments(st, cl, scored)
		return dec
	}
	return decision{kind: New, late: late}
}
