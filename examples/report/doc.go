// Command report writes the verdicts of the newsdup detector on a set of
// stories as one self-contained HTML page that an editor can look at: which
// stories are versions of one story, and why the detector thinks so.
//
//	go run ./examples/report -o report.html stories.jsonl
//	go run ./examples/report -o report.html examples/report/testdata/seeds.jsonl
//	go run ./examples/report -o - < stories.jsonl > report.html
//	go run ./examples/report -batch -o report.html archive.jsonl
//	go run ./examples/report -h
//
// # Input
//
// The input of examples/cluster: stories as JSON Lines, from the files named
// as arguments, in order ("-" names standard input), or from standard input
// when there are none; one JSON object a line,
//
//	{"id": "afp-123", "text": "The US is preparing...", "title": "...",
//	 "source": "AFP", "date": "2021-12-25T14:00:00Z", "lang": "en"}
//
// id and text are required; date is RFC 3339, a day (midnight UTC) or a time
// without a zone (UTC); other fields are ignored. The detector flags
// (-lang, -html, -window, -lateness, -same-story, -copy-containment,
// -copy-jaccard, -min-shared, -boilerplate, -max-stories, -max-text, ...)
// are those of examples/cluster.
//
// Stories are judged in input order, as examples/cluster judges them, each
// against the stories before it, so feed them in the order they were
// published: a story that comes after stories of its window had been let
// go (more than -window plus -lateness behind the stream) is compared with
// those still held, and the page marks it late. With -batch the input is
// judged as one collection, as dedup.Batch judges it: the same page
// whatever the order of its lines (the stories are taken by date, then id),
// each story compared with every story of its window, none late. -batch
// holds the whole input in memory.
//
// A bad line (not JSON, no id or text, a bad date, a duplicate id, a text
// with no words or too large, a line longer than -max-line) stops the run
// with exit status 1 and no page is written, unless -skip-bad is given: then
// each bad line is reported on standard error and skipped, and the page
// counts them. With -batch the stories the detector rejects are found once
// all are judged, and reported in input order. Bad flags exit with status 2.
//
// # The page
//
// The page is one HTML file with its style sheet and its small script
// inline: it loads nothing from anywhere (its content security policy
// forbids it), so it can be mailed or archived. Every piece of story text,
// title, source and id is escaped by html/template; texts that are HTML
// (see -html) are shown as the text a reader sees, tags dropped.
//
//   - Summary: the number of stories, of clusters by size, of new stories,
//     copies and same-story versions, and the time span of the dated
//     stories; and, when there are any, the number of late stories (those
//     that came after stories of their window had been let go, and were
//     compared with the stories still held: dedup.Result.Late), with what
//     to do about them (-batch, or a larger -lateness).
//   - Timeline: an inline SVG picture, a row per cluster of two or more
//     stories (in the order of the list below, at most 100 rows), each
//     story a mark at its time: a circle for a new story, a square for a
//     copy, a diamond for a same-story version; undated stories in a column
//     of their own. A row links to its cluster.
//   - Clusters of two or more stories, largest first (-order recent: the
//     latest story first), at most -max-clusters of them; each with its
//     stories in time order, showing time, source, verdict and score (and
//     a "late" badge on a late story), title and id. A copy or same-story version says in words why it
//     joined (containment and Jaccard for a copy, similarity for the same
//     story, how many quotes and passages the two stories share) and shows
//     its text beside the text of the story it matched best, with the
//     shared passages highlighted in both as <mark> elements, shared quotes
//     as <mark class="quote">, and the lines each text's own verdict took
//     for site boilerplate (left out of the comparison) dimmed; its other
//     matches are listed with their scores and shared quotes. The side-by-side texts of the first 25
//     clusters are open, those of the others one click away; a text is
//     shown up to its first 64 KiB.
//   - Single stories: the stories that matched no other, one line each (the
//     latest -max-clusters of them), late ones with the badge.
//   - Settings: the detector settings that produced the page, and whether
//     the input was judged as a stream or as one collection (-batch).
//
// With scripts enabled a filter box (words, source, verdict, late) hides the
// clusters and single stories that do not match; a link can carry a filter
// (report.html?q=quake&src=AFP&v=copy). Without scripts the page reads the
// same, without the box.
//
// # Memory
//
// The run keeps every story's verdict and the texts it may show: the texts
// of the stories the detector still holds (which the detector keeps anyway)
// and of the stories in clusters of two or more. The text of a single story
// is dropped once it has left the detector's time window. With -batch the
// run holds every story read, text included, until the page is written.
package main
