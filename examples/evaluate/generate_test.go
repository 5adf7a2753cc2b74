package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsdup/newsdup/dedup/minhash"
	"github.com/newsdup/newsdup/examples/internal/cli"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTitleKey(t *testing.T) {
	cases := []struct{ in, want string }{
		{"U.K. MONEY MARKET GIVEN 215 MLN STG HELP", "u.k. money market given mln stg help"},
		{"u.k. money market given 50 mln stg help", "u.k. money market given mln stg help"},
		{"  BAHIA   COCOA REVIEW ", "bahia cocoa review"},
		{"", ""},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) { assert.Equal(t, c.want, titleKey(c.in)) })
	}
}

func TestCleanBody(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"sign-off and end mark", "Profit rose.\n    It fell.\n Reuter\n\x03", "Profit rose.\n    It fell."},
		{"blank line before the sign-off", "Profit rose.\n       \n Reuter\n\x03", "Profit rose."},
		{"no sign-off", "Profit rose.\n", "Profit rose."},
		{"Reuter inside the text stays", "Reuter said profit rose.\n Reuter\n\x03", "Reuter said profit rose."},
		{"only a sign-off", " Reuter\n\x03", "Reuter"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, cleanBody(c.in)) })
	}
}

func TestParagraphs(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []string
	}{
		{"wire layout",
			"Showers continued throughout the week in\nthe Bahia cocoa zone.\n    The dry period means the temporao will\nbe late this year.\n    Arrivals were 155,221 bags.",
			[]string{"Showers continued throughout the week in the Bahia cocoa zone.", "The dry period means the temporao will be late this year.", "Arrivals were 155,221 bags."}},
		{"blank lines end paragraphs", "One.\n\nTwo\nthree.\n   \nFour.", []string{"One.", "Two three.", "Four."}},
		{"table rows", "Results:\n    Shr 30 cts vs   25 cts\n    Net 1.2 mln vs 1.0 mln", []string{"Results:", "Shr 30 cts vs 25 cts", "Net 1.2 mln vs 1.0 mln"}},
		{"tab indent", "One.\n\tTwo.", []string{"One.", "Two."}},
		{"empty", "", nil},
		{"white space only", " \n\t\n", nil},
		{"CRLF", "One\r\nline.\r\n    Two.\r\n", []string{"One line.", "Two."}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, paragraphs(c.in)) })
	}
}

// fakeWords returns n random lower-case words of 5 to 9 letters.
func fakeWords(r *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		b := make([]byte, 5+r.IntN(5))
		for k := range b {
			b[k] = byte('a' + r.IntN(26))
		}
		out[i] = string(b)
	}
	return out
}

// wireBody lays words out as the wire does: lines of about 70 columns, a
// paragraph every 30 words indented by four spaces, and the sign-off.
func wireBody(words []string) string {
	var b strings.Builder
	col := 0
	for i, w := range words {
		switch {
		case i > 0 && i%30 == 0:
			b.WriteString("\n    ")
			col = 4
		case col+len(w) > 70:
			b.WriteString("\n")
			col = 0
		case i > 0:
			b.WriteString(" ")
			col++
		}
		b.WriteString(w)
		col += len(w)
	}
	b.WriteString("\n Reuter\n\x03")
	return b.String()
}

// fakeCorpus is a small wire corpus with every kind of story the generator
// must leave out: short bodies, titles used twice (up to digits), undated
// stories, and near-duplicate pairs, of which at most one may be chosen.
type fakeCorpus struct {
	arts       []article
	ineligible map[string]bool
	nearPairs  [][2]string
}

func newFakeCorpus(seed uint64, n int) fakeCorpus {
	r := rand.New(rand.NewPCG(seed, 5))
	c := fakeCorpus{ineligible: map[string]bool{}}
	start := time.Date(1987, 3, 1, 0, 0, 0, 0, time.UTC)
	add := func(title string, words []string, date string) string {
		id := fmt.Sprint(len(c.arts) + 1)
		c.arts = append(c.arts, article{ID: id, Title: title, Text: wireBody(words), Date: date, Source: "Reuters"})
		return id
	}
	date := func(i int) string {
		return start.Add(time.Duration(i) * 37 * time.Minute).Format("2006-01-02T15:04:05")
	}
	for i := range n {
		words := fakeWords(r, 80+r.IntN(200))
		id := add(strings.ToUpper(strings.Join(fakeWords(r, 4), " ")), words, date(i))
		switch i % 10 {
		case 3: // a near-duplicate: a few words changed
			near := slices.Clone(words)
			for k := 0; k < len(near); k += 25 {
				near[k] = "changed"
			}
			c.nearPairs = append(c.nearPairs, [2]string{id, add(strings.ToUpper(strings.Join(fakeWords(r, 4), " ")), near, date(i))})
		case 5:
			c.ineligible[add("SHORT STORY "+fmt.Sprint(i), fakeWords(r, 79), date(i))] = true
		case 7:
			c.ineligible[add("WEEKLY FIGURES 1", fakeWords(r, 120), date(i))] = true
			c.ineligible[add("WEEKLY FIGURES 22", fakeWords(r, 120), date(i))] = true
		case 9:
			c.ineligible[add("UNDATED "+fmt.Sprint(i), fakeWords(r, 120), "")] = true
		}
	}
	return c
}

