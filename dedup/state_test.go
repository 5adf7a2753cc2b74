package dedup

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/dedup/cluster"
)

func TestWindow(t *testing.T) {
	// No lateness beyond what the stream shows, so that what leaves is
	// what falls out of the window.
	d := newDetector(t, Config{Window: 24 * time.Hour, Lateness: -1})
	start := time.Date(2021, 12, 20, 12, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(3, 4))
	const perHour = 10
	tick := 0
	at := func(tick int) time.Time { return start.Add(time.Duration(tick) * time.Hour / perHour) }
	// feed adds perHour stories an hour, until the stream is hours on.
	feed := func(hours int) {
		for ; tick < hours*perHour; tick++ {
			_, err := d.Add(Story{ID: fmt.Sprint("filler-", tick), Time: at(tick), Text: randomText(rng, 40)})
			require.NoError(t, err)
		}
	}
	feed(timeSamples / perHour) // enough for the stream to show it comes in order
	agency, rewrite := seedStories(t)
	agency.Time = at(tick)
	_, err := d.Add(agency)
	require.NoError(t, err)
	rewrite.Time = agency.Time.Add(12 * time.Hour) // within the window
	r, err := d.Add(rewrite)
	require.NoError(t, err)
	assert.Equal(t, SameStory, r.Kind)
	_, err = d.Add(Story{ID: "undated", Text: "An undated note on harbour traffic and ferry timetables."})
	require.NoError(t, err)

	// Three days later the agency story, the rewrite and the undated note
	// (held under the stream's time when it came) have left; a copy of the
	// agency story is no copy, but the same story: its cluster stays
	// joinable for the story horizon.
	feed(tick/perHour + 72)
	_, ok := d.ClusterOf(seedAgency)
	assert.False(t, ok)
	_, ok = d.ClusterOf("undated")
	assert.False(t, ok)
	held := 24*perHour + timeSamples/100 // the window, and the stories above the stream's time
	assert.InDelta(t, held, d.Len(), 5)
	again := agency
	again.ID, again.Time = "agency-again", at(tick)
	r, err = d.Add(again)
	require.NoError(t, err)
	assert.Equal(t, SameStory, r.Kind)
	assert.Equal(t, seedAgency, r.Cluster)
	assert.False(t, r.Late)

	// A story published three days before it is no copy of it, whenever it
	// comes; it comes after stories of its own window left, so it is late,
	// and it leaves at once.
	old := agency
	old.ID = "old-copy"
	r, err = d.Add(old)
	require.NoError(t, err)
	assert.NotEqual(t, Copy, r.Kind)
	assert.True(t, r.Late)
	_, ok = d.ClusterOf("old-copy")
	assert.False(t, ok)
}

// Two stories are copies only when published within the window of each
// other, and versions of one story within the story horizon, in whichever
// order they come.
func TestTimeIsTheStories(t *testing.T) {
	agency, _ := seedStories(t)
	day := func(n int) time.Time { return time.Date(2021, 12, 20+n, 12, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		name     string
		gap      int // days between the two
		reversed bool
		want     Kind
	}{
		{"two days apart, in order", 2, false, Copy},
		{"two days apart, the later first", 2, true, Copy},
		// Beyond the window, within the story horizon: the same story.
		{"four days apart, in order", 4, false, SameStory},
		{"four days apart, the later first", 4, true, SameStory},
		{"eight days apart, in order", 8, false, New},
		{"eight days apart, the later first", 8, true, New},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := newDetector(t, Config{})
			a, b := agency, agency
			a.ID, a.Time = "a", day(0)
			b.ID, b.Time = "b", day(c.gap)
			if c.reversed {
				a, b = b, a
			}
			_, err := d.Add(a)
			require.NoError(t, err)
			r, err := d.Add(b)
			require.NoError(t, err)
			assert.Equal(t, c.want, r.Kind)
			assert.False(t, r.Late)
		})
	}
	t.Run("an undated story is compared with every story held", func(t *testing.T) {
		d := newDetector(t, Config{})
		a := agency
		a.ID, a.Time = "a", day(0)
		_, err := d.Add(a)
		require.NoError(t, err)
		b := agency
		b.ID, b.Time = "undated", time.Time{}
		r, err := d.Add(b)
		require.NoError(t, err)
		assert.Equal(t, Copy, r.Kind)
	})
}

