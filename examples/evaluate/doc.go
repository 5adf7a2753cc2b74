// Command evaluate measures how well the newsdup detector (package
// github.com/newsdup/newsdup/dedup) groups news stories, against labelled
// data sets, and prints the figures as one markdown table:
//
//	go run ./examples/evaluate
//	go run ./examples/evaluate -v                  # with diagnostics
//	go run ./examples/evaluate -same-story-threshold 0.4 -only ecb
//	go run ./examples/evaluate -min-ecb-f1 0.91 -min-gvc-f1 0.945 -min-perturb-f1 0.99 -check-seeds   # in CI
//	go run ./examples/evaluate -gen perturbations.jsonl
//	go run ./examples/evaluate -h
//
// Each data set is streamed through a fresh detector, one Add after the
// other, and a story's predicted cluster is the one its Result names, or
// the cluster a later story merged that one into (Result.Merged), as a
// pipeline relabelling the stories it stored would have it. A note gives the
// mean B-cubed F1 over the labelled sets (ECB+ over its shuffled orders and
// GVC in date order, then both in batch mode). The whole table takes a few
// seconds.
//
// # Data sets
//
// ECB+ (Cybulska and Vossen 2014): 982 English news articles about 86 events,
// two events of each kind (two earthquakes, two celebrity rehab stories), so
// same-topic articles are hard negatives. Read from -ecb, else
// $NEWSDUP_ECBPLUS, else ../shared/datasets/ecbplus/articles.jsonl beside the
// repository root. It is streamed in file order and in -orders (5) shuffled
// orders drawn from -seed; the table shows the file order and the mean over
// the shuffled orders, and a note gives the smallest B-cubed F1 among them.
// ECB+ has no dates; titles are passed as Story.Title.
//
// ECB+ with the seed stories: the two seed stories of the repository's
// testdata (an AFP story and another outlet's rewrite of it) inserted at
// random positions among the ECB+ articles, as one more gold cluster. A note
// says whether they ended in one cluster and how many ECB+ articles joined
// it (there should be none).
//
// The perturbation set: originals and distractors drawn from Reuters-21578
// (-reuters, else $NEWSDUP_REUTERS, else
// ../shared/datasets/reuters21578/articles.jsonl beside the repository root),
// and copies of each original made the way outlets republish wire stories.
// Gold clusters are an original with its copies; distractors are singletons.
// It is streamed in date order.
//
// Any labelled JSON Lines file given with -file is one more row, streamed
// in file order. Its dates take the forms the cluster command accepts
// (RFC 3339, RFC 1123 and RFC 822, a day; see go doc ./examples/cluster);
// a bad date, or one before 1900, stops the run.
//
// A missing data set skips its row with a message naming the flag and the
// environment variable to set, unless a floor needs it: then the run fails.
//
// # The perturbation set
//
// Originals and distractors are Reuters stories with a date and a body of
// at least 80 words whose title, lower-cased with digits removed, occurs
// only once in the corpus (resends and template series such as weekly
// figures are left out: their true relation is unknown). No two chosen
// stories have a Jaccard similarity of word 5-shingles (package shingle) of
// 0.1 or more; an inverted index of shingles finds the stories a candidate
// overlaps. Nor do two chosen stories published within seven days of each
// other have a plain TF-IDF cosine similarity (stemmed words, stop words
// left out, inverse document frequencies over the eligible stories) of 0.2
// or more: such pairs are often follow-ups or reactions to one event, which
// the gold labels would call different stories, so grouping them would say
// nothing about copies. The wire's "Reuter" sign-off and end-of-text mark are removed.
// By default there are 1,000 originals with 1 to 5 copies each (about
// 3,000 copies) and 2,000 distractors.
//
// Each copy comes from one of 12 invented outlets and carries each of these
// perturbations with probability 1/2 (and at least one):
//
//   - trim: cut from the bottom, keeping 40-90% of the paragraphs;
//   - swap: two paragraphs swapped;
//   - edit: light copy-editing of 1-3% of the words: wire abbreviations
//     spelt out ("mln" to "million"), synonyms, British and American
//     spellings, a dropped adjective, numbers with or without digit-group
//     commas ("1,500" to "1500");
//   - local: a paragraph of the outlet's own, written from templates with
//     invented names (never text from another story);
//   - headline: a new Title;
//   - byline: "By <name>" and a dateline, "LONDON, March 3 (<Outlet>) - ";
//   - boilerplate: the outlet's header and footer lines (navigation,
//     newsletter sign-up, "Read more", share buttons, author box,
//     copyright), the same on every copy from that outlet;
//   - html: paragraphs in <p> elements, quotes, apostrophes and ampersands
//     as &quot;, &rsquo; and &amp;.
//
// Reuters bodies are wrapped at about 70 columns with each paragraph
// indented by four spaces; paragraphs are found by that indent and joined
// into single lines in copies. Originals keep the wire's layout.
// Originals and distractors carry their Reuters date, copies a date 0 to 36
// hours after their original's. -gen writes the set as JSON Lines with id,
// title, text, date (RFC 3339), source, cluster, role (original, copy or
// distractor), original (for a copy) and perturbations (for a copy). Every
// choice is drawn from -seed with math/rand/v2: the same seed gives the same
// file, byte for byte.
//
// # Measures
//
// B-cubed precision, recall and F1 (Bagga and Baldwin 1998; Amigó et al.
// 2009) average, over stories, the share of a story's predicted cluster
// that is of its gold cluster and the share of its gold cluster that is in
// its predicted cluster. Pairwise precision and recall count pairs of
// stories: of those predicted together, the share together in the gold; of
// those together in the gold, the share predicted together. A ratio with
// nothing to count is 1. The adjusted Rand index (Hubert and Arabie 1985) is
// 1 for identical clusterings and about 0 for independent ones. stories/s is
// the number of stories over the wall time of their Adds.
//
// # Diagnostics
//
// With -v, after the table: for the perturbation set, the copies that did
// not end in their original's cluster, counted by perturbation and listed
// with the exact shingle containment and Jaccard similarity of copy and
// original, and the false merges (predicted clusters holding stories of
// several gold clusters), with the number of wrong joins made by each tier;
// for the other data sets, the predicted clusters that mix gold clusters,
// with the gold labels inside each; and for every pass, the gold clusters
// split over several predicted clusters (events told in fragments), with
// the predicted clusters inside each and the days the event's stories span.
//
// # Floors and exit status
//
// -min-ecb-f1 sets a floor on the ECB+ B-cubed F1 (the mean over the
// shuffled orders), -min-perturb-f1 on the pairwise F1 of the perturbation
// set, and -check-seeds requires the seed stories to end in one cluster
// that no ECB+ article joined. A floor not met is reported on standard error
// and the exit status is 1; it is also 1 when a data set a floor needs is
// missing or a file cannot be read, and 2 for bad flags.
//
// The detector's settings can be changed for experiments with the flags
// -same-story-threshold, -copy-containment, -copy-jaccard, -min-shared,
// -boilerplate, -lsh-threshold, -hashes, -shingle and -window; see -h.
package main
