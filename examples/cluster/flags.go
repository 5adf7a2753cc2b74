package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/dedup/redisstore"
	"github.com/newsdup/newsdup/examples/internal/cli"
	"github.com/newsdup/newsdup/shingle"
)

// options are the command's settings, from its flags.
type options struct {
	cfg      dedup.Config
	maxLine  int
	skipBad  bool
	passages bool
	progress bool
	files    []string

	batch      bool            // -batch: judge the input as one collection, whatever its order
	state      string          // -state: the state file, "" for none
	stateEvery int             // -state-every: save after this many stories, 0 only at exit
	redis      string          // -redis: the URL of the Redis server holding a shared state, "" for none
	redisName  string          // -redis-name: the name of the shared state on the server
	set        map[string]bool // the flags given on the command line, by name
}

var usageHead = `Usage: cluster [flags] [file.jsonl ...]

Reads news stories as JSON Lines (from the files, in order, or from standard
input) and writes one JSON line per story: whether it is new, a copy of an
earlier story or the same story as an earlier one, and its cluster.

Input line:  {"id": "...", "text": "...", "title": "...", "source": "...",
              "date": "2021-12-25T14:00:00Z", "lang": "en"}
             (id and text required; the id is kept byte for byte, and one
             that is not valid UTF-8 is bad input; invalid UTF-8 in the
             text, title and source becomes U+FFFD)
Output line: {"id": "...", "cluster": "...", "kind": "new|copy|same_story",
              "score": 0.87, "matches": [{"id": "...", "kind": "...", "score": 0.87}],
              "merged": ["..."]}
             (merged only when the story merged those clusters into its
             own: stories already answered with them now belong to it)

Dates: empty or absent for an undated story, else one of
` + cli.DateForms + `.
A date in another form, or before 1900, is bad input.

Languages ("lang" field and -lang), in any case, a region or script subtag
being ignored (en-US, fr-CA, nb-NO):
  ` + shingle.SupportedLanguages() + `.
Other languages have no stemmer here and are rejected.

Bad lines stop the run with exit status 1 unless -skip-bad is given.

Time and order: two stories can be copies or versions of one story only if
their dates are within -window of each other, whatever order they come in
(an undated story is compared with every story held). Lines are answered as
they come, each against the stories before it; stories leave once they are
-window plus -lateness behind the oldest dates the input still brings, so a
feed in date order holds about -window plus -lateness of stories, and one out
of order holds what it still needs. A story that comes after stories of its
window left is answered against those still held, marked "late": true, and
counted on standard error at the end. With -batch the input is judged as one
collection: the same answers for every order of its lines, each story
compared with every story of its window, in input order at the end; a bad
line without -skip-bad ends the input there (the stories before it are
answered).

With -state FILE the detector's state (the stories held, their clusters and
the boilerplate learned) is loaded from FILE when it exists and saved to it at
the end, every -state-every stories, and on SIGINT or SIGTERM, so a later run
goes on where this one stopped. The flags that shape the state (-lang, -html,
-shingle, -hashes, -lsh-threshold, -seed, -boilerplate) are then taken from
FILE: leave them out, or give the values FILE was made with. Each save, and a
run that starts with FILE, says on standard error how many stories FILE has
taken in and the id of the last (kept in FILE.last): after a crash, resume
with the story after that one.

With -redis URL the state is shared, on a Redis server, by every run given
the same -redis server and -redis-name, whether they run one after the other
or at the same time (the workers of a pipeline): each story is judged
against the stories of all of them, as one detector given all their stories
in the order the server records them would judge it. Every run sharing a
state must be given the same values of the flags that shape the verdicts
(-lang, -html, -window, -lateness, -max-stories, -copy-containment,
-copy-jaccard, -min-shared, -same-story, -story-horizon, -event-horizon,
-boilerplate, -shingle, -hashes, -lsh-threshold, -seed); a run given other
values stops with exit status 2.
Workers whose stories are out of step (one a few days behind the other) are
one feed out of order: its lateness is allowed for, as above. -redis and
-state cannot be used together, nor with -batch.

See the package documentation (go doc ./examples/cluster) for details.

Flags:
`

