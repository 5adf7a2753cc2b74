package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runCmd runs the command in-process and returns its exit status, standard
// output and standard error.
func runCmd(t testing.TB, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// decodeLines decodes the output, one verdict a line.
func decodeLines(t testing.TB, out string) []verdictOut {
	t.Helper()
	var vs []verdictOut
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" && out == "" {
			break
		}
		var v verdictOut
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		require.NoError(t, dec.Decode(&v), "output line %d: %s", i+1, line)
		vs = append(vs, v)
	}
	return vs
}

// verdictOut is an output line as a consumer decodes it.
type verdictOut struct {
	ID      string     `json:"id"`
	Cluster string     `json:"cluster"`
	Kind    string     `json:"kind"`
	Score   float64    `json:"score"`
	Matches []matchOut `json:"matches"`
	Late    bool       `json:"late"`
}

type matchOut struct {
	ID          string       `json:"id"`
	Kind        string       `json:"kind"`
	Score       float64      `json:"score"`
	Jaccard     *float64     `json:"jaccard"`
	Containment *float64     `json:"containment"`
	Similarity  *float64     `json:"similarity"`
	Passages    []passageOut `json:"passages"`
}

type passageOut struct {
	Start      int    `json:"start"`
	End        int    `json:"end"`
	MatchStart int    `json:"match_start"`
	MatchEnd   int    `json:"match_end"`
	Text       string `json:"text"`
	Quote      bool   `json:"quote"`
}

// storyLine encodes a story as an input line.
func storyLine(t testing.TB, fields map[string]any) string {
	t.Helper()
	b, err := json.Marshal(fields)
	require.NoError(t, err)
	return string(b) + "\n"
}

// seedStories returns the two seed stories of testdata as input lines, with
// their texts by id. The first line of 000 is " date YYYY-MM-DD headline".
func seedStories(t testing.TB) (string, map[string]string) {
	t.Helper()
	a, err := os.ReadFile("../../testdata/000_4bb1d15e2e08605f.txt")
	require.NoError(t, err)
	b, err := os.ReadFile("../../testdata/001_f74bd945f370ec2b.txt")
	require.NoError(t, err)
	head, text, ok := strings.Cut(string(a), "\n")
	require.True(t, ok)
	f := strings.Fields(head)
	require.GreaterOrEqual(t, len(f), 3)
	require.Equal(t, "date", f[0])
	title := strings.TrimSpace(strings.SplitN(strings.TrimSpace(head), " ", 3)[2])
	in := storyLine(t, map[string]any{"id": "000", "date": f[1], "title": title, "source": "AFP", "text": text}) +
		storyLine(t, map[string]any{"id": "001", "text": string(b)})
	return in, map[string]string{"000": text, "001": string(b)}
}

func TestSeedPairIsSameStory(t *testing.T) {
	in, texts := seedStories(t)
	code, out, errOut := runCmd(t, in, "-passages")
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, errOut)
	vs := decodeLines(t, out)
	require.Len(t, vs, 2)

	assert.Equal(t, "000", vs[0].ID)
	assert.Equal(t, "new", vs[0].Kind)
	assert.Equal(t, "000", vs[0].Cluster)
	assert.NotNil(t, vs[0].Matches, "a new story has an empty match list, not null")
	assert.Empty(t, vs[0].Matches)

	v := vs[1]
	assert.Equal(t, "001", v.ID)
	assert.Equal(t, "same_story", v.Kind)
	assert.Equal(t, "000", v.Cluster)
	require.NotEmpty(t, v.Matches)
	m := v.Matches[0]
	assert.Equal(t, "000", m.ID)
	assert.Equal(t, "same_story", m.Kind)
	assert.Greater(t, m.Score, 0.33)
	require.NotNil(t, m.Similarity)
	assert.Equal(t, m.Score, *m.Similarity)
	require.NotEmpty(t, m.Passages)
	quotes := 0
	for _, p := range m.Passages {
		assert.Equal(t, p.Text, texts["001"][p.Start:p.End], "offsets into the story's text")
		matched := texts["000"][p.MatchStart:p.MatchEnd]
		assert.Equal(t, strings.ToLower(p.Text), strings.ToLower(matched), "offsets into the matched text")
		if p.Quote {
			quotes++
		}
	}
	assert.Positive(t, quotes, "the seed pair shares quotations")
}

