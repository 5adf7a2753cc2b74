package redisstore_test

import (
	"os"
	"testing"

	"github.com/newsdup/newsdup/dedup/redisstore/redistest"
)

func TestMain(m *testing.M) {
	os.Exit(redistest.Main(m, "dedup/redisstore"))
}
