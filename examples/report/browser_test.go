package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The browser tests render pages in a real headless Chromium. They run when
// envBrowser names the browser's binary or one is found on the PATH, and
// skip otherwise, unless envBrowserRequired is set (as CI sets it): then
// they fail.
const (
	envBrowser         = "NEWSDUP_BROWSER"
	envBrowserRequired = "NEWSDUP_BROWSER_REQUIRED"
)

// browser returns the headless browser to use, or skips the test. The
// browser tests check the page, not the Go code, so they do not run again
// with -short (CI's run under the race detector).
func browser(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: not with -short")
	}
	if p := os.Getenv(envBrowser); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(envBrowserRequired) != "" {
		t.Fatalf("browser test: %s is set, so a browser must be installed (Debian: apt-get install chromium) or named by %s", envBrowserRequired, envBrowser)
	}
	t.Skipf("browser test: no Chromium found; install it (Debian: apt-get install chromium) or set %s to its binary", envBrowser)
	return ""
}

// headless runs the browser on the page file with extra flags and returns
// its standard output.
func headless(t *testing.T, bin, file string, flags ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// A fresh profile, and none of the background traffic a closed network
	// refuses.
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-extensions", "--hide-scrollbars", "--user-data-dir=" + t.TempDir(),
	}, flags...)
	args = append(args, "file://"+file)
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "%s %s\n%s", bin, strings.Join(args, " "), stderr.String())
	return stdout.Bytes()
}

// writeSeedPage writes the page of the seed stories and returns its path.
func writeSeedPage(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "seeds.html")
	code, _, errOut := runCmd(t, "", "-o", out, "testdata/seeds.jsonl")
	require.Equal(t, exitOK, code, errOut)
	abs, err := filepath.Abs(out)
	require.NoError(t, err)
	return abs
}

// TestBrowserSeedPair renders the seed stories' page and checks, in the
// DOM the browser built, that the quote the pair shares is marked in both
// stories and that the page's own script ran under its security policy;
// and that a screenshot of the first screen shows the page's styles.
func TestBrowserSeedPair(t *testing.T) {
	bin := browser(t)
	file := writeSeedPage(t)

	dom := string(headless(t, bin, file, "--dump-dom"))
	pairs := sides(t, dom)
	require.Len(t, pairs, 1, "one story beside the one it matched, in the rendered DOM")
	quote := regexp.MustCompile(`<mark class="quote"[^>]*>ready to engage in diplomacy</mark>`)
	assert.Regexp(t, quote, pairs[0][0], "the quote marked in the rewrite")
	assert.Regexp(t, quote, pairs[0][1], "the quote marked in the AFP story")
	// The filter box is hidden until the script shows it: the script's
	// hash in the page's policy is right.
	has(t, dom, `<form id="filter">`, "(the script ran)")
	has(t, dom, `<output name="n">1 of 1 shown</output>`)

	shot := filepath.Join(t.TempDir(), "shot.png")
	headless(t, bin, file, "--window-size=1280,900", "--screenshot="+shot)
	img := decodePNG(t, shot)
	assert.Equal(t, image.Rect(0, 0, 1280, 900), img.Bounds())
	// The badge of a same-story verdict is drawn in the page's blue
	// (#1d5fb4): the style sheet applied.
	assert.Positive(t, countColour(img, 0x1d, 0x5f, 0xb4), "pixels of the same-story blue")
	assert.Positive(t, countColour(img, 0xff, 0xd1, 0x66), "pixels of the quote yellow")

	if *update {
		// The picture in the README: the head of the page and the pair.
		shot := filepath.Join(t.TempDir(), "readme.png")
		headless(t, bin, file, "--window-size=1100,1160", "--screenshot="+shot)
		b, err := os.ReadFile(shot)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile("testdata/seeds.png", b, 0o644))
	}
}

