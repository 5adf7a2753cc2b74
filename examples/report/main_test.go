package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ (and testdata/seeds.jsonl from the seed stories)")

// runCmd runs the command in-process and returns its exit status, standard
// output and standard error.
func runCmd(t testing.TB, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// page runs the command on stdin with args and returns the page it writes
// to standard output.
func renderPage(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	code, out, errOut := runCmd(t, stdin, append([]string{"-o", "-"}, args...)...)
	require.Equal(t, exitOK, code, errOut)
	return out
}

// has checks that page holds s, without printing the page when it does
// not.
func has(t testing.TB, page, s string, msg ...any) {
	t.Helper()
	if !strings.Contains(page, s) {
		t.Errorf("the page lacks %q %s", s, fmt.Sprint(msg...))
	}
}

// hasNot checks that page does not hold s.
func hasNot(t testing.TB, page, s string, msg ...any) {
	t.Helper()
	if i := strings.Index(page, s); i >= 0 {
		t.Errorf("the page holds %q %s: ...%s...", s, fmt.Sprint(msg...), page[max(0, i-80):min(len(page), i+len(s)+80)])
	}
}

// storyLine encodes a story as an input line.
func storyLine(t testing.TB, fields map[string]any) string {
	t.Helper()
	b, err := json.Marshal(fields)
	require.NoError(t, err)
	return string(b) + "\n"
}

// seedLines returns the two seed stories of the repository's testdata/ as
// input lines. The first line of 000_... is " date YYYY-MM-DD headline"
// and its text names AFP; 001_... has neither date nor headline.
func seedLines(t testing.TB) string {
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
	title := strings.SplitN(strings.TrimSpace(head), " ", 3)[2]
	return storyLine(t, map[string]any{"id": "000_4bb1d15e2e08605f", "date": f[1], "title": title, "source": "AFP", "text": text}) +
		storyLine(t, map[string]any{"id": "001_f74bd945f370ec2b", "text": string(b)})
}

// TestSeedsFile checks that testdata/seeds.jsonl, the seed stories as the
// command reads them, is made from the stories in the repository's
// testdata/.
func TestSeedsFile(t *testing.T) {
	want := seedLines(t)
	if *update {
		require.NoError(t, os.WriteFile("testdata/seeds.jsonl", []byte(want), 0o644))
	}
	got, err := os.ReadFile("testdata/seeds.jsonl")
	require.NoError(t, err)
	assert.Equal(t, want, string(got), "run go test ./examples/report -run TestSeedsFile -update")
}

// TestGolden compares the pages for the seed stories and the newsroom
// fixture with the golden files in testdata/.
func TestGolden(t *testing.T) {
	cases := []struct {
		name  string
		input string
	}{
		{"seeds", "testdata/seeds.jsonl"},
		{"stories", "../../testdata/stories.jsonl"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "page.html")
			code, _, errOut := runCmd(t, "", "-o", out, c.input)
			require.Equal(t, exitOK, code, errOut)
			assert.Contains(t, errOut, "report: wrote "+out)
			got, err := os.ReadFile(out)
			require.NoError(t, err)
			golden := filepath.Join("testdata", c.name+".html")
			if *update {
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got), "run go test ./examples/report -run TestGolden -update, and look at the page")
		})
	}
}

// sides returns the texts of the pair blocks of a page: for each story shown
// beside the one it matched, its text and the matched text.
func sides(t testing.TB, page string) [][2]string {
	t.Helper()
	re := regexp.MustCompile(`(?s)<div class="pair">\s*<div class="side">(.*?)</div></div>\s*<div class="side">(.*?)</div></div>`)
	var out [][2]string
	for _, m := range re.FindAllStringSubmatch(page, -1) {
		out = append(out, [2]string{m[1], m[2]})
	}
	return out
}

func TestSeedPairHighlighted(t *testing.T) {
	page := renderPage(t, seedLines(t))
	pairs := sides(t, page)
	require.Len(t, pairs, 1, "one story is shown beside the one it matched")
	quote := `<mark class="quote" title="shared quote">ready to engage in diplomacy</mark>`
	assert.Contains(t, pairs[0][0], quote, "the rewrite")
	assert.Contains(t, pairs[0][1], quote, "the AFP story")
	has(t, page, "Same story as 000_4bb1d15e2e08605f: similarity")
	has(t, page, `<span class="v same_story">same story 0.`)
}

