package dedup

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKindText(t *testing.T) {
	for _, k := range []Kind{New, Copy, SameStory} {
		b, err := k.MarshalText()
		require.NoError(t, err)
		var back Kind
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, k, back)
		assert.Equal(t, string(b), k.String())
	}
	assert.Equal(t, "same_story", SameStory.String())
	var k Kind
	assert.Error(t, k.UnmarshalText([]byte("duplicate")))
	_, err := Kind(9).MarshalText()
	assert.Error(t, err)
}
