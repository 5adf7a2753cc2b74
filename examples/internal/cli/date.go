package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// DateForms describes the date forms ParseDate accepts, for a help text.
const DateForms = `RFC 3339 (2021-12-25T14:00:00Z; 2021-12-25T15:00:00.123+01:00; also with
a space for the T, an offset without colon such as +0100, or no seconds); a
date and time without zone, taken as UTC (2021-12-25T14:00:00;
2021-12-25 14:00:00); a day, taken as midnight UTC (2021-12-25); or RFC 1123
or RFC 822 as RSS writes them (Sat, 25 Dec 2021 14:00:00 GMT; 25 Dec 2021
15:00 +0100; Sat, 25 Dec 21 09:00:00 EST), weekday and seconds optional,
two-digit years 69-99 being 19xx, with a numeric zone or one of the names UT,
UTC, GMT, Z, EST, EDT, CST, CDT, MST, MDT, PST, PDT (the US zones of RFC
822), WET, WEST, CET, CEST, EET, EEST, MSK, JST, AEST, AEDT, NZST, NZDT`

// dateFormsLine is DateForms on one line, for messages.
var dateFormsLine = strings.Join(strings.Fields(DateForms), " ")

// isoLayouts are the RFC 3339 and ISO 8601 forms accepted, tried in
// order. A fractional second after the seconds is accepted by time.Parse
// without being in the layout.
var isoLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04Z0700",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02 15:04:05 Z07:00",
	"2006-01-02 15:04:05 Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// rfc822Layouts are the RFC 1123 and RFC 822 forms accepted, without the
// weekday (removed first) and with the zone as a numeric offset (a zone
// name is replaced by its offset first).
var rfc822Layouts = []string{
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04 -0700",
	"2 Jan 06 15:04:05 -0700",
	"2 Jan 06 15:04 -0700",
}

// zoneOffsets are the zone names accepted, with their offsets: those of
// RFC 822 (CST is US Central, as there) and unambiguous ones common in
// news feeds; an ambiguous name such as IST (India, Ireland or Israel) or
// BST is an error. time.Parse would take a name it does not know as UTC,
// silently shifting the time by hours.
var zoneOffsets = map[string]string{
	"UT": "+0000", "UTC": "+0000", "GMT": "+0000", "Z": "+0000",
	"EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500",
	"MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700",
	"WET": "+0000", "WEST": "+0100", "CET": "+0100", "CEST": "+0200",
	"EET": "+0200", "EEST": "+0300", "MSK": "+0300", "JST": "+0900", "AEST": "+1000", "AEDT": "+1100", "NZST": "+1200",
	"NZDT": "+1300",
}

// weekdays are the weekday names an RFC 1123 date may start with.
var weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// minYear is the earliest year of a date; the detector rejects earlier
// publication times.
const minYear = 1900

// ErrBadDate is wrapped by the errors of ParseDate.
var ErrBadDate = errors.New("bad date")

// ParseDate parses a story's date, as news feeds write them, in one of the
// forms of DateForms: RFC 3339 and its common variants, a date and time
// without zone (UTC), a day (midnight UTC), RFC 1123 and RFC 822 with a
// numeric zone or a known zone name. The empty string (or white space)
// means undated: the zero Time. A date that parses but lies before 1900 is
// a bad date, as the detector would reject it: "0001-01-01" is not a way to
// say undated. Errors wrap ErrBadDate, quote s and list the accepted forms.
func ParseDate(s string) (time.Time, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := parseDateForms(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w %q: %v; want %s", ErrBadDate, s, err, dateFormsLine)
	}
	if t.Year() < minYear {
		return time.Time{}, fmt.Errorf("%w %q: before %d (leave the date out, or empty, for an undated story)", ErrBadDate, s, minYear)
	}
	return t, nil
}

// parseDateForms parses v, trimmed, in one of the accepted forms.
func parseDateForms(v string) (time.Time, error) {
	for _, layout := range isoLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	// RFC 1123 / RFC 822: an optional weekday, then a zone at the end.
	if day, rest, ok := strings.Cut(v, ","); ok && slices.Contains(weekdays, strings.ToLower(strings.TrimSpace(day))) {
		v = strings.TrimSpace(rest)
	}
	fields := strings.Fields(v)
	if len(fields) < 2 {
		return time.Time{}, errors.New("not a date in an accepted form")
	}
	zone := fields[len(fields)-1]
	if zone[0] != '+' && zone[0] != '-' {
		off, ok := zoneOffsets[strings.ToUpper(zone)]
		if !ok {
			if isLetters(zone) {
				return time.Time{}, fmt.Errorf("unknown zone name %q (give a numeric offset such as +0100)", zone)
			}
			return time.Time{}, errors.New("not a date in an accepted form")
		}
		fields[len(fields)-1] = off
	}
	v = strings.Join(fields, " ")
	for _, layout := range rfc822Layouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a date in an accepted form")
}

// isLetters reports whether s is made of ASCII letters only.
func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}