func TestCopyFromFiles(t *testing.T) {
	in, _ := seedStories(t)
	seeds := filepath.Join(t.TempDir(), "seeds.jsonl")
	require.NoError(t, os.WriteFile(seeds, []byte(in), 0o644))
	code, out, errOut := runCmd(t, "", seeds, "../../testdata/stories.jsonl")
	require.Equal(t, 0, code, errOut)
	vs := decodeLines(t, out)

	wantIDs := []string{"000", "001"}
	f, err := os.Open("../../testdata/stories.jsonl")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r struct{ ID string }
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r))
		wantIDs = append(wantIDs, r.ID)
	}
	require.NoError(t, sc.Err())
	gotIDs := make([]string, len(vs))
	for i, v := range vs {
		gotIDs[i] = v.ID
	}
	require.Equal(t, wantIDs, gotIDs, "one line per story, in input order")

	for _, v := range vs {
		if v.ID != "russia-talks-copy-1" {
			continue
		}
		assert.Equal(t, "copy", v.Kind)
		assert.Equal(t, "000", v.Cluster)
		require.NotEmpty(t, v.Matches)
		assert.Equal(t, "000", v.Matches[0].ID)
		assert.Equal(t, "copy", v.Matches[0].Kind)
		assert.GreaterOrEqual(t, v.Matches[0].Score, 0.7)
		assert.Nil(t, v.Matches[0].Passages, "no passages without -passages")
		assert.Nil(t, v.Matches[0].Jaccard, "no evidence scores without -passages")
		return
	}
	t.Fatal("russia-talks-copy-1 not in the output")
}

func TestFileArguments(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.jsonl")
	b := filepath.Join(dir, "b.jsonl")
	require.NoError(t, os.WriteFile(a, []byte(`{"id":"a1","text":"Alpha story one about markets."}`+"\n"), 0o644))
	require.NoError(t, os.WriteFile(b, []byte(`{"id":"b1","text":"Beta story about weather."}`), 0o644)) // no final newline

	t.Run("in order with stdin as -", func(t *testing.T) {
		code, out, errOut := runCmd(t, `{"id":"s1","text":"Story from standard input."}`+"\n", b, "-", a)
		require.Equal(t, 0, code, errOut)
		var ids []string
		for _, v := range decodeLines(t, out) {
			ids = append(ids, v.ID)
		}
		assert.Equal(t, []string{"b1", "s1", "a1"}, ids)
	})
	t.Run("line numbers name the file", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.jsonl")
		require.NoError(t, os.WriteFile(bad, []byte("{\"id\":\"x1\",\"text\":\"fine text here\"}\n{oops\n"), 0o644))
		code, out, errOut := runCmd(t, "", a, bad)
		assert.Equal(t, 1, code)
		assert.Len(t, decodeLines(t, out), 2)
		assert.Contains(t, errOut, bad+" line 2: bad JSON")
		assert.Contains(t, errOut, "2 stories processed")
	})
	t.Run("missing file", func(t *testing.T) {
		missing := filepath.Join(dir, "nope.jsonl")
		code, out, errOut := runCmd(t, "", a, missing)
		assert.Equal(t, 1, code)
		assert.Len(t, decodeLines(t, out), 1, "stories before the missing file are answered")
		assert.Contains(t, errOut, missing)
		assert.Contains(t, errOut, "no such file")
		assert.Contains(t, errOut, "1 story processed")
	})
}

