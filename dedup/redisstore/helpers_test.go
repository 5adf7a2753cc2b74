package redisstore_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/newsdup/newsdup/dedup/redisstore"
)

// envRedis names the server the integration tests talk to.
const envRedis = "NEWSDUP_REDIS"

// serverURL returns the URL of the test server, or skips the test with a
// message saying how to run it.
func serverURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(envRedis)
	if u == "" {
		t.Skipf("Redis integration test: set %s to a server's URL to run it, e.g. "+
			"redis-server --port 6390 --save '' --daemonize yes && %s=redis://127.0.0.1:6390/0 go test ./dedup/redisstore/", envRedis, envRedis)
	}
	return u
}

// serverBinary returns the path of redis-server, for the tests that start
// servers of their own. When a server is named (as in CI) the binary must
// be there too: those tests must run, not skip.
func serverBinary(t testing.TB) string {
	t.Helper()
	serverURL(t)
	p, err := exec.LookPath("redis-server")
	require.NoError(t, err, "%s is set, so the tests that restart a server need redis-server on the PATH", envRedis)
	return p
}

// client returns a new client of the test server, closed with the test.
func client(t testing.TB, url string, opts ...func(*redis.Options)) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	for _, f := range opts {
		f(opt)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	return c
}

// storeName returns a store name no other test uses, and deletes the
// store's keys when the test ends.
func storeName(t testing.TB, c redis.UniversalClient) string {
	t.Helper()
	name := fmt.Sprintf("test-%s-%d", strings.NewReplacer("/", "-", " ", "_").Replace(t.Name()), time.Now().UnixNano())
	t.Cleanup(func() { deleteKeys(t, c, name) })
	return name
}

// deleteKeys deletes every key of the named store, as a server that lost
// its data would have none.
func deleteKeys(t testing.TB, c redis.UniversalClient, name string) {
	ctx := context.Background()
	iter := c.Scan(ctx, 0, "{"+name+"}:*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Logf("scan keys of %s: %v", name, err)
		return
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := c.Del(ctx, keys[:n]...).Err(); err != nil {
			t.Logf("delete keys of %s: %v", name, err)
		}
		keys = keys[n:]
	}
}

func newStore(t testing.TB, c redis.UniversalClient, name string) *redisstore.Store {
	t.Helper()
	s, err := redisstore.New(c, name)
	require.NoError(t, err)
	return s
}

// freePort returns a TCP port on 127.0.0.1 that nothing listens on.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
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
	s := &server{t: t, bin: serverBinary(t), dir: t.TempDir(), port: freePort(t), durable: durable}
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

// proxy forwards TCP connections to a server and can cut them, refuse new
// ones, or swallow what the server answers, as a failing network would.
type proxy struct {
	t      testing.TB
	target string
	l      net.Listener

	mu      sync.Mutex
	down    bool // refuse connections
	swallow bool // drop the server's replies
	conns   []net.Conn
}

func startProxy(t testing.TB, target string) *proxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &proxy{t: t, target: target, l: l}
	go p.serve()
	t.Cleanup(func() { l.Close(); p.cut() })
	return p
}

func (p *proxy) addr() string { return p.l.Addr().String() }

func (p *proxy) serve() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		go func() { io.Copy(s, c); s.Close() }()
		go p.replies(c, s)
	}
}

// replies copies the server's bytes to the client unless swallowing.
func (p *proxy) replies(c, s net.Conn) {
	defer c.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := s.Read(buf)
		if n > 0 {
			p.mu.Lock()
			swallow := p.swallow
			p.mu.Unlock()
			if !swallow {
				if _, werr := c.Write(buf[:n]); werr != nil {
					return
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// cut closes every connection through the proxy.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) setDown(down bool) {
	p.mu.Lock()
	p.down = down
	p.mu.Unlock()
	if down {
		p.cut()
	}
}

func (p *proxy) setSwallow(swallow bool) {
	p.mu.Lock()
	p.swallow = swallow
	p.mu.Unlock()
}
