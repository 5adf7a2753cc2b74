package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/examples/internal/cli"
)

// errNoCorpus reports a Reuters file that is not there.
var errNoCorpus = errors.New("scale: Reuters-21578 not found")

// baseStory is one Reuters story cut into sentences. The sentences share
// the memory of the text.
type baseStory struct {
	title     string
	sentences []string
}

// reutersPath returns the Reuters-21578 file to read: flagValue when given,
// else $NEWSDUP_REUTERS, else shared/datasets beside the repository root
// (the first folder above the working directory that holds this module's
// go.mod). It returns an error wrapping errNoCorpus, saying how to point at
// the file, when there is none.
func reutersPath(flagValue string) (string, error) {
	how := "give -reuters or set NEWSDUP_REUTERS to the path of reuters21578/articles.jsonl"
	p, err := cli.DataPath(flagValue, "NEWSDUP_REUTERS", filepath.Join("reuters21578", "articles.jsonl"))
	if err != nil {
		return "", fmt.Errorf("%w: %s", errNoCorpus, how)
	}
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%w at %s: %s", errNoCorpus, p, how)
	}
	return p, nil
}

// loadBases reads the Reuters stories whose body has a word and cuts each
// into sentences.
func loadBases(path string) ([]baseStory, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("scale: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	var out []baseStory
	line := 0
	for sc.Scan() {
		line++
		var a struct{ Title, Text string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("scale: %s:%d: %w", path, line, err)
		}
		if s := sentences(a.Text); len(s) > 0 {
			out = append(out, baseStory{title: a.Title, sentences: s})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("scale: %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("scale: %s: no story has a text: %w", path, errNoCorpus)
	}
	return out, nil
}

// sentences cuts text after every full stop, question or exclamation mark
// that white space follows, and drops the pieces without a letter or digit
// (Reuters bodies end with a lone control character), so that every
// sentence has a word.
func sentences(text string) []string {
	var out []string
	add := func(s string) {
		if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			out = append(out, strings.TrimSpace(s))
		}
	}
	start := 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '.', '?', '!':
			if i+1 < len(text) && (text[i+1] == ' ' || text[i+1] == '\n' || text[i+1] == '\t') {
				add(text[start : i+1])
				start = i + 1
			}
		}
	}
	add(text[start:])
	return out
}

// Shape of the synthetic stream.
const (
	copyRate     = 0.10 // share of stories that republish a recent story
	recentCopies = 2000 // recent stories a republication picks from
	dropRate     = 0.10 // chance that a version drops a sentence
	swapRate     = 0.02 // chance that a word swaps places with the next
	numberRate   = 0.30 // chance that a number changes
)

// generator produces a seeded stream of stories in time order: edited
// versions of random Reuters stories (sentences dropped, neighbouring words
// swapped, numbers changed, under a new id) and republications of recent
// stories of the stream (whole or cut at a sentence, sometimes under another
// headline). The same bases, seed, count and span give the same stream.
type generator struct {
	bases    []baseStory
	variants int         // variants of each base, which share no shingles (see vocabulary)
	vocab    *vocabulary // nil when variants is 1
	r        *rand.Rand
	start    time.Time
	step     time.Duration // time between two stories
	i        int
	n        int           // stories in the stream
	recent   []dedup.Story // ring of the last recentCopies stories
	words    []string      // scratch
	b        strings.Builder
}

// newGenerator returns a generator of n stories spread evenly over span,
// starting at start, made from variants variants of each base (at least
// 1; 1 is the bases as they are).
func newGenerator(bases []baseStory, seed uint64, n int, start time.Time, span time.Duration, variants int) *generator {
	step := time.Duration(0)
	if n > 1 {
		step = span / time.Duration(n)
	}
	variants = max(1, variants)
	var vocab *vocabulary
	if variants > 1 {
		vocab = newVocabulary(bases)
	}
	return &generator{
		bases:    bases,
		variants: variants,
		vocab:    vocab,
		n:        n,
		r:        rand.New(rand.NewPCG(seed, 0x7363616c65)),
		start:    start,
		step:     step,
		recent:   make([]dedup.Story, 0, recentCopies),
	}
}