func TestOneLinePerStory(t *testing.T) {
	var in strings.Builder
	const n = 60
	for i := range n {
		// Every third story is a copy of the one before it; the rest are
		// distinct.
		text := fmt.Sprintf("Report number %d: the council of town %d voted on a budget of %d million for roads, schools and the harbour.", i/3*3, i/3*3, 10+i/3*3)
		if i%3 == 2 {
			text = strings.Repeat("Unrelated words "+fmt.Sprint(i)+" about gardening, cooking and weather. ", 2)
		}
		in.WriteString(storyLine(t, map[string]any{"id": fmt.Sprintf("s%02d", i), "text": text}))
		if i%10 == 0 {
			in.WriteString("\n   \n") // blank lines are not stories
		}
	}
	code, out, errOut := runCmd(t, in.String())
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, errOut)
	vs := decodeLines(t, out)
	require.Len(t, vs, n)
	for i, v := range vs {
		assert.Equal(t, fmt.Sprintf("s%02d", i), v.ID)
		assert.Contains(t, []string{"new", "copy", "same_story"}, v.Kind)
		assert.NotEmpty(t, v.Cluster)
		assert.NotNil(t, v.Matches)
		if v.Kind == "new" {
			assert.Equal(t, v.ID, v.Cluster)
			assert.Zero(t, v.Score)
		} else {
			assert.NotEmpty(t, v.Matches)
		}
		// Scores have at most 4 decimals.
		assert.InDelta(t, v.Score, float64(int(v.Score*1e4+0.5))/1e4, 1e-12)
	}
	assert.Equal(t, "copy", vs[1].Kind, "s01 repeats s00's text")
	assert.Equal(t, "s00", vs[1].Cluster)
}

func TestBadInputStops(t *testing.T) {
	good := `{"id":"ok","text":"The harbour authority reopened the port on Monday after the storm."}` + "\n"
	cases := []struct {
		name string
		line string
		args []string
		want string // in the message naming line 2
	}{
		{"bad JSON", `{"id":"x","text":"unterminated}`, nil, "bad JSON"},
		{"not an object", `["x","y"]`, nil, "want an object, got an array"},
		{"trailing garbage", `{"id":"x","text":"a b c"} extra`, nil, "bad JSON"},
		{"id not a string", `{"id":12,"text":"a b c"}`, nil, `field "id" is a number, want a string`},
		{"missing id", `{"text":"words here"}`, nil, `no id: the "id" field is missing or empty`},
		{"missing text", `{"id":"x"}`, nil, `story "x": no text`},
		{"empty text", `{"id":"x","text":""}`, nil, `story "x": no text`},
		{"text without words", `{"id":"x","text":" ... !!! "}`, nil, "story has no text"},
		{"duplicate id", `{"id":"ok","text":"Another text entirely about farming."}`, nil, "duplicate story id"},
		{"bad date", `{"id":"x","text":"a b c","date":"25/12/2021"}`, nil, `bad date "25/12/2021"`},
		{"date in the future", `{"id":"x","text":"a b c","date":"2999-01-01"}`, nil, "bad publication time"},
		{"text too large", `{"id":"x","text":"` + strings.Repeat("word ", 100) + `"}`, []string{"-max-text", "200"}, "text too large"},
		{"line too long", `{"id":"x","text":"` + strings.Repeat("word ", 100) + `"}`, []string{"-max-line", "300"}, "more than the limit of 300"},
		{"unknown language", `{"id":"x","text":"a b c","lang":"klingon"}`, nil, "unknown language"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := good + c.line + "\n" + `{"id":"never-read","text":"Never read."}` + "\n"
			code, out, errOut := runCmd(t, in, c.args...)
			assert.Equal(t, 1, code)
			vs := decodeLines(t, out)
			require.Len(t, vs, 1, "only the story before the bad line is answered")
			assert.Equal(t, "ok", vs[0].ID)
			assert.Contains(t, errOut, "stdin line 2: ")
			assert.Contains(t, errOut, c.want)
			assert.Contains(t, errOut, "stopped: 1 story processed")
			assert.NotContains(t, errOut, "never-read")
		})
	}
}

