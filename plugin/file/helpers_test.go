package file

import (
	"context"
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// newFile parses zone for origin into a File whose next plugin answers
// REFUSED without writing.
func newFile(t testing.TB, origin, zone string) File {
	t.Helper()
	z, err := Parse(strings.NewReader(zone), origin, "stdin", -1)
	if err != nil {
		t.Fatalf("parse %s: %v", origin, err)
	}
	return File{
		Next:  test.NextHandler(dns.RcodeRefused, nil),
		Zones: Zones{Z: map[string]*Zone{origin: z}, Names: []string{origin}},
	}
}

// lookupCase is a test case; referral marks an answer with AA clear.
type lookupCase struct {
	test.Case
	referral bool
	loop     bool // the answer is a CNAME loop, which has no order
}

func runCases(t *testing.T, f File, cases []lookupCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Qname+"/"+dns.TypeToString[tc.Qtype], func(t *testing.T) {
			m := tc.Msg()
			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			if _, err := f.ServeDNS(context.Background(), rec, m); err != nil {
				t.Fatalf("ServeDNS: %v", err)
			}
			if rec.Msg == nil {
				t.Fatal("no response written")
			}
			tc.Authoritative = !tc.referral
			if rec.Msg.Authoritative != tc.Authoritative {
				t.Errorf("AA = %v, want %v", rec.Msg.Authoritative, tc.Authoritative)
			}
			if !tc.loop {
				if err := test.CNAMEOrder(rec.Msg); err != nil {
					t.Error(err)
				}
			}
			if err := test.SortAndCheck(rec.Msg, tc.Case); err != nil {
				t.Error(err)
			}
		})
	}
}
