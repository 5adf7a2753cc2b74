package dedup

import (
	"strings"
	"testing"

	"github.com/newsdup/newsdup/shingle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// passagesBetween returns the passages story a shares with story b, found as
// Add finds them.
func passagesBetween(t *testing.T, a, b Story, maxPassages int) []Passage {
	t.Helper()
	d := newDetector(t, Config{Window: -1})
	_, err := d.Add(b)
	require.NoError(t, err)
	pa, fa := featuresFor(t, d, a)
	job := &passageJob{text: a.Text, words: fa.words, ids: fa.ids, quotes: pa.quotes, others: []*storyRec{d.st.stories.get(b.ID)}}
	job.readIDs(d.st.vocab)
	r := Result{Matches: make([]Match, 1)}
	findPassages(&r, job, maxPassages)
	return r.Matches[0].Passages
}

func TestSharedPassages(t *testing.T) {
	shared := "the ministry confirmed that seven villages had been evacuated overnight"
	a := Story{ID: "a", Text: "Floods hit the north. " + shared + ". Rain is expected to continue."}
	b := Story{ID: "b", Text: "Officials spoke in the capital on Tuesday, where " + shared + ", a spokesman said."}
	ps := passagesBetween(t, a, b, DefaultMaxPassages)
	require.Len(t, ps, 1)
	p := ps[0]
	assert.Equal(t, a.Text[p.Start:p.End], p.Text)
	assert.Contains(t, shared, strings.ToLower(p.Text), "the passage lies in the shared sentence")
	assert.Equal(t, p.Text, b.Text[p.MatchStart:p.MatchEnd], "the same words in the other story")
	assert.False(t, p.Quote)

	t.Run("short runs are left out unless quoted", func(t *testing.T) {
		a := Story{ID: "a", Text: "Talks resumed. The minister said “prepared to negotiate immediately with Moscow” to reporters in Paris."}
		b := Story{ID: "b", Text: "Elsewhere, the deputy declared “prepared to negotiate immediately with Moscow” on Monday afternoon."}
		ps := passagesBetween(t, a, b, DefaultMaxPassages)
		require.Len(t, ps, 1)
		assert.True(t, ps[0].Quote)
		assert.Equal(t, "prepared to negotiate immediately with Moscow", ps[0].Text)
		c := Story{ID: "c", Text: "Elsewhere, the deputy declared prepared to negotiate immediately with Moscow on Monday afternoon."}
		d := Story{ID: "d", Text: "Talks resumed. The minister said prepared to negotiate immediately with Moscow to reporters in Paris."}
		assert.Empty(t, passagesBetween(t, d, c, DefaultMaxPassages), "four unquoted content words are not a passage")
	})
	t.Run("at most maxPassages, the longest, in text order", func(t *testing.T) {
		s1 := "alpha bravo charlie delta echo foxtrot golf hotel"
		s2 := "india juliet kilo lima mike november oscar papa quebec romeo sierra"
		s3 := "tango uniform victor whiskey xray yankee zulu"
		a := Story{ID: "a", Text: s1 + ". one. " + s2 + ". two. " + s3 + "."}
		b := Story{ID: "b", Text: s3 + ". three. " + s1 + ". four. " + s2 + "."}
		all := passagesBetween(t, a, b, DefaultMaxPassages)
		require.Len(t, all, 3)
		two := passagesBetween(t, a, b, 2)
		require.Len(t, two, 2)
		assert.Equal(t, s1, two[0].Text)
		assert.Equal(t, s2, two[1].Text)
	})
}

func TestInQuote(t *testing.T) {
	quotes := []shingle.Span{{Start: 10, End: 20}, {Start: 30, End: 40}}
	assert.True(t, inQuote(quotes, 10, 20))
	assert.True(t, inQuote(quotes, 11, 19))
	assert.True(t, inQuote(quotes, 9, 20), "90% inside")
	assert.False(t, inQuote(quotes, 0, 20), "half inside")
	assert.False(t, inQuote(nil, 0, 5))
}