// TestBrowserFilter checks the filter box, given by the page's address: it
// hides the clusters and single stories that do not match.
func TestBrowserFilter(t *testing.T) {
	bin := browser(t)
	file := filepath.Join(t.TempDir(), "stories.html")
	code, _, errOut := runCmd(t, "", "-o", file, "../../testdata/stories.jsonl")
	require.Equal(t, exitOK, code, errOut)
	hidden := regexp.MustCompile(`<(?:section class="cluster"|tr) id="(\w+)"[^>]*?( hidden="")?>`)
	cases := []struct {
		name, query string
		shown       []string
	}{
		{"none", "", []string{"c4", "c1", "s6", "s3", "s0"}},
		{"words and verdict", "?q=quake+tsunami&v=same_story", []string{"c1"}},
		{"source and verdict", "?src=Daily+Sabah&v=single", []string{"s6", "s3"}},
		// Single stories are listed without their text.
		{"a word of a text", "?q=kyiv", []string{"c4"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dom := string(headless(t, bin, file+c.query, "--dump-dom"))
			var shown []string
			for _, m := range hidden.FindAllStringSubmatch(dom, -1) {
				if m[2] == "" {
					shown = append(shown, m[1])
				}
			}
			assert.Equal(t, c.shown, shown)
			has(t, dom, fmt.Sprintf(`<output name="n">%d of 5 shown</output>`, len(c.shown)))
		})
	}
}

// TestBrowserEscaping renders a page of hostile stories and checks in the
// DOM that none of their markup became elements.
func TestBrowserEscaping(t *testing.T) {
	bin := browser(t)
	hostile := `</div></mark><script>document.title="pwned"</script>" onmouseover="alert(1)" '><img src=x onerror=alert(2)>`
	text := "Rescue teams searched the flooded valley through the night " + hostile + " and officials said about two hundred homes were cut off by the water on Sunday.\nThe regional governor called the flood the worst in forty years and asked the army for help."
	in := storyLine(t, map[string]any{"id": "a" + hostile, "date": "2024-05-05T06:00:00Z", "source": "S" + hostile, "title": "T" + hostile, "text": text}) +
		storyLine(t, map[string]any{"id": "b" + hostile, "date": "2024-05-05T07:00:00Z", "source": "R" + hostile, "title": "U" + hostile, "text": text + "\nMore later."})
	file := filepath.Join(t.TempDir(), "hostile.html")
	require.NoError(t, os.WriteFile(file, []byte(renderPage(t, in, "-html", "never")), 0o644))

	dom := string(headless(t, bin, file, "--dump-dom"))
	assert.Equal(t, 1, strings.Count(dom, "<script"), "only the page's own script")
	hasNot(t, dom, "<img")
	has(t, dom, "<title>Story versions</title>")
	has(t, dom, `<span class="title">T&lt;/div&gt;&lt;/mark&gt;&lt;script&gt;document.title="pwned"&lt;/script&gt;" onmouseover="alert(1)" '&gt;&lt;img src=x onerror=alert(2)&gt;</span>`)
	require.Len(t, sides(t, dom), 1)
}

// TestBrowserBoilerplate renders the page of boilerInput and checks in the
// DOM that the footer learned as boilerplate is a dimmed line where the page
// should dim it, and only there, with its markup still text.
func TestBrowserBoilerplate(t *testing.T) {
	bin := browser(t)
	file := filepath.Join(t.TempDir(), "boiler.html")
	require.NoError(t, os.WriteFile(file, []byte(renderPage(t, boilerInput(t), "-html", "never")), 0o644))

	dom := string(headless(t, bin, file, "--dump-dom"))
	pairs := pairsByID(t, dom)
	// The DOM writes the footer's quotes as they are.
	footer := strings.ReplaceAll(boilerFooterHTML, "&#34;", `"`)
	assert.Equal(t, []string{footer}, dimmed(t, pairs["g4"][0]), "the later copy's own footer")
	assert.Equal(t, []string{footer}, dimmed(t, pairs["g3-copy"][1]), "the fourth story's footer beside its copy")
	assert.Empty(t, dimmed(t, pairs["g2-copy"][1]), "the third story's footer, judged before it was learned")
	assert.Equal(t, 2, strings.Count(dom, `<span class="boiler" title=`))
	assert.Equal(t, 1, strings.Count(dom, "<script"), "only the page's own script")
}

func decodePNG(t *testing.T, name string) image.Image {
	t.Helper()
	f, err := os.Open(name)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	return img
}

// countColour counts the pixels of img within 6 of the colour r, g, b in
// each channel.
func countColour(img image.Image, r, g, b uint8) int {
	near := func(v uint32, want uint8) bool {
		d := int(v>>8) - int(want)
		return d >= -6 && d <= 6
	}
	n := 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			pr, pg, pb, _ := img.At(x, y).RGBA()
			if near(pr, r) && near(pg, g) && near(pb, b) {
				n++
			}
		}
	}
	return n
}
