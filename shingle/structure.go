package shingle

import (
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
)

// Line is one line of a text (or one HTML block) with the tokens that start
// in it.
type Line struct {
	// Start and End delimit the line in the text: text[Start:End], without
	// the line break or the tag that ends it.
	Start, End int
	// Lo and Hi delimit the line's tokens in the token slice given to
	// Lines: toks[Lo:Hi].
	Lo, Hi int
	// Hash is HashTerms of the line's tokens: two lines with the same
	// words, whatever their spacing, case or markup, have the same hash.
	Hash uint64
}

// Lines appends to dst the lines of text that hold at least one of its
// tokens toks (as returned by an Analyzer for text, in order), and returns
// the extended slice. A line ends at a line break and, when html is set, at
// the tag of a block element (p, br, div, li, h1-h6, td, ...). Lines without
// tokens are left out.
func Lines(dst []Line, text string, html bool, toks []Token) []Line {
	start, t := 0, 0
	// cut ends the line at c; the next one starts at next.
	cut := func(c, next int) {
		lo := t
		for t < len(toks) && toks[t].Start < c {
			t++
		}
		if t > lo {
			dst = append(dst, Line{Start: start, End: c, Lo: lo, Hi: t, Hash: HashTerms(toks[lo:t])})
		}
		start = next
	}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			cut(i, i+1)
		case '<':
			if html && isBlockTag(text[i+1:]) {
				// The next line starts after the tag; a '<' that no '>'
				// closes is text (see Config.HTML).
				if end := strings.IndexByte(text[i:], '>'); end >= 0 {
					cut(i, i+end+1)
					i += end
				} else {
					cut(i, i+1)
				}
			}
		}
	}
	cut(len(text), len(text))
	return dst
}

// HashTerms returns a hash of the terms of toks, in order: XXH64 (seed 0) of
// their hashes written as consecutive 8-byte little-endian words, with the
// lowest bit set so that it is never 0.
func HashTerms(toks []Token) uint64 {
	var h xxhash.Digest
	h.Reset()
	var buf [8]byte
	for _, t := range toks {
		binary.LittleEndian.PutUint64(buf[:], t.Hash)
		h.Write(buf[:])
	}
	return h.Sum64() | 1
}

// blockTags are the HTML elements whose tags end a line of text.
var blockTags = map[string]bool{
	"p": true, "br": true, "div": true, "li": true, "ul": true, "ol": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"tr": true, "td": true, "table": true, "blockquote": true, "section": true,
	"article": true, "header": true, "footer": true, "aside": true, "nav": true,
	"figure": true, "figcaption": true, "hr": true, "pre": true, "form": true,
}

// isBlockTag reports whether s, the text after a '<', starts the opening or
// closing tag of a block element.
func isBlockTag(s string) bool {
	s = strings.TrimPrefix(s, "/")
	n := 0
	for n < len(s) && n < 12 && (s[n]|0x20 >= 'a' && s[n]|0x20 <= 'z' || s[n] >= '1' && s[n] <= '6') {
		n++
	}
	if n == 0 || n == len(s) {
		return false
	}
	if c := s[n]; c != '>' && c != ' ' && c != '/' && c != '\t' && c != '\n' && c != '\r' {
		return false
	}
	return blockTags[strings.ToLower(s[:n])]
}

// BlockElement reports whether an HTML element (by its lower-case name) is a
// block element, whose tags end a line for Lines: p, br, div, li, h1-h6, td
// and the like. A program that shows texts line by line as the detector
// cuts them uses it.
func BlockElement(name string) bool { return blockTags[name] }

// LooksLikeHTML reports whether text looks like HTML: it holds a tag (a '<'
// followed by a letter, '/' or '!', closed by a later '>') or a character
// reference such as "&amp;" or "&#8217;".
func LooksLikeHTML(text string) bool {
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '<':
			if i+1 < len(text) {
				c := text[i+1]
				if (c|0x20 >= 'a' && c|0x20 <= 'z') || c == '/' || c == '!' {
					if strings.IndexByte(text[i+1:], '>') >= 0 {
						return true
					}
				}
			}
		case '&':
			if isCharRef(text[i+1:]) {
				return true
			}
		}
	}
	return false
}

// isCharRef reports whether s starts with the rest of a character reference
// ("amp;", "#8217;", "#x2019;").
func isCharRef(s string) bool {
	n := 0
	if strings.HasPrefix(s, "#") {
		s = s[1:]
		if strings.HasPrefix(s, "x") || strings.HasPrefix(s, "X") {
			s = s[1:]
		}
		for n < len(s) && n < 8 && isHex(s[n]) {
			n++
		}
	} else {
		for n < len(s) && n < 32 && (s[n]|0x20 >= 'a' && s[n]|0x20 <= 'z' || s[n] >= '0' && s[n] <= '9') {
			n++
		}
	}
	return n > 0 && n < len(s) && s[n] == ';'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f'
}

// Span is a byte range [Start, End) of a text.
type Span struct{ Start, End int }

// quotePairs maps each opening quotation mark to the marks that close it.
var quotePairs = map[rune]string{
	'“': "”“", // English “…”, and German „…“ closes with “
	'„': "“”",
	'«': "»",
	'‹': "›",
	'"': `"`,
	'‘': "’",
	'「': "」",
}

// MaxQuoteBytes bounds a quotation found by Quotes: a stray mark must not
// turn the rest of a long text into a quote.
const MaxQuoteBytes = 4000

// Quotes appends to dst the byte spans of plain text that lie inside
// quotation marks (“…”, „…“, «…», ‹…›, "…", ‘…’, 「…」), and returns the
// extended slice. A quotation ends at its closing mark, at the end of the
// line (news writing reopens a quote on each new paragraph) or after
// MaxQuoteBytes. An opening “, ‘ or " must be followed by a word, and a ’
// followed by a letter is an apostrophe, not the end of a quote. Spans
// holding only white space are left out.
func Quotes(dst []Span, text string) []Span {
	open := rune(0)
	start := 0
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case open == 0:
			if _, ok := quotePairs[r]; ok {
				if r == '‘' || r == '"' || r == '“' {
					next, _ := utf8.DecodeRuneInString(text[i+n:])
					if unicode.IsSpace(next) {
						break
					}
				}
				open, start = r, i+n
			}
		case r == '\n' || i-start > MaxQuoteBytes:
			dst = appendQuote(dst, text, start, i)
			open = 0
		case strings.ContainsRune(quotePairs[open], r):
			if r == '’' {
				next, _ := utf8.DecodeRuneInString(text[i+n:])
				if unicode.IsLetter(next) {
					break
				}
			}
			dst = appendQuote(dst, text, start, i)
			open = 0
		}
		i += n
	}
	if open != 0 {
		dst = appendQuote(dst, text, start, len(text))
	}
	return dst
}

func appendQuote(dst []Span, text string, start, end int) []Span {
	if strings.TrimSpace(text[start:end]) == "" {
		return dst
	}
	return append(dst, Span{start, end})
}
