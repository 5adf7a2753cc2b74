package dedup

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/newsdup/newsdup/shingle"
)

// HTMLMode says whether story texts are HTML.
type HTMLMode uint8

const (
	// HTMLAuto treats a text as HTML when it contains a tag: a '<' followed
	// by a letter, or "</", closed by a '>' (see LooksLikeHTML). It is the
	// default.
	HTMLAuto HTMLMode = iota
	// HTMLNever treats every text as plain text.
	HTMLNever
	// HTMLAlways treats every text as HTML: tags are dropped and entities
	// decoded.
	HTMLAlways
)

// Defaults used for the zero fields of Config.
const (
	DefaultLanguage           = shingle.DefaultLanguage
	DefaultWindow             = 72 * time.Hour
	DefaultLateness           = 24 * time.Hour
	DefaultStoryHorizon       = 7 * 24 * time.Hour
	DefaultEventHorizon       = 30 * 24 * time.Hour
	DefaultMaxStories         = 2_000_000
	DefaultMaxTextBytes       = 4 << 20
	DefaultMaxFuture          = 48 * time.Hour
	DefaultShingleSize        = shingle.DefaultShingleSize
	DefaultNumHashes          = 128
	DefaultLSHThreshold       = 0.3
	DefaultCopyJaccard        = 0.5
	DefaultCopyContainment    = 0.7
	DefaultMinSharedShingles  = 8
	DefaultSameStoryThreshold = 0.33
	DefaultBoilerplateStories = 3
	DefaultMaxMatches         = 5
	DefaultMaxPassages        = 8
)

// MaxTextLimit is the highest Config.MaxTextBytes: a held story keeps the
// byte offsets of its words and quotes in 32 bits.
const MaxTextLimit = 1<<32 - 1

// MaxIDBytes is the longest story id a Detector accepts.
const MaxIDBytes = 1024

// Config configures a Detector. The zero Config is usable: every zero field
// means the documented default.
type Config struct {
	// Language is the language of stories that do not name one (Snowball
	// name, ISO 639-1 code, or a BCP 47 tag whose region and script subtags
	// are ignored); default "english". A language without a stemmer is an
	// error wrapping ErrUnknownLanguage.
	Language string
	// HTML says whether texts are HTML; default HTMLAuto.
	HTML HTMLMode

	// Window is how far apart in publication time two stories may be and
	// still be copies or versions of one story; it also bounds what is
	// held (see Lateness). Default 72 hours; a negative Window compares
	// every story with every other and keeps stories until MaxStories is
	// reached.
	Window time.Duration
	// Lateness is how far behind the stream's time a story may come and
	// still be compared with every story of its window: stories leave when
	// they are more than Window plus Lateness behind the stream (plus the
	// lateness the stream itself shows, when it comes out of order; see
	// Detector). A story that comes later is compared with the stories still
	// held and its Result says Late. Default 24 hours; a negative Lateness
	// allows only what the stream shows.
	Lateness time.Duration
	// MaxStories bounds the number of stories held, dated or not; when it
	// is reached the oldest story leaves. Default 2,000,000.
	MaxStories int
	// MaxTextBytes is the longest text accepted; longer ones get
	// ErrTooLarge. Default 4 MiB.
	MaxTextBytes int
	// MaxFuture is how far past the clock a publication time may lie before
	// it is rejected with ErrBadTime (a typo in a year must not empty the
	// window). Default 48 hours.
	MaxFuture time.Duration
	// Clock returns the current time; default time.Now.
	Clock func() time.Time

	// ShingleSize is the number of words in a shingle for copy detection;
	// default shingle.DefaultShingleSize (5).
	ShingleSize int
	// NumHashes is the MinHash signature length; default 128.
	NumHashes int
	// LSHThreshold is the shingle Jaccard similarity around which the
	// MinHash LSH index finds candidate copies; default 0.3. Copies trimmed
	// hard fall below it and are found through the story index instead.
	LSHThreshold float64
	// Seed seeds the MinHash functions; signatures depend on it.
	Seed uint64

	// CopyJaccard is the shingle Jaccard similarity at or above which two
	// stories are copies; default 0.5.
	CopyJaccard float64
	// CopyContainment is the share of the smaller story's shingles that must
	// be found in the larger one for a copy; default 0.7, so a copy cut to
	// its first 40% is still a copy of the full story.
	CopyContainment float64
	// MinSharedShingles is the least number of shingles, outside site
	// boilerplate, that two copies must share; default 8.
	MinSharedShingles int

	// SameStoryThreshold is the similarity to a cluster as a whole at or
	// above which a story that is not a copy joins it as the same story;
	// default 0.33. Higher keeps more stories apart.
	SameStoryThreshold float64
	// StoryHorizon is how long after its latest story a cluster stays
	// joinable as the same story: follow-ups, reactions and later reports
	// of an event come days later. The similarity a story needs grows with
	// its distance from the cluster's stories beyond Window (see
	// Detector). A cluster whose stories all left the window keeps only
	// what the story tier compares (its centroid, lines and years). Default
	// 7 days; a negative StoryHorizon keeps clusters only while they hold
	// stories, joinable within Window.
	StoryHorizon time.Duration
	// EventHorizon is how long after its latest story a cluster stays joinable
	// by a story that names a day of its event: a day one of its stories was
	// published on, or named in the week before it was published ("Friday",
	// "March 18"), or the day before one ("Update: man wounded in Nov. 2
	// shooting dies", three weeks on). English month names are read ("Nov. 2",
	// "November 2, 2016"); a day without a year is taken in the year that puts
	// it nearest before the story's date; a story that names more than two
	// days names none. Such a story is held to half the similarity penalty of
	// the story horizon (0.1 at most, however far back). Past the story
	// horizon a cluster is kept in outline (its 32 heaviest terms, its years,
	// times and event days), found only by its days and heaviest terms.
	// Default 30 days; a value not above StoryHorizon, or negative, turns this
	// off.
	EventHorizon time.Duration

	// BoilerplateStories is the number of different clusters a line of text
	// must have appeared in before it counts as site boilerplate (sign-up
	// boxes, "Check also" links, author boxes) and is ignored; default 3,
	// at most 8.
	BoilerplateStories int

	// MaxMatches bounds the matches listed in a Result; default 5.
	MaxMatches int
	// MaxPassages bounds the passages listed in a Match; default 8.
	MaxPassages int
	// NoPassages skips finding shared passages, for callers that only need
	// verdicts: it saves re-reading the matched stories.
	NoPassages bool
}

