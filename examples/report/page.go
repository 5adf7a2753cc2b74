package main

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/examples/internal/cli"
)

// defaultMaxClusters is the default of -max-clusters.
const defaultMaxClusters = 1000

// openClusters is the number of clusters, from the top of the page, whose
// side-by-side texts are shown open; those of the others are one click away
// (in closed details elements), so a long page can be scrolled through by
// headlines.
const openClusters = 25

// maxSources bounds the sources offered in the filter box.
const maxSources = 500

// page is everything the page template shows.
type page struct {
	Title    string
	Inputs   []string
	Summary  summary
	Timeline timeline
	Clusters []clusterView
	// MoreClusters is the number of clusters of two or more stories not
	// shown (beyond -max-clusters).
	MoreClusters int
	Singles      []storyView
	MoreSingles  int
	Sources      []string
	Settings     []setting
	MaxClusters  int
	Order        string
	Batch        bool // the input was judged as one collection (-batch)
}

// summary is the head of the page.
type summary struct {
	Stories, Skipped          int
	Clusters, Multi, Single   int
	InMulti                   int // stories in clusters of two or more
	New, Copies, Same         int
	Late                      int // stories whose Result says Late
	LateNote                  string
	Undated                   int
	First, Last, Span         string
	Sizes                     []sizeRow
	FirstMachine, LastMachine string
}

// sizeRow is one row of the clusters-by-size table.
type sizeRow struct {
	Label             string
	Clusters, Stories int
}

// clusterView is one cluster on the page.
type clusterView struct {
	Anchor   string
	ID       string
	Headline string
	Size     int
	Copies   int
	Same     int
	Span     string
	Open     bool
	Sources  string // its stories' sources, one a line, for the filter
	Kinds    string // "multi", the verdicts of its stories and "late" if one is, for the filter
	// Merged lists the ids of the clusters that merged into this one, so
	// the page can say what merged.
	Merged  []string
	Stories []storyView
}

// storyView is one story on the page.
type storyView struct {
	Anchor  string
	ID      string
	When    string // as shown: UTC, a day alone when the time is midnight
	Machine string // for the datetime attribute; "" when undated
	Source  string
	Title   string
	Kind    string // new, copy or same_story: a CSS class and a filter value
	Verdict string // as shown
	Late    bool   // it came after stories of its window had been let go
	Score   string
	Why     string
	Match   *storyRef
	Pair    *pairView
	Open    bool // the pair is shown open
	Others  []otherMatch
	Merged  []string
}

// storyRef names a matched story; Anchor is "" when it is not on the page.
type storyRef struct {
	Anchor, ID, Source string
}

// pairView is a story's text beside the text of the story it matched.
type pairView struct {
	Left, Right       textView
	Quotes, Passages  int
	LeftID, RightID   string
	RightWhen, Source string
}

// otherMatch is a further match of a story, listed without its text.
type otherMatch struct {
	Ref      storyRef
	Verdict  string
	Score    string
	Quotes   []string
	Passages int
}

// setting is one detector setting, shown at the foot of the page so an
// archived page says what produced it.
type setting struct{ Name, Value string }

var verdictWords = map[dedup.Kind]string{dedup.New: "new", dedup.Copy: "copy", dedup.SameStory: "same story"}

// builder turns a collection into a page.
type builder struct {
	c     *collection
	o     options
	cfg   dedup.Config
	shown map[int]bool // stories that have an anchor on the page
}

// buildPage lays out the page for a collection.
func buildPage(c *collection, o options, cfg dedup.Config) page {
	b := &builder{c: c, o: o, cfg: cfg, shown: map[int]bool{}}
	p := page{Title: o.title, Inputs: o.files, MaxClusters: o.maxClusters, Order: o.order, Batch: o.batch}
	if len(p.Inputs) == 0 {
		p.Inputs = []string{"standard input"}
	}
	p.Summary = b.summary()
	var multi, single []*group
	for _, g := range c.live() {
		if len(g.members) > 1 {
			multi = append(multi, g)
		} else {
			single = append(single, g)
		}
	}
	b.sortGroups(multi)
	b.sortGroups(single)
	if len(multi) > o.maxClusters {
		p.MoreClusters = len(multi) - o.maxClusters
		multi = multi[:o.maxClusters]
	}
	if len(single) > o.maxClusters {
		p.MoreSingles = len(single) - o.maxClusters
		single = single[:o.maxClusters]
	}
	// Anchors first, so that a story links to any story on the page.
	for _, g := range multi {
		for _, pos := range g.members {
			b.shown[pos] = true
		}
	}
	for _, g := range single {
		b.shown[g.members[0]] = true
	}
	sources := map[string]bool{}
	for i, g := range multi {
		cv := b.cluster(g, i < openClusters)
		p.Clusters = append(p.Clusters, cv)
		for _, s := range cv.Stories {
			sources[s.Source] = true
		}
	}
	for _, g := range single {
		sv := b.story(g.members[0], false)
		p.Singles = append(p.Singles, sv)
		sources[sv.Source] = true
	}
	delete(sources, "")
	for s := range sources {
		p.Sources = append(p.Sources, s)
	}
	slices.Sort(p.Sources)
	p.Sources = p.Sources[:min(len(p.Sources), maxSources)]
	p.Timeline = b.timeline(multi)
	p.Settings = settings(cfg)
	return p
}

