// Package redistest helps the tests that talk to a real Redis server: it
// finds the server named by the NEWSDUP_REDIS environment variable (or skips
// the test, saying how to run it), gives each test a store name of its own
// and deletes the store's keys when the test ends.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Env is the environment variable that names the test server by its URL,
// e.g. redis://127.0.0.1:6390/0.
const Env = "NEWSDUP_REDIS"

// EnvRequired, set to any value, makes the tests that need a server fail
// rather than skip when Env is not set, as CI requires.
const EnvRequired = "NEWSDUP_REDIS_REQUIRED"

// howToRun says how to run the Redis integration tests.
const howToRun = "set " + Env + " to a server's URL to run them, e.g. " +
	"redis-server --port 6390 --save '' --daemonize yes && " + Env + "=redis://127.0.0.1:6390/0 go test ./..."

// URL returns the URL of the test server, or skips the test with a message
// saying how to run it (fails it when EnvRequired is set).
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(Env)
	if u == "" && os.Getenv(EnvRequired) != "" {
		t.Fatalf("Redis integration test: %s is set, so %s must name a server", EnvRequired, Env)
	}
	if u == "" {
		t.Skip("Redis integration test skipped: " + howToRun)
	}
	return u
}

// Main runs a package's tests, as a TestMain calls it: when Env is not set,
// it first writes one line on standard error saying that the package's
// Redis integration tests will skip and how to run them, so that a run
// without -v, where skip messages are not shown, still says so. (go test
// shows the line when it shows the package's output: with -v, for a
// package in the current directory, or when the package fails.)
func Main(m *testing.M, pkg string) int {
	if os.Getenv(Env) == "" && os.Getenv(EnvRequired) == "" {
		fmt.Fprintf(os.Stderr, "%s: the Redis integration tests skip: %s\n", pkg, howToRun)
	}
	return m.Run()
}

// Client returns a new client of the server at url, with opts applied to
// its options, closed when the test ends.
func Client(t testing.TB, url string, opts ...func(*redis.Options)) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("redistest: %s: %v", url, err)
	}
	for _, f := range opts {
		f(opt)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	return c
}

// StoreName returns a store name no other test uses, made from the test's
// name and the time, and deletes the store's keys when the test ends.
func StoreName(t testing.TB, c redis.UniversalClient) string {
	t.Helper()
	name := fmt.Sprintf("test-%s-%d", strings.NewReplacer("/", "-", " ", "_").Replace(t.Name()), time.Now().UnixNano())
	t.Cleanup(func() { DeleteStore(t, c, name) })
	return name
}

// DeleteStore deletes every key of the named store ("{name}:*"), as a
// server that lost its data would have none.
func DeleteStore(t testing.TB, c redis.UniversalClient, name string) {
	t.Helper()
	ctx := context.Background()
	iter := c.Scan(ctx, 0, "{"+name+"}:*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Errorf("redistest: scan the keys of %s: %v", name, err)
		return
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := c.Del(ctx, keys[:n]...).Err(); err != nil {
			t.Errorf("redistest: delete the keys of %s: %v", name, err)
		}
		keys = keys[n:]
	}
}

// FreePort returns a TCP port of 127.0.0.1 that nothing listens on.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