// One story dated far ahead of the others does not push the stories held
// out of the detector.
func TestOutlierDateMovesNothing(t *testing.T) {
	agency, _ := seedStories(t)
	d := newDetector(t, Config{})
	start := time.Date(2021, 12, 1, 12, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(5, 6))
	at := func(h int) time.Time { return start.Add(time.Duration(h) * time.Hour) }
	for h := range 2 * minSamples {
		_, err := d.Add(Story{ID: fmt.Sprint("filler-", h), Time: at(h), Text: randomText(rng, 40)})
		require.NoError(t, err)
	}
	a := agency
	a.ID, a.Time = "a", at(2*minSamples)
	_, err := d.Add(a)
	require.NoError(t, err)
	held := d.Len()
	for i := range 3 {
		_, err = d.Add(Story{ID: fmt.Sprint("outlier-", i), Time: fixedClock(), Text: "A story with a wrong date, years ahead of the feed."})
		require.NoError(t, err)
	}
	assert.GreaterOrEqual(t, d.Len(), held, "nothing left")
	b := agency
	b.ID, b.Time = "b", a.Time.Add(24*time.Hour)
	r, err := d.Add(b)
	require.NoError(t, err)
	assert.Equal(t, Copy, r.Kind)
	assert.Equal(t, "a", r.Cluster)
	assert.False(t, r.Late)
}

