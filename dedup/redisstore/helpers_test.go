package redisstore_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
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

// proxy forwards TCP connections to a server and can cut them, refuse new
// ones, or swallow what the server answers, as a failing network would.
type proxy struct {
	t      testing.TB
	url    string // of the server
	target string // its address
	l      net.Listener

	mu      sync.Mutex
	down    bool // refuse connections
	swallow bool // drop the server's replies
	conns   []net.Conn
}

// startProxy starts a proxy to the server at url.
func startProxy(t testing.TB, url string) *proxy {
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &proxy{t: t, url: url, target: opt.Addr, l: l}
	go p.serve()
	t.Cleanup(func() { l.Close(); p.cut() })
	return p
}

// client returns a client of the server that goes through the proxy, gives
// up on a connection after 300 ms and retries a command that many times.
func (p *proxy) client(t testing.TB, retries int) *redis.Client {
	return redistest.Client(t, p.url, func(o *redis.Options) {
		o.Addr = p.l.Addr().String()
		o.DialTimeout, o.ReadTimeout, o.WriteTimeout = 300*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
		o.MaxRetries = retries
	})
}

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
