package test

import (
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestAny(t *testing.T) {
	corefile := `kite.test:0 {
		bind 127.0.0.1
		any
		whoami
	}`
	for _, tr := range serve(t, corefile) {
		network, addr := tr.network, tr.addr
		for _, qname := range []string{"kite.test.", "Pair.Kite.Test."} {
			m := new(dns.Msg)
			m.SetQuestion(qname, dns.TypeANY)
			resp := exchangeMsg(t, network, addr, m)
			tc := test.Case{Qname: qname, Qtype: dns.TypeANY, Answer: []dns.RR{
				test.HINFO(qname + ` 8482 IN HINFO "ANY obsoleted" "See RFC 8482"`),
			}}
			if err := test.SortAndCheck(resp, tc); err != nil {
				t.Errorf("%s %s: %v", network, qname, err)
			}
			if resp.Authoritative || resp.Answer[0].Header().Ttl != 8482 {
				t.Errorf("%s %s: reply %v", network, qname, resp)
			}
		}

		// Other types reach whoami.
		m := new(dns.Msg)
		m.SetQuestion("pair.kite.test.", dns.TypeA)
		resp := exchangeMsg(t, network, addr, m)
		if len(resp.Answer) != 0 || len(resp.Extra) != 2 || !resp.Authoritative {
			t.Errorf("%s A: reply %v, want whoami's", network, resp)
		}
	}
}
