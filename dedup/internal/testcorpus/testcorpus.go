// Package testcorpus gives the tests and benchmarks of the signature and
// index packages the same inputs: the Reuters-21578 stories as word
// 5-shingle sets, made by a small stand-in for package shingle so that those
// packages stay independent of it, and set pairs of known Jaccard similarity.
package testcorpus

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
)

// Root returns the repository root: the nearest directory above the
// working directory that holds go.mod. ok is false when there is none.
func Root() (dir string, ok bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// ReutersPath returns the path of the Reuters-21578 articles: the
// NEWSDUP_REUTERS environment variable, or else shared/datasets beside the
// repository root. ok is false when the file is not there.
func ReutersPath() (path string, ok bool) {
	if p := os.Getenv("NEWSDUP_REUTERS"); p != "" {
		_, err := os.Stat(p)
		return p, err == nil
	}
	dir, ok := Root()
	if !ok {
		return "", false
	}
	p := filepath.Join(dir, "..", "shared", "datasets", "reuters21578", "articles.jsonl")
	if _, err := os.Stat(p); err != nil {
		return "", false
	}
	return p, true
}

// Corpus is the Reuters stories as word 5-shingle sets, loaded once.
type Corpus struct {
	Texts [][]byte
	Sets  [][]uint64
	Bytes int64 // total bytes of text
}

var (
	reutersOnce sync.Once
	reuters     *Corpus
	reutersErr  error
)

// Reuters returns the Reuters-21578 corpus, or skips the test or benchmark
// with a message saying how to point at it.
func Reuters(tb testing.TB) *Corpus {
	tb.Helper()
	path, ok := ReutersPath()
	if !ok {
		tb.Skipf("Reuters-21578 not found (%q): set NEWSDUP_REUTERS to the path of reuters21578/articles.jsonl", path)
	}
	reutersOnce.Do(func() {
		f, err := os.Open(path)
		if err != nil {
			reutersErr = err
			return
		}
		defer f.Close()
		c := &Corpus{}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			var a struct{ Text string }
			if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
				reutersErr = fmt.Errorf("%s: %w", path, err)
				return
			}
			c.Texts = append(c.Texts, []byte(a.Text))
			c.Sets = append(c.Sets, Shingles(nil, []byte(a.Text)))
			c.Bytes += int64(len(a.Text))
		}
		reutersErr = sc.Err()
		reuters = c
	})
	if reutersErr != nil {
		tb.Fatal(reutersErr)
	}
	return reuters
}

// Shingles appends to dst the word 5-shingle hashes of text: words are
// maximal runs of letters and digits, lower-cased and hashed with xxhash,
// and each window of 5 consecutive word hashes is combined into one hash.
// A text of 1 to 4 words gives one shingle of all its words. It is a
// stand-in for package shingle, enough to benchmark signing on real text.
func Shingles(dst []uint64, text []byte) []uint64 {
	const w = 5
	var ring [w]uint64
	var word [64]byte
	n, words := 0, 0
	emit := func() {
		var h uint64
		for i := range min(words, w) {
			h = (bits.RotateLeft64(h, 27) ^ ring[(words-1-i)%w]) * 0x9E3779B97F4A7C15
		}
		dst = append(dst, h^h>>29)
	}
	flush := func() {
		if n == 0 {
			return
		}
		ring[words%w] = xxhash.Sum64(word[:min(n, len(word))])
		words++
		n = 0
		if words >= w {
			emit()
		}
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		i += size
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		r = unicode.ToLower(r)
		if n+utf8.RuneLen(r) <= len(word) {
			n += utf8.EncodeRune(word[n:], r)
		} else {
			n = len(word) + 1 // overlong word: keep its first 64 bytes
		}
	}
	flush()
	if words > 0 && words < w {
		emit()
	}
	return dst
}

// PairWithJaccard returns two sets whose union has n distinct features of
// which inter are shared, so that their Jaccard similarity is inter/n.
func PairWithJaccard(rng *rand.Rand, n, inter int) (a, b []uint64) {
	a = make([]uint64, 0, n)
	b = make([]uint64, 0, n)
	for i := range n {
		x := rng.Uint64()
		switch {
		case i < inter:
			a = append(a, x)
			b = append(b, x)
		case i%2 == 0:
			a = append(a, x)
		default:
			b = append(b, x)
		}
	}
	return a, b
}