func (b *builder) summary() summary {
	var s summary
	s.Stories = len(b.c.stories)
	s.Skipped = b.c.skipped
	live := b.c.live()
	s.Clusters = len(live)
	var first, last time.Time
	for _, e := range b.c.stories {
		if e.res.Late {
			s.Late++
		}
		switch e.res.Kind {
		case dedup.New:
			s.New++
		case dedup.Copy:
			s.Copies++
		case dedup.SameStory:
			s.Same++
		}
		t := e.story.Time
		switch {
		case t.IsZero():
			s.Undated++
		case first.IsZero():
			first, last = t, t
		default:
			if t.Before(first) {
				first = t
			}
			if t.After(last) {
				last = t
			}
		}
	}
	s.LateNote = lateNote(s.Late)
	if !first.IsZero() {
		s.First, s.Last = when(first), when(last)
		s.FirstMachine, s.LastMachine = machine(first), machine(last)
		if last.After(first) {
			s.Span = duration(last.Sub(first))
		}
	}
	bins := []struct {
		label  string
		lo, hi int
	}{
		{"1", 1, 1}, {"2", 2, 2}, {"3", 3, 3}, {"4–5", 4, 5}, {"6–10", 6, 10},
		{"11–20", 11, 20}, {"21–50", 21, 50}, {"51 or more", 51, math.MaxInt},
	}
	rows := make([]sizeRow, len(bins))
	for _, g := range live {
		n := len(g.members)
		if n > 1 {
			s.Multi++
			s.InMulti += n
		} else {
			s.Single++
		}
		for i, bin := range bins {
			if n >= bin.lo && n <= bin.hi {
				rows[i].Clusters++
				rows[i].Stories += n
			}
		}
	}
	for i, r := range rows {
		if r.Clusters > 0 {
			r.Label = bins[i].label
			s.Sizes = append(s.Sizes, r)
		}
	}
	return s
}

// last returns the time of a group's latest dated story, zero when none is
// dated.
func (b *builder) last(g *group) time.Time {
	var t time.Time
	for _, pos := range g.members {
		if st := b.c.stories[pos].story.Time; st.After(t) {
			t = st
		}
	}
	return t
}

