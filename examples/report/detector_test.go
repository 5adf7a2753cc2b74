package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// boilerTitle is the title of a dimmed line.
const boilerTitle = `title="site boilerplate, left out of the comparison"`

// dimmed returns the texts of the dimmed lines in a piece of the page.
func dimmed(t testing.TB, html string) []string {
	t.Helper()
	re := regexp.MustCompile(`<span class="boiler" ` + boilerTitle + `>(.*?)</span>`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(html, -1) {
		out = append(out, m[1])
	}
	return out
}

// boilerFooter is a site's footer, with markup in it, and how the page
// shows it.
const (
	boilerFooter     = `Follow the Gazette </span></div><script>alert(1)</script> & "more"`
	boilerFooterHTML = `Follow the Gazette &lt;/span&gt;&lt;/div&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;more&#34;`
)

// boilerInput returns input lines in which the footer comes in stories of
// three clusters (g0, g1, g2), after which the detector takes it for
// boilerplate: g2-copy is a copy of g2, judged before the footer was
// learned; g3 is the fourth story with the footer and g3-copy a copy of it;
// g4 is the Gazette's copy, with the footer, of a wire story w4.
func boilerInput(t testing.TB) string {
	t.Helper()
	line := func(id, hour, source, text string) string {
		return storyLine(t, map[string]any{"id": id, "date": "2024-06-03T" + hour + ":00:00Z", "source": source, "title": id, "text": text})
	}
	return line("g0", "01", "Gazette", distinctStories[0]+"\n"+boilerFooter) +
		line("g1", "02", "Gazette", distinctStories[1]+"\n"+boilerFooter) +
		line("g2", "03", "Gazette", distinctStories[2]+"\n"+boilerFooter) +
		line("g2-copy", "04", "Wire", "Updated: "+distinctStories[2]+"\nMore later.") +
		line("g3", "05", "Gazette", distinctStories[3]+"\n"+boilerFooter) +
		line("g3-copy", "06", "Wire", "Updated: "+distinctStories[3]+"\nMore later.") +
		line("w4", "07", "Wire", distinctStories[4]) +
		line("g4", "08", "Gazette", distinctStories[4]+"\n"+boilerFooter)
}

// pairsByID returns the pair blocks of a page by the id of the story on
// their left.
func pairsByID(t testing.TB, page string) map[string][2]string {
	t.Helper()
	re := regexp.MustCompile(`(?s)<div class="pair">\s*<div class="side"><p class="side-head">This story · <code>([^<]*)</code>`)
	ids := re.FindAllStringSubmatch(page, -1)
	sd := sides(t, page)
	require.Len(t, ids, len(sd))
	pairs := map[string][2]string{}
	for i, m := range ids {
		pairs[m[1]] = sd[i]
	}
	return pairs
}

// TestBoilerplateDimmed checks that the footer of boilerInput is dimmed in
// the stories judged once it was learned, in their own text and beside the
// story matching them, and not in the stories judged before; and that its
// markup stays text.
func TestBoilerplateDimmed(t *testing.T) {
	in := boilerInput(t)
	page := renderPage(t, in, "-html", "never")
	pairs := pairsByID(t, page)
	require.Len(t, pairs, 3, "g2-copy, g3-copy and g4 are shown beside what they matched: %v", pairs)
	for _, id := range []string{"g2-copy", "g3-copy", "g4"} {
		require.Contains(t, pairs, id)
	}
	cases := []struct {
		name        string
		side        string
		left, right []string
	}{
		{"the third story, judged before the footer was learned", "g2-copy", nil, nil},
		{"the fourth story beside its copy", "g3-copy", nil, []string{boilerFooterHTML}},
		{"a later copy of a wire story", "g4", []string{boilerFooterHTML}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := pairs[c.side]
			assert.Equal(t, c.left, dimmed(t, p[0]), "this story's side")
			assert.Equal(t, c.right, dimmed(t, p[1]), "the matched story's side")
		})
	}
	assert.True(t, strings.HasSuffix(pairs["g2-copy"][1], "\n"+boilerFooterHTML), "the footer, not dimmed, as text: %s", pairs["g2-copy"][1])
	assert.Equal(t, 1, strings.Count(page, "<script"), "only the page's own script")
	hasNot(t, page, "<script>alert")
}
