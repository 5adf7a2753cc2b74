package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hasRe checks that page matches the regular expression re, without
// printing the page when it does not.
func hasRe(t testing.TB, page, re string, msg ...any) {
	t.Helper()
	if !regexp.MustCompile(re).MatchString(page) {
		t.Errorf("the page does not match %q %s", re, fmt.Sprint(msg...))
	}
}

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

// lateInput returns input lines in which stories come late: x and v are
// dated January 1, then 300 stories of January 9 move the detector's
// window past them (it lets stories go once a few hundred dated ones show
// the feed in date order) and u comes undated; then come yu (a copy of u),
// y and y2 (copies of x), all dated January 1 and so late, and w, a copy of
// v dated January 9, which is not late.
func lateInput(t testing.TB) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(storyLine(t, map[string]any{"id": "x", "date": "2024-01-01T08:00:00Z", "text": distinctStories[0]}))
	b.WriteString(storyLine(t, map[string]any{"id": "v", "date": "2024-01-08T20:00:00Z", "text": distinctStories[2]}))
	for i := range 300 {
		text := strings.ReplaceAll("alpha# bravo# charlie# delta# echo# foxtrot# golf# hotel# india# juliet#", "#", fmt.Sprint(i))
		b.WriteString(storyLine(t, map[string]any{"id": fmt.Sprint("z", i), "date": fmt.Sprintf("2024-01-09T0%d:%02d:00Z", i/60, i%60), "text": text}))
	}
	b.WriteString(storyLine(t, map[string]any{"id": "u", "text": distinctStories[3]}))
	b.WriteString(storyLine(t, map[string]any{"id": "yu", "date": "2024-01-01T09:30:00Z", "text": distinctStories[3] + "\nMore later."}))
	b.WriteString(storyLine(t, map[string]any{"id": "y", "date": "2024-01-01T09:00:00Z", "text": distinctStories[0] + "\nMore later."}))
	b.WriteString(storyLine(t, map[string]any{"id": "y2", "date": "2024-01-01T10:00:00Z", "text": distinctStories[0] + "\nMore news at eleven."}))
	b.WriteString(storyLine(t, map[string]any{"id": "w", "date": "2024-01-09T09:00:00Z", "text": distinctStories[2] + "\nMore later."}))
	return b.String()
}

// lateBadge is the badge of a late story.
const lateBadge = `<span class="late" title="Late: this story came after`

// TestLateShown checks that late stories carry a badge, in clusters and in
// the single stories' list, that the filter can find them, and that the
// summary and standard error count them and say what to do.
func TestLateShown(t *testing.T) {
	code, page, errOut := runCmd(t, lateInput(t), "-o", "-", "-window", "24h")
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, 3, strings.Count(page, lateBadge), "yu, y and y2")
	has(t, page, `<span class="v copy">copy 1.00</span> `+lateBadge)
	has(t, page, `Copy of u:`, "the late story matched the undated one still held")
	// y left at once, being late; y2, late too, finds no copy of itself
	// held but y's cluster, whose text it reruns: the same story.
	hasRe(t, page, `<section class="cluster" id="c\d+" data-filter data-kinds="late multi new same_story"`, "y and y2")
	hasRe(t, page, `<section class="cluster" id="c\d+" data-filter data-kinds="copy late multi new"`, "u's cluster")
	has(t, page, `<span class="v copy">copy 1.00</span> <span class="title">(no title)</span> <code class="id">w</code>`, "w is a copy of v, not late")
	has(t, page, `<div class="late-note"><dt>Late stories</dt><dd>3 stories came after stories of their window had been let go: they were compared with the stories still held, and may have missed copies or versions among those let go (<span class="late">late</span> below). For an archive, a backfill or merged feeds run again with <code>-batch</code>, else with a larger <code>-lateness</code>.</dd></div>`)
	assert.Contains(t, errOut, "report: 3 stories came after stories of their window had been let go")
	assert.Contains(t, errOut, "use -batch, or give a larger -lateness")

	page = renderPage(t, seedLines(t))
	hasNot(t, page, "Late stories", "no late story, no note")
	hasNot(t, page, lateBadge)
}

