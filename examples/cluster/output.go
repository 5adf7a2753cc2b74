package main

import (
	"math"
	"strconv"

	"github.com/newsdup/newsdup/dedup"
)

// verdict is one output line.
type verdict struct {
	ID      string     `json:"id"`
	Cluster string     `json:"cluster"`
	Kind    dedup.Kind `json:"kind"`
	Score   score      `json:"score"`
	Matches []match    `json:"matches"`
	Late    bool       `json:"late,omitzero"`
	Merged  []string   `json:"merged,omitzero"`
}

// match is one match of an output line. The evidence fields are filled in
// with -passages only.
type match struct {
	ID          string     `json:"id"`
	Kind        dedup.Kind `json:"kind"`
	Score       score      `json:"score"`
	Jaccard     *score     `json:"jaccard,omitzero"`
	Containment *score     `json:"containment,omitzero"`
	Similarity  *score     `json:"similarity,omitzero"`
	Passages    []passage  `json:"passages,omitzero"`
}

// passage is a passage two stories share, with byte offsets into the text of
// the story (Start, End) and of the matched story (MatchStart, MatchEnd).
type passage struct {
	Start      int    `json:"start"`
	End        int    `json:"end"`
	MatchStart int    `json:"match_start"`
	MatchEnd   int    `json:"match_end"`
	Text       string `json:"text"`
	Quote      bool   `json:"quote"`
}

// score is a similarity written with at most 4 decimals.
type score float64

// MarshalJSON writes s rounded to 4 decimals; a value that is not a finite
// number (which the detector does not produce) is written as null rather
// than failing the whole line.
func (s score) MarshalJSON() ([]byte, error) {
	f := float64(s)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, math.Round(f*1e4)/1e4, 'f', -1, 64), nil
}

// newVerdict converts a detector result to its output form.
func newVerdict(r dedup.Result, evidence bool) verdict {
	v := verdict{ID: r.ID, Cluster: r.Cluster, Kind: r.Kind, Score: score(r.Score), Matches: make([]match, 0, len(r.Matches)), Late: r.Late, Merged: r.Merged}
	for _, m := range r.Matches {
		o := match{ID: m.ID, Kind: m.Kind, Score: score(m.Score)}
		if evidence {
			j, c, s := score(m.Jaccard), score(m.Containment), score(m.Similarity)
			o.Jaccard, o.Containment, o.Similarity = &j, &c, &s
			o.Passages = make([]passage, 0, len(m.Passages))
			for _, p := range m.Passages {
				o.Passages = append(o.Passages, passage{
					Start: p.Start, End: p.End,
					MatchStart: p.MatchStart, MatchEnd: p.MatchEnd,
					Text: p.Text, Quote: p.Quote,
				})
			}
		}
		v.Matches = append(v.Matches, o)
	}
	return v
}
