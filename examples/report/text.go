package main

import (
	"cmp"
	"html"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/newsdup/newsdup/shingle"
)

// span is a byte range of a text to highlight (a passage it shares with
// another story) or to dim (a line of site boilerplate).
type span struct {
	start, end int
	quote      bool
}

// style is how the page shows a stretch of text: highlighted as a shared
// passage (Mark) or a shared quotation (Mark and Quote), and dimmed as site
// boilerplate (Boiler), which a passage may lie in or across.
type style struct {
	Mark, Quote, Boiler bool
}

// seg is a piece of a text as the page shows it, and its style.
type seg struct {
	Text string
	style
}

// textView is a story's text as the page shows it.
type textView struct {
	Segs []seg
	// Cut is the number of bytes of the text left out at its end, beyond
	// maxShownText.
	Cut int
	// Missing reports that the text was not kept (see collection.prune).
	Missing bool
}

// maxShownText is the most bytes of one text shown on the page, so that one
// huge story does not make the page unusable; the passages the detector
// reports lie anywhere in it, and those past the cut are not shown.
const maxShownText = 64 << 10

// piece is a stretch of the original text and what the page shows for it:
// the text itself, or for HTML what it reads as (a tag becomes a line
// break or nothing, a character reference its character).
type piece struct {
	start, end int
	show       string
	literal    bool // show == text[start:end]
}

// pieces cuts a text into the pieces the page shows. Plain text is shown as
// it is; HTML is shown as the text a reader sees, as the detector reads it
// (tags, comments, and the contents of script and style elements dropped,
// character references decoded), with passage offsets still pointing into
// the original.
func pieces(text string, isHTML bool) []piece {
	if !isHTML {
		return plainPieces(text)
	}
	var out []piece
	lit := 0 // start of the literal stretch not yet emitted
	emit := func(i, j int, show string) {
		if lit < i {
			out = append(out, piece{lit, i, text[lit:i], true})
		}
		out = append(out, piece{i, j, show, false})
		lit = j
	}
	for i := 0; i < len(text); {
		switch c := text[i]; {
		case strings.HasPrefix(text[i:], "<!--"):
			end := strings.Index(text[i+4:], "-->")
			j := len(text)
			if end >= 0 {
				j = i + 4 + end + 3
			}
			emit(i, j, "")
			i = j
		case c == '<' && i+1 < len(text) && isTagStart(text[i+1]):
			gt := strings.IndexByte(text[i:], '>')
			if gt < 0 {
				i++
				continue
			}
			j := i + gt + 1
			name, closing := tagName(text[i+1 : j-1])
			show := ""
			if shingle.BlockElement(name) {
				show = "\n"
			}
			if !closing && (name == "script" || name == "style") {
				j = skipElement(text, j, name)
			}
			emit(i, j, show)
			i = j
		case c == '&':
			semi := strings.IndexByte(text[i+1:min(len(text), i+34)], ';')
			if semi > 0 {
				j := i + 1 + semi + 1
				if dec := html.UnescapeString(text[i:j]); dec != text[i:j] {
					emit(i, j, dec)
					i = j
					continue
				}
			}
			i++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			// A run of white space reads as one space in HTML.
			j := i + 1
			for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r') {
				j++
			}
			if j-i > 1 || c != ' ' {
				emit(i, j, " ")
			}
			i = j
		default:
			i++
		}
	}
	if lit < len(text) {
		out = append(out, piece{lit, len(text), text[lit:], true})
	}
	return tidy(out)
}

