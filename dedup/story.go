package dedup

import (
	"fmt"
	"time"
)

// Story is one news article given to a Detector.
type Story struct {
	// ID names the story; it must be unique among the stories a Detector
	// holds, non-empty and at most MaxIDBytes bytes.
	ID string
	// Text is the body of the story: plain text, or HTML (see Config.HTML).
	// Paragraphs are best separated by line breaks. Empty text, or text with
	// no words, is an error (ErrEmptyText).
	Text string
	// Title is the headline, optional. It counts towards what the story is
	// about but not towards copy detection, so a re-headlined copy is still a
	// copy.
	Title string
	// Source names the outlet, optional; it is carried through to clusters
	// and results. Matching uses it for one thing: the lines opening and
	// closing two stories of one source (the site's header and footer)
	// cannot make them copies before the site's furniture is learned.
	Source string
	// Time is the publication time; the zero Time means unknown. Dated
	// stories drive the time window (Config.Window); see Detector for how
	// undated stories are handled.
	Time time.Time
	// Language is a Snowball language name or ISO 639-1 code ("english",
	// "en", "fr", ...), or a BCP 47 tag whose region and script subtags are
	// ignored ("en-US" is English); empty means Config.Language. A language
	// without a stemmer (see shingle.SupportedLanguages) is rejected with
	// ErrUnknownLanguage.
	Language string
}

// Kind is the verdict for a story, and the kind of one match.
type Kind uint8

const (
	// New means the story matches nothing the detector holds: it starts a
	// cluster of its own.
	New Kind = iota
	// Copy means the story is a copy of an earlier one: the same text
	// republished, possibly trimmed, re-headlined, wrapped in site
	// boilerplate or lightly edited. Copies share most of their word
	// shingles (Config.CopyJaccard, Config.CopyContainment).
	Copy
	// SameStory means the story is another version of a story the detector
	// holds: a rewrite around the same facts, names and quotes, not a copy
	// of its text.
	SameStory
)

var kindNames = [...]string{New: "new", Copy: "copy", SameStory: "same_story"}

// String returns "new", "copy" or "same_story".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// MarshalText encodes k as its String form, for JSON.
func (k Kind) MarshalText() ([]byte, error) {
	if int(k) >= len(kindNames) {
		return nil, fmt.Errorf("dedup: invalid kind %d", uint8(k))
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText decodes the String form of a Kind.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, n := range kindNames {
		if string(b) == n {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("dedup: unknown kind %q (want new, copy or same_story)", b)
}

// Passage is a stretch of text two stories share: a byte range of the story
// that was added or queried, and the byte range of the matched story it
// corresponds to.
type Passage struct {
	// Start and End delimit the passage in the story's Text.
	Start, End int
	// MatchStart and MatchEnd delimit it in the matched story's Text.
	MatchStart, MatchEnd int
	// Text is the passage as it reads in the story: Text[Start:End].
	Text string
	// Quote reports that the passage lies in a quotation, text inside quote
	// marks, in either story: shared quotes are the strongest sign that two
	// differently written stories report the same event.
	Quote bool
}

// Span is a byte range [Start, End) of a story's Text.
type Span struct{ Start, End int }

// Match is one earlier story that a story was found to match, with the
// evidence.
type Match struct {
	// ID is the matched story's id.
	ID string
	// Kind is Copy or SameStory.
	Kind Kind
	// Score is the similarity that decided the match: for a copy the larger
	// of Jaccard and Containment, for the same story the Similarity.
	Score float64
	// Jaccard is the exact Jaccard similarity of the two stories' word
	// shingle sets (site boilerplate excluded).
	Jaccard float64
	// Containment is the share of the smaller shingle set found in the
	// larger one: 1 for a copy cut to any length.
	Containment float64
	// Similarity is the cosine similarity of the two stories' term vectors
	// (stemmed words weighted by rarity, names and lead).
	Similarity float64
	// Passages are the stretches of text the two stories share, in the order
	// they appear in the story, longest first when there are too many to
	// list (at most Config.MaxPassages).
	Passages []Passage
}

// Result is the verdict for one story.
type Result struct {
	// ID is the story's id.
	ID string
	// Kind is New, Copy or SameStory.
	Kind Kind
	// Cluster is the id of the cluster the story belongs to (after Add) or
	// would join (after Query). A new story's cluster is named after it.
	Cluster string
	// Score is the similarity of the story to the cluster it joined: the
	// best copy score for a copy, the similarity to the cluster as a whole
	// for the same story, 0 for a new story.
	Score float64
	// Matches are the earlier stories the verdict rests on, best first:
	// copies, then other members of the cluster by similarity (the most
	// similar of its latest 64); at most Config.MaxMatches.
	Matches []Match
	// Boilerplate are the byte ranges of the story's Text that the detector
	// took for site boilerplate (lines seen in Config.BoilerplateStories
	// different clusters) and left out of the comparison, in text order.
	Boilerplate []Span
	// Merged are the ids of the clusters that this story showed to be the
	// same story as Cluster, and that were merged into it when the story
	// was added (after Query: would be), in the order they started. Their
	// stories now belong to Cluster, which is the oldest of them: a
	// pipeline that stored cluster ids relabels the stories of these
	// clusters with Cluster. Clusters merge only when they agree with each
	// other as wholes, never through one story alone (see the package
	// documentation). Batch's results name each story's final cluster and
	// list none.
	Merged []string
	// Late reports a story that came after stories published within
	// Config.Window of it had left the detector (more than Window plus the
	// lateness allowed behind the stream; see Config.Lateness): it was
	// compared with the stories still held, so it may have missed copies or
	// versions among those that left. Batch processing is never late.
	Late bool
}

// Cluster is one story with all the versions of it that the detector holds.
type Cluster struct {
	// ID names the cluster: by default the id of its earliest story. It does
	// not change when that story leaves the window.
	ID string
	// Stories are the ids of the members, in the order they were added.
	Stories []string
	// First and Last are the earliest and latest publication times of the
	// dated members, in UTC (zero when none is dated).
	First, Last time.Time
}
