package transport

import "testing"

func TestDefaults(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"DNS", DNS, "dns"},
		{"TLS", TLS, "tls"},
		{"QUIC", QUIC, "quic"},
		{"GRPC", GRPC, "grpc"},
		{"HTTPS", HTTPS, "https"},
		{"HTTPS3", HTTPS3, "https3"},
		{"UNIX", UNIX, "unix"},
		{"Port", Port, "53"},
		{"TLSPort", TLSPort, "853"},
		{"QUICPort", QUICPort, "853"},
		{"GRPCPort", GRPCPort, "443"},
		{"HTTPSPort", HTTPSPort, "443"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
