// Package teststories loads the stories the tests of the shared detector and
// its stores run on: the newsroom fixtures and seed stories of testdata/,
// and the ECB+ articles when the data set is beside the repository.
package teststories

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/dedup/internal/testcorpus"
)

// Root returns the repository root (see testcorpus.Root), or fails the
// test.
func Root(t testing.TB) string {
	t.Helper()
	dir, ok := testcorpus.Root()
	if !ok {
		t.Fatal("teststories: repository root not found above the working directory")
	}
	return dir
}

// Read returns the stories of a JSON Lines file (id, title, text, source,
// date in RFC 3339 or Reuters' zoneless form, taken as UTC).
func Read(t testing.TB, path string) []dedup.Story {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []dedup.Story
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r struct{ ID, Title, Text, Source, Date string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		s := dedup.Story{ID: r.ID, Title: r.Title, Text: r.Text, Source: r.Source}
		if r.Date != "" {
			s.Time, err = time.Parse(time.RFC3339, r.Date)
			if err != nil {
				s.Time, err = time.Parse("2006-01-02T15:04:05", r.Date)
			}
			if err != nil {
				t.Fatalf("%s: story %s: %v", path, r.ID, err)
			}
			s.Time = s.Time.UTC()
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Newsroom returns the stories of testdata/stories.jsonl and the two seed
// stories: dated ones in date order, the undated rewrite last.
func Newsroom(t testing.TB) []dedup.Story {
	t.Helper()
	root := Root(t)
	stories := Read(t, filepath.Join(root, "testdata", "stories.jsonl"))
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(root, "testdata", name+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	stories = append(stories, dedup.Story{ID: "000_4bb1d15e2e08605f", Text: read("000_4bb1d15e2e08605f"),
		Time: time.Date(2021, 12, 25, 0, 0, 0, 0, time.UTC)})
	sort.SliceStable(stories, func(i, j int) bool { return stories[i].Time.Before(stories[j].Time) })
	return append(stories, dedup.Story{ID: "001_f74bd945f370ec2b", Text: read("001_f74bd945f370ec2b")})
}

// ECB returns the first n ECB+ articles (all when n <= 0), or nil when the
// data set is neither at NEWSDUP_ECBPLUS nor beside the repository.
func ECB(t testing.TB, n int) []dedup.Story {
	t.Helper()
	p := os.Getenv("NEWSDUP_ECBPLUS")
	if p == "" {
		p = filepath.Join(Root(t), "..", "shared", "datasets", "ecbplus", "articles.jsonl")
	}
	if _, err := os.Stat(p); err != nil {
		return nil
	}
	s := Read(t, p)
	if n > 0 && n < len(s) {
		s = s[:n]
	}
	return s
}

// Reuters returns the Reuters-21578 stories that have a body, in file order
// (date order), and their total bytes, or skips the test or benchmark when
// the data set is neither at NEWSDUP_REUTERS nor beside the repository.
func Reuters(t testing.TB) ([]dedup.Story, int) {
	t.Helper()
	p, ok := testcorpus.ReutersPath()
	if !ok {
		t.Skipf("Reuters-21578 not found (%q): set NEWSDUP_REUTERS to the path of reuters21578/articles.jsonl", p)
	}
	var out []dedup.Story
	size := 0
	for _, s := range Read(t, p) {
		if s.Text != "" {
			out = append(out, s)
			size += len(s.Text) + len(s.Title)
		}
	}
	return out, size
}
