package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/newsdup/newsdup/examples/internal/cli"
	"github.com/newsdup/newsdup/shingle"
)

// Defaults and fixed rules of the perturbation set.
const (
	defaultOriginals   = 1000
	defaultDistractors = 2000
	defaultMaxCopies   = 5

	// minBodyWords is the shortest body, in words, of a story chosen as an
	// original or a distractor.
	minBodyWords = 80
	// maxPairJaccard bounds the Jaccard similarity of the word 5-shingle
	// sets of any two chosen stories: at or above it they could be versions
	// of one story, and the gold labels would be wrong.
	maxPairJaccard = 0.1
	// pairShingleSize is the shingle size of that check.
	pairShingleSize = 5
	// maxPairCosine bounds the plain TF-IDF cosine similarity (stemmed words,
	// stop words left out, inverse document frequency over the eligible
	// stories) of any two chosen stories published within relatedWindow of
	// each other: such stories are often reports of one event (a follow-up,
	// a reaction) that the gold labels would call different stories, so
	// whether a detector groups them says nothing about its copies.
	maxPairCosine = 0.2
	relatedWindow = 7 * 24 * time.Hour
	// maxCopyDelay is how long after the original a copy may appear.
	maxCopyDelay = 36 * time.Hour

	// wireSource is the Source of originals and distractors.
	wireSource = "Reuters"
)

// Roles of the stories of the perturbation set.
const (
	roleOriginal   = "original"
	roleCopy       = "copy"
	roleDistractor = "distractor"
)

// genConfig configures the perturbation set.
type genConfig struct {
	// Seed seeds every random choice: the same corpus, config and seed give
	// the same set, byte for byte.
	Seed uint64
	// Originals and Distractors are the numbers of stories of each kind.
	Originals, Distractors int
	// MaxCopies is the most copies of one original; each has 1 to MaxCopies,
	// uniformly.
	MaxCopies int
}

// genStats says how the perturbation set was drawn.
type genStats struct {
	Corpus         int // stories in the corpus
	Eligible       int // dated, body of minBodyWords or more, title used once
	Examined       int // eligible stories examined before enough were chosen
	NearDuplicates int // examined stories rejected as too close to a chosen one
	Related        int // examined stories rejected as maybe reporting the event of a chosen one
	Originals      int
	Copies         int
	Distractors    int
	MaxCopies      int // most copies of one original
	// Applied counts the copies carrying each perturbation.
	Applied map[string]int
}

