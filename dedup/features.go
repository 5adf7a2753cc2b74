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
	leadTokens  = 50  // content words counted as the lead, headline included
	leadBoost   = 3.0 // an occurrence in the lead counts this many times
	entityBoost = 2.5 // weight factor of names and numbers
	indexTerms  = 16  // heaviest terms of a story posted in the story index
)

// features are what the tiers compare: computed from a prepared story and
// the detector's state (learned boilerplate, document frequencies).
type features struct {
	boiler   []bool                 // per line: site boilerplate
	content  []shingle.Token        // words outside boilerplate, stop words removed
	words    []word                 // content words with their offsets, for passages
	ids      []uint32               // their ids
	hashes   []uint64               // their term hashes
	shingles []uint64               // sorted distinct word shingles of content
	set      []uint32               // the shingles as copy checks compare them (copySet)
	probe    *setProbe              // set, to match held stories with (see probeSet)
	heldSets map[*storyRec][]uint32 // copy sets of held stories, hashed once per decision (see heldSet)
	figCtx   figureContexts[uint64] // see figureContexts
	figDone  bool
	sig      minhash.Signature
	fp       simhash.Fingerprint
	vec      cluster.Vector // unit-length term vector
	top      []uint64       // heaviest terms, for the story index
	topW     []float64      // their weights
	termIDs  []uint32       // sorted distinct word ids of vec's terms
	figures  []uint64       // sorted distinct term hashes of its figures
	numbers  []uint32       // their word ids, sorted
	year     int            // latest year named in the text, 0 if none
	days     []int32        // days named in the text (see namedDays)
	reported []int32        // days of the week up to its publication it names (see reportedDays)
	// identity is the hash of the content words, in order: two texts with
	// the same words, once normalised, have the same identity.
	identity uint64
	// names are the story's rare names and figures (see weigh), sorted.
	names []uint64
}

// featuresOf computes a story's features against the state: what it has
// learned of site boilerplate and of word rarity.
func featuresOf(st *state, p *prepared) *features {
	f := &features{boiler: make([]bool, len(p.lines))}
	boiler := false
	for i, l := range p.lines {
		if st.isBoilerplate(l.Hash) {
			f.boiler[i] = true
			boiler = true
		}
	}
	f.content = make([]shingle.Token, 0, len(p.tokens))
	if boiler {
		for i, l := range p.lines {
			if !f.boiler[i] {
				f.content = appendContent(f.content, p.tokens[l.Lo:l.Hi])
			}
		}
	} else {
		f.content = appendContent(f.content, p.tokens)
	}
	f.words = wordsOf(f.content)
	f.ids = wordIDs(f.words)
	f.hashes = make([]uint64, len(f.content))
	for i, t := range f.content {
		f.hashes[i] = t.Hash
	}
	f.identity = shingle.HashTerms(f.content)
	f.shingles = shingleSet(st.cfg.ShingleSize, f.ids)
	f.set = copySet(f.shingles)
	f.sig = st.hasher.Sign(minhash.Signature{}, f.shingles)
	f.fp = simhash.Sum(f.shingles)

	for _, t := range f.content {
		if t.Flags&shingle.Number != 0 {
			f.figures = append(f.figures, t.Hash)
			if y := yearOf(t.Term); y > f.year {
				f.year = y
			}
		}
	}
	slices.Sort(f.figures)
	f.figures = slices.Compact(f.figures)
	f.numbers = termIDs(f.figures)
	if p.english {
		lists := [][]shingle.Token{p.title, p.tokens}
		f.days = namedDays(lists, p.story.Time)
		f.reported = reportedDays(lists, f.days, p.story.Time)
	}
	f.vec, f.names = weigh(st, p, f, nil)
	f.termIDs = termIDs(f.vec.Terms)
	f.top = f.vec.Top(nil, indexTerms)
	f.topW = make([]float64, len(f.top))
	for i, t := range f.top {
		j, _ := slices.BinarySearch(f.vec.Terms, t)
		f.topW[i] = float64(f.vec.Weights[j])
	}
	return f
}

