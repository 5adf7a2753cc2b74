// Package dedup finds copies and rewrites among news stories and groups every
// version of one story into a cluster.
//
// It is the stage users call, at the end of the newsdup pipeline:
//
//	normalise -> tokenise -> filter -> stem -> shingle -> sign -> index -> cluster
//
// built on package shingle (text to tokens and 64-bit feature hashes),
// dedup/minhash and dedup/lsh (MinHash signatures and their LSH index),
// simhash (64-bit fingerprints and a Hamming-distance index) and
// dedup/cluster (centroids and the story index).
//
// # Verdicts
//
// A Detector holds the stories of a time window. Detector.Add compares a story
// with them and returns a Result: New, Copy or SameStory, the cluster the
// story belongs to, and the matches the verdict rests on with the text they
// share.
//
// Copy means the same text republished: trimmed, re-headlined, wrapped in site
// boilerplate, lightly edited. Candidates come from the MinHash LSH index over
// word 5-shingles (Broder 1997; one-permutation hashing with densification),
// from the SimHash index (Charikar 2002; Manku, Jain and Das Sarma 2007)
// when the LSH index gives none, or more than are checked, from anchor
// shingles (one shingle in eight, chosen by its hash, so a copy
// cut to a few paragraphs of a long story, far from it in Jaccard
// similarity, still shares some with it) and from the latest members of the
// clusters most alike in words; each is
// verified on the exact shingle sets: Jaccard similarity of at least
// Config.CopyJaccard, or containment (the share of the smaller set found in
// the larger) of at least Config.CopyContainment, so that a copy cut to its
// first 40% is still a copy; at least Config.MinSharedShingles shingles
// shared outside boilerplate; and figures that agree (two reports written from
// one template with different numbers are not copies). A digest (a page that
// strings unrelated stories together) holds each of them word for word, but
// is not taken as their original: a story contained in a held story that
// already carries an unrelated one is not its copy, and a story that contains
// two unrelated held stories is a copy of neither, so a digest cannot pull the
// stories it carries into one cluster (only the first it is seen to carry,
// before a second tells it for a digest, joins it).
//
// SameStory means a rewrite around the same facts, names and quotes. Two such
// stories share few shingles (the seed stories of this project share about 5%
// of their word 3-shingles), so this tier compares term vectors: stemmed
// words weighted by rarity, by position (the lead, headline included, says
// what a story is about) and by being a name or a figure (which says which
// story of its kind it is: which earthquake, which player, which deal). Rarity
// is the inverse document frequency over an embedded background table of news
// counts and the clusters held, so a fresh detector is not blind and a
// running one learns which names are the topic of the moment. A story joins the cluster most similar to it as a
// whole (the cosine with the cluster centroid) when that similarity reaches
// Config.SameStoryThreshold; stories naming different latest years are pushed
// apart, and text shared word for word with the cluster (boilerplate not yet
// learned, a "Check also" teaser, quotes) is not allowed to decide alone.
// Clusters are found through an index of each cluster's heaviest terms, so
// the cost of a story does not grow with the number of stories held.
//
// A story told over days can start as two clusters whose reports share too
// little to join. When a story is the same story as two clusters and the two
// agree with each other as wholes (the cosine of their centroids, before the
// story is added, is 0.5 or more, less the year penalty), they are fragments
// of one story: they merge into the older cluster, which keeps its id, and
// the story's Result.Merged lists the ids absorbed. Clusters, snapshots and
// the shared log follow the merge; the verdicts given before it are not
// revised, so a caller that stored cluster ids relabels the stories of the
// absorbed clusters. The clusters must agree on their own: one bridging story,
// or a digest, cannot chain two stories together.
//
// Shared passages (Match.Passages) are runs of word 3-shingles that two
// stories share in the same order; passages inside quotation marks are
// flagged, as shared quotes are the clearest sign that two differently
// written stories report one event.
//
// # Site boilerplate
//
// Lines that recur in stories of Config.BoilerplateStories different clusters
// (newsletter boxes, share buttons, author boxes) are learned from the stream
// and left out of every comparison. What is learned outlives the time window,
// in a table of bounded size that keeps the lines that keep recurring.
//
// # Time, order and memory
//
// Time belongs to the stories, not to their arrival. Two dated stories can be
// copies only if published within Config.Window (72 hours by default) of each
// other, whatever order they come in, and a story can join a cluster as the
// same story within Config.StoryHorizon (7 days) of the cluster's stories,
// needing more similarity beyond the window; an undated story is compared
// with every story held. What is held is bounded by a watermark that trails
// the stream by Window plus Config.Lateness and that one wrong date cannot
// move; a feed out of order keeps what it still needs, and a story that
// comes after stories of its window left says so (Result.Late). A cluster
// whose stories left keeps only its summary until its horizon passes; the
// summary counts the stories held and the first few to leave, so its size
// does not grow with the cluster's age.
//
// A report weeks after an event names its day ("Update: man wounded in
// Nov. 2 shooting dies"). Past the story horizon a cluster is kept in outline
// (its 32 heaviest terms, years, times and the days of its event: the days
// its stories were published on, and the days they name in the week before,
// as dates or weekdays) until Config.EventHorizon (30 days) after its latest
// story, found through an index of its days and heaviest terms; a story that
// names one of those days, or the day before one, in English ("Nov. 2",
// "November 2, 2016", read against the story's own date) may join it, with
// half the penalty for the time between them that the story horizon sets
// (0.1 at most). A story that names no such day cannot, nor one that names
// more than two days (a calendar, a roundup, market figures by day).
//
// A held story keeps what decisions need in compact form (record.go,
// words.go): its words as indexes into its term vector (whose terms give
// their word ids) with byte offsets coded in about one byte a word
// (passages are placed from them, the caller keeps the text), its term
// vector with 16-bit weights, all packed without pointers into chunks
// shared by the stories that arrive together; not its shingles, which are
// hashed again from the ids when a copy check needs them.
// Streamed results depend on the order of arrival and are deterministic for
// a given order; Batch judges a finite collection the same way whatever its
// order, and then takes a second look a stream cannot: it merges the
// clusters that agree as wholes (their stories' mean similarity, pair by
// pair) and are near in time, so that fragments of one story that no later
// story bridged end as one cluster. See timeline.go for the watermark's
// rules.
//
// # State across restarts and workers
//
// Detector.Save and Load (SaveFile and LoadFile, which write atomically)
// keep a detector's whole state in a versioned, checksummed snapshot, so a
// pipeline that restarts goes on where it stopped.
//
// Several workers share one state through a Store (NewSharedDetector): the
// store keeps the ordered log of every worker's stories with the verdicts
// they were given, and each worker's detector applies it, so the workers'
// verdicts are those one detector would have given all their stories. A
// story is appended only at the position after the last one its worker has
// taken in, so two workers adding copies of one story at the same moment
// put them in one cluster. MemoryStore shares a state inside one process;
// package dedup/redisstore shares it on a Redis server, where the time window
// maps onto the expiry of the log's entries.
//
// # Layout of this package
//
// Detector (detector.go) is the API and the one write path every change
// takes: prepare (prepare.go: checks and text analysis, outside the lock)
// -> decide (decide.go: the copy tier of copytier.go, then the story tier
// of storytier.go, on features computed by features.go; they read the state
// and change nothing) -> commit (nothing for a detector alone; an append to
// the Store's log for a shared one, shared.go) -> apply -> evict. The state
// type (state.go) owns what is held: stories, clusters, the LSH, SimHash,
// anchor (anchors.go) and term indexes, document frequencies (idf.go), the
// boilerplate line table (boilerplate.go) and the window queue; its methods
// are the only code that changes them. result.go and passages.go turn a
// decision into a Result. Snapshots (snapshot.go), log entries (logentry.go)
// and the embedded background table share one binary codec
// (internal/wire); agreedFields (config.go) lists the configuration that a
// snapshot or a store must agree on.
package dedup
