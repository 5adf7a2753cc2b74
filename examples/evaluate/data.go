package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/examples/internal/cli"
)

// article is one line of a JSON Lines data set: the Reuters and ECB+ files,
// any labelled file, and the perturbation set this command writes. Fields a
// file does not have stay empty; other fields are ignored.
type article struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Text   string `json:"text"`
	Date   string `json:"date"`
	Source string `json:"source"`
	// Cluster is the gold label: stories with the same Cluster are versions
	// of one story.
	Cluster string `json:"cluster"`
	// Role, Original and Perturbations describe a story of the perturbation
	// set: "original", "copy" or "distractor"; for a copy, the id of the
	// story it copies and the perturbations applied, in the order applied.
	Role          string   `json:"role,omitempty"`
	Original      string   `json:"original,omitempty"`
	Perturbations []string `json:"perturbations,omitempty"`
}

// errData reports a data set that cannot be used.
var errData = errors.New("evaluate: bad data")

// maxLineBytes bounds a JSON line; the longest story of the data sets is
// far below it.
const maxLineBytes = 64 << 20

// decodeArticle decodes one JSON line. It requires an id, and when labelled
// is set a text and a cluster; it checks that the date parses.
func decodeArticle(line []byte, labelled bool) (article, error) {
	var a article
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&a); err != nil {
		return article{}, fmt.Errorf("%w: not a JSON object with string fields: %v", errData, err)
	}
	if dec.More() {
		return article{}, fmt.Errorf("%w: more than one JSON value on the line", errData)
	}
	switch {
	case a.ID == "":
		return article{}, fmt.Errorf("%w: no id", errData)
	case labelled && strings.TrimSpace(a.Text) == "":
		return article{}, fmt.Errorf("%w: story %q has no text", errData, a.ID)
	case labelled && a.Cluster == "":
		return article{}, fmt.Errorf("%w: story %q has no cluster label", errData, a.ID)
	}
	if _, err := cli.ParseDate(a.Date); err != nil {
		return article{}, fmt.Errorf("%w: story %q: %v", errData, a.ID, err)
	}
	return a, nil
}

// readArticles reads a JSON Lines file: one article a line, blank lines
// skipped. Errors name the file and the line. Ids must be unique.
func readArticles(path string, labelled bool) ([]article, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return decodeArticles(f, path, labelled)
}

// decodeArticles reads articles from r; name is used in errors.
func decodeArticles(r io.Reader, name string, labelled bool) ([]article, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), maxLineBytes)
	seen := make(map[string]int)
	var out []article
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		a, err := decodeArticle(line, labelled)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, n, err)
		}
		if first, ok := seen[a.ID]; ok {
			return nil, fmt.Errorf("%s line %d: %w: id %q already used on line %d", name, n, errData, a.ID, first)
		}
		seen[a.ID] = n
		out = append(out, a)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return out, nil
}

// story converts an article to the detector's Story. The date was checked
// when the article was decoded.
func (a article) story() dedup.Story {
	t, _ := cli.ParseDate(a.Date)
	return dedup.Story{ID: a.ID, Title: a.Title, Text: a.Text, Source: a.Source, Time: t}
}

// dataPath returns where to read a data set (see cli.DataPath), or "" when
// no default can be found (outside the repository).
func dataPath(flagValue, env, rel string) string {
	p, _ := cli.DataPath(flagValue, env, rel)
	return p
}
