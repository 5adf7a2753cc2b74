package dedup

import (
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/newsdup/newsdup/shingle"
)

// prepared is what can be learned from a story without the detector's
// state: its tokens, lines and quotations. It is computed outside the
// detector's lock, in parallel when adding a batch.
type prepared struct {
	story  Story
	tokens []shingle.Token // of story.Text, stop words flagged
	title  []shingle.Token // of story.Title, unless the text starts with it
	// titleHash is the hash of the title's terms, as a line's hash, so that
	// a headline quoted in another story's text counts as a shared line.
	titleHash uint64
	lines     []shingle.Line
	quotes    []shingle.Span
	english   bool // analysed as English: days named in it are read (namedDays)
}

// preparer checks and analyses stories for one configuration. It is safe
// for concurrent use.
type preparer struct {
	cfg       *Config
	analyzers sync.Map // analyzerKey -> *shingle.Analyzer
}

type analyzerKey struct {
	lang string
	html bool
}

// prepare checks a story and analyses its text.
// maxTokenHint bounds the tokens prepare makes room for before analysing a
// text, so that a huge text grows its slice as it is read rather than taking
// its estimate at once.
const maxTokenHint = 8192

func (pr *preparer) prepare(s Story) (*prepared, error) {
	if err := pr.validate(s); err != nil {
		return nil, err
	}
	return pr.analyse(s)
}

func storyErr(id string, err error, detail string) error {
	return fmt.Errorf("%w: story %q: %s", err, id, detail)
}

// validate checks what can be checked of a story on its own.
func (pr *preparer) validate(s Story) error {
	switch {
	case s.ID == "":
		return fmt.Errorf("%w", ErrEmptyID)
	case len(s.ID) > MaxIDBytes:
		return storyErr(truncateID(s.ID), ErrBadID, fmt.Sprintf("id is %d bytes, more than %d", len(s.ID), MaxIDBytes))
	case !utf8.ValidString(s.ID):
		return storyErr(s.ID, ErrBadID, "id is not valid UTF-8")
	case len(s.Text) > pr.cfg.MaxTextBytes:
		return storyErr(s.ID, ErrTooLarge, fmt.Sprintf("text is %d bytes, more than %d", len(s.Text), pr.cfg.MaxTextBytes))
	case len(s.Title) > pr.cfg.MaxTextBytes:
		return storyErr(s.ID, ErrTooLarge, fmt.Sprintf("title is %d bytes, more than %d", len(s.Title), pr.cfg.MaxTextBytes))
	}
	if !s.Time.IsZero() {
		if s.Time.Year() < 1900 {
			return storyErr(s.ID, ErrBadTime, fmt.Sprintf("time %s is before 1900", s.Time.Format(time.RFC3339)))
		}
		if limit := pr.cfg.Clock().Add(pr.cfg.MaxFuture); s.Time.After(limit) {
			return storyErr(s.ID, ErrBadTime, fmt.Sprintf("time %s is more than %v in the future", s.Time.Format(time.RFC3339), pr.cfg.MaxFuture))
		}
	}
	return nil
}

func truncateID(id string) string {
	if len(id) <= 64 {
		return id
	}
	return id[:64] + "..."
}

// analyzer returns the shared analyzer for a language and HTML mode. The
// analyzers are keyed by the language's canonical name, so that the many
// spellings of a tag ("en", "en-US", "EN_gb") share one.
func (pr *preparer) analyzer(lang string, html bool) (*shingle.Analyzer, error) {
	name, err := shingle.LanguageName(lang)
	if err != nil {
		return nil, err
	}
	k := analyzerKey{name, html}
	if a, ok := pr.analyzers.Load(k); ok {
		return a.(*shingle.Analyzer), nil
	}
	a, err := shingle.NewAnalyzer(shingle.Config{Language: name, HTML: html})
	if err != nil {
		return nil, err
	}
	actual, _ := pr.analyzers.LoadOrStore(k, a)
	return actual.(*shingle.Analyzer), nil
}

func (pr *preparer) isHTML(text string) bool {
	switch pr.cfg.HTML {
	case HTMLAlways:
		return true
	case HTMLNever:
		return false
	}
	return LooksLikeHTML(text)
}

// analyse analyses the text of a story without checking it: a story that
// another detector sharing the store checked is analysed without being
// checked again, as the checks that depend on the clock could now give
// another answer.
func (pr *preparer) analyse(s Story) (*prepared, error) {
	lang := s.Language
	if lang == "" {
		lang = pr.cfg.Language
	}
	html := pr.isHTML(s.Text)
	an, err := pr.analyzer(lang, html)
	if err != nil {
		return nil, storyErr(s.ID, ErrUnknownLanguage, err.Error())
	}
	p := &prepared{story: s, english: an.Language() == "english"}
	// News text runs about 6 bytes a token: sized for that, the tokens
	// take one allocation, not a dozen doubling ones.
	p.tokens = an.Tokens(make([]shingle.Token, 0, min(len(s.Text)/6+16, maxTokenHint)), s.Text)
	if !hasWord(p.tokens) {
		return nil, storyErr(s.ID, ErrEmptyText, "the text has no words")
	}
	if s.Title != "" {
		tan, err := pr.analyzer(lang, pr.isHTML(s.Title))
		if err != nil {
			return nil, storyErr(s.ID, ErrUnknownLanguage, err.Error())
		}
		title := tan.Tokens(nil, s.Title)
		if !startsWith(p.tokens, title) {
			p.title = title
			p.titleHash = shingle.HashTerms(title)
		}
	}
	p.lines = shingle.Lines(nil, s.Text, html, p.tokens)
	if !html {
		p.quotes = shingle.Quotes(nil, s.Text)
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

// LooksLikeHTML reports whether HTMLAuto treats a text as HTML: whether it
// holds a tag or a character reference (see shingle.LooksLikeHTML).
func LooksLikeHTML(text string) bool { return shingle.LooksLikeHTML(text) }
