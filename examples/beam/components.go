package main

import (
	"errors"
	"fmt"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

// Connected components, in the pipeline: the large-star and small-star
// operations of Kiveris, Lattanzi, Mirrokni, Rastogi and Vassilvitskii
// ("Connected Components in MapReduce and Beyond", SoCC 2014). Each
// operation is one grouping of the edges by node; alternated, they turn
// every component into a star whose centre is its least node, in O(log² n)
// rounds (in practice a handful). No worker holds more than one node's
// neighbours. The graph is given by its edges; nodes are order keys, so the
// centre of a component is its earliest story.

// errNotConverged reports components still not stars after the last round.
var errNotConverged = errors.New("connected components did not converge")

// bothWaysFn emits an edge in both directions, dropping loops.
func bothWaysFn(u, v string, emit func(string, string)) {
	if u != v {
		emit(u, v)
		emit(v, u)
	}
}

// neighbours reads a node's distinct neighbours, sorted.
func neighbours(it func(*string) bool) []string {
	var ns []string
	var v string
	for it(&v) {
		ns = append(ns, v)
	}
	slices.Sort(ns)
	return slices.Compact(ns)
}

// largeStar connects each neighbour of u above u to the least of u and its
// neighbours.
func largeStar(u string, ns []string, emit func(string, string)) {
	m := min(u, ns[0])
	for _, v := range ns {
		if v > u {
			emit(v, m)
		}
	}
}

// smallStar connects u and each neighbour of u below u to the least of
// them.
func smallStar(u string, ns []string, emit func(string, string)) {
	m := min(u, ns[0])
	for _, v := range ns {
		if v >= u {
			break
		}
		if v != m {
			emit(v, m)
		}
	}
	if u != m {
		emit(u, m)
	}
}

func largeStarFn(u string, it func(*string) bool, emit func(string, string)) {
	largeStar(u, neighbours(it), emit)
}

func smallStarFn(u string, it func(*string) bool, emit func(string, string)) {
	smallStar(u, neighbours(it), emit)
}

// rootFn checks that a node is part of a star and emits its centre: a node
// with a neighbour below it must have no other neighbour.
type rootFn struct {
	Rounds int
}

// ProcessElement checks node u and emits its root.
func (fn *rootFn) ProcessElement(u string, it func(*string) bool, emit func(string, string)) error {
	ns := neighbours(it)
	if ns[0] > u {
		emit(u, u) // a centre
		return nil
	}
	if len(ns) > 1 {
		return fmt.Errorf("%w within %d rounds (--cc-rounds): node %q still has %d neighbours", errNotConverged, fn.Rounds, nodeName(u), len(ns))
	}
	emit(u, ns[0])
	return nil
}

// nodeName returns the story id of a node that is an order key, else the
// node itself.
func nodeName(u string) string {
	if len(u) >= keyPrefix && (u[0] == 'd' || u[0] == 'u') {
		return idOf(u)
	}
	return u
}

// components returns, for every node of the graph whose edges are given
// (a PCollection of KV<string, string>), the least node of its component:
// KV<node, root>. Nodes without edges are not in the result.
func components(s beam.Scope, edges beam.PCollection, rounds int) beam.PCollection {
	s = s.Scope("components")
	for range rounds {
		edges = beam.ParDo(s, largeStarFn, beam.GroupByKey(s, beam.ParDo(s, bothWaysFn, edges)))
		edges = beam.ParDo(s, smallStarFn, beam.GroupByKey(s, beam.ParDo(s, bothWaysFn, edges)))
	}
	return beam.ParDo(s, &rootFn{Rounds: rounds}, beam.GroupByKey(s, beam.ParDo(s, bothWaysFn, edges)))
}