func TestSkipBad(t *testing.T) {
	lines := []string{
		`{"id":"a","text":"The harbour authority reopened the port on Monday after the storm."}`,
		`{"id":"b"`,
		``,
		`{"id":"c","text":"Farmers protested in the capital against the new fuel tax.","date":"soon"}`,
		`{"id":"a","text":"A duplicate id."}`,
		`{"id":"d","text":"` + strings.Repeat("long ", 200) + `"}`,
		`{"id":"e","text":"The central bank left interest rates unchanged on Thursday.","date":"2021-12-23"}`,
	}
	code, out, errOut := runCmd(t, strings.Join(lines, "\n")+"\n", "-skip-bad", "-max-line", "500")
	require.Equal(t, 0, code, errOut)
	var ids []string
	for _, v := range decodeLines(t, out) {
		ids = append(ids, v.ID)
	}
	assert.Equal(t, []string{"a", "e"}, ids)
	for _, n := range []int{2, 4, 5, 6} {
		assert.Contains(t, errOut, fmt.Sprintf("stdin line %d skipped: ", n))
	}
	assert.NotContains(t, errOut, "line 3 ", "an empty line is not bad input")
	assert.Contains(t, errOut, "4 bad lines skipped, 2 stories processed")
}

func TestLineEndingsAndBOM(t *testing.T) {
	in := "\uFEFF" + `{"id":"a","text":"Windows line endings are fine."}` + "\r\n\r\n" +
		`{"id":"b","text":"So is a last line without one."}`
	code, out, errOut := runCmd(t, in)
	require.Equal(t, 0, code, errOut)
	vs := decodeLines(t, out)
	require.Len(t, vs, 2)
	assert.Equal(t, "a", vs[0].ID)
	assert.Equal(t, "b", vs[1].ID)
}

func TestLongLines(t *testing.T) {
	// bufio.Scanner stops at 64 KiB; lines far longer must be read.
	words := strings.Repeat("the harbour of the city reopened after storms battered the coast ", 3000) // ~200 KB
	big := storyLine(t, map[string]any{"id": "big", "text": words})
	require.Greater(t, len(big), 150_000)

	t.Run("within the limits", func(t *testing.T) {
		code, out, errOut := runCmd(t, big+`{"id":"next","text":"Next story about elections."}`+"\n")
		require.Equal(t, 0, code, errOut)
		assert.Len(t, decodeLines(t, out), 2)
	})
	t.Run("text over -max-text", func(t *testing.T) {
		code, out, errOut := runCmd(t, big, "-max-text", "100000")
		assert.Equal(t, 1, code)
		assert.Empty(t, out)
		assert.Contains(t, errOut, "stdin line 1: ")
		assert.Contains(t, errOut, "text too large")
	})
	t.Run("line over -max-line, then reading goes on", func(t *testing.T) {
		code, out, errOut := runCmd(t, big+big+`{"id":"next","text":"Next story about elections."}`+"\n", "-max-line", "70000", "-skip-bad")
		require.Equal(t, 0, code, errOut)
		vs := decodeLines(t, out)
		require.Len(t, vs, 1)
		assert.Equal(t, "next", vs[0].ID)
		assert.Contains(t, errOut, fmt.Sprintf("stdin line 1 skipped: line too long: the line is %d bytes", len(big)-1))
		assert.Contains(t, errOut, "stdin line 2 skipped: line too long")
	})
}

func TestFlags(t *testing.T) {
	t.Run("help", func(t *testing.T) {
		code, out, errOut := runCmd(t, "", "-h")
		assert.Equal(t, 0, code)
		assert.Empty(t, out)
		for _, s := range []string{"Usage: cluster", "-same-story", "(default 0.33)", "-window", "(default 72h0m0s)", "-skip-bad", "-passages"} {
			assert.Contains(t, errOut, s)
		}
	})
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"-bogus"}, "flag provided but not defined"},
		{"zero threshold", []string{"-same-story", "0"}, "-same-story must be above 0"},
		{"threshold above 1", []string{"-copy-jaccard", "1.5"}, "CopyJaccard"},
		{"bad window", []string{"-window", "soon"}, "want a positive duration"},
		{"bad html mode", []string{"-html", "maybe"}, "want auto, never or always"},
		{"unknown language", []string{"-lang", "klingon"}, "unknown language"},
		{"negative line limit", []string{"-max-line", "-1"}, "-max-line must not be negative"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, `{"id":"a","text":"b c d"}`, c.args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, c.want)
		})
	}
	t.Run("window off keeps old stories", func(t *testing.T) {
		text := "The harbour authority reopened the port of Valletta on Monday after the storm damaged two piers. " +
			"Ferries to Gozo resumed in the afternoon, and the transport minister promised repairs within a month. " +
			"Fishermen said the breakwater had been neglected for years."
		in := storyLine(t, map[string]any{"id": "a", "text": text, "date": "2021-01-01"}) +
			storyLine(t, map[string]any{"id": "z", "text": "Unrelated story about a chess tournament in Oslo.", "date": "2021-06-01"}) +
			storyLine(t, map[string]any{"id": "b", "text": text, "date": "2021-06-02"})
		_, out, _ := runCmd(t, in, "-window", "off")
		vs := decodeLines(t, out)
		require.Len(t, vs, 3)
		assert.Equal(t, "copy", vs[2].Kind)
		_, out, _ = runCmd(t, in, "-window", "72h")
		vs = decodeLines(t, out)
		require.Len(t, vs, 3)
		assert.Equal(t, "new", vs[2].Kind, "the first story left the window")
	})
}

