package dedup

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSharedBoilerplateAloneIsNotAMatch(t *testing.T) {
	stories := newsroom(t)
	d := newDetector(t, Config{Window: -1})
	for _, id := range []string{"lira-1", "snow-1"} {
		r, err := d.Add(Story{ID: id, Text: storyText(stories, id)})
		require.NoError(t, err)
		assert.Equal(t, New, r.Kind, id)
		assert.Empty(t, r.Matches, id)
	}
}

func TestBoilerplateIsLearned(t *testing.T) {
	footer := "\n\nSubscribe to our newsletter for the day's top stories.\n\nFollow us on social media and share this article with your friends.\n\nCopyright Example Media. All rights reserved."
	d := newDetector(t, Config{Window: -1})
	texts := []string{
		"The city council approved a new budget for public libraries on Monday, adding funds for longer opening hours and new books in every district.",
		"A local bakery won the national bread championship with a sourdough loaf made from rye grown on a farm outside the town.",
		"Heavy rain flooded several streets in the harbour district overnight, and the fire brigade pumped water out of dozens of cellars.",
		"The regional football club signed a young goalkeeper from the second division on a three-year contract, its coach announced.",
	}
	var last Result
	for i, text := range texts {
		r, err := d.Add(Story{ID: fmt.Sprint("local-", i), Text: text + footer})
		require.NoError(t, err)
		assert.Equal(t, New, r.Kind, "story %d", i)
		if i < 3 {
			assert.Empty(t, r.Boilerplate, "not learned yet when story %d came", i)
		}
		last = r
	}
	assert.Equal(t, 3, d.BoilerplateLines(), "the three footer lines")
	text := texts[3] + footer
	var lines []string
	for _, b := range last.Boilerplate {
		lines = append(lines, text[b.Start:b.End])
	}
	assert.Equal(t, []string{
		"Subscribe to our newsletter for the day's top stories.",
		"Follow us on social media and share this article with your friends.",
		"Copyright Example Media. All rights reserved.",
	}, lines, "the result says which lines were left out")
}
