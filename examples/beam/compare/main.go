// Command compare compares two runs' verdicts on the same stories, as JSON
// Lines in the output form of the cluster and beam commands, and scores
// each against gold clusters when a labelled input is given:
//
//	go run ./compare -a beam.jsonl -b cluster.jsonl [-gold stories.jsonl] [-v]
//	go run ./compare -order stories.jsonl > ordered.jsonl
//
// It prints the stories each run gave a verdict, how many copy verdicts and
// copy links (a story and a story it is a copy of, as listed in its
// matches) the two share and how many only one has, how far their copy
// clusters (connected components of the copy links) agree as pairs of
// stories, and the B-cubed F1 of each run's clusters against the other's
// and against the gold field "cluster" of -gold. With -v it lists the copy
// links only one run has.
//
// With -order it writes the lines of a JSON Lines input sorted as the beam
// pipeline decides them, by date then id, undated stories last, to feed the
// cluster command the same stream; lines it cannot read keep their place
// relative to each other at the end.
package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type verdict struct {
	ID      string `json:"id"`
	Cluster string `json:"cluster"`
	Kind    string `json:"kind"`
	Matches []struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
	} `json:"matches"`
	Merged []string `json:"merged"`
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	a := fs.String("a", "", "verdicts of the first run (`file`)")
	b := fs.String("b", "", "verdicts of the second run (`file`)")
	gold := fs.String("gold", "", "labelled input (`file`) whose \"cluster\" field gives gold clusters")
	verbose := fs.Bool("v", false, "list the copy links only one run has")
	order := fs.String("order", "", "write the lines of this JSON Lines `file` in the pipeline's order")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *order != "" {
		if err := writeOrdered(stdout, *order); err != nil {
			fmt.Fprintf(stderr, "compare: %v\n", err)
			return 1
		}
		return 0
	}
	if *a == "" || *b == "" {
		fmt.Fprintln(stderr, "compare: -a and -b are required")
		return 2
	}
	va, err := readVerdicts(*a)
	if err == nil {
		var vb map[string]verdict
		if vb, err = readVerdicts(*b); err == nil {
			err = report(stdout, va, vb, *gold, *verbose)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "compare: %v\n", err)
		return 1
	}
	return 0
}

func readVerdicts(path string) (map[string]verdict, error) {
	out := make(map[string]verdict)
	err := eachLine(path, func(line []byte) error {
		var v verdict
		if err := json.Unmarshal(line, &v); err != nil {
			return err
		}
		if _, dup := out[v.ID]; dup {
			return fmt.Errorf("id %q twice", v.ID)
		}
		out[v.ID] = v
		return nil
	})
	// A line whose story merged clusters into its own moves their stories,
	// on lines before or after it, to its cluster.
	into := make(map[string]string)
	for _, v := range out {
		for _, m := range v.Merged {
			into[m] = v.Cluster
		}
	}
	for id, v := range out {
		for n := 0; into[v.Cluster] != "" && n <= len(into); n++ {
			v.Cluster = into[v.Cluster]
		}
		out[id] = v
	}
	return out, err
}

func eachLine(path string, fn func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		if err := fn(sc.Bytes()); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return sc.Err()
}

type link [2]string // the story, then the story it copies

func copyLinks(vs map[string]verdict) map[link]bool {
	out := make(map[link]bool)
	for _, v := range vs {
		for _, m := range v.Matches {
			if m.Kind == "copy" {
				out[link{v.ID, m.ID}] = true
			}
		}
	}
	return out
}

func report(w io.Writer, va, vb map[string]verdict, goldPath string, verbose bool) error {
	var ids []string
	onlyA, onlyB := 0, 0
	for id := range va {
		if _, ok := vb[id]; ok {
			ids = append(ids, id)
		} else {
			onlyA++
		}
	}
	for id := range vb {
		if _, ok := va[id]; !ok {
			onlyB++
		}
	}
	slices.Sort(ids)
	fmt.Fprintf(w, "stories: %d in both, %d only in a, %d only in b\n", len(ids), onlyA, onlyB)

	var copyBoth, copyA, copyB int
	for _, id := range ids {
		ca, cb := va[id].Kind == "copy", vb[id].Kind == "copy"
		switch {
		case ca && cb:
			copyBoth++
		case ca:
			copyA++
		case cb:
			copyB++
		}
	}
	fmt.Fprintf(w, "copy verdicts: %d in both, %d only in a, %d only in b\n", copyBoth, copyA, copyB)

	la, lb := copyLinks(va), copyLinks(vb)
	var both int
	var aOnly, bOnly []link
	for l := range la {
		if lb[l] {
			both++
		} else {
			aOnly = append(aOnly, l)
		}
	}
	for l := range lb {
		if !la[l] {
			bOnly = append(bOnly, l)
		}
	}
	fmt.Fprintf(w, "copy links: %d in both, %d only in a, %d only in b\n", both, len(aOnly), len(bOnly))
	ca, cb := components(ids, la), components(ids, lb)
	p, r := pairAgreement(ids, ca, cb)
	fmt.Fprintf(w, "copy clusters, pairs of stories: a's found in b %.4f, b's found in a %.4f\n", p, r)

	clA, clB := labels(ids, va, func(v verdict) string { return v.Cluster }), labels(ids, vb, func(v verdict) string { return v.Cluster })
	fmt.Fprintf(w, "clusters: a %d, b %d; B-cubed F1 of a against b %.4f\n", count(clA), count(clB), bcubed(clA, clB))
	if goldPath != "" {
		g, err := readGold(goldPath, ids)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "B-cubed F1 against gold: a %.4f, b %.4f\n", bcubed(clA, g), bcubed(clB, g))
	}
	if verbose {
		slices.SortFunc(aOnly, cmpLink)
		slices.SortFunc(bOnly, cmpLink)
		for _, l := range aOnly {
			fmt.Fprintf(w, "only in a: %s copies %s\n", l[0], l[1])
		}
		for _, l := range bOnly {
			fmt.Fprintf(w, "only in b: %s copies %s\n", l[0], l[1])
		}
	}
	return nil
}

