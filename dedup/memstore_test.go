package dedup_test

import (
	"testing"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/dedup/internal/teststories"
	"github.com/newsdup/newsdup/dedup/storetest"
)

func TestMemoryStore(t *testing.T) {
	stories := teststories.Newsroom(t)
	stories = append(stories, teststories.ECB(t, 300)...)
	storetest.Run(t, storetest.Harness{
		New:     func(*testing.T) dedup.Store { return new(dedup.MemoryStore) },
		Reset:   func(_ *testing.T, s dedup.Store) { s.(*dedup.MemoryStore).Reset() },
		Stories: stories,
	})
}
