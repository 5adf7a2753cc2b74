package dedup

import (
	"cmp"
	"math"
	"slices"

	"github.com/newsdup/newsdup/dedup/cluster"
	"github.com/newsdup/newsdup/dedup/minhash"
	"github.com/newsdup/newsdup/shingle"
	"github.com/newsdup/newsdup/simhash"
)

// Weights of the story vector. They encode two facts about news writing: the
// lead (headline and first sentences) says what the story is about, and the
// names and figures in it say which story of its kind it is (which earthquake,
// which player, which deal).
const (
	leadTokens   = 50  // content words counted as the lead, headline included
	leadBoost    = 3.0 // an occurrence in the lead counts this many times
	entityBoost  = 2.5 // weight factor of names and numbers
	indexTerms   = 16  // heaviest terms of a story posted in the story index
	yearConflict = 0.1 // subtracted when a story and a cluster name different latest years
)

// features are what the detector compares: computed from a prepared story
// and the detector's state (learned boilerplate, document frequencies).
type features struct {
	boiler   []bool          // per line: site boilerplate
	content  []shingle.Token // words outside boilerplate, stop words removed
	words    []word          // content words with their offsets
	shingles []uint64        // sorted distinct word shingles of content
	sig      minhash.Signature
	fp       simhash.Fingerprint
	vec      cluster.Vector // unit-length term vector
	top      []uint64       // heaviest terms, for the story index
	topW     []float64      // their weights
	numbers  []uint64       // sorted distinct number terms
	year     int            // latest year named in the text, 0 if none
}

// features computes a story's features. The caller holds d.mu.
func (d *Detector) features(p *prepared) *features {
	f := &features{boiler: make([]bool, len(p.lines))}
	boiler := false
	for i, l := range p.lines {
		if d.isBoilerplate(l.hash) {
			f.boiler[i] = true
			boiler = true
		}
	}
	f.content = make([]shingle.Token, 0, len(p.tokens))
	if boiler {
		for i, l := range p.lines {
			if !f.boiler[i] {
				f.content = appendContent(f.content, p.tokens[l.lo:l.hi])
			}
		}
	} else {
		f.content = appendContent(f.content, p.tokens)
	}
	f.words = wordsOf(f.content)
	f.shingles = d.shingleSet(f.content)
	f.sig = d.hasher.Sign(minhash.Signature{}, f.shingles)
	f.fp = simhash.Sum(f.shingles)

	for _, t := range f.content {
		if t.Flags&shingle.Number != 0 {
			f.numbers = append(f.numbers, t.Hash)
			if y := yearOf(t.Term); y > f.year {
				f.year = y
			}
		}
	}
	slices.Sort(f.numbers)
	f.numbers = slices.Compact(f.numbers)
	f.vec = d.vector(p, f, nil)
	f.top = f.vec.Top(nil, indexTerms)
	f.topW = make([]float64, len(f.top))
	for i, t := range f.top {
		j, _ := slices.BinarySearch(f.vec.Terms, t)
		f.topW[i] = float64(f.vec.Weights[j])
	}
	return f
}

// vector returns the term vector of a story: its title and the words of the
// lines that are neither boilerplate nor in skip, stop words left out. A
// term's weight is (1 + ln tf) · idf, where an occurrence among the first
// leadTokens words counts leadBoost times, multiplied by entityBoost when
// most of its occurrences are capitalised or numbers.
func (d *Detector) vector(p *prepared, f *features, skip map[uint64]int32) cluster.Vector {
	type occ struct {
		hash   uint64
		inc    float32
		entity bool
	}
	occs := make([]occ, 0, len(f.content)+len(p.title))
	add := func(toks []shingle.Token) {
		for _, t := range toks {
			if t.Flags&shingle.Stop != 0 {
				continue
			}
			inc := float32(1)
			if len(occs) < leadTokens {
				inc = leadBoost
			}
			occs = append(occs, occ{t.Hash, inc, t.Flags&(shingle.Capital|shingle.Number) != 0})
		}
	}
	if _, ok := skip[p.titleHash]; !ok {
		add(p.title)
	}
	for i, l := range p.lines {
		if f.boiler[i] {
			continue
		}
		if _, ok := skip[l.hash]; ok {
			continue
		}
		add(p.tokens[l.lo:l.hi])
	}
	slices.SortFunc(occs, func(a, b occ) int { return cmp.Compare(a.hash, b.hash) })
	var v cluster.Vector
	var norm float64
	for i := 0; i < len(occs); {
		j, tf, n, entity := i, 0.0, 0, 0
		for ; j < len(occs) && occs[j].hash == occs[i].hash; j++ {
			tf += float64(occs[j].inc)
			n++
			if occs[j].entity {
				entity++
			}
		}
		x := (1 + math.Log(tf)) * d.idf(occs[i].hash)
		if 2*entity > n {
			x *= entityBoost
		}
		v.Terms = append(v.Terms, occs[i].hash)
		v.Weights = append(v.Weights, float32(x))
		norm += x * x
		i = j
	}
	if norm > 0 {
		scale := float32(1 / math.Sqrt(norm))
		for i := range v.Weights {
			v.Weights[i] *= scale
		}
	}
	return v
}

