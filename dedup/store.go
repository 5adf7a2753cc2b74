package dedup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"
)

// Store is where detectors share one state: the workers of a pipeline, in
// one process or several.
//
// What a store holds is a log: every change made to the shared detector (a
// story added, with the verdict it was given, or a story removed) is an entry
// at the next position. Each detector joined to the store keeps the whole
// state in memory, as a replica built by applying the entries in order, and
// adds a story by deciding on its replica and appending the decision at the
// position after the last one it applied. The append succeeds only if no
// other detector appended first; otherwise the detector applies what it
// missed and decides again. So every verdict is given against the state left
// by all the entries before it, whichever detector made them, and the log
// orders the stories of all workers as one detector would have seen them.
//
// The package provides MemoryStore, for detectors in one process; package
// dedup/redisstore provides one on a Redis server, for several processes.
// Package dedup/storetest checks an implementation against this contract.
//
// Implementations must be safe for concurrent use.
type Store interface {
	// Init records config as the store's configuration when the store has
	// none, and returns the configuration the store holds and its epoch:
	// an identifier chosen when the configuration is recorded, which
	// changes if the store loses its contents (a server restarted without
	// persistence, the keys deleted).
	Init(ctx context.Context, config []byte) (held []byte, epoch string, err error)

	// Append writes entry at position pos if the last position written is
	// pos-1, and reports whether it did. It reports false, without error,
	// when another entry took pos first. Appending an entry identical to
	// the one at pos reports true: a retry after a lost reply is not a
	// conflict. Appending past the next position is an error. The entry
	// expires after ttl (never when ttl <= 0). Append is atomic: the entry
	// and the new last position are written together or not at all. It
	// returns an error wrapping ErrStoreReset when the store's epoch is no
	// longer epoch.
	Append(ctx context.Context, epoch string, pos uint64, entry []byte, ttl time.Duration) (bool, error)

	// Read returns the entries at positions above after, in order, at
	// most limit of them (fewer only when no more are left up to the last
	// position, or to bound the bytes of one answer), and the last
	// position written. Expired entries are left out, so positions may
	// have gaps; no entries means every entry up to the last position
	// expired. It returns an error wrapping ErrStoreReset when the store's
	// epoch is no longer epoch.
	Read(ctx context.Context, epoch string, after uint64, limit int) (entries []Entry, last uint64, err error)
}

// Entry is one entry of a Store's log.
type Entry struct {
	Pos  uint64
	Data []byte
}

// Errors of shared detectors.
var (
	// ErrStore reports a store that failed: an I/O error, a lost
	// connection, a timeout. The operation that returns it changed nothing
	// in the detector; see Detector.AddContext for what it means for the
	// story being added.
	ErrStore = errors.New("dedup: store failed")
	// ErrStoreReset reports a store that lost its contents while detectors
	// were joined to it: its epoch changed. A detector that gets it must be
	// joined again (its replica holds stories the store no longer has).
	ErrStoreReset = errors.New("dedup: store lost its contents")
	// ErrStoreConfig reports a detector whose configuration differs from
	// the one the store was created with.
	ErrStoreConfig = errors.New("dedup: configuration differs from the store's")
	// ErrStoreEntry reports a log entry that cannot be applied: corrupted,
	// or written by a version of this package that this one cannot read.
	ErrStoreEntry = errors.New("dedup: bad store entry")
)

// NewEpoch returns a random epoch for a Store implementation's Init.
func NewEpoch() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
