package file

import (
	"testing"

	"github.com/coredns/coredns/plugin/transfer"

	"github.com/miekg/dns"
)

func collect(t *testing.T, ch <-chan []dns.RR) []dns.RR {
	t.Helper()
	var all []dns.RR
	for rrs := range ch {
		all = append(all, rrs...)
	}
	return all
}

func TestTransfer(t *testing.T) {
	f := newFile(t, "zoo.test.", zooZone)

	if _, err := f.Transfer("other.test.", 0); err != transfer.ErrNotAuthoritative {
		t.Errorf("unknown zone: error %v", err)
	}

	ch, err := f.Transfer("zoo.test.", 0)
	if err != nil {
		t.Fatal(err)
	}
	all := collect(t, ch)
	// 32 records in the file, plus the closing SOA.
	if len(all) != 33 {
		t.Errorf("AXFR has %d records, want 33", len(all))
	}
	first, last := all[0].(*dns.SOA), all[len(all)-1].(*dns.SOA)
	if first.Serial != 2024010101 || last != first {
		t.Errorf("AXFR not framed by the SOA: %v ... %v", all[0], all[len(all)-1])
	}
	if all[1].Header().Rrtype != dns.TypeNS || all[3].Header().Name != "zoo.test." {
		t.Errorf("apex records do not come first: %v", all[:4])
	}

	tests := []struct {
		serial uint32
		want   int
	}{
		{2024010101, 1}, // up to date: just the SOA
		{2024010102, 1}, // newer than ours: just the SOA
		{2024010100, 33},
		{0, 33},
	}
	for _, tc := range tests {
		ch, err := f.Z["zoo.test."].Transfer(tc.serial)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(collect(t, ch)); n != tc.want {
			t.Errorf("IXFR from %d: %d records, want %d", tc.serial, n, tc.want)
		}
	}

	if _, err := NewZone("empty.test.", "x").Transfer(0); err == nil {
		t.Error("transfer of a zone without SOA did not fail")
	}
}
