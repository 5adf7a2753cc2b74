package shingle

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tok describes an expected token: its source span, term and flags.
type tok struct {
	src   string
	term  string
	flags Flags
}

func tokensOf(tb testing.TB, a *Analyzer, text string) []tok {
	tb.Helper()
	toks := a.Tokens(nil, text)
	checkTokens(tb, text, toks, a.html)
	if len(toks) == 0 {
		return nil
	}
	out := make([]tok, len(toks))
	for i, t := range toks {
		out[i] = tok{text[t.Start:t.End], t.Term, t.Flags}
	}
	return out
}

func TestTokensTricky(t *testing.T) {
	const C, N, S = Capital, Number, Stop
	tests := []struct {
		name string
		cfg  Config
		text string
		want []tok
	}{
		{"possessive stemmed", Config{}, "Putin's plan", []tok{{"Putin's", "putin", C}, {"plan", "plan", 0}}},
		{"possessive unstemmed", Config{NoStem: true}, "Putin's plan", []tok{{"Putin's", "putin's", C}, {"plan", "plan", 0}}},
		{"curly apostrophe", Config{NoStem: true}, "Putin\u2019s", []tok{{"Putin\u2019s", "putin's", C}}},
		{"apostrophe not between letters", Config{NoStem: true}, "'quoted' rock'n'roll dogs'", []tok{
			{"quoted", "quoted", 0}, {"rock'n'roll", "rock'n'roll", 0}, {"dogs", "dogs", 0}}},
		{"hyphen splits", Config{NoStem: true}, "NATO-Russia", []tok{{"NATO", "nato", C}, {"Russia", "russia", C}}},
		{"en dash splits", Config{NoStem: true}, "1987\u20131988", []tok{{"1987", "1987", N}, {"1988", "1988", N}}},
		{"abbreviation", Config{}, "the U.S. and us", []tok{
			{"the", "the", S}, {"U.S.", "u.s", C}, {"and", "and", S}, {"us", "us", 0}}},
		{"abbreviation at end without dot", Config{}, "in U.S", []tok{{"in", "in", S}, {"U.S", "u.s", C}}},
		{"abbreviation lower", Config{}, "e.g. this", []tok{{"e.g.", "e.g", 0}, {"this", "this", S}}},
		{"initial is not abbreviation", Config{NoStem: true}, "A.Smith J. Doe", []tok{
			{"A", "a", C | S}, {"Smith", "smith", C}, {"J", "j", C}, {"Doe", "doe", C}}},
		{"thousands", Config{}, "2,000 and 2000", []tok{{"2,000", "2000", N}, {"and", "and", S}, {"2000", "2000", N}}},
		{"millions", Config{}, "1,000,000", []tok{{"1,000,000", "1000000", N}}},
		{"comma list", Config{}, "1,2,3", []tok{{"1", "1", N}, {"2", "2", N}, {"3", "3", N}}},
		{"four digits after comma", Config{}, "1,0000", []tok{{"1", "1", N}, {"0000", "0000", N}}},
		{"decimal percent", Config{}, "3.5% rise", []tok{{"3.5", "3.5", N}, {"rise", "rise", 0}}},
		{"sentence end after number", Config{}, "was 15.", []tok{{"was", "was", S}, {"15", "15", N}}},
		{"english grouped decimal", Config{}, "1,234.56", []tok{{"1,234.56", "1234.56", N}}},
		{"spanish numbers", Config{Language: "es"}, "2.000 y 3,5", []tok{{"2.000", "2000", N}, {"y", "y", S}, {"3,5", "3.5", N}}},
		{"french elision", Config{Language: "fr", NoStem: true}, "l'homme", []tok{{"l", "l", S}, {"homme", "homme", 0}}},
		{"alphanumeric", Config{NoStem: true}, "F-16 covid19 3M", []tok{
			{"F", "f", C}, {"16", "16", N}, {"covid19", "covid19", 0}, {"3M", "3m", 0}}},
		{"nfkc fullwidth and ligature", Config{NoStem: true}, "Ｔｏｋｙｏ ﬁnance", []tok{{"Ｔｏｋｙｏ", "tokyo", C}, {"ﬁnance", "finance", 0}}},
		{"combining accent composes", Config{NoStem: true}, "cafe\u0301 bar", []tok{{"cafe\u0301", "café", 0}, {"bar", "bar", 0}}},
		{"fullwidth digits", Config{NoStem: true}, "２０００", []tok{{"２０００", "2000", N}}},
		{"greek final sigma", Config{NoStem: true}, "ΟΔΟΣ οδος", []tok{{"ΟΔΟΣ", "οδοσ", C}, {"οδος", "οδοσ", 0}}},
		{"soft hyphen inside word", Config{NoStem: true}, "infor\u00admation", []tok{{"infor\u00admation", "information", 0}}},
		{"punctuation and symbols", Config{NoStem: true}, "(a) b; c! $5 #x @y", []tok{
			{"a", "a", S}, {"b", "b", 0}, {"c", "c", 0}, {"5", "5", N}, {"x", "x", 0}, {"y", "y", 0}}},
		{"empty", Config{}, "", nil},
		{"only separators", Config{}, " \t\n.,;-", nil},
		{"NUL bytes separate", Config{NoStem: true}, "a\x00b\x00", []tok{{"a", "a", S}, {"b", "b", 0}}},
		{"invalid UTF-8 separates", Config{NoStem: true}, "ab\xffcd\xc3", []tok{{"ab", "ab", 0}, {"cd", "cd", 0}}},
		{"stemming", Config{}, "Stocks rallied sharply", []tok{{"Stocks", "stock", C}, {"rallied", "ralli", 0}, {"sharply", "sharpli", 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustAnalyzer(t, tt.cfg)
			assert.Equal(t, tt.want, tokensOf(t, a, tt.text))
		})
	}
}

func TestUSIsNotUs(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	toks := a.Tokens(nil, "U.S. us US")
	require.Len(t, toks, 3)
	assert.NotEqual(t, toks[0].Hash, toks[1].Hash, "u.s and us must differ")
	assert.Equal(t, toks[1].Hash, toks[2].Hash, "US without dots folds to us")
}

func TestHTML(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []tok
	}{
		{"tags dropped", "<p>Oil <b>prices</b> rose</p>", []tok{{"Oil", "oil", Capital}, {"prices", "prices", 0}, {"rose", "rose", 0}}},
		{"tag separates", "wo<br/>rd", []tok{{"wo", "wo", 0}, {"rd", "rd", 0}}},
		{"named entity inside word", "caf&eacute; Z&uuml;rich", []tok{{"caf&eacute;", "café", 0}, {"Z&uuml;rich", "zürich", Capital}}},
		{"numeric entities", "Putin&#8217;s &#x4E;ATO", []tok{{"Putin&#8217;s", "putin's", Capital}, {"&#x4E;ATO", "nato", Capital}}},
		{"amp separates", "AT&amp;T", []tok{{"AT", "at", Capital | Stop}, {"T", "t", Capital | Stop}}},
		{"script and style dropped", "a<script type=x>var b = 1;</script>c<STYLE>p{}</STYLE>d", []tok{
			{"a", "a", Stop}, {"c", "c", 0}, {"d", "d", 0}}},
		{"comment dropped", "x<!-- hidden words -->y", []tok{{"x", "x", 0}, {"y", "y", 0}}},
		{"unclosed tag is text", "a < b and c <d", []tok{{"a", "a", Stop}, {"b", "b", 0}, {"and", "and", Stop}, {"c", "c", 0}, {"d", "d", 0}}},
		{"unknown entity is text", "&bogus; &amp x", []tok{{"bogus", "bogus", 0}, {"amp", "amp", 0}, {"x", "x", 0}}},
		{"entity nbsp separates", "a&nbsp;b", []tok{{"a", "a", Stop}, {"b", "b", 0}}},
		{"entity in number", "2&#44;000", []tok{{"2&#44;000", "2000", Number}}},
		{"unclosed script drops rest", "a<script>b c", []tok{{"a", "a", Stop}}},
	}
	a := mustAnalyzer(t, Config{HTML: true, NoStem: true})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tokensOf(t, a, tt.text))
		})
	}
	t.Run("off by default", func(t *testing.T) {
		plain := mustAnalyzer(t, Config{NoStem: true})
		assert.Equal(t, []tok{{"b", "b", 0}, {"x", "x", 0}, {"b", "b", 0}}, tokensOf(t, plain, "<b>x</b>"))
	})
}