func cmpLink(x, y link) int {
	if x[0] != y[0] {
		if x[0] < y[0] {
			return -1
		}
		return 1
	}
	if x[1] < y[1] {
		return -1
	}
	if x[1] > y[1] {
		return 1
	}
	return 0
}

// components returns the connected component of each id under the links.
func components(ids []string, links map[link]bool) []string {
	parent := make(map[string]string)
	var find func(string) string
	find = func(x string) string {
		p, ok := parent[x]
		if !ok || p == x {
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	for l := range links {
		a, b := find(l[0]), find(l[1])
		if a != b {
			parent[max(a, b)] = min(a, b)
		}
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = find(id)
	}
	return out
}

// pairAgreement returns the share of the pairs together in a that are
// together in b, and the converse.
func pairAgreement(ids []string, a, b []string) (float64, float64) {
	pairs := func(x []string) map[[2]string]bool {
		groups := make(map[string][]string)
		for i, c := range x {
			groups[c] = append(groups[c], ids[i])
		}
		out := make(map[[2]string]bool)
		for _, g := range groups {
			for i := range g {
				for j := i + 1; j < len(g); j++ {
					out[[2]string{g[i], g[j]}] = true
				}
			}
		}
		return out
	}
	pa, pb := pairs(a), pairs(b)
	share := func(x, y map[[2]string]bool) float64 {
		if len(x) == 0 {
			return 1
		}
		n := 0
		for p := range x {
			if y[p] {
				n++
			}
		}
		return float64(n) / float64(len(x))
	}
	return share(pa, pb), share(pb, pa)
}

func labels(ids []string, vs map[string]verdict, f func(verdict) string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = f(vs[id])
	}
	return out
}

func count(x []string) int {
	seen := make(map[string]bool)
	for _, c := range x {
		seen[c] = true
	}
	return len(seen)
}

// bcubed returns the B-cubed F1 of predicted clusters against gold ones
// (Bagga and Baldwin 1998).
func bcubed(pred, gold []string) float64 {
	type pg struct{ p, g string }
	np, ng, npg := map[string]int{}, map[string]int{}, map[pg]int{}
	for i := range pred {
		np[pred[i]]++
		ng[gold[i]]++
		npg[pg{pred[i], gold[i]}]++
	}
	var prec, rec float64
	for i := range pred {
		n := float64(npg[pg{pred[i], gold[i]}])
		prec += n / float64(np[pred[i]])
		rec += n / float64(ng[gold[i]])
	}
	if len(pred) == 0 {
		return 1
	}
	prec /= float64(len(pred))
	rec /= float64(len(pred))
	return 2 * prec * rec / (prec + rec)
}

func readGold(path string, ids []string) ([]string, error) {
	gold := make(map[string]string)
	err := eachLine(path, func(line []byte) error {
		var r struct {
			ID      string `json:"id"`
			Cluster string `json:"cluster"`
		}
		if err := json.Unmarshal(line, &r); err != nil {
			return err
		}
		gold[r.ID] = r.Cluster
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		g, ok := gold[id]
		if !ok || g == "" {
			return nil, errors.New("story " + id + " has no gold cluster")
		}
		out[i] = g
	}
	return out, nil
}

// writeOrdered writes the lines of path sorted by date, then id.
func writeOrdered(w io.Writer, path string) error {
	type entry struct {
		line  string
		bad   bool
		dated bool
		t     time.Time
		id    string
		n     int
	}
	var all []entry
	n := 0
	err := eachLine(path, func(line []byte) error {
		n++
		e := entry{line: string(line), n: n}
		var r struct {
			ID   string `json:"id"`
			Date string `json:"date"`
		}
		if json.Unmarshal(line, &r) != nil {
			e.bad = true
		} else {
			e.id = r.ID
			if strings.TrimSpace(r.Date) != "" {
				e.bad = true
				for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
					if t, err := time.Parse(layout, r.Date); err == nil {
						e.t, e.dated, e.bad = t, true, false
						break
					}
				}
			}
		}
		all = append(all, e)
		return nil
	})
	if err != nil {
		return err
	}
	rank := func(e entry) int {
		switch {
		case e.bad:
			return 2
		case !e.dated:
			return 1
		}
		return 0
	}
	slices.SortStableFunc(all, func(a, b entry) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 || a.bad {
			return c
		}
		return cmp.Or(a.t.Compare(b.t), cmp.Compare(a.id, b.id))
	})
	bw := bufio.NewWriter(w)
	for _, e := range all {
		bw.WriteString(e.line)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