// next returns the next story of the stream.
func (g *generator) next() dedup.Story {
	id := "s" + strconv.Itoa(g.i)
	t := g.start.Add(time.Duration(g.i) * g.step)
	var s dedup.Story
	if len(g.recent) > 0 && g.r.Float64() < copyRate {
		src := g.recent[g.r.IntN(len(g.recent))]
		s = dedup.Story{ID: id, Title: src.Title, Text: src.Text, Time: t}
		if g.r.IntN(2) == 0 {
			s.Text = g.cut(src.Text)
		}
		if g.r.IntN(3) == 0 {
			s.Title = "UPDATE - " + src.Title
		}
	} else {
		b, v := g.base()
		s = dedup.Story{ID: id, Title: g.vocab.variant(b.title, v), Text: g.edit(b, v), Time: t}
	}
	if len(g.recent) < recentCopies {
		g.recent = append(g.recent, s)
	} else {
		g.recent[g.i%recentCopies] = s
	}
	g.i++
	return s
}

// base returns the base story and the variant of it that the next edited
// story is a version of: any base, when there is one variant of each;
// else one of the len(bases) variants that come next in the order of all
// the variants (all of the bases' first variants, then all of their second
// ones, and so on) as far into the stream as the stream has gone. Each
// variant is live for a stretch of about 1/(variants-1) of the stream and
// gets its versions there: as many as a base gets in as many stories of a
// stream of one variant.
func (g *generator) base() (*baseStory, int) {
	n := len(g.bases)
	if g.variants == 1 {
		return &g.bases[g.r.IntN(n)], 0
	}
	all := n * g.variants
	centre := int(int64(g.i) * int64(all-n) / int64(max(1, g.n-1)))
	k := centre + g.r.IntN(n)
	return &g.bases[k%n], k / n
}

// cut returns text cut after a sentence between 40% and 90% of its length,
// or the whole text when it has no such boundary.
func (g *generator) cut(text string) string {
	at := len(text) * (40 + g.r.IntN(51)) / 100
	if j := strings.IndexAny(text[at:], ".\n"); j >= 0 && at+j+1 < len(text) {
		return text[:at+j+1]
	}
	return text
}

// edit returns a version of variant v of b: each sentence dropped with
// probability dropRate (one always stays), neighbouring words swapped and
// numbers changed, three sentences a paragraph.
func (g *generator) edit(b *baseStory, v int) string {
	g.b.Reset()
	kept := 0
	for k, sent := range b.sentences {
		last := k == len(b.sentences)-1
		if g.r.Float64() < dropRate && !(last && kept == 0) {
			continue
		}
		g.words = append(g.words[:0], strings.Fields(sent)...)
		for j := range g.words {
			if v > 0 {
				g.words[j] = g.vocab.word(g.words[j], v)
			}
			if isNumber(g.words[j]) && g.r.Float64() < numberRate {
				g.words[j] = g.number(g.words[j])
			}
			if j+1 < len(g.words) && g.r.Float64() < swapRate {
				g.words[j], g.words[j+1] = g.words[j+1], g.words[j]
			}
		}
		if kept > 0 {
			if kept%3 == 0 {
				g.b.WriteByte('\n')
			} else {
				g.b.WriteByte(' ')
			}
		}
		for j, w := range g.words {
			if j > 0 {
				g.b.WriteByte(' ')
			}
			g.b.WriteString(w)
		}
		kept++
	}
	return g.b.String()
}

// isNumber reports whether w is a run of digits, possibly with inner commas
// or dots and a trailing punctuation mark.
func isNumber(w string) bool {
	w = strings.TrimRight(w, ".,;:")
	if w == "" || w[0] < '0' || w[0] > '9' {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if (c < '0' || c > '9') && c != ',' && c != '.' {
			return false
		}
	}
	return true
}

