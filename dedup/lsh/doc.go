// Package lsh finds candidate near-duplicates among MinHash signatures by
// banding (locality-sensitive hashing), without comparing every pair.
//
// In the pipeline normalise -> tokenise -> filter -> stem -> shingle ->
// sign -> index -> cluster, this package is the index stage: it takes the
// signatures made by package dedup/minhash and returns, for each story,
// the earlier stories that may be versions of it, which the caller then
// verifies with minhash.Signature.Jaccard before clustering.
//
// # Banding
//
// A signature of K values is cut into bands of consecutive values; two
// signatures are candidates when all values of at least one band agree
// (Leskovec, Rajaraman, Ullman, "Mining of Massive Datasets", chapter 3;
// after Broder 1997 and Indyk and Motwani 1998). With Bands bands of about
// Rows values, a pair of Jaccard similarity s becomes a candidate with
// probability P(s) = 1 - (1 - s^Rows)^Bands, an S-shaped curve. Optimal
// chooses the banding from what a user reasons about, a similarity
// threshold and the relative cost of false positives and false negatives,
// by minimising the weighted areas that P leaves on the wrong side of the
// threshold (the criterion of datasketch). Unlike datasketch it always
// uses all K values: when Bands does not divide K the first K%Bands bands
// get one more row, which gives K choices of banding instead of the few
// divisors of K. At K = 128 this is never more than 0.3% worse, and up to
// 8% better, than the best banding with equal bands that leaves values
// unused. Params reports what was derived, the probability curve and both
// error areas; the default (threshold 0.5, equal weights) is 25 bands of 5
// or 6 rows.
//
// # Index
//
// Index keeps one open-addressing hash table per band, keyed by a 32-bit
// hash of the band's values; a table slot points at the first of the
// entries sharing that band value, which are linked by a 32-bit link per
// entry and band. An entry holds one vector of band hashes and the items
// (id, insertion number) stored under it: stories with the same signature,
// exact copies such as wire copy republished word for word, share one
// entry, and Twin reports the earliest other item of a story's entry. An
// insertion looks for an entry with its band hashes among the first 32 of
// the chain of its first band, and moves the one it finds to the front of
// that chain. Insert, Remove, Query and QueryInsert each cost O(Bands)
// table steps plus the chains (and the items of the entries) they walk;
// nothing is re-sorted, so streaming inserts stay linear, and no single
// insert pays for the size of the index: each band's table is split into
// 64 shards that grow one at a time, and the entries (band hashes, links,
// items) and the nodes holding the items of entries with several are
// stored in pages that are added, never copied. Query returns each
// candidate once, in insertion order. QueryInsert queries and inserts
// atomically, so that of two similar stories added concurrently exactly
// one sees the other. The index is safe for concurrent use; queries share
// a read lock.
//
// Memory is 15 to 18 bytes per entry and band (band hash, link, table
// slots; the tables' load varies between 0.53 and 0.8 as they grow) plus
// the entry's item (the id and an insertion number, 16 bytes for ids of up
// to 8 bytes) and the id's map entry. An entry holding several items keeps
// them in nodes of 24 bytes instead, as does an empty signature, so that a
// story with the signature of one already held costs a node (two for the
// first copy) and a map entry, not 15 to 18 bytes a band. Signatures are
// not kept. BenchmarkIndex reports bytes/item: 464 at a million unrelated
// stories at threshold 0.5 (25 bands). BenchmarkIndexTwins, at the
// detector's threshold of 0.3 (39 bands) and 500,000 stories: 674
// unrelated, as before entries were shared, and 636 when 13% of them are
// exact copies of a recent story (674 before). The README's speed table
// gives more figures.
//
// Params.BandHashes returns the band hashes an Index computes, for jobs
// that find candidates without one: a job spread over many machines groups
// signatures by (band, hash), and each group holds candidates of each other.
//
// Band values that differ collide in the 32-bit band hash with probability
// 2^-32 per band, which can only add a spurious candidate, never lose one.
// The signature of an empty set is stored but never a candidate, matching
// minhash, where an empty set is similar to nothing.
package lsh
