package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runCmd runs the command in-process and returns its exit status, standard
// output and standard error.
func runCmd(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// tableRow is one row of the printed table.
type tableRow struct {
	stories, gold                 int
	predicted                     string
	bP, bR, bF1, pP, pR, pF1, ari float64
}

// parseTable reads the rows of the table in the output, by data set name.
func parseTable(t testing.TB, out string) map[string]tableRow {
	t.Helper()
	rows := map[string]tableRow{}
	lines := strings.Split(out, "\n")
	require.GreaterOrEqual(t, len(lines), 2)
	require.True(t, strings.HasPrefix(lines[0], "| data set | stories |"), "the table comes first: %q", lines[0])
	for _, line := range lines[2:] {
		if !strings.HasPrefix(line, "|") {
			break
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		require.Len(t, cells, 12, line)
		num := func(i int) float64 {
			v, err := strconv.ParseFloat(cells[i], 64)
			require.NoError(t, err, line)
			return v
		}
		rows[cells[0]] = tableRow{
			stories: int(num(1)), gold: int(num(2)), predicted: cells[3],
			bP: num(4), bR: num(5), bF1: num(6), pP: num(7), pR: num(8), pF1: num(9), ari: num(10),
		}
		assert.Positive(t, num(11), "stories/s")
	}
	return rows
}

func TestHelp(t *testing.T) {
	code, out, stderr := runCmd(t, "-h")
	assert.Equal(t, exitOK, code)
	assert.Empty(t, out)
	for _, f := range []string{"-ecb", "-reuters", "-seeds", "-gen", "-seed", "-orders", "-v", "-min-ecb-f1", "-min-perturb-f1",
		"-check-seeds", "-same-story-threshold", "-copy-containment", "-copy-jaccard", "-min-shared", "-boilerplate",
		"-lsh-threshold", "-hashes", "-shingle", "-window", "NEWSDUP_ECBPLUS", "NEWSDUP_REUTERS"} {
		assert.Contains(t, stderr, f)
	}
}

func TestBadFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		msg  string
	}{
		{"floor above 1", []string{"-min-ecb-f1", "1.5"}, "-min-ecb-f1 must be between 0 and 1"},
		{"negative floor", []string{"-min-perturb-f1", "-0.1"}, "-min-perturb-f1 must be between 0 and 1"},
		{"unknown data set", []string{"-only", "ecb,news"}, `unknown data set "news"`},
		{"floor on a data set left out", []string{"-only", "perturb", "-min-ecb-f1", "0.5"}, "-min-ecb-f1 needs the ecb data set"},
		{"GVC floor on GVC left out", []string{"-only", "ecb", "-min-gvc-f1", "0.5"}, "-min-gvc-f1 needs the gvc data set"},
		{"GVC floor above 1", []string{"-min-gvc-f1", "2"}, "-min-gvc-f1 must be between 0 and 1"},
		{"seeds check left out", []string{"-only", "ecb", "-check-seeds"}, "-check-seeds needs the seeds data set"},
		{"ECB+ floor without shuffled orders", []string{"-orders", "0", "-min-ecb-f1", "0.5"}, "-orders must be above 0"},
		{"negative orders", []string{"-orders", "-1"}, "-orders must not be negative"},
		{"zero threshold", []string{"-same-story-threshold", "0"}, "-same-story-threshold must be above 0"},
		{"no stories", []string{"-originals", "0", "-distractors", "0"}, "must not be negative nor both 0"},
		{"bad window", []string{"-window", "soon"}, "want a positive duration"},
		{"stray argument", []string{"data.jsonl"}, `unexpected argument "data.jsonl"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runCmd(t, c.args...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, out)
			assert.Contains(t, stderr, c.msg)
		})
	}
}

// writeLabelled writes articles as a labelled JSON Lines file.
func writeLabelled(t testing.TB, arts []article) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "small.jsonl")
	var b bytes.Buffer
	for _, a := range arts {
		line, err := json.Marshal(a)
		require.NoError(t, err)
		b.Write(append(line, '\n'))
	}
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	return path
}

const snowStory = "Heavy snow closed the Brenner motorway between Austria and Italy on Monday, stranding hundreds of lorries.\n" +
	"Police said the road would stay shut until at least Tuesday morning as ploughs struggled to clear drifts two metres deep.\n" +
	"Drivers were told to avoid the pass and use the Tauern route instead, the regional government said."

func smallFile(t testing.TB) string {
	return writeLabelled(t, []article{
		{ID: "wire", Text: snowStory, Cluster: "snow", Date: "2024-03-04T08:00:00Z"},
		{ID: "site", Title: "Brenner shut", Text: "Home | News\n" + snowStory + "\nFollow us for more traffic news.", Cluster: "snow", Date: "2024-03-04T09:00:00Z"},
		{ID: "fish", Text: "The Norwegian parliament approved a new fisheries quota for cod in the Barents Sea on Monday after a long debate over stocks.", Cluster: "fish", Date: "2024-03-04T10:00:00Z"},
	})
}

func TestMissingDataSets(t *testing.T) {
	none := filepath.Join(t.TempDir(), "none.jsonl")
	t.Run("row skipped, nothing left", func(t *testing.T) {
		code, out, stderr := runCmd(t, "-only", "ecb", "-ecb", none)
		assert.Equal(t, exitFail, code)
		assert.Empty(t, out)
		assert.Contains(t, stderr, "skipped: ECB+ not found at "+none+": set -ecb or NEWSDUP_ECBPLUS")
		assert.Contains(t, stderr, "no data set to evaluate")
	})
	t.Run("row skipped, others kept", func(t *testing.T) {
		code, out, stderr := runCmd(t, "-only", "ecb,seeds,files", "-ecb", none, "-file", smallFile(t))
		require.Equal(t, exitOK, code, stderr)
		rows := parseTable(t, out)
		assert.Len(t, rows, 1)
		assert.Contains(t, rows, "small.jsonl")
		assert.Contains(t, out, "Skipped: ECB+ not found")
	})
	t.Run("ECB+ floor", func(t *testing.T) {
		code, out, stderr := runCmd(t, "-only", "ecb", "-ecb", none, "-min-ecb-f1", "0.5")
		assert.Equal(t, exitFail, code)
		assert.Empty(t, out)
		assert.Contains(t, stderr, "ECB+ not found at "+none+": set -ecb or NEWSDUP_ECBPLUS to its path; -min-ecb-f1")
	})
	t.Run("seed check without seed stories", func(t *testing.T) {
		ecb := ecbPath(t)
		code, out, stderr := runCmd(t, "-only", "seeds", "-ecb", ecb, "-seeds", t.TempDir(), "-check-seeds")
		assert.Equal(t, exitFail, code)
		assert.Empty(t, out)
		assert.Contains(t, stderr, "set -seeds to their directory; -check-seeds needs them")
	})
	t.Run("perturbation floor", func(t *testing.T) {
		code, out, stderr := runCmd(t, "-only", "perturb", "-reuters", none, "-min-perturb-f1", "0.5")
		assert.Equal(t, exitFail, code)
		assert.Empty(t, out)
		assert.Contains(t, stderr, "Reuters-21578 not found at "+none+": set -reuters or NEWSDUP_REUTERS to its path; -min-perturb-f1")
	})
	t.Run("generator", func(t *testing.T) {
		code, _, stderr := runCmd(t, "-gen", filepath.Join(t.TempDir(), "out.jsonl"), "-reuters", none)
		assert.Equal(t, exitFail, code)
		assert.Contains(t, stderr, "set -reuters or NEWSDUP_REUTERS")
	})
	t.Run("file", func(t *testing.T) {
		code, _, stderr := runCmd(t, "-only", "files", "-file", none)
		assert.Equal(t, exitFail, code)
		assert.Contains(t, stderr, "-file "+none+": no such file")
	})
	t.Run("bad file", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.jsonl")
		require.NoError(t, os.WriteFile(bad, []byte(`{"id":"a","text":"x"}`+"\n"), 0o644))
		code, _, stderr := runCmd(t, "-only", "files", "-file", bad)
		assert.Equal(t, exitFail, code)
		assert.Contains(t, stderr, "bad.jsonl line 1: evaluate: bad data: story \"a\" has no cluster label")
	})
}

// A labelled file is a row: the site's copy joins the wire story, the other
// story stays apart, so every measure is 1.
func TestFileRow(t *testing.T) {
	path := smallFile(t)
	code, out, stderr := runCmd(t, "-only", "files", "-file", path, "-v")
	require.Equal(t, exitOK, code, stderr)
	rows := parseTable(t, out)
	r, ok := rows["small.jsonl"]
	require.True(t, ok, out)
	assert.Equal(t, tableRow{stories: 3, gold: 2, predicted: "2", bP: 1, bR: 1, bF1: 1, pP: 1, pR: 1, pF1: 1, ari: 1}, r)
	assert.Contains(t, out, "Command: `go run ./examples/evaluate -only files -file "+path+" -v`")
	assert.Contains(t, out, "### small.jsonl: 0 of 2 predicted clusters mix gold clusters")
}

// The perturbation set end to end, on a small set: the row, the floor that
// passes, the floor that fails, and the diagnostics.
func TestPerturbationEndToEnd(t *testing.T) {
	path := reutersPath(t)
	args := []string{"-only", "perturb", "-reuters", path, "-originals", "150", "-distractors", "300", "-seed", "3"}
	code, out, stderr := runCmd(t, append(args, "-v")...)
	require.Equal(t, exitOK, code, stderr)
	rows := parseTable(t, out)
	r, ok := rows["Perturbation set (Reuters), date order"]
	require.True(t, ok, out)
	assert.Equal(t, 450, r.gold, "150 originals and 300 distractors")
	assert.True(t, r.stories >= 450+150 && r.stories <= 450+5*150, "stories: %d", r.stories)
	// Copies keep most of the wire text: the detector must find most of
	// them, and its copy tier makes no false merge on this set (a false
	// merge here is a same-story join of related Reuters reports).
	assert.Greater(t, r.pR, 0.8, "pairwise recall")
	assert.Greater(t, r.pF1, 0.7, "pairwise F1")
	assert.Contains(t, out, "copies not in their original's cluster, by perturbation")
	for _, p := range perturbationNames {
		assert.Contains(t, out, "| "+p+" | ")
	}
	assert.Contains(t, out, "false merges:")
	assert.Contains(t, out, "copy verdicts naming a story of another gold cluster: 0.")

	f1 := r.pF1
	if f1 < 0.999 {
		code, _, stderr = runCmd(t, append(args, "-min-perturb-f1", fmt.Sprint(f1+0.001))...)
		assert.Equal(t, exitFail, code)
		assert.Contains(t, stderr, "floor failed: perturbation set pairwise F1 is")
	}
	code, _, stderr = runCmd(t, append(args, "-min-perturb-f1", fmt.Sprint(f1-0.001))...)
	assert.Equal(t, exitOK, code, stderr)
}

// ECB+ end to end: file order, shuffled orders and the seed stories.
func TestECBEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("streams ECB+ four times")
	}
	path := ecbPath(t)
	args := []string{"-only", "ecb,seeds", "-ecb", path, "-orders", "2"}
	code, out, stderr := runCmd(t, append(args, "-check-seeds", "-v")...)
	require.Equal(t, exitOK, code, stderr)
	rows := parseTable(t, out)
	file, ok := rows["ECB+, file order"]
	require.True(t, ok, out)
	assert.Equal(t, 982, file.stories)
	assert.Equal(t, 86, file.gold)
	mean, ok := rows["ECB+, 2 shuffled orders (mean)"]
	require.True(t, ok, out)
	assert.Equal(t, 982, mean.stories)
	seeds, ok := rows["ECB+ with the 2 seed stories"]
	require.True(t, ok, out)
	assert.Equal(t, 984, seeds.stories)
	assert.Equal(t, 87, seeds.gold)
	assert.Contains(t, out, "in one cluster: yes; ECB+ articles in their cluster: 0 (must be 0)")
	assert.Contains(t, out, "predicted clusters mix gold clusters")
	// ECB+ events are distinct news stories; a detector that merged whole
	// topics or split every event into single articles would score far
	// below this.
	assert.Greater(t, mean.bF1, 0.7)

	if mean.bF1 < 0.999 {
		code, _, stderr = runCmd(t, append(args, "-min-ecb-f1", fmt.Sprint(mean.bF1+0.001))...)
		assert.Equal(t, exitFail, code)
		assert.Contains(t, stderr, "floor failed: ECB+ B-cubed F1 (mean over 2 shuffled orders)")
	}
}

func TestShellQuote(t *testing.T) {
	assert.Equal(t, "-v -ecb /a/b.jsonl -only ecb,seeds", shellQuote([]string{"-v", "-ecb", "/a/b.jsonl", "-only", "ecb,seeds"}))
	assert.Equal(t, `-file 'my file.jsonl' -file 'it'\''s' ''`, shellQuote([]string{"-file", "my file.jsonl", "-file", "it's", ""}))
}

func TestWithSeeds(t *testing.T) {
	var arts []article
	for i := range 10 {
		arts = append(arts, article{ID: fmt.Sprint(i), Text: "x", Cluster: "c"})
	}
	ecb := newLabelled(arts)
	agency := article{ID: seedAgencyID, Text: "a", Cluster: seedsLabel}
	rewrite := article{ID: seedRewriteID, Text: "b", Cluster: seedsLabel}
	spots := map[[2]int]bool{}
	for seed := range uint64(40) {
		l, pos := withSeeds(ecb, agency, rewrite, seed)
		require.Len(t, l.stories, 12)
		assert.Equal(t, seedAgencyID, l.stories[pos[0]].ID, "seed %d", seed)
		assert.Equal(t, seedRewriteID, l.stories[pos[1]].ID, "seed %d", seed)
		var rest []string
		for i, s := range l.stories {
			if i != pos[0] && i != pos[1] {
				rest = append(rest, s.ID)
			}
		}
		assert.Equal(t, []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}, rest, "ECB+ keeps its order")
		spots[pos] = true

		out := outcome{pred: make([]string, 12)}
		for i := range out.pred {
			out.pred[i] = fmt.Sprint("p", i)
		}
		out.pred[pos[1]] = out.pred[pos[0]]
		c := checkSeeds(out, pos)
		assert.True(t, c.together)
		assert.Zero(t, c.joined)
		other := (max(pos[0], pos[1]) + 1) % 12
		if other == pos[0] || other == pos[1] {
			other = (other + 1) % 12
		}
		out.pred[other] = out.pred[pos[0]]
		c = checkSeeds(out, pos)
		assert.Equal(t, 1, c.joined)
	}
	assert.Greater(t, len(spots), 20, "positions vary with the seed")
}

// GVC end to end: date order and batch mode, the mean with ECB+ left out
// (it needs both sets), and the floor.
func TestGVCEndToEnd(t *testing.T) {
	path := dataPath("", gvcEnv, gvcRel)
	if !exists(path) {
		t.Skipf("GVC not found (%q): set %s to the path of gvc/articles.jsonl", path, gvcEnv)
	}
	args := []string{"-only", "gvc", "-gvc", path}
	code, out, stderr := runCmd(t, args...)
	require.Equal(t, exitOK, code, stderr)
	rows := parseTable(t, out)
	streamed, ok := rows["GVC, date order"]
	require.True(t, ok, out)
	assert.Equal(t, 510, streamed.stories)
	assert.Equal(t, 241, streamed.gold)
	_, ok = rows["GVC, batch"]
	require.True(t, ok, out)
	assert.NotContains(t, out, "Mean B³ F1")
	// Incidents of one kind told apart by place and date: a detector that
	// put every shooting in one cluster, or each report alone, would score
	// far below this.
	assert.Greater(t, streamed.bF1, 0.8)

	code, _, stderr = runCmd(t, append(args, "-min-gvc-f1", fmt.Sprint(streamed.bF1+0.001))...)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, stderr, "floor failed: GVC B-cubed F1 (date order, streamed) is")
	code, _, stderr = runCmd(t, append(args, "-min-gvc-f1", fmt.Sprint(streamed.bF1-0.001))...)
	assert.Equal(t, exitOK, code, stderr)
}
