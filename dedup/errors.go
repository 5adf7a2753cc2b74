package dedup

import "errors"

// Errors returned by the Detector. They are wrapped with a message naming the
// story and the problem; test for them with errors.Is.
var (
	// ErrInvalidConfig reports a Config that NewDetector cannot use.
	ErrInvalidConfig = errors.New("dedup: invalid config")
	// ErrEmptyID reports a story without an id.
	ErrEmptyID = errors.New("dedup: story has no id")
	// ErrBadID reports an id longer than MaxIDBytes or not valid UTF-8.
	ErrBadID = errors.New("dedup: bad story id")
	// ErrDuplicateID reports a story whose id the detector already holds.
	ErrDuplicateID = errors.New("dedup: duplicate story id")
	// ErrEmptyText reports a story whose text has no words.
	ErrEmptyText = errors.New("dedup: story has no text")
	// ErrTooLarge reports a story whose text is longer than
	// Config.MaxTextBytes.
	ErrTooLarge = errors.New("dedup: story text too large")
	// ErrBadTime reports a publication time before 1900 or too far in the
	// future (see Config.MaxFuture).
	ErrBadTime = errors.New("dedup: bad publication time")
	// ErrUnknownLanguage reports a story or config language that has no
	// stemmer.
	ErrUnknownLanguage = errors.New("dedup: unknown language")
	// ErrNotFound reports an id the detector does not hold.
	ErrNotFound = errors.New("dedup: story not found")
)
