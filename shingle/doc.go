// Package shingle turns news text into features: tokens with byte offsets
// into the original text, and stable 64-bit hashes of word shingles and
// character grams.
//
// It is the first stage of the newsdup pipeline:
//
//	normalise -> tokenise -> filter -> stem -> shingle -> sign (MinHash, SimHash) -> index (LSH) -> cluster
//
// and everything after it speaks in the 64-bit hashes it produces.
//
// # Stages
//
// An Analyzer chains normalisation, tokenisation, stop-word flagging and
// Snowball stemming in one pass over the original text (Analyzer.Tokens,
// or Analyzer.TokensSeq for an iterator). RemoveStop and Filter drop tokens
// in place. WordShingles combines the token hashes of k consecutive tokens
// into one hash per window; CharGrams hashes character k-grams of the
// normalised text. Normalize and NormalizeString expose the normaliser on
// its own. Every hot path appends to a caller's buffer, and has an iter.Seq
// twin.
//
// # Normalisation
//
// Unicode apostrophes, quotes and dashes are unified to ASCII, the text is
// put in Unicode NFKC form and case-folded, and white space is collapsed.
// When Config.HTML is set, tags, comments and the contents of <script> and
// <style> are dropped and character references (&eacute;, &#8217;) are
// decoded, in-stream, while scanning. A tag separates words. A '<' that no
// '>' ever closes, and an '&' that starts no valid single-character
// reference, are ordinary text; an unclosed <script> or <style> element
// runs to the end of the text. A tag ends at the first '>', even inside a
// quoted attribute value.
//
// # Tokens
//
// A token is a run of Unicode letters, digits and combining marks. Each
// Token carries Start and End, byte offsets into the original text (the
// raw HTML when Config.HTML is set; the original bytes when NFKC changed a
// rune), so text[Start:End] is always the token's source. The rules for
// the tricky cases:
//
//   - Apostrophes. In English an apostrophe between a letter or digit and
//     a letter stays inside the word: "Putin's" is one token, Term
//     "putin's", which the English stemmer reduces to "putin" (with
//     Config.NoStem the Term stays "putin's"). In the other languages the
//     apostrophe separates words, which splits French elisions: "l'homme"
//     gives "l" (a stop word) and "homme".
//   - Hyphens and dashes separate words: "NATO-Russia" gives "nato" and
//     "russia", which matches rewrites that drop or add the hyphen.
//   - Dotted abbreviations of single letters keep their inner dots:
//     "U.S." gives the Term "u.s" (the span includes the final dot), which
//     never collides with the pronoun "us". "U.S" without the final dot
//     gives the same Term. "e.g." gives "e.g".
//   - Numbers are flagged Number. The digit-group mark is dropped and the
//     decimal mark becomes '.': in English "2,000" and "2000" are both
//     "2000" and "3.5" is "3.5"; in the other languages, which write
//     "2.000" and "3,5", those give "2000" and "3.5" too. A mark is a group
//     mark only when exactly three digits follow it. "3.5%" gives the
//     Number "3.5"; the '%' is not part of any token. Numbers and
//     abbreviations are never stemmed.
//   - Capital is set when the first letter is upper case in the original
//     text; Term is always case-folded.
//   - Other punctuation, symbols, control characters (NUL included) and
//     HTML tags separate words. Each invalid UTF-8 byte is a separator.
//     The soft hyphen (U+00AD) and the word joiner (U+2060) inside a word
//     are skipped without splitting it.
//   - A run longer than MaxTokenLen (256) bytes is split into consecutive
//     tokens of at most that length, cut at rune boundaries: offsets stay
//     exact, nothing is lost, and no term is longer than a few hundred
//     bytes, whatever the input.
//
// Empty text gives no tokens. Tokens of one text never overlap and come in
// order of Start.
//
// # Stop words and stemming
//
// Stop words are kept and flagged Stop (RemoveStop drops them). Stemming
// uses the Snowball stemmers of github.com/kljensen/snowball for English,
// Spanish, French, Russian, Swedish, Norwegian and Hungarian, named by
// Snowball name or ISO 639-1 code; region and script subtags of a BCP 47
// tag are ignored ("en-US" is English, "nb-NO" Norwegian). A language
// without a stemmer here (German, Portuguese, ...) is an error from
// NewAnalyzer (ErrUnknownLanguage, listing the supported languages), never
// a silent fallback to another language's rules. Snowball costs about 650 ns and two allocations a word,
// so results are cached: one bounded cache per language, stemming mode and
// size, shared by every Analyzer with that configuration and safe for
// concurrent use (sharded maps with two generations each, so frequent
// words stay and rare ones age out; Config.CacheSize entries at most,
// DefaultCacheSize by default). Each call also uses a small lock-free
// per-goroutine cache in front of it. Words longer than 64 bytes are never
// cached. The cache also keeps concurrent analyzers off the Hungarian
// stemmer, which serialises on a global lock. News text is Zipfian, so after a warm-up nearly every word is a
// hit, and Tokens into a reused slice does not allocate.
//
// # Hashes
//
// Token.Hash is HashString(Term): XXH64 (seed 0) of the term's UTF-8
// bytes. A word shingle's hash is XXH64 (seed 0) of its token hashes
// written as consecutive 8-byte little-endian words (ShingleHash); a
// character gram's hash is XXH64 (seed 0) of its UTF-8 bytes. None depends
// on the process, the machine, the Go version or map order, so signatures
// built from them can be stored and compared later; a golden test pins
// them.
//
// # Shingle size
//
// DefaultShingleSize is 5 words. TestShingleSizeSeparation measures, on
// Reuters-21578, how well the Jaccard similarity of k-shingle sets
// separates versions of one story (same title, sent within two days) from
// different stories (reports written from one template a week or more
// apart, and random pairs), for k from 1 to 8; see its output
// (go test -run TestShingleSizeSeparation -v) and the comment on
// DefaultShingleSize for the figures behind the choice. Word shingles
// find versions of one text; independent write-ups of one event share
// few shingles of any length and are a matter for other features.
package shingle
