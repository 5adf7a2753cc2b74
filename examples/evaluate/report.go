package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/dedup/minhash"
	"github.com/newsdup/newsdup/shingle"
)

// evaluation runs the data sets and keeps what the report needs.
type evaluation struct {
	opts   options
	stderr io.Writer

	rows  []row
	notes []string
	diags []func(w io.Writer) // diagnostics, printed with -v

	ecbMeanF1     float64
	haveECBMean   bool
	perturbF1     float64
	havePerturb   bool
	batchCopyF1   float64 // copy links of batch mode on the shuffled perturbation set
	haveBatchCopy bool
	seeds         seedCheck
	haveSeedCheck bool
	// B-cubed F1 of the labelled sets, for their mean: ECB+ (the mean over
	// the shuffled orders) and GVC (date order) streamed, and both in batch
	// mode.
	gvcF1, ecbBatchF1, gvcBatchF1 float64
	haveGVC, haveECBBatch         bool
}

// progress reports on stderr how a pass went.
func (e *evaluation) progress(name string, o outcome) {
	fmt.Fprintf(e.stderr, "evaluate: %s: %d stories in %.1fs\n", name, len(o.pred), o.elapsed.Seconds())
}

// skip reports a row left out.
func (e *evaluation) skip(msg string) {
	fmt.Fprintf(e.stderr, "evaluate: skipped: %s\n", msg)
	e.notes = append(e.notes, "Skipped: "+msg+".")
}

// run evaluates every data set the options ask for. Missing data sets are
// looked for first, so that one a floor needs fails the run before any
// work is done.
func (e *evaluation) run() error {
	o := e.opts
	var ecbPath, reutersPath, seedDir string
	if o.want(setECB) || o.want(setSeeds) {
		ecbPath = dataPath(o.ecbPath, ecbEnv, ecbRel)
		if !exists(ecbPath) {
			msg := missing("ECB+", ecbPath, "ecb", ecbEnv)
			var floors []string
			if o.minECBF1 > 0 {
				floors = append(floors, "-min-ecb-f1")
			}
			if o.checkSeeds {
				floors = append(floors, "-check-seeds")
			}
			if len(floors) > 0 {
				verb := " needs it"
				if len(floors) > 1 {
					verb = " need it"
				}
				return errors.New(msg + "; " + strings.Join(floors, " and ") + verb)
			}
			e.skip(msg)
			ecbPath = ""
		}
	}
	if o.want(setSeeds) && ecbPath != "" {
		seedDir = seedsDir(o.seedsDir)
		if !exists(filepath.Join(seedDir, seedAgencyID+".txt")) || !exists(filepath.Join(seedDir, seedRewriteID+".txt")) {
			msg := fmt.Sprintf("seed stories %s.txt and %s.txt not found in %q: set -seeds to their directory", seedAgencyID, seedRewriteID, seedDir)
			if o.checkSeeds {
				return errors.New(msg + "; -check-seeds needs them")
			}
			e.skip(msg)
			seedDir = ""
		}
	}
	if o.want(setPerturb) {
		reutersPath = dataPath(o.reutersPath, reutersEnv, reutersRel)
		if !exists(reutersPath) {
			msg := missing("Reuters-21578", reutersPath, "reuters", reutersEnv)
			if o.minPertF1 > 0 {
				return errors.New(msg + "; -min-perturb-f1 needs it")
			}
			e.skip(msg)
			reutersPath = ""
		}
	}
	var gvcPath string
	if o.want(setGVC) {
		gvcPath = dataPath(o.gvcPath, gvcEnv, gvcRel)
		if !exists(gvcPath) {
			msg := missing("GVC", gvcPath, "gvc", gvcEnv)
			if o.minGVCF1 > 0 {
				return errors.New(msg + "; -min-gvc-f1 needs it")
			}
			e.skip(msg)
			gvcPath = ""
		}
	}
	if o.want(setFiles) {
		for _, f := range o.files {
			if !exists(f) {
				return fmt.Errorf("-file %s: no such file", f)
			}
		}
	}

	if ecbPath != "" {
		arts, err := readArticles(ecbPath, true)
		if err != nil {
			return err
		}
		ecb := newLabelled(arts)
		if o.want(setECB) {
			if err := e.ecbRows(ecb); err != nil {
				return err
			}
		}
		if seedDir != "" {
			if err := e.seedRow(ecb, seedDir); err != nil {
				return err
			}
		}
	}
	if reutersPath != "" {
		if err := e.perturbRow(reutersPath); err != nil {
			return err
		}
	}
	if gvcPath != "" {
		if err := e.gvcRows(gvcPath); err != nil {
			return err
		}
	}
	if o.want(setFiles) {
		for _, f := range o.files {
			if err := e.fileRow(f); err != nil {
				return err
			}
		}
	}
	if len(e.rows) == 0 {
		return errors.New("no data set to evaluate: see the messages above, and -h for where data sets are looked for")
	}
	return nil
}

