package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/dedup/lsh"
	"github.com/newsdup/newsdup/dedup/minhash"
	"github.com/newsdup/newsdup/shingle"
	"github.com/newsdup/newsdup/simhash"
)

// Doc is a story accepted for the pipeline, with its order key.
type Doc struct {
	Key   string
	Story Story
}

// Member is a story's entry in a candidate group: what pairing it needs.
type Member struct {
	Key   string
	Time  int64
	Dated bool
	Home  int64  // home shard
	FP    uint64 // SimHash fingerprint of its shingles
}

// Candidate groups are keyed by a string: 16 hex digits of the shard, a
// kind letter, then the band (or block) and the value shared.
const (
	kindBand    = 'b' // an LSH band of the MinHash signature
	kindAnchor  = 'a' // an anchor shingle
	kindSimHash = 's' // a 16-bit block of the SimHash fingerprint
)

// Candidate sources, mirroring those of the detector's copy tier.
const (
	// anchorEvery: one shingle in anchorEvery, by hash, is an anchor, as in
	// the detector (a copy cut to a few paragraphs of a long story shares
	// anchors with it though LSH misses it).
	anchorEvery = 8
	// simhashDistance is the largest Hamming distance of SimHash
	// fingerprints at which the detector takes two stories as copy
	// candidates; simhashBlocks blocks of 64/simhashBlocks bits, one of which
	// two such fingerprints share, find them.
	simhashDistance = 3
	simhashBlocks   = simhashDistance + 1
)

func groupKey(shard int64, kind byte, index int, value uint64) string {
	return fmt.Sprintf("%016x%c%d:%x", uint64(shard), kind, index, value)
}

// parseGroupKey returns the shard and kind of a group key.
func parseGroupKey(k string) (shard int64, kind byte) {
	var u uint64
	if _, err := fmt.Sscanf(k[:16], "%016x", &u); err != nil || len(k) < 17 {
		panic("beam: malformed group key " + k)
	}
	return int64(u), k[16]
}

// analyseFn takes the stories read under one id: it keeps the first (by
// file and line; the others are repeated ids, bad input), checks it with
// the detector's rules, and analyses it as the detector does (content words
// without stop words, word shingles, MinHash signature, SimHash
// fingerprint). It emits the story, and its entries in the candidate groups
// of each shard that holds it: one per LSH band, per anchor shingle and per
// SimHash block.
type analyseFn struct {
	S     Settings
	Files []string // input file names, by FileRef.Index

	rules     rules
	hasher    *minhash.Hasher
	params    lsh.Params
	analyzers map[analyzerKey]*shingle.Analyzer
	bands     []uint32
}

type analyzerKey struct {
	lang string
	html bool
}

var (
	repeatedIDs   = beam.NewCounter("newsdup", "repeated_ids_skipped")
	rejected      = beam.NewCounter("newsdup", "stories_rejected")
	storiesKept   = beam.NewCounter("newsdup", "stories")
	groupEntries  = beam.NewCounter("newsdup", "candidate_group_entries")
	storiesNoText = beam.NewCounter("newsdup", "stories_without_shingles")
)

// Setup makes the rules, hasher and banding of the worker.
func (fn *analyseFn) Setup() error {
	cfg := fn.S.config()
	var err error
	if fn.rules, err = newDetectorRules(fn.S); err != nil {
		return err
	}
	if fn.hasher, err = minhash.New(minhash.Config{K: cfg.NumHashes, Seed: cfg.Seed}); err != nil {
		return err
	}
	if fn.params, err = lsh.Optimal(lsh.Config{K: cfg.NumHashes, Threshold: cfg.LSHThreshold}); err != nil {
		return err
	}
	fn.analyzers = make(map[analyzerKey]*shingle.Analyzer)
	return nil
}

