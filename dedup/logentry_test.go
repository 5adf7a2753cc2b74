package dedup

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLogEntryRoundTrip(t *testing.T) {
	entries := []logEntry{
		{op: opAdd, nonce: 1, story: Story{ID: "a", Text: "text", Title: "t", Source: "s", Language: "fr",
			Time: time.Date(2021, 12, 25, 14, 0, 0, 5, time.UTC)}, kind: New},
		{op: opAdd, nonce: 2, story: Story{ID: "b", Text: "x"}, kind: Copy, clusterKey: 7, clusterID: "a"},
		{op: opAdd, nonce: 3, story: Story{ID: "c", Text: "\x00\xff"}, kind: SameStory, clusterKey: 1 << 40, clusterID: "a"},
		{op: opRemove, nonce: 4, story: Story{ID: "a"}},
		{op: opJoin, nonce: 5, source: 77},
		{op: opAdd, nonce: 6, story: Story{ID: "d", Text: "t"}, kind: New, source: 77},
		{op: opAdd, nonce: 7, story: Story{ID: "e", Text: "t"}, kind: SameStory, clusterKey: 3, clusterID: "c",
			merged: []uint64{5, 1 << 40}, source: 2},
	}
	for _, want := range entries {
		var got logEntry
		require.NoError(t, got.decode(want.encode()))
		assert.Equal(t, want, got)
	}
}

func TestLogEntryRejectsDamage(t *testing.T) {
	good := (&logEntry{op: opAdd, nonce: 9, story: Story{ID: "b", Text: "some text"}, kind: Copy, clusterKey: 3, clusterID: "a"}).encode()
	var l logEntry
	for n := 0; n < len(good); n++ {
		assert.Error(t, l.decode(good[:n]), "truncated to %d bytes", n)
	}
	for i := range good {
		bad := append([]byte(nil), good...)
		bad[i] ^= 0x40
		assert.Error(t, l.decode(bad), "byte %d flipped", i)
	}
	assert.ErrorContains(t, l.decode(append(append([]byte(nil), good...), 0)), "checksum")
	other := append([]byte(nil), good...)
	other[len(logFormat.Magic)] = logVersion + 1
	assert.ErrorContains(t, l.decode(other), fmt.Sprintf("log entry version %d, this package reads version %d", logVersion+1, logVersion))
}

func FuzzLogEntry(f *testing.F) {
	f.Add((&logEntry{op: opAdd, nonce: 1, story: Story{ID: "a", Text: "t", Time: time.Unix(1, 0)}}).encode())
	f.Add((&logEntry{op: opAdd, nonce: 2, story: Story{ID: "b", Text: "t"}, kind: SameStory, clusterKey: 1, clusterID: "a"}).encode())
	f.Add((&logEntry{op: opAdd, nonce: 4, story: Story{ID: "c", Text: "t"}, kind: SameStory, clusterKey: 1, clusterID: "a", merged: []uint64{2, 3}}).encode())
	f.Add((&logEntry{op: opRemove, nonce: 3, story: Story{ID: "a"}}).encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		var l logEntry
		if err := l.decode(b); err != nil {
			return
		}
		var again logEntry
		require.NoError(t, again.decode(l.encode()))
		require.Equal(t, l, again)
	})
}
