package dedup

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/shingle"
)

// englishTokens returns the tokens of each text (a title, a body) as the
// English analyser gives them: the lists namedDays and reportedDays read.
func englishTokens(t *testing.T, texts ...string) [][]shingle.Token {
	t.Helper()
	an, err := shingle.NewAnalyzer(shingle.Config{Language: "english"})
	require.NoError(t, err)
	lists := make([][]shingle.Token, len(texts))
	for i, text := range texts {
		lists[i] = an.Tokens(nil, text)
	}
	return lists
}

// dateOf parses a date written 2006-01-02, at midnight UTC.
func dateOf(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	require.NoError(t, err)
	return d
}

func TestNamedDays(t *testing.T) {
	day := func(s string) int32 { return dayOf(dateOf(t, s)) }
	at := func(s string) time.Time { return dateOf(t, s).Add(15 * time.Hour) }
	for _, c := range []struct {
		name, text string
		at         time.Time
		want       []int32
	}{
		{"abbreviated, before the story", "Update: Man Wounded in Nov. 2 LR Shooting Dies", at("2016-11-22"), []int32{day("2016-11-02")}},
		{"in full, with a year", "The shooting on November 2, 2015 was ruled an accident.", at("2016-11-22"), []int32{day("2015-11-02")}},
		{"last December, in January", "Police said the Dec. 30 shooting was accidental.", at("2017-01-05"), []int32{day("2016-12-30")}},
		{"a date to come", "The trial is set for Jan. 3.", at("2016-12-20"), []int32{day("2017-01-03")}},
		{"ordinal", "It happened on March 2nd and again on April 21st.", at("2016-05-01"), []int32{day("2016-03-02"), day("2016-04-21")}},
		{"sorted and distinct", "Oct. 26, then Oct. 25, then Oct. 26 again", at("2016-11-01"), []int32{day("2016-10-25"), day("2016-10-26")}},
		{"a verb, not a month", "Police may 5 times ask; they march 3 miles.", at("2016-11-01"), nil},
		{"no day of the month", "In March 2016 and in May, 40 people", at("2016-11-01"), nil},
		{"no such day", "On Feb. 30 and on March 32", at("2016-11-01"), nil},
		{"undated story, no year", "The Nov. 2 shooting", time.Time{}, nil},
		{"undated story, with a year", "The Nov. 2, 2016 shooting", time.Time{}, []int32{day("2016-11-02")}},
		{"29 February", "Born on Feb. 29, 2016", at("2016-11-01"), []int32{day("2016-02-29")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, namedDays(englishTokens(t, c.text), c.at))
		})
	}
	t.Run("title and text, bounded", func(t *testing.T) {
		lists := englishTokens(t, "After the Nov. 2 shooting",
			"Jan. 1, Jan. 2, Jan. 3, Jan. 4, Jan. 5, Jan. 6, Jan. 7, Jan. 8, Jan. 9, Jan. 10")
		got := namedDays(lists, at("2016-11-22"))
		assert.Len(t, got, maxNamedDays)
		assert.Contains(t, got, day("2016-11-02"), "the title's day is read first")
	})
}

func TestEventDays(t *testing.T) {
	var cl clusterRec
	for d := int32(50); d > 0; d -= 3 { // 17 days: 2, 5, ... 50
		cl.addEventDay(d)
	}
	cl.addEventDay(5)
	cl.addEventDay(4)
	require.Len(t, cl.days, maxEventDays)
	assert.Equal(t, []int32{2, 4, 5, 8}, cl.days[:4], "the earliest days are kept, once each")
	assert.Equal(t, int32(44), cl.days[maxEventDays-1])
	assert.True(t, cl.namesEventDay([]int32{8}), "a day the cluster was published on")
	assert.True(t, cl.namesEventDay([]int32{100, 10}), "the day before one")
	assert.False(t, cl.namesEventDay([]int32{9}), "the day after one")
	assert.False(t, cl.namesEventDay([]int32{0, 47, 50}))
	assert.False(t, cl.namesEventDay(nil))
	assert.True(t, cl.namesEventDay([]int32{8, 100}))
	assert.False(t, cl.namesEventDay([]int32{8, 100, 200}), "a story naming more than maxEvidenceDays days names none of one event")
}

func TestReportedDays(t *testing.T) {
	day := func(s string) int32 { return dayOf(dateOf(t, s)) }
	// 2016-03-21 was a Monday.
	at := time.Date(2016, 3, 21, 15, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, text string
		at         time.Time
		want       []int32
	}{
		{"a weekday of the week before", "The call came in at 5:45 p.m. Friday.", at, []int32{day("2016-03-18")}},
		{"the day itself", "Police said on Monday the shooting was an accident.", at, []int32{day("2016-03-21")}},
		{"two weekdays", "Shot on Friday, he died on Saturday.", at, []int32{day("2016-03-18"), day("2016-03-19")}},
		{"three weekdays name none", "Friday, Saturday and Sunday", at, nil},
		{"not capitalised", "the friday prayers", at, nil},
		{"a date of the week before", "The March 18 shooting was an accident.", at, []int32{day("2016-03-18")}},
		{"a date further back", "The March 2 shooting was an accident.", at, nil},
		{"a date to come", "The hearing is set for March 24.", at, nil},
		{"dates and a weekday", "The March 19 shooting; police spoke on Friday.", at, []int32{day("2016-03-19"), day("2016-03-18")}},
		{"undated", "The March 18 shooting on Friday.", time.Time{}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			lists := englishTokens(t, c.text)
			assert.Equal(t, c.want, reportedDays(lists, namedDays(lists, c.at), c.at))
		})
	}
}
