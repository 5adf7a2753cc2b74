package openaddr

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// table is a linear-probing set of small integers whose home slot is
// chosen by homeOf, for tables of any size.
type table struct {
	slots []int // 0 empty, else key
	home  func(key int) int
}

func (t *table) find(key int) (int, bool) {
	n := len(t.slots)
	for i := t.home(key); ; i = Next(i, n) {
		switch t.slots[i] {
		case 0:
			return i, false
		case key:
			return i, true
		}
	}
}

func (t *table) remove(key int) {
	pos, ok := t.find(key)
	if !ok {
		return
	}
	n, hole := len(t.slots), pos
	for k := Next(pos, n); t.slots[k] != 0; k = Next(k, n) {
		if Moves(t.home(t.slots[k]), hole, k) {
			t.slots[hole] = t.slots[k]
			hole = k
		}
	}
	t.slots[hole] = 0
}

// Deleting by the rule of the package: random inserts and deletes in crowded tables of several sizes, homes
// clustered so that runs wrap around the end, leave every key held
// findable and no other.
func TestMovesKeepsEveryKeyReachable(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{7, 16, 33} {
		tb := &table{slots: make([]int, n), home: func(key int) int { return (key * 7) % 5 * n / 5 }}
		held := map[int]bool{}
		for op := range 20000 {
			key := 1 + rng.IntN(3*n)
			if held[key] || len(held) == n-1 {
				tb.remove(key)
				delete(held, key)
			} else {
				pos, ok := tb.find(key)
				require.False(t, ok)
				tb.slots[pos] = key
				held[key] = true
			}
			for k := 1; k <= 3*n; k++ {
				_, ok := tb.find(k)
				require.Equal(t, held[k], ok, "n %d, op %d, key %d", n, op, k)
			}
		}
	}
}
