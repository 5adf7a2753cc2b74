package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/dedup"
)

// rewrite tells the story of wire in other words: the same story, not a
// copy.
const rewrite = "Fighting inflation at its highest in a decade, the central bank lifted its main rate by half a point on Tuesday.\n" +
	"Further increases could follow if prices kept rising, the governor said in the capital after the board met for its monthly meeting.\n" +
	"The currency rose sharply against the dollar; economists polled last week had expected a smaller move."

// filler returns the text of unrelated story n: words made for it alone,
// so that it shares nothing with any other story.
func filler(n int) string {
	const cons, vows = "bdfgklmnprstvz", "aiou"
	words := make([]string, 40)
	for j := range words {
		var b strings.Builder
		for k := n*len(words) + j + 1; k > 0 || b.Len() < 6; k /= len(cons) * len(vows) {
			r := k % (len(cons) * len(vows))
			b.WriteByte(cons[r%len(cons)])
			b.WriteByte(vows[r/len(cons)])
		}
		words[j] = b.String()
	}
	return strings.Join(words, " ") + "."
}

// TestAgreesWithBatch runs the pipeline and dedup.Batch on stories spread
// over a week, in shards of two days, and checks that they give every story
// the same verdict and cluster: a rewrite that comes after its story has
// left the window, within the story horizon, in another shard, joins its
// cluster without a listed match (the cluster has no story left to list),
// and two identical briefs shorter than a shingle, in two shards, are
// copies. Without the story horizon in the shard context, the rewrite
// starts a cluster of its own.
func TestAgreesWithBatch(t *testing.T) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	type input struct {
		id, text string
		at       time.Duration
	}
	in := []input{
		{"event", wire, 10 * time.Hour},
		{"follow-up", rewrite, 5*24*time.Hour + 10*time.Hour},
		{"brief-1", "Markets closed.", 47 * time.Hour},
		{"brief-2", "Markets closed.", 49 * time.Hour},
	}
	// Enough dated stories for the detector to let stories leave (it
	// waits for 128 to see whether the feed comes in time order).
	for i := range 150 {
		in = append(in, input{fmt.Sprintf("filler-%03d", i), filler(i), time.Duration(i)*time.Hour + 30*time.Minute})
	}
	lines := make([]string, len(in))
	stories := make(dedup.Stories, len(in))
	for i, s := range in {
		date := start.Add(s.at)
		lines[i] = line(t, map[string]any{"id": s.id, "text": s.text, "date": date.Format(time.RFC3339)})
		stories[i] = dedup.Story{ID: s.id, Text: s.text, Time: date}
	}
	dir := t.TempDir()
	path := writeFile(t, dir, "in.jsonl", lines...)

	fs := flag.NewFlagSet("beam", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o := defineFlags(fs)
	require.NoError(t, fs.Parse([]string{"--input", path, "--output", "unused"}))
	require.NoError(t, o.check())
	want := make(map[string]dedup.Result)
	_, err := dedup.Batch(context.Background(), o.config(), stories, func(i int, r dedup.Result, err error) error {
		want[stories[i].ID] = r
		return err
	})
	require.NoError(t, err)
	// The cases the stories are made for.
	require.Equal(t, dedup.SameStory, want["follow-up"].Kind)
	require.Equal(t, "event", want["follow-up"].Cluster)
	require.Empty(t, want["follow-up"].Matches, "the event has left the detector's window")
	require.Equal(t, dedup.Copy, want["brief-2"].Kind)

	for _, tc := range []struct {
		name     string
		args     []string
		followUp dedup.Kind
	}{
		{"default context", nil, dedup.SameStory},
		{"the window as context", []string{"--shard-context", "72h"}, dedup.New},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, "out.jsonl")
			_, err := runPipeline(t, append([]string{"--input", path, "--output", out, "--shard-span", "48h"}, tc.args...)...)
			require.NoError(t, err)
			got := byID(readVerdicts(t, out))
			require.Len(t, got, len(in))
			assert.Equal(t, tc.followUp.String(), got["follow-up"].Kind)
			assert.Empty(t, got["follow-up"].Matches)
			for _, s := range in {
				if s.id == "follow-up" && tc.followUp != dedup.SameStory {
					continue
				}
				assert.Equal(t, want[s.id].Kind.String(), got[s.id].Kind, s.id)
				assert.Equal(t, want[s.id].Cluster, got[s.id].Cluster, s.id)
			}
		})
	}
}
