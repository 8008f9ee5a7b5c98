package test

import (
	"testing"
	"time"

	"github.com/miekg/dns"
)

const viewCorefile = `lab.test:0 {
    bind 127.0.0.1
    metadata
    view inner {
        expr incidr(client_ip(), '127.0.0.0/30')
    }
    template IN A {
        answer "{{ .Name }} 60 IN A 10.99.12.1"
    }
    template IN TXT {
        answer "{{ .Name }} 60 IN TXT view={{ .Meta ` + "`view/name`" + ` }}"
    }
}
lab.test:0 {
    bind 127.0.0.1
    view texts {
        expr type() == 'TXT' && name() != 'plain.lab.test.'
    }
    template ANY ANY {
        answer "{{ .Name }} 60 IN TXT txt-view"
    }
}
lab.test:0 {
    bind 127.0.0.1
    view tcp-only {
        expr proto() == 'tcp'
    }
    template IN A {
        answer "{{ .Name }} 60 IN A 10.99.12.3"
    }
}
lab.test:0 {
    bind 127.0.0.1
    metadata
    template IN A {
        answer "{{ .Name }} 60 IN A 10.99.12.9"
    }
    template IN TXT {
        answer "{{ .Name }} 60 IN TXT view=[{{ .Meta ` + "`view/name`" + ` }}]"
    }
}`

func TestViewRouting(t *testing.T) {
	i, err := CoreDNSServer(viewCorefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %s", err)
	}
	defer CoreDNSServerStop(i)
	udp, tcp := listenAddrs(t, i, 0)

	answer := func(rr string) func(q *dns.Msg) *dns.Msg {
		return func(q *dns.Msg) *dns.Msg {
			m := new(dns.Msg)
			m.SetReply(q)
			m.Authoritative = true
			r, err := dns.NewRR(rr)
			if err != nil {
				t.Fatal(err)
			}
			m.Answer = []dns.RR{r}
			return m
		}
	}
	rcode := func(rc int) func(q *dns.Msg) *dns.Msg {
		return func(q *dns.Msg) *dns.Msg {
			m := new(dns.Msg)
			m.SetRcode(q, rc)
			return m
		}
	}
	tests := []struct {
		qname    string
		qtype    uint16
		src      string
		onlyOver string // "" for both transports
		want     func(q *dns.Msg) *dns.Msg
	}{
		{"a.lab.test.", dns.TypeA, "127.0.0.1", "", answer("a.lab.test. 60 IN A 10.99.12.1")},
		{"a.lab.test.", dns.TypeA, "127.0.0.3", "", answer("a.lab.test. 60 IN A 10.99.12.1")},
		{"a.lab.test.", dns.TypeA, "127.0.0.4", "udp", answer("a.lab.test. 60 IN A 10.99.12.9")},
		{"a.lab.test.", dns.TypeA, "127.0.0.4", "tcp", answer("a.lab.test. 60 IN A 10.99.12.3")},
		{"m.lab.test.", dns.TypeTXT, "127.0.0.2", "", answer(`m.lab.test. 60 IN TXT "view=inner"`)},
		{"a.lab.test.", dns.TypeTXT, "127.0.0.8", "", answer(`a.lab.test. 60 IN TXT "txt-view"`)},
		{"plain.lab.test.", dns.TypeTXT, "127.0.0.8", "udp", answer(`plain.lab.test. 60 IN TXT "view=[]"`)},
		{"plain.lab.test.", dns.TypeTXT, "127.0.0.8", "tcp", rcode(dns.RcodeServerFailure)},
		// The tcp-only block has no AAAA template: SERVFAIL.
		{"a.lab.test.", dns.TypeAAAA, "127.0.0.8", "tcp", rcode(dns.RcodeServerFailure)},
		{"stranger.test.", dns.TypeA, "127.0.0.1", "", rcode(dns.RcodeRefused)},
	}
	for _, network := range []string{"udp", "tcp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		for _, tc := range tests {
			if tc.onlyOver != "" && tc.onlyOver != network {
				continue
			}
			q := new(dns.Msg)
			q.SetQuestion(tc.qname, tc.qtype)
			got, _ := queryFrom(t, network, addr, tc.src, q.Copy(), 2*time.Second)
			checkWhole(t, network+" "+tc.qname+" "+dns.TypeToString[tc.qtype]+" from "+tc.src, got, tc.want(q))
		}
	}
}
