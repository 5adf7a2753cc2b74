// Package redisstore keeps the shared state of newsdup detectors on a Redis
// server (github.com/redis/go-redis/v9), so that several pipeline workers,
// in as many processes or machines, share one detector state:
//
//	store, err := redisstore.Open(ctx, "redis://127.0.0.1:6379/0", "newsroom")
//	...
//	d, err := dedup.NewSharedDetector(ctx, dedup.Config{}, store)
//
// The store holds the log of a shared detector (see dedup.Store): every
// story added, with the verdict it was given, and every removal, one key per
// entry, each expiring Config.Window after it was written. Appends are Lua
// scripts that write an entry only at the position after the last one
// written, so when two workers add copies of one story at the same moment,
// one append wins and the other worker takes it in and decides again: the
// copies end in one cluster.
//
// # Durability
//
// What survives a restart of the server is what its persistence keeps:
// with "appendonly yes" and "appendfsync always" every entry a detector was
// told was written survives a crash. A server that comes back without the
// store's keys is detected (the store's epoch is gone): detectors get
// dedup.ErrStoreReset rather than silently diverging, and must be made
// again. The server must not evict keys (maxmemory-policy noeviction, the
// default), or entries would vanish before their time.
//
// A lost connection makes the operation return an error (dedup.ErrStore);
// go-redis retries commands on a new connection first, and a retried append
// that had in fact been written is recognised as such, so no story is
// written twice or in part. Adding the story again to the same detector
// gives its verdict, whether or not the lost append had been written (see
// dedup.Detector.AddContext).
//
// In the pipeline (normalise -> tokenise -> filter -> stem -> shingle ->
// sign -> index -> cluster) the store sits beside the last two stages: it
// orders and keeps the stories of every worker, and each worker's detector
// indexes and clusters them.
package redisstore