// ProcessElement takes the stories read under one id.
func (fn *analyseFn) ProcessElement(ctx context.Context, id string, stories func(*Story) bool, emitDoc func(Doc), emitEntry func(string, Member)) error {
	var all []Story
	var s Story
	for stories(&s) {
		all = append(all, s)
	}
	slices.SortFunc(all, func(a, b Story) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	first := all[0]
	for _, dup := range all[1:] {
		err := fmt.Errorf("%s: %w %q, first on %s", fn.where(dup), errDuplicateID, id, fn.where(first))
		if !fn.S.SkipBad {
			return err
		}
		log.Warnf(ctx, "skipped: %v", err)
		repeatedIDs.Inc(ctx, 1)
	}
	if err := fn.rules.check(first); err != nil {
		err = fmt.Errorf("%s: %w", fn.where(first), err)
		if !fn.S.SkipBad {
			return err
		}
		log.Warnf(ctx, "skipped: %v", err)
		rejected.Inc(ctx, 1)
		return nil
	}
	doc := Doc{Key: orderKey(first), Story: first}
	emitDoc(doc)
	storiesKept.Inc(ctx, 1)

	shingles, err := fn.shingles(first)
	if err != nil {
		return err
	}
	if len(shingles) == 0 {
		storiesNoText.Inc(ctx, 1) // the detector finds no copy of it either
		return nil
	}
	sig := fn.hasher.Sign(minhash.Signature{}, shingles)
	if fn.bands, err = fn.params.BandHashes(fn.bands[:0], sig); err != nil {
		return err
	}
	fp := simhash.Sum(shingles)
	m := Member{Key: doc.Key, Time: first.Time, Dated: first.Dated, Home: fn.S.homeShard(first.Time, first.Dated), FP: uint64(fp)}
	n := 0
	emit := func(k string) {
		emitEntry(k, m)
		n++
	}
	for _, shard := range fn.S.shards(first.Time, first.Dated, fn.S.Window) {
		for j, h := range fn.bands {
			emit(groupKey(shard, kindBand, j, uint64(h)))
		}
		for _, h := range shingles {
			if h%anchorEvery == 0 {
				emit(groupKey(shard, kindAnchor, 0, h))
			}
		}
		for b := range simhashBlocks {
			emit(groupKey(shard, kindSimHash, b, simhashBlock(uint64(fp), b)))
		}
	}
	groupEntries.Inc(ctx, int64(n))
	return nil
}

// where names the file and line a story was read from.
func (fn *analyseFn) where(s Story) string {
	name := fmt.Sprintf("input file %d", s.File)
	if s.File >= 0 && s.File < int64(len(fn.Files)) {
		name = fn.Files[s.File]
	}
	return fmt.Sprintf("%s:%d", name, s.Line)
}

// simhashBlock returns block b of a fingerprint cut into simhashBlocks
// blocks of 16 bits: two fingerprints within simhashDistance of each other
// agree on at least one block.
func simhashBlock(fp uint64, b int) uint64 {
	const width = 64 / simhashBlocks
	return fp >> (width * b) & (1<<width - 1)
}

// shingles returns the sorted distinct word shingles of a story's content
// words (stop words left out), as the detector computes them for a story
// without learned site boilerplate.
func (fn *analyseFn) shingles(s Story) ([]uint64, error) {
	lang := s.Lang
	if lang == "" {
		lang = fn.S.Language
	}
	html := false
	switch fn.S.HTML {
	case dedup.HTMLAlways:
		html = true
	case dedup.HTMLAuto:
		html = dedup.LooksLikeHTML(s.Text)
	}
	k := analyzerKey{lang, html}
	an := fn.analyzers[k]
	if an == nil {
		var err error
		if an, err = shingle.NewAnalyzer(shingle.Config{Language: lang, HTML: html}); err != nil {
			return nil, err // rules.check has accepted the language
		}
		fn.analyzers[k] = an
	}
	content := shingle.RemoveStop(an.Tokens(nil, s.Text))
	sh := shingle.WordShingles(nil, content, fn.S.ShingleSize)
	slices.Sort(sh)
	return slices.Compact(sh), nil
}
