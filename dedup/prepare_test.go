package dedup

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestErrors(t *testing.T) {
	d := newDetector(t, Config{MaxTextBytes: 1000})
	_, err := d.Add(Story{ID: "ok", Text: "A story with words."})
	require.NoError(t, err)
	cases := []struct {
		name  string
		story Story
		want  error
	}{
		{"no id", Story{Text: "words"}, ErrEmptyID},
		{"long id", Story{ID: strings.Repeat("x", MaxIDBytes+1), Text: "words"}, ErrBadID},
		{"id not UTF-8", Story{ID: "a\xffb", Text: "words"}, ErrBadID},
		{"duplicate id", Story{ID: "ok", Text: "Other words entirely."}, ErrDuplicateID},
		{"empty text", Story{ID: "e1"}, ErrEmptyText},
		{"no words", Story{ID: "e2", Text: " \n\t... --- !!! \x00\x01"}, ErrEmptyText},
		{"only tags", Story{ID: "e3", Text: "<div><br/></div>"}, ErrEmptyText},
		{"text too large", Story{ID: "big", Text: strings.Repeat("word ", 201)}, ErrTooLarge},
		{"title too large", Story{ID: "bigt", Text: "words", Title: strings.Repeat("word ", 201)}, ErrTooLarge},
		{"time before 1900", Story{ID: "t1", Text: "words", Time: time.Date(1850, 1, 1, 0, 0, 0, 0, time.UTC)}, ErrBadTime},
		{"time in the future", Story{ID: "t2", Text: "words", Time: fixedClock().Add(72 * time.Hour)}, ErrBadTime},
		{"unknown language", Story{ID: "l1", Text: "words", Language: "klingon"}, ErrUnknownLanguage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := d.Add(c.story)
			require.ErrorIs(t, err, c.want)
			assert.Equal(t, 1, d.Len(), "a rejected story leaves the detector unchanged")
			_, err = d.Query(c.story)
			if c.want != ErrDuplicateID { // a held id may be queried
				require.ErrorIs(t, err, c.want)
			}
		})
	}
	require.ErrorIs(t, d.Remove("missing"), ErrNotFound)
}

func TestInvalidUTF8AndBinaryText(t *testing.T) {
	d := newDetector(t, Config{})
	garbage := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range garbage {
		garbage[i] = byte(rng.Uint32())
	}
	_, err := d.Add(Story{ID: "binary", Text: string(garbage)})
	if err != nil {
		require.ErrorIs(t, err, ErrEmptyText)
	}
	r, err := d.Add(Story{ID: "mixed", Text: "Valid words \xff\xfe then more words about the harbour"})
	require.NoError(t, err)
	assert.Equal(t, "mixed", r.Cluster)
}
