// Command dfgen builds the background document-frequency table that package
// dedup embeds, so that a fresh detector knows which words are common in news
// before it has seen any stories.
//
// It reads news articles as JSON Lines (fields "title" and "text"), analyses
// each with the English analyzer of package shingle (stop words removed,
// stemmed) and counts, for every term, the articles it appears in. Terms seen
// in fewer than -min articles are left out: the detector treats an unknown
// term as rare, which is what a term seen once is.
//
// Usage (from the dedup directory, as go generate runs it):
//
//	go run ./internal/dfgen -in ../../shared/datasets/reuters21578/articles.jsonl -out background.df
//
// The output format is that of package dedup/internal/dftable.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/newsdup/newsdup/dedup/internal/dftable"
	"github.com/newsdup/newsdup/shingle"
)

func main() {
	in := flag.String("in", "", "JSON Lines corpus with title and text fields (required)")
	out := flag.String("out", "background.df", "output file")
	minDF := flag.Int("min", 2, "leave out terms found in fewer articles than this")
	flag.Parse()
	if *in == "" {
		log.Fatal("dfgen: -in is required")
	}
	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	an, err := shingle.NewAnalyzer(shingle.Config{})
	if err != nil {
		log.Fatal(err)
	}
	df := map[uint64]uint32{}
	seen := map[uint64]bool{}
	var toks []shingle.Token
	docs := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for line := 1; sc.Scan(); line++ {
		var a struct{ Title, Text string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			log.Fatalf("dfgen: %s line %d: %v", *in, line, err)
		}
		clear(seen)
		toks = an.Tokens(toks[:0], a.Title+"\n"+a.Text)
		for _, t := range toks {
			if t.Flags&shingle.Stop == 0 {
				seen[t.Hash] = true
			}
		}
		if len(seen) == 0 {
			continue
		}
		docs++
		for h := range seen {
			df[h]++
		}
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	for h, n := range df {
		if int(n) < *minDF {
			delete(df, h)
		}
	}
	buf := dftable.Encode(&dftable.Table{Docs: docs, DF: df})
	if err := os.WriteFile(*out, buf, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("dfgen: %d articles, %d terms (df >= %d), %d bytes\n", docs, len(df), *minDF, len(buf))
}
