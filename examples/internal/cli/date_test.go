package cli

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseDate checks the date forms accepted, and that every other form,
// and a date before 1900, is a bad date.
func TestParseDate(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, sec, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, sec, ns, time.UTC)
	}
	feb26 := utc(1987, 2, 26, 15, 1, 1, 0)
	cases := []struct {
		name, date string
		want       time.Time
	}{
		{"absent", "", time.Time{}},
		{"white space", "  ", time.Time{}},
		{"RFC 3339", "2021-12-25T14:00:00Z", utc(2021, 12, 25, 14, 0, 0, 0)},
		{"RFC 3339 with offset", "2021-12-25T15:00:00+01:00", utc(2021, 12, 25, 14, 0, 0, 0)},
		{"RFC 3339 with fraction", "2021-12-25T14:00:00.123Z", utc(2021, 12, 25, 14, 0, 0, 123e6)},
		{"RFC 3339 with nanoseconds and offset", "2021-12-25T09:00:00.000000001-05:00", utc(2021, 12, 25, 14, 0, 0, 1)},
		{"RFC 3339 with space", "2021-12-25 15:00:00+01:00", utc(2021, 12, 25, 14, 0, 0, 0)},
		{"RFC 3339 with space and Z", "2021-12-25 14:00:00Z", utc(2021, 12, 25, 14, 0, 0, 0)},
		{"offset without colon", "2021-12-25T15:00:00+0100", utc(2021, 12, 25, 14, 0, 0, 0)},
		{"space, then offset", "2021-12-25 15:00:00 +01:00", utc(2021, 12, 25, 14, 0, 0, 0)},
		{"no seconds", "2021-12-25T15:00+01:00", utc(2021, 12, 25, 14, 0, 0, 0)},
		{"day", "2021-12-25", utc(2021, 12, 25, 0, 0, 0, 0)},
		{"no zone", "1987-02-26T15:01:01", feb26},
		{"no zone with fraction", "1987-02-26T15:01:01.5", utc(1987, 2, 26, 15, 1, 1, 5e8)},
		{"no zone, space", "1987-02-26 15:01:01", feb26},
		{"surrounding space", " 1987-02-26 15:01:01 ", feb26},
		{"RFC 1123", "Thu, 26 Feb 1987 15:01:01 GMT", feb26},
		{"RFC 1123 numeric zone", "Mon, 02 Jan 2006 15:04:05 -0700", utc(2006, 1, 2, 22, 4, 5, 0)},
		{"RFC 1123 one-digit day", "Mon, 2 Jan 2006 15:04:05 +0000", utc(2006, 1, 2, 15, 4, 5, 0)},
		{"RFC 1123 UT", "Thu, 26 Feb 1987 15:01:01 UT", feb26},
		{"RFC 1123 UTC", "Thu, 26 Feb 1987 15:01:01 UTC", feb26},
		{"RFC 1123 Z", "Thu, 26 Feb 1987 15:01:01 Z", feb26},
		{"RFC 1123 EST", "Thu, 26 Feb 1987 10:01:01 EST", feb26},
		{"RFC 1123 PDT", "Thu, 26 Feb 1987 08:01:01 PDT", feb26},
		{"RFC 1123 CEST", "Thu, 26 Feb 1987 17:01:01 CEST", feb26},
		{"RFC 1123 lower case", "thu, 26 feb 1987 15:01:01 gmt", feb26},
		{"RFC 1123 full weekday", "Thursday, 26 Feb 1987 15:01:01 GMT", feb26},
		{"RFC 1123 weekday is not checked", "Mon, 26 Feb 1987 15:01:01 GMT", feb26},
		{"RFC 1123 no weekday", "26 Feb 1987 15:01:01 +0000", feb26},
		{"RFC 1123 no seconds", "Thu, 26 Feb 1987 15:01 GMT", utc(1987, 2, 26, 15, 1, 0, 0)},
		{"RFC 1123 with fraction", "Thu, 26 Feb 1987 15:01:01.25 GMT", utc(1987, 2, 26, 15, 1, 1, 25e7)},
		{"RFC 822 two-digit year", "26 Feb 87 15:01 GMT", utc(1987, 2, 26, 15, 1, 0, 0)},
		{"RFC 822 two-digit year, this century", "Sat, 25 Dec 21 09:00:00 EST", utc(2021, 12, 25, 14, 0, 0, 0)},
		{"1900", "1900-01-01", utc(1900, 1, 1, 0, 0, 0, 0)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseDate(c.date)
			require.NoError(t, err)
			assert.True(t, c.want.Equal(got), "got %v, want %v", got, c.want)
			assert.Equal(t, c.want.IsZero(), got.IsZero())
		})
	}

	bad := []struct {
		name, date, want string
	}{
		{"words", "Christmas", "want RFC 3339"},
		{"day first", "25-12-2021", "want RFC 3339"},
		{"slashes", "25/12/2021", "want RFC 3339"},
		{"bad month", "2021-13-01", "want RFC 3339"},
		{"bad day", "2021-02-30", "want RFC 3339"},
		{"hour 25", "2021-12-25T25:00:00Z", "want RFC 3339"},
		{"Go's zero time", "0001-01-01", "before 1900"},
		{"Go's zero time with a zone", "0001-01-01T00:00:00Z", "before 1900"},
		{"a second after Go's zero time", "0001-01-01T00:00:01Z", "before 1900"},
		{"year 0", "0000-01-01", "before 1900"},
		{"1899", "1899-12-31T23:59:59Z", "before 1900"},
		{"RFC 1123 before 1900", "Sun, 31 Dec 1899 23:00:00 GMT", "before 1900"},
		{"unknown zone name", "Thu, 26 Feb 1987 15:01:01 XYZ", `unknown zone name "XYZ"`},
		{"ambiguous zone name", "Thu, 26 Feb 1987 15:01:01 IST", `unknown zone name "IST"`},
		{"military zone", "Thu, 26 Feb 1987 15:01:01 A", `unknown zone name "A"`},
		{"RFC 1123 without zone", "Thu, 26 Feb 1987 15:01:01", "want RFC 3339"},
		{"not a weekday", "Xyz, 26 Feb 1987 15:01:01 GMT", "want RFC 3339"},
		{"five-digit year", "12021-12-25", "want RFC 3339"},
		{"a number", "1640440800", "want RFC 3339"},
		{"invalid UTF-8", "2021-12-25\xff", "want RFC 3339"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseDate(c.date)
			require.ErrorIs(t, err, ErrBadDate)
			assert.True(t, got.IsZero())
			assert.Contains(t, err.Error(), fmt.Sprintf("%q", c.date))
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "\n", "one line")
		})
	}
}
