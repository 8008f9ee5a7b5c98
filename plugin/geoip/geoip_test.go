package geoip

import (
	"context"
	"maps"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/maxmind/mmdbwriter/mmdbtype"
	"github.com/miekg/dns"
)

var (
	cambridge = map[string]string{
		labelCityName: "Cambridge", labelCountryCode: "GB", labelCountryName: "United Kingdom",
		labelCountryInEU: "false", labelContinentCode: "EU", labelContinentName: "Europe",
		labelLatitude: "52.2242", labelLongitude: "0.1315", labelTimezone: "Europe/London",
		labelPostalCode: "CB4", labelSubdivisions: "ENG,CAM",
	}
	berlin = map[string]string{
		labelCityName: "Berlin", labelCountryCode: "DE", labelCountryName: "Germany",
		labelCountryInEU: "true", labelContinentCode: "EU", labelContinentName: "Europe",
		labelLatitude: "52.5", labelLongitude: "13.4", labelTimezone: "Europe/Berlin",
		labelPostalCode: "10115", labelSubdivisions: "BE",
	}
	tokyo = map[string]string{
		labelCityName: "Tokyo", labelCountryCode: "JP", labelCountryName: "Japan",
		labelCountryInEU: "false", labelContinentCode: "AS", labelContinentName: "Asia",
		labelLatitude: "35.6895", labelLongitude: "139.6917", labelTimezone: "Asia/Tokyo",
		labelPostalCode: "100-0001", labelSubdivisions: "13",
	}
	australia = map[string]string{ // a country-level record: no city, no location
		labelCityName: "", labelCountryCode: "AU", labelCountryName: "Australia",
		labelCountryInEU: "false", labelContinentCode: "OC", labelContinentName: "Oceania",
		labelLatitude: "", labelLongitude: "", labelTimezone: "",
		labelPostalCode: "", labelSubdivisions: "",
	}
	nowhere = map[string]string{ // an address the database does not hold
		labelCityName: "", labelCountryCode: "", labelCountryName: "",
		labelCountryInEU: "false", labelContinentCode: "", labelContinentName: "",
		labelLatitude: "", labelLongitude: "", labelTimezone: "",
		labelPostalCode: "", labelSubdivisions: "",
	}
	asLoopback = map[string]string{labelASNNumber: "64496", labelASNOrg: "LOOPBACK-EXAMPLE"}
	asDoc2     = map[string]string{labelASNNumber: "64511", labelASNOrg: "DOC-NET-2"}
	asDocV6    = map[string]string{labelASNNumber: "4200000000", labelASNOrg: "DOC-V6"}
	asNone     = map[string]string{labelASNNumber: "0", labelASNOrg: ""}
)

// query builds a query, with a client subnet option when subnet is set.
func query(subnet string) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	if subnet == "" {
		return m
	}
	m.SetEdns0(4096, false)
	_, n, err := net.ParseCIDR(subnet)
	if err != nil {
		panic(err)
	}
	ones, _ := n.Mask.Size()
	e := &dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: uint8(ones), Address: n.IP}
	if n.IP.To4() == nil {
		e.Family = 2
	}
	m.IsEdns0().Option = append(m.IsEdns0().Option, e)
	return m
}

// collect runs g's Metadata for a query from client and returns every label
// it set with its value.
func collect(g *GeoIP, client string, r *dns.Msg) map[string]string {
	ctx := metadata.ContextWithMetadata(context.Background())
	state := request.Request{W: &test.ResponseWriter{RemoteIP: client}, Req: r}
	ctx = g.Metadata(ctx, state)
	got := map[string]string{}
	for label, f := range metadata.ValueFuncs(ctx) {
		got[label] = f()
	}
	return got
}

