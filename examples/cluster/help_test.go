package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestHelpGolden pins the -h text: every flag's name, default and help, so
// that a change to any of them shows in review (go test -run TestHelpGolden
// -update rewrites testdata/help.golden).
func TestHelpGolden(t *testing.T) {
	var stderr bytes.Buffer
	_, err := parseFlags([]string{"-h"}, &stderr)
	require.ErrorIs(t, err, flag.ErrHelp)
	golden := filepath.Join("testdata", "help.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, stderr.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), stderr.String())
}
