package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/newsdup/newsdup/examples/internal/jsonl"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// badInputDir holds the bad-input corpus: one file per kind of input, bad
// or merely unusual, each a few JSON lines.
const badInputDir = "../../testdata/badinput"

// badInputArgs are the limits the corpus is run with: huge-line.jsonl is
// longer than -max-line, text-too-large.jsonl's text longer than -max-text.
var badInputArgs = []string{"-max-line", "4000", "-max-text", "2000"}

// lines returns the numbers from lo to hi.
func lineRange(lo, hi int) []int {
	var ns []int
	for n := lo; n <= hi; n++ {
		ns = append(ns, n)
	}
	return ns
}

// badInputCases says, for each file of the corpus, which of its lines are
// bad input and what the message says; the other lines that are not blank
// are stories that must be answered.
var badInputCases = map[string]map[string][]int{
	"bad-json.jsonl":             {"bad JSON": {1}},
	"not-an-object.jsonl":        {"bad JSON: want an object, got an array": {1}, "bad JSON: want an object, got a string": {2}, "bad JSON: want an object, got a number": {3}, `no id: the "id" field is missing or empty`: {4}},
	"trailing-garbage.jsonl":     {"bad JSON: invalid character 'a' after top-level value": {1}},
	"missing-id.jsonl":           {`no id: the "id" field is missing or empty`: {1, 2, 3}},
	"id-not-a-string.jsonl":      {`bad JSON: field "id" is a number, want a string`: {1}, `bad JSON: field "id" is an object, want a string`: {2}},
	"missing-text.jsonl":         {`no text: the "text" field is missing or empty`: {1, 2, 3}},
	"text-without-words.jsonl":   {"story has no text": {1, 2, 3}},
	"invalid-utf8-id.jsonl":      {"bad id: the id is not valid UTF-8": {1, 2, 3}},
	"invalid-utf8-text.jsonl":    {},
	"binary-garbage.jsonl":       {"bad JSON: invalid character": {1, 2}},
	"html-page.jsonl":            {"bad JSON: invalid character '<' looking for beginning of value": lineRange(1, 8)},
	"huge-line.jsonl":            {"line too long: the line is 4650 bytes, more than the limit of 4000 (-max-line)": {1}},
	"text-too-large.jsonl":       {"dedup: story text too large": {1}},
	"long-id.jsonl":              {"dedup: bad story id": {1}},
	"duplicate-id.jsonl":         {`dedup: duplicate story id: story "dup"`: {2}},
	"bad-date.jsonl":             {"bad date": lineRange(1, 7), `bad JSON: field "date" is a number, want a string`: {8}},
	"date-before-1900.jsonl":     {"before 1900 (leave the date out, or empty, for an undated story)": lineRange(1, 5)},
	"date-in-the-future.jsonl":   {"dedup: bad publication time": {1, 2}, `bad date "10000-01-01"`: {3}},
	"good-dates.jsonl":           {},
	"unsupported-language.jsonl": {"dedup: unknown language": {1, 2, 3}},
	"region-language.jsonl":      {},
	"blank-lines-and-crlf.jsonl": {},
}

// corpusFile is one file of the corpus, with what is expected of it.
type corpusFile struct {
	name  string
	lines []string       // the file's lines, without their ends
	bad   map[int]string // line number -> what the message says
}

// goodIDs returns the ids of the file's stories (its lines that are neither
// bad nor blank), in order.
func (f corpusFile) goodIDs(t testing.TB) []string {
	t.Helper()
	var ids []string
	for i, l := range f.lines {
		if _, bad := f.bad[i+1]; bad || strings.TrimSpace(l) == "" {
			continue
		}
		s, err := jsonl.Decode([]byte(strings.TrimSuffix(l, "\r")))
		require.NoError(t, err, "%s line %d is not bad input", f.name, i+1)
		ids = append(ids, s.ID)
	}
	return ids
}

func readCorpus(t testing.TB) []corpusFile {
	t.Helper()
	entries, err := os.ReadDir(badInputDir)
	require.NoError(t, err)
	var files []corpusFile
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".jsonl") {
			continue
		}
		want, ok := badInputCases[e.Name()]
		require.True(t, ok, "%s has no expectations in badInputCases", e.Name())
		data, err := os.ReadFile(filepath.Join(badInputDir, e.Name()))
		require.NoError(t, err)
		require.True(t, strings.HasSuffix(string(data), "\n"), "%s ends with a line end", e.Name())
		f := corpusFile{name: e.Name(), lines: strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"), bad: map[int]string{}}
		for msg, ns := range want {
			for _, n := range ns {
				require.LessOrEqual(t, n, len(f.lines), "%s line %d", f.name, n)
				f.bad[n] = msg
			}
		}
		files = append(files, f)
	}
	require.Len(t, files, len(badInputCases), "every case has its file")
	return files
}