// TestLanguages checks the language rule: a Snowball name or ISO 639-1
// code, a region or script subtag ignored; a language without a stemmer is
// rejected, by -lang (exit status 2) or in a story (a bad line), with a
// message listing the supported languages.
func TestLanguages(t *testing.T) {
	supported := "supported: english (en), spanish (es), french (fr), russian (ru), swedish (sv), norwegian (nb, no), hungarian (hu)"
	t.Run("tagged languages are accepted", func(t *testing.T) {
		text := "The harbour authority reopened the port of Valletta on Monday after the storm damaged two piers. " +
			"Ferries to Gozo resumed in the afternoon, and the transport minister promised repairs within a month."
		var in strings.Builder
		for i, lang := range []string{"en", "en-US", "EN-gb", "en_AU", "english"} {
			in.WriteString(storyLine(t, map[string]any{"id": fmt.Sprint("s", i), "text": text, "lang": lang}))
		}
		in.WriteString(storyLine(t, map[string]any{"id": "fr", "text": "Le port de La Valette a rouvert lundi après la tempête.", "lang": "fr-CA"}))
		in.WriteString(storyLine(t, map[string]any{"id": "nb", "text": "Havnen i Valletta åpnet igjen mandag etter stormen.", "lang": "nb-NO"}))
		code, out, errOut := runCmd(t, in.String(), "-lang", "en-US")
		require.Equal(t, 0, code, errOut)
		vs := decodeLines(t, out)
		require.Len(t, vs, 7)
		for _, v := range vs[1:5] {
			assert.Equal(t, "copy", v.Kind, "%s: en and its tagged forms are one language", v.ID)
			assert.Equal(t, "s0", v.Cluster)
		}
	})
	t.Run("-lang without a stemmer", func(t *testing.T) {
		for _, lang := range []string{"de", "german", "pt-BR"} {
			code, out, errOut := runCmd(t, `{"id":"a","text":"b c d"}`, "-lang", lang)
			assert.Equal(t, 2, code, lang)
			assert.Empty(t, out)
			assert.Contains(t, errOut, fmt.Sprintf("language %q", lang))
			assert.Contains(t, errOut, supported)
		}
	})
	t.Run("story without a stemmer", func(t *testing.T) {
		in := storyLine(t, map[string]any{"id": "ok", "text": "The harbour reopened on Monday after the storm."}) +
			storyLine(t, map[string]any{"id": "de", "text": "Der Hafen wurde am Montag nach dem Sturm wieder geöffnet.", "lang": "de-DE"}) +
			storyLine(t, map[string]any{"id": "pt", "text": "O porto reabriu na segunda-feira depois da tempestade.", "lang": "pt-BR"}) +
			storyLine(t, map[string]any{"id": "es", "text": "El puerto reabrió el lunes después de la tormenta.", "lang": "es-419"})
		code, out, errOut := runCmd(t, in, "-skip-bad")
		require.Equal(t, 0, code, errOut)
		var ids []string
		for _, v := range decodeLines(t, out) {
			ids = append(ids, v.ID)
		}
		assert.Equal(t, []string{"ok", "es"}, ids)
		assert.Contains(t, errOut, `stdin line 2 skipped: dedup: unknown language: story "de": shingle: language "de-DE"`)
		assert.Contains(t, errOut, `stdin line 3 skipped: dedup: unknown language: story "pt": shingle: language "pt-BR"`)
		assert.Equal(t, 2, strings.Count(errOut, supported))
	})
	t.Run("help lists the supported languages", func(t *testing.T) {
		_, _, errOut := runCmd(t, "", "-h")
		assert.Contains(t, errOut, "english (en), spanish (es), french (fr), russian (ru), swedish (sv), norwegian (nb, no), hungarian (hu)")
		assert.NotContains(t, errOut, "(en, fr, de, ...)", "German is not offered as an example")
	})
}