// figureContexts returns the story's figures with the words around them
// (by term hash), for numbersConflict, computed on first use.
func (f *features) figureContexts() figureContexts[uint64] {
	if !f.figDone {
		f.figCtx, f.figDone = figureContextsOf(f.hashes, f.figures), true
	}
	return f.figCtx
}

// probeSet returns the story's copy set as held stories are matched with
// it, built on first use.
func (f *features) probeSet(st *state) *setProbe {
	if f.probe == nil {
		f.probe = newSetProbe(f.set, st.cfg.ShingleSize)
	}
	return f.probe
}

// heldSet returns the copy set of a held story (state.copySetOf), hashed on
// first use and kept for the rest of the story's decision: the digest
// checks compare each copy candidate with the latest members of its
// cluster, the same members for every candidate of that cluster.
func (f *features) heldSet(st *state, rec *storyRec) []uint32 {
	if s, ok := f.heldSets[rec]; ok {
		return s
	}
	if f.heldSets == nil {
		f.heldSets = make(map[*storyRec][]uint32)
	}
	s := st.copySetOf(rec)
	f.heldSets[rec] = s
	return s
}

// vector returns the term vector of a story: its title and the words of the
// lines that are neither boilerplate nor lines skip reports (none when skip
// is nil), stop words left out; the title is left out too when skip reports
// its hash. A
// term's weight is (1 + ln tf) · idf, where an occurrence among the first
// leadTokens words counts leadBoost times, multiplied by entityBoost when
// most of its occurrences are capitalised or numbers. The vector is scaled to
// unit length and its weights rounded to multiples of 1/65535 (quantise), so
// that held stories keep them in 16 bits (heldVector).
func vector(st *state, p *prepared, f *features, skip func(line uint64) bool) cluster.Vector {
	v, _ := weigh(st, p, f, skip)
	return v
}

// weigh returns the term vector of a story (see vector) and its rare names:
// the terms of the vector that are names or figures (most of their
// occurrences capitalised or numbers, as entityBoost counts them) and rare,
// with an inverse document frequency of rareName or more (see
// clusterScore), and not site furniture (see furnitureClusters), sorted.
func weigh(st *state, p *prepared, f *features, skip func(line uint64) bool) (cluster.Vector, []uint64) {
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
	if skip == nil || !skip(p.titleHash) {
		add(p.title)
	}
	for i, l := range p.lines {
		if f.boiler[i] {
			continue
		}
		if skip != nil && skip(l.Hash) {
			continue
		}
		add(p.tokens[l.Lo:l.Hi])
	}
	slices.SortFunc(occs, func(a, b occ) int { return cmp.Compare(a.hash, b.hash) })
	distinct := 0
	for i := range occs {
		if i == 0 || occs[i].hash != occs[i-1].hash {
			distinct++
		}
	}
	v := cluster.Vector{Terms: make([]uint64, 0, distinct), Weights: make([]float32, 0, distinct)}
	var names []uint64
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
		df := st.df[occs[i].hash]
		idf := st.idf(df)
		x := (1 + math.Log(tf)) * idf
		if 2*entity > n {
			x *= entityBoost
			if idf >= rareName && !st.furniture(occs[i].hash, df) {
				names = append(names, occs[i].hash)
			}
		}
		v.Terms = append(v.Terms, occs[i].hash)
		v.Weights = append(v.Weights, float32(x))
		norm += x * x
		i = j
	}
	if norm > 0 {
		scale := float32(1 / math.Sqrt(norm))
		for i := range v.Weights {
			v.Weights[i] = quantise(v.Weights[i] * scale)
		}
	}
	return v, names
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

func wordsOf(toks []shingle.Token) []word {
	out := make([]word, len(toks))
	for i, t := range toks {
		out[i] = wordOf(t.Hash, t.Start, t.End)
	}
	return out
}
