package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/dedup/redisstore"
)

// redisOpenTimeout bounds connecting to the -redis server.
const redisOpenTimeout = 10 * time.Second

// errRedisOpen reports a -redis server that cannot be reached.
var errRedisOpen = errors.New("cannot open the shared state")

// errRedisFlags reports flags that differ from the shared state's.
var errRedisFlags = errors.New("flags conflict with the shared state")

// sharingFlags lists the flags that every run sharing a -redis state must
// be given the same values of: the fields of dedup.Config that
// dedup.NewSharedDetector compares.
const sharingFlags = "-lang, -html, -window, -lateness, -max-stories, -copy-containment, -copy-jaccard, -min-shared, -same-story, -story-horizon, -event-horizon, -boilerplate, -shingle, -hashes, -lsh-threshold and -seed"

// openShared connects to the -redis server and returns a detector joined
// to the shared state named -redis-name, which it creates with the flags'
// configuration if the server has none, and the store, to be closed at the
// end of the run. The error wraps errRedisOpen when the server cannot be
// reached or the state cannot be read, and errRedisFlags when flags that
// shape the state differ from the state's.
func openShared(o options) (*dedup.Detector, *redisstore.Store, error) {
	// Validate the flags before connecting, so that bad flags are reported
	// as such whether or not the server answers.
	if _, err := dedup.NewDetector(o.cfg); err != nil {
		return nil, nil, err
	}
	// The Redis client logs its failed connection attempts; the error that
	// ends the run says what failed.
	quietOnce.Do(func() { redis.SetLogger(quietLogger{}) })
	ctx, cancel := context.WithTimeout(context.Background(), redisOpenTimeout)
	store, err := redisstore.Open(ctx, o.redis, o.redisName)
	cancel()
	if err != nil {
		return nil, nil, fmt.Errorf("%w %q: %w", errRedisOpen, o.redisName, err)
	}
	// Joining reads the whole shared state and analyses its stories, which
	// takes as long as the state is large, so it has no overall deadline;
	// each command to the server is bounded by the client's own timeouts.
	d, err := dedup.NewSharedDetector(context.Background(), o.cfg, store)
	switch {
	case errors.Is(err, dedup.ErrStoreConfig):
		store.Close()
		return nil, nil, fmt.Errorf("%w %q on the Redis server (every run sharing it must be given the same %s):\n%w", errRedisFlags, o.redisName, sharingFlags, err)
	case err != nil:
		store.Close()
		return nil, nil, fmt.Errorf("%w %q: %w", errRedisOpen, o.redisName, err)
	}
	return d, store, nil
}

// storeFailed reports whether an error of the detector comes from the
// shared state rather than from the story.
func storeFailed(err error) bool {
	return errors.Is(err, dedup.ErrStore) || errors.Is(err, dedup.ErrStoreReset) || errors.Is(err, dedup.ErrStoreEntry)
}

// storeError is the error that ends a run when the shared state fails
// while the story at a line is added. It is not a bad line: -skip-bad does
// not skip it.
func storeError(name string, line int, err error) error {
	return fmt.Errorf("%s line %d: the shared state failed, the run stops here (this story and those after it have no answer): %w", name, line, err)
}

var quietOnce sync.Once

// quietLogger discards the Redis client's log messages.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}
