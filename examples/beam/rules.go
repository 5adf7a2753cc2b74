package main

import (
	"fmt"

	"github.com/newsdup/newsdup/dedup"
)

// CopyLink is a verified copy: story B is a copy of story A, which comes
// before it, with the exact shingle Jaccard similarity and containment of
// the two.
type CopyLink struct {
	A, B                 string
	Jaccard, Containment float64
}

// StoryLink says that story From, decided in its home shard, is the same
// story as story To (FromLabel and ToLabel are their copy clusters). Score is
// the similarity to the cluster it joined, MatchScore that to To. Listed
// says that To is the detector's best match; when the cluster joined had
// no story left in the detector's window, To is the story that founded it,
// and the verdict lists no match, as the detector's does. Merged are the
// copy clusters of the stories that founded the clusters From merged into
// the one it joined (dedup.Result.Merged), founders the shard holds: the
// same story, as the cluster command's merges have it.
type StoryLink struct {
	From, To           string
	FromLabel, ToLabel string
	Copy               bool // the story tier took From for a copy of To
	Listed             bool
	Score, MatchScore  float64
	Merged             []string
}

// LabelledDoc is a story with its copy cluster, named by its least key.
type LabelledDoc struct {
	Doc   Doc
	Label string
}

// rules are the detector's decisions that the pipeline asks for. Every
// stage that decides goes through them, so that the pipeline keeps the
// shape of a distributed job (analyse, group, verify, join) whatever
// implements them.
type rules interface {
	// check returns the error the detector gives a story it refuses
	// (wrapping dedup.ErrEmptyText, ErrBadID, ErrTooLarge, ErrBadTime or
	// ErrUnknownLanguage), or nil.
	check(s Story) error
	// copies returns the candidate pairs that are copies. docs are the
	// stories of one time shard, at home or context (home[i] says which),
	// in key order; every pair names two of them, A before B, B at home.
	copies(docs []Doc, home []bool, pairs []Pair) ([]CopyLink, error)
	// stories returns the story-tier links of the stories at home in one
	// time shard: for each that is the same story as an earlier story of
	// the shard (or its copy), a link to it. docs are the shard's stories
	// in key order with their copy clusters.
	stories(docs []LabelledDoc, home []bool) ([]StoryLink, error)
}

// detectorRules implements rules with the public API of package dedup: a
// fresh Detector per time shard, fed the shard's stories in key order (the
// context before the home stories, as a stream would give them), whose
// verdicts for the home stories are read. It decides as the streaming
// detector does on that stretch of the stream, at the cost of a streaming
// run per shard; rules that compare two analysed stories directly would
// make each pair's check independent of the others.
type detectorRules struct {
	cfg   dedup.Config
	empty *dedup.Detector // holds no story: Query only checks and analyses
}

// maxCopyMatches is the number of matches a shard's detector lists per
// story, so that every copy it verified is read.
const maxCopyMatches = 64

func newDetectorRules(s Settings) (*detectorRules, error) {
	cfg := s.config()
	cfg.MaxMatches = maxCopyMatches
	empty, err := dedup.NewDetector(cfg)
	if err != nil {
		return nil, err
	}
	return &detectorRules{cfg: cfg, empty: empty}, nil
}

func (r *detectorRules) check(s Story) error {
	_, err := r.empty.Query(s.story())
	return err
}

// run feeds a fresh detector the stories in order.
func (r *detectorRules) run(docs []Doc) ([]dedup.Result, error) {
	d, err := dedup.NewDetector(r.cfg)
	if err != nil {
		return nil, err
	}
	stories := make([]dedup.Story, len(docs))
	for i, doc := range docs {
		stories[i] = doc.Story.story()
	}
	res, err := d.AddBatch(stories)
	if err != nil {
		return nil, fmt.Errorf("shard detector: %w", err)
	}
	return res, nil
}

func (r *detectorRules) copies(docs []Doc, home []bool, pairs []Pair) ([]CopyLink, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	res, err := r.run(docs)
	if err != nil {
		return nil, err
	}
	keys := make(map[string]string, len(docs)) // id -> key
	for _, d := range docs {
		keys[d.Story.ID] = d.Key
	}
	want := make(map[[2]string]bool, len(pairs))
	for _, p := range pairs {
		want[[2]string{p.A, p.B}] = true
	}
	var out []CopyLink
	for i, res := range res {
		if !home[i] {
			continue
		}
		for _, m := range res.Matches {
			a := keys[m.ID]
			if m.Kind == dedup.Copy && want[[2]string{a, docs[i].Key}] {
				out = append(out, CopyLink{A: a, B: docs[i].Key, Jaccard: m.Jaccard, Containment: m.Containment})
			}
		}
	}
	return out, nil
}

func (r *detectorRules) stories(docs []LabelledDoc, home []bool) ([]StoryLink, error) {
	plain := make([]Doc, len(docs))
	labels := make(map[string]string, len(docs)) // id -> label
	keys := make(map[string]string, len(docs))   // id -> key
	for i, d := range docs {
		plain[i] = d.Doc
		labels[d.Doc.Story.ID] = d.Label
		keys[d.Doc.Story.ID] = d.Doc.Key
	}
	res, err := r.run(plain)
	if err != nil {
		return nil, err
	}
	var out []StoryLink
	for i, res := range res {
		if !home[i] || res.Kind == dedup.New {
			continue
		}
		l := StoryLink{From: docs[i].Doc.Key, Copy: res.Kind == dedup.Copy, Score: res.Score}
		if len(res.Matches) > 0 {
			m := res.Matches[0]
			l.To, l.ToLabel, l.Listed, l.MatchScore = keys[m.ID], labels[m.ID], true, m.Score
		} else {
			// The cluster's stories have all left the detector's window
			// (it stays joinable for the story horizon): link to the
			// story that founded it in this shard, without listing it.
			key, ok := keys[res.Cluster]
			if !ok {
				return nil, fmt.Errorf("shard detector: story %q joined cluster %q, which no story of the shard founded", res.ID, res.Cluster)
			}
			l.To, l.ToLabel = key, labels[res.Cluster]
		}
		l.FromLabel = docs[i].Label
		for _, c := range res.Merged {
			if label, ok := labels[c]; ok {
				l.Merged = append(l.Merged, label)
			}
		}
		out = append(out, l)
	}
	return out, nil
}