// TestBatchOrder checks that with -batch the page of the newsroom fixture
// is the same, byte for byte, whatever the order of its lines; and, as the
// fixture is in date order, that it says what the stream says of it.
func TestBatchOrder(t *testing.T) {
	in, err := os.ReadFile("../../testdata/stories.jsonl")
	require.NoError(t, err)
	lines := strings.SplitAfter(strings.TrimSuffix(string(in), "\n"), "\n")
	for i := range lines {
		lines[i] = strings.TrimSuffix(lines[i], "\n") + "\n"
	}
	require.Len(t, lines, 7)
	reversed := slices.Clone(lines)
	slices.Reverse(reversed)
	shuffled := slices.Clone(lines)
	rand.New(rand.NewPCG(7, 7)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	require.NotEqual(t, lines, shuffled)
	require.NotEqual(t, reversed, shuffled)

	want := renderPage(t, strings.Join(lines, ""), "-batch")
	has(t, want, "The input was judged as one collection (<code>-batch</code>)")
	for name, order := range map[string][]string{"reversed": reversed, "shuffled": shuffled} {
		t.Run(name, func(t *testing.T) {
			got := renderPage(t, strings.Join(order, ""), "-batch")
			assert.True(t, got == want, "the -batch page of the %s input differs from that of the input in date order", name)
			stream := renderPage(t, strings.Join(order, ""))
			assert.False(t, stream == want, "without -batch the %s input gives another page", name)
		})
	}

	stream := renderPage(t, strings.Join(lines, ""))
	has(t, stream, "The stories were judged in input order, each against the stories before it.")
	stream = strings.Replace(stream, "The stories were judged in input order, each against the stories before it.",
		"The input was judged as one collection (<code>-batch</code>): each story against every story of its window, whatever the order of the input.", 1)
	assert.True(t, stream == want, "the stream in date order and -batch give the same page, but for the note on how the input was judged")
}

// TestBatchNotLate checks that -batch judges the input of lateInput with no
// story late: the stories that came late in the stream find the copies they
// missed. (The undated u is judged last, against the stories of the last
// window plus lateness of the input, so it and yu, of January 1, are not
// compared: both are single stories.)
func TestBatchNotLate(t *testing.T) {
	code, page, errOut := runCmd(t, lateInput(t), "-o", "-", "-window", "24h", "-batch")
	require.Equal(t, exitOK, code, errOut)
	hasNot(t, page, lateBadge)
	hasNot(t, page, "Late stories")
	assert.NotContains(t, errOut, "late")
	pairs := pairsByID(t, page)
	for _, id := range []string{"y", "y2", "w"} {
		assert.Contains(t, pairs, id, "%s is shown beside the story it matched", id)
	}
	has(t, page, "Copy of x: ", "y found x")
	assert.Len(t, pairs, 3)
	// The undated u, judged last, and yu, which carries u's text a week
	// before the last stories: yu has left the window, so u is no copy
	// of it, but u reruns the text of yu's cluster, still held: the same
	// story.
	has(t, page, "<dt>Clusters</dt><dd>303: 3 of two or more stories (holding 7 stories), 300 of one story</dd>")
}

// TestBatchRejections checks that with -batch the stories the detector
// rejects are reported in input order, though it judges them by date: the
// first stops the run, and with -skip-bad each is skipped.
func TestBatchRejections(t *testing.T) {
	in := storyLine(t, map[string]any{"id": "a", "date": "2024-01-03T08:00:00Z", "text": distinctStories[0]}) +
		storyLine(t, map[string]any{"id": "b", "date": "2024-01-05T08:00:00Z", "text": "!!! ???"}) +
		storyLine(t, map[string]any{"id": "c", "date": "2024-01-01T08:00:00Z", "text": "... ---"}) +
		storyLine(t, map[string]any{"id": "d", "date": "2024-01-02T08:00:00Z", "text": distinctStories[1]})
	code, out, errOut := runCmd(t, in, "-o", "-", "-batch")
	assert.Equal(t, exitFail, code)
	assert.Empty(t, out)
	assert.Equal(t, "report: stdin line 2: dedup: story has no text: story \"b\": the text has no words\nreport: stopped at the bad line; no page written (-skip-bad skips bad lines)\n", errOut)

	code, out, errOut = runCmd(t, in, "-o", "-", "-batch", "-skip-bad")
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, "report: stdin line 2 skipped: dedup: story has no text: story \"b\": the text has no words\n"+
		"report: stdin line 3 skipped: dedup: story has no text: story \"c\": the text has no words\n"+
		"report: 2 bad lines skipped\n", errOut)
	has(t, out, "<dt>Stories</dt><dd>2 <small>(2 bad input lines skipped)</small></dd>")
}
