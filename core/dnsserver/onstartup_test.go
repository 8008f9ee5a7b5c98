package dnsserver

import "testing"

func TestStartUpZones(t *testing.T) {
	zones := map[string][]*Config{"example.org.": nil, ".": nil}
	tests := []struct {
		addr string
		want string
	}{
		{"dns://:53", ".:53\nexample.org.:53\n"},
		{"dns://127.0.0.1:1053", ".:1053 on 127.0.0.1\nexample.org.:1053 on 127.0.0.1\n"},
		{"dns://[::1]:53", ".:53 on ::1\nexample.org.:53 on ::1\n"},
	}
	for _, tc := range tests {
		if got := startUpZones("", tc.addr, zones); got != tc.want {
			t.Errorf("startUpZones(%q) = %q, want %q", tc.addr, got, tc.want)
		}
	}
	if got := startUpZones("tls://", "tls://:853", map[string][]*Config{"example.org.": nil}); got != "tls://example.org.:853\n" {
		t.Errorf("tls startUpZones = %q", got)
	}
}
