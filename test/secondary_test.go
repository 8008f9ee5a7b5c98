package test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// waitForA queries addr for name A until it answers with want or the time
// is up, and returns the last answer.
func waitForA(t *testing.T, addr, name, want string, within time.Duration) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(name, dns.TypeA)
	c := &dns.Client{Timeout: time.Second}
	var last *dns.Msg
	for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		r, _, err := c.Exchange(m, addr)
		if err != nil {
			continue
		}
		last = r
		if r.Rcode == dns.RcodeSuccess && len(r.Answer) == 1 && r.Answer[0].String() == want {
			return r
		}
	}
	t.Fatalf("%s never answered %s with %q; last answer: %v", addr, name, want, last)
	return nil
}

// TestSecondaryNotify runs a primary (file + transfer) and a secondary of
// ours: the secondary transfers the zone at start-up, and after the
// primary's zone file gets a new serial the primary's NOTIFY makes the
// secondary transfer it again.
func TestSecondaryNotify(t *testing.T) {
	path := writeXfrZone(t, "1", "192.0.2.80")
	secPort, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	primPort, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	if secPort == primPort {
		t.Skip("got the same free port twice")
	}
	prim := "127.0.0.1:" + strconv.Itoa(primPort)
	startXfr(t, `example.org:`+strconv.Itoa(primPort)+` {
    bind 127.0.0.1
    file `+path+` {
        reload 100ms
    }
    transfer {
        to 127.0.0.1:`+strconv.Itoa(secPort)+`
    }
}`)
	_, secUDP, secTCP := startXfr(t, `example.org:`+strconv.Itoa(secPort)+` {
    bind 127.0.0.1
    secondary {
        transfer from `+prim+`
    }
    transfer {
        to *
    }
}`)

	waitForA(t, secUDP, "www.example.org.", "www.example.org.\t3600\tIN\tA\t192.0.2.80", 5*time.Second)

	// The secondary answers exactly like the primary, over UDP and TCP.
	for _, q := range []struct {
		name  string
		qtype uint16
	}{
		{"www.example.org.", dns.TypeA},
		{"alias.example.org.", dns.TypeA},
		{"example.org.", dns.TypeMX},
		{"example.org.", dns.TypeNS},
		{"nope.example.org.", dns.TypeA},
		{"www.example.org.", dns.TypeAAAA},
	} {
		for _, proto := range []string{"udp", "tcp"} {
			m := new(dns.Msg)
			m.SetQuestion(q.name, q.qtype)
			c := &dns.Client{Net: proto}
			want, _, err := c.Exchange(m, prim)
			if err != nil {
				t.Fatal(err)
			}
			addr := secUDP
			if proto == "tcp" {
				addr = secTCP
			}
			got, _, err := c.Exchange(m, addr)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("%s %s over %s: secondary answered\n%v\nprimary answered\n%v", q.name, dns.TypeToString[q.qtype], proto, got, want)
			}
		}
	}

	// And hands it on.
	got, err := axfr(t, secTCP, "example.org.", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, got, xfrRecords)

	// A new serial on the primary: reload, NOTIFY, transfer.
	if err := os.WriteFile(path, []byte(xfrZoneText("2", "192.0.2.81")), 0o600); err != nil {
		t.Fatal(err)
	}
	waitForA(t, secUDP, "www.example.org.", "www.example.org.\t3600\tIN\tA\t192.0.2.81", 5*time.Second)
}

// TestSecondaryNoPrimary: a secondary whose primary never answers has no
// data and answers SERVFAIL.
func TestSecondaryNoPrimary(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	_, udp, _ := startXfr(t, `example.org:0 {
    bind 127.0.0.1
    secondary {
        transfer from 127.0.0.1:`+strconv.Itoa(port)+`
    }
}`)
	m := new(dns.Msg)
	m.SetQuestion("www.example.org.", dns.TypeA)
	r, _, err := new(dns.Client).Exchange(m, udp)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rcode != dns.RcodeServerFailure || len(r.Answer) != 0 {
		t.Errorf("answer without a zone: %v", r)
	}
}
