package dedup

import (
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
	"github.com/newsdup/newsdup/shingle"
)

// prepared is what can be learned from a story's text without looking at the
// detector's state: its tokens, lines and quotations. It is computed outside
// the detector's lock, in parallel when adding a batch.
type prepared struct {
	story  Story
	tokens []shingle.Token // of story.Text, stop words flagged
	title  []shingle.Token // of story.Title, unless the text starts with it
	// titleHash is the hash of the title's terms, as a line's hash, so that
	// a headline quoted in another story's text counts as a shared line.
	titleHash uint64
	lines     []textLine
	quotes    []span
}

// textLine is one line (or HTML block) of a text.
type textLine struct {
	start, end int    // byte range in the text
	lo, hi     int    // token range [lo, hi)
	hash       uint64 // hash of the line's terms; 0 when it has no tokens
}

type span struct{ start, end int }

type analyzerKey struct {
	lang string
	html bool
}

// analyzer returns the shared analyzer for a language and HTML mode.
func (d *Detector) analyzer(lang string, html bool) (*shingle.Analyzer, error) {
	k := analyzerKey{lang, html}
	if a, ok := d.analyzers.Load(k); ok {
		return a.(*shingle.Analyzer), nil
	}
	a, err := shingle.NewAnalyzer(shingle.Config{Language: lang, HTML: html})
	if err != nil {
		return nil, err
	}
	actual, _ := d.analyzers.LoadOrStore(k, a)
	return actual.(*shingle.Analyzer), nil
}

func (d *Detector) isHTML(text string) bool {
	switch d.cfg.HTML {
	case HTMLAlways:
		return true
	case HTMLNever:
		return false
	}
	return LooksLikeHTML(text)
}

// prepare checks a story and analyses its text.
func (d *Detector) prepare(s Story) (*prepared, error) {
	if err := d.validate(s); err != nil {
		return nil, err
	}
	return d.analyse(s)
}

// analyse analyses the text of a story. A story that another detector
// sharing the store checked is analysed without being checked again, as the
// checks that depend on the clock could now give another answer.
func (d *Detector) analyse(s Story) (*prepared, error) {
	lang := s.Language
	if lang == "" {
		lang = d.cfg.Language
	}
	html := d.isHTML(s.Text)
	an, err := d.analyzer(lang, html)
	if err != nil {
		return nil, storyErr(s.ID, ErrUnknownLanguage, err.Error())
	}
	p := &prepared{story: s}
	p.tokens = an.Tokens(nil, s.Text)
	if !hasWord(p.tokens) {
		return nil, storyErr(s.ID, ErrEmptyText, "the text has no words")
	}
	if s.Title != "" {
		tan, err := d.analyzer(lang, d.isHTML(s.Title))
		if err != nil {
			return nil, storyErr(s.ID, ErrUnknownLanguage, err.Error())
		}
		title := tan.Tokens(nil, s.Title)
		if !startsWith(p.tokens, title) {
			p.title = title
			p.titleHash = hashTokens(title)
		}
	}
	p.lines = splitLines(s.Text, html, p.tokens)
	if !html {
		p.quotes = findQuotes(s.Text)
	}
	return p, nil
}

func hasWord(toks []shingle.Token) bool {
	for _, t := range toks {
		if t.Flags&shingle.Stop == 0 {
			return true
		}
	}
	return len(toks) > 0
}

// startsWith reports whether the terms of toks begin with those of prefix.
func startsWith(toks, prefix []shingle.Token) bool {
	if len(prefix) == 0 || len(prefix) > len(toks) {
		return false
	}
	for i := range prefix {
		if toks[i].Hash != prefix[i].Hash {
			return false
		}
	}
	return true
}

// LooksLikeHTML reports whether text looks like HTML: it holds a tag (a '<'
// followed by a letter, '/' or '!', closed by a later '>') or a character
// reference such as "&amp;" or "&#8217;". HTMLAuto uses it to decide.
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

// blockTags are the HTML elements whose tags end a line of text.
var blockTags = map[string]bool{
	"p": true, "br": true, "div": true, "li": true, "ul": true, "ol": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"tr": true, "td": true, "table": true, "blockquote": true, "section": true,
	"article": true, "header": true, "footer": true, "aside": true, "nav": true,
	"figure": true, "figcaption": true, "hr": true, "pre": true, "form": true,
}

// splitLines cuts a text into lines: at line breaks, and in HTML also at the
// tags of block elements. Each line gets the tokens that start inside it and
// a hash of their terms, the unit in which site boilerplate is learned.
func splitLines(text string, html bool, toks []shingle.Token) []textLine {
	var cuts []int
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			cuts = append(cuts, i)
		case '<':
			if html && isBlockTag(text[i+1:]) {
				cuts = append(cuts, i)
			}
		}
	}
	cuts = append(cuts, len(text))
	lines := make([]textLine, 0, len(cuts))
	start, t := 0, 0
	for _, c := range cuts {
		lo := t
		for t < len(toks) && toks[t].Start < c {
			t++
		}
		if t > lo {
			lines = append(lines, textLine{start: start, end: c, lo: lo, hi: t, hash: hashTokens(toks[lo:t])})
		}
		start = c + 1
	}
	return lines
}

// hashTokens returns the hash of a line: XXH64 of its term hashes, never 0.
func hashTokens(toks []shingle.Token) uint64 {
	var h xxhash.Digest
	h.Reset()
	var buf [8]byte
	for _, t := range toks {
		binary.LittleEndian.PutUint64(buf[:], t.Hash)
		h.Write(buf[:])
	}
	return h.Sum64() | 1
}

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

// maxQuoteBytes bounds a quotation; a stray mark must not turn the rest of a
// long text into a quote.
const maxQuoteBytes = 4000

// findQuotes returns the byte spans of the text inside quotation marks. A
// quotation ends at its closing mark or at the end of the line (news writing
// reopens the quote on each new paragraph). A closing ’ followed by a letter
// is an apostrophe, not the end of a quote.
func findQuotes(text string) []span {
	var out []span
	open := rune(0)
	start := 0
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case open == 0:
			if _, ok := quotePairs[r]; ok {
				if r == '‘' || r == '"' || r == '“' {
					// An opening mark is followed by a word.
					next, _ := utf8.DecodeRuneInString(text[i+n:])
					if unicode.IsSpace(next) {
						break
					}
				}
				open, start = r, i+n
			}
		case r == '\n' || i-start > maxQuoteBytes:
			out = appendQuote(out, text, start, i)
			open = 0
		case strings.ContainsRune(quotePairs[open], r):
			if r == '’' {
				next, _ := utf8.DecodeRuneInString(text[i+n:])
				if unicode.IsLetter(next) {
					break
				}
			}
			out = appendQuote(out, text, start, i)
			open = 0
		}
		i += n
	}
	if open != 0 {
		out = appendQuote(out, text, start, len(text))
	}
	return out
}

func appendQuote(out []span, text string, start, end int) []span {
	if strings.TrimSpace(text[start:end]) == "" {
		return out
	}
	return append(out, span{start, end})
}
