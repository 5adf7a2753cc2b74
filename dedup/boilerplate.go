package dedup

import "github.com/newsdup/newsdup/shingle"

// Site boilerplate (newsletter sign-ups, "Check also" links, author boxes,
// share-button text) is learned from the stream: a line that has appeared in
// stories of Config.BoilerplateStories different clusters is boilerplate, and
// the lines of a story that are boilerplate are left out of everything the
// story is compared on. Counting clusters rather than stories matters: an
// agency story republished by ten outlets puts its lines in ten stories, but
// all of them in one cluster, so its text is never mistaken for boilerplate.

// maxBoilerplateStories bounds Config.BoilerplateStories, so that a line's
// record stays small.
const maxBoilerplateStories = 8

// lineStat records the clusters a line has been seen in.
type lineStat struct {
	n        uint8                             // distinct clusters, saturating at the threshold
	clusters [maxBoilerplateStories - 1]uint32 // the first n of them (low 32 bits of the cluster key)
}

// lineGeneration is the number of distinct lines a generation of the line
// table holds; the table holds at most twice as many (65,536 lines a
// generation, about 8 MB in all), whatever the length of the stream.
const lineGeneration = 1 << 16

// lineTable holds the line records in two generations, so that memory stays
// bounded without a scan: lines are recorded in cur, a line found in prev is
// copied into cur when seen again, and when cur is full, prev is dropped
// whole and cur becomes prev. Lines that keep recurring, as site furniture
// does, are never dropped; a line seen once is forgotten after between one
// and two generations of other lines. The table is not tied to the time
// window: furniture learned last month is still furniture.
type lineTable struct {
	cur, prev map[uint64]lineStat
}

func newLineTable() *lineTable {
	return &lineTable{cur: make(map[uint64]lineStat), prev: make(map[uint64]lineStat)}
}

func (t *lineTable) get(h uint64) (lineStat, bool) {
	if s, ok := t.cur[h]; ok {
		return s, true
	}
	s, ok := t.prev[h]
	return s, ok
}

func (t *lineTable) put(h uint64, s lineStat) {
	t.cur[h] = s
	if len(t.cur) >= lineGeneration {
		t.prev, t.cur = t.cur, make(map[uint64]lineStat)
	}
}

// each calls f for every line recorded, once.
func (t *lineTable) each(f func(h uint64, s lineStat)) {
	for h, s := range t.cur {
		f(h, s)
	}
	for h, s := range t.prev {
		if _, ok := t.cur[h]; !ok {
			f(h, s)
		}
	}
}

// isBoilerplate reports whether a line with this hash is boilerplate.
func (st *state) isBoilerplate(h uint64) bool {
	s, ok := st.lines.get(h)
	return ok && int(s.n) >= st.cfg.BoilerplateStories
}

// learnLines records the lines of a story that joined cluster key c.
func (st *state) learnLines(lines []shingle.Line, c uint64) {
	for _, l := range lines {
		s, _ := st.lines.get(l.Hash)
		if int(s.n) < st.cfg.BoilerplateStories {
			known := false
			for _, x := range s.clusters[:s.n] {
				if x == uint32(c) {
					known = true
					break
				}
			}
			if !known {
				if int(s.n) < len(s.clusters) {
					s.clusters[s.n] = uint32(c)
				}
				s.n++
			}
		}
		st.lines.put(l.Hash, s)
	}
}

// boilerplateLines returns the number of distinct lines treated as site
// boilerplate.
func (st *state) boilerplateLines() int {
	n := 0
	st.lines.each(func(_ uint64, s lineStat) {
		if int(s.n) >= st.cfg.BoilerplateStories {
			n++
		}
	})
	return n
}
