package dedup_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/dedup/internal/teststories"
)

// One shared detector used by many goroutines while another detector on the
// same store adds and removes too; checked by the race detector and by the
// invariants afterwards.
func TestSharedConcurrentUse(t *testing.T) {
	stories := teststories.Newsroom(t)
	store := new(dedup.MemoryStore)
	join := func() *dedup.Detector {
		d, err := dedup.NewSharedDetector(context.Background(), dedup.Config{Window: -1, Clock: clock}, store)
		require.NoError(t, err)
		return d
	}
	a, b := join(), join()
	const goroutines = 4
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := a
			if g == goroutines-1 {
				d = b
			}
			for i, s := range stories {
				s.ID = fmt.Sprintf("g%d-%s", g, s.ID)
				_, err := d.Add(s)
				assert.NoError(t, err)
				_, err = d.Query(s)
				assert.NoError(t, err)
				if i%3 == 0 {
					assert.NoError(t, d.Remove(s.ID))
				}
				d.ClusterOf(s.ID)
				d.Clusters()
			}
		}()
	}
	wg.Wait()
	require.NoError(t, a.Sync(context.Background()))
	require.NoError(t, b.Sync(context.Background()))
	perGoroutine := len(stories) - (len(stories)+2)/3
	assert.Equal(t, goroutines*perGoroutine, a.Len())
	assert.Equal(t, a.Clusters(), b.Clusters())
	assert.Equal(t, a.Clusters(), join().Clusters())
}

func clock() time.Time { return time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC) }