// sortGroups orders groups for the page: largest first (then the most
// recent), or with -order recent the most recent first (then the largest);
// clusters of undated stories only come last, and ties keep the order in
// which the clusters started.
func (b *builder) sortGroups(gs []*group) {
	last := make(map[*group]time.Time, len(gs))
	for _, g := range gs {
		last[g] = b.last(g)
	}
	first := func(g *group) int { return g.members[0] }
	slices.SortStableFunc(gs, func(x, y *group) int {
		bySize := cmp.Compare(len(y.members), len(x.members))
		var byTime int
		if lx, ly := last[x], last[y]; lx.IsZero() != ly.IsZero() {
			byTime = cmp.Compare(boolInt(lx.IsZero()), boolInt(ly.IsZero()))
		} else {
			byTime = ly.Compare(lx)
		}
		if b.o.order == orderRecent {
			bySize, byTime = byTime, bySize
		}
		if bySize != 0 {
			return bySize
		}
		if byTime != 0 {
			return byTime
		}
		return cmp.Compare(first(x), first(y))
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// timeOrder returns a group's members in time order: dated stories by date,
// then undated ones, each in arrival order among equals.
func (b *builder) timeOrder(g *group) []int {
	out := slices.Clone(g.members)
	slices.SortStableFunc(out, func(x, y int) int {
		tx, ty := b.c.stories[x].story.Time, b.c.stories[y].story.Time
		if tx.IsZero() != ty.IsZero() {
			return cmp.Compare(boolInt(tx.IsZero()), boolInt(ty.IsZero()))
		}
		return tx.Compare(ty)
	})
	return out
}

func (b *builder) cluster(g *group, open bool) clusterView {
	order := b.timeOrder(g)
	cv := clusterView{
		Anchor:   fmt.Sprintf("c%d", g.members[0]),
		ID:       g.id,
		Headline: b.headline(g),
		Size:     len(g.members),
		Open:     open,
		Merged:   g.merged,
	}
	var first, last time.Time
	kinds := map[string]bool{"multi": true}
	var sources []string
	for _, pos := range order {
		sv := b.story(pos, true)
		sv.Open = open
		cv.Stories = append(cv.Stories, sv)
		kinds[sv.Kind] = true
		if sv.Late {
			kinds["late"] = true
		}
		if sv.Source != "" && !slices.Contains(sources, sv.Source) {
			sources = append(sources, sv.Source)
		}
		switch b.c.stories[pos].res.Kind {
		case dedup.Copy:
			cv.Copies++
		case dedup.SameStory:
			cv.Same++
		}
		if t := b.c.stories[pos].story.Time; !t.IsZero() {
			if first.IsZero() || t.Before(first) {
				first = t
			}
			if t.After(last) {
				last = t
			}
		}
	}
	switch {
	case first.IsZero():
		cv.Span = "undated"
	case first.Equal(last):
		cv.Span = when(first)
	default:
		cv.Span = when(first) + " – " + when(last) + " (" + duration(last.Sub(first)) + ")"
	}
	var ks []string
	for k := range kinds {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	cv.Kinds = strings.Join(ks, " ")
	cv.Sources = strings.Join(sources, "\n")
	return cv
}

// headline names a cluster: the title of its first story with one, else the
// start of its first story's text.
func (b *builder) headline(g *group) string {
	for _, pos := range g.members {
		e := b.c.stories[pos]
		if t := plain(e.story.Title, b.isHTML(e.story.Title)); t != "" {
			return clip(t, 140)
		}
	}
	e := b.c.stories[g.members[0]]
	if e.story.Text != "" {
		return clip(plain(e.story.Text, e.html), 100)
	}
	return e.story.ID
}

func (b *builder) isHTML(s string) bool {
	switch b.cfg.HTML {
	case dedup.HTMLAlways:
		return true
	case dedup.HTMLNever:
		return false
	}
	return dedup.LooksLikeHTML(s)
}

func (b *builder) ref(pos int) storyRef {
	e := b.c.stories[pos]
	r := storyRef{ID: e.story.ID, Source: e.story.Source}
	if b.shown[pos] {
		r.Anchor = fmt.Sprintf("s%d", pos)
	}
	return r
}

// story lays out one story; with texts, a copy or same-story version gets
// its text beside the text of the story it matched.
func (b *builder) story(pos int, texts bool) storyView {
	e := b.c.stories[pos]
	r := e.res
	sv := storyView{
		Anchor:  fmt.Sprintf("s%d", pos),
		ID:      e.story.ID,
		When:    when(e.story.Time),
		Machine: machine(e.story.Time),
		Source:  e.story.Source,
		Title:   clip(plain(e.story.Title, b.isHTML(e.story.Title)), 300),
		Kind:    r.Kind.String(),
		Verdict: verdictWords[r.Kind],
		Late:    r.Late,
		Merged:  r.Merged,
	}
	if r.Kind != dedup.New {
		sv.Score = fmt.Sprintf("%.2f", r.Score)
	}
	if len(r.Matches) == 0 {
		return sv
	}
	m := r.Matches[0]
	other := e.matches[0]
	if other >= 0 {
		ref := b.ref(other)
		sv.Match = &ref
	} else {
		sv.Match = &storyRef{ID: m.ID}
	}
	sv.Why = b.why(e, m, other)
	if texts {
		sv.Pair = b.pair(e, m, other)
	}
	for i, om := range r.Matches[1:] {
		o := otherMatch{Verdict: verdictWords[om.Kind], Score: fmt.Sprintf("%.2f", om.Score), Ref: storyRef{ID: om.ID}}
		if k := e.matches[i+1]; k >= 0 {
			o.Ref = b.ref(k)
		}
		for _, ps := range om.Passages {
			if ps.Quote {
				o.Quotes = append(o.Quotes, clip(strings.Join(strings.Fields(ps.Text), " "), 120))
			} else {
				o.Passages++
			}
		}
		sv.Others = append(sv.Others, o)
	}
	return sv
}

// why says in words what the first match means.
func (b *builder) why(e entry, m dedup.Match, other int) string {
	quotes, passages := 0, 0
	for _, p := range m.Passages {
		if p.Quote {
			quotes++
		} else {
			passages++
		}
	}
	shares := ""
	switch {
	case quotes > 0 && passages > 0:
		shares = fmt.Sprintf("; they share %s and %s", count(quotes, "quote", "quotes"), count(passages, "other passage", "other passages"))
	case quotes > 0:
		shares = fmt.Sprintf("; they share %s", count(quotes, "quote", "quotes"))
	case passages > 0:
		shares = fmt.Sprintf("; they share %s", count(passages, "passage", "passages"))
	default:
		shares = "; they share no quote and no long passage"
	}
	if m.Kind == dedup.Copy {
		// Containment is measured on the shorter text.
		share := fmt.Sprintf("%.0f%%", math.Round(m.Containment*100))
		if other >= 0 && !b.c.stories[other].dropped && words(b.c.stories[other].story.Text) < words(e.story.Text) {
			return fmt.Sprintf("Copy of %s: %s of its text appears in this story (Jaccard %.2f)%s.", m.ID, share, m.Jaccard, shares)
		}
		return fmt.Sprintf("Copy of %s: %s of this story's text appears in it (Jaccard %.2f)%s.", m.ID, share, m.Jaccard, shares)
	}
	s := fmt.Sprintf("Same story as %s: similarity %.2f to it", m.ID, m.Similarity)
	if e.res.Kind == dedup.SameStory {
		s += fmt.Sprintf(", %.2f to the cluster as a whole", e.res.Score)
	}
	return s + shares + "."
}

// lateNote says what n late stories mean, "" when there are none.
func lateNote(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "1 story came after stories of its window had been let go: it was compared with the stories still held, and may have missed copies or versions among those let go"
	}
	return fmt.Sprintf("%d stories came after stories of their window had been let go: they were compared with the stories still held, and may have missed copies or versions among those let go", n)
}

func words(s string) int { return len(strings.Fields(s)) }

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// pair lays out a story's text beside the text of the story it matched,
// with the passages they share highlighted in both, and each one's lines of
// site boilerplate dimmed.
func (b *builder) pair(e entry, m dedup.Match, other int) *pairView {
	pv := &pairView{LeftID: e.story.ID, RightID: m.ID}
	var left, right []span
	for _, p := range m.Passages {
		left = append(left, span{p.Start, p.End, p.Quote})
		right = append(right, span{p.MatchStart, p.MatchEnd, p.Quote})
		if p.Quote {
			pv.Quotes++
		} else {
			pv.Passages++
		}
	}
	pv.Left = view(e.story.Text, e.html, left, boilerSpans(e.res))
	if other < 0 || b.c.stories[other].dropped {
		pv.Right.Missing = true
		return pv
	}
	o := b.c.stories[other]
	pv.RightWhen, pv.Source = when(o.story.Time), o.story.Source
	pv.Right = view(o.story.Text, o.html, right, boilerSpans(o.res))
	return pv
}

// boilerSpans returns the lines of a story's text that the detector took for
// site boilerplate when it judged the story (what it had learned by then),
// to be dimmed.
func boilerSpans(r dedup.Result) []span {
	out := make([]span, len(r.Boilerplate))
	for i, s := range r.Boilerplate {
		out[i] = span{start: s.Start, end: s.End}
	}
	return out
}

// when shows a time: UTC, the day alone when the time is midnight, "undated"
// for the zero time.
func when(t time.Time) string {
	if t.IsZero() {
		return "undated"
	}
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04")
}

// machine is a time for a datetime attribute.
func machine(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// duration shows a time span in the largest unit that fits.
func duration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return count(int(d/time.Minute), "minute", "minutes")
	case d < 48*time.Hour:
		return count(int(d/time.Hour), "hour", "hours")
	}
	return count(int(d/(24*time.Hour)), "day", "days")
}

// settings lists the detector's settings that decide the verdicts.
func settings(c dedup.Config) []setting {
	window := "off"
	if c.Window > 0 {
		window = c.Window.String()
	}
	return []setting{
		{"language", c.Language},
		{"html", cli.HTML{M: &c.HTML}.String()},
		{"window", window},
		{"lateness", cli.Lateness{D: &c.Lateness}.String()},
		{"same-story", fmt.Sprint(c.SameStoryThreshold)},
		{"copy-containment", fmt.Sprint(c.CopyContainment)},
		{"copy-jaccard", fmt.Sprint(c.CopyJaccard)},
		{"min-shared", fmt.Sprint(c.MinSharedShingles)},
		{"boilerplate", fmt.Sprint(c.BoilerplateStories)},
		{"shingle", fmt.Sprint(c.ShingleSize)},
		{"max-matches", fmt.Sprint(c.MaxMatches)},
		{"max-passages", fmt.Sprint(c.MaxPassages)},
	}
}