func TestLongRunIsSplit(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	word := strings.Repeat("ab", 1<<19) // a 1 MB "word"
	text := "start " + word + " end"
	toks := a.Tokens(nil, text)
	checkTokens(t, text, toks, false)
	require.Len(t, toks, 2+(len(word)+MaxTokenLen-1)/MaxTokenLen)
	assert.Equal(t, "start", toks[0].Term)
	assert.Equal(t, "end", toks[len(toks)-1].Term)
	covered := 0
	for _, tk := range toks[1 : len(toks)-1] {
		covered += tk.End - tk.Start
	}
	assert.Equal(t, len(word), covered, "every byte of the long run is in a token")

	t.Run("multibyte split at rune boundary", func(t *testing.T) {
		w := strings.Repeat("é", 1000) // 2000 bytes; 256 is even so cut after 128 runes
		toks := a.Tokens(nil, w+"x")
		checkTokens(t, w+"x", toks, false)
		for _, tk := range toks {
			assert.LessOrEqual(t, tk.End-tk.Start, MaxTokenLen)
		}
	})
}

func TestLanguages(t *testing.T) {
	tests := []struct {
		lang, word, stem string
		stop             string
	}{
		{"english", "running", "run", "the"},
		{"en", "connections", "connect", "and"},
		{"spanish", "corriendo", "corr", "el"},
		{"french", "continuation", "continu", "le"},
		{"russian", "книгами", "книг", "и"},
		{"swedish", "klockorna", "klock", "och"},
		{"norwegian", "havnedistriktene", "havnedistrikt", "og"},
		{"nb", "havnedistriktene", "havnedistrikt", "og"},
		{"hungarian", "fiaiéi", "fi", "az"},
		{"HU", "megkelkáposztásíthatatlanságoskodásaitokért", "megkelkáposztásíthatatlanságoskodás", "az"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.word, func(t *testing.T) {
			a := mustAnalyzer(t, Config{Language: tt.lang})
			toks := a.Tokens(nil, tt.word+" "+tt.stop)
			require.Len(t, toks, 2)
			assert.Equal(t, tt.stem, toks[0].Term)
			assert.Zero(t, toks[0].Flags&Stop)
			assert.Equal(t, tt.stop, toks[1].Term)
			assert.NotZero(t, toks[1].Flags&Stop, "%q is a stop word", tt.stop)
			assert.True(t, a.IsStopWord(tt.stop))
			assert.True(t, IsStopWord(tt.lang, strings.ToUpper(tt.stop)))
			assert.Equal(t, tt.stem, a.Stem(tt.word))
		})
	}
}

