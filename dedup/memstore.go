package dedup

import (
	"context"
	"fmt"
	"sync"
	"time"
)

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
