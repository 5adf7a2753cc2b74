// Command cluster groups news stories read as JSON Lines: for every story it
// prints one JSON line saying whether the story is new, a copy of an earlier
// story, or another version of a story already seen, and which cluster (one
// news story with all its versions) it belongs to.
//
// It is the newsdup detector (package github.com/newsdup/newsdup/dedup) as a
// filter that any pipeline, in any language, can call:
//
//	go run ./examples/cluster < stories.jsonl > verdicts.jsonl
//	go run ./examples/cluster -passages testdata/stories.jsonl
//	go run ./examples/cluster -state cluster.state < today.jsonl
//	go run ./examples/cluster -redis redis://127.0.0.1:6379/0 < part1.jsonl
//	go run ./examples/cluster -h
//
// # Input
//
// Stories are read from the files named as arguments, in order ("-" names
// standard input), or from standard input when there are none. Each line
// holds one story as a JSON object:
//
//	{"id": "afp-123", "text": "The US is preparing...", "title": "...",
//	 "source": "AFP", "date": "2021-12-25T14:00:00Z", "lang": "en"}
//
// id and text are required; title, source, date and lang are optional, and
// other fields are ignored.
//
// id is kept byte for byte: the output line carries the id of the input
// line. An id that is not valid UTF-8 (a byte that is not, or a \u escape of
// half a surrogate pair) is bad input, "the id is not valid UTF-8", as JSON
// decoding would otherwise replace the bad bytes with U+FFFD and two
// different ids could become one. In text, title and source, invalid UTF-8
// is replaced with U+FFFD, as encoding/json does, and the story is
// processed: -passages offsets count the bytes of the text after that
// replacement.
//
// date is empty or absent for an undated story, or one of:
//
//   - RFC 3339: 2021-12-25T14:00:00Z, 2021-12-25T15:00:00.123+01:00, also
//     with a space instead of the T, an offset without colon (+0100), or no
//     seconds (2021-12-25T15:00+01:00);
//   - a date and time without zone, taken as UTC: 2021-12-25T14:00:00 or
//     2021-12-25 14:00:00;
//   - a day, taken as midnight UTC: 2021-12-25;
//   - RFC 1123 or RFC 822, as RSS writes them: Sat, 25 Dec 2021 14:00:00 GMT,
//     Mon, 02 Jan 2006 15:04:05 -0700, 25 Dec 21 09:00 EST. The weekday and
//     the seconds may be left out; a two-digit year from 69 is 19xx, below
//     20xx; the zone is a numeric offset or one of UT, UTC, GMT, Z, the US
//     zones of RFC 822 (EST, EDT, CST, CDT, MST, MDT, PST, PDT), WET, WEST,
//     CET, CEST, EET, EEST, MSK, JST, AEST, AEDT, NZST and NZDT. Other zone
//     names, ambiguous ones such as IST or BST among them, are bad dates:
//     give a numeric offset.
//
// A date in another form, or before 1900 (0001-01-01, Go's zero time,
// included: leave the date out for an undated story), is a bad date, and so
// is one more than -max-future past the current time.
//
// lang is a language tag: english (en), spanish (es), french (fr), russian
// (ru), swedish (sv), norwegian (nb, no) or hungarian (hu), in any case; a
// region or script subtag is ignored (en-US, en_GB, fr-CA, nb-NO). Absent
// means -lang. Other languages (de, pt-BR, ...) have no stemmer here: a
// story in one is bad input, and -lang naming one is a bad flag (exit
// status 2); the message lists the supported languages.
//
// Empty lines (and lines of white space) are skipped and are not stories.
// A UTF-8 byte order mark at the start of a file is ignored.
//
// # Output
//
// One JSON line per story on standard output, in input order:
//
//	{"id":"b","cluster":"a","kind":"copy","score":0.93,"matches":[{"id":"a","kind":"copy","score":0.93}]}
//
// kind is "new" (the story starts a cluster named after itself), "copy" (the
// same text republished, possibly trimmed or re-headlined) or "same_story"
// (another version written around the same facts). score is the similarity
// to the cluster joined, 0 for a new story, and matches lists the earlier
// stories the verdict rests on, best first (empty for a new story). Scores
// are rounded to 4 decimals.
//
// A story that shows two clusters to be fragments of one story (it is the
// same story as both, and the clusters agree with each other as wholes)
// merges them into the older one, named on its line as "cluster", and its
// line lists the ids of the clusters absorbed:
//
//	{"id":"e","cluster":"a","kind":"same_story","score":0.52,"matches":[...],"merged":["c"]}
//
// Stories already answered with a cluster in "merged" now belong to
// "cluster": a pipeline that stored cluster ids relabels them. With -batch
// every line names its story's final cluster and none lists "merged": the
// collection is judged as a whole before any line is written, and its
// clusters that agree as wholes are merged (see dedup.Batch).
//
// With -passages each match also carries its Jaccard, containment and
// similarity scores and the passages the two stories share: byte offsets
// into this story's text (start, end) and into the matched story's text
// (match_start, match_end), the passage's text, and quote, true when the
// passage lies in a quotation. Offsets count bytes of the text as UTF-8,
// after JSON decoding.
//
// Output is flushed whenever the program is about to wait for more input, so
// a pipeline feeding stories one at a time gets each answer at once.
//
// # Bad input
//
// A line that is not a JSON object, lacks an id or a text, has an id that
// is not valid UTF-8 or repeats the id of a story still held, has a bad
// date or a language without a stemmer, a text too large (-max-text), a
// text with no words, or is longer than -max-line, is bad input. By default the
// run stops there with exit status 1, after naming the file, the line and the
// reason on standard error and saying how many stories were processed. With
// -skip-bad each bad line is reported on standard error and skipped (it gets
// no output line, so join outputs to inputs by id), and a count of skipped
// lines ends the run, which then exits with status 0. An unreadable file, a
// failed write, a state file that cannot be loaded or saved, or a -redis
// server that cannot be reached or fails exits with status 1, and bad flags
// (or flags that conflict with the state file or the -redis shared state)
// with status 2.
//
// # Order and time
//
// A story is judged against the stories before it, so feed stories in the
// order they were published: a dated story moves the time window forward,
// and a story dated earlier than the newest date seen minus -window is still
// compared with the stories held but is not kept. An undated story is placed
// at the newest date seen. Stories that are already in the read buffer are
// analysed together on all cores; their answers are the same as one at a
// time.
//
// Ids must be unique among the stories the detector holds: a story that has
// left the time window (-window) no longer counts, so on an endless stream an
// id may come back once its first story has left.
//
// # State
//
// With -state FILE, the detector's state (the stories it holds, with what was
// computed from them, their clusters and the boilerplate learned) is kept in
// FILE between runs, so a run goes on where the last one stopped: a story is
// judged against the stories of earlier runs still in the time window, joins
// their clusters, and may not reuse the id of a story still held (that is
// bad input, as within one run). Feeding stories through several runs gives
// the answers one run would.
//
// At the start FILE is loaded if it exists. If it does not, it is created at
// once with an empty state, so that a path that cannot be written fails
// before any input is read. If it exists but cannot be loaded (not a state
// file, truncated, corrupted, from another version), the run names the file
// and the reason on standard error and exits with status 1, leaving the file
// as it is.
//
// The state is saved to FILE:
//
//   - when the run ends, at the end of the input or stopped by a bad line or
//     an unreadable file, so that what was processed is kept;
//   - every -state-every stories (default 1000; 0 saves only when the run
//     ends), at the end of the batch that reaches the count, so saves come at
//     least that many stories apart. Each save writes the whole state, so
//     raise -state-every when the state is large (a long -window);
//   - on SIGINT or SIGTERM: the batch being added is finished, its answers
//     and all before are flushed, the state is saved, a line on standard
//     error says so, and the exit status is 130 (SIGINT) or 143 (SIGTERM),
//     or 1 if the output or the state could not be written. Input read after
//     the signal is not processed. A second signal ends the process at once.
//
// A save writes a temporary file beside FILE and renames it over FILE, so a
// crash or a second signal while saving leaves the previous state intact (and
// perhaps a temporary file ".FILE.tmp-NNN" beside it, NNN being digits: the
// next run with -state FILE removes those, and only those, saying so on
// standard error).
// The output is flushed before every save, so FILE never holds a story whose
// answer has not been written; if the output cannot be written, the state is
// not saved and FILE keeps its last save. A failed save every -state-every
// stories is reported and the run goes on (the next try comes -state-every
// stories later); a failed save at the end makes the exit status 1. A run
// that adds no story leaves FILE untouched.
//
// # Where the state stands, and resuming after a crash
//
// Every save says on standard error where the state stands, and so does a
// run that starts with an existing FILE:
//
//	cluster: state saved to FILE: 2000 stories applied, the last "afp-2417" (today.jsonl line 2093)
//	cluster: state FILE: 2000 stories applied, the last "afp-2417" (today.jsonl line 2093); give the stories after it
//
// "stories applied" counts the stories added to FILE since it was created
// (some may have left the time window since); the last is the id of the
// last story added, with the input and line it was read from in the run
// that added it. A new FILE is announced as "state FILE created, empty".
//
// A run that is killed (kill -9, a crash, a power cut) keeps FILE as of its
// last save, while its output may go further: the stories answered after
// that save are not in FILE. To resume, feed the next run the stories from
// the one after the last story FILE holds, as the message at its start
// names it (here from line 2094 of today.jsonl), not from the last output
// line: the stories answered after the save are answered again, the same
// way, and no story is missed. Starting after the last output line instead
// would leave those stories out of the state, and later stories would be
// judged without them; starting earlier would give duplicate ids (bad
// input).
//
// The state file does not say which story was added last, so the command
// keeps that in FILE.last, a small JSON file beside it, written after each
// save with FILE's size and hash. A FILE.last that does not match FILE (a
// kill between the two writes, a FILE copied without it) is not believed:
// the run says the last story is not recorded and gives the number of
// stories FILE holds. Deleting FILE.last loses only that message. Do not run
// two commands with one -state FILE at once: each would overwrite the
// other's saves.
//
// The flags that shape the state -- -lang, -html, -shingle, -hashes,
// -lsh-threshold, -seed and -boilerplate -- are taken from FILE when it is
// loaded: leave them out, or give the values FILE was made with (a language
// may be given by its name or its code); any other value is an error, even a
// flag's default value when FILE was made with another. The other flags
// apply to each run as given, so a run may change the time window or the
// thresholds of the state it loads.
//
// Without -state, SIGINT and SIGTERM also flush the answers written so far
// and exit with status 130 or 143.
//
// # Shared state on a Redis server
//
// With -redis URL (redis://[[user]:password@]host[:port][/db], or rediss://
// for TLS) the detector's state is kept on a Redis server instead of in a
// file, and shared by every run given the same server and the same
// -redis-name (default "newsdup"): the workers of a pipeline, each fed its
// own part of the stream, whether they run at the same time or one after
// the other, in one machine or several. -redis and -state cannot be used
// together (exit status 2); with -redis no state file is read or written.
//
//	cluster -redis redis://db:6379/0 -redis-name newsroom < part1.jsonl > out1.jsonl &
//	cluster -redis redis://db:6379/0 -redis-name newsroom < part2.jsonl > out2.jsonl &
//
// The server keeps a log of the stories added by all the runs, in the order
// it recorded them, each with its verdict; every run keeps a copy of the
// state in memory, built from that log when it starts and brought up to date
// from it before each story it adds. So the verdicts of all the runs
// together are those one detector would give all their stories in the
// order the server recorded them: a story is judged against every story
// any run added before it, joins their clusters, and may not reuse the id
// of a story any run added and the state still holds (that is bad input).
// When two runs add copies of one story at the same moment, the server
// takes one first and the other run judges its copy again against it: the
// copies end in one cluster. The order between runs is the order in which
// the server received their stories, not the stories' dates, so with
// -window, feed each run its stories in publication order, and let runs
// that share a state work on the same stretch of time.
//
// The first run to use a name records its configuration on the server.
// Every later run sharing it must be given the same values of the flags that
// shape the verdicts (-lang, -html, -window, -lateness, -max-stories,
// -copy-containment, -copy-jaccard, -min-shared, -same-story, -story-horizon,
// -event-horizon, -boilerplate, -shingle, -hashes, -lsh-threshold, -seed;
// those left out take their defaults, which must match
// too): otherwise the run stops before reading any input, names the fields
// that differ on standard error, and exits with status 2. The other flags
// (-max-matches, -max-passages, -passages, -max-text, -max-future, -max-line,
// -skip-bad, -progress) may differ from run to run. Use another -redis-name
// for another configuration.
//
// Each story stays on the server for -window after it was added (for ever
// with -window off; delete the keys "{name}:*" to drop a state); a run that
// starts later builds its state from the stories still there. What a run
// learns of site boilerplate is not kept on the server: a run learns it from
// the stories it takes in, those still there when it starts and all those
// added after.
//
// A server that cannot be reached within 10 seconds at the start ends the
// run with exit status 1. If the server cannot be reached or does not answer
// while a story is added (a lost connection, a timeout, a server
// restarting), the run tries the story again after 0.5, 1, 2 and 4 seconds,
// saying so on standard error; a story that reached the server although its
// reply was lost gets the verdict it was stored with, so trying again never
// adds it twice. If the server still fails, or lost the shared state (it
// restarted without persistence), the run stops there, even with -skip-bad:
// the answers of the stories before it are written, standard error names
// the line of the story it stopped at, and the exit status is 1. That story
// may or may not have reached the shared state; a new run given it again
// gets its verdict if it had not, or a duplicate id if it had. See package
// github.com/newsdup/newsdup/dedup/redisstore for the server's settings
// (persistence, no eviction).
//
// # Progress
//
// When standard error is a terminal, or with -progress, a progress line
// (stories, stories per second, clusters so far) is written on standard error
// at most once a second, and a summary at the end.
package main