// plainPieces cuts plain text into pieces: the text as it is, but for runs
// of blank lines, each shown as one empty line.
func plainPieces(text string) []piece {
	var out []piece
	lit := 0
	for i := 0; i < len(text); {
		if text[i] != '\n' {
			i++
			continue
		}
		// The white space from this line break on, and the line breaks in
		// it.
		j, breaks, last := i, 0, i
		for j < len(text) && (text[j] == '\n' || text[j] == ' ' || text[j] == '\t' || text[j] == '\r') {
			if text[j] == '\n' {
				breaks++
				last = j
			}
			j++
		}
		if breaks > 2 {
			// Keep the indentation of the next line, after its break.
			if lit < i {
				out = append(out, piece{lit, i, text[lit:i], true})
			}
			out = append(out, piece{i, last + 1, "\n\n", false})
			lit = last + 1
		}
		i = j
	}
	if lit < len(text) {
		out = append(out, piece{lit, len(text), text[lit:], true})
	}
	return out
}

// tidy drops the spaces that open a line and the line breaks that end the
// text, and keeps at most one empty line in a row, so that indented HTML
// source does not show as stairs of blank lines.
func tidy(ps []piece) []piece {
	nl := 2 // line breaks ending what is shown so far
	for i := range ps {
		p := &ps[i]
		if !p.literal {
			switch {
			case p.show == "\n" && nl >= 2, p.show == " " && nl > 0:
				p.show = ""
			}
		}
		switch {
		case p.show == "":
		case strings.TrimRight(p.show, "\n") == "":
			nl += len(p.show)
		default:
			nl = 0
		}
	}
	for i := len(ps) - 1; i >= 0 && !ps[i].literal && strings.TrimSpace(ps[i].show) == ""; i-- {
		ps[i].show = ""
	}
	return ps
}

func isTagStart(c byte) bool {
	return c|0x20 >= 'a' && c|0x20 <= 'z' || c == '/' || c == '!' || c == '?'
}

// tagName returns the lower-case name of the tag whose inside (between < and
// >) is s, and whether it is a closing tag.
func tagName(s string) (string, bool) {
	closing := strings.HasPrefix(s, "/")
	s = strings.TrimPrefix(s, "/")
	n := 0
	for n < len(s) && (s[n]|0x20 >= 'a' && s[n]|0x20 <= 'z' || s[n] >= '0' && s[n] <= '9') {
		n++
	}
	return strings.ToLower(s[:n]), closing
}

// skipElement returns the end of the closing tag of element name, searched
// from i, or the end of the text.
func skipElement(text string, i int, name string) int {
	lower := strings.ToLower(text[i:])
	k := strings.Index(lower, "</"+name)
	if k < 0 {
		return len(text)
	}
	gt := strings.IndexByte(lower[k:], '>')
	if gt < 0 {
		return len(text)
	}
	return i + k + gt + 1
}

