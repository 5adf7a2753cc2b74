package dedup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
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

// MemoryStore is a Store held in memory, for detectors that share a state
// inside one process, and as the reference implementation of Store. The
// zero value is an empty store ready to use. A MemoryStore is safe for
// concurrent use.
type MemoryStore struct {
	// Clock returns the current time, for expiry; nil means time.Now.
	Clock func() time.Time

	mu      sync.Mutex
	config  []byte
	epoch   string
	base    uint64 // position of entries[0]
	entries []memEntry
}

type memEntry struct {
	data    []byte
	expires time.Time // zero: never
}

func (m *MemoryStore) now() time.Time {
	if m.Clock != nil {
		return m.Clock()
	}
	return time.Now()
}

// Init implements Store.
func (m *MemoryStore) Init(ctx context.Context, config []byte) ([]byte, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", fmt.Errorf("%w: %w", ErrStore, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.epoch == "" {
		m.config = append([]byte(nil), config...)
		m.epoch = NewEpoch()
		m.base = 1
	}
	return append([]byte(nil), m.config...), m.epoch, nil
}

// Reset drops everything the store holds, as a Redis server restarted
// without persistence would: detectors joined to it get ErrStoreReset.
func (m *MemoryStore) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.config, m.epoch, m.base, m.entries = nil, "", 0, nil
}

func (m *MemoryStore) check(ctx context.Context, epoch string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrStore, err)
	}
	if m.epoch == "" || epoch != m.epoch {
		return fmt.Errorf("%w: epoch %q, the store's is %q", ErrStoreReset, epoch, m.epoch)
	}
	return nil
}

// last returns the last position written. The caller holds m.mu.
func (m *MemoryStore) last() uint64 { return m.base + uint64(len(m.entries)) - 1 }

// Append implements Store.
func (m *MemoryStore) Append(ctx context.Context, epoch string, pos uint64, entry []byte, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(ctx, epoch); err != nil {
		return false, err
	}
	now := m.now()
	last := m.last()
	if pos <= last {
		if pos >= m.base {
			e := m.entries[pos-m.base]
			return string(e.data) == string(entry) && !m.expired(e, now), nil
		}
		return false, nil
	}
	if pos != last+1 {
		return false, fmt.Errorf("%w: append at position %d, the last written is %d", ErrStore, pos, last)
	}
	e := memEntry{data: append([]byte(nil), entry...)}
	if ttl > 0 {
		e.expires = now.Add(ttl)
	}
	m.entries = append(m.entries, e)
	// Drop expired entries from the front; entries expire in the order
	// they were written when every detector uses the same window.
	i := 0
	for i < len(m.entries)-1 && m.expired(m.entries[i], now) {
		i++
	}
	if i > 0 {
		// Reslice rather than copy: append moves the live entries to a
		// new array when this one fills up.
		clear(m.entries[:i])
		m.entries = m.entries[i:]
		m.base += uint64(i)
	}
	return true, nil
}

func (m *MemoryStore) expired(e memEntry, now time.Time) bool {
	return !e.expires.IsZero() && !now.Before(e.expires)
}

// Read implements Store.
func (m *MemoryStore) Read(ctx context.Context, epoch string, after uint64, limit int) ([]Entry, uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(ctx, epoch); err != nil {
		return nil, 0, err
	}
	now := m.now()
	var out []Entry
	for pos := max(after+1, m.base); pos <= m.last() && len(out) < limit; pos++ {
		e := m.entries[pos-m.base]
		if !m.expired(e, now) {
			out = append(out, Entry{Pos: pos, Data: e.data})
		}
	}
	return out, m.last(), nil
}