func TestLanguageNames(t *testing.T) {
	for _, name := range Languages() {
		a := mustAnalyzer(t, Config{Language: name})
		assert.Equal(t, name, a.Language())
	}
	a := mustAnalyzer(t, Config{})
	assert.Equal(t, "english", a.Language())
	a = mustAnalyzer(t, Config{Language: " Sv "})
	assert.Equal(t, "swedish", a.Language())
}

// TestLanguageTags checks that BCP 47 tags with region, script or variant
// subtags (and POSIX locale spellings) count as their primary subtag.
func TestLanguageTags(t *testing.T) {
	cases := []struct{ tag, want string }{
		{"en-US", "english"},
		{"en-GB", "english"},
		{"EN-us", "english"},
		{"en_GB", "english"},
		{"en_US.UTF-8", "english"},
		{"fr-CA", "french"},
		{"fr-FR", "french"},
		{"es-419", "spanish"},
		{"ru-Cyrl-RU", "russian"},
		{"nb-NO", "norwegian"},
		{"no-NO", "norwegian"},
		{"sv-FI", "swedish"},
		{"hu-HU", "hungarian"},
		{"english-US", "english"},
		{" en-US ", "english"},
	}
	for _, c := range cases {
		t.Run(c.tag, func(t *testing.T) {
			a, err := NewAnalyzer(Config{Language: c.tag})
			require.NoError(t, err)
			assert.Equal(t, c.want, a.Language())
			name, err := LanguageName(c.tag)
			require.NoError(t, err)
			assert.Equal(t, c.want, name)
		})
	}
	// A tagged language stems and flags stop words as the bare one does.
	us := mustAnalyzer(t, Config{Language: "en-US"})
	en := mustAnalyzer(t, Config{Language: "en"})
	text := "The talks were running late in Geneva."
	assert.Equal(t, en.Tokens(nil, text), us.Tokens(nil, text))
	assert.True(t, IsStopWord("en-US", "The"))
	assert.True(t, IsStopWord("fr-CA", "le"))
}