// ecbRows streams ECB+ in file order and in the shuffled orders.
func (e *evaluation) ecbRows(ecb labelled) error {
	const name = "ECB+, file order"
	out, err := stream(e.opts.cfg, ecb)
	if err != nil {
		return fmt.Errorf("ECB+: %w", err)
	}
	e.progress(name, out)
	e.rows = append(e.rows, newRow(name, out))
	e.diags = append(e.diags, func(w io.Writer) { e.mixedClusters(w, name, ecb, out) }, func(w io.Writer) { e.splitEvents(w, name, ecb, out) })
	if e.opts.orders == 0 {
		return nil
	}
	var outs []outcome
	for k := range e.opts.orders {
		l := ecb.permuted(shuffle(e.opts.seed, uint64(k+1), len(ecb.stories)))
		o, err := stream(e.opts.cfg, l)
		if err != nil {
			return fmt.Errorf("ECB+, shuffled order %d: %w", k+1, err)
		}
		e.progress(fmt.Sprintf("ECB+, shuffled order %d", k+1), o)
		outs = append(outs, o)
	}
	r, minF1 := meanRow(fmt.Sprintf("ECB+, %d shuffled orders (mean)", len(outs)), outs)
	e.rows = append(e.rows, r)
	if err := e.batchRow("ECB+, batch", ecb); err != nil {
		return err
	}
	e.ecbBatchF1, e.haveECBBatch = e.rows[len(e.rows)-1].s.BCubedF1, true
	e.ecbMeanF1, e.haveECBMean = r.s.BCubedF1, true
	f1s := make([]string, len(outs))
	for i, o := range outs {
		f1s[i] = fmt.Sprintf("%.3f", o.scores.BCubedF1)
	}
	e.notes = append(e.notes, fmt.Sprintf("ECB+ over %d shuffled orders (seed %d): B³ F1 mean %.3f, min %.3f (%s).",
		len(outs), e.opts.seed, r.s.BCubedF1, minF1, strings.Join(f1s, ", ")))
	return nil
}

// seedRow streams ECB+ in file order with the seed stories inserted.
func (e *evaluation) seedRow(ecb labelled, dir string) error {
	const name = "ECB+ with the 2 seed stories"
	agency, rewrite, err := readSeeds(dir)
	if err != nil {
		return err
	}
	l, pos := withSeeds(ecb, agency, rewrite, e.opts.seed)
	out, err := stream(e.opts.cfg, l)
	if err != nil {
		return fmt.Errorf("ECB+ with the seed stories: %w", err)
	}
	e.progress(name, out)
	e.rows = append(e.rows, newRow(name, out))
	e.seeds, e.haveSeedCheck = checkSeeds(out, pos), true
	together := "no"
	if e.seeds.together {
		together = "yes"
	}
	e.notes = append(e.notes, fmt.Sprintf("Seed stories (agency story at position %d, rewrite at %d, of %d; seed %d): in one cluster: %s; ECB+ articles in their cluster: %d (must be 0).",
		e.seeds.positions[0], e.seeds.positions[1], len(l.stories), e.opts.seed, together, e.seeds.joined))
	e.diags = append(e.diags, func(w io.Writer) { e.mixedClusters(w, name, l, out) }, func(w io.Writer) { e.splitEvents(w, name, l, out) })
	return nil
}

