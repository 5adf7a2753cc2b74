// Package openaddr holds what the detector's open-addressing hash tables
// with linear probing share: the rule of deleting an entry without
// tombstones (Knuth's Algorithm R).
//
// A table deletes the entry at slot pos by walking the run of occupied
// slots after it, from k = Next(pos, n), and moving back to the hole each
// entry for which Moves(home, hole, k) holds, where home is the slot
// its probe starts at; the hole is then the slot it left. The slot left
// empty at the end is cleared. Each table writes the loop itself, so that
// it stays inlined in its own hot path:
//
//	hole := pos
//	for k := openaddr.Next(pos, n); occupied(k); k = openaddr.Next(k, n) {
//		if openaddr.Moves(home(k), hole, k) {
//			move(hole, k)
//			hole = k
//		}
//	}
//	clear(hole)
package openaddr

// Next returns the slot after i in a table of n slots.
func Next(i, n int) int {
	if i++; i == n {
		return 0
	}
	return i
}

// Moves reports whether the entry at slot k, whose probe starts at slot
// home, must move back to the empty slot hole before it (cyclically) to
// stay reachable: unless home lies cyclically in (hole, k].
func Moves(home, hole, k int) bool {
	if hole <= k {
		return home <= hole || home > k
	}
	return home <= hole && home > k
}