func TestMetadata(t *testing.T) {
	city := writeDB(t, "GeoIP2-City", cityRecords())
	country := writeDB(t, "GeoLite2-Country", cityRecords())
	asn := writeDB(t, "GeoLite2-ASN", asnRecords())
	isp := writeDB(t, "GeoIP2-ISP", asnRecords())
	enterprise := writeDB(t, "GeoIP2-Enterprise", cityRecords())

	tests := []struct {
		name   string
		db     string
		ecs    bool
		client string
		subnet string
		want   map[string]string
	}{
		{"city, client v4", city, false, "127.0.0.1", "", cambridge},
		{"city, client v6", city, false, "2001:db8::53", "", tokyo},
		{"city, country-level record", city, false, "203.0.113.9", "", australia},
		{"city, unknown address", city, false, "192.0.2.1", "", nowhere},
		{"city, subnet ignored without edns-subnet", city, false, "127.0.0.1", "198.51.100.0/24", cambridge},
		{"city, edns-subnet v4", city, true, "127.0.0.1", "198.51.100.0/24", berlin},
		{"city, edns-subnet v6", city, true, "127.0.0.1", "2001:db8:1::/48", tokyo},
		{"city, edns-subnet without option", city, true, "127.0.0.1", "", cambridge},
		{"country database", country, false, "198.51.100.7", "", berlin},
		{"asn", asn, false, "127.0.0.1", "", asLoopback},
		{"asn, edns-subnet", asn, true, "127.0.0.1", "198.51.100.0/24", asDoc2},
		{"asn, v6 32-bit number", asn, false, "2001:db8::1", "", asDocV6},
		{"asn, unknown address", asn, false, "192.0.2.1", "", asNone},
		{"isp", isp, false, "127.0.0.1", "", asLoopback},
		// The reader offers no ASN lookups on an Enterprise database (its AS
		// data sits under traits), so only the city labels are set.
		{"enterprise", enterprise, false, "127.0.0.1", "", cambridge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := newGeoIP(tc.db, tc.ecs)
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			got := collect(g, tc.client, query(tc.subnet))
			if !maps.Equal(got, tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}

// Each lookup happens once per query however many labels are read, and
// only when one is read.
func TestLookupIsLazy(t *testing.T) {
	g, err := newGeoIP(writeDB(t, "GeoLite2-City", cityRecords()), false)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	l := &lookup{db: g.db, addr: probeAddr}
	ctx := metadata.ContextWithMetadata(context.Background())
	l.setCityLabels(ctx)
	if l.cityRec != nil {
		t.Fatal("lookup done before any label was read")
	}
	metadata.ValueFunc(ctx, labelCityName)()
	first := l.cityRec
	metadata.ValueFunc(ctx, labelCountryCode)()
	if first == nil || l.cityRec != first {
		t.Error("city record looked up more than once")
	}
}

// Without the metadata plugin, Metadata sets nothing and does not fail.
func TestMetadataWithoutStore(t *testing.T) {
	g, err := newGeoIP(writeDB(t, "GeoLite2-City", cityRecords()), false)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	state := request.Request{W: &test.ResponseWriter{}, Req: query("")}
	ctx := g.Metadata(context.Background(), state)
	if metadata.ValueFuncs(ctx) != nil {
		t.Error("labels set without a metadata store")
	}
}

func TestNewGeoIPErrors(t *testing.T) {
	tests := []struct {
		name string
		path string
		want string
	}{
		{"missing file", "/nonexistent/GeoLite2-City.mmdb", "failed to open database file"},
		{"not a database", writeFile(t, "junk.mmdb", "this is not a maxmind database"), "failed to open database file"},
		{"unknown type", writeDB(t, "Acme-Custom", cityRecords()), "failed to open database file"},
		{"unsupported schema", writeDB(t, "GeoIP2-Domain", map[string]mmdbtype.Map{"127.0.0.0/8": {"domain": mmdbtype.String("example.org")}}), "provides neither the city nor the asn schema"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := newGeoIP(tc.path, false)
			if err == nil {
				g.Close()
				t.Fatal("expected an error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

// The plugin answers nothing: the next plugin sees the query unchanged.
func TestServeDNSPassesOn(t *testing.T) {
	g, err := newGeoIP(writeDB(t, "GeoLite2-ASN", asnRecords()), false)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	g.Next = test.NextHandler(dns.RcodeRefused, nil)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	code, err := g.ServeDNS(context.Background(), rec, query(""))
	if code != dns.RcodeRefused || err != nil {
		t.Errorf("got rcode %d, err %v; want the next plugin's REFUSED, nil", code, err)
	}
	if g.Name() != "geoip" {
		t.Errorf("Name() = %q", g.Name())
	}
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	path := t.TempDir() + "/" + name
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func BenchmarkMetadata(b *testing.B) {
	g, err := newGeoIP(writeDB(b, "GeoLite2-City", cityRecords()), false)
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	w := &test.ResponseWriter{RemoteIP: "127.0.0.1"}
	r := query("")
	b.ReportAllocs()
	for b.Loop() {
		ctx := metadata.ContextWithMetadata(context.Background())
		ctx = g.Metadata(ctx, request.Request{W: w, Req: r})
		metadata.ValueFunc(ctx, labelCountryCode)()
	}
}
