package geoip

import (
	"bytes"
	"flag"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// The databases under testdata/ (used by the README examples) are written
// by this file: run "go test ./plugin/geoip -run TestTestdata -update" to
// rewrite them after changing the records below.
var update = flag.Bool("update", false, "rewrite the databases in testdata/")

// place is one network of a test city database.
type place struct {
	network                    string
	city                       string
	countryCode, countryName   string
	inEU                       bool
	continentCode, continentNm string
	lat, lon                   float64
	noLocation                 bool
	timezone, postal           string
	subdivisions               []string
}

// system is one network of a test ASN database.
type system struct {
	network string
	number  uint32
	org     string
}

var testPlaces = []place{
	{
		network: "127.0.0.0/8", city: "Cambridge", countryCode: "GB", countryName: "United Kingdom",
		continentCode: "EU", continentNm: "Europe", lat: 52.2242, lon: 0.1315,
		timezone: "Europe/London", postal: "CB4", subdivisions: []string{"ENG", "CAM"},
	},
	{
		network: "198.51.100.0/24", city: "Berlin", countryCode: "DE", countryName: "Germany", inEU: true,
		continentCode: "EU", continentNm: "Europe", lat: 52.5, lon: 13.4,
		timezone: "Europe/Berlin", postal: "10115", subdivisions: []string{"BE"},
	},
	{
		network: "2001:db8::/32", city: "Tokyo", countryCode: "JP", countryName: "Japan",
		continentCode: "AS", continentNm: "Asia", lat: 35.6895, lon: 139.6917,
		timezone: "Asia/Tokyo", postal: "100-0001", subdivisions: []string{"13"},
	},
	{network: "203.0.113.0/24", countryCode: "AU", countryName: "Australia", continentCode: "OC", continentNm: "Oceania", noLocation: true},
}

var testSystems = []system{
	{network: "127.0.0.0/8", number: 64496, org: "LOOPBACK-EXAMPLE"},
	{network: "198.51.100.0/24", number: 64511, org: "DOC-NET-2"},
	{network: "2001:db8::/32", number: 4200000000, org: "DOC-V6"},
}

func names(en string) mmdbtype.Map {
	return mmdbtype.Map{"en": mmdbtype.String(en), "de": mmdbtype.String(en + " (de)")}
}

func (p place) record() mmdbtype.Map {
	m := mmdbtype.Map{
		"country": mmdbtype.Map{
			"iso_code":             mmdbtype.String(p.countryCode),
			"names":                names(p.countryName),
			"is_in_european_union": mmdbtype.Bool(p.inEU),
		},
		"continent": mmdbtype.Map{"code": mmdbtype.String(p.continentCode), "names": names(p.continentNm)},
	}
	if p.city != "" {
		m["city"] = mmdbtype.Map{"names": names(p.city)}
	}
	if !p.noLocation {
		m["location"] = mmdbtype.Map{
			"latitude":  mmdbtype.Float64(p.lat),
			"longitude": mmdbtype.Float64(p.lon),
			"time_zone": mmdbtype.String(p.timezone),
		}
		m["postal"] = mmdbtype.Map{"code": mmdbtype.String(p.postal)}
	}
	if len(p.subdivisions) > 0 {
		subs := mmdbtype.Slice{}
		for _, s := range p.subdivisions {
			subs = append(subs, mmdbtype.Map{"iso_code": mmdbtype.String(s), "names": names(s)})
		}
		m["subdivisions"] = subs
	}
	return m
}

func (s system) record() mmdbtype.Map {
	return mmdbtype.Map{
		"autonomous_system_number":       mmdbtype.Uint32(s.number),
		"autonomous_system_organization": mmdbtype.String(s.org),
	}
}

// buildDB returns the bytes of a database of type dbType holding records.
func buildDB(t testing.TB, dbType string, records map[string]mmdbtype.Map) []byte {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType:            dbType,
		BuildEpoch:              1700000000, // fixed, so the output is reproducible
		IncludeReservedNetworks: true,       // loopback and documentation networks
		RecordSize:              24,
	})
	if err != nil {
		t.Fatal(err)
	}
	for network, rec := range records {
		_, n, err := net.ParseCIDR(network)
		if err != nil {
			t.Fatal(err)
		}
		if err := tree.Insert(n, rec); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := tree.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func cityRecords() map[string]mmdbtype.Map {
	m := map[string]mmdbtype.Map{}
	for _, p := range testPlaces {
		m[p.network] = p.record()
	}
	return m
}

func asnRecords() map[string]mmdbtype.Map {
	m := map[string]mmdbtype.Map{}
	for _, s := range testSystems {
		m[s.network] = s.record()
	}
	return m
}

// writeDB writes a database of type dbType into a fresh temporary directory
// and returns its path.
func writeDB(t testing.TB, dbType string, records map[string]mmdbtype.Map) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), dbType+".mmdb")
	if err := os.WriteFile(path, buildDB(t, dbType, records), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// testdataFiles are the databases kept in testdata/ and how to build them.
var testdataFiles = map[string]func(t testing.TB) []byte{
	"GeoLite2-City.mmdb": func(t testing.TB) []byte { return buildDB(t, "GeoLite2-City", cityRecords()) },
	"GeoLite2-ASN.mmdb":  func(t testing.TB) []byte { return buildDB(t, "GeoLite2-ASN", asnRecords()) },
}

// TestTestdata checks that the databases in testdata/ are what this file
// builds (or rewrites them with -update).
func TestTestdata(t *testing.T) {
	for name, build := range testdataFiles {
		path := filepath.Join("testdata", name)
		want := build(t)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run the test with -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go test ./plugin/geoip -run TestTestdata -update", path)
		}
	}
}
