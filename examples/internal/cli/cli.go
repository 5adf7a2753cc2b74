// Package cli holds what the example programs share on the command line: the
// detector's flags (DetectorFlags, with the -window and -html values), and
// finding the repository and the shared data sets beside it.
package cli

import (
	"errors"
	"os"
	"path/filepath"
	"time"
)

// Window is a flag.Value for a time window: a positive duration such as 72h,
// or "off", stored as -1 (a negative dedup.Config.Window keeps stories until
// MaxStories is reached).
type Window struct{ D *time.Duration }

// String returns the window as a duration, or "off".
func (w Window) String() string {
	switch {
	case w.D == nil:
		return ""
	case *w.D < 0:
		return "off"
	}
	return w.D.String()
}

// Set parses a positive duration or "off".
func (w Window) Set(s string) error {
	if s == "off" {
		*w.D = -1
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return errors.New("want a positive duration such as 72h or 30m, or off")
	}
	*w.D = d
	return nil
}

// Lateness is a flag.Value for dedup.Config.Lateness: a duration of 0 or
// more, 0 being stored as -1 (a negative Lateness allows only the lateness
// the stream shows; a zero one would mean the default).
type Lateness struct{ D *time.Duration }

// String returns the lateness as a duration.
func (l Lateness) String() string {
	switch {
	case l.D == nil:
		return ""
	case *l.D < 0:
		return "0s"
	}
	return l.D.String()
}

// Set parses a duration of 0 or more.
func (l Lateness) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return errors.New("want a duration such as 24h, or 0")
	}
	if d == 0 {
		d = -1
	}
	*l.D = d
	return nil
}

// FindRoot returns the nearest directory, from dir up, that holds a go.mod
// file.
func FindRoot(dir string) (string, error) {
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod in the working directory or above it")
		}
		dir = parent
	}
}

// Root returns the nearest directory, from the working directory up, that
// holds a go.mod file: the repository's root when a program is run from
// inside it.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return FindRoot(dir)
}

// DataPath returns where to read a data set: flagValue when given, else the
// environment variable env when set, else rel under ../shared/datasets beside
// the repository root (see Root). It does not check that the file exists.
func DataPath(flagValue, env, rel string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if p := os.Getenv(env); p != "" {
		return p, nil
	}
	root, err := Root()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "..", "shared", "datasets", rel), nil
}
