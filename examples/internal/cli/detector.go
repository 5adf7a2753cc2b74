package cli

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/newsdup/newsdup/dedup"
	"github.com/newsdup/newsdup/shingle"
)

// HTML is a flag.Value for dedup.HTMLMode: auto, never or always.
type HTML struct{ M *dedup.HTMLMode }

var htmlModes = []string{dedup.HTMLAuto: "auto", dedup.HTMLNever: "never", dedup.HTMLAlways: "always"}

// String returns the mode's name.
func (h HTML) String() string {
	if h.M == nil || int(*h.M) >= len(htmlModes) {
		return ""
	}
	return htmlModes[*h.M]
}

// Set parses auto, never or always.
func (h HTML) Set(s string) error {
	for i, name := range htmlModes {
		if s == name {
			*h.M = dedup.HTMLMode(i)
			return nil
		}
	}
	return errors.New("want auto, never or always")
}

// DetectorFlagSet is what DetectorFlags declared: the names of the flags,
// and the checks to run on their values once the command line is parsed.
type DetectorFlagSet struct {
	c      *dedup.Config
	names  []string // the names declared, in declaration order
	checks []func() error
}

// DetectorFlags declares on fs one flag for each setting of the detector
// that a user may tune, bound to the fields of c, with package dedup's
// defaults (c's fields are set to them, so a program that leaves a flag out
// still gets the default): -lang, -html, -window, -lateness, -story-horizon,
// -event-horizon,
// -max-stories, -max-text,
// -max-future, -copy-containment, -copy-jaccard, -min-shared, -same-story,
// -boilerplate, -shingle, -hashes, -lsh-threshold, -seed, -max-matches and
// -max-passages. c.NoPassages and c.Clock are left to the program.
//
// rename maps a flag's name above to the name the program gives it, for a
// program that has long used another one; an empty name leaves the flag out
// (the program uses the name for something else, or has no use for the
// setting), and its field keeps the default. A nil map declares them all.
//
// Call Check on the result after fs.Parse.
func DetectorFlags(fs *flag.FlagSet, c *dedup.Config, rename map[string]string) *DetectorFlagSet {
	c.Language = dedup.DefaultLanguage
	c.HTML = dedup.HTMLAuto
	c.Window = dedup.DefaultWindow
	c.Lateness = dedup.DefaultLateness
	c.StoryHorizon = dedup.DefaultStoryHorizon
	c.EventHorizon = dedup.DefaultEventHorizon
	c.MaxStories = dedup.DefaultMaxStories
	c.MaxTextBytes = dedup.DefaultMaxTextBytes
	c.MaxFuture = dedup.DefaultMaxFuture
	c.CopyContainment = dedup.DefaultCopyContainment
	c.CopyJaccard = dedup.DefaultCopyJaccard
	c.MinSharedShingles = dedup.DefaultMinSharedShingles
	c.SameStoryThreshold = dedup.DefaultSameStoryThreshold
	c.BoilerplateStories = dedup.DefaultBoilerplateStories
	c.ShingleSize = dedup.DefaultShingleSize
	c.NumHashes = dedup.DefaultNumHashes
	c.LSHThreshold = dedup.DefaultLSHThreshold
	c.Seed = 0
	c.MaxMatches = dedup.DefaultMaxMatches
	c.MaxPassages = dedup.DefaultMaxPassages

	d := &DetectorFlagSet{c: c}
	// name returns the name to declare the flag under, "" to leave it out.
	name := func(std string) string {
		n, ok := rename[std]
		if !ok {
			n = std
		}
		if n != "" {
			d.names = append(d.names, n)
		}
		return n
	}
	intVar := func(p *int, std, usage string) {
		if n := name(std); n != "" {
			fs.IntVar(p, n, *p, usage)
			d.checks = append(d.checks, func() error { return positive(n, *p) })
		}
	}
	floatVar := func(p *float64, std, usage string) {
		if n := name(std); n != "" {
			fs.Float64Var(p, n, *p, usage)
			d.checks = append(d.checks, func() error { return positive(n, *p) })
		}
	}

	if n := name("lang"); n != "" {
		fs.StringVar(&c.Language, n, c.Language, "`language` of stories without a \"lang\" field: "+shingle.SupportedLanguages()+
			"; a region or script subtag is ignored (en-US, en_GB and fr-CA are en and fr); other languages (de, pt, ...) have no stemmer here and are rejected")
	}
	if n := name("html"); n != "" {
		fs.Var(HTML{&c.HTML}, n, "whether texts are HTML (`mode`): auto (when a text holds tags or entities), never or always")
	}
	if n := name("window"); n != "" {
		fs.Var(Window{D: &c.Window}, n, "how far apart in publication time two stories may be and still be copies or versions of one story (a `duration`); it also bounds what is held; off compares every story with every other and keeps stories until -max-stories")
	}
	if n := name("lateness"); n != "" {
		fs.Var(Lateness{D: &c.Lateness}, n, "how far behind the stream's time a story may come and still be compared with every story of its window (a `duration`; the lateness the stream shows is allowed too); later stories are marked late; 0 allows only what the stream shows")
	}
	intVar(&c.MaxStories, "max-stories", "most stories remembered at once; the oldest is forgotten beyond it")
	intVar(&c.MaxTextBytes, "max-text", "longest story text (and title) accepted, in `bytes`; longer ones are bad input")
	if n := name("max-future"); n != "" {
		fs.DurationVar(&c.MaxFuture, n, c.MaxFuture, "how far past the current time a story's date may lie before it counts as a bad date")
		d.checks = append(d.checks, func() error { return positive(n, c.MaxFuture) })
	}

	floatVar(&c.CopyContainment, "copy-containment", "a story is a copy when at least this share of the shorter text's word sequences is found in the other (catches trimmed copies)")
	floatVar(&c.CopyJaccard, "copy-jaccard", "... or when the two texts share at least this share of all their word sequences (Jaccard similarity)")
	intVar(&c.MinSharedShingles, "min-shared", "least number of word sequences, outside site boilerplate, two copies must share")
	if n := name("story-horizon"); n != "" {
		fs.Var(Window{D: &c.StoryHorizon}, n, "how long after its latest story a cluster stays joinable as the same story (a `duration`; the similarity needed grows beyond -window); off keeps a cluster joinable only within -window of its stories")
	}
	if n := name("event-horizon"); n != "" {
		fs.Var(Window{D: &c.EventHorizon}, n, "how long after its latest story a cluster stays joinable by a story that names a day of its event (\"Nov. 2\": a day its stories were published on or named in the week before, or the day before one; a story naming more than two days names none), with half the similarity penalty of -story-horizon (a `duration`); off, or one not above -story-horizon, turns this off")
	}
	floatVar(&c.SameStoryThreshold, "same-story", "similarity to a cluster as a whole (0 to 1) at which a story that is not a copy joins it as the same story; higher keeps more stories apart")
	intVar(&c.BoilerplateStories, "boilerplate", "a line of text seen in this many different clusters counts as site boilerplate (sign-up boxes, footers) and is ignored (at most 8)")
	intVar(&c.ShingleSize, "shingle", "words in the word sequences (shingles) compared for copies")
	intVar(&c.NumHashes, "hashes", "length of the MinHash signature used to find candidate copies: more is more precise and slower")
	floatVar(&c.LSHThreshold, "lsh-threshold", "Jaccard similarity around which the MinHash index finds candidate copies")
	if n := name("seed"); n != "" {
		fs.Uint64Var(&c.Seed, n, c.Seed, "seed of the MinHash functions")
	}

	intVar(&c.MaxMatches, "max-matches", "most matches listed per story")
	intVar(&c.MaxPassages, "max-passages", "most shared passages listed per match (with -passages)")
	return d
}

// Names returns the names of the flags declared, in the order declared.
func (d *DetectorFlagSet) Names() []string { return append([]string(nil), d.names...) }

// Check returns an error naming each flag whose value parses but cannot be
// used: zero or below where the detector needs a positive value (a zero
// would silently mean the detector's default). Bounds that depend on the
// detector (a threshold above 1, -boilerplate above 8) are left to
// dedup.NewDetector, which names the Config field.
func (d *DetectorFlagSet) Check() error {
	var errs []error
	for _, check := range d.checks {
		if err := check(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// positive returns an error unless the value of the flag name is above 0.
func positive[T int | float64 | time.Duration](name string, v T) error {
	if v > 0 {
		return nil
	}
	return fmt.Errorf("-%s must be above 0, got %v", name, v)
}
