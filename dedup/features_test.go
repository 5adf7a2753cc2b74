package dedup

import (
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/shingle"
)

// featuresFor prepares a story and computes its features against d's state.
func featuresFor(t *testing.T, d *Detector, s Story) (*prepared, *features) {
	t.Helper()
	p, err := d.prep.prepare(s)
	require.NoError(t, err)
	return p, featuresOf(d.st, p)
}

func weight(f *features, term string) float64 {
	i, ok := slices.BinarySearch(f.vec.Terms, shingle.HashString(term))
	if !ok {
		return 0
	}
	return float64(f.vec.Weights[i])
}

func TestVector(t *testing.T) {
	d := newDetector(t, Config{})
	t.Run("unit length", func(t *testing.T) {
		_, f := featuresFor(t, d, Story{ID: "a", Text: "Officials met in Geneva on Monday to discuss the grain deal."})
		var norm float64
		for _, w := range f.vec.Weights {
			norm += float64(w) * float64(w)
		}
		// Unit length before each weight is rounded by at most half of
		// 1/weightScale.
		assert.InDelta(t, 1, math.Sqrt(norm), math.Sqrt(float64(f.vec.Len()))*0.5/weightScale)
		for _, w := range f.vec.Weights {
			assert.Equal(t, quantise(w), w, "weights are multiples of 1/weightScale")
		}
	})
	t.Run("the lead weighs more", func(t *testing.T) {
		filler := "the committee discussed budgets and schedules at length. "
		lead := Story{ID: "lead", Text: "farmer protests spread. " + repeat(filler, 12)}
		late := Story{ID: "late", Text: repeat(filler, 12) + "farmer protests spread."}
		_, fl := featuresFor(t, d, lead)
		_, fb := featuresFor(t, d, late)
		assert.Greater(t, weight(fl, "farmer"), weight(fb, "farmer"))
	})
	t.Run("names weigh more than the same word in lower case", func(t *testing.T) {
		_, fn := featuresFor(t, d, Story{ID: "n", Text: "Officials met Baker on Monday about the harvest."})
		_, fw := featuresFor(t, d, Story{ID: "w", Text: "Officials met the baker on Monday about the harvest."})
		assert.Greater(t, weight(fn, "baker")/weight(fn, "harvest"), weight(fw, "baker")/weight(fw, "harvest"))
	})
	t.Run("the title counts", func(t *testing.T) {
		_, f := featuresFor(t, d, Story{ID: "t", Title: "Volcano erupts", Text: "Residents fled their homes on Sunday."})
		assert.Positive(t, weight(f, shingle.NormalizeString("volcano")))
		assert.Zero(t, weight(f, "the"), "stop words have no weight")
	})
	t.Run("rare words weigh more than common ones", func(t *testing.T) {
		_, f := featuresFor(t, d, Story{ID: "r", Text: "said quetzalcoatl said quetzalcoatl"})
		assert.Greater(t, weight(f, "quetzalcoatl"), weight(f, "said"))
	})
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

func TestFeatures(t *testing.T) {
	d := newDetector(t, Config{})
	p, f := featuresFor(t, d, Story{ID: "a", Text: "In 1987 the index rose 12 points.\nIn 2003 it fell 4 points, officials said in a statement on Monday."})
	assert.True(t, slices.IsSorted(f.shingles))
	assert.Len(t, slices.Compact(slices.Clone(f.shingles)), len(f.shingles), "distinct")
	assert.Equal(t, 2003, f.year, "the latest year named")
	assert.Len(t, f.numbers, 4)
	assert.Len(t, f.boiler, len(p.lines))
	assert.Len(t, f.words, len(f.content))
	for i, w := range f.words {
		assert.Equal(t, uint32(f.content[i].Hash), w.id)
		assert.Equal(t, p.story.Text[f.content[i].Start:f.content[i].End], p.story.Text[w.start:w.end])
	}
	assert.LessOrEqual(t, len(f.top), indexTerms)
	assert.Len(t, f.topW, len(f.top))
	assert.True(t, slices.IsSortedFunc(f.topW, func(a, b float64) int { return -cmpFloat(a, b) }), "heaviest first")
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestYearOf(t *testing.T) {
	for term, want := range map[string]int{"1987": 1987, "2099": 2099, "1899": 0, "2100": 0, "198": 0, "19a7": 0, "12345": 0, "": 0} {
		assert.Equal(t, want, yearOf(term), term)
	}
}
