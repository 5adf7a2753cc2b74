package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/newsdup/newsdup/dedup"
)

// timeline is the picture of the clusters over time: a row per cluster, a
// mark per story at its time, its shape and colour telling its verdict.
// The numbers are SVG user units, written with one decimal.
type timeline struct {
	Width, Height string
	LabelW        string // the width the row labels are clipped to
	PlotX0        string
	PlotX1        string
	AxisY         string
	AxisY2        string // the foot of the tick lines
	Ticks         []tick
	Rows          []timelineRow
	UndatedX      string // "" when no story drawn is undated
	LegendY       string
	More          int // clusters shown on the page but not drawn
}

type tick struct{ X, Label string }

type timelineRow struct {
	Anchor   string
	Y, TextY string
	Label    string
	Tip      string
	LineX0   string // the line from the cluster's first to last dated story
	LineX1   string
	Marks    []timelineMark
}

type timelineMark struct {
	Kind   string // new, copy or same_story
	X, Y   string
	Points string // for the diamond of a same-story mark
	Tip    string
}

// Geometry of the timeline, in SVG user units.
const (
	tlWidth    = 960
	tlLabelW   = 250 // room for the row labels
	tlPlotX0   = 262
	tlPlotX1   = 860 // when the undated column is drawn
	tlUndatedX = 925
	tlTop      = 30 // room for the tick labels
	tlRowH     = 18
	tlLegendH  = 34
	tlMaxRows  = 100
	tlLabelLen = 36 // characters of a row label, clipped to tlLabelW
)

func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// timeline draws the first clusters shown on the page.
func (b *builder) timeline(gs []*group) timeline {
	tl := timeline{LabelW: num(tlLabelW), PlotX0: num(tlPlotX0), AxisY: num(tlTop - 6)}
	if len(gs) > tlMaxRows {
		tl.More = len(gs) - tlMaxRows
		gs = gs[:tlMaxRows]
	}
	var lo, hi time.Time
	undated := false
	for _, g := range gs {
		for _, pos := range g.members {
			t := b.c.stories[pos].story.Time
			switch {
			case t.IsZero():
				undated = true
			case lo.IsZero():
				lo, hi = t, t
			default:
				if t.Before(lo) {
					lo = t
				}
				if t.After(hi) {
					hi = t
				}
			}
		}
	}
	x1 := float64(tlPlotX1)
	if undated {
		tl.UndatedX = num(tlUndatedX)
	} else {
		x1 = tlUndatedX
	}
	tl.PlotX1 = num(x1)
	var tks []timeTick
	switch {
	case lo.IsZero():
	case !hi.After(lo):
		// One moment: in the middle, the only tick.
		layout := "Jan 2 2006 15:04"
		if u := lo.UTC(); u.Equal(u.Truncate(24 * time.Hour)) {
			layout = "Jan 2 2006"
		}
		tks = []timeTick{{lo, lo.UTC().Format(layout)}}
		lo, hi = lo.Add(-12*time.Hour), hi.Add(12*time.Hour)
	default:
		tks = ticks(lo, hi)
	}
	x := func(t time.Time) float64 {
		return tlPlotX0 + (x1-tlPlotX0)*float64(t.Sub(lo))/float64(hi.Sub(lo))
	}
	for _, t := range tks {
		tl.Ticks = append(tl.Ticks, tick{X: num(x(t.at)), Label: t.label})
	}
	for i, g := range gs {
		y := float64(tlTop + i*tlRowH)
		mid := y + tlRowH/2
		row := timelineRow{
			Anchor: fmt.Sprintf("c%d", g.members[0]),
			Y:      num(y),
			TextY:  num(mid + 4),
			Label:  clip(b.headline(g), tlLabelLen),
		}
		var first, last time.Time
		copies, same := 0, 0
		for _, pos := range g.members {
			e := b.c.stories[pos]
			m := timelineMark{Kind: e.res.Kind.String(), Y: num(mid)}
			if e.story.Time.IsZero() {
				m.X = num(tlUndatedX)
			} else {
				t := e.story.Time
				m.X = num(x(t))
				if first.IsZero() || t.Before(first) {
					first = t
				}
				if t.After(last) {
					last = t
				}
			}
			switch e.res.Kind {
			case dedup.Copy:
				copies++
			case dedup.SameStory:
				same++
				px, _ := strconv.ParseFloat(m.X, 64)
				m.Points = fmt.Sprintf("%s,%s %s,%s %s,%s %s,%s", num(px), num(mid-5.5), num(px+5.5), num(mid), num(px), num(mid+5.5), num(px-5.5), num(mid))
			}
			m.Tip = when(e.story.Time) + " · " + verdictWords[e.res.Kind]
			if e.res.Late {
				m.Tip += " (late)"
			}
			if e.story.Source != "" {
				m.Tip += " · " + e.story.Source
			}
			m.Tip += " · " + e.story.ID
			row.Marks = append(row.Marks, m)
		}
		if !first.IsZero() {
			row.LineX0, row.LineX1 = num(x(first)), num(x(last))
		}
		row.Tip = fmt.Sprintf("%s: %s, %s, %s", b.headline(g), count(len(g.members), "story", "stories"), count(copies, "copy", "copies"), count(same, "same-story version", "same-story versions"))
		tl.Rows = append(tl.Rows, row)
	}
	tl.AxisY2 = num(float64(tlTop + len(gs)*tlRowH))
	h := tlTop + len(gs)*tlRowH + tlLegendH
	tl.LegendY = num(float64(h - tlLegendH/2))
	tl.Width, tl.Height = strconv.Itoa(tlWidth), strconv.Itoa(h)
	return tl
}