// generate draws a perturbation set from a wire corpus (Reuters-21578
// articles): it chooses originals and distractors among the dated stories
// with a body of at least minBodyWords words whose normalised title occurs
// once in the corpus, no two of them with word 5-shingle Jaccard similarity
// of maxPairJaccard or more, and makes 1 to MaxCopies copies of every
// original, as outlets publish them (see makeCopy). Stories are returned in
// the order of their dates (ties by id), the order a feed delivers them.
func generate(corpus []article, cfg genConfig) ([]article, genStats, error) {
	st := genStats{Corpus: len(corpus), MaxCopies: cfg.MaxCopies, Applied: make(map[string]int)}
	if cfg.Originals < 0 || cfg.Distractors < 0 || cfg.Originals+cfg.Distractors == 0 {
		return nil, st, fmt.Errorf("%w: want some originals or distractors, not %d and %d", errData, cfg.Originals, cfg.Distractors)
	}
	if cfg.MaxCopies < 1 {
		return nil, st, fmt.Errorf("%w: want at least 1 copy per original, not %d", errData, cfg.MaxCopies)
	}

	titles := make(map[string]int, len(corpus))
	for _, a := range corpus {
		titles[titleKey(a.Title)]++
	}
	var eligible []source
	for _, a := range corpus {
		t, err := cli.ParseDate(a.Date)
		if err != nil || t.IsZero() || titles[titleKey(a.Title)] > 1 {
			continue
		}
		body := cleanBody(a.Text)
		if len(strings.Fields(body)) < minBodyWords {
			continue
		}
		eligible = append(eligible, source{ID: a.ID, Title: a.Title, Text: body, Paras: paragraphs(body), Time: t.UTC()})
	}
	st.Eligible = len(eligible)

	r := rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))
	chosen, err := choose(r, eligible, cfg.Originals+cfg.Distractors, &st)
	if err != nil {
		return nil, st, err
	}

	outs := outlets()
	var out []article
	for k, src := range chosen {
		id := "reuters-" + src.ID
		if k >= cfg.Originals {
			out = append(out, article{ID: id, Title: src.Title, Text: src.Text, Date: formatDate(src.Time),
				Source: wireSource, Cluster: id, Role: roleDistractor})
			st.Distractors++
			continue
		}
		out = append(out, article{ID: id, Title: src.Title, Text: src.Text, Date: formatDate(src.Time),
			Source: wireSource, Cluster: id, Role: roleOriginal})
		st.Originals++
		n := 1 + r.IntN(cfg.MaxCopies)
		perm := r.Perm(len(outs))
		for c := range n {
			o := &outs[perm[c%len(outs)]]
			when := src.Time.Add(time.Duration(r.Int64N(int64(maxCopyDelay/time.Second)+1)) * time.Second)
			title, text, applied := makeCopy(r, src, o, when)
			out = append(out, article{ID: fmt.Sprintf("%s-copy%d", id, c+1), Title: title, Text: text,
				Date: formatDate(when), Source: o.Name, Cluster: id, Role: roleCopy, Original: id,
				Perturbations: applied})
			st.Copies++
			for _, p := range applied {
				st.Applied[p]++
			}
		}
	}
	slices.SortStableFunc(out, func(a, b article) int {
		return cmp.Or(strings.Compare(a.Date, b.Date), strings.Compare(a.ID, b.ID))
	})
	return out, st, nil
}

// choose examines the eligible stories in a random order and keeps each
// one whose word 5-shingle set has Jaccard similarity below maxPairJaccard
// with every story kept so far, until it has want stories. Shared shingles
// are counted through an inverted index of the kept stories, so a story is
// compared only with those it shares a shingle with.
func choose(r *rand.Rand, eligible []source, want int, st *genStats) ([]source, error) {
	an, err := shingle.NewAnalyzer(shingle.Config{})
	if err != nil {
		return nil, err
	}
	// Document frequencies over the eligible stories, for the cosine check.
	df := make(map[uint64]int)
	var toks0 []shingle.Token
	for _, src := range eligible {
		toks0 = an.Tokens(toks0[:0], src.Text)
		seen := make(map[uint64]bool)
		for _, t := range toks0 {
			if t.Flags&shingle.Stop == 0 && !seen[t.Hash] {
				seen[t.Hash] = true
				df[t.Hash]++
			}
		}
	}
	var (
		vecs     []map[uint64]float64 // unit TF-IDF vector of each kept story
		byTerm   = make(map[uint64][]int32)
		kept     []source
		sizes    []int
		postings = make(map[uint64][]int32)
		shared   []int32 // shingles shared with each kept story
		touched  []int32
		toks     []shingle.Token
		set      []uint64
	)
	for _, i := range r.Perm(len(eligible)) {
		if len(kept) == want {
			break
		}
		st.Examined++
		src := eligible[i]
		toks = an.Tokens(toks[:0], src.Text)
		set = shingle.WordShingles(set[:0], toks, pairShingleSize)
		slices.Sort(set)
		set = slices.Compact(set)

		near := false
		for _, h := range set {
			for _, k := range postings[h] {
				if shared[k] == 0 {
					touched = append(touched, k)
				}
				shared[k]++
			}
		}
		for _, k := range touched {
			inter := int(shared[k])
			if float64(inter) >= maxPairJaccard*float64(len(set)+sizes[k]-inter) {
				near = true
			}
			shared[k] = 0
		}
		touched = touched[:0]
		if near {
			st.NearDuplicates++
			continue
		}
		vec := tfidf(toks, df, len(eligible))
		if related(vec, src.Time, vecs, kept, byTerm) {
			st.Related++
			continue
		}
		k := int32(len(kept))
		for t := range vec {
			byTerm[t] = append(byTerm[t], k)
		}
		vecs = append(vecs, vec)
		kept = append(kept, src)
		sizes = append(sizes, len(set))
		shared = append(shared, 0)
		for _, h := range set {
			postings[h] = append(postings[h], k)
		}
	}
	if len(kept) < want {
		return nil, fmt.Errorf("%w: only %d of %d eligible stories are far enough apart, %d wanted; ask for fewer originals or distractors",
			errData, len(kept), len(eligible), want)
	}
	return kept, nil
}

