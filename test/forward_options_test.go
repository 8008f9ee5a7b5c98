package test

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// freePorts returns n distinct free ports.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	seen := map[int]bool{}
	var ports []int
	for len(ports) < n {
		p, err := FreePort()
		if err != nil {
			t.Fatal(err)
		}
		if !seen[p] {
			seen[p] = true
			ports = append(ports, p)
		}
	}
	return ports
}

func queryA(t *testing.T, addr, qname string) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(qname, dns.TypeA)
	return exchange(t, "udp", addr, m)
}

// TestForwardNextAndFailover runs next and failover from a Corefile whose
// upstreams are other server blocks of the same Corefile.
func TestForwardNextAndFailover(t *testing.T) {
	p := freePorts(t, 6)
	nextFront, failFront, plainFront, nx, servfail, good := p[0], p[1], p[2], p[3], p[4], p[5]
	corefile := fmt.Sprintf(`.:%[1]d {
    bind 127.0.0.1
    forward . 127.0.0.1:%[4]d {
        next NXDOMAIN
    }
    forward . 127.0.0.1:%[6]d
}
.:%[2]d {
    bind 127.0.0.1
    forward . 127.0.0.1:%[5]d 127.0.0.1:%[4]d 127.0.0.1:%[6]d {
        policy sequential
        failover SERVFAIL NXDOMAIN
    }
}
.:%[3]d {
    bind 127.0.0.1
    forward . 127.0.0.1:%[4]d {
        next NXDOMAIN
    }
    whoami
}
.:%[4]d {
    bind 127.0.0.1
    template IN A {
        rcode NXDOMAIN
    }
}
.:%[5]d {
    bind 127.0.0.1
    template IN A {
        rcode SERVFAIL
    }
}
.:%[6]d {
    bind 127.0.0.1
    template IN A {
        answer "{{ .Name }} 60 IN A 192.0.2.9"
    }
}
`, nextFront, failFront, plainFront, nx, servfail, good)
	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %v", err)
	}
	defer CoreDNSServerStop(i)

	goodAnswer := test.Case{Qname: "www.example.org.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("www.example.org. 60 IN A 192.0.2.9")}}

	// NXDOMAIN from the first forward hands the query to the second.
	udp, _ := CoreDNSServerPortsFor(i, nextFront)
	if err := test.SortAndCheck(queryA(t, udp, "www.example.org."), goodAnswer); err != nil {
		t.Errorf("next: %v", err)
	}
	// SERVFAIL, then NXDOMAIN, then an answer: failover tries all three.
	udp, _ = CoreDNSServerPortsFor(i, failFront)
	if err := test.SortAndCheck(queryA(t, udp, "www.example.org."), goodAnswer); err != nil {
		t.Errorf("failover: %v", err)
	}
	// next to a plugin that is not forward is ignored: the NXDOMAIN stays.
	udp, _ = CoreDNSServerPortsFor(i, plainFront)
	r := queryA(t, udp, "www.example.org.")
	if err := test.SortAndCheck(r, test.Case{Qname: "www.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true}); err != nil {
		t.Errorf("next before whoami: %v", err)
	}
}

// closingUpstream accepts TCP connections and closes them at once, counting
// them: every query sent to it is a failed connect attempt.
func closingUpstream(t *testing.T) (addr string, accepts *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepts = new(atomic.Int32)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepts.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close() })
	return l.Addr().String(), accepts
}

func TestForwardMaxConnectAttempts(t *testing.T) {
	tests := []struct {
		option    string
		upstreams int
		want      int32 // connections per query, over all upstreams
	}{
		{"", 1, 2}, // default: two passes over the upstreams
		{"", 2, 4},
		{"max_connect_attempts 1", 2, 1},
		{"max_connect_attempts 3", 1, 3},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%q/%d", tc.option, tc.upstreams), func(t *testing.T) {
			var to string
			var counters []*atomic.Int32
			for range tc.upstreams {
				addr, n := closingUpstream(t)
				to += " " + addr
				counters = append(counters, n)
			}
			corefile := fmt.Sprintf(`.:0 {
    bind 127.0.0.1
    forward .%s {
        force_tcp
        max_fails 0
        %s
    }
}
`, to, tc.option)
			udp, _ := startServer(t, corefile)

			r := queryA(t, udp, "example.org.")
			if r.Rcode != dns.RcodeServerFailure {
				t.Errorf("rcode %s, want SERVFAIL", dns.RcodeToString[r.Rcode])
			}
			var total int32
			for _, n := range counters {
				total += n.Load()
			}
			if total != tc.want {
				t.Errorf("%d connect attempts, want %d", total, tc.want)
			}
		})
	}
}

// TestForwardResolvConf forwards to the nameservers of a resolv.conf file.
// They are reached on port 53, so the upstream listens on a loopback
// address of its own, which needs the privilege to bind port 53.
func TestForwardResolvConf(t *testing.T) {
	const ns = "127.0.53.1"
	pc, err := net.ListenPacket("udp", ns+":53")
	if err != nil {
		t.Skipf("cannot listen on %s:53: %v", ns, err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Answer = []dns.RR{test.A(r.Question[0].Name + " 30 IN A 192.0.2.53")}
		w.WriteMsg(m) //nolint:errcheck // test server
	})}
	go srv.ActivateAndServe() //nolint:errcheck // test server
	defer srv.Shutdown()      //nolint:errcheck // test server

	resolv := filepath.Join(t.TempDir(), "resolv.conf")
	conf := "# test\nsearch example.org\nnameserver " + ns + "\noptions ndots:5\n"
	if err := os.WriteFile(resolv, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	udp, _ := startServer(t, fmt.Sprintf(".:0 {\n    bind 127.0.0.1\n    forward . %s\n}\n", resolv))

	deadline := time.Now().Add(2 * time.Second)
	for {
		r := queryA(t, udp, "www.example.net.")
		err := test.SortAndCheck(r, test.Case{Qname: "www.example.net.", Qtype: dns.TypeA,
			Answer: []dns.RR{test.A("www.example.net. 30 IN A 192.0.2.53")}})
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
