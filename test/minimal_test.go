package test

import (
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// TestMinimal puts minimal in front of whoami. Whoami's reply is a NOERROR
// reply with its records in the additional section only, so minimal drops
// them, keeping header, question and OPT.
func TestMinimal(t *testing.T) {
	corefile := `lab.test:0 {
		bind 127.0.0.1
		minimal
		whoami
	}`
	for _, tr := range serve(t, corefile) {
		network, addr := tr.network, tr.addr
		for _, do := range []bool{false, true} {
			tc := test.Case{Qname: "x.lab.test.", Qtype: dns.TypeA, Do: do, Authoritative: true}
			if do {
				tc.Extra = []dns.RR{test.OPT(4096, true)}
			}
			resp := exchangeMsg(t, network, addr, tc.Msg())
			if err := test.SortAndCheck(resp, tc); err != nil {
				t.Errorf("%s do=%v: %v", network, do, err)
			}
			if do && (resp.IsEdns0() == nil || !resp.IsEdns0().Do()) {
				t.Errorf("%s: OPT lost: %v", network, resp)
			}
		}
	}
}

func TestMinimalBadCorefile(t *testing.T) {
	i, err := CoreDNSServer(".:0 {\n bind 127.0.0.1\n minimal all\n}")
	if err == nil {
		i.Stop()
		t.Fatal("server started with an argument to minimal")
	}
}
