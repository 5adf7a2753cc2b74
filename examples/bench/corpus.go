package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/shingle"
)

// shingleSize is the number of words in the shingles every signer is given.
const shingleSize = 5

// corpus is one set of stories with the features every implementation is
// given, computed once by the project's analyzer before anything is timed.
type corpus struct {
	name    string
	stories []dedup.Story
	texts   [][]byte   // story texts as bytes, for the peers that take []byte
	words   [][]uint64 // hashes of every word, stop words included, in order
	sets    [][]uint64 // sorted distinct word 5-shingle hashes, stop words removed
	bytes   int64      // total bytes of text
	// dupOf[i] is the index of the story that story i was made from, or -1.
	// Only the synthetic corpus knows it.
	dupOf []int
}

// errNoCorpus reports a corpus file that is not there.
var errNoCorpus = errors.New("bench: corpus not found")

// loadReuters reads the Reuters-21578 stories that have a body, in file order
// (which is date order), at most max of them when max > 0.
func loadReuters(path string, max int) ([]dedup.Story, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("bench: %s: %w", path, errNoCorpus)
		}
		return nil, fmt.Errorf("bench: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	var out []dedup.Story
	line := 0
	for sc.Scan() {
		line++
		var a struct {
			ID, Title, Text, Date string
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("bench: %s:%d: %w", path, line, err)
		}
		if strings.TrimSpace(a.Text) == "" {
			continue
		}
		s := dedup.Story{ID: a.ID, Title: a.Title, Text: a.Text}
		if a.Date != "" {
			t, err := time.Parse("2006-01-02T15:04:05", a.Date)
			if err != nil {
				return nil, fmt.Errorf("bench: %s:%d: date: %w", path, line, err)
			}
			s.Time = t
		}
		out = append(out, s)
		if max > 0 && len(out) == max {
			break
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("bench: %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("bench: %s: no story has a text: %w", path, errNoCorpus)
	}
	return out, nil
}

// synthParams shape the synthetic corpus.
type synthParams struct {
	Stories int     // number of stories
	Vocab   int     // distinct words
	Zipf    float64 // Zipf exponent of word frequencies (> 1)
	DupRate float64 // share of stories that are edited versions of a recent one
	Seed    uint64
}

// synthetic generates a seeded corpus of news-like stories: sentences of
// words drawn from a Zipfian vocabulary, with numbers, capitalised sentence
// starts and paragraphs; a share of the stories are versions of one of the
// 500 stories before them, with sentences dropped, words swapped and numbers
// changed. The same parameters give the same corpus on every machine.
// It returns the stories and, for each, the index of the story it was made
// from (-1 for an original).
func synthetic(p synthParams) ([]dedup.Story, []int) {
	r := rand.New(rand.NewPCG(p.Seed, 0x6e657773))
	vocab := syntheticVocab(r, p.Vocab)
	zipf := rand.NewZipf(r, p.Zipf, 1, uint64(len(vocab)-1))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

	stories := make([]dedup.Story, 0, p.Stories)
	dupOf := make([]int, 0, p.Stories)
	sentences := make([][]string, 0, p.Stories) // each story's sentences
	for i := range p.Stories {
		var sents []string
		src := -1
		if i > 0 && r.Float64() < p.DupRate {
			src = max(0, i-1-r.IntN(min(i, 500)))
			sents = editSentences(r, sentences[src], vocab, zipf)
		} else {
			n := 5 + r.IntN(20)
			for range n {
				sents = append(sents, syntheticSentence(r, vocab, zipf))
			}
		}
		sentences = append(sentences, sents)
		var b strings.Builder
		for j, s := range sents {
			if j > 0 {
				if j%3 == 0 {
					b.WriteString("\n")
				} else {
					b.WriteString(" ")
				}
			}
			b.WriteString(s)
		}
		title := sents[0]
		if w := strings.Fields(title); len(w) > 7 {
			title = strings.Join(w[:7], " ")
		}
		stories = append(stories, dedup.Story{
			ID:    "syn-" + strconv.Itoa(i),
			Title: title,
			Text:  b.String(),
			Time:  start.Add(time.Duration(i) * 2 * time.Minute),
		})
		dupOf = append(dupOf, src)
	}
	return stories, dupOf
}

// syntheticVocab returns n distinct pronounceable words.
func syntheticVocab(r *rand.Rand, n int) []string {
	const cons, vows = "bcdfghjklmnprstvwz", "aeiou"
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	var b []byte
	for len(out) < n {
		b = b[:0]
		for range 1 + r.IntN(4) {
			b = append(b, cons[r.IntN(len(cons))], vows[r.IntN(len(vows))])
			if r.IntN(3) == 0 {
				b = append(b, cons[r.IntN(len(cons))])
			}
		}
		if w := string(b); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// syntheticSentence returns one sentence of 8 to 30 words, starting with a
// capital and ending with a full stop; about one word in 25 is a number.
func syntheticSentence(r *rand.Rand, vocab []string, zipf *rand.Zipf) string {
	n := 8 + r.IntN(23)
	w := make([]string, n)
	for i := range w {
		if r.IntN(25) == 0 {
			w[i] = strconv.Itoa(r.IntN(10000))
		} else {
			w[i] = vocab[zipf.Uint64()]
		}
	}
	w[0] = strings.ToUpper(w[0][:1]) + w[0][1:]
	return strings.Join(w, " ") + "."
}

// editSentences returns an edited copy of sents: each sentence is dropped
// with probability 0.15 (at least one stays), and in the others each word is
// replaced by a random one with probability 0.03 and each number changed with
// probability 0.5.
func editSentences(r *rand.Rand, sents []string, vocab []string, zipf *rand.Zipf) []string {
	out := make([]string, 0, len(sents))
	for _, s := range sents {
		if r.Float64() < 0.15 {
			continue
		}
		w := strings.Fields(s)
		for i := range w {
			if _, err := strconv.Atoi(strings.TrimSuffix(w[i], ".")); err == nil {
				if r.IntN(2) == 0 {
					w[i] = strconv.Itoa(r.IntN(10000))
				}
			} else if i > 0 && i < len(w)-1 && r.Float64() < 0.03 {
				w[i] = vocab[zipf.Uint64()]
			}
		}
		if !strings.HasSuffix(w[len(w)-1], ".") {
			w[len(w)-1] += "."
		}
		out = append(out, strings.Join(w, " "))
	}
	if len(out) == 0 {
		out = append(out, sents[0])
	}
	return out
}

// prepare computes the features of stories with the project's analyzer
// (English, stemming): the hashes of all words, and the sorted distinct word
// 5-shingles of the words that are not stop words, as package dedup builds
// them. Every implementation is then given these same features.
func prepare(name string, stories []dedup.Story, dupOf []int) (*corpus, error) {
	an, err := shingle.NewAnalyzer(shingle.Config{})
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	c := &corpus{name: name, stories: stories, dupOf: dupOf}
	var toks []shingle.Token
	for _, s := range stories {
		toks = an.Tokens(toks[:0], s.Text)
		words := make([]uint64, len(toks))
		for i, t := range toks {
			words[i] = t.Hash
		}
		content := shingle.RemoveStop(toks)
		set := shingle.WordShingles(nil, content, shingleSize)
		slices.Sort(set)
		set = slices.Compact(set)
		c.texts = append(c.texts, []byte(s.Text))
		c.words = append(c.words, words)
		c.sets = append(c.sets, slices.Clip(set))
		c.bytes += int64(len(s.Text))
	}
	return c, nil
}
