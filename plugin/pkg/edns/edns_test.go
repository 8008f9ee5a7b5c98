package edns

import (
	"testing"

	"github.com/miekg/dns"
)

func TestVersion(t *testing.T) {
	tests := []struct {
		name    string
		edns    bool
		version uint8
		size    uint16
		badvers bool
	}{
		{"no edns", false, 0, 0, false},
		{"version 0", true, 0, 4096, false},
		{"version 1", true, 1, 4096, true},
		{"version 2 tiny size", true, 2, 100, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := new(dns.Msg)
			req.SetQuestion("example.org.", dns.TypeA)
			if tc.edns {
				req.SetEdns0(tc.size, false)
				req.IsEdns0().SetVersion(tc.version)
			}
			r, err := Version(req)
			if !tc.badvers {
				if r != nil || err != nil {
					t.Fatalf("Version() = %v, %v; want nil, nil", r, err)
				}
				return
			}
			if err == nil || r == nil {
				t.Fatalf("Version() = %v, %v; want BADVERS reply and error", r, err)
			}
			if r.Rcode != dns.RcodeBadVers || !r.Response || r.Id != req.Id {
				t.Errorf("reply rcode=%d response=%v id=%d; want BADVERS reply to %d", r.Rcode, r.Response, r.Id, req.Id)
			}
			if len(r.Question) != 1 || r.Question[0] != req.Question[0] {
				t.Errorf("reply question = %v, want %v", r.Question, req.Question)
			}
			opt := r.IsEdns0()
			// CoreDNS leaves the buffer size of a BADVERS reply at 0.
			if opt == nil || opt.Version() != 0 || opt.UDPSize() != 0 {
				t.Fatalf("reply OPT = %v, want version 0 with size 0", opt)
			}
			// The extended rcode must survive the wire.
			buf, err := r.Pack()
			if err != nil {
				t.Fatal(err)
			}
			back := new(dns.Msg)
			if err := back.Unpack(buf); err != nil {
				t.Fatal(err)
			}
			if back.Rcode != dns.RcodeBadVers {
				t.Errorf("packed rcode = %d, want %d", back.Rcode, dns.RcodeBadVers)
			}
		})
	}
}

func TestSize(t *testing.T) {
	tests := []struct {
		proto string
		size  uint16
		want  uint16
	}{
		{"tcp", 0, dns.MaxMsgSize},
		{"tcp", 512, dns.MaxMsgSize},
		{"udp", 0, 512},
		{"udp", 511, 512},
		{"udp", 512, 512},
		{"udp", 1232, 1232},
		{"udp", 4096, 4096},
	}
	for _, tc := range tests {
		if got := Size(tc.proto, tc.size); got != tc.want {
			t.Errorf("Size(%q, %d) = %d, want %d", tc.proto, tc.size, got, tc.want)
		}
	}
}

func TestSupportedOption(t *testing.T) {
	const opt = 65001 // from the local/experimental range
	t.Cleanup(func() {
		supported.Lock()
		delete(supported.m, opt)
		supported.Unlock()
	})
	if SupportedOption(opt) {
		t.Fatalf("option %d supported before registration", opt)
	}
	SetSupportedOption(opt)
	if !SupportedOption(opt) {
		t.Fatalf("option %d not supported after registration", opt)
	}
	if SupportedOption(opt + 1) {
		t.Fatalf("option %d supported without registration", opt+1)
	}
}
