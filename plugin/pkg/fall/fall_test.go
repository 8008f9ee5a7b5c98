package fall

import "testing"

func TestThrough(t *testing.T) {
	tests := []struct {
		f     F
		qname string
		want  bool
	}{
		{Zero, "example.org.", false},
		{Root, "example.org.", true},
		{F{Zones: []string{"example.org."}}, "a.example.org.", true},
		{F{Zones: []string{"example.org."}}, "example.net.", false},
		{F{Zones: []string{"example.org."}}, "xexample.org.", false},
	}
	for i, tc := range tests {
		if got := tc.f.Through(tc.qname); got != tc.want {
			t.Errorf("%d: Through(%q) = %v, want %v", i, tc.qname, got, tc.want)
		}
	}
}

func TestSetZonesFromArgs(t *testing.T) {
	var f F
	f.SetZonesFromArgs(nil)
	if !f.Equal(Root) {
		t.Errorf("no args: got %v, want root", f.Zones)
	}
	f.SetZonesFromArgs([]string{"Example.ORG", "10.0.0.0/16"})
	want := F{Zones: []string{"example.org.", "0.10.in-addr.arpa."}}
	if !f.Equal(want) {
		t.Errorf("got %v, want %v", f.Zones, want.Zones)
	}
	if f.Equal(Zero) {
		t.Error("Equal(Zero) is true for a non-empty F")
	}
}
