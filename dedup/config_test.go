package dedup

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestInvalidConfig(t *testing.T) {
	for _, cfg := range []Config{
		{SameStoryThreshold: 1.5},
		{CopyJaccard: -0.1},
		{NumHashes: 3},
		{ShingleSize: 40},
		{MaxStories: -1},
		{MaxTextBytes: -1},
		{MaxTextBytes: MaxTextLimit + 1},
		{BoilerplateStories: 1},
		{BoilerplateStories: 9},
		{HTML: 7},
		{Language: "klingon"},
	} {
		_, err := NewDetector(cfg)
		assert.ErrorIs(t, err, ErrInvalidConfig, "%+v", cfg)
	}
	_, err := NewDetector(Config{Language: "klingon"})
	assert.ErrorIs(t, err, ErrUnknownLanguage)
	_, err = NewDetector(Config{MaxTextBytes: MaxTextLimit})
	assert.NoError(t, err, "texts up to 4 GiB")
}