// number returns another number with as many digits as w, keeping any
// trailing punctuation.
func (g *generator) number(w string) string {
	body := strings.TrimRight(w, ".,;:")
	digits := 0
	for i := 0; i < len(body); i++ {
		if body[i] >= '0' && body[i] <= '9' {
			digits++
		}
	}
	lo := 1
	for range digits - 1 {
		lo *= 10
	}
	if lo > 1<<40 {
		return w
	}
	return strconv.Itoa(lo+g.r.IntN(lo*9)) + w[len(body):]
}

// Variants. Reuters-21578 has 19,043 stories with a body, so a stream of a
// million edited versions holds about 47 versions of each by its end, ten
// times as many as at 100,000 stories: the work of comparing a story with
// the versions of its own story grows with the stream, where in a real
// feed it is set by how often a story is republished. A variant of a base
// is the base with each of its words (but the most frequent) replaced by
// another word of about its frequency in the bases, so that variants of one
// base share no shingles while keeping its shape, its length and the
// frequencies of its words. With -variants V the stream draws from V times
// as many stories, each for a stretch of the stream (see generator.base):
// a million stories with V = 10 hold about as many versions of each as
// the plain stream holds at 100,000.
const (
	keptWords = 100 // most frequent words, which variants keep
	wordBlock = 32  // words of consecutive frequency rank that a variant rotates among
)

// vocabulary is the words of the bases by frequency rank.
type vocabulary struct {
	rank  map[string]int // lower-case word -> rank, most frequent first
	words []string
}

func newVocabulary(bases []baseStory) *vocabulary {
	counts := map[string]int{}
	count := func(text string) {
		for _, w := range strings.Fields(text) {
			if _, core, _ := splitWord(w); core != "" {
				counts[strings.ToLower(core)]++
			}
		}
	}
	for _, b := range bases {
		count(b.title)
		for _, s := range b.sentences {
			count(s)
		}
	}
	words := make([]string, 0, len(counts))
	for w := range counts {
		words = append(words, w)
	}
	slices.SortFunc(words, func(a, b string) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	rank := make(map[string]int, len(words))
	for i, w := range words {
		rank[w] = i
	}
	return &vocabulary{rank: rank, words: words}
}

// splitWord cuts a whitespace-delimited token into what precedes its first
// letter, the run of letters from there, and the rest; core is empty when
// the token has no letter.
func splitWord(w string) (pre, core, post string) {
	i := strings.IndexFunc(w, unicode.IsLetter)
	if i < 0 {
		return w, "", ""
	}
	j := i + strings.IndexFunc(w[i:], func(r rune) bool { return !unicode.IsLetter(r) })
	if j < i {
		j = len(w)
	}
	return w[:i], w[i:j], w[j:]
}

// word returns token w of variant v: its letters replaced by the word v
// places further in its block of wordBlock words of consecutive rank, in
// the case of the original (lower, Title or UPPER). Words of rank below
// keptWords, words not in the bases and variant 0 are kept.
func (voc *vocabulary) word(w string, v int) string {
	if voc == nil || v == 0 {
		return w
	}
	pre, core, post := splitWord(w)
	r, ok := voc.rank[strings.ToLower(core)]
	if !ok || r < keptWords {
		return w
	}
	lo := keptWords + (r-keptWords)/wordBlock*wordBlock
	n := min(wordBlock, len(voc.words)-lo)
	m := voc.words[lo+(r-lo+v)%n]
	switch {
	case core == strings.ToUpper(core) && len(core) > 1:
		m = strings.ToUpper(m)
	case unicode.IsUpper([]rune(core)[0]):
		r, size := utf8.DecodeRuneInString(m)
		m = string(unicode.ToUpper(r)) + m[size:]
	}
	return pre + m + post
}

// variant returns text with every word replaced as word does.
func (voc *vocabulary) variant(text string, v int) string {
	if voc == nil || v == 0 {
		return text
	}
	ws := strings.Fields(text)
	for i, w := range ws {
		ws[i] = voc.word(w, v)
	}
	return strings.Join(ws, " ")
}