// batchRow judges a data set in batch mode and adds its row.
func (e *evaluation) batchRow(name string, l labelled) error {
	out, err := batch(e.opts.cfg, l)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	e.progress(name, out)
	e.rows = append(e.rows, newRow(name, out))
	e.diags = append(e.diags, func(w io.Writer) { e.mixedClusters(w, name, l, out) }, func(w io.Writer) { e.splitEvents(w, name, l, out) })
	return nil
}

// perturbRow draws the perturbation set and streams it in date order, then
// shuffled (streamed, and in batch mode).
func (e *evaluation) perturbRow(path string) error {
	const name = "Perturbation set (Reuters), date order"
	start := time.Now()
	arts, st, err := perturbationSet(e.opts, path)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "evaluate: perturbation set drawn in %.1fs\n", time.Since(start).Seconds())
	l := newLabelled(arts)
	out, err := stream(e.opts.cfg, l)
	if err != nil {
		return fmt.Errorf("perturbation set: %w", err)
	}
	e.progress(name, out)
	e.rows = append(e.rows, newRow(name, out))
	e.perturbF1, e.havePerturb = out.scores.PairF1, true
	e.notes = append(e.notes, "Perturbation set: "+describeSet(st, e.opts.seed)+".")
	copyNote := func(name string, l labelled, out outcome) (scores, error) {
		cs, err := score(l.gold, copyLinked(l, out))
		if err == nil {
			late := 0
			for _, r := range out.results {
				if r.Late {
					late++
				}
			}
			e.notes = append(e.notes, fmt.Sprintf("%s, copy verdicts alone (stories linked only by Copy verdicts to the stories they copy): %d clusters, pairwise P %.3f R %.3f F1 %.3f, B³ F1 %.3f; %d stories late.",
				name, cs.Predicted, cs.PairP, cs.PairR, cs.PairF1, cs.BCubedF1, late))
		}
		return cs, err
	}
	if _, err := copyNote(name, l, out); err != nil {
		return err
	}
	e.diags = append(e.diags, func(w io.Writer) { e.perturbDiagnostics(w, l, out) })

	shuffled := l.permuted(shuffle(e.opts.seed, 1<<40, len(l.stories)))
	const sname = "Perturbation set, shuffled, streamed"
	sout, err := stream(e.opts.cfg, shuffled)
	if err != nil {
		return fmt.Errorf("perturbation set, shuffled: %w", err)
	}
	e.progress(sname, sout)
	e.rows = append(e.rows, newRow(sname, sout))
	if _, err := copyNote(sname, shuffled, sout); err != nil {
		return err
	}
	const bname = "Perturbation set, shuffled, batch"
	bout, err := batch(e.opts.cfg, shuffled)
	if err != nil {
		return fmt.Errorf("perturbation set, batch: %w", err)
	}
	e.progress(bname, bout)
	e.rows = append(e.rows, newRow(bname, bout))
	cs, err := copyNote(bname, shuffled, bout)
	if err != nil {
		return err
	}
	e.batchCopyF1, e.haveBatchCopy = cs.PairF1, true
	e.diags = append(e.diags, func(w io.Writer) { e.perturbDiagnostics(w, shuffled, bout) })
	return nil
}

