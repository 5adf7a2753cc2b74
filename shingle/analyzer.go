package shingle

import (
	"iter"
	"strings"

	"github.com/cespare/xxhash/v2"
)

// Flags describe a token beyond its term.
type Flags uint8

const (
	// Number marks a token that is a number: "2,000", "3.5", "3.5%" (the
	// token is "3.5"), "1987".
	Number Flags = 1 << iota
	// Stop marks a stop word of the analyzer's language.
	Stop
	// Capital marks a token whose first letter is upper case in the
	// original text (names, acronyms, sentence starts).
	Capital
)

// Token is one word of a text.
type Token struct {
	// Term is the normalised form (case-folded, NFKC, quotes and dashes
	// unified), stemmed if the analyzer stems. When the word is its own
	// term it is a substring of the analysed text and shares its memory;
	// clone it (strings.Clone) to keep it without the text.
	Term string
	// Hash is HashString(Term): the same in every process, on every
	// machine and with every Go version.
	Hash uint64
	// Start is the byte offset of the token's first byte in the original
	// text.
	Start int
	// End is the byte offset just past the token in the original text;
	// text[Start:End] is the token's source.
	End int
	// Flags describe the token.
	Flags Flags
}

// Config configures an Analyzer. The zero value is valid: English, plain
// text, stemming, the default cache size.
type Config struct {
	// Language is the Snowball language: "english" (when empty),
	// "spanish", "french", "russian", "swedish", "norwegian" or
	// "hungarian", or the ISO 639-1 code "en", "es", "fr", "ru", "sv",
	// "no" (or "nb") or "hu"; case is ignored. A BCP 47 tag with region
	// or script subtags ("en-US", "fr-CA", "nb-NO", or "en_GB" as POSIX
	// locales write it) counts as its primary subtag. Any other language
	// ("de", "pt-BR": there is no stemmer for them) makes NewAnalyzer fail
	// with an error wrapping ErrUnknownLanguage that lists the supported
	// languages; see LanguageName.
	Language string
	// HTML drops tags, comments and the contents of <script> and <style>
	// elements, and decodes character references, before tokenising.
	// Offsets still point into the raw HTML.
	HTML bool
	// NoStem turns stemming off: Term is the normalised word.
	NoStem bool
	// CacheSize is the most distinct words kept in the term cache
	// (0 means DefaultCacheSize, 1 is raised to 2; a negative value
	// disables the cache, so every word is analysed, and Term allocated,
	// on every occurrence).
	// Analyzers with the same language, stemming mode and cache size
	// share one cache.
	CacheSize int
}

// Analyzer turns text into tokens: it normalises, tokenises, flags stop
// words and stems, in one pass over the original text. An Analyzer is safe
// for concurrent use by multiple goroutines; create it with NewAnalyzer.
type Analyzer struct {
	lang  *language
	html  bool
	stem  bool
	cache *termCache // nil when caching is off
}

// NewAnalyzer returns an Analyzer for cfg. It fails, with an error wrapping
// ErrUnknownLanguage, when cfg.Language is not supported.
func NewAnalyzer(cfg Config) (*Analyzer, error) {
	lang, err := lookupLanguage(cfg.Language)
	if err != nil {
		return nil, err
	}
	a := &Analyzer{lang: lang, html: cfg.HTML, stem: !cfg.NoStem}
	size := cfg.CacheSize
	if size == 0 {
		size = DefaultCacheSize
	}
	if size > 0 {
		a.cache = sharedCache(cacheKey{lang: lang.name, stem: a.stem, size: size})
	}
	return a, nil
}

// Language returns the canonical Snowball name of the analyzer's language.
func (a *Analyzer) Language() string { return a.lang.name }

// IsStopWord reports whether term, a normalised word (as in Token.Term
// before stemming), is a stop word of the analyzer's language.
func (a *Analyzer) IsStopWord(term string) bool { return a.lang.isStop(term) }

// Stem returns the stem of the normalised word term as the analyzer
// computes it for Token.Term: the word itself when the analyzer does not
// stem, and for stop words, numbers and abbreviations. It uses the
// analyzer's cache.
func (a *Analyzer) Stem(term string) string {
	var l *localCache
	if a.cache != nil {
		l = a.cache.getLocal()
		defer a.cache.putLocal(l)
	}
	return a.lookupString(l, term).term
}

// Tokens appends the tokens of text to dst and returns the extended slice.
// Stop words are kept and flagged Stop; RemoveStop drops them. With a
// reused dst and a warm cache it does not allocate.
func (a *Analyzer) Tokens(dst []Token, text string) []Token {
	s := getScanner(a.lang, text, a.html)
	var l *localCache
	if a.cache != nil {
		l = a.cache.getLocal()
	}
	for {
		rt, ok := s.next()
		if !ok {
			break
		}
		dst = append(dst, a.token(s, l, rt))
	}
	if l != nil {
		a.cache.putLocal(l)
	}
	putScanner(s)
	return dst
}

