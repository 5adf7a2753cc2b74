package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() {
	register.Function2x1(formatRoot)
}

func formatRoot(node, root string) string { return node + "=" + root }

// node names node i so that names sort as numbers.
func node(i int) string { return fmt.Sprintf("n%04d", i) }

// graphs are test graphs: edge lists and the root each node must get.
func graphs() map[string][][2]string {
	chain := func(n int, reverse bool) [][2]string {
		var e [][2]string
		for i := 1; i < n; i++ {
			if reverse {
				e = append(e, [2]string{node(i), node(i - 1)})
			} else {
				e = append(e, [2]string{node(i - 1), node(i)})
			}
		}
		return e
	}
	star := func(centre, n int) [][2]string {
		var e [][2]string
		for i := range n {
			if i != centre {
				e = append(e, [2]string{node(i), node(centre)})
			}
		}
		return e
	}
	// Two components: a chain whose least node is in the middle, and a
	// star whose centre is its greatest node; a repeated edge and a loop.
	mixed := [][2]string{{node(5), node(3)}, {node(3), node(1)}, {node(1), node(4)}, {node(4), node(2)}, {node(1), node(4)}, {node(7), node(7)}}
	mixed = append(mixed, [2]string{node(20), node(29)}, [2]string{node(21), node(29)}, [2]string{node(28), node(29)})
	return map[string][][2]string{
		"chain":          chain(64, false),
		"reversed chain": chain(64, true),
		"star":           star(0, 30),
		"star on top":    star(29, 30),
		"mixed":          mixed,
	}
}

// wantRoots returns the least node of each node's component, by union-find.
func wantRoots(edges [][2]string) map[string]string {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		return x
	}
	for _, e := range edges {
		a, b := find(e[0]), find(e[1])
		if a != b {
			parent[max(a, b)] = min(a, b)
		}
	}
	out := map[string]string{}
	for _, e := range edges {
		if e[0] != e[1] {
			out[e[0]], out[e[1]] = find(e[0]), find(e[1])
		}
	}
	return out
}

// TestComponentsPipeline runs the components stages on prism.
func TestComponentsPipeline(t *testing.T) {
	for name, edges := range graphs() {
		t.Run(name, func(t *testing.T) {
			p, s := beam.NewPipelineWithRoot()
			kvs := make([]string, 0, len(edges))
			for _, e := range edges {
				kvs = append(kvs, e[0]+"\x00"+e[1])
			}
			col := beam.ParDo(s, splitEdge, beam.CreateList(s, kvs))
			roots := beam.ParDo(s, formatRoot, components(s, col, defaultCCRounds))
			var want []any
			for n, r := range wantRoots(edges) {
				want = append(want, n+"="+r)
			}
			passert.Equals(s, roots, want...)
			require.NoError(t, beamx.Run(context.Background(), p))
		})
	}
	t.Run("not converged", func(t *testing.T) {
		p, s := beam.NewPipelineWithRoot()
		var kvs []string
		for i := 1; i < 200; i++ {
			kvs = append(kvs, node(i-1)+"\x00"+node(i))
		}
		col := beam.ParDo(s, splitEdge, beam.CreateList(s, kvs))
		beam.ParDo(s, formatRoot, components(s, col, 1))
		err := beamx.Run(context.Background(), p)
		require.Error(t, err)
		assert.Contains(t, pipelineError(err).Error(), "connected components did not converge within 1 rounds")
	})
}

func init() { register.Function2x0(splitEdge) }

func splitEdge(kv string, emit func(string, string)) {
	for i := range len(kv) {
		if kv[i] == 0 {
			emit(kv[:i], kv[i+1:])
			return
		}
	}
}

// simulate runs the star operations in memory and returns the rounds they
// took to turn every component into a star.
func simulate(edges [][2]string, maxRounds int) (map[string]string, int) {
	op := func(edges [][2]string, star func(string, []string, func(string, string))) [][2]string {
		nbrs := map[string][]string{}
		for _, e := range edges {
			if e[0] != e[1] {
				nbrs[e[0]] = append(nbrs[e[0]], e[1])
				nbrs[e[1]] = append(nbrs[e[1]], e[0])
			}
		}
		var out [][2]string
		for _, u := range slices.Sorted(maps.Keys(nbrs)) {
			ns := slices.Compact(slices.Sorted(slices.Values(nbrs[u])))
			star(u, ns, func(a, b string) { out = append(out, [2]string{a, b}) })
		}
		return out
	}
	stars := func(edges [][2]string) (map[string]string, bool) {
		nbrs := map[string]map[string]bool{}
		for _, e := range edges {
			for _, x := range [][2]string{e, {e[1], e[0]}} {
				if nbrs[x[0]] == nil {
					nbrs[x[0]] = map[string]bool{}
				}
				nbrs[x[0]][x[1]] = true
			}
		}
		roots := map[string]string{}
		for u, ns := range nbrs {
			least := slices.Min(slices.Collect(maps.Keys(ns)))
			if least > u {
				roots[u] = u
				continue
			}
			if len(ns) > 1 {
				return nil, false
			}
			roots[u] = least
		}
		return roots, true
	}
	for r := 0; r <= maxRounds; r++ {
		if roots, ok := stars(edges); ok {
			return roots, r
		}
		edges = op(op(edges, largeStar), smallStar)
	}
	return nil, maxRounds + 1
}

// TestStarRounds checks, in memory, that the star operations find the
// components of long chains, in any node order, within the default rounds.
func TestStarRounds(t *testing.T) {
	for _, n := range []int{2, 10, 1000, 5000, 20000} {
		for _, order := range []string{"sorted", "reversed", "shuffled"} {
			t.Run(fmt.Sprintf("chain of %d %s", n, order), func(t *testing.T) {
				perm := make([]int, n)
				for i := range perm {
					switch order {
					case "sorted":
						perm[i] = i
					case "reversed":
						perm[i] = n - 1 - i
					default:
						perm[i] = (i * 7919) % n
						if n%7919 == 0 {
							perm[i] = i
						}
					}
				}
				var edges [][2]string
				for i := 1; i < n; i++ {
					edges = append(edges, [2]string{node(perm[i-1]), node(perm[i])})
				}
				roots, rounds := simulate(edges, defaultCCRounds)
				require.LessOrEqual(t, rounds, defaultCCRounds)
				assert.Equal(t, wantRoots(edges), roots)
				t.Logf("%d rounds", rounds)
			})
		}
	}
}

// A story link joins the story's copy cluster to the one it joined and to
// the copy clusters of the clusters it merged, so their components are one.
func TestStoryEdgesOfMerges(t *testing.T) {
	var got [][2]string
	emit := func(a, b string) { got = append(got, [2]string{a, b}) }
	storyEdgeFn(StoryLink{From: "k5", FromLabel: "k5", ToLabel: "k1", Merged: []string{"k3", "k5"}}, emit)
	assert.Equal(t, [][2]string{{"k5", "k1"}, {"k5", "k3"}}, got)
	got = nil
	storyEdgeFn(StoryLink{From: "k2", FromLabel: "k1", ToLabel: "k1"}, emit)
	assert.Empty(t, got, "a copy cluster is not its own neighbour")
}