// mergeSpans sorts spans and merges those that overlap or touch: passages of
// one story may overlap (a phrase the other story repeats), and the page
// marks each stretch once, as a quote when any passage in it is one. Spans
// outside [0, n) or not on UTF-8 boundaries of text are dropped.
func mergeSpans(text string, spans []span) []span {
	var ok []span
	for _, s := range spans {
		if s.start >= 0 && s.start < s.end && s.end <= len(text) && utf8.RuneStart(text[s.start]) && (s.end == len(text) || utf8.RuneStart(text[s.end])) {
			ok = append(ok, s)
		}
	}
	slices.SortFunc(ok, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	var out []span
	for _, s := range ok {
		if n := len(out); n > 0 && s.start <= out[n-1].end {
			last := &out[n-1]
			last.end = max(last.end, s.end)
			last.quote = last.quote || s.quote
			continue
		}
		out = append(out, s)
	}
	return out
}

// styled is a stretch [start, end) of a text shown in one style other
// than plain.
type styled struct {
	start, end int
	st         style
}

// runs returns the stretches of text to mark or dim, in text order, without
// overlaps: passages (marks) and boilerplate lines (boiler) are merged each
// on their own (see mergeSpans), then cut where either starts or ends, so
// that a passage crossing into a boilerplate line is marked in full and
// dimmed where it lies in the line.
func runs(text string, marks, boiler []span) []styled {
	marks = mergeSpans(text, marks)
	boiler = mergeSpans(text, boiler)
	cuts := make([]int, 0, 2*(len(marks)+len(boiler)))
	for _, s := range marks {
		cuts = append(cuts, s.start, s.end)
	}
	for _, s := range boiler {
		cuts = append(cuts, s.start, s.end)
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	var out []styled
	i, j := 0, 0 // first mark and first boilerplate line not ended by the stretch
	for c := 0; c+1 < len(cuts); c++ {
		a, b := cuts[c], cuts[c+1]
		for i < len(marks) && marks[i].end <= a {
			i++
		}
		for j < len(boiler) && boiler[j].end <= a {
			j++
		}
		// No span starts or ends inside (a, b): the stretch lies wholly in
		// or wholly out of each one.
		var st style
		if i < len(marks) && marks[i].start <= a {
			st.Mark, st.Quote = true, marks[i].quote
		}
		if j < len(boiler) && boiler[j].start <= a {
			st.Boiler = true
		}
		if st == (style{}) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].end == a && out[n-1].st == st {
			out[n-1].end = b
			continue
		}
		out = append(out, styled{a, b, st})
	}
	return out
}

// view returns the text as the page shows it, with the passages in marks
// highlighted and the lines in boiler dimmed (the quote flag of a boiler
// span is not used).
func view(text string, isHTML bool, marks, boiler []span) textView {
	rs := runs(text, marks, boiler)
	var v textView
	add := func(s string, st style) {
		s = dropControls(s)
		if s == "" {
			return
		}
		if n := len(v.Segs); n > 0 && v.Segs[n-1].style == st {
			v.Segs[n-1].Text += s
			return
		}
		v.Segs = append(v.Segs, seg{Text: s, style: st})
	}
	limit := len(text)
	if limit > maxShownText {
		limit = maxShownText
		for limit > 0 && !utf8.RuneStart(text[limit]) {
			limit--
		}
		v.Cut = len(text) - limit
	}
	k := 0 // first run that may hold what comes next
	for _, p := range pieces(text, isHTML) {
		if p.start >= limit {
			break
		}
		for k < len(rs) && rs[k].end <= p.start {
			k++
		}
		if !p.literal {
			// A piece standing for markup takes the style at its start.
			var st style
			if k < len(rs) && rs[k].start <= p.start {
				st = rs[k].st
			}
			add(p.show, st)
			continue
		}
		at := p.start
		end := min(p.end, limit)
		for at < end {
			for k < len(rs) && rs[k].end <= at {
				k++
			}
			switch {
			case k == len(rs) || rs[k].start >= end:
				add(text[at:end], style{})
				at = end
			case rs[k].start > at:
				add(text[at:rs[k].start], style{})
				at = rs[k].start
			default:
				stop := min(rs[k].end, end)
				add(text[at:stop], rs[k].st)
				at = stop
			}
		}
	}
	return v
}

// dropControls removes the control characters other than tabs and line
// breaks (wire texts end with an ETX, 0x03), which a browser would show as
// boxes. Bytes that are not UTF-8 (which texts decoded from JSON do not
// hold) are left as they are, so that the text never grows.
func dropControls(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isControl(r) || r == utf8.RuneError && n == 1 {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func isControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r >= 0x7f && r < 0xa0
}

// plain returns what a title reads as: for HTML its text without tags, with
// white space collapsed and control characters dropped.
func plain(s string, isHTML bool) string {
	if isHTML {
		var b strings.Builder
		for _, p := range pieces(s, true) {
			b.WriteString(p.show)
		}
		s = b.String()
	}
	return strings.Join(strings.Fields(dropControls(s)), " ")
}

// clip cuts s to about n characters, at a word boundary when there is one.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, count := 0, 0
	for i := range s {
		if count == n {
			cut = i
			break
		}
		count++
	}
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > cut/2 {
		cut = sp
	}
	return s[:cut] + "…"
}