func TestCopyHighlighted(t *testing.T) {
	wire := "Heavy snow closed the Brenner motorway between Austria and Italy on Monday, stranding hundreds of lorries.\nPolice said the road would stay shut until at least Tuesday morning as ploughs struggled to clear drifts two metres deep."
	in := storyLine(t, map[string]any{"id": "wire-1", "date": "2024-03-04T08:00:00Z", "source": "Wire", "text": wire}) +
		storyLine(t, map[string]any{"id": "site-9", "date": "2024-03-04T09:30:00Z", "source": "Site", "title": "Brenner shut by snow", "text": "Traffic news.\n" + wire + "\nFollow us for more traffic news."})
	page := renderPage(t, in)
	pairs := sides(t, page)
	require.Len(t, pairs, 1)
	passage := `<mark title="shared passage">Heavy snow closed the Brenner motorway`
	assert.Contains(t, pairs[0][0], passage)
	assert.Contains(t, pairs[0][1], passage)
	assert.NotContains(t, pairs[0][0], "<mark title=\"shared passage\">Traffic news", "text only one story has is not marked")
	has(t, page, "Copy of wire-1: 100% of its text appears in this story")
	has(t, page, `<span class="v copy">copy 1.00</span>`)
}

// TestEscaping feeds stories whose fields try to break out of the page's
// markup: every one must come out as text.
func TestEscaping(t *testing.T) {
	hostile := `</div></mark><script>alert("x")</script>" onmouseover="alert(1)" '><img src=x onerror=alert(2)>`
	text := "Rescue teams searched the flooded valley through the night " + hostile + " and officials said about two hundred homes were cut off by the water on Sunday.\nThe regional governor called the flood the worst in forty years and asked the army for help."
	for _, mode := range []string{"never", "auto"} {
		t.Run("html "+mode, func(t *testing.T) {
			in := storyLine(t, map[string]any{"id": "a" + hostile, "date": "2024-05-05T06:00:00Z", "source": "S" + hostile, "title": "T" + hostile, "text": text}) +
				storyLine(t, map[string]any{"id": "b" + hostile, "date": "2024-05-05T07:00:00Z", "source": "R" + hostile, "title": "U" + hostile, "text": text + "\nMore later."})
			page := renderPage(t, in, "-html", mode)
			require.Len(t, sides(t, page), 1, "the copy is shown beside its source")
			assert.Equal(t, 1, strings.Count(page, "<script"), "only the page's own script")
			assert.Equal(t, 1, strings.Count(page, "</script>"))
			for _, bad := range []string{"<img", `alert("x")`} {
				hasNot(t, page, bad)
			}
			escaped := "&lt;/div&gt;&lt;/mark&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&#34; onmouseover=&#34;alert(1)&#34; &#39;&gt;&lt;img src=x onerror=alert(2)&gt;"
			has(t, page, "<code class=\"id\">a"+escaped+"</code>", "the id, as text")
			has(t, page, "<span class=\"src\">S"+escaped+"</span>", "the source, as text")
			if mode == "never" {
				has(t, page, "<span class=\"title\">T"+escaped+"</span>", "the title, as text")
				has(t, page, "the night "+escaped+" and officials", "the text, as text")
			} else {
				// As HTML, tags are dropped and the rest shown as text.
				has(t, page, "<span class=\"title\">T &#34; onmouseover=&#34;alert(1)&#34; &#39;&gt;</span>")
			}
			// Every element and attribute is one the template writes: text
			// escapes '<', and attribute values '"' and '>', so each '<' opens
			// a tag of the template.
			elements := map[string]bool{}
			for _, tag := range strings.Fields("html head meta title style body header h1 p code nav a main section h2 dl div dt dd span small table caption thead tr th tbody td svg defs clipPath g line text rect circle polygon form label input select option output h3 ol li mark details summary time ul q script strong") {
				elements[tag] = true
			}
			attrs := map[string]bool{}
			for _, a := range strings.Fields("lang charset http-equiv content name href class id datetime title data-filter data-kinds data-sources scope viewBox width height role aria-label x1 x2 y1 y2 x y dx dy r cx cy points transform clip-path hidden type placeholder value open") {
				attrs[a] = true
			}
			tagRe := regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>`)
			attrRe := regexp.MustCompile(`\s([^\s="]+)(="[^"]*")?`)
			for _, m := range tagRe.FindAllStringSubmatch(page, -1) {
				require.True(t, elements[m[2]], "element <%s>", m[2])
				rest := attrRe.ReplaceAllStringFunc(m[3], func(a string) string {
					name := attrRe.FindStringSubmatch(a)[1]
					assert.True(t, attrs[name], "attribute %s in <%s>", name, m[2])
					return ""
				})
				assert.Empty(t, strings.TrimSpace(strings.TrimSuffix(rest, "/")), "unparsed in <%s%s>", m[2], m[3])
			}
		})
	}
}

func TestHTMLTextShownAsText(t *testing.T) {
	body := "<p>Rescue teams searched the flooded valley through the night &amp; officials said about two hundred homes were cut off.</p>\n<script>var x = 1;</script><p>The regional governor called the flood the worst in forty years.</p>"
	in := storyLine(t, map[string]any{"id": "a", "date": "2024-05-05T06:00:00Z", "text": body}) +
		storyLine(t, map[string]any{"id": "b", "date": "2024-05-05T07:00:00Z", "text": body + "<p>More later.</p>"})
	page := renderPage(t, in)
	pairs := sides(t, page)
	require.Len(t, pairs, 1)
	for _, side := range pairs[0] {
		assert.Contains(t, side, "the night &amp; officials said", "the entity decoded (and escaped again)")
		assert.NotContains(t, side, "&lt;p&gt;", "tags are not shown")
		assert.NotContains(t, side, "var x", "nor scripts")
		assert.Contains(t, side, "<mark")
	}
}

func TestBadInput(t *testing.T) {
	good := storyLine(t, map[string]any{"id": "a", "text": "Some words of a story about the harbour."})
	cases := []struct {
		name, in string
		args     []string
		msg      string
	}{
		{"bad JSON", good + "{\"id\":\n", nil, "stdin line 2: bad JSON"},
		{"no text", good + `{"id":"b"}` + "\n", nil, `stdin line 2: story "b": no text`},
		{"bad date", good + `{"id":"b","text":"words","date":"25/12/2021"}` + "\n", nil, `bad date "25/12/2021"`},
		{"duplicate id", good + good, nil, "stdin line 2: dedup: duplicate story id"},
		{"no words", good + `{"id":"b","text":"!!! ???"}` + "\n", nil, "stdin line 2: dedup: story has no text"},
		{"line too long", good + storyLine(t, map[string]any{"id": "b", "text": strings.Repeat("word ", 100)}), []string{"-max-line", "300"}, "stdin line 2: line too long"},
	}
	for _, c := range cases {
		for _, mode := range [][]string{nil, {"-batch"}} {
			t.Run(strings.Join(append([]string{c.name}, mode...), " "), func(t *testing.T) {
				args := slices.Concat(mode, c.args)
				out := filepath.Join(t.TempDir(), "page.html")
				code, _, errOut := runCmd(t, c.in, append([]string{"-o", out}, args...)...)
				assert.Equal(t, exitFail, code)
				assert.Contains(t, errOut, c.msg)
				assert.Contains(t, errOut, "no page written")
				_, err := os.Stat(out)
				assert.ErrorIs(t, err, os.ErrNotExist)

				code, _, errOut = runCmd(t, c.in, append([]string{"-o", out, "-skip-bad"}, args...)...)
				assert.Equal(t, exitOK, code, errOut)
				assert.Contains(t, errOut, "line 2 skipped")
				assert.Contains(t, errOut, "1 bad line skipped")
				page, err := os.ReadFile(out)
				require.NoError(t, err)
				assert.Contains(t, string(page), "(1 bad input lines skipped)")
				assert.Contains(t, string(page), "<dt>Stories</dt><dd>1 ")
			})
		}
	}
}

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.jsonl")
	require.NoError(t, os.WriteFile(a, []byte(seedLines(t)), 0o644))
	code, _, errOut := runCmd(t, "", "-o", filepath.Join(dir, "no-such-dir", "page.html"), a)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errOut, "writing the page")

	code, _, errOut = runCmd(t, "", "-o", filepath.Join(dir, "page.html"), a, filepath.Join(dir, "missing.jsonl"))
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errOut, "missing.jsonl: no such file")

	// Files and standard input ("-"), in order.
	more := storyLine(t, map[string]any{"id": "c", "text": "The harbour authority reopened the port after the storm passed."})
	code, out, errOut := runCmd(t, more, "-o", "-", a, "-")
	require.Equal(t, exitOK, code, errOut)
	has(t, out, "<code>"+a+"</code>, <code>-</code>")
	has(t, out, "<dt>Stories</dt><dd>3</dd>")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")
}

func TestFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		msg  string
	}{
		{"no -o", nil, "-o is required"},
		{"bad order", []string{"-o", "-", "-order", "oldest"}, `-order must be size or recent, got "oldest"`},
		{"no clusters", []string{"-o", "-", "-max-clusters", "0"}, "-max-clusters must be at least 1"},
		{"zero threshold", []string{"-o", "-", "-same-story", "0"}, "-same-story must be above 0"},
		{"bad html", []string{"-o", "-", "-html", "sometimes"}, "want auto, never or always"},
		{"bad window", []string{"-o", "-", "-window", "soon"}, "want a positive duration"},
		{"threshold above 1", []string{"-o", "-", "-copy-jaccard", "2"}, "CopyJaccard 2 outside (0, 1]"},
		{"unknown language", []string{"-o", "-", "-lang", "klingon"}, "unknown language"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, "", c.args...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, c.msg)
		})
	}
	code, _, errOut := runCmd(t, "", "-h")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, errOut, "Usage: report -o FILE")
	assert.Contains(t, errOut, "-same-story")
	assert.Contains(t, errOut, "-batch holds the whole input in memory")
	assert.Contains(t, errOut, "\n  -batch\n")
}

// distinctStories are texts of unrelated news, one per cluster.
var distinctStories = []string{
	"The city council of Bergen voted on Tuesday to close the old river bridge to lorries after inspectors found cracks in its main span.\nRepairs will take three weeks and cost about ten million crowns, the council said.",
	"Shares in the shipping group Maersk fell sharply on Wednesday after the company cut its profit forecast, blaming weak freight rates in Asia.\nAnalysts said the warning came earlier than expected.",
	"A heatwave pushed temperatures above forty degrees in southern Spain on Thursday, and firefighters battled a forest blaze near Seville overnight.\nThe weather service expects relief by Sunday.",
	"The national football team named a new coach on Friday, a former midfielder who led the under-21 side to a European title last summer.\nHis first match is a friendly against Wales in June.",
	"Astronomers reported a comet visible to the naked eye from the southern hemisphere this month, the brightest in more than a decade.\nIt will be best seen just after dusk.",
}

// manyClusters returns input lines for n clusters of two stories (a story
// and a copy of it, n at most len(distinctStories)), three days apart, and
// a single story.
func manyClusters(t testing.TB, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		text := distinctStories[i]
		day := fmt.Sprintf("2024-01-%02dT08:00:00Z", 1+3*i)
		b.WriteString(storyLine(t, map[string]any{"id": fmt.Sprintf("w%d", i), "date": day, "title": strings.SplitN(text, ",", 2)[0], "text": text}))
		b.WriteString(storyLine(t, map[string]any{"id": fmt.Sprintf("c%d", i), "date": day, "text": text + "\nMore news at eleven."}))
	}
	b.WriteString(storyLine(t, map[string]any{"id": "alone", "date": "2024-01-02T08:00:00Z", "text": "Fishermen in the north reported the largest cod catch in a decade this winter."}))
	return b.String()
}

func TestMaxClustersAndOrder(t *testing.T) {
	in := manyClusters(t, 4)
	page := renderPage(t, in, "-max-clusters", "2")
	assert.Equal(t, 2, strings.Count(page, `<section class="cluster"`))
	has(t, page, "2 more clusters are not shown</strong> (-max-clusters 2)")
	has(t, page, "<dt>Clusters</dt><dd>5: 4 of two or more stories (holding 8 stories), 1 of one story</dd>")
	// All clusters have two stories: the most recent come first.
	assert.Less(t, strings.Index(page, `id="c6"`), strings.Index(page, `id="c4"`))
	hasNot(t, page, `id="c0"`)

	page = renderPage(t, in, "-order", "recent")
	assert.Equal(t, 4, strings.Count(page, `<section class="cluster"`))
	var order []int
	for _, m := range regexp.MustCompile(`<section class="cluster" id="c(\d+)"`).FindAllStringSubmatch(page, -1) {
		var k int
		fmt.Sscan(m[1], &k)
		order = append(order, k)
	}
	assert.Equal(t, []int{6, 4, 2, 0}, order, "latest first")
}

func TestSinglesSummarised(t *testing.T) {
	var b strings.Builder
	for i := range 60 {
		b.WriteString(storyLine(t, map[string]any{"id": fmt.Sprintf("s%d", i), "date": fmt.Sprintf("2024-02-01T%02d:%02d:00Z", i/60, i%60),
			"text": fmt.Sprintf("Story number %d is about subject %d and nothing else at all, %s.", i, i*7919, strings.Repeat(fmt.Sprintf("w%dx ", i), 5))}))
	}
	page := renderPage(t, b.String(), "-max-clusters", "50")
	has(t, page, "Stories that matched no other: 60; the 50 latest are listed, 10 more are not (-max-clusters 50).")
	assert.Equal(t, 50, strings.Count(page, `data-kinds="single new"`))
	hasNot(t, page, "is about subject", "single stories are listed without their text")
	has(t, page, "No cluster of two or more stories to draw.")
}

// TestFilterData checks what the filter box reads: the sources and verdicts
// of each cluster and single story, as plain text.
func TestFilterData(t *testing.T) {
	in, err := os.ReadFile("../../testdata/stories.jsonl")
	require.NoError(t, err)
	page := renderPage(t, string(in))
	has(t, page, `<section class="cluster" id="c1" data-filter data-kinds="multi new same_story" data-sources="Asia Wire`+"\n"+`Jakarta Evening Post">`)
	has(t, page, `<tr id="s3" data-filter data-kinds="single new" data-sources="Daily Sabah">`)
	has(t, page, `<select name="src"><option value="">any</option><option>Asia Wire</option><option>Daily Courier</option><option>Daily Sabah</option>`)
}
