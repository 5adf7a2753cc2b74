// Package minhash computes MinHash signatures of sets of 64-bit feature
// hashes and estimates Jaccard similarity and containment from them.
//
// In the pipeline normalise -> tokenise -> filter -> stem -> shingle ->
// sign -> index -> cluster, this package is the sign stage for set
// similarity: it takes the shingle hashes of one story and returns a short
// fixed-length Signature. Two signatures agree at each position with
// probability equal to the Jaccard similarity of their sets (Broder 1997,
// "On the resemblance and containment of documents"), so the fraction of
// agreeing positions estimates it; package dedup/lsh indexes signatures by
// bands so that similar ones are found without comparing every pair.
//
// Two schemes are offered. KPermutations is the classic construction with
// K hash functions h_i(x) = (a_i·mix(x) + b_i) >> 33, a_i odd, each
// position keeping its minimum: O(n·K) per set of n features.
// OnePermutation, the default, hashes each feature once (Li, Owen, Zhang
// 2012, "One permutation hashing"): the high bits of the hash choose one of
// K bins by multiply-shift and the low 31 bits are the value the bin
// minimises. Bins that no feature falls in borrow the value of another
// bin: first by the probing of optimal densification (Shrivastava 2017,
// "Optimal densification for fast and accurate minwise hashing"), and for
// the few bins left after 16 probes by the rounds of Mai et al. 2020 ("On
// densification for minwise hashing"), which bound the cost for very
// sparse sets at O(K log K). Signing costs O(n + K) for typical sets and
// the estimate stays unbiased with variance close to J(1-J)/K; the package
// tests both properties statistically for both schemes.
//
// Signatures hold 32-bit values (31 hash bits and, for one-permutation
// signatures, a mark on borrowed bins that makes Merge exact) and carry the
// scheme and seed of their Hasher. A Hasher's output depends only on its
// Config, never on the process or machine, so signatures can be stored with
// MarshalBinary and compared later. The signature of an empty set is the
// empty signature, whose Jaccard similarity with every signature, itself
// included, is 0.
//
// Exact computes what the signatures estimate, Jaccard similarity and
// containment, exactly from two sorted sets, for the step after the index:
// verifying the candidates it finds.
package minhash
