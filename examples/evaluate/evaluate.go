package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/newsdup/newsdup/dedup"
)

// labelled is a data set ready to stream: stories in order with their gold
// labels, and the articles they came from (for diagnostics).
type labelled struct {
	stories []dedup.Story
	gold    []string
	arts    []article
}

// newLabelled builds a data set from articles, in their order.
func newLabelled(arts []article) labelled {
	l := labelled{arts: arts, stories: make([]dedup.Story, len(arts)), gold: make([]string, len(arts))}
	for i, a := range arts {
		l.stories[i] = a.story()
		l.gold[i] = a.Cluster
	}
	return l
}

// permuted returns the data set in the order perm gives: item i of the
// result is item perm[i] of l.
func (l labelled) permuted(perm []int) labelled {
	out := labelled{stories: make([]dedup.Story, len(perm)), gold: make([]string, len(perm)), arts: make([]article, len(perm))}
	for i, k := range perm {
		out.stories[i], out.gold[i], out.arts[i] = l.stories[k], l.gold[k], l.arts[k]
	}
	return out
}

// outcome is what one pass of a data set through a fresh detector gave.
type outcome struct {
	results []dedup.Result
	pred    []string // predicted label (cluster id) of each story
	elapsed time.Duration
	scores  scores
}

// stream adds the stories, in order, to a fresh detector made with cfg, one
// Add after the other as a feed would, and scores the clusters they were
// put in. A story's cluster is the one its Result names: clusters never
// merge and stories never move, and the result stays true after the story
// leaves the time window.
func stream(cfg dedup.Config, l labelled) (outcome, error) {
	d, err := dedup.NewDetector(cfg)
	if err != nil {
		return outcome{}, err
	}
	o := outcome{results: make([]dedup.Result, len(l.stories)), pred: make([]string, len(l.stories))}
	start := time.Now()
	for i, s := range l.stories {
		r, err := d.Add(s)
		if err != nil {
			return outcome{}, fmt.Errorf("story %d of %d: %w", i+1, len(l.stories), err)
		}
		o.results[i] = r
		o.pred[i] = r.Cluster
	}
	o.elapsed = time.Since(start)
	relabel(o.pred, o.results)
	o.scores, err = score(l.gold, o.pred)
	return o, err
}

// batch gives the stories to dedup.Batch, which judges them as one
// collection whatever their order, and scores the clusters they were put in.
func batch(cfg dedup.Config, l labelled) (outcome, error) {
	o := outcome{results: make([]dedup.Result, len(l.stories)), pred: make([]string, len(l.stories))}
	start := time.Now()
	_, err := dedup.Batch(context.Background(), cfg, dedup.Stories(l.stories), func(i int, r dedup.Result, err error) error {
		if err != nil {
			return fmt.Errorf("story %d of %d: %w", i+1, len(l.stories), err)
		}
		o.results[i], o.pred[i] = r, r.Cluster
		return nil
	})
	if err != nil {
		return outcome{}, err
	}
	o.elapsed = time.Since(start)
	relabel(o.pred, o.results)
	o.scores, err = score(l.gold, o.pred)
	return o, err
}

// byDate returns the data set in date order (stable: undated stories keep
// their place at the start, stories of one time their file order).
func (l labelled) byDate() labelled {
	perm := make([]int, len(l.stories))
	for i := range perm {
		perm[i] = i
	}
	slices.SortStableFunc(perm, func(a, b int) int { return l.stories[a].Time.Compare(l.stories[b].Time) })
	return l.permuted(perm)
}

// row is one line of the table.
type row struct {
	name      string
	stories   int
	gold      string
	predicted string
	s         scores // B-cubed, pairwise and ARI figures
	rate      float64
}

// newRow makes a row from the outcome of one pass.
func newRow(name string, o outcome) row {
	return row{
		name: name, stories: o.scores.Items,
		gold: fmt.Sprint(o.scores.Gold), predicted: fmt.Sprint(o.scores.Predicted),
		s: o.scores, rate: float64(o.scores.Items) / o.elapsed.Seconds(),
	}
}

