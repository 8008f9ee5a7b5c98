package test

import (
	"testing"

	"github.com/miekg/dns"
)

// TestMetadata checks that a server with metadata collects without getting
// in the way: whoami still answers, inside and outside the metadata zones.
func TestMetadata(t *testing.T) {
	corefile := `lab.test:0 {
		bind 127.0.0.1
		metadata inner.lab.test
		whoami
	}`
	for _, tr := range serve(t, corefile) {
		network, addr := tr.network, tr.addr
		for _, qname := range []string{"a.inner.lab.test.", "outer.lab.test."} {
			m := new(dns.Msg)
			m.SetQuestion(qname, dns.TypeA)
			resp := exchangeMsg(t, network, addr, m)
			if resp.Rcode != dns.RcodeSuccess || len(resp.Extra) != 2 || resp.Extra[0].Header().Name != qname {
				t.Errorf("%s %s: reply %v", network, qname, resp)
			}
		}
	}
}

func TestMetadataBadCorefile(t *testing.T) {
	for _, body := range []string{"metadata\n metadata", "metadata {\n zones a\n }", "metadata bad..zone"} {
		i, err := CoreDNSServer(".:0 {\n bind 127.0.0.1\n " + body + "\n}")
		if err == nil {
			i.Stop()
			t.Errorf("server started with %q", body)
		}
	}
}
