package test

import (
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestBufsize(t *testing.T) {
	corefile := `lab.test:0 {
		bind 127.0.0.1
		bufsize 1100
		whoami
	}`
	udp, tcp := startServer(t, corefile)

	tests := []struct {
		size int // advertised by the query; 0 for no OPT
		want int // advertised by the reply; 0 for no OPT
	}{
		{4096, 1100},
		{1232, 1100},
		{1100, 1100},
		{600, 600},
		{0, 0},
	}
	for _, network := range []string{"udp", "tcp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		for _, tc := range tests {
			m := new(dns.Msg)
			m.SetQuestion("tiny.lab.test.", dns.TypeA)
			if tc.size > 0 {
				m.Extra = append(m.Extra, test.OPT(tc.size, false))
			}
			resp := exchangeMsg(t, network, addr, m)
			opt := resp.IsEdns0()
			switch {
			case tc.want == 0 && opt != nil:
				t.Errorf("%s size %d: reply has OPT %v", network, tc.size, opt)
			case tc.want != 0 && (opt == nil || int(opt.UDPSize()) != tc.want):
				t.Errorf("%s size %d: reply OPT %v, want size %d", network, tc.size, opt, tc.want)
			}
		}
	}
}

func TestBufsizeBadCorefile(t *testing.T) {
	for _, line := range []string{"bufsize 100", "bufsize 5000", "bufsize big", "bufsize 1 2"} {
		corefile := ".:0 {\n bind 127.0.0.1\n " + line + "\n}"
		i, err := CoreDNSServer(corefile)
		if err == nil {
			i.Stop()
			t.Errorf("server started with %q", line)
			continue
		}
		if !strings.Contains(err.Error(), "Corefile:3") {
			t.Errorf("%q: error %q does not name the Corefile line", line, err)
		}
	}
}
