package shingle

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLooksLikeHTML(t *testing.T) {
	cases := map[string]bool{
		"plain text":                   false,
		"if a < b and c > d":           false,
		"<p>para</p>":                  true,
		"text<br/>more":                true,
		"AT&amp;T":                     true,
		"Tom &#8217;s":                 true,
		"Tom &#x2019;s":                true,
		"R&D spending":                 false,
		"5 <= 6":                       false,
		"<!-- comment --> text":        true,
		"an unclosed <tag and nothing": false,
		"&;":                           false,
		"":                             false,
	}
	for in, want := range cases {
		assert.Equal(t, want, LooksLikeHTML(in), in)
	}
}

func TestQuotes(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string
	}{
		{"marks of several kinds", "He said “we are ready” and added \"not yet\". It’s ‘fine’ she said.", []string{"we are ready", "not yet", "fine"}},
		{"a quote ends at the line end", "“A quote that runs\nto the line end", []string{"A quote that runs"}},
		{"an unclosed quote runs to the end", "She said «non", []string{"non"}},
		{"German marks", "Er sagte „wir sind bereit“.", []string{"wir sind bereit"}},
		{"an opening mark before a space opens nothing", "a \" b \"c\"", []string{"c"}},
		{"apostrophe inside a quote", "‘it’s over’ he said", []string{"it’s over"}},
		{"white space only", "“ ” and «  »", nil},
		{"no quotes", "plain words", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, q := range Quotes(nil, c.text) {
				require.True(t, 0 <= q.Start && q.Start <= q.End && q.End <= len(c.text))
				got = append(got, c.text[q.Start:q.End])
			}
			assert.Equal(t, c.want, got)
		})
	}
	t.Run("bounded", func(t *testing.T) {
		text := "“" + strings.Repeat("word ", 2*MaxQuoteBytes/5)
		qs := Quotes(nil, text)
		require.NotEmpty(t, qs)
		for _, q := range qs {
			assert.LessOrEqual(t, q.End-q.Start, MaxQuoteBytes+8)
		}
	})
}

func TestLines(t *testing.T) {
	an, err := NewAnalyzer(Config{})
	require.NoError(t, err)
	html, err := NewAnalyzer(Config{HTML: true})
	require.NoError(t, err)
	cases := []struct {
		name string
		an   *Analyzer
		html bool
		text string
		want []string
	}{
		{"line breaks", an, false, "First line.\n\nSecond line\n", []string{"First line.", "Second line"}},
		{"no break", an, false, "one line", []string{"one line"}},
		{"punctuation only lines left out", an, false, "a\n---\nb", []string{"a", "b"}},
		{"block tags end lines", html, true, "<p>One</p><p>Two <b>bold</b></p><br>Three", []string{"One", "Two <b>bold</b>", "Three"}},
		{"inline tags do not", html, true, "<span>a</span> <em>b</em>", []string{"<span>a</span> <em>b</em>"}},
		{"block tags are ignored in plain text", an, false, "<p>One</p><p>Two</p>", []string{"<p>One</p><p>Two</p>"}},
		{"empty", an, false, "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			toks := c.an.Tokens(nil, c.text)
			var got []string
			next := 0
			for _, l := range Lines(nil, c.text, c.html, toks) {
				assert.Equal(t, next, l.Lo, "lines cover the tokens in order")
				assert.Less(t, l.Lo, l.Hi)
				assert.Equal(t, HashTerms(toks[l.Lo:l.Hi]), l.Hash)
				next = l.Hi
				got = append(got, strings.TrimSpace(c.text[l.Start:l.End]))
			}
			assert.Equal(t, len(toks), next, "every token is in a line")
			assert.Equal(t, c.want, got)
		})
	}
	t.Run("hash ignores case and spacing", func(t *testing.T) {
		a := Lines(nil, "Police  said", false, an.Tokens(nil, "Police  said"))
		b := Lines(nil, "police said", false, an.Tokens(nil, "police said"))
		require.Len(t, a, 1)
		require.Len(t, b, 1)
		assert.Equal(t, a[0].Hash, b[0].Hash)
		assert.NotZero(t, HashTerms(nil))
	})
}

func ExampleLines() {
	an, _ := NewAnalyzer(Config{HTML: true})
	text := "<h1>Talks in Geneva</h1><p>Officials met on Monday.</p>"
	for _, l := range Lines(nil, text, true, an.Tokens(nil, text)) {
		fmt.Printf("%q: %d words\n", text[l.Start:l.End], l.Hi-l.Lo)
	}
	// Output:
	// "Talks in Geneva": 3 words
	// "Officials met on Monday.": 4 words
}

func ExampleQuotes() {
	text := `The minister said “we are ready to talk” on Monday.`
	for _, q := range Quotes(nil, text) {
		fmt.Println(text[q.Start:q.End])
	}
	// Output:
	// we are ready to talk
}

func TestBlockElement(t *testing.T) {
	for _, name := range []string{"p", "br", "div", "h1", "h6", "td", "blockquote"} {
		assert.True(t, BlockElement(name), name)
	}
	for _, name := range []string{"b", "span", "a", "em", "h7", "P", ""} {
		assert.False(t, BlockElement(name), name)
	}
}
