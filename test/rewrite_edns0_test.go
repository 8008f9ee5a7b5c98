package test

import (
	"encoding/hex"
	"fmt"
	"net"
	"strconv"
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// rewriteEdns0Corefile puts every EDNS0 rule form in front of a template
// that answers with the options it was given.
const rewriteEdns0Corefile = `example.org:0 {
    bind 127.0.0.1
    rewrite continue edns0 local set 0xff01 {client_ip}
    rewrite continue edns0 local set 0xff02 {client_port}
    rewrite continue edns0 local set 0xff03 {protocol}
    rewrite continue edns0 local set 0xff04 {server_ip}
    rewrite continue edns0 local set 0xff05 {server_port}
    rewrite continue edns0 local set 0xff06 {qtype}
    rewrite continue edns0 local set 0xff07 {qname}
    rewrite continue edns0 local append 0xff08 0x61626364
    rewrite continue edns0 local replace 0xff09 new
    rewrite continue edns0 nsid set
    rewrite edns0 subnet set 24 56 revert
    template IN TXT example.org {
        answer "{{ .Name }} 5 IN TXT \"{{ with .Message.IsEdns0 }}{{ range .Option }}{{ .String }};{{ end }}{{ end }}\""
    }
}`

// TestRewriteEdns0Variables checks the data every variable gives over UDP
// and TCP, the set/append/replace actions and that the client never sees
// the options in the reply.
func TestRewriteEdns0Variables(t *testing.T) {
	i, addrs := startRewriteServer(t, rewriteEdns0Corefile)
	defer CoreDNSServerStop(i)

	for _, network := range []string{"udp", "tcp"} {
		_, sport, _ := net.SplitHostPort(addrs[network])
		serverPort, _ := strconv.Atoi(sport)

		for _, withOpts := range []bool{false, true} {
			m := new(dns.Msg)
			m.SetQuestion("Www.Example.Org.", dns.TypeTXT)
			if withOpts {
				m.SetEdns0(1232, false)
				m.IsEdns0().Option = []dns.EDNS0{
					&dns.EDNS0_LOCAL{Code: 0xff08, Data: []byte("keep")},
					&dns.EDNS0_LOCAL{Code: 0xff09, Data: []byte("old")},
				}
			}
			reply, port := rewriteExchange(t, network, addrs[network], m)

			local := func(code uint16, data []byte) string {
				return fmt.Sprintf("%d:0x%s;", code, hex.EncodeToString(data))
			}
			vars := local(0xff01, []byte{127, 0, 0, 1}) +
				local(0xff02, []byte{byte(port >> 8), byte(port)}) +
				local(0xff03, []byte(network)) +
				local(0xff04, []byte{127, 0, 0, 1}) +
				local(0xff05, []byte{byte(serverPort >> 8), byte(serverPort)}) +
				local(0xff06, []byte{0, byte(dns.TypeTXT)}) +
				local(0xff07, []byte("Www.Example.Org."))
			// An empty NSID option shows as nothing; the subnet is the
			// client's address cut to 24 bits.
			const nsidSubnet = ";127.0.0.0/24/0;"
			var want string
			if withOpts {
				// append leaves the client's option alone, replace changes
				// it in place; the new options follow.
				want = local(0xff08, []byte("keep")) + local(0xff09, []byte("new")) + vars + nsidSubnet
			} else {
				// append adds, replace finds nothing to replace.
				want = vars + local(0xff08, []byte("abcd")) + nsidSubnet
			}
			wantCase := test.Case{Qname: m.Question[0].Name, Qtype: dns.TypeTXT, Authoritative: true,
				Answer: []dns.RR{test.TXT(`www.example.org. 5 IN TXT "` + want + `"`)}}
			if withOpts {
				wantCase.Extra = []dns.RR{reply.IsEdns0()}
			}
			if err := test.SortAndCheck(reply, wantCase); err != nil {
				t.Errorf("%s, client options %t: %v", network, withOpts, err)
			}
			if len(reply.Answer) == 1 && reply.Answer[0].String() != wantCase.Answer[0].String() {
				t.Errorf("%s, client options %t:\n got  %s\n want %s", network, withOpts, reply.Answer[0], wantCase.Answer[0])
			}
			if reply.Question[0] != m.Question[0] {
				t.Errorf("%s: question %v, want %v", network, reply.Question[0], m.Question[0])
			}
			o := reply.IsEdns0()
			switch {
			case !withOpts && o != nil:
				t.Errorf("%s: reply to a query without EDNS0 has an OPT record: %v", network, o)
			case withOpts && o == nil:
				t.Errorf("%s: reply has no OPT record", network)
			case withOpts && len(o.Option) != 0:
				t.Errorf("%s: reply options %v, want none", network, o.Option)
			}
		}
	}
}