// tfidf returns the unit-length TF-IDF vector of a story's words: weight
// (1 + ln tf) · ln(n / df), stop words left out.
func tfidf(toks []shingle.Token, df map[uint64]int, n int) map[uint64]float64 {
	tf := make(map[uint64]float64)
	for _, t := range toks {
		if t.Flags&shingle.Stop == 0 {
			tf[t.Hash]++
		}
	}
	var norm float64
	for t, c := range tf {
		w := (1 + math.Log(c)) * math.Log(float64(n)/float64(max(1, df[t])))
		tf[t] = w
		norm += w * w
	}
	norm = math.Sqrt(norm)
	for t := range tf {
		if norm > 0 {
			tf[t] /= norm
		}
	}
	return tf
}

// related reports whether a story with vector vec published at when has a
// cosine similarity of maxPairCosine or more with a kept story published
// within relatedWindow of it. Only kept stories sharing a term are looked at.
func related(vec map[uint64]float64, when time.Time, vecs []map[uint64]float64, kept []source, byTerm map[uint64][]int32) bool {
	dots := make(map[int32]float64)
	for t, w := range vec {
		for _, k := range byTerm[t] {
			dots[k] += w * vecs[k][t]
		}
	}
	for k, d := range dots {
		gap := when.Sub(kept[k].Time)
		if d >= maxPairCosine && gap < relatedWindow && gap > -relatedWindow {
			return true
		}
	}
	return false
}

// titleKey is the form of a title compared to find resends and template
// series: lower-cased, digits removed, spaces collapsed.
func titleKey(title string) string {
	title = strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return -1
		}
		return r
	}, strings.ToLower(title))
	return strings.Join(strings.Fields(title), " ")
}

// cleanBody removes the wire's transmission marks from a Reuters body: the
// end-of-text control character and the closing "Reuter" sign-off line.
func cleanBody(s string) string {
	s = strings.ReplaceAll(s, "\x03", "")
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		if last := strings.TrimSpace(s[i+1:]); strings.EqualFold(last, "Reuter") || strings.EqualFold(last, "Reuters") {
			s = strings.TrimSpace(s[:i])
		}
	}
	return s
}

// paragraphs splits a Reuters body into paragraphs. The wire wraps text at
// about 70 columns and starts every paragraph but the first with an indent
// of four spaces (or a tab); a blank line also ends a paragraph. The lines
// of a paragraph are joined with single spaces, and runs of white space in
// it collapsed, as a site sets the text. No word is lost or changed.
func paragraphs(body string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur = cur[:0]
		}
	}
	for line := range strings.Lines(body) {
		words := strings.Fields(line)
		if len(words) == 0 {
			flush()
			continue
		}
		if strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t") {
			flush()
		}
		cur = append(cur, strings.Join(words, " "))
	}
	flush()
	return out
}

// formatDate writes a time as RFC 3339 in UTC.
func formatDate(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// writeArticles writes articles as JSON Lines.
func writeArticles(w io.Writer, arts []article) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, a := range arts {
		if err := enc.Encode(a); err != nil {
			return err
		}
	}
	return bw.Flush()
}
