package test

import (
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// nsidQuery is an A query for name, with an OPT record of 1232 bytes carrying
// an empty NSID option when nsid is set.
func nsidQuery(name string, edns, nsid bool) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(name, dns.TypeA)
	if edns {
		o := test.OPT(1232, false)
		if nsid {
			o.Option = []dns.EDNS0{&dns.EDNS0_NSID{Code: dns.EDNS0NSID}}
		}
		m.Extra = append(m.Extra, o)
	}
	return m
}

func TestNsid(t *testing.T) {
	corefile := `lab.test:0 {
		bind 127.0.0.1
		nsid lab-node-7
		whoami
	}`
	for _, tr := range serve(t, corefile) {
		network, addr := tr.network, tr.addr
		resp := exchangeMsg(t, network, addr, nsidQuery("n.lab.test.", true, true))
		opt := resp.IsEdns0()
		if resp.Rcode != dns.RcodeSuccess || opt == nil || len(resp.Extra) != 3 {
			t.Fatalf("%s: unexpected reply %v", network, resp)
		}
		if opt.UDPSize() != 1232 || !opt.Do() || len(opt.Option) != 1 {
			t.Fatalf("%s: OPT %v, want udp 1232, DO and one option", network, opt)
		}
		if n, ok := opt.Option[0].(*dns.EDNS0_NSID); !ok || n.Nsid != "6c61622d6e6f64652d37" {
			t.Errorf("%s: option %v, want NSID lab-node-7", network, opt.Option[0])
		}

		// EDNS without NSID: the OPT carries no options.
		resp = exchangeMsg(t, network, addr, nsidQuery("n.lab.test.", true, false))
		if opt := resp.IsEdns0(); opt == nil || len(opt.Option) != 0 || opt.Do() {
			t.Errorf("%s: EDNS without NSID: OPT %v", network, opt)
		}
		// No EDNS: no OPT.
		resp = exchangeMsg(t, network, addr, nsidQuery("n.lab.test.", false, false))
		if resp.IsEdns0() != nil || len(resp.Extra) != 2 {
			t.Errorf("%s: no EDNS: reply %v", network, resp)
		}
	}
}

func TestNsidBadCorefile(t *testing.T) {
	corefile := `.:0 {
		bind 127.0.0.1
		nsid a
		nsid b
	}`
	i, err := CoreDNSServer(corefile)
	if err == nil {
		i.Stop()
		t.Fatal("server started with nsid twice in a block")
	}
}