// A feed out of order keeps what it needs: the lateness allowed grows with
// the lateness the stream shows, so stories shuffled over months still meet
// their copies.
func TestShuffledStreamKeepsItsWindows(t *testing.T) {
	base := time.Date(2021, 1, 1, 12, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	var stories []Story
	for i := range 60 {
		t0 := base.Add(time.Duration(i) * 5 * 24 * time.Hour)
		s := Story{ID: fmt.Sprint("a", i), Time: t0, Text: randomText(rng, 150)}
		c := s
		c.ID, c.Time = fmt.Sprint("c", i), t0.Add(24*time.Hour)
		stories = append(stories, s, c)
	}
	rng.Shuffle(len(stories), func(i, j int) { stories[i], stories[j] = stories[j], stories[i] })
	d := newDetector(t, Config{})
	copies, late := 0, 0
	for _, s := range stories {
		r, err := d.Add(s)
		require.NoError(t, err)
		if r.Kind == Copy {
			copies++
			for _, m := range r.Matches {
				if m.Kind == Copy {
					assert.Equal(t, s.ID[1:], m.ID[1:], "%s copies %s", s.ID, m.ID)
				}
			}
		}
		if r.Late {
			late++
		}
	}
	t.Logf("%d copies, %d late", copies, late)
	assert.GreaterOrEqual(t, copies, 55, "of 60 copy pairs")
}

func TestClusterIDStableWhenFirstStoryLeaves(t *testing.T) {
	d := newDetector(t, Config{})
	agency, rewrite := seedStories(t)
	_, err := d.Add(agency)
	require.NoError(t, err)
	_, err = d.Add(rewrite)
	require.NoError(t, err)
	require.NoError(t, d.Remove(seedAgency))
	c, ok := d.ClusterOf(seedRewrite)
	require.True(t, ok)
	assert.Equal(t, seedAgency, c.ID)
	assert.Equal(t, []string{seedRewrite}, c.Stories)

	copyOf := agency
	copyOf.ID = "copy"
	r, err := d.Add(copyOf)
	require.NoError(t, err)
	assert.Equal(t, SameStory, r.Kind, "the copied story is gone; its rewrite remains")
	assert.Equal(t, seedAgency, r.Cluster)
}

func TestMaxStories(t *testing.T) {
	d := newDetector(t, Config{MaxStories: 3})
	for i := 0; i < 10; i++ {
		_, err := d.Add(Story{ID: fmt.Sprint(i), Text: fmt.Sprintf("Story number %d about topic %d.", i, i*7919)})
		require.NoError(t, err)
		assert.LessOrEqual(t, d.Len(), 3)
	}
	ids := map[string]bool{}
	for _, c := range d.Clusters() {
		for _, id := range c.Stories {
			ids[id] = true
		}
	}
	assert.Equal(t, map[string]bool{"7": true, "8": true, "9": true}, ids)
}

// randomText returns a text of n words drawn from a vocabulary of made-up
// words, in sentences.
func randomText(rng *rand.Rand, n int) string {
	const syllables = "ka lo mi ne ru ta so vi pe da gu ri ho ze ma"
	syl := strings.Fields(syllables)
	var b strings.Builder
	for i := range n {
		for range 2 + rng.IntN(2) {
			b.WriteString(syl[rng.IntN(len(syl))])
		}
		if i%12 == 11 {
			b.WriteString(".\n")
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// Two hundred Reuters stories spread over 1987, each with an exact copy
// dated a day later, streamed in date order, shuffled, and in date order
// behind one story dated years ahead: each time the copies are found.
func TestReutersCopiesInAnyOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("reads Reuters-21578")
	}
	var dated []Story
	for _, s := range readJSONL(t, dataset(t, "NEWSDUP_REUTERS", "reuters21578/articles.jsonl")) {
		if !s.Time.IsZero() && len(strings.Fields(s.Text)) >= 60 {
			dated = append(dated, s.Story)
		}
	}
	require.Greater(t, len(dated), 2000)
	slices.SortStableFunc(dated, func(a, b Story) int { return a.Time.Compare(b.Time) })
	var stories []Story
	for i := range 200 {
		s := dated[i*len(dated)/200]
		c := s
		c.ID, c.Time = s.ID+"-copy", s.Time.Add(24*time.Hour)
		stories = append(stories, s, c)
	}
	count := func(t *testing.T, stories []Story) (found, late int) {
		d := newDetector(t, Config{})
		for _, s := range stories {
			r, err := d.Add(s)
			require.NoError(t, err)
			if r.Late {
				late++
			}
			orig, isCopy := strings.CutSuffix(s.ID, "-copy")
			if !isCopy {
				orig = s.ID + "-copy" // the copy came first
			}
			for _, m := range r.Matches {
				if m.Kind == Copy && m.ID == orig {
					found++
					break
				}
			}
		}
		return found, late
	}
	sorted := slices.Clone(stories)
	slices.SortStableFunc(sorted, func(a, b Story) int { return a.Time.Compare(b.Time) })
	t.Run("date order", func(t *testing.T) {
		found, late := count(t, sorted)
		t.Logf("%d copies found, %d late", found, late)
		assert.GreaterOrEqual(t, found, 198)
		assert.Zero(t, late)
	})
	t.Run("shuffled", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(11, 12))
		for range 5 {
			shuffled := slices.Clone(stories)
			rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			found, late := count(t, shuffled)
			t.Logf("%d copies found, %d late", found, late)
			assert.GreaterOrEqual(t, found, 195)
		}
	})
	t.Run("one story dated years ahead", func(t *testing.T) {
		outlier := Story{ID: "outlier", Time: fixedClock(), Text: "A story whose date is wrong by decades, in the first lines of the feed."}
		found, late := count(t, slices.Insert(slices.Clone(sorted), 2, outlier))
		t.Logf("%d copies found, %d late", found, late)
		assert.GreaterOrEqual(t, found, 198)
		assert.Zero(t, late)
	})
}

// A cluster stays joinable as the same story for StoryHorizon after its
// latest story, after its stories left the window, with a similarity that
// needs to be higher the further away; then it leaves.
func TestStoryHorizon(t *testing.T) {
	agency, rewrite := seedStories(t)
	for _, c := range []struct {
		name  string
		days  int
		want  Kind
		score func(float64) bool
	}{
		{"two days later", 2, SameStory, nil},
		{"five days later", 5, SameStory, nil},
		{"nine days later", 9, New, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := newDetector(t, Config{})
			feed, a := fedAgency(t, d, agency)
			later := a.Time.Add(time.Duration(c.days) * 24 * time.Hour)
			feed.until(later)
			_, held := d.ClusterOf(a.ID)
			assert.Equal(t, c.days < 4, held, "the agency story is held for the window and the lateness")
			r := rewrite
			r.Time = later
			res, err := d.Add(r)
			require.NoError(t, err)
			assert.Equal(t, c.want, res.Kind)
			if c.want == SameStory {
				assert.Equal(t, a.ID, res.Cluster)
			}
		})
	}
	t.Run("the similarity needed grows with the gap", func(t *testing.T) {
		d := newDetector(t, Config{})
		near, far := time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 12, 6, 0, 0, 0, 0, time.UTC)
		a := agency
		a.Time = near
		_, err := d.Add(a)
		require.NoError(t, err)
		r1, r2 := rewrite, rewrite
		r1.ID, r1.Time = "near", near.Add(24*time.Hour)
		r2.ID, r2.Time = "far", far
		q1, err := d.Query(r1)
		require.NoError(t, err)
		q2, err := d.Query(r2)
		require.NoError(t, err)
		require.Equal(t, SameStory, q1.Kind)
		assert.Less(t, q2.Score, q1.Score)
	})
}

