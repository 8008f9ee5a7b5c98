package whoami

import (
	"context"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestWhoami(t *testing.T) {
	tests := []struct {
		name   string
		qname  string
		qtype  uint16
		w      dns.ResponseWriter
		extra  []string
		remote string
	}{
		{"udp v4", "example.org.", dns.TypeA, &test.ResponseWriter{}, []string{
			"example.org.\t0\tIN\tA\t10.240.0.1",
			"_udp.example.org.\t0\tIN\tSRV\t0 0 40212 .",
		}, ""},
		{"tcp v4 keeps case", "Example.ORG.", dns.TypeTXT, &test.ResponseWriter{TCP: true}, []string{
			"Example.ORG.\t0\tIN\tA\t10.240.0.1",
			"_tcp.Example.ORG.\t0\tIN\tSRV\t0 0 40212 .",
		}, ""},
		{"udp v6", "example.org.", dns.TypeAAAA, &test.ResponseWriter6{}, []string{
			"example.org.\t0\tIN\tAAAA\tfe80::42:ff:feca:4c65",
			"_udp.example.org.\t0\tIN\tSRV\t0 0 40212 .",
		}, ""},
		{"root name", ".", dns.TypeNS, &test.ResponseWriter{}, []string{
			".\t0\tIN\tA\t10.240.0.1",
			"_udp.\t0\tIN\tSRV\t0 0 40212 .",
		}, ""},
		{"root name tcp v6", ".", dns.TypeA, &test.ResponseWriter6{ResponseWriter: test.ResponseWriter{TCP: true}}, []string{
			".\t0\tIN\tAAAA\tfe80::42:ff:feca:4c65",
			"_tcp.\t0\tIN\tSRV\t0 0 40212 .",
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := new(dns.Msg)
			req.SetQuestion(tc.qname, tc.qtype)
			rec := dnstest.NewRecorder(tc.w)
			rcode, err := Whoami{}.ServeDNS(context.Background(), rec, req)
			if err != nil || rcode != dns.RcodeSuccess {
				t.Fatalf("got rcode %d, err %v", rcode, err)
			}
			m := rec.Msg
			if !m.Authoritative || !m.Response || len(m.Answer) != 0 || len(m.Ns) != 0 {
				t.Fatalf("unexpected header or sections: %v", m)
			}
			if len(m.Extra) != len(tc.extra) {
				t.Fatalf("got %d extra records, want %d", len(m.Extra), len(tc.extra))
			}
			for i, want := range tc.extra {
				if got := m.Extra[i].String(); got != want {
					t.Errorf("extra[%d] = %q, want %q", i, got, want)
				}
			}
			if _, err := m.Pack(); err != nil {
				t.Errorf("reply does not pack: %v", err)
			}
			if m.Question[0].Name != tc.qname {
				t.Errorf("question %q, want %q", m.Question[0].Name, tc.qname)
			}
		})
	}
}

func TestSetup(t *testing.T) {
	tests := []struct {
		input   string
		wantErr bool
	}{
		{"whoami", false},
		{"whoami extra", true},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		err := setup(c)
		if (err != nil) != tc.wantErr {
			t.Errorf("setup(%q): err %v, want error %v", tc.input, err, tc.wantErr)
		}
	}
}

func BenchmarkWhoami(b *testing.B) {
	req := new(dns.Msg)
	req.SetQuestion("example.org.", dns.TypeA)
	w := &test.ResponseWriter{}
	b.ReportAllocs()
	for b.Loop() {
		Whoami{}.ServeDNS(context.Background(), w, req) //nolint:errcheck // benchmark
	}
}