// gvcRows streams GVC in date order and judges it in batch mode.
func (e *evaluation) gvcRows(path string) error {
	arts, err := readArticles(path, true)
	if err != nil {
		return err
	}
	l := newLabelled(arts).byDate()
	const name = "GVC, date order"
	out, err := stream(e.opts.cfg, l)
	if err != nil {
		return fmt.Errorf("GVC: %w", err)
	}
	e.progress(name, out)
	e.rows = append(e.rows, newRow(name, out))
	e.diags = append(e.diags, func(w io.Writer) { e.mixedClusters(w, name, l, out) }, func(w io.Writer) { e.splitEvents(w, name, l, out) })
	if err := e.batchRow("GVC, batch", l); err != nil {
		return err
	}
	e.gvcF1, e.gvcBatchF1, e.haveGVC = out.scores.BCubedF1, e.rows[len(e.rows)-1].s.BCubedF1, true
	return nil
}

// fileRow streams a labelled file in file order.
func (e *evaluation) fileRow(path string) error {
	arts, err := readArticles(path, true)
	if err != nil {
		return err
	}
	name := filepath.Base(path)
	l := newLabelled(arts)
	out, err := stream(e.opts.cfg, l)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	e.progress(name, out)
	e.rows = append(e.rows, newRow(name, out))
	e.diags = append(e.diags, func(w io.Writer) { e.mixedClusters(w, name, l, out) }, func(w io.Writer) { e.splitEvents(w, name, l, out) })
	return nil
}

// report writes the table, the notes, the command line and, with -v, the
// diagnostics.
func (e *evaluation) report(w io.Writer) {
	fmt.Fprintln(w, "| data set | stories | gold clusters | predicted clusters | B³ P | B³ R | B³ F1 | pair P | pair R | pair F1 | ARI | stories/s |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range e.rows {
		fmt.Fprintf(w, "| %s | %d | %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.0f |\n",
			r.name, r.stories, r.gold, r.predicted, r.s.BCubedP, r.s.BCubedR, r.s.BCubedF1,
			r.s.PairP, r.s.PairR, r.s.PairF1, r.s.ARI, r.rate)
	}
	fmt.Fprintln(w)
	for _, n := range e.notes {
		fmt.Fprintln(w, "- "+n)
	}
	if e.haveECBMean && e.haveECBBatch && e.haveGVC {
		fmt.Fprintf(w, "- Mean B³ F1 over the labelled sets (ECB+ over its shuffled orders, GVC in date order): %.3f streamed, %.3f in batch mode.\n",
			(e.ecbMeanF1+e.gvcF1)/2, (e.ecbBatchF1+e.gvcBatchF1)/2)
	}
	fmt.Fprintln(w, "- stories/s: wall time of one pass on one detector (Add after Add when streamed; dedup.Batch, analysing on all cores, in batch mode); it varies with the machine and its load.")
	fmt.Fprintln(w)
	cmd := "go run ./examples/evaluate"
	if e.opts.commandLine != "" {
		cmd += " " + e.opts.commandLine
	}
	fmt.Fprintf(w, "Command: `%s`\n", cmd)
	if e.opts.verbose {
		for _, d := range e.diags {
			fmt.Fprintln(w)
			d(w)
		}
	}
}

// floors returns the floors that were set and not met.
func (e *evaluation) floors() []string {
	var failed []string
	o := e.opts
	if o.minECBF1 > 0 && e.haveECBMean && e.ecbMeanF1 < o.minECBF1 {
		failed = append(failed, fmt.Sprintf("ECB+ B-cubed F1 (mean over %d shuffled orders) is %.4f, below -min-ecb-f1 %g", o.orders, e.ecbMeanF1, o.minECBF1))
	}
	if o.minGVCF1 > 0 && e.haveGVC && e.gvcF1 < o.minGVCF1 {
		failed = append(failed, fmt.Sprintf("GVC B-cubed F1 (date order, streamed) is %.4f, below -min-gvc-f1 %g", e.gvcF1, o.minGVCF1))
	}
	if o.minPertF1 > 0 && e.havePerturb && e.perturbF1 < o.minPertF1 {
		failed = append(failed, fmt.Sprintf("perturbation set pairwise F1 is %.4f, below -min-perturb-f1 %g", e.perturbF1, o.minPertF1))
	}
	if o.minBatchF1 > 0 && e.haveBatchCopy && e.batchCopyF1 < o.minBatchF1 {
		failed = append(failed, fmt.Sprintf("copy links of batch mode on the shuffled perturbation set: pairwise F1 %.4f, below -min-batch-copy-f1 %g", e.batchCopyF1, o.minBatchF1))
	}
	if o.checkSeeds && e.haveSeedCheck && (!e.seeds.together || e.seeds.joined > 0) {
		failed = append(failed, fmt.Sprintf("-check-seeds: seed stories in one cluster: %v, ECB+ articles in their cluster: %d", e.seeds.together, e.seeds.joined))
	}
	return failed
}

