package redistest

import (
	"fmt"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Proxy forwards TCP connections to a Redis server and can cut them, refuse
// new ones, or swallow what the server answers, as a failing network would.
// Its methods are safe for concurrent use.
type Proxy struct {
	url    string // of the server, through the proxy
	target string // the server's address
	l      net.Listener

	mu      sync.Mutex
	down    bool // refuse connections
	swallow bool // drop the server's replies
	conns   []net.Conn
}

// StartProxy starts a proxy to the server at url, closed when the test
// ends.
func StartProxy(t testing.TB, url string) *Proxy {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("redistest: %s: %v", url, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	p := &Proxy{target: opt.Addr, l: l}
	p.url = fmt.Sprintf("redis://%s/%d", l.Addr(), opt.DB)
	if opt.Password != "" {
		p.url = fmt.Sprintf("redis://%s:%s@%s/%d", opt.Username, opt.Password, l.Addr(), opt.DB)
	}
	go p.serve()
	t.Cleanup(func() { l.Close(); p.Cut() })
	return p
}

// URL returns the URL of the server through the proxy.
func (p *Proxy) URL() string { return p.url }

func (p *Proxy) serve() {
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
func (p *Proxy) replies(c, s net.Conn) {
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

// Cut closes every connection through the proxy.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// SetDown cuts every connection and closes new ones at once, or, with
// down false, lets connections through again.
func (p *Proxy) SetDown(down bool) {
	p.mu.Lock()
	p.down = down
	p.mu.Unlock()
	if down {
		p.Cut()
	}
}

// SetSwallow drops, or with swallow false passes on again, what the server
// sends: requests still reach it, and it acts on them, but no reply comes
// back.
func (p *Proxy) SetSwallow(swallow bool) {
	p.mu.Lock()
	p.swallow = swallow
	p.mu.Unlock()
}