// Past the story horizon a cluster is kept in outline until EventHorizon
// after its latest story, and a story that names the day of its event
// joins it, with no penalty for the time between them; one that names no
// day, or another day, does not.
func TestEventHorizon(t *testing.T) {
	agency, rewrite := seedStories(t)
	for _, c := range []struct {
		name   string
		days   int
		named  int // days before the agency story's date that the follow-up names (-1: none, 100: three days)
		config Config
		want   Kind
	}{
		{"20 days later, naming its day", 20, 0, Config{}, SameStory},
		{"20 days later, naming the day before", 20, 1, Config{}, SameStory},
		// Ten days before: the agency story's "Thursday" names a day of the
		// week before it, which is a day of its event (see reportWindow).
		{"20 days later, naming another day", 20, 10, Config{}, New},
		{"20 days later, naming no day", 20, -1, Config{}, New},
		{"20 days later, naming its day among three", 20, 100, Config{}, New},
		{"40 days later, naming its day", 40, 0, Config{}, New},
		{"20 days later, naming its day, event horizon off", 20, 0, Config{EventHorizon: -1}, New},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := newDetector(t, c.config)
			feed, a := fedAgency(t, d, agency)
			later := a.Time.Add(time.Duration(c.days) * 24 * time.Hour)
			feed.until(later)
			r := rewrite
			r.Time = later
			switch {
			case c.named == 100:
				r.Text = naming(r.Text, a.Time, a.Time.AddDate(0, 0, 3), a.Time.AddDate(0, 0, 9))
			case c.named >= 0:
				r.Text = naming(r.Text, a.Time.AddDate(0, 0, -c.named))
			}
			res, err := d.Add(r)
			require.NoError(t, err)
			assert.Equal(t, c.want, res.Kind, "score %.3f", res.Score)
			if c.want == SameStory {
				assert.Equal(t, a.ID, res.Cluster)
			}
		})
	}
	t.Run("in outline", func(t *testing.T) {
		d := newDetector(t, Config{})
		feed, a := fedAgency(t, d, agency)
		key := d.st.stories.get(a.ID).cl.key
		// The stream's watermark is Window and Lateness behind its latest story.
		behind := DefaultWindow + DefaultLateness + 24*time.Hour
		feed.until(a.Time.Add(DefaultStoryHorizon + behind))
		cl := d.st.clusters[key]
		require.NotNil(t, cl, "kept past the story horizon")
		assert.True(t, cl.late)
		assert.LessOrEqual(t, cl.centroid.Terms(), lateTerms)
		assert.Zero(t, cl.indexed.Len(), "out of the story index")
		r := rewrite
		r.Time = feed.next()
		r.Text = naming(r.Text, a.Time)
		p, err := d.prep.prepare(r)
		require.NoError(t, err)
		f := featuresOf(d.st, p)
		found := func() bool {
			return slices.ContainsFunc(d.st.lateCandidates(nil, f), func(c cluster.Candidate) bool { return c.Cluster == key })
		}
		assert.True(t, found(), "found by its day")
		f.days = []int32{dayOf(a.Time) + 1}
		assert.False(t, found(), "not by the day after")
		feed.until(a.Time.Add(DefaultEventHorizon + behind))
		assert.Nil(t, d.st.clusters[key], "dropped past the event horizon")
		checkClusterSums(t, d.st)
	})
}

// fedAgency feeds a detector an hour of fillers for each hour of the
// stream until its watermark can move, then the agency story, dated then.
// It returns the filler, to move the stream on, and the story as added.
func fedAgency(t *testing.T, d *Detector, agency Story) (*filler, Story) {
	t.Helper()
	feed := newFiller(t, d, 7)
	feed.until(feed.start.Add(minSamples * time.Hour))
	agency.Time = feed.next()
	_, err := d.Add(agency)
	require.NoError(t, err)
	return feed, agency
}

