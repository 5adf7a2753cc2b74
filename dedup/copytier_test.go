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
)

// The republication variants of the agency story that outlets produce: each
// must come out as a copy of it.
func TestCopies(t *testing.T) {
	agency, _ := seedStories(t)
	paras := paragraphs(agency.Text)
	header := "Home | World | Politics\nDaily Courier - Your trusted news source"
	footer := "Share this article: Facebook | Twitter | WhatsApp | Email\n\nGet the Morning Briefing in your inbox every weekday. Sign up now.\n\n© 2021 Daily Courier Media Group. All rights reserved."
	edited := strings.NewReplacer("senior US official", "senior American official", "sweeping", "far-reaching",
		"Thursday", "Thursday evening", "increasingly", "ever more", "earlier on", "earlier").Replace(agency.Text)
	cases := []struct {
		name  string
		story Story
	}{
		{"exact", Story{Text: agency.Text}},
		{"cut to its first 40%", Story{Text: strings.Join(paras[:len(paras)*4/10], "\n\n")}},
		{"new headline", Story{Title: "Washington signals January talks with Moscow", Text: strings.Join(paras[1:], "\n\n")}},
		{"byline and dateline", Story{Text: "By Jane Miller\n\nWASHINGTON, Dec 24 (Daily Courier) - " + strings.Join(paras[1:], "\n\n")}},
		{"wrapped in site boilerplate", Story{Text: header + "\n\n" + agency.Text + "\n\n" + footer}},
		{"lightly edited", Story{Text: edited}},
		{"paragraphs swapped", Story{Text: strings.Join(append([]string{paras[3], paras[2], paras[1]}, paras[4:]...), "\n\n")}},
		{"as HTML", Story{Text: "<article><p>" + strings.Join(paras, "</p>\n<p>") + "</p></article>"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := newDetector(t, Config{})
			_, err := d.Add(agency)
			require.NoError(t, err)
			c.story.ID = "copy"
			r, err := d.Add(c.story)
			require.NoError(t, err)
			assert.Equal(t, Copy, r.Kind)
			assert.Equal(t, seedAgency, r.Cluster)
			require.NotEmpty(t, r.Matches)
			assert.Equal(t, seedAgency, r.Matches[0].ID)
			assert.Equal(t, Copy, r.Matches[0].Kind)
			assert.NotEmpty(t, r.Matches[0].Passages)
		})
	}
}