// meanRow makes a row of the means over several passes of one data set,
// and returns the smallest B-cubed F1 among them.
func meanRow(name string, outs []outcome) (row, float64) {
	var m scores
	var predicted float64
	var elapsed time.Duration
	minF1 := 1.0
	for _, o := range outs {
		s := o.scores
		m.BCubedP += s.BCubedP
		m.BCubedR += s.BCubedR
		m.BCubedF1 += s.BCubedF1
		m.PairP += s.PairP
		m.PairR += s.PairR
		m.PairF1 += s.PairF1
		m.ARI += s.ARI
		predicted += float64(s.Predicted)
		elapsed += o.elapsed
		minF1 = min(minF1, s.BCubedF1)
	}
	n := float64(len(outs))
	m.BCubedP /= n
	m.BCubedR /= n
	m.BCubedF1 /= n
	m.PairP /= n
	m.PairR /= n
	m.PairF1 /= n
	m.ARI /= n
	first := outs[0].scores
	return row{
		name: name, stories: first.Items, gold: fmt.Sprint(first.Gold),
		predicted: fmt.Sprintf("%.1f", predicted/n), s: m,
		rate: float64(first.Items) * n / elapsed.Seconds(),
	}, minF1
}

// shuffle returns a seeded random order of n items; order k of a seed is
// the same in every run.
func shuffle(seed, k uint64, n int) []int {
	return rand.New(rand.NewPCG(seed, k)).Perm(n)
}

// Seed story files, in the repository's testdata.
const (
	seedAgencyID  = "000_4bb1d15e2e08605f"
	seedRewriteID = "001_f74bd945f370ec2b"
	seedsLabel    = "seed-stories"
)

// readSeeds reads the two seed stories: the agency story, whose first line
// is " date 2021-12-25 <headline>" (the headline becomes the Title and the
// line leaves the text), and the other outlet's rewrite, read as it is.
// Both are undated, like ECB+.
func readSeeds(dir string) (agency, rewrite article, err error) {
	read := func(id string) (string, error) {
		b, err := os.ReadFile(filepath.Join(dir, id+".txt"))
		return string(b), err
	}
	text, err := read(seedAgencyID)
	if err != nil {
		return agency, rewrite, err
	}
	agency = article{ID: seedAgencyID, Text: text, Cluster: seedsLabel}
	first, rest, _ := strings.Cut(text, "\n")
	if f := strings.Fields(first); len(f) > 2 && f[0] == "date" {
		if _, derr := time.Parse("2006-01-02", f[1]); derr == nil {
			agency.Title = strings.Join(f[2:], " ")
			agency.Text = strings.TrimSpace(rest)
		}
	}
	text, err = read(seedRewriteID)
	if err != nil {
		return agency, rewrite, err
	}
	rewrite = article{ID: seedRewriteID, Text: text, Cluster: seedsLabel}
	return agency, rewrite, nil
}

// seedCheck says where the seed stories ended.
type seedCheck struct {
	positions [2]int // 1-based positions of the agency story and the rewrite in the stream
	together  bool   // both in one predicted cluster
	joined    int    // ECB+ articles in the seeds' clusters
}

// withSeeds inserts the two seed stories into ECB+ at seeded random
// positions and returns the data set with their positions (0-based).
func withSeeds(ecb labelled, agency, rewrite article, seed uint64) (labelled, [2]int) {
	r := rand.New(rand.NewPCG(seed, 1<<32))
	arts := slices.Clone(ecb.arts)
	i := r.IntN(len(arts) + 1)
	arts = slices.Insert(arts, i, agency)
	j := r.IntN(len(arts) + 1)
	arts = slices.Insert(arts, j, rewrite)
	if j <= i {
		i++ // the agency story moved one down
	}
	return newLabelled(arts), [2]int{i, j}
}

// checkSeeds reports whether the seed stories at positions pos share a
// cluster and how many other stories are in their clusters.
func checkSeeds(o outcome, pos [2]int) seedCheck {
	c := seedCheck{positions: [2]int{pos[0] + 1, pos[1] + 1}}
	a, b := o.pred[pos[0]], o.pred[pos[1]]
	c.together = a == b
	for i, p := range o.pred {
		if i != pos[0] && i != pos[1] && (p == a || p == b) {
			c.joined++
		}
	}
	return c
}

// relabel gives each story the cluster it ends in, as a pipeline that
// stores cluster ids would: a result whose Merged lists clusters absorbed
// into its Cluster moves every story of those clusters to it, and a
// cluster absorbed into one that is absorbed in turn follows it. pred[i] is
// the Cluster of results[i].
func relabel(pred []string, results []dedup.Result) {
	into := map[string]string{}
	for _, r := range results {
		for _, m := range r.Merged {
			into[m] = r.Cluster
		}
	}
	if len(into) == 0 {
		return
	}
	for i, c := range pred {
		for seen := 0; seen <= len(into); seen++ {
			next, ok := into[c]
			if !ok {
				break
			}
			c = next
		}
		pred[i] = c
	}
}
