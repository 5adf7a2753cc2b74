package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newsdup/newsdup/dedup"
)

// DefaultName is the name of a store when none is given.
const DefaultName = "newsdup"

// maxReadBytes bounds the entry bytes one Read returns (at least one entry
// is always returned, whatever its size).
const maxReadBytes = 8 << 20

// Store is a dedup.Store on a Redis server. Its keys all start with
// "{name}:" (the braces put them in one hash slot):
//
//	{name}:meta     hash: config (the detectors' configuration), epoch
//	{name}:last     the last log position written
//	{name}:log:POS  the log entry at POS, expiring after the window
//
// Appends, reads and the creation of the store are Lua scripts, so each is
// atomic on the server. A Store is safe for concurrent use.
type Store struct {
	client redis.UniversalClient
	owned  bool
	name   string
	meta   string
	last   string
	entry  string // prefix of the entry keys
}

// New returns the store called name (DefaultName when empty) on the server
// client talks to. The caller keeps ownership of client: Close does not
// close it. The name must not contain braces.
func New(client redis.UniversalClient, name string) (*Store, error) {
	if client == nil {
		return nil, errors.New("redisstore: nil client")
	}
	if name == "" {
		name = DefaultName
	}
	if strings.ContainsAny(name, "{}") {
		return nil, fmt.Errorf("redisstore: store name %q contains a brace", name)
	}
	tag := "{" + name + "}:"
	return &Store{client: client, name: name, meta: tag + "meta", last: tag + "last", entry: tag + "log:"}, nil
}

// Open connects to the Redis server at url ("redis://[[user]:password@]host
// [:port][/db]", or "rediss://" for TLS; see redis.ParseURL for the options
// it takes) and returns the store called name on it, after checking that
// the server answers. Close closes the connection.
func Open(ctx context.Context, url, name string) (*Store, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redisstore: bad server URL: %w", err)
	}
	c := redis.NewClient(opt)
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("redisstore: cannot reach the server at %s: %w", opt.Addr, err)
	}
	s, err := New(c, name)
	if err != nil {
		c.Close()
		return nil, err
	}
	s.owned = true
	return s, nil
}

// Name returns the store's name.
func (s *Store) Name() string { return s.name }

// Client returns the client the store uses.
func (s *Store) Client() redis.UniversalClient { return s.client }

// Close closes the connection if the store opened it (see Open).
func (s *Store) Close() error {
	if s.owned {
		return s.client.Close()
	}
	return nil
}

var initScript = redis.NewScript(`
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
	redis.call('HSET', KEYS[1], 'config', ARGV[1], 'epoch', ARGV[2])
	redis.call('SET', KEYS[2], '0')
	return {ARGV[1], ARGV[2]}
end
return {redis.call('HGET', KEYS[1], 'config'), epoch}
`)

// Init implements dedup.Store.
func (s *Store) Init(ctx context.Context, config []byte) ([]byte, string, error) {
	v, err := initScript.Run(ctx, s.client, []string{s.meta, s.last}, config, dedup.NewEpoch()).Slice()
	if err != nil {
		return nil, "", fmt.Errorf("redisstore: init %s: %w", s.name, err)
	}
	if len(v) != 2 {
		return nil, "", fmt.Errorf("redisstore: init %s: unexpected reply %v", s.name, v)
	}
	held, _ := v[0].(string)
	epoch, _ := v[1].(string)
	return []byte(held), epoch, nil
}

// Replies of the append and read scripts that are not results.
const (
	replyReset = -1 // the epoch differs
	replyGap   = -2 // append past the next position
)

var appendScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[1] then return {-1, 0} end
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
local pos = tonumber(ARGV[2])
if pos <= last then
	if redis.call('GET', KEYS[3]) == ARGV[3] then return {1, last} end
	return {0, last}
end
if pos ~= last + 1 then return {-2, last} end
local ttl = tonumber(ARGV[4])
if ttl > 0 then
	redis.call('SET', KEYS[3], ARGV[3], 'PX', ttl)
