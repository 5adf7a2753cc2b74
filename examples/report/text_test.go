package main

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shown writes a text view as a string, marks as [..], quotes as {..} and
// boilerplate as «..» around them.
func shown(v textView) string {
	var b strings.Builder
	for _, s := range v.Segs {
		if s.Boiler {
			b.WriteString("«")
		}
		switch {
		case s.Quote:
			b.WriteString("{" + s.Text + "}")
		case s.Mark:
			b.WriteString("[" + s.Text + "]")
		default:
			b.WriteString(s.Text)
		}
		if s.Boiler {
			b.WriteString("»")
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
		{"bytes not UTF-8 kept beside a control character", "a\x7f\x92b", false, nil, "a\x92b"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, shown(view(c.text, c.html, c.spans, nil)))
		})
	}
}

// TestViewBoiler checks how boilerplate lines are dimmed, alone and where
// they meet, hold or cross passages.
func TestViewBoiler(t *testing.T) {
	text := "one two\nthree four" // "three four" is 8:18
	cases := []struct {
		name          string
		text          string
		html          bool
		marks, boiler []span
		want          string
	}{
		{"a line", text, false, nil, []span{{8, 18, false}}, "one two\n«three four»"},
		{"two lines", text, false, nil, []span{{0, 7, false}, {8, 18, false}}, "«one two»\n«three four»"},
		{"nested", text, false, nil, []span{{8, 18, false}, {10, 12, false}}, "one two\n«three four»"},
		{"touching merge", text, false, nil, []span{{8, 13, false}, {13, 18, false}}, "one two\n«three four»"},
		{"out of range or inside a rune dropped", "né\nok", false, nil, []span{{2, 4, false}, {5, 9, false}, {-1, 2, false}, {3, 3, false}}, "né\nok"},
		{"quote flag of a line not used", text, false, nil, []span{{8, 18, true}}, "one two\n«three four»"},
		{"passage inside the line", text, false, []span{{8, 13, false}}, []span{{8, 18, false}}, "one two\n«[three]»« four»"},
		{"quote inside the line", text, false, []span{{14, 18, true}}, []span{{8, 18, false}}, "one two\n«three »«{four}»"},
		{"passage crossing into the line", text, false, []span{{4, 13, false}}, []span{{8, 18, false}}, "one [two\n]«[three]»« four»"},
		{"passage crossing out of the line", text, false, []span{{4, 13, false}}, []span{{0, 7, false}}, "«one »«[two]»[\nthree] four"},
		{"line inside a passage", text, false, []span{{0, 18, false}}, []span{{8, 13, false}}, "[one two\n]«[three]»[ four]"},
		{"line and passage the same", text, false, []span{{8, 18, false}}, []span{{8, 18, false}}, "one two\n«[three four]»"},
		{"overlapping passages in a line", text, false, []span{{8, 13, false}, {10, 16, true}}, []span{{8, 18, false}}, "one two\n«{three fo}»«ur»"},
		{"html line", "<p>story</p><p>Follow us</p>", true, nil, []span{{15, 24, false}}, "story\n\n«Follow us»"},
		{"html entity in a line", "<p>story</p><p>Fish &amp; chips</p>", true, nil, []span{{15, 34, false}}, "story\n\n«Fish & chips»"},
		{"html tag inside a line", "<p>story</p><p>Follow <b>us</b></p>", true, nil, []span{{15, 31, false}}, "story\n\n«Follow us»"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, shown(view(c.text, c.html, c.marks, c.boiler)))
		})
	}
}

// TestViewStyles checks, for random passages and boilerplate lines over a
// plain text, that the text shown is the text whatever the spans, and that
// each byte is marked, shown as a quote and dimmed exactly when the spans
// say so.
func TestViewStyles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const text = "The flood cut off two hundred homes.\nOfficials said \"we need help\" on Sunday.\nFollow us for more news."
	randSpans := func(quotes bool) []span {
		out := make([]span, rng.IntN(5))
		for i := range out {
			a, b := rng.IntN(len(text)+1), rng.IntN(len(text)+1)
			out[i] = span{min(a, b), max(a, b), quotes && rng.IntN(2) == 0}
		}
		return out
	}
	for range 2000 {
		marks, boiler := randSpans(true), randSpans(false)
		v := view(text, false, marks, boiler)
		var got strings.Builder
		for i, s := range v.Segs {
			require.NotEmpty(t, s.Text)
			if i > 0 {
				require.NotEqual(t, v.Segs[i-1].style, s.style, "neighbours of one style are one segment")
			}
			for k := range len(s.Text) {
				at := got.Len() + k
				in := func(ss []span) (in, quote bool) {
					for _, x := range ss {
						if x.start <= at && at < x.end {
							in, quote = true, quote || x.quote
						}
					}
					return in, quote
				}
				mark, quote := in(marks)
				boil, _ := in(boiler)
				require.Equal(t, mark, s.Mark, "byte %d marked; marks %v boiler %v", at, marks, boiler)
				require.Equal(t, boil, s.Boiler, "byte %d dimmed; marks %v boiler %v", at, marks, boiler)
				if quote {
					require.True(t, s.Quote, "byte %d in a quote; marks %v", at, marks)
				}
				require.False(t, s.Quote && !s.Mark, "a quote is a mark")
			}
			got.WriteString(s.Text)
		}
		require.Equal(t, text, got.String())
	}
}

func TestViewCut(t *testing.T) {
	text := strings.Repeat("é", maxShownText) // two bytes each
	v := view(text, false, []span{{0, 4, false}, {len(text) - 4, len(text), true}}, []span{{2, 6, false}, {len(text) - 6, len(text), false}})
	got := shown(v)
	assert.Equal(t, "[é]«[é]»«é»", got[:len("[é]«[é]»«é»")])
	assert.NotContains(t, got, "{", "a passage past the cut is not shown")
	assert.Equal(t, 1, strings.Count(got, "«é»"), "nor a line past the cut")
	assert.Equal(t, len(text), len(strings.NewReplacer("[", "", "]", "", "«", "", "»", "").Replace(got))+v.Cut, "every byte is shown or counted as cut")
	assert.True(t, strings.HasSuffix(got, "é"), "the cut falls between characters")
}

func TestViewCoversText(t *testing.T) {
	// Plain text is shown byte for byte, but for runs of blank lines.
	text := "First line.\n    Second, indented.\nThird \"quoted\" line."
	q := strings.Index(text, "quoted")
	spans := []span{{6, 10, false}, {q, q + len("quoted"), true}}
	v := view(text, false, spans, nil)
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
	f.Add("<p>a &amp; b</p> c", true, 2, 9, false, 0, 5)
	f.Add("plain\n\n\n text", false, 0, 5, true, 3, 12)
	f.Fuzz(func(t *testing.T, text string, html bool, start, end int, quote bool, bstart, bend int) {
		v := view(text, html, []span{{start, end, quote}}, []span{{bstart, bend, false}})
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
