package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIDsThatJSONWouldMakeOne checks that two ids that encoding/json would
// decode to one (both U+FFFD) are refused, not taken for duplicates.
func TestIDsThatJSONWouldMakeOne(t *testing.T) {
	in := "{\"id\":\"a\xff\",\"text\":\"The harbour reopened on Monday after the storm.\"}\n" +
		"{\"id\":\"a\xfe\",\"text\":\"Farmers protested against the fuel tax in the capital.\"}\n" +
		`{"id":"b","text":"The central bank left its rates unchanged on Thursday."}` + "\n"
	code, out, errOut := runCmd(t, in, "-skip-bad")
	require.Equal(t, 0, code, errOut)
	vs := decodeLines(t, out)
	require.Len(t, vs, 1)
	assert.Equal(t, "b", vs[0].ID)
	assert.Contains(t, errOut, "stdin line 1 skipped: bad id: the id is not valid UTF-8")
	assert.Contains(t, errOut, "stdin line 2 skipped: bad id: the id is not valid UTF-8")
	assert.NotContains(t, errOut, "duplicate")
}

// TestInvalidUTF8InText checks the documented rule for text and title:
// invalid UTF-8 is replaced with U+FFFD, as encoding/json does, and the
// story is processed; -passages offsets count the bytes of the text after
// the replacement.
func TestInvalidUTF8InText(t *testing.T) {
	text := "The harbour authority reopened the port of Valletta on Monday \xff after the storm damaged two piers. " +
		"Ferries to Gozo resumed in the afternoon, and the transport minister promised repairs within a month."
	in := "{\"id\":\"a\",\"title\":\"Port \xfe reopens\",\"text\":\"" + text + "\"}\n" +
		"{\"id\":\"b\",\"text\":\"" + text + "\"}\n"
	code, out, errOut := runCmd(t, in, "-passages")
	require.Equal(t, 0, code, errOut)
	vs := decodeLines(t, out)
	require.Len(t, vs, 2)
	assert.Equal(t, "copy", vs[1].Kind)
	require.NotEmpty(t, vs[1].Matches)
	decoded := strings.ToValidUTF8(text, "\uFFFD")
	for _, p := range vs[1].Matches[0].Passages {
		assert.Equal(t, decoded[p.Start:p.End], p.Text, "offsets into the text as decoded")
	}
}