// TestAnswersWithoutWaiting feeds stories one at a time through pipes and
// reads each answer before writing the next story, as a pipeline driving the
// command interactively would.
func TestAnswersWithoutWaiting(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := run(nil, inR, outW, io.Discard)
		outW.Close()
		done <- code
	}()
	answers := bufio.NewReader(outR)
	for i := range 3 {
		_, err := fmt.Fprintf(inW, `{"id":"s%d","text":"Story number %d about topic %d."}`+"\n", i, i, i)
		require.NoError(t, err)
		line := make(chan string, 1)
		go func() {
			l, _ := answers.ReadString('\n')
			line <- l
		}()
		select {
		case l := <-line:
			assert.Contains(t, l, fmt.Sprintf(`"id":"s%d"`, i))
		case <-time.After(10 * time.Second):
			t.Fatalf("no answer to story %d while the input stays open", i)
		}
	}
	require.NoError(t, inW.Close())
	assert.Equal(t, 0, <-done)
}

func TestProgress(t *testing.T) {
	t.Run("-progress writes a summary", func(t *testing.T) {
		in, _ := seedStories(t)
		code, _, errOut := runCmd(t, in, "-progress")
		require.Equal(t, 0, code)
		assert.Regexp(t, `cluster: 2 stories, \d+ stories/s, 1 clusters\n$`, errOut)
	})
	t.Run("off when not a terminal", func(t *testing.T) {
		in, _ := seedStories(t)
		_, _, errOut := runCmd(t, in)
		assert.Empty(t, errOut)
	})
	t.Run("at most once a second", func(t *testing.T) {
		var buf bytes.Buffer
		now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		p := newProgress(&buf, true, func() time.Time { return now })
		for i := 1; i <= 2500; i++ {
			now = now.Add(time.Millisecond) // 1000 stories a second
			p.update(i, i/2, 0)
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		require.Len(t, lines, 2)
		assert.Equal(t, "cluster: 1000 stories, 1000 stories/s, 500 clusters", lines[0])
		assert.Equal(t, "cluster: 2000 stories, 1000 stories/s, 1000 clusters", lines[1])
	})
}

// TestBatchedEqualsOneByOne checks that stories gathered from a full read
// buffer and added together get the answers they get one at a time.
func TestBatchedEqualsOneByOne(t *testing.T) {
	seeds, _ := seedStories(t)
	stories, err := os.ReadFile("../../testdata/stories.jsonl")
	require.NoError(t, err)
	in := seeds + string(stories) + `{"id":"000","text":"A duplicate id in the middle."}` + "\n" + seeds[strings.Index(seeds, "\n")+1:]
	// The last line repeats the text of 001 under its id; the first 001 is
	// renamed so that the id is new.
	in = strings.Replace(in, `"id":"001"`, `"id":"001-first"`, 1)

	var batched, single bytes.Buffer
	var errB, errS bytes.Buffer
	codeB := run([]string{"-skip-bad", "-passages"}, strings.NewReader(in), &batched, &errB)
	codeS := run([]string{"-skip-bad", "-passages"}, iotest.OneByteReader(strings.NewReader(in)), &single, &errS)
	require.Equal(t, 0, codeB, errB.String())
	require.Equal(t, 0, codeS, errS.String())
	assert.Equal(t, single.String(), batched.String())
	assert.Equal(t, errS.String(), errB.String())
	assert.Contains(t, errB.String(), "duplicate story id")
	assert.Len(t, decodeLines(t, batched.String()), 10)
}
