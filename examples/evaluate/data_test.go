package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeArticle(t *testing.T) {
	cases := []struct {
		name     string
		line     string
		labelled bool
		want     article
		err      string // part of the error message; empty for success
	}{
		{name: "ECB+ line", labelled: true,
			line: `{"id": "1_1ecb", "title": "", "text": "Tara Reid entered rehab.", "source": "", "date": "", "url": "", "cluster": "1a", "topic": 1}`,
			want: article{ID: "1_1ecb", Text: "Tara Reid entered rehab.", Cluster: "1a"}},
		{name: "Reuters line", labelled: false,
			line: `{"id": "7", "title": "COCOA", "text": "", "source": "Reuters", "date": "1987-02-26T15:01:01", "topics": ["cocoa"], "places": []}`,
			want: article{ID: "7", Title: "COCOA", Source: "Reuters", Date: "1987-02-26T15:01:01"}},
		{name: "generated line", labelled: true,
			line: `{"id":"reuters-1-copy1","title":"T","text":"x y","date":"1987-02-26T15:01:01Z","source":"Harbour Ledger","cluster":"reuters-1","role":"copy","original":"reuters-1","perturbations":["trim","html"]}`,
			want: article{ID: "reuters-1-copy1", Title: "T", Text: "x y", Date: "1987-02-26T15:01:01Z", Source: "Harbour Ledger",
				Cluster: "reuters-1", Role: "copy", Original: "reuters-1", Perturbations: []string{"trim", "html"}}},
		{name: "not JSON", line: `id=1`, err: "not a JSON object"},
		{name: "array", line: `["a"]`, err: "not a JSON object"},
		{name: "number where a string belongs", line: `{"id": "1", "cluster": 5, "text": "a"}`, err: "not a JSON object"},
		{name: "two values", line: `{"id": "1"} {"id": "2"}`, err: "more than one JSON value"},
		{name: "no id", line: `{"text": "a", "cluster": "c"}`, labelled: true, err: "no id"},
		{name: "no text", line: `{"id": "1", "text": "  ", "cluster": "c"}`, labelled: true, err: `story "1" has no text`},
		{name: "no cluster", line: `{"id": "1", "text": "a"}`, labelled: true, err: `story "1" has no cluster label`},
		{name: "bad date", line: `{"id": "1", "text": "a", "date": "26/02/1987"}`, err: `date "26/02/1987"`},
		{name: "date before 1900", line: `{"id": "1", "text": "a", "date": "0001-01-01"}`, err: `bad date "0001-01-01": before 1900`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := decodeArticle([]byte(c.line), c.labelled)
			if c.err != "" {
				require.ErrorIs(t, err, errData)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestDecodeArticles(t *testing.T) {
	t.Run("blank lines and a byte order mark", func(t *testing.T) {
		in := "\uFEFF{\"id\":\"a\",\"text\":\"x\",\"cluster\":\"1\"}\n\n  \n{\"id\":\"b\",\"text\":\"y\",\"cluster\":\"1\"}\n"
		got, err := decodeArticles(strings.NewReader(in), "in.jsonl", true)
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Equal(t, "a", got[0].ID)
		assert.Equal(t, "b", got[1].ID)
	})
	t.Run("error names the file and line", func(t *testing.T) {
		in := "{\"id\":\"a\",\"text\":\"x\",\"cluster\":\"1\"}\n\n{\"id\":\"b\",\"text\":\"y\"}\n"
		_, err := decodeArticles(strings.NewReader(in), "in.jsonl", true)
		require.ErrorIs(t, err, errData)
		assert.Contains(t, err.Error(), "in.jsonl line 3")
	})
	t.Run("duplicate id", func(t *testing.T) {
		in := "{\"id\":\"a\",\"text\":\"x\",\"cluster\":\"1\"}\n{\"id\":\"a\",\"text\":\"y\",\"cluster\":\"2\"}\n"
		_, err := decodeArticles(strings.NewReader(in), "in.jsonl", true)
		require.ErrorIs(t, err, errData)
		assert.Contains(t, err.Error(), `line 2: evaluate: bad data: id "a" already used on line 1`)
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := readArticles(filepath.Join(t.TempDir(), "none.jsonl"), true)
		require.ErrorIs(t, err, os.ErrNotExist)
	})
}

func TestReadSeeds(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata")
	agency, rewrite, err := readSeeds(dir)
	require.NoError(t, err)
	assert.Equal(t, seedAgencyID, agency.ID)
	assert.Equal(t, "US says ‘ready’ for talks with Russia from early January", agency.Title)
	assert.True(t, strings.HasPrefix(agency.Text, "AFP, WASHINGTON"), "the date line leaves the text: %.40q", agency.Text)
	assert.Empty(t, agency.Date, "undated, like ECB+")
	assert.Equal(t, seedRewriteID, rewrite.ID)
	assert.True(t, strings.HasPrefix(rewrite.Text, "“The United States is ready"))
	assert.Equal(t, seedsLabel, agency.Cluster)
	assert.Equal(t, seedsLabel, rewrite.Cluster)

	t.Run("missing", func(t *testing.T) {
		_, _, err := readSeeds(t.TempDir())
		require.ErrorIs(t, err, os.ErrNotExist)
	})
	t.Run("no date line", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, seedAgencyID+".txt"), []byte("Plain first line\nbody"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, seedRewriteID+".txt"), []byte("rewrite"), 0o644))
		agency, _, err := readSeeds(dir)
		require.NoError(t, err)
		assert.Empty(t, agency.Title)
		assert.Equal(t, "Plain first line\nbody", agency.Text)
	})
}
