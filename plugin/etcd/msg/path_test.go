package msg

import "testing"

func TestPath(t *testing.T) {
	tests := []struct {
		name, prefix, want string
	}{
		{"service.staging.skydns.local.", "skydns", "/skydns/local/skydns/staging/service"},
		{"service.staging.skydns.local", "skydns", "/skydns/local/skydns/staging/service"},
		{"example.org.", "coredns", "/coredns/org/example"},
		{".", "skydns", "/skydns"},
	}
	for _, tc := range tests {
		if got := Path(tc.name, tc.prefix); got != tc.want {
			t.Errorf("Path(%q, %q) = %q, want %q", tc.name, tc.prefix, got, tc.want)
		}
	}
}

func TestDomain(t *testing.T) {
	tests := []struct {
		key, want string
	}{
		{"/skydns/local/skydns/staging/service", "service.staging.skydns.local."},
		{"/skydns/local/skydns/staging/service/", "service.staging.skydns.local."},
		{"/skydns/org/example/x1", "x1.example.org."},
		{"/skydns", "."},
		{"", "."},
	}
	for _, tc := range tests {
		if got := Domain(tc.key); got != tc.want {
			t.Errorf("Domain(%q) = %q, want %q", tc.key, got, tc.want)
		}
	}
	// Domain undoes Path.
	for _, name := range []string{"a.b.c.example.org.", "x.org."} {
		if got := Domain(Path(name, "skydns")); got != name {
			t.Errorf("Domain(Path(%q)) = %q", name, got)
		}
	}
}

func TestPathWithWildcard(t *testing.T) {
	tests := []struct {
		name, want string
		wild       bool
	}{
		{"service.staging.skydns.local.", "/skydns/local/skydns/staging/service", false},
		{"service.*.skydns.local.", "/skydns/local/skydns", true},
		{"*.any.skydns.local.", "/skydns/local/skydns", true},
		{"service.any.skydns.local.", "/skydns/local/skydns", true},
		{"*.local.", "/skydns/local", true},
	}
	for _, tc := range tests {
		got, wild := PathWithWildcard(tc.name, "skydns")
		if got != tc.want || wild != tc.wild {
			t.Errorf("PathWithWildcard(%q) = %q, %t; want %q, %t", tc.name, got, wild, tc.want, tc.wild)
		}
	}
}