// TokensSeq returns an iterator over the tokens of text, the same tokens
// Tokens would return.
func (a *Analyzer) TokensSeq(text string) iter.Seq[Token] {
	return func(yield func(Token) bool) {
		s := getScanner(a.lang, text, a.html)
		defer putScanner(s)
		var l *localCache
		if a.cache != nil {
			l = a.cache.getLocal()
			defer a.cache.putLocal(l)
		}
		for {
			rt, ok := s.next()
			if !ok || !yield(a.token(s, l, rt)) {
				return
			}
		}
	}
}

// token completes the raw token rt, whose normalised term is the source
// text when rt.same is set and s.term otherwise.
func (a *Analyzer) token(s *scanner, l *localCache, rt rawToken) Token {
	t := Token{Start: rt.start, End: rt.end, Flags: rt.flags}
	var e entry
	if rt.same {
		src := s.text[rt.start:rt.end]
		if !a.stem || rt.flags&Number != 0 {
			// The term is the word as written: no cache needed.
			t.Term = src
			t.Hash = xxhash.Sum64String(src)
			if rt.flags&Number == 0 && a.lang.isStop(src) {
				t.Flags |= Stop
			}
			return t
		}
		e = a.lookupString(l, src)
	} else {
		e = a.lookup(l, s.term)
	}
	t.Term, t.Hash = e.term, e.hash
	if e.stop {
		t.Flags |= Stop
	}
	return t
}

// lookup returns the entry for the normalised word key, from the cache
// (through the local cache l) when it is there, else computing it and
// caching it.
func (a *Analyzer) lookup(l *localCache, key []byte) entry {
	if a.cache == nil || len(key) > maxCachedLen {
		return a.analyse(string(key))
	}
	h := keyHash(key)
	if e, ok := a.cache.lookupBytes(l, key, h); ok {
		return e
	}
	e := a.analyse(string(key))
	a.cache.put(l, e, h)
	return e
}

// lookupString is lookup for a key held in a string.
func (a *Analyzer) lookupString(l *localCache, key string) entry {
	if a.cache == nil || len(key) > maxCachedLen {
		return a.analyse(key)
	}
	h := keyHash(key)
	if e, ok := a.cache.lookupString(l, key, h); ok {
		return e
	}
	// Keep a copy: key may be a slice of a large text.
	e := a.analyse(strings.Clone(key))
	a.cache.put(l, e, h)
	return e
}

// analyse computes the entry for the normalised word w. It depends on w
// alone, so cached and uncached results agree.
func (a *Analyzer) analyse(w string) entry {
	e := entry{key: w, term: w}
	if isPlain(w) {
		e.hash = HashString(w)
		return e
	}
	e.stop = a.lang.isStop(w)
	if a.stem && !e.stop {
		if st := stemWord(a.lang, w); st != w {
			e.term = st
		}
	}
	e.hash = HashString(e.term)
	return e
}

// isPlain reports whether a normalised word is never stemmed: numbers and
// dotted abbreviations (the only words holding a '.'), and words of digits.
func isPlain(w string) bool {
	digits := true
	for i := 0; i < len(w); i++ {
		b := w[i]
		if b == '.' {
			return true
		}
		if b < '0' || b > '9' {
			digits = false
		}
	}
	return digits
}

// stemWord stems w with the Snowball stemmer of lang. Should the stemmer
// fail on some odd input, or return nothing, the word is kept as it is.
func stemWord(lang *language, w string) (st string) {
	defer func() {
		if recover() != nil {
			st = w
		}
	}()
	st = lang.stem(w, false)
	if st == "" {
		st = w
	}
	return st
}

// HashString returns the 64-bit hash of s used for Token.Hash: XXH64 with
// seed 0 of the UTF-8 bytes of s. It is the same in every process, on
// every machine and with every Go version, so tables of term hashes can be
// built ahead of time.
func HashString(s string) uint64 { return xxhash.Sum64String(s) }

// RemoveStop removes the tokens flagged Stop from toks, in place, and
// returns the shortened slice; the elements past its end are zeroed.
func RemoveStop(toks []Token) []Token {
	return Filter(toks, func(t Token) bool { return t.Flags&Stop == 0 })
}

// Filter keeps the tokens for which keep returns true, in place and in
// order, and returns the shortened slice; the elements past its end are
// zeroed.
func Filter(toks []Token, keep func(Token) bool) []Token {
	j := 0
	for _, t := range toks {
		if keep(t) {
			toks[j] = t
			j++
		}
	}
	clear(toks[j:])
	return toks[:j]
}

// Terms returns the terms of toks joined by single spaces; handy in tests
// and for showing what a text was reduced to.
func Terms(toks []Token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.Term)
	}
	return b.String()
}