func (c Config) withDefaults() (Config, error) {
	if c.Language == "" {
		c.Language = DefaultLanguage
	}
	if c.Window == 0 {
		c.Window = DefaultWindow
	}
	if c.Lateness == 0 {
		c.Lateness = DefaultLateness
	} else if c.Lateness < 0 {
		c.Lateness = -1 // canonical: a negative lateness allows none
	}
	if c.StoryHorizon == 0 {
		c.StoryHorizon = DefaultStoryHorizon
	}
	if c.EventHorizon == 0 {
		c.EventHorizon = DefaultEventHorizon
	}
	if c.MaxStories == 0 {
		c.MaxStories = DefaultMaxStories
	}
	if c.MaxTextBytes == 0 {
		c.MaxTextBytes = DefaultMaxTextBytes
	}
	if c.MaxFuture == 0 {
		c.MaxFuture = DefaultMaxFuture
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.ShingleSize == 0 {
		c.ShingleSize = DefaultShingleSize
	}
	if c.NumHashes == 0 {
		c.NumHashes = DefaultNumHashes
	}
	if c.LSHThreshold == 0 {
		c.LSHThreshold = DefaultLSHThreshold
	}
	if c.CopyJaccard == 0 {
		c.CopyJaccard = DefaultCopyJaccard
	}
	if c.CopyContainment == 0 {
		c.CopyContainment = DefaultCopyContainment
	}
	if c.MinSharedShingles == 0 {
		c.MinSharedShingles = DefaultMinSharedShingles
	}
	if c.SameStoryThreshold == 0 {
		c.SameStoryThreshold = DefaultSameStoryThreshold
	}
	if c.BoilerplateStories == 0 {
		c.BoilerplateStories = DefaultBoilerplateStories
	}
	if c.MaxMatches == 0 {
		c.MaxMatches = DefaultMaxMatches
	}
	if c.MaxPassages == 0 {
		c.MaxPassages = DefaultMaxPassages
	}
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, args...)...))
	}
	if c.HTML > HTMLAlways {
		bad("HTML mode %d", c.HTML)
	}
	if c.MaxStories < 0 {
		bad("MaxStories %d is negative", c.MaxStories)
	}
	if c.MaxTextBytes < 0 || c.MaxTextBytes > MaxTextLimit {
		bad("MaxTextBytes %d outside 0..%d", c.MaxTextBytes, MaxTextLimit)
	}
	if c.MaxFuture < 0 {
		bad("MaxFuture %v is negative", c.MaxFuture)
	}
	if c.ShingleSize < 1 || c.ShingleSize > 16 {
		bad("ShingleSize %d outside 1..16", c.ShingleSize)
	}
	if c.NumHashes < 8 || c.NumHashes > 1024 {
		bad("NumHashes %d outside 8..1024", c.NumHashes)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"LSHThreshold", c.LSHThreshold},
		{"CopyJaccard", c.CopyJaccard},
		{"CopyContainment", c.CopyContainment},
		{"SameStoryThreshold", c.SameStoryThreshold},
	} {
		if !(f.v > 0 && f.v <= 1) {
			bad("%s %v outside (0, 1]", f.name, f.v)
		}
	}
	if c.MinSharedShingles < 1 {
		bad("MinSharedShingles %d is below 1", c.MinSharedShingles)
	}
	if c.BoilerplateStories < 2 || c.BoilerplateStories > maxBoilerplateStories {
		bad("BoilerplateStories %d outside 2..%d", c.BoilerplateStories, maxBoilerplateStories)
	}
	if c.MaxMatches < 1 {
		bad("MaxMatches %d is below 1", c.MaxMatches)
	}
	if c.MaxPassages < 1 {
		bad("MaxPassages %d is below 1", c.MaxPassages)
	}
	if an, err := shingle.NewAnalyzer(shingle.Config{Language: c.Language}); err != nil {
		errs = append(errs, fmt.Errorf("%w: %w: %v", ErrInvalidConfig, ErrUnknownLanguage, err))
	} else {
		c.Language = an.Language() // canonical: "en" becomes "english"
	}
	return c, errors.Join(errs...)
}