// mixed is a predicted cluster holding stories of several gold clusters.
type mixed struct {
	cluster string
	members []int // item indexes, in stream order
	labels  []labelCount
}

type labelCount struct {
	label string
	n     int
}

// mixedClusters returns the predicted clusters that hold stories of more
// than one gold cluster, largest first.
func mixedClusters(gold, pred []string) []mixed {
	members := make(map[string][]int)
	var order []string
	for i, p := range pred {
		if _, ok := members[p]; !ok {
			order = append(order, p)
		}
		members[p] = append(members[p], i)
	}
	var out []mixed
	for _, p := range order {
		var counts []labelCount
		for _, i := range members[p] {
			k := slices.IndexFunc(counts, func(c labelCount) bool { return c.label == gold[i] })
			if k < 0 {
				counts = append(counts, labelCount{gold[i], 0})
				k = len(counts) - 1
			}
			counts[k].n++
		}
		if len(counts) < 2 {
			continue
		}
		slices.SortStableFunc(counts, func(a, b labelCount) int { return b.n - a.n })
		out = append(out, mixed{cluster: p, members: members[p], labels: counts})
	}
	slices.SortStableFunc(out, func(a, b mixed) int { return len(b.members) - len(a.members) })
	return out
}

// mixedClusters writes the predicted clusters of a pass that mix gold
// clusters, with the gold labels inside each.
func (e *evaluation) mixedClusters(w io.Writer, name string, l labelled, out outcome) {
	ms := mixedClusters(l.gold, out.pred)
	fmt.Fprintf(w, "### %s: %d of %d predicted clusters mix gold clusters\n\n", name, len(ms), out.scores.Predicted)
	for i, m := range ms {
		if i == e.opts.verboseMax {
			fmt.Fprintf(w, "- ... and %d more (-v-max)\n", len(ms)-i)
			break
		}
		parts := make([]string, len(m.labels))
		for k, c := range m.labels {
			parts[k] = fmt.Sprintf("%s ×%d", c.label, c.n)
		}
		fmt.Fprintf(w, "- cluster %s (%d stories): %s\n", m.cluster, len(m.members), strings.Join(parts, ", "))
	}
}

// splitEvents writes the gold clusters of a pass that the detector split
// over several predicted clusters, with the predicted clusters inside each
// and, for dated stories, the days the event's stories span.
func (e *evaluation) splitEvents(w io.Writer, name string, l labelled, out outcome) {
	ss := mixedClusters(out.pred, l.gold) // gold clusters holding several predicted ones
	fmt.Fprintf(w, "### %s: %d of %d gold clusters split over several predicted clusters\n\n", name, len(ss), out.scores.Gold)
	for i, m := range ss {
		if i == e.opts.verboseMax {
			fmt.Fprintf(w, "- ... and %d more (-v-max)\n", len(ss)-i)
			break
		}
		parts := make([]string, len(m.labels))
		for k, c := range m.labels {
			parts[k] = fmt.Sprintf("%s ×%d", c.label, c.n)
		}
		span := ""
		var first, last time.Time
		for _, k := range m.members {
			t := l.stories[k].Time
			if t.IsZero() {
				continue
			}
			if first.IsZero() || t.Before(first) {
				first = t
			}
			if t.After(last) {
				last = t
			}
		}
		if !first.IsZero() {
			span = fmt.Sprintf(", over %.0f days", last.Sub(first).Hours()/24)
		}
		fmt.Fprintf(w, "- event %s (%d stories%s): %s\n", m.cluster, len(m.members), span, strings.Join(parts, ", "))
	}
}