// TestUnknownLanguage checks the rule for a language without a stemmer:
// it is rejected, with an error that names it and lists the supported
// languages, whatever its subtags.
func TestUnknownLanguage(t *testing.T) {
	for _, name := range []string{"german", "de", "de-DE", "pt-BR", "zh-Hant-TW", "klingon", "-US", "e", "en US", "\xff"} {
		t.Run(name, func(t *testing.T) {
			a, err := NewAnalyzer(Config{Language: name})
			require.ErrorIs(t, err, ErrUnknownLanguage)
			assert.Nil(t, a)
			assert.Contains(t, err.Error(), fmt.Sprintf("%q", name))
			assert.True(t, strings.HasPrefix(err.Error(), "shingle: "))
			for _, l := range Languages() {
				assert.Contains(t, err.Error(), l, "the error lists the supported languages")
			}
			assert.Contains(t, err.Error(), "english (en)")
			got, err := LanguageName(name)
			require.ErrorIs(t, err, ErrUnknownLanguage)
			assert.Empty(t, got)
			assert.False(t, IsStopWord(name, "der"))
		})
	}
}

func TestTokensSeqMatchesTokens(t *testing.T) {
	text := "The U.S. said 2,000 troops would leave; Putin's NATO-Russia talks ended."
	for _, cfg := range []Config{{}, {NoStem: true}, {HTML: true}} {
		a := mustAnalyzer(t, cfg)
		var seq []Token
		for tk := range a.TokensSeq(text) {
			seq = append(seq, tk)
		}
		assert.Equal(t, a.Tokens(nil, text), seq)
		n := 0
		for range a.TokensSeq(text) {
			n++
			if n == 3 {
				break // stopping early must be safe
			}
		}
		assert.Equal(t, 3, n)
	}
}

func TestTokensAppends(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	dst := a.Tokens(nil, "first story")
	dst = a.Tokens(dst, "second story")
	require.Len(t, dst, 4)
	assert.Equal(t, "first stori second stori", Terms(dst))
}

func TestRemoveStopAndFilter(t *testing.T) {
	a := mustAnalyzer(t, Config{})
	toks := a.Tokens(nil, "The price of the oil is 3.5 dollars")
	kept := RemoveStop(toks)
	assert.Equal(t, "price oil 3.5 dollar", Terms(kept))
	assert.Equal(t, Token{}, toks[len(toks)-1], "dropped tail is cleared")
	nums := Filter(a.Tokens(nil, "1 a 2 b"), func(t Token) bool { return t.Flags&Number != 0 })
	assert.Equal(t, "1 2", Terms(nums))
	assert.Empty(t, RemoveStop(nil))
}

func TestCachedMatchesUncached(t *testing.T) {
	text := "Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought " +
		"since early January; arrivals were 155,221 bags of 60 kilos, 5.93 mln against 5.81 in the U.S."
	for _, lang := range Languages() {
		for _, noStem := range []bool{false, true} {
			cached := mustAnalyzer(t, Config{Language: lang, NoStem: noStem})
			uncached := mustAnalyzer(t, Config{Language: lang, NoStem: noStem, CacheSize: -1})
			want := uncached.Tokens(nil, text)
			for range 3 { // cold, then warm
				assert.Equal(t, want, cached.Tokens(nil, text), "%s nostem=%v", lang, noStem)
			}
		}
	}
}

// TestLargeText analyses a 50 MB text of mixed content: valid words,
// numbers, HTML, invalid bytes and NULs. It must finish with every byte
// accounted for by the invariants.
func TestLargeText(t *testing.T) {
	size := 50 << 20
	if testing.Short() {
		size = 2 << 20
	}
	chunk := "Oil prices rose 3.5% to $18,250 on Monday, the U.S. said.\x00 <b>caf&eacute;</b> \xff\xfe Zürich — “quote” "
	text := strings.Repeat(chunk, size/len(chunk)+1)[:size]
	for _, cfg := range []Config{{}, {HTML: true}} {
		a := mustAnalyzer(t, cfg)
		toks := a.Tokens(nil, text)
		checkTokens(t, text, toks, cfg.HTML)
		perChunk := len(a.Tokens(nil, chunk))
		assert.InDelta(t, perChunk*(size/len(chunk)), len(toks), float64(perChunk+1), "%+v", cfg)
	}
}