func encode(t testing.TB, arts []article) []byte {
	var b bytes.Buffer
	require.NoError(t, writeArticles(&b, arts))
	return b.Bytes()
}

// checkSet checks the rules every perturbation set follows.
func checkSet(t *testing.T, arts []article, cfg genConfig) {
	t.Helper()
	byID := map[string]article{}
	copies := map[string]int{}
	var originals, distractors int
	for i, a := range arts {
		require.NotContains(t, byID, a.ID, "ids are unique")
		byID[a.ID] = a
		_, err := time.Parse(time.RFC3339, a.Date)
		require.NoError(t, err, "dates are RFC 3339")
		if i > 0 {
			assert.LessOrEqual(t, arts[i-1].Date, a.Date, "stories come in date order")
		}
		switch a.Role {
		case roleOriginal:
			originals++
			assert.Equal(t, a.ID, a.Cluster)
			assert.Equal(t, wireSource, a.Source)
			assert.Empty(t, a.Perturbations)
		case roleDistractor:
			distractors++
			assert.Equal(t, a.ID, a.Cluster)
			assert.Empty(t, a.Perturbations)
		case roleCopy:
			copies[a.Original]++
			assert.Equal(t, a.Original, a.Cluster)
			assert.NotEmpty(t, a.Perturbations)
			assert.Contains(t, outletNames, a.Source)
		default:
			t.Fatalf("story %s has role %q", a.ID, a.Role)
		}
	}
	assert.Equal(t, cfg.Originals, originals)
	assert.Equal(t, cfg.Distractors, distractors)
	for id, n := range copies {
		o, ok := byID[id]
		require.True(t, ok, "a copy's original is in the set")
		assert.Equal(t, roleOriginal, o.Role)
		assert.True(t, n >= 1 && n <= cfg.MaxCopies, "%s has %d copies", id, n)
	}
	assert.Len(t, copies, cfg.Originals, "every original has copies")
	for _, a := range arts {
		if a.Role != roleCopy {
			continue
		}
		ct, _ := time.Parse(time.RFC3339, a.Date)
		ot, _ := time.Parse(time.RFC3339, byID[a.Original].Date)
		assert.False(t, ct.Before(ot), "copy %s dated before its original", a.ID)
		assert.LessOrEqual(t, ct.Sub(ot), maxCopyDelay)
	}

	// No two chosen stories are near-duplicates, by brute force.
	var chosen []article
	for _, a := range arts {
		if a.Role != roleCopy {
			chosen = append(chosen, a)
		}
	}
	ov := newOverlapper()
	sets := make([][]uint64, len(chosen))
	for i, a := range chosen {
		sets[i] = ov.set(a.Text)
	}
	for i := range sets {
		for j := i + 1; j < len(sets); j++ {
			if jac, _, _ := minhash.Exact(sets[i], sets[j]); jac >= maxPairJaccard {
				t.Errorf("%s and %s have shingle Jaccard %.3f", chosen[i].ID, chosen[j].ID, jac)
			}
		}
	}
}