// agreedField is a field of Config that detectors sharing a state must
// agree on.
type agreedField struct {
	name string
	// state marks the fields that shape the state a snapshot holds; a
	// snapshot records them. Stores record every field: the others shape
	// the verdicts.
	state bool
	// ptr returns a pointer to the field: *string, *int, *uint64,
	// *float64, *HTMLMode or *time.Duration.
	ptr func(*Config) any
}

// agreedFields lists the fields of Config that must agree between a detector
// and the snapshot it loads (those marked state) or the store it shares
// (all), in the order snapshots and stores record them.
var agreedFields = []agreedField{
	{"Language", true, func(c *Config) any { return &c.Language }},
	{"ShingleSize", true, func(c *Config) any { return &c.ShingleSize }},
	{"NumHashes", true, func(c *Config) any { return &c.NumHashes }},
	{"Seed", true, func(c *Config) any { return &c.Seed }},
	{"LSHThreshold", true, func(c *Config) any { return &c.LSHThreshold }},
	{"BoilerplateStories", true, func(c *Config) any { return &c.BoilerplateStories }},
	{"HTML", true, func(c *Config) any { return &c.HTML }},
	{"Window", false, func(c *Config) any { return &c.Window }},
	{"Lateness", false, func(c *Config) any { return &c.Lateness }},
	{"MaxStories", false, func(c *Config) any { return &c.MaxStories }},
	{"CopyJaccard", false, func(c *Config) any { return &c.CopyJaccard }},
	{"CopyContainment", false, func(c *Config) any { return &c.CopyContainment }},
	{"MinSharedShingles", false, func(c *Config) any { return &c.MinSharedShingles }},
	{"SameStoryThreshold", false, func(c *Config) any { return &c.SameStoryThreshold }},
	{"StoryHorizon", false, func(c *Config) any { return &c.StoryHorizon }},
	{"EventHorizon", false, func(c *Config) any { return &c.EventHorizon }},
}

// text returns the field's value in c as text.
func (f agreedField) text(c *Config) string {
	switch p := f.ptr(c).(type) {
	case *string:
		return *p
	case *time.Duration:
		return p.String()
	case *float64:
		return fmt.Sprint(*p)
	default:
		return fmt.Sprint(f.bits(c))
	}
}

// bits returns the value of a field that is not a string as the number a
// snapshot records.
func (f agreedField) bits(c *Config) uint64 {
	switch p := f.ptr(c).(type) {
	case *int:
		return uint64(*p)
	case *uint64:
		return *p
	case *float64:
		return math.Float64bits(*p)
	case *HTMLMode:
		return uint64(*p)
	case *time.Duration:
		return uint64(*p)
	}
	panic("dedup: agreed field " + f.name + " is a string")
}

// set sets the field in c from its text (strings) or bits (the rest).
func (f agreedField) set(c *Config, text string, bits uint64) {
	switch p := f.ptr(c).(type) {
	case *string:
		*p = text
	case *int:
		*p = int(bits)
	case *uint64:
		*p = bits
	case *float64:
		*p = math.Float64frombits(bits)
	case *HTMLMode:
		*p = HTMLMode(bits)
	case *time.Duration:
		*p = time.Duration(bits)
	}
}

// isString reports whether the field is a string.
func (f agreedField) isString() bool {
	_, ok := f.ptr(&Config{}).(*string)
	return ok
}

// isZero reports whether the field is unset in c.
func (f agreedField) isZero(c *Config) bool {
	if f.isString() {
		return f.text(c) == ""
	}
	return f.bits(c) == 0
}

// copyTo sets the field of dst to its value in src.
func (f agreedField) copyTo(dst, src *Config) {
	if f.isString() {
		f.set(dst, f.text(src), 0)
	} else {
		f.set(dst, "", f.bits(src))
	}
}
