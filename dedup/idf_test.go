package dedup

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/shingle"
)

func TestBackgroundTable(t *testing.T) {
	bg, err := loadBackground()
	require.NoError(t, err)
	assert.Equal(t, 20841, bg.docs, "Reuters-21578 stories with a title or body")
	assert.Greater(t, len(bg.df), 20000)
	said := bg.df[shingle.HashString("said")]
	assert.Greater(t, said, uint32(bg.docs/2), "said is in most wire stories")
}

func TestIDF(t *testing.T) {
	d := newDetector(t, Config{Window: -1})
	st := d.st
	common, rare := shingle.HashString("said"), shingle.HashString("quetzalcoatl")
	assert.Less(t, st.idf(st.df[common]), st.idf(st.df[rare]), "a common word weighs less")
	before := st.idf(st.df[rare])
	for i, text := range []string{
		"An exhibition of Aztec sculpture opens at the capital's national museum on Friday, with a stone Quetzalcoatl lent by Mexico City and gold jewellery from Oaxaca.",
		"Farmers in Brittany blocked roads with tractors on Tuesday to protest against import rules for Brazilian beef; a trade group called its new brand Quetzalcoatl.",
		"Palaeontologists in Texas described a new species of flying reptile, smaller than Quetzalcoatlus, from bones found near Big Bend after a flood in 2019; quetzalcoatl is its namesake.",
	} {
		_, err := d.Add(Story{ID: string(rune('a' + i)), Text: text})
		require.NoError(t, err)
	}
	require.Len(t, d.Clusters(), 3)
	assert.Less(t, st.idf(st.df[rare]), before, "a word found in many clusters held weighs less")
	assert.Equal(t, uint32(3), st.df[rare]-d.st.bg.df[rare], "counted once per cluster")
}