// perturbDiagnostics writes the copies the detector missed, counted by
// perturbation and listed, and the false merges.
func (e *evaluation) perturbDiagnostics(w io.Writer, l labelled, out outcome) {
	index := make(map[string]int, len(l.arts))
	for i, a := range l.arts {
		index[a.ID] = i
	}
	type tally struct{ copies, missed, asSame int }
	byPert := make(map[string]*tally)
	for _, p := range perturbationNames {
		byPert[p] = &tally{}
	}
	var all tally
	var missed []int
	for i, a := range l.arts {
		if a.Role != roleCopy {
			continue
		}
		orig, ok := index[a.Original]
		miss := !ok || out.pred[i] != out.pred[orig]
		asSame := !miss && out.results[i].Kind == dedup.SameStory
		all.copies++
		if miss {
			all.missed++
			missed = append(missed, i)
		}
		if asSame {
			all.asSame++
		}
		for _, p := range a.Perturbations {
			t := byPert[p]
			if t == nil {
				t = &tally{}
				byPert[p] = t
			}
			t.copies++
			if miss {
				t.missed++
			}
			if asSame {
				t.asSame++
			}
		}
	}
	pct := func(t tally) string {
		if t.copies == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(t.missed)/float64(t.copies))
	}
	fmt.Fprintf(w, "### Perturbation set: copies not in their original's cluster, by perturbation\n\n")
	fmt.Fprintf(w, "A copy usually carries several perturbations; it counts in the row of each. \"Found as same story\" counts the copies\n")
	fmt.Fprintf(w, "that did join their original's cluster, but through the same-story tier rather than as copies.\n\n")
	fmt.Fprintln(w, "| perturbation | copies | missed | missed share | found as same story |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|")
	for _, p := range perturbationNames {
		t := byPert[p]
		fmt.Fprintf(w, "| %s | %d | %d | %s | %d |\n", p, t.copies, t.missed, pct(*t), t.asSame)
	}
	fmt.Fprintf(w, "| all copies | %d | %d | %s | %d |\n\n", all.copies, all.missed, pct(all), all.asSame)
	fmt.Fprintf(w, "Copy pairs missed (pairs of one gold cluster put in different clusters): %d of %d.\n\n",
		out.scores.GoldPairs-out.scores.TruePairs, out.scores.GoldPairs)
	if len(missed) > 0 {
		fmt.Fprintf(w, "Missed copies, with the exact word %d-shingle overlap of copy and original (HTML decoded):\n\n", pairShingleSize)
	}
	ov := newOverlapper()
	for k, i := range missed {
		if k == e.opts.verboseMax {
			fmt.Fprintf(w, "- ... and %d more (-v-max)\n", len(missed)-k)
			break
		}
		a, r := l.arts[i], out.results[i]
		fmt.Fprintf(w, "- %s (%s; %s): %s", a.ID, a.Source, strings.Join(a.Perturbations, ", "), r.Kind)
		if r.Kind != dedup.New {
			fmt.Fprintf(w, " in cluster %s (score %.2f)", r.Cluster, r.Score)
		}
		if orig, ok := index[a.Original]; ok {
			c, j := ov.overlap(a.Text, l.arts[orig].Text)
			fmt.Fprintf(w, "; original %s is in cluster %s; containment %.2f, Jaccard %.2f", a.Original, out.pred[orig], c, j)
		}
		fmt.Fprintln(w)
	}

	// A join is wrong when the cluster joined held no earlier story of the
	// joiner's gold cluster; a copy verdict is wrong when the story it names
	// as copied belongs to another gold cluster.
	wrongJoin := map[dedup.Kind]int{}
	wrongCopy := 0
	held := make(map[string]map[string]bool)
	for i, r := range out.results {
		if r.Kind != dedup.New && !held[r.Cluster][l.gold[i]] {
			wrongJoin[r.Kind]++
		}
		if r.Kind == dedup.Copy && len(r.Matches) > 0 {
			if m, ok := index[r.Matches[0].ID]; ok && l.gold[m] != l.gold[i] {
				wrongCopy++
			}
		}
		if held[r.Cluster] == nil {
			held[r.Cluster] = make(map[string]bool)
		}
		held[r.Cluster][l.gold[i]] = true
	}

	ms := mixedClusters(l.gold, out.pred)
	fmt.Fprintf(w, "\n### Perturbation set: false merges: %d predicted clusters hold stories of more than one gold cluster\n\n", len(ms))
	fmt.Fprintf(w, "Stories that joined a cluster holding no story of their gold cluster: %d as copies, %d as the same story; copy verdicts naming a story of another gold cluster: %d.\n\n",
		wrongJoin[dedup.Copy], wrongJoin[dedup.SameStory], wrongCopy)
	for k, m := range ms {
		if k == e.opts.verboseMax {
			fmt.Fprintf(w, "- ... and %d more (-v-max)\n", len(ms)-k)
			break
		}
		fmt.Fprintf(w, "- cluster %s (%d stories):\n", m.cluster, len(m.members))
		for _, i := range m.members {
			a, r := l.arts[i], out.results[i]
			fmt.Fprintf(w, "  - %s [gold %s, %s, %s %.2f] %q\n", a.ID, a.Cluster, a.Role, r.Kind, r.Score, cmp.Or(a.Title, firstWords(a.Text, 12)))
		}
	}
}

