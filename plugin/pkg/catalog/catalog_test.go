package catalog

import (
	"reflect"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

func parseRRs(t *testing.T, zone string) []dns.RR {
	t.Helper()
	var rrs []dns.RR
	zp := dns.NewZoneParser(strings.NewReader(zone), "catalog.invalid.", "")
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		t.Fatal(err)
	}
	return rrs
}

const head = `
@ 0 IN SOA invalid. invalid. 1 3600 600 2147483646 0
@ 0 IN NS invalid.
`

func TestParse(t *testing.T) {
	rrs := parseRRs(t, head+`
version 0 IN TXT "2"
b1.zones 0 IN PTR Example.COM.
group.b1.zones 0 IN TXT "signed" "red"
a2.zones 0 IN PTR example.net.
coo.a2.zones 0 IN PTR other.catalog.
group.gone.zones 0 IN TXT "orphan"
unknown.a2.zones 0 IN TXT "ignored"
outside.invalid. 0 IN PTR x.
`)
	c, err := Parse("Catalog.Invalid", rrs)
	if err != nil {
		t.Fatal(err)
	}
	want := &Catalog{Origin: "catalog.invalid.", Members: []Member{
		{ID: "a2", Zone: "example.net.", ChangeOfOwnership: "other.catalog."},
		{ID: "b1", Zone: "example.com.", Groups: []string{"signed", "red"}},
	}}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got %+v\nwant %+v", c, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := map[string]string{
		"no version":      `a.zones 0 IN PTR example.com.`,
		"two versions":    "version 0 IN TXT \"2\"\nversion 0 IN TXT \"1\"",
		"old version":     `version 0 IN TXT "1"`,
		"two member PTRs": "version 0 IN TXT \"2\"\na.zones 0 IN PTR example.com.\na.zones 0 IN PTR example.net.",
		"two coo PTRs":    "version 0 IN TXT \"2\"\na.zones 0 IN PTR example.com.\ncoo.a.zones 0 IN PTR x.\ncoo.a.zones 0 IN PTR y.",
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse("catalog.invalid.", parseRRs(t, head+body)); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	c, err := Parse("catalog.invalid.", parseRRs(t, head+`version 0 IN TXT "2"`))
	if err != nil || len(c.Members) != 0 {
		t.Errorf("got %+v, %v; want no members", c, err)
	}
}
