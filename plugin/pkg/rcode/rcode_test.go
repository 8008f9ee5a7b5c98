package rcode

import (
	"testing"

	"github.com/miekg/dns"
)

func TestToString(t *testing.T) {
	tests := []struct {
		rcode int
		want  string
	}{
		{dns.RcodeSuccess, "NOERROR"},
		{dns.RcodeNameError, "NXDOMAIN"},
		{dns.RcodeServerFailure, "SERVFAIL"},
		{dns.RcodeRefused, "REFUSED"},
		{dns.RcodeBadSig, "BADSIG"}, // 16 is both BADVERS and BADSIG; miekg/dns names it BADSIG
		{dns.RcodeBadCookie, "BADCOOKIE"},
		{12, "RCODE12"},
		{-1, "RCODE-1"},
		{9999, "RCODE9999"},
	}
	for _, tc := range tests {
		if got := ToString(tc.rcode); got != tc.want {
			t.Errorf("ToString(%d) = %q, want %q", tc.rcode, got, tc.want)
		}
	}
}