func TestGenerate(t *testing.T) {
	corpus := newFakeCorpus(3, 200)
	cfg := genConfig{Seed: 11, Originals: 40, Distractors: 80, MaxCopies: 5}
	arts, st, err := generate(corpus.arts, cfg)
	require.NoError(t, err)
	checkSet(t, arts, cfg)

	assert.Equal(t, len(corpus.arts), st.Corpus)
	assert.Equal(t, len(corpus.arts)-len(corpus.ineligible), st.Eligible)
	assert.Equal(t, cfg.Originals, st.Originals)
	assert.Equal(t, cfg.Distractors, st.Distractors)
	assert.Equal(t, len(arts)-st.Originals-st.Distractors, st.Copies)
	for _, a := range arts {
		id := strings.TrimPrefix(a.Cluster, "reuters-")
		assert.False(t, corpus.ineligible[id], "story %s should not be chosen", id)
		if a.Role != roleCopy {
			assert.NotContains(t, a.Text, "Reuter\n", "the sign-off is removed")
			assert.NotContains(t, a.Text, "\x03")
		}
	}
	inSet := map[string]bool{}
	for _, a := range arts {
		inSet[strings.TrimPrefix(a.Cluster, "reuters-")] = true
	}
	both := 0
	for _, p := range corpus.nearPairs {
		if inSet[p[0]] && inSet[p[1]] {
			both++
		}
	}
	assert.Zero(t, both, "near-duplicate pairs both chosen")
	assert.Positive(t, st.NearDuplicates, "the corpus has near-duplicates the choice met")

	t.Run("same seed, same bytes", func(t *testing.T) {
		again, _, err := generate(corpus.arts, cfg)
		require.NoError(t, err)
		assert.Equal(t, encode(t, arts), encode(t, again))
	})
	t.Run("another seed, another set", func(t *testing.T) {
		other := cfg
		other.Seed++
		again, _, err := generate(corpus.arts, other)
		require.NoError(t, err)
		assert.NotEqual(t, encode(t, arts), encode(t, again))
	})
	t.Run("too many wanted", func(t *testing.T) {
		big := cfg
		big.Distractors = 1000
		_, _, err := generate(corpus.arts, big)
		require.ErrorIs(t, err, errData)
		assert.Contains(t, err.Error(), "ask for fewer")
	})
	t.Run("bad config", func(t *testing.T) {
		for _, c := range []genConfig{{Originals: 0, Distractors: 0, MaxCopies: 1}, {Originals: -1, Distractors: 5, MaxCopies: 1}, {Originals: 5, MaxCopies: 0}} {
			_, _, err := generate(corpus.arts, c)
			require.ErrorIs(t, err, errData, "%+v", c)
		}
	})
}

// reutersPath returns the Reuters-21578 file, or skips the test.
func reutersPath(tb testing.TB) string {
	tb.Helper()
	p := dataPath("", reutersEnv, reutersRel)
	if !exists(p) {
		tb.Skipf("Reuters-21578 not found (%q): set %s to the path of reuters21578/articles.jsonl", p, reutersEnv)
	}
	return p
}

// ecbPath returns the ECB+ file, or skips the test.
func ecbPath(tb testing.TB) string {
	tb.Helper()
	p := dataPath("", ecbEnv, ecbRel)
	if !exists(p) {
		tb.Skipf("ECB+ not found (%q): set %s to the path of ecbplus/articles.jsonl", p, ecbEnv)
	}
	return p
}

func TestGenerateReuters(t *testing.T) {
	corpus, err := readArticles(reutersPath(t), false)
	require.NoError(t, err)
	cfg := genConfig{Seed: 5, Originals: 120, Distractors: 240, MaxCopies: 5}
	arts, st, err := generate(corpus, cfg)
	require.NoError(t, err)
	checkSet(t, arts, cfg)
	assert.Equal(t, 21578, st.Corpus)

	// The rules, checked on the corpus itself.
	titles := map[string]int{}
	byID := map[string]article{}
	for _, a := range corpus {
		titles[titleKey(a.Title)]++
		byID["reuters-"+a.ID] = a
	}
	for _, a := range arts {
		if a.Role == roleCopy {
			continue
		}
		src := byID[a.ID]
		assert.Equal(t, 1, titles[titleKey(src.Title)], "%s: title used once", a.ID)
		assert.GreaterOrEqual(t, len(strings.Fields(a.Text)), minBodyWords, a.ID)
		want, err := cli.ParseDate(src.Date)
		require.NoError(t, err)
		assert.Equal(t, formatDate(want), a.Date, "%s keeps its Reuters date", a.ID)
	}

	again, _, err := generate(corpus, cfg)
	require.NoError(t, err)
	assert.Equal(t, encode(t, arts), encode(t, again), "same seed, same bytes")
}

// The -gen flag writes the same file twice for one seed.
func TestGenFlagIsDeterministic(t *testing.T) {
	path := reutersPath(t)
	dir := t.TempDir()
	var files [2][]byte
	for i := range files {
		out := filepath.Join(dir, fmt.Sprint(i, ".jsonl"))
		code, _, stderr := runCmd(t, "-gen", out, "-reuters", path, "-seed", "9", "-originals", "50", "-distractors", "100")
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stderr, "50 originals with")
		b, err := os.ReadFile(out)
		require.NoError(t, err)
		files[i] = b
	}
	assert.Equal(t, files[0], files[1])
	arts, err := decodeArticles(bytes.NewReader(files[0]), "gen", true)
	require.NoError(t, err)
	checkSet(t, arts, genConfig{Originals: 50, Distractors: 100, MaxCopies: defaultMaxCopies})
}
