package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shown writes a text view as a string, marks as [..] and quotes as {..}.
func shown(v textView) string {
	var b strings.Builder
	for _, s := range v.Segs {
		switch {
		case s.Quote:
			b.WriteString("{" + s.Text + "}")
		case s.Mark:
			b.WriteString("[" + s.Text + "]")
		default:
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

func TestView(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		html  bool
		spans []span
		want  string
	}{
		{"no spans", "a b c", false, nil, "a b c"},
		{"one span", "one two three", false, []span{{4, 7, false}}, "one [two] three"},
		{"quote", `he said "go now" today`, false, []span{{9, 15, true}}, `he said "{go now}" today`},
		{"whole text", "abc", false, []span{{0, 3, false}}, "[abc]"},
		{"overlapping spans merge", "abcdefgh", false, []span{{1, 4, false}, {3, 6, true}}, "a{bcdef}gh"},
		{"touching spans merge", "abcdefgh", false, []span{{1, 3, false}, {3, 5, false}}, "a[bcde]fgh"},
		{"unsorted", "abcdefgh", false, []span{{5, 6, false}, {1, 2, false}}, "a[b]cde[f]gh"},
		{"out of range dropped", "abc", false, []span{{2, 9, false}, {-1, 1, false}, {2, 2, false}}, "abc"},
		{"inside a rune dropped", "né ok", false, []span{{2, 4, false}}, "né ok"},
		{"blank lines collapse", "a\n\n\n\n  \nb", false, nil, "a\n\nb"},
		{"indent kept after blank lines", "a\n\n\n    b", false, nil, "a\n\n    b"},
		{"two line breaks kept", "a\n\nb", false, nil, "a\n\nb"},
		{"span over collapsed lines", "a\n\n\n\nb", false, []span{{0, 6, false}}, "[a\n\nb]"},
		{"html tags dropped", "<p>one <b>two</b> three</p>", true, []span{{10, 13, false}}, "one [two] three"},
		{"html entity", "<p>fish &amp; chips</p>", true, []span{{3, 19, false}}, "[fish & chips]"},
		{"html entity outside span", "fish &amp; chips", true, []span{{11, 16, false}}, "fish & [chips]"},
		{"html script and comment", "a<script>x<y</script>b<!-- c -->d", true, nil, "abd"},
		{"html blocks", "<div><p>one</p>\n  <p>two</p></div>", true, nil, "one\n\ntwo"},
		{"html unclosed comment", "a<!-- b", true, nil, "a"},
		{"html lone angle", "a < b and c<d", true, nil, "a < b and c<d"},
		{"html unknown entity", "a &bogus; b", true, nil, "a &bogus; b"},
		{"html white space", "one\n   two", true, []span{{0, 10, false}}, "[one two]"},
		{"control characters dropped", "Reuters\n\x03", false, []span{{0, 7, false}}, "[Reuters]\n"},
		{"control character inside a span", "a\x7fb\tc", false, []span{{0, 5, false}}, "[ab\tc]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, shown(view(c.text, c.html, c.spans)))
		})
	}
}

func TestViewCut(t *testing.T) {
	text := strings.Repeat("é", maxShownText) // two bytes each
	v := view(text, false, []span{{0, 4, false}, {len(text) - 4, len(text), true}})
	got := shown(v)
	assert.Equal(t, "[éé]", got[:len("[éé]")])
	assert.NotContains(t, got, "{", "a passage past the cut is not shown")
	assert.Equal(t, len(text), len(got)-2+v.Cut, "every byte is shown or counted as cut")
	assert.True(t, strings.HasSuffix(got, "é"), "the cut falls between characters")
}

func TestViewCoversText(t *testing.T) {
	// Plain text is shown byte for byte, but for runs of blank lines.
	text := "First line.\n    Second, indented.\nThird \"quoted\" line."
	q := strings.Index(text, "quoted")
	spans := []span{{6, 10, false}, {q, q + len("quoted"), true}}
	v := view(text, false, spans)
	assert.Equal(t, text, strings.NewReplacer("[", "", "]", "", "{", "", "}", "").Replace(shown(v)))
	require.Len(t, v.Segs, 5)
	assert.Equal(t, "line", v.Segs[1].Text)
	assert.Equal(t, "quoted", v.Segs[3].Text)
	assert.True(t, v.Segs[3].Quote)
}

func TestPlainAndClip(t *testing.T) {
	assert.Equal(t, "Breaking: a & b", plain("<b>Breaking:</b>\n a &amp; b ", true))
	assert.Equal(t, "BAHIA COCOA", plain("BAHIA\x03 COCOA\x00", false))
	assert.Equal(t, "<b>x</b>", plain(" <b>x</b> ", false))
	assert.Equal(t, "short", clip("short", 10))
	assert.Equal(t, "one two…", clip("one two three four", 10))
	assert.Equal(t, "ééééé…", clip("éééééééééé", 5), "counts characters, not bytes")
}

func FuzzView(f *testing.F) {
	f.Add("<p>a &amp; b</p> c", true, 2, 9, false)
	f.Add("plain\n\n\n text", false, 0, 5, true)
	f.Fuzz(func(t *testing.T, text string, html bool, start, end int, quote bool) {
		v := view(text, html, []span{{start, end, quote}})
		n := 0
		for _, s := range v.Segs {
			require.NotEmpty(t, s.Text)
			n += len(s.Text)
		}
		if !html {
			assert.LessOrEqual(t, n, len(text), "plain text only shrinks")
		}
	})
}