// naming returns text under a first paragraph that names the days given
// ("Update on the talks of Dec. 6, Dec. 9 and Dec. 15.").
func naming(text string, days ...time.Time) string {
	names := make([]string, len(days))
	for i, d := range days {
		names[i] = d.Format("Jan. 2")
	}
	list := names[len(names)-1]
	if len(names) > 1 {
		list = strings.Join(names[:len(names)-1], ", ") + " and " + list
	}
	return "Update on the talks of " + list + ".\n\n" + text
}

// A cluster fed for weeks, one version a day with words of its own, keeps a
// summary the size of the stories it holds and the first summaryStories to
// leave: its memory does not grow with its age. Each version is still the
// same story as the cluster.
func TestSummaryBounded(t *testing.T) {
	agency, _ := seedStories(t)
	d := newDetector(t, Config{})
	filler := newFiller(t, d, 9)
	filler.until(filler.start.Add(minSamples * time.Hour))
	paras := paragraphs(agency.Text)
	var cl *clusterRec
	for day := range 40 {
		at := filler.next()
		v := Story{ID: fmt.Sprint("version-", day), Time: at,
			Text: strings.Join(paras[:len(paras)-1], "\n\n") + "\n\n" + randomText(filler.rng, 30)}
		r, err := d.Add(v)
		require.NoError(t, err)
		if day > 0 {
			require.NotEqual(t, New, r.Kind, "version %d", day)
			require.Equal(t, "version-0", r.Cluster, "version %d", day)
		}
		cl = d.st.stories.get(v.ID).cl
		filler.until(at.Add(24 * time.Hour))
	}
	require.Less(t, cl.members.Len(), 10, "most versions have left the window")
	assert.Equal(t, summaryStories, cl.kept)
	assert.Equal(t, cl.members.Len()+summaryStories, cl.centroid.Len(), "the summary counts the stories held and the first to leave")
	var most int
	for _, l := range d.st.clLines.View(cl.lines) {
		most = max(most, int(l.n))
	}
	assert.LessOrEqual(t, most, cl.members.Len()+summaryStories)
}

// filler adds unrelated stories to a detector, one an hour from start, so
// that a test moves the stream's time and its window along.
type filler struct {
	t     *testing.T
	d     *Detector
	rng   *rand.Rand
	start time.Time
	h     int // fillers added
}

func newFiller(t *testing.T, d *Detector, seed uint64) *filler {
	return &filler{t: t, d: d, rng: rand.New(rand.NewPCG(seed, seed+1)), start: time.Date(2021, 12, 1, 12, 0, 0, 0, time.UTC)}
}

// next returns the time of the next filler.
func (f *filler) next() time.Time { return f.start.Add(time.Duration(f.h) * time.Hour) }

// until adds the fillers due up to end.
func (f *filler) until(end time.Time) {
	for ; !f.next().After(end); f.h++ {
		_, err := f.d.Add(Story{ID: fmt.Sprint("filler-", f.h), Time: f.next(), Text: randomText(f.rng, 40)})
		require.NoError(f.t, err)
	}
}

// TestHandleTable checks that handles are distinct while held, that each
// finds its story, and that freed handles are given out again.
func TestHandleTable(t *testing.T) {
	var tab handleTable
	recs := make([]*storyRec, 3*heapPage)
	handles := make([]uint32, len(recs))
	seen := make(map[uint32]bool)
	for i := range recs {
		recs[i] = &storyRec{seq: uint64(i)}
		handles[i] = tab.add(recs[i])
		require.NotZero(t, handles[i])
		require.False(t, seen[handles[i]], "handle %d given twice", handles[i])
		seen[handles[i]] = true
	}
	for i, h := range handles {
		require.Same(t, recs[i], tab.get(h))
	}
	for i := 0; i < len(recs); i += 2 {
		tab.remove(handles[i])
	}
	again := tab.add(&storyRec{})
	assert.Equal(t, handles[len(recs)-2], again, "the last handle freed is given out first")
	assert.Equal(t, uint32(len(recs)), tab.n, "no new handle while freed ones remain")
	for i := 1; i < len(recs); i += 2 {
		require.Same(t, recs[i], tab.get(handles[i]))
	}
}
