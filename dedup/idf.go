package dedup

import (
	_ "embed"
	"fmt"
	"math"
	"sync"

	"github.com/newsdup/newsdup/dedup/internal/dftable"
)

//go:generate go run ./internal/dfgen -in ../../shared/datasets/reuters21578/articles.jsonl -out background.df

// backgroundDF is the embedded background table (package
// dedup/internal/dftable): for each stemmed English term, the number of
// articles of a news corpus it appears in. It was counted over the 20,841
// Reuters-21578 stories with a title or a body (Reuters newswire, 1987) and
// holds the terms found in at least two of them. Regenerate it with go
// generate when the analyzer changes how it stems or hashes terms.
//
//go:embed background.df
var backgroundDF []byte

type dfTable struct {
	docs int
	df   map[uint64]uint32
}

var loadBackground = sync.OnceValues(func() (*dfTable, error) {
	t, err := dftable.Decode(backgroundDF)
	if err != nil {
		return nil, fmt.Errorf("dedup: embedded background table: %w", err)
	}
	return &dfTable{docs: t.Docs, df: t.DF}, nil
})

// idf returns the inverse document frequency of a term given the background
// table and the clusters held: ln((N+1)/(df+1)), where N is the number of
// background articles plus the number of clusters held, and df the term's
// background count plus the number of clusters holding it. Counting clusters
// rather than stories matters: twenty versions of one story must not make its
// own names look common, while names found across many different stories of
// the moment (the topic of the week) should weigh less. st.df starts as a copy
// of the background counts, so one lookup gives the sum: df is the term's
// count in st.df.
func (st *state) idf(df uint32) float64 {
	return math.Log((float64(st.bg.docs+len(st.clusters)) + 1) / (float64(df) + 1))
}
