package redisstore_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/dedup/redisstore"
	"github.com/newsdup/newsdup/dedup/redisstore/redistest"
)

// serverBinary returns the path of redis-server, for the tests that start
// servers of their own. When a server is named (as in CI) the binary must
// be there too: those tests must run, not skip.
func serverBinary(t testing.TB) string {
	t.Helper()
	redistest.URL(t)
	p, err := exec.LookPath("redis-server")
	require.NoError(t, err, "%s is set, so the tests that restart a server need redis-server on the PATH", redistest.Env)
	return p
}

func newStore(t testing.TB, c redis.UniversalClient, name string) *redisstore.Store {
	t.Helper()
	s, err := redisstore.New(c, name)
	require.NoError(t, err)
	return s
}

// server is a redis-server process of a test's own.
type server struct {
	t       testing.TB
	bin     string
	dir     string
	port    int
	durable bool
	cmd     *exec.Cmd
}

// startServer starts redis-server on a free port with its own data
// directory; durable servers write every change to their append-only file
// before answering.
func startServer(t testing.TB, durable bool) *server {
	s := &server{t: t, bin: serverBinary(t), dir: t.TempDir(), port: redistest.FreePort(t), durable: durable}
	s.start()
	t.Cleanup(s.kill)
	return s
}

func (s *server) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", s.port) }

func (s *server) start() {
	s.t.Helper()
	args := []string{"--port", fmt.Sprint(s.port), "--bind", "127.0.0.1", "--dir", s.dir, "--save", ""}
	if s.durable {
		args = append(args, "--appendonly", "yes", "--appendfsync", "always")
	} else {
		args = append(args, "--appendonly", "no")
	}
	s.cmd = exec.Command(s.bin, args...)
	s.cmd.Stdout = io.Discard
	logf, err := os.Create(filepath.Join(s.dir, "server.log"))
	require.NoError(s.t, err)
	s.cmd.Stdout = logf
	require.NoError(s.t, s.cmd.Start())
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", s.port)})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for c.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
			s.t.Fatalf("redis-server on port %d did not answer within 10s:\n%s", s.port, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill stops the server at once (SIGKILL, as a crash would).
func (s *server) kill() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// proxyClient returns a client of the server behind p that gives up on a
// connection after 300 ms and retries a command that many times.
func proxyClient(t testing.TB, p *redistest.Proxy, retries int) *redis.Client {
	return redistest.Client(t, p.URL(), func(o *redis.Options) {
		o.DialTimeout, o.ReadTimeout, o.WriteTimeout = 300*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
		o.MaxRetries = retries
	})
}
