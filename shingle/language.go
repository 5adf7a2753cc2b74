package shingle

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/hungarian"
	"github.com/kljensen/snowball/norwegian"
	"github.com/kljensen/snowball/russian"
	"github.com/kljensen/snowball/spanish"
	"github.com/kljensen/snowball/swedish"
)

// ErrUnknownLanguage is returned (wrapped, naming the language and listing
// the supported ones) by NewAnalyzer and LanguageName when a language tag
// names no language this package has a stemmer for. Such a language is
// rejected rather than analysed with another language's rules: a stemmer
// and stop list of the wrong language would quietly make different words
// alike and alike words different.
var ErrUnknownLanguage = errors.New("shingle: unknown language")

// DefaultLanguage is the language used when Config.Language is empty.
const DefaultLanguage = "english"

// language holds everything the analyzer needs to know about one language:
// its Snowball stemmer and stop list, and its conventions for apostrophes
// and numbers.
type language struct {
	name   string
	stem   func(word string, stemStopWords bool) string
	isStop func(word string) bool
	// joinApostrophe keeps an apostrophe between two letters inside the
	// word ("putin's", "o'neill"). Where it is false the apostrophe is a
	// separator, which splits French elisions ("l'homme" -> "l", "homme").
	joinApostrophe bool
	// decimal and group are the decimal mark and the digit-group mark of
	// written numbers: "3.5" and "2,000" in English, "3,5" and "2.000" in
	// the other languages.
	decimal, group byte
}

var languages = []*language{
	{name: "english", stem: english.Stem, isStop: english.IsStopWord, joinApostrophe: true, decimal: '.', group: ','},
	{name: "spanish", stem: spanish.Stem, isStop: spanish.IsStopWord, decimal: ',', group: '.'},
	{name: "french", stem: french.Stem, isStop: french.IsStopWord, decimal: ',', group: '.'},
	{name: "russian", stem: russian.Stem, isStop: russian.IsStopWord, decimal: ',', group: '.'},
	{name: "swedish", stem: swedish.Stem, isStop: swedish.IsStopWord, decimal: ',', group: '.'},
	{name: "norwegian", stem: norwegian.Stem, isStop: norwegian.IsStopWord, decimal: ',', group: '.'},
	{name: "hungarian", stem: hungarian.Stem, isStop: hungarian.IsStopWord, decimal: ',', group: '.'},
}

// languageCodes maps the accepted ISO 639-1 codes to Snowball names.
var languageCodes = map[string]string{
	"en": "english",
	"es": "spanish",
	"fr": "french",
	"ru": "russian",
	"sv": "swedish",
	"no": "norwegian",
	"nb": "norwegian",
	"hu": "hungarian",
}

// lookupLanguage resolves a language tag: a Snowball name or an ISO 639-1
// code, ignoring case and surrounding space, optionally followed by BCP 47
// subtags (region, script, variant: "en-US", "pt-BR", "zh-Hant-TW", or
// "en_GB" as POSIX locales write it), which are ignored: the primary
// subtag, before the first '-' or '_', decides. The empty string means
// DefaultLanguage.
func lookupLanguage(tag string) (*language, error) {
	if l := findLanguage(tag); l != nil {
		return l, nil
	}
	return nil, fmt.Errorf("shingle: language %q: %w (supported: %s)", tag, ErrUnknownLanguage, supportedLanguages)
}

// findLanguage is lookupLanguage without the error: nil for an unknown
// language.
func findLanguage(tag string) *language {
	key := strings.ToLower(strings.TrimSpace(tag))
	if key == "" {
		key = DefaultLanguage
	}
	if i := strings.IndexAny(key, "-_"); i >= 0 {
		key = key[:i]
	}
	if full, ok := languageCodes[key]; ok {
		key = full
	}
	for _, l := range languages {
		if l.name == key {
			return l
		}
	}
	return nil
}

// LanguageName returns the canonical Snowball name of a language tag as
// Config.Language takes it ("en", "English", "en-US" and "en_GB" all give
// "english"), or an error wrapping ErrUnknownLanguage that lists the
// supported languages. Callers that keep something per language key it by
// this name, so that the many spellings of one language share it.
func LanguageName(tag string) (string, error) {
	l, err := lookupLanguage(tag)
	if err != nil {
		return "", err
	}
	return l.name, nil
}

// Languages returns the canonical Snowball names of the supported languages.
func Languages() []string {
	names := make([]string, len(languages))
	for i, l := range languages {
		names[i] = l.name
	}
	return names
}

// SupportedLanguages describes the supported languages for a message or a
// help text: each Snowball name followed by its ISO 639-1 codes, as in
// "english (en), spanish (es), ...". Languages has them as a list.
func SupportedLanguages() string { return supportedLanguages }

var supportedLanguages = describeLanguages()

func describeLanguages() string {
	parts := make([]string, len(languages))
	for i, l := range languages {
		var codes []string
		for code, name := range languageCodes {
			if name == l.name {
				codes = append(codes, code)
			}
		}
		slices.Sort(codes)
		parts[i] = l.name + " (" + strings.Join(codes, ", ") + ")"
	}
	return strings.Join(parts, ", ")
}

// IsStopWord reports whether word is a stop word of the language lang
// (a language tag, as in Config.Language). The word is
// normalised first, so "The" and "THE" are English stop words. An unknown
// language has no stop words: IsStopWord returns false for it; use
// NewAnalyzer to have an unknown language reported as an error.
func IsStopWord(lang, word string) bool {
	l := findLanguage(lang)
	if l == nil {
		return false
	}
	return l.isStop(NormalizeString(word))
}
