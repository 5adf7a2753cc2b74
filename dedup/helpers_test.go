package dedup

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	seedAgency  = "000_4bb1d15e2e08605f"
	seedRewrite = "001_f74bd945f370ec2b"
)

// fixedClock is a clock for tests, far enough in the future that the dated
// test stories are never rejected as coming from the future.
func fixedClock() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }

func newDetector(t testing.TB, cfg Config) *Detector {
	t.Helper()
	if cfg.Clock == nil {
		cfg.Clock = fixedClock
	}
	d, err := NewDetector(cfg)
	require.NoError(t, err)
	return d
}

// seedStories returns the two seed stories: the agency story, dated by its
// first line, and the undated rewrite.
func seedStories(t testing.TB) (agency, rewrite Story) {
	t.Helper()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "testdata", name+".txt"))
		require.NoError(t, err)
		return string(b)
	}
	agency = Story{ID: seedAgency, Text: read(seedAgency), Time: time.Date(2021, 12, 25, 0, 0, 0, 0, time.UTC)}
	rewrite = Story{ID: seedRewrite, Text: read(seedRewrite)}
	return agency, rewrite
}

// labelled is a story of a JSONL fixture with its expected cluster.
type labelled struct {
	Story
	Cluster string
}

func readJSONL(t testing.TB, path string) []labelled {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r struct {
			ID, Title, Text, Source, Date, Cluster string
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r))
		s := Story{ID: r.ID, Title: r.Title, Text: r.Text, Source: r.Source}
		if r.Date != "" {
			s.Time, err = time.Parse(time.RFC3339, r.Date)
			if err != nil {
				s.Time, err = time.Parse("2006-01-02T15:04:05", r.Date) // Reuters: no zone, UTC
			}
			if err != nil {
				s.Time, err = time.Parse(time.DateOnly, r.Date) // GVC
			}
			require.NoError(t, err)
		}
		out = append(out, labelled{s, r.Cluster})
	}
	require.NoError(t, sc.Err())
	return out
}

// newsroom returns the stories of testdata/stories.jsonl and the two seeds,
// dated ones in date order and the undated rewrite last, with their labels.
func newsroom(t testing.TB) []labelled {
	t.Helper()
	stories := readJSONL(t, filepath.Join("..", "testdata", "stories.jsonl"))
	agency, rewrite := seedStories(t)
	stories = append(stories, labelled{agency, "russia-talks"})
	sort.SliceStable(stories, func(i, j int) bool { return stories[i].Time.Before(stories[j].Time) })
	return append(stories, labelled{rewrite, "russia-talks"})
}

// dataset returns the path of a shared data set, from the environment
// variable or beside the repository, and skips the test when it is absent.
func dataset(t testing.TB, env, rel string) string {
	t.Helper()
	p := os.Getenv(env)
	if p == "" {
		p = filepath.Join("..", "..", "shared", "datasets", rel)
	}
	if _, err := os.Stat(p); err != nil {
		t.Skipf("data set %s not found (set %s to its path): %v", rel, env, err)
	}
	return p
}

// paragraphs splits a text at blank lines.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