// Reports written from one template a week apart share most of their words
// but not their figures: they are not copies.
func TestTemplateStoriesAreNotCopies(t *testing.T) {
	const template = `The number of Americans filing new claims for unemployment benefits %s %s to a seasonally adjusted %s in the week ended %s, the Labor Department said on Thursday.

The four-week moving average of claims, considered a better measure of labour market trends, %s %s to %s.

The number of people continuing to receive benefits after an initial week of aid %s %s to %s in the week ended %s, the department said.

Economists polled before the report had forecast claims would come in at %s. A department official said there were no special factors influencing the data.`
	week1 := fmt.Sprintf(template, "fell", "3,000", "350,000", "Feb. 21", "rose", "1,250", "352,500", "fell", "14,000", "2.41 million", "Feb. 14", "355,000")
	week2 := fmt.Sprintf(template, "rose", "12,000", "362,000", "Feb. 28", "rose", "2,500", "355,000", "rose", "9,000", "2.42 million", "Feb. 21", "350,000")
	d := newDetector(t, Config{Window: -1})
	_, err := d.Add(Story{ID: "claims-1", Text: week1, Time: time.Date(1987, 2, 26, 8, 30, 0, 0, time.UTC)})
	require.NoError(t, err)
	r, err := d.Add(Story{ID: "claims-2", Text: week2, Time: time.Date(1987, 3, 5, 8, 30, 0, 0, time.UTC)})
	require.NoError(t, err)
	assert.NotEqual(t, Copy, r.Kind)
	for _, m := range r.Matches {
		assert.NotEqual(t, Copy, m.Kind)
	}
	// The same report resent is a copy.
	r, err = d.Add(Story{ID: "claims-2-resend", Text: week2, Time: time.Date(1987, 3, 5, 9, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	assert.Equal(t, Copy, r.Kind)
	assert.Equal(t, "claims-2", r.Matches[0].ID)
}

// In a series told again with new figures (here 32 weekly reports of one
// template), no version is a copy of another, and a version sent again is
// a copy of its own, the oldest as much as the latest, however many
// versions that are not its copies share its text.
func TestSeriesKeepsItsResentVersions(t *testing.T) {
	const template = `Output of the Harrow mills rose to %s tonnes last week, the board said in its weekly report on the state of the northern wool trade, which it has published every Monday since the mills were merged.

Buyers from the coastal towns said demand for heavy cloth held up well through the cold spell, while orders for light cloth slowed as merchants waited for the spring prices to be set by the board at its next meeting.

Stocks at the ports stood at %s tonnes. The board repeated that it would not change its rules on exports before the end of the season, and said the new looms at the western mills would start work as planned.

The board expects output of %s tonnes in the coming week and %s in the month, its chairman told reporters after the meeting.`
	rng := rand.New(rand.NewPCG(7, 8))
	n := func() string { return fmt.Sprint(1000 + rng.IntN(90000)) }
	d := newDetector(t, Config{Window: -1})
	t0 := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	var versions []string
	for i := range 32 {
		text := fmt.Sprintf(template, n(), n(), n(), n())
		r, err := d.Add(Story{ID: fmt.Sprint("week-", i), Text: text, Time: t0.Add(time.Duration(i) * time.Hour)})
		require.NoError(t, err)
		require.NotEqual(t, Copy, r.Kind, "version %d has figures of its own", i)
		versions = append(versions, text)
	}
	later := t0.Add(100 * time.Hour)
	for _, i := range []int{0, 5, len(versions) - 1} {
		r, err := d.Add(Story{ID: fmt.Sprint("resend-", i), Text: versions[i], Time: later})
		require.NoError(t, err)
		assert.Equal(t, Copy, r.Kind, "version %d sent again", i)
		require.NotEmpty(t, r.Matches)
		assert.Equal(t, fmt.Sprint("week-", i), r.Matches[0].ID)
	}
}

// The figures of text only one story has are nothing the other disagrees
// with: a site's copy of a wire story, cut before the paragraph with the
// story's figures, carries the day of its dateline and the year of its
// copyright line.
func TestFiguresOfTheCopysOwnTextAreNoConflict(t *testing.T) {
	agency, _ := seedStories(t)
	paras := paragraphs(agency.Text)
	source := strings.Join(append(paras[2:8:8], "The official said 40 diplomats and 12 military advisers would attend."), "\n\n")
	d := newDetector(t, Config{Window: -1})
	_, err := d.Add(Story{ID: "wire", Text: source})
	require.NoError(t, err)
	cp := "WASHINGTON, December 27 (Daily Courier) - " + strings.Join(paras[2:8], "\n\n") +
		"\n\nCopyright 2021 Daily Courier. All rights reserved."
	r, err := d.Add(Story{ID: "copy", Text: cp})
	require.NoError(t, err)
	assert.Equal(t, Copy, r.Kind)
	assert.Equal(t, "wire", r.Cluster)
}

// A site's second story shares its header and footer with the first before
// any other story has shown them to be furniture. When the stories are short,
// the furniture is most of what they share, as much as a partial copy shares
// with its wire story; but it opens and closes both stories, and a partial
// copy shares text inside them.
func TestSiteFurnitureOfShortStoriesIsNotACopy(t *testing.T) {
	const site = "Harbour Ledger"
	header := "Harbour Ledger | Home | World | Business | Markets | Opinion\n\n" +
		"Sign up for the Harbour Ledger Morning Brief newsletter and get the day's top stories in your inbox.\n\n"
	footer := "\n\nRead more: the latest markets coverage from Harbour Ledger\n\n" +
		"Share this article: Facebook | Twitter | LinkedIn | Email\n\n" +
		"The Harbour Ledger newsroom edits agency copy around the clock; follow our reporters for updates.\n\n" +
		"Copyright 2021 Harbour Ledger. All rights reserved."
	wrap := func(body string) string { return header + body + footer }
	corn := wrap("Farmers who grew oats for their own use will probably be allowed to keep planting them without losing corn programme benefits, an aide to the agriculture secretary said.\n\n" +
		"The aide said a decision was expected before the spring planting season.")
	oil := wrap("The refiner cut its contract prices for crude oil by 1.50 dollars a barrel from Thursday.\n\n" +
		"The reduction brings its posted price for the benchmark grade to 16.00 dollars a barrel, the company said.")
	d := newDetector(t, Config{Window: -1})
	_, err := d.Add(Story{ID: "corn", Source: site, Text: corn})
	require.NoError(t, err)
	r, err := d.Add(Story{ID: "oil", Source: site, Text: oil})
	require.NoError(t, err)
	assert.Equal(t, New, r.Kind, "matches: %+v", r.Matches)

	// The site's trimmed copies of a wire story, with a paragraph of their
	// own, share its header and footer with its earlier story and with each
	// other, and are copies of the wire story.
	agency, _ := seedStories(t)
	paras := paragraphs(agency.Text)
	d = newDetector(t, Config{Window: -1})
	for _, s := range []Story{{ID: "corn", Source: site, Text: corn}, agency} {
		_, err = d.Add(s)
		require.NoError(t, err)
	}
	own := "Local analysts told the Harbour Ledger that markets would watch the January talks closely."
	for i, body := range []string{
		strings.Join(append(paras[:5:5], own), "\n\n"),
		strings.Join(append([]string{own}, paras[1:6]...), "\n\n"),
	} {
		r, err := d.Add(Story{ID: fmt.Sprint("site-copy-", i), Source: site, Text: wrap(body)})
		require.NoError(t, err)
		assert.Equal(t, Copy, r.Kind, "site copy %d", i)
		assert.Equal(t, seedAgency, r.Cluster, "site copy %d", i)
	}
}

// Short texts (briefs, dividend notices) are copies when their words are the
// same, or when every shingle of a text of a few shingles is in the other;
// short texts that differ in a name or a figure are not.
func TestShortCopies(t *testing.T) {
	cases := []struct {
		name string
		a, b string
		want Kind
	}{
		{"identical, 3 words", "Floods hit Valencia", "Floods hit Valencia", Copy},
		{"identical after normalisation, 9 words", "Acme Corp sets quarterly dividend of 10 cts a share", "ACME CORP SETS QUARTERLY DIVIDEND OF 10 CTS A SHARE.", Copy},
		{"identical, 17 words", "Acme Corp said its board declared a quarterly dividend of 10 cts a share, payable April 1 to holders of record March 15",
			"Acme Corp said its board declared a quarterly dividend of 10 cts a share, payable April 1 to holders of record March 15", Copy},
		{"the same brief with a dateline", "Acme Corp said its board declared a quarterly dividend of 10 cts a share, payable April 1",
			"NEW YORK - Acme Corp said its board declared a quarterly dividend of 10 cts a share, payable April 1", Copy},
		{"another company", "Acme Corp sets quarterly dividend of 10 cts a share payable April 1", "Bolt Inc sets quarterly dividend of 10 cts a share payable April 1", New},
		{"other figures", "Acme Corp sets quarterly dividend of 10 cts a share payable April 1", "Acme Corp sets quarterly dividend of 12 cts a share payable May 1", New},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := newDetector(t, Config{})
			_, err := d.Add(Story{ID: "a", Text: c.a})
			require.NoError(t, err)
			r, err := d.Add(Story{ID: "b", Text: c.b})
			require.NoError(t, err)
			if c.want == Copy {
				assert.Equal(t, Copy, r.Kind)
			} else {
				assert.NotEqual(t, Copy, r.Kind)
			}
		})
	}
}

// A digest that strings three unrelated stories together holds each of them
// word for word, but must not pull them into one cluster, whichever comes
// first: the stories it carries stay apart, and copies of them that come
// later join their own originals, not the digest.
func TestDigestDoesNotChainUnrelatedStories(t *testing.T) {
	by := map[string]Story{}
	for _, s := range newsroom(t) {
		by[s.ID] = s.Story
	}
	ids := []string{"quake-taiwan-1", "lira-1", "snow-1"}
	var text strings.Builder
	for _, id := range ids {
		require.Contains(t, by, id)
		text.WriteString(by[id].Title + "\n\n" + by[id].Text + "\n\n")
	}
	t0 := time.Date(2021, 12, 27, 6, 0, 0, 0, time.UTC)
	digest := Story{ID: "digest", Title: "Morning brief", Text: text.String(), Time: t0}
	at := func(s Story, h int) Story { s.Time = t0.Add(time.Duration(h) * time.Hour); return s }

	t.Run("digest first", func(t *testing.T) {
		d := newDetector(t, Config{})
		_, err := d.Add(digest)
		require.NoError(t, err)
		clusters := map[string]bool{}
		for i, id := range ids {
			r, err := d.Add(at(by[id], i+1))
			require.NoError(t, err)
			clusters[r.Cluster] = true
			if i > 0 {
				// The first story carried looks like a trimmed copy of the
				// digest; once it is held, the digest is known to carry
				// unrelated stories and takes no other.
				assert.NotEqual(t, "digest", r.Cluster, id)
				for _, m := range r.Matches {
					assert.NotEqual(t, "digest", m.ID, id)
				}
			}
		}
		assert.Len(t, clusters, len(ids), "the carried stories share clusters")
	})

	t.Run("batch", func(t *testing.T) {
		// Batch's second look merges clusters that agree as wholes; the
		// digest agrees with each story it carries, the stories with
		// each other not at all.
		stories := []Story{digest}
		for i, id := range ids {
			stories = append(stories, at(by[id], i+1))
		}
		rs, _, _ := batchResults(t, Config{}, stories)
		clusters := map[string]bool{}
		for _, r := range rs[1:] {
			clusters[r.Cluster] = true
		}
		assert.Len(t, clusters, len(ids), "the carried stories share clusters")
	})

	t.Run("digest last", func(t *testing.T) {
		d := newDetector(t, Config{})
		for i, id := range ids {
			_, err := d.Add(at(by[id], i))
			require.NoError(t, err)
		}
		r, err := d.Add(at(digest, 4))
		require.NoError(t, err)
		assert.NotEqual(t, Copy, r.Kind)
		assert.NotContains(t, ids, r.Cluster)
		for i, id := range ids {
			again := by[id]
			again.ID, again.Title = id+"-again", "Update: "+again.Title
			r, err := d.Add(at(again, 5+i))
			require.NoError(t, err)
			assert.Equal(t, Copy, r.Kind, again.ID)
			assert.Equal(t, id, r.Cluster, again.ID)
		}
	})
}

// TestFigureContextsTold checks figureContexts.told against the definition
// it implements, read off the words directly: a figure is told when the
// nearest word before or after it that is not a figure is one of the terms.
func TestFigureContextsTold(t *testing.T) {
	reference := func(ids, numbers, terms []uint32) []uint32 {
		isNumber := func(id uint32) bool { return slices.Contains(numbers, id) }
		known := func(i, step int) bool {
			for ; i >= 0 && i < len(ids); i += step {
				if !isNumber(ids[i]) {
					return slices.Contains(terms, ids[i])
				}
			}
			return false
		}
		var out []uint32
		for i, id := range ids {
			if isNumber(id) && (known(i-1, -1) || known(i+1, 1)) {
				out = append(out, id)
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		// Words 0-9 are figures, 10-29 words; terms a random half of all.
		ids := make([]uint32, r.IntN(12))
		for i := range ids {
			ids[i] = uint32(r.IntN(30))
		}
		var numbers, terms []uint32
		for id := range uint32(30) {
			if id < 10 && slices.Contains(ids, id) {
				numbers = append(numbers, id)
			}
			if r.IntN(2) == 0 {
				terms = append(terms, id)
			}
		}
		got := figureContextsOf(ids, numbers).told(terms)
		require.Equal(t, reference(ids, numbers, terms), got, "words %v, figures %v, terms %v", ids, numbers, terms)
	}
}