// firstWords returns the first n words of s.
func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = append(f[:n], "...")
	}
	return strings.Join(f, " ")
}

// overlapper measures the exact word-shingle overlap of two texts, the
// figures the detector's copy tier decides on.
type overlapper struct {
	plain, html *shingle.Analyzer
}

func newOverlapper() *overlapper {
	plain, err1 := shingle.NewAnalyzer(shingle.Config{})
	html, err2 := shingle.NewAnalyzer(shingle.Config{HTML: true})
	if err := errors.Join(err1, err2); err != nil {
		panic("evaluate: the default analyzer must exist: " + err.Error())
	}
	return &overlapper{plain: plain, html: html}
}

// set returns the distinct word shingles of text, sorted; HTML is decoded
// when the text looks like HTML.
func (o *overlapper) set(text string) []uint64 {
	an := o.plain
	if dedup.LooksLikeHTML(text) {
		an = o.html
	}
	set := shingle.WordShingles(nil, an.Tokens(nil, text), pairShingleSize)
	slices.Sort(set)
	return slices.Compact(set)
}

// overlap returns the containment (shared shingles over the smaller set)
// and the Jaccard similarity of the shingle sets of a and b.
func (o *overlapper) overlap(a, b string) (containment, jaccard float64) {
	jaccard, containment, _ = minhash.Exact(o.set(a), o.set(b))
	return containment, jaccard
}

// copyLinked returns the clustering made by the copy verdicts alone: each
// story linked to the stories its Copy verdict names as copied (its copy
// matches), and SameStory joins ignored. It separates what the copy tier
// finds from what the same-story tier adds.
func copyLinked(l labelled, out outcome) []string {
	index := make(map[string]int, len(l.stories))
	for i, s := range l.stories {
		index[s.ID] = i
	}
	parent := make([]int, len(l.stories))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i, r := range out.results {
		if r.Kind != dedup.Copy {
			continue
		}
		for _, m := range r.Matches {
			if k, ok := index[m.ID]; ok && m.Kind == dedup.Copy {
				parent[find(i)] = find(k)
			}
		}
	}
	pred := make([]string, len(l.stories))
	for i := range pred {
		pred[i] = l.stories[find(i)].ID
	}
	return pred
}
