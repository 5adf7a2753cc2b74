package dedup

import (
	"context"
	"fmt"
	"runtime"
	"sync"
)

// batchChunk is the number of stories analysed ahead in AddBatch: enough to
// keep every core busy, few enough to bound the memory of analysed texts.
const batchChunk = 256

// AddBatch adds stories in the order given, as successive calls of Add
// would, and returns their results in the same order. It is the helper for
// offline use: texts are analysed, and shared passages found, on all cores in
// parallel, while the comparisons run one story after the other, so the
// results are the same as those of Add.
//
// AddBatch stops at the first story that Add would reject: it returns the
// results of the stories before it, which stay added, and an error naming the
// story's position and wrapping the reason.
func (d *Detector) AddBatch(stories []Story) ([]Result, error) {
	results := make([]Result, 0, len(stories))
	workers := runtime.GOMAXPROCS(0)
	prep := make([]*prepared, batchChunk)
	errs := make([]error, batchChunk)
	jobs := make([]*passageJob, batchChunk)
	for lo := 0; lo < len(stories); lo += batchChunk {
		chunk := stories[lo:min(lo+batchChunk, len(stories))]
		parallel(len(chunk), workers, func(i int) { prep[i], errs[i] = d.prep.prepare(chunk[i]) })
		base := len(results)
		var failed error
		for i := range chunk {
			if errs[i] != nil {
				failed = fmt.Errorf("story %d: %w", lo+i, errs[i])
				break
			}
			r, job, err := d.add(context.Background(), prep[i])
			if err != nil {
				failed = fmt.Errorf("story %d: %w", lo+i, err)
				break
			}
			results = append(results, r)
			jobs[i] = job
		}
		done := results[base:]
		parallel(len(done), workers, func(i int) { findPassages(&done[i], jobs[i], d.cfg.MaxPassages) })
		clear(prep)
		clear(jobs)
		if failed != nil {
			return results, failed
		}
	}
	return results, nil
}

// parallel calls f(0) ... f(n-1) on up to workers goroutines and waits.
func parallel(n, workers int, f func(i int)) {
	if workers <= 1 || n <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}