// shingleSet returns the sorted distinct word shingles of content words.
func (d *Detector) shingleSet(content []shingle.Token) []uint64 {
	s := shingle.WordShingles(nil, content, d.cfg.ShingleSize)
	slices.Sort(s)
	return slices.Compact(s)
}

// appendContent appends the tokens of toks that are not stop words.
func appendContent(dst, toks []shingle.Token) []shingle.Token {
	for _, t := range toks {
		if t.Flags&shingle.Stop == 0 {
			dst = append(dst, t)
		}
	}
	return dst
}

// yearOf returns the year a number term names, if it is a plausible year of
// news (1900 to 2099), else 0.
func yearOf(term string) int {
	if len(term) != 4 {
		return 0
	}
	y := 0
	for i := 0; i < 4; i++ {
		c := term[i]
		if c < '0' || c > '9' {
			return 0
		}
		y = y*10 + int(c-'0')
	}
	if y < 1900 || y > 2099 {
		return 0
	}
	return y
}

// overlap returns the number of values two sorted sets share.
func overlap(a, b []uint64) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// copyScores returns the exact Jaccard similarity of two shingle sets, the
// share of the smaller one found in the larger, and the number they share.
func copyScores(a, b []uint64) (jaccard, containment float64, shared int) {
	if len(a) == 0 || len(b) == 0 {
		return 0, 0, 0
	}
	shared = overlap(a, b)
	jaccard = float64(shared) / float64(len(a)+len(b)-shared)
	containment = float64(shared) / float64(min(len(a), len(b)))
	return jaccard, containment, shared
}

// numbersConflict reports whether the figures of a story and of rec
// disagree: at least two figures of the one with fewer figures, and more than
// a quarter of them, are missing from the other. A trimmed copy keeps a subset
// of the figures; a report written from the same template a week later does
// not.
//
// Only figures told next to a word the other story has count: those of
// sentences both tell. The figures of text only one of them has, such as an
// outlet's dateline ("May 27") or the year of its copyright line, are
// nothing the other disagrees with.
func numbersConflict(f *features, rec *storyRec) bool {
	a := toldNumbers(f.words, f.numbers, rec.vec.Terms)
	b := toldNumbers(rec.words, rec.numbers, f.vec.Terms)
	if len(a) <= len(b) {
		return figuresMissing(a, rec.numbers)
	}
	return figuresMissing(b, f.numbers)
}

// figuresMissing reports whether at least two of the figures told, and more
// than a quarter of them, are missing from other. Both are sorted.
func figuresMissing(told, other []uint64) bool {
	missing := len(told) - overlap(told, other)
	return missing >= 2 && 4*missing > len(told)
}

// toldNumbers returns the sorted distinct figures of a story (numbers, sorted)
// whose nearest word before or after, in words, that is not a figure itself is
// one of terms (sorted).
func toldNumbers(words []word, numbers, terms []uint64) []uint64 {
	if len(numbers) == 0 {
		return nil
	}
	isNumber := func(h uint64) bool {
		_, ok := slices.BinarySearch(numbers, h)
		return ok
	}
	known := func(i, step int) bool {
		for ; i >= 0 && i < len(words); i += step {
			if !isNumber(words[i].hash) {
				_, ok := slices.BinarySearch(terms, words[i].hash)
				return ok
			}
		}
		return false
	}
	var out []uint64
	for i, w := range words {
		if isNumber(w.hash) && (known(i-1, -1) || known(i+1, 1)) {
			out = append(out, w.hash)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
