package bufsize

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// bulky is the TXT RRset of the golden bufsize scenario: 40 strings of
// growing length.
func bulky() []dns.RR {
	tail := []string{"abcdefgh", "abcdefghijkl", "abcdefghijklmnop", "abcdefghijklmnopqrst",
		"abcdefghijklmnopqrstuvwx", "abcdefghijklmnopqrstuvwxyz01", "abcdefghijklmnopqrstuvwxyz012345"}
	rrs := make([]dns.RR, 40)
	for i := range rrs {
		rrs[i] = test.TXT(fmt.Sprintf(`bulky.lab.test. 300 IN TXT "record-%02d-%s"`, i, tail[i%len(tail)]))
	}
	return rrs
}

// zone answers like the file plugin would for bulky.lab.test TXT and
// records the buffer size it saw in the query.
type zone struct{ seen int }

func (z *zone) ServeDNS(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	z.seen = -1
	if o := r.IsEdns0(); o != nil {
		z.seen = int(o.UDPSize())
	}
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.Answer = bulky()
	m.Ns = []dns.RR{test.NS("lab.test. 300 IN NS ns.lab.test.")}
	w.WriteMsg(m) //nolint:errcheck // test
	return dns.RcodeSuccess, nil
}

func (z *zone) Name() string { return "zone" }

func TestBufsize(t *testing.T) {
	tests := []struct {
		limit     int
		reqSize   int // 0: no OPT record
		tcp       bool
		seen      int // size the next plugin sees, -1 for no OPT
		answers   int
		truncated bool
		ns        bool
	}{
		// As the golden scenario: "bufsize 1100" in front of the zone.
		{limit: 1100, reqSize: 4096, seen: 1100, answers: 25, truncated: true},
		{limit: 1100, reqSize: 1232, seen: 1100, answers: 25, truncated: true},
		{limit: 1100, reqSize: 1000, seen: 1000, answers: 22, truncated: true},
		{limit: 1100, reqSize: 0, seen: -1, answers: 11, truncated: true},
		{limit: 1100, reqSize: 0, tcp: true, seen: -1, answers: 40, ns: true},
		{limit: 1100, reqSize: 4096, tcp: true, seen: 1100, answers: 40, ns: true},
		// The default limit and the extremes.
		{limit: defaultSize, reqSize: 4096, seen: 1232, answers: 27, truncated: true},
		{limit: maxSize, reqSize: 4096, seen: 4096, answers: 40, ns: true},
		{limit: minSize, reqSize: 600, seen: 512, answers: 11, truncated: true},
	}
	for _, tc := range tests {
		name := fmt.Sprintf("limit=%d,req=%d,tcp=%v", tc.limit, tc.reqSize, tc.tcp)
		t.Run(name, func(t *testing.T) {
			z := &zone{}
			b := Bufsize{Next: z, Size: tc.limit}
			r := new(dns.Msg)
			r.SetQuestion("bulky.lab.test.", dns.TypeTXT)
			if tc.reqSize > 0 {
				r.Extra = append(r.Extra, test.OPT(tc.reqSize, false))
			}
			rec := dnstest.NewRecorder(&test.ResponseWriter{TCP: tc.tcp})
			// The server wraps the client's writer in a scrub writer before
			// the chain runs; do the same.
			if _, err := b.ServeDNS(context.Background(), request.NewScrubWriter(r, rec), r); err != nil {
				t.Fatal(err)
			}
			if z.seen != tc.seen {
				t.Errorf("next plugin saw buffer size %d, want %d", z.seen, tc.seen)
			}
			want := test.Case{
				Qname: "bulky.lab.test.", Qtype: dns.TypeTXT, Authoritative: true, Truncated: tc.truncated,
				Answer: bulky()[:tc.answers],
			}
			if tc.ns {
				want.Ns = []dns.RR{test.NS("lab.test. 300 IN NS ns.lab.test.")}
			}
			if tc.seen > 0 {
				want.Extra = []dns.RR{test.OPT(tc.seen, false)}
			}
			resp := rec.Msg
			if resp.Truncated != tc.truncated {
				t.Errorf("TC = %v, want %v", resp.Truncated, tc.truncated)
			}
			if err := test.SortAndCheck(resp, want); err != nil {
				t.Error(err)
			}
			if o := resp.IsEdns0(); o != nil && int(o.UDPSize()) != tc.seen {
				t.Errorf("reply advertises %d, want %d", o.UDPSize(), tc.seen)
			}
		})
	}
}

func TestBufsizeNoNext(t *testing.T) {
	b := Bufsize{Size: 1232}
	r := new(dns.Msg)
	r.SetQuestion("example.org.", dns.TypeA)
	rcode, err := b.ServeDNS(context.Background(), &test.ResponseWriter{}, r)
	if rcode != dns.RcodeServerFailure || err == nil || !strings.Contains(err.Error(), "bufsize") {
		t.Errorf("got %d, %v; want SERVFAIL and an error naming bufsize", rcode, err)
	}
}

var _ plugin.Handler = Bufsize{}
