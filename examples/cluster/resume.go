package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cespare/xxhash/v2"
)

// A state file's record of where it stands: the number of stories added to
// it since it was created, and the last of them. The detector's snapshot
// does not say which story was added last, so the command keeps that in a
// small file beside the state, FILE.last, written after every save.
//
// The record names the state file's size and hash: a record that does not
// match the file (the process was killed between the two writes, or the
// state file was replaced) is not believed.

// position is where a state stands.
type position struct {
	// Stories is the number of stories added to the state since it was
	// created; -1 when not known (the record was missing when the state
	// was loaded).
	Stories int
	// LastID is the id of the last story added; "" when none was.
	LastID string
	// LastInput and LastLine name the input and line the last story was
	// read from, in the run that added it.
	LastInput string
	LastLine  int
	// runStories is the number of stories the run added, when Stories is
	// not known.
	runStories int
}

// describe says where the state stands, for a message.
func (pos position) describe() string {
	last := ""
	if pos.LastID != "" {
		last = fmt.Sprintf("%q", pos.LastID)
		if pos.LastInput != "" {
			last += fmt.Sprintf(" (%s line %d)", pos.LastInput, pos.LastLine)
		}
	}
	switch {
	case pos.Stories >= 0 && last == "":
		return plural(pos.Stories, "story", "stories") + " applied"
	case pos.Stories >= 0:
		return plural(pos.Stories, "story", "stories") + " applied, the last " + last
	case last == "":
		return "the number of stories applied is not recorded"
	case pos.runStories > 0:
		return fmt.Sprintf("the last story applied %s, %s by this run (the number before it is not recorded)",
			last, plural(pos.runStories, "story", "stories"))
	}
	return "the last story applied " + last + ", the number of stories applied is not recorded"
}

// recordPath returns the path of the record of the state file state.
func recordPath(state string) string { return state + ".last" }

// stateRecord is the content of FILE.last, as JSON.
type stateRecord struct {
	StateBytes int64  `json:"state_bytes"`
	StateHash  string `json:"state_xxh64"`
	Stories    *int   `json:"stories,omitempty"`
	LastID     string `json:"last_id,omitempty"`
	LastInput  string `json:"last_input,omitempty"`
	LastLine   int    `json:"last_line,omitempty"`
}

// fileFingerprint returns the size and the XXH64 hash of a file.
func fileFingerprint(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := xxhash.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, strconv.FormatUint(h.Sum64(), 16), nil
}

// writeRecord records pos for the state file just saved. The record is
// small and written in place: a crash while writing it leaves a file that
// does not parse, which readRecord takes as no record.
func writeRecord(state string, pos position) error {
	size, hash, err := fileFingerprint(state)
	if err != nil {
		return err
	}
	rec := stateRecord{StateBytes: size, StateHash: hash, LastID: pos.LastID, LastInput: pos.LastInput, LastLine: pos.LastLine}
	if pos.Stories >= 0 {
		rec.Stories = &pos.Stories
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return os.WriteFile(recordPath(state), append(b, '\n'), 0o644)
}

// errNoRecord says why a state file's record cannot be used.
var errNoRecord = errors.New("the last story added is not recorded")

// readRecord returns where the state file state stands, from its record.
// The error wraps errNoRecord when there is no record, or one that does not
// match the file.
func readRecord(state string) (position, error) {
	none := position{Stories: -1}
	b, err := os.ReadFile(recordPath(state))
	if errors.Is(err, os.ErrNotExist) {
		return none, fmt.Errorf("%w: %s is missing", errNoRecord, recordPath(state))
	}
	if err != nil {
		return none, fmt.Errorf("%w: %w", errNoRecord, err)
	}
	var rec stateRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return none, fmt.Errorf("%w: %s is not a record: %v", errNoRecord, recordPath(state), err)
	}
	size, hash, err := fileFingerprint(state)
	if err != nil {
		return none, fmt.Errorf("%w: %w", errNoRecord, err)
	}
	if size != rec.StateBytes || hash != rec.StateHash {
		return none, fmt.Errorf("%w: %s describes another save of the state", errNoRecord, recordPath(state))
	}
	pos := position{Stories: -1, LastID: rec.LastID, LastInput: rec.LastInput, LastLine: rec.LastLine}
	if rec.Stories != nil {
		pos.Stories = *rec.Stories
	}
	return pos, nil
}

// isSaveTemp reports whether name is the name of a temporary file that
// dedup.SaveFile creates while it saves to a file named base:
// "." + base + ".tmp-" and the digits os.CreateTemp puts for its "*".
func isSaveTemp(name, base string) bool {
	digits, ok := strings.CutPrefix(name, "."+base+".tmp-")
	if !ok || digits == "" {
		return false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
}

// removeSaveTemps removes the temporary files that saves to the state file
// state left behind when they were interrupted (a crash, kill -9, a second
// signal): regular files beside it named as isSaveTemp says, and nothing
// else. It returns the names removed; a file it cannot remove is an error.
func removeSaveTemps(state string) ([]string, error) {
	dir, base := filepath.Split(state)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() || !isSaveTemp(e.Name(), base) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, e.Name())
	}
	return removed, errors.Join(errs...)
}