// parseFlags reads the command line. It returns flag.ErrHelp for -h.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	c := &o.cfg
	fs := flag.NewFlagSet("cluster", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageHead)
		fs.PrintDefaults()
	}

	detector := cli.DetectorFlags(fs, c, nil)
	fs.IntVar(&o.maxLine, "max-line", 0, "longest input line read, in `bytes`; longer lines are bad input and are not held in memory (0 means 8 × max-text + 1 MiB)")
	fs.BoolVar(&o.passages, "passages", false, "add the evidence to each match: Jaccard, containment and similarity scores, and the passages the stories share, with byte offsets and quote flags")
	fs.BoolVar(&o.skipBad, "skip-bad", false, "report bad input lines on standard error and go on, instead of stopping")
	fs.BoolVar(&o.progress, "progress", false, "report progress on standard error once a second even when it is not a terminal")
	fs.BoolVar(&o.batch, "batch", false, "judge the input as one collection (an archive, a backfill): the same answers whatever the order of its lines, each story compared with every story of its window; answers are written, in input order, at the end (see Time and order below)")
	fs.StringVar(&o.state, "state", "", "state `file`: loaded at the start when it exists (else created), saved at the end, every -state-every stories and on SIGINT or SIGTERM")
	fs.IntVar(&o.stateEvery, "state-every", defaultStateEvery, "with -state, also save the state once this many `stories` have been added since the last save (at the end of the batch that reaches it); 0 saves only when the run ends")

	fs.StringVar(&o.redis, "redis", "", "share the detector's state with every run given the same server and -redis-name, on the Redis server at this `URL`: redis://[[user]:password@]host[:port][/db], or rediss:// for TLS (instead of -state)")
	fs.StringVar(&o.redisName, "redis-name", redisstore.DefaultName, "with -redis, the `name` of the shared state on the server (its keys start with {name}:)")

	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.files = fs.Args()
	o.set = make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })

	// A zero would silently mean the detector's default: refuse it.
	errs := []error{detector.Check()}
	if o.maxLine < 0 {
		errs = append(errs, fmt.Errorf("-max-line must not be negative, got %d", o.maxLine))
	}
	if o.stateEvery < 0 {
		errs = append(errs, fmt.Errorf("-state-every must not be negative, got %d", o.stateEvery))
	}
	if o.set["state-every"] && o.state == "" {
		errs = append(errs, errors.New("-state-every needs -state"))
	}
	errs = append(errs, redisFlagErrors(o)...)
	if o.batch && (o.state != "" || o.redis != "") {
		errs = append(errs, errors.New("-batch judges its input alone: it cannot be used with -state or -redis"))
	}
	if o.maxLine == 0 {
		o.maxLine = 8*c.MaxTextBytes + 1<<20
	}
	c.NoPassages = !o.passages
	if err := errors.Join(errs...); err != nil {
		return o, flagError{err}
	}
	return o, nil
}

// redisFlagErrors checks -redis and -redis-name.
func redisFlagErrors(o options) []error {
	var errs []error
	switch {
	case o.set["redis"] && o.redis == "":
		errs = append(errs, errors.New("-redis needs the URL of a Redis server, such as redis://127.0.0.1:6379/0"))
	case o.redis != "":
		if _, err := redis.ParseURL(o.redis); err != nil {
			// A URL that does not parse is not echoed: it may hold a
			// password.
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			errs = append(errs, fmt.Errorf("-redis: bad server URL: %w", err))
		}
	}
	if o.redis != "" && o.state != "" {
		errs = append(errs, errors.New("-redis and -state cannot be used together: with -redis the state is kept on the Redis server"))
	}
	switch {
	case o.set["redis-name"] && !o.set["redis"]:
		errs = append(errs, errors.New("-redis-name needs -redis"))
	case o.redisName == "":
		errs = append(errs, errors.New("-redis-name must not be empty"))
	case strings.ContainsAny(o.redisName, "{}"):
		errs = append(errs, fmt.Errorf("-redis-name must not contain braces, got %q", o.redisName))
	}
	return errs
}

// flagError is a flag value that parses but cannot be used.
type flagError struct{ error }

// flagHelp reports whether the error is a request for help.
func flagHelp(err error) bool { return errors.Is(err, flag.ErrHelp) }

// indent prefixes every line of s but the first.
func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n  ") }