else
	redis.call('SET', KEYS[3], ARGV[3])
end
redis.call('SET', KEYS[2], ARGV[2])
return {1, pos}
`)

func (s *Store) resetErr(epoch string) error {
	return fmt.Errorf("redisstore: %s: %w: epoch %q is gone (the server lost the store's keys)", s.name, dedup.ErrStoreReset, epoch)
}

// Append implements dedup.Store.
func (s *Store) Append(ctx context.Context, epoch string, pos uint64, entry []byte, ttl time.Duration) (bool, error) {
	ms := int64(0)
	if ttl > 0 {
		ms = max(ttl.Milliseconds(), 1)
	}
	key := s.entry + strconv.FormatUint(pos, 10)
	v, err := appendScript.Run(ctx, s.client, []string{s.meta, s.last, key}, epoch, pos, entry, ms).Int64Slice()
	if err != nil {
		return false, fmt.Errorf("redisstore: append to %s: %w", s.name, err)
	}
	if len(v) != 2 {
		return false, fmt.Errorf("redisstore: append to %s: unexpected reply %v", s.name, v)
	}
	switch v[0] {
	case 1:
		return true, nil
	case 0:
		return false, nil
	case replyReset:
		return false, s.resetErr(epoch)
	case replyGap:
		return false, fmt.Errorf("redisstore: append to %s at position %d, the last written is %d", s.name, pos, v[1])
	}
	return false, fmt.Errorf("redisstore: append to %s: unexpected reply %v", s.name, v)
}

// readScript returns the last position, then position and entry pairs. The
// entry keys it reads are made from ARGV[4] and share the hash slot of the
// keys it is given. When the next entry has expired it finds the first one
// that has not by bisection: entries are written in order with one time to
// live (every detector of a store has the same window), so they expire in
// order.
var readScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[1] then return {-1} end
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
local pos = tonumber(ARGV[2]) + 1
local limit = tonumber(ARGV[3])
local prefix = ARGV[4]
local maxBytes = tonumber(ARGV[5])
local out = {last}
if pos <= last and redis.call('EXISTS', prefix .. pos) == 0 then
	local lo, hi = pos, last + 1
	while hi - lo > 1 do
		local mid = math.floor((lo + hi) / 2)
		if redis.call('EXISTS', prefix .. mid) == 1 then hi = mid else lo = mid end
	end
	pos = hi
end
local n, bytes = 0, 0
while pos <= last and n < limit and bytes < maxBytes do
	local v = redis.call('GET', prefix .. pos)
	if v then
		out[#out + 1] = pos
		out[#out + 1] = v
		n = n + 1
		bytes = bytes + #v
	end
	pos = pos + 1
end
return out
`)

// Read implements dedup.Store.
func (s *Store) Read(ctx context.Context, epoch string, after uint64, limit int) ([]dedup.Entry, uint64, error) {
	if limit < 1 {
		limit = 1
	}
	v, err := readScript.Run(ctx, s.client, []string{s.meta, s.last}, epoch, after, limit, s.entry, maxReadBytes).Slice()
	if err != nil {
		return nil, 0, fmt.Errorf("redisstore: read %s: %w", s.name, err)
	}
	bad := func() ([]dedup.Entry, uint64, error) {
		return nil, 0, fmt.Errorf("redisstore: read %s: unexpected reply", s.name)
	}
	if len(v) == 0 || len(v)%2 != 1 {
		return bad()
	}
	last, ok := v[0].(int64)
	switch {
	case !ok:
		return bad()
	case last == replyReset:
		return nil, 0, s.resetErr(epoch)
	case last < 0:
		return bad()
	}
	entries := make([]dedup.Entry, 0, len(v)/2)
	for i := 1; i < len(v); i += 2 {
		pos, ok1 := v[i].(int64)
		data, ok2 := v[i+1].(string)
		if !ok1 || !ok2 || pos <= 0 {
			return bad()
		}
		entries = append(entries, dedup.Entry{Pos: uint64(pos), Data: []byte(data)})
	}
	return entries, uint64(last), nil
}
