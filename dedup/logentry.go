package dedup

import (
	"bytes"
	"errors"

	"github.com/newsdup/newsdup/dedup/internal/wire"
)

// Log entry format, in the frame of package wire (magic "NDLOG", version
// 3, CRC-32C trailer):
//
//	operation byte (1 add, 2 remove, 3 join), nonce uint64 (makes every
//	append distinct), story id (empty for a join)
//	add only: text, title, source, language, time, verdict byte,
//	          cluster key uvarint and cluster id (verdicts other than new),
//	          the keys of the clusters merged into it (same story only:
//	          count, then uvarints),
//	          the worker that added it (uvarint, nonzero)
//	join only: the worker that joined (uvarint, nonzero)
const (
	logVersion = 3
	opAdd      = 1
	opRemove   = 2
	opJoin     = 3 // a detector joined the store: its feed has a place in time
)

var logFormat = wire.Format{Name: "log entry", Magic: "NDLOG", Version: logVersion}

// logEntry is one entry of a shared detector's log: a change to the state.
type logEntry struct {
	op         byte
	nonce      uint64
	story      Story // the story added, or only the id of the one removed
	kind       Kind
	clusterKey uint64
	clusterID  string
	merged     []uint64 // keys of the clusters merged into the cluster
	source     uint64   // the detector that appended it (adds only)
}

func (l *logEntry) encode() []byte {
	s := l.story
	var b bytes.Buffer
	b.Grow(64 + len(s.ID) + len(s.Text) + len(s.Title) + len(s.Source) + len(l.clusterID))
	w := wire.NewWriter(&b, logFormat)
	w.Uint8(l.op)
	w.Uint64(l.nonce)
	w.String(s.ID)
	if l.op == opAdd {
		w.String(s.Text)
		w.String(s.Title)
		w.String(s.Source)
		w.String(s.Language)
		w.Time(s.Time)
		w.Uint8(byte(l.kind))
		if l.kind != New {
			w.Uvarint(l.clusterKey)
			w.String(l.clusterID)
		}
		if l.kind == SameStory {
			w.Uvarint(uint64(len(l.merged)))
			for _, k := range l.merged {
				w.Uvarint(k)
			}
		}
		w.Uvarint(l.source)
	}
	if l.op == opJoin {
		w.Uvarint(l.source)
	}
	if err := w.Close(); err != nil {
		panic("dedup: encode log entry: " + err.Error()) // a bytes.Buffer does not fail
	}
	return b.Bytes()
}

func (l *logEntry) decode(b []byte) error {
	r := wire.NewReader(bytes.NewReader(b), logFormat)
	limit := len(b)
	*l = logEntry{op: r.Uint8(), nonce: r.Uint64()}
	l.story.ID = r.String("id", limit)
	switch l.op {
	case opAdd:
		l.story.Text = r.String("text", limit)
		l.story.Title = r.String("title", limit)
		l.story.Source = r.String("source", limit)
		l.story.Language = r.String("language", limit)
		l.story.Time = r.Time()
		l.kind = Kind(r.Uint8())
		switch {
		case r.Err() != nil:
		case l.kind > SameStory:
			r.Fail("verdict %d", l.kind)
		case l.kind != New:
			l.clusterKey = r.Uvarint()
			l.clusterID = r.String("cluster id", limit)
		}
		if l.kind == SameStory && r.Err() == nil {
			n := r.Uvarint()
			if n > uint64(limit) {
				r.Fail("%d merged clusters in %d bytes", n, limit)
			}
			for i := uint64(0); i < n && r.Err() == nil; i++ {
				l.merged = append(l.merged, r.Uvarint())
			}
		}
		l.source = r.Uvarint()
	case opRemove:
	case opJoin:
		l.source = r.Uvarint()
	default:
		r.Fail("operation %d", l.op)
	}
	switch err := r.Close(); {
	case err != nil:
		return err
	case l.op == opJoin && l.source == 0:
		return errors.New("join without a detector")
	case l.op != opJoin && l.story.ID == "":
		return errors.New("story without an id")
	case l.kind != New && (l.clusterKey == 0 || l.clusterID == ""):
		return errors.New("verdict without a cluster")
	}
	return nil
}