// TestBadInputCorpus runs each file of testdata/badinput between two good
// stories. With -skip-bad every story gets exactly one answer, in order,
// and every bad line is reported with its line number and reason; without
// it the run stops at the first bad line, after answering the stories
// before it, with exit status 1.
func TestBadInputCorpus(t *testing.T) {
	for _, f := range readCorpus(t) {
		t.Run(f.name, func(t *testing.T) {
			first := storyLine(t, map[string]any{"id": "before", "text": "The ferry service to the island resumed after a week of strikes."})
			last := storyLine(t, map[string]any{"id": "after", "text": "Tourism figures rose for the third year in a row, the ministry said."})
			in := first + strings.Join(f.lines, "\n") + "\n" + last
			// File line n is input line n+1.
			wantIDs := append(append([]string{"before"}, f.goodIDs(t)...), "after")
			var badLines []int
			for n := range f.bad {
				badLines = append(badLines, n+1)
			}
			slices.Sort(badLines)

			code, out, errOut := runCmd(t, in, append([]string{"-skip-bad"}, badInputArgs...)...)
			require.Equal(t, 0, code, errOut)
			assert.Equal(t, wantIDs, ids(decodeLines(t, out)), "every story answered once, in order")
			for _, n := range badLines {
				assert.Contains(t, errOut, fmt.Sprintf("cluster: stdin line %d skipped: ", n))
				assert.Regexp(t, fmt.Sprintf(`cluster: stdin line %d skipped: [^\n]*%s`, n, regexpQuote(f.bad[n-1])), errOut)
			}
			assert.Equal(t, len(badLines), strings.Count(errOut, " skipped: "), "no other line is reported")
			if len(badLines) > 0 {
				assert.Contains(t, errOut, fmt.Sprintf("cluster: %s skipped, %s processed", plural(len(badLines), "bad line", "bad lines"), plural(len(wantIDs), "story", "stories")))
			} else {
				assert.Empty(t, errOut)
			}

			code, out, errOut = runCmd(t, in, badInputArgs...)
			if len(badLines) == 0 {
				require.Equal(t, 0, code, errOut)
				assert.Equal(t, wantIDs, ids(decodeLines(t, out)))
				return
			}
			assert.Equal(t, 1, code)
			stop := badLines[0]
			answered := 0 // the stories before the bad line
			for i, l := range strings.Split(in, "\n")[:stop-1] {
				if strings.TrimSpace(l) != "" && i+1 < stop {
					answered++
				}
			}
			assert.Equal(t, wantIDs[:answered], ids(decodeLines(t, out)), "the stories before the bad line, and no other")
			assert.Regexp(t, fmt.Sprintf(`cluster: stdin line %d: [^\n]*%s`, stop, regexpQuote(f.bad[stop-1])), errOut)
			assert.Contains(t, errOut, fmt.Sprintf("cluster: stopped: %s processed before the bad line", plural(answered, "story", "stories")))
			assert.Equal(t, 2, strings.Count(errOut, "\n"), "the bad line and the stop, nothing after: %s", errOut)
		})
	}
}

// TestBadInputCorpusAtOnce runs the whole corpus as one input with
// -skip-bad: every story of every file is answered once, and every bad line
// is reported at its place in the whole.
func TestBadInputCorpusAtOnce(t *testing.T) {
	var in strings.Builder
	var wantIDs []string
	wantBad := map[int]string{}
	line := 0
	for _, f := range readCorpus(t) {
		for n := range f.bad {
			wantBad[line+n] = f.bad[n]
		}
		for _, l := range f.lines {
			in.WriteString(l + "\n")
		}
		line += len(f.lines)
		wantIDs = append(wantIDs, f.goodIDs(t)...)
	}
	require.Greater(t, len(wantIDs), 15)
	require.Greater(t, len(wantBad), 50)

	code, out, errOut := runCmd(t, in.String(), append([]string{"-skip-bad"}, badInputArgs...)...)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, wantIDs, ids(decodeLines(t, out)))
	for n, msg := range wantBad {
		assert.Regexp(t, fmt.Sprintf(`cluster: stdin line %d skipped: [^\n]*%s`, n, regexpQuote(msg)), errOut)
	}
	assert.Equal(t, len(wantBad), strings.Count(errOut, " skipped: "))
	assert.Contains(t, errOut, fmt.Sprintf("cluster: %d bad lines skipped, %d stories processed", len(wantBad), len(wantIDs)))
}

// ids returns the ids of the verdicts, in order.
func ids(vs []verdictOut) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.ID
	}
	return out
}

// regexpQuote quotes s for a regular expression.
func regexpQuote(s string) string { return regexp.QuoteMeta(s) }