// timeTick is a labelled time on the timeline's axis.
type timeTick struct {
	at    time.Time
	label string
}

// tickSteps are the spacings of the axis ticks, the finest first; months
// and years are calendar months and years.
var tickSteps = []struct {
	d      time.Duration
	months int
	layout string
}{
	{time.Hour, 0, "Jan 2 15:04"},
	{3 * time.Hour, 0, "Jan 2 15:04"},
	{6 * time.Hour, 0, "Jan 2 15:04"},
	{12 * time.Hour, 0, "Jan 2 15:04"},
	{24 * time.Hour, 0, "Jan 2"},
	{2 * 24 * time.Hour, 0, "Jan 2"},
	{7 * 24 * time.Hour, 0, "Jan 2"},
	{14 * 24 * time.Hour, 0, "Jan 2"},
	{0, 1, "Jan 2006"},
	{0, 3, "Jan 2006"},
	{0, 6, "Jan 2006"},
	{0, 12, "2006"},
}

// maxTicks is the most ticks on the axis.
const maxTicks = 8

// ticks returns the axis ticks between lo and hi (UTC): the finest spacing
// that gives at most maxTicks of them.
func ticks(lo, hi time.Time) []timeTick {
	lo, hi = lo.UTC(), hi.UTC()
	for _, s := range tickSteps {
		var at []time.Time
		if s.months == 0 {
			for t := lo.Truncate(s.d); !t.After(hi) && len(at) <= maxTicks; t = t.Add(s.d) {
				if !t.Before(lo) {
					at = append(at, t)
				}
			}
		} else {
			// From the start of the quarter, half year or year holding lo.
			m := (int(lo.Month())-1)/s.months*s.months + 1
			t := time.Date(lo.Year(), time.Month(m), 1, 0, 0, 0, 0, time.UTC)
			for ; !t.After(hi) && len(at) <= maxTicks; t = t.AddDate(0, s.months, 0) {
				if !t.Before(lo) {
					at = append(at, t)
				}
			}
		}
		if len(at) <= maxTicks || s.months == 12 {
			out := make([]timeTick, 0, len(at))
			for _, t := range at[:min(len(at), maxTicks)] {
				out = append(out, timeTick{t, t.Format(s.layout)})
			}
			return out
		}
	}
	return nil
}
