package dedup

import (
	"math"
	"strings"
	"time"
)

// What a held story keeps of its time and source, in fewer bytes than the
// Story it came as: see storyRec.

// stamp is a time as a held story keeps it: Unix nanoseconds, 8 bytes and no
// pointer where a time.Time takes 24 with one, or noStamp for none. Story
// times lie after 1900 (prepare rejects earlier ones) and within
// Config.MaxFuture of the clock, well inside the range of Unix nanoseconds
// (1678 to 2262), as the timeline's samples assume too; a time past 2262 (a
// clock set that far) is held as the last one there is. A stamp turned back
// into a time is in UTC.
type stamp int64

const noStamp = stamp(math.MinInt64)

// lastStamp is the latest time a stamp holds.
var lastStamp = time.Unix(0, math.MaxInt64)

func stampOf(t time.Time) stamp {
	switch {
	case t.IsZero():
		return noStamp
	case t.After(lastStamp):
		return stamp(math.MaxInt64)
	}
	return stamp(t.UnixNano())
}

// time returns the time s holds, zero for noStamp.
func (s stamp) time() time.Time {
	if s == noStamp {
		return time.Time{}
	}
	return time.Unix(0, int64(s)).UTC()
}

// sourceTable interns the sources of held stories: a held story keeps its
// source as a 32-bit index, 4 bytes where a string takes 16 (and the bytes
// of the string, when the caller's story is let go), and the table keeps
// each source once, with the number of held stories from it. Index 0 is the
// empty source and is not counted. A source no held story has any more is
// let go; as with the term table, its index is free for another source
// only after settle, at the end of the operation in which it was let go. It
// is not safe for concurrent use.
type sourceTable struct {
	ids     map[string]uint32
	names   []string // by index; names[0] is ""
	refs    []uint32
	free    []uint32
	retired []uint32
}

// intern returns the index of source, counting one more story from it.
func (t *sourceTable) intern(source string) uint32 {
	if source == "" {
		return 0
	}
	if i, ok := t.ids[source]; ok {
		t.refs[i]++
		return i
	}
	if t.ids == nil {
		t.ids = make(map[string]uint32)
		t.names, t.refs = []string{""}, []uint32{0}
	}
	var i uint32
	if k := len(t.free); k > 0 {
		i, t.free = t.free[k-1], t.free[:k-1]
	} else {
		i = uint32(len(t.names))
		t.names, t.refs = append(t.names, ""), append(t.refs, 0)
	}
	// A copy: the caller's string may share the memory of a larger one.
	source = strings.Clone(source)
	t.names[i], t.refs[i] = source, 1
	t.ids[source] = i
	return i
}

// name returns the source of index i.
func (t *sourceTable) name(i uint32) string {
	if i == 0 {
		return ""
	}
	return t.names[i]
}

// release counts one story fewer from the source of index i.
func (t *sourceTable) release(i uint32) {
	if i == 0 {
		return
	}
	if t.refs[i]--; t.refs[i] == 0 {
		delete(t.ids, t.names[i])
		t.retired = append(t.retired, i)
	}
}

// settle frees the indexes let go since the last settle.
func (t *sourceTable) settle() {
	for _, i := range t.retired {
		t.names[i] = ""
	}
	t.free = append(t.free, t.retired...)
	t.retired = t.retired[:0]
}

// len returns the number of sources held.
func (t *sourceTable) len() int { return len(t.ids) }
