package test

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
	"github.com/miekg/dns"
)

// writeGeoDB writes a MaxMind DB of type dbType with one record per network
// into dir and returns its path.
func writeGeoDB(t *testing.T, dir, dbType string, records map[string]mmdbtype.Map) string {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: dbType, IncludeReservedNetworks: true, RecordSize: 24})
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
	path := filepath.Join(dir, dbType+".mmdb")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func geoPlace(city, code, country string, eu bool, continent string, lat, lon float64) mmdbtype.Map {
	return mmdbtype.Map{
		"city":      mmdbtype.Map{"names": mmdbtype.Map{"en": mmdbtype.String(city)}},
		"country":   mmdbtype.Map{"iso_code": mmdbtype.String(code), "names": mmdbtype.Map{"en": mmdbtype.String(country)}, "is_in_european_union": mmdbtype.Bool(eu)},
		"continent": mmdbtype.Map{"code": mmdbtype.String(continent)},
		"location":  mmdbtype.Map{"latitude": mmdbtype.Float64(lat), "longitude": mmdbtype.Float64(lon)},
	}
}

// geoCorefile: European clients get the "eu" block (chosen by a view over
// geoip metadata), everyone else the second; asn.test tells the client its
// AS. %CITY% and %ASN% are replaced by database paths.
const geoCorefile = `geo.test:0 {
    bind 127.0.0.1
    view europe {
        expr metadata('geoip/country/is_in_european_union') == 'true'
    }
    metadata
    geoip %CITY% {
        edns-subnet
    }
    template IN TXT {
        answer "{{ .Name }} 60 IN TXT \"eu\" \"{{ .Meta ` + "`geoip/country/code`" + ` }}\" \"{{ .Meta ` + "`geoip/city/name`" + ` }}\""
    }
}
geo.test:0 {
    bind 127.0.0.1
    metadata
    geoip %CITY% {
        edns-subnet
    }
    template IN TXT {
        answer "{{ .Name }} 60 IN TXT \"world\" \"{{ .Meta ` + "`geoip/country/name`" + ` }}\" \"{{ .Meta ` + "`geoip/latitude`" + ` }},{{ .Meta ` + "`geoip/longitude`" + ` }}\""
    }
}
asn.test:0 {
    bind 127.0.0.1
    metadata
    geoip %ASN%
    template IN TXT {
        answer "{{ .Name }} 60 IN TXT \"AS{{ .Meta ` + "`geoip/asn/number`" + ` }}\" \"{{ .Meta ` + "`geoip/asn/org`" + ` }}\""
    }
}`

func TestGeoIP(t *testing.T) {
	dir := t.TempDir()
	city := writeGeoDB(t, dir, "GeoLite2-City", map[string]mmdbtype.Map{
		"127.0.0.0/30":    geoPlace("Cambridge", "GB", "United Kingdom", false, "EU", 52.2242, 0.1315),
		"127.0.0.4/30":    geoPlace("Paris", "FR", "France", true, "EU", 48.8566, 2.3522),
		"198.51.100.0/24": geoPlace("Berlin", "DE", "Germany", true, "EU", 52.5, 13.4),
		"2001:db8::/32":   geoPlace("Tokyo", "JP", "Japan", false, "AS", 35.6895, 139.6917),
	})
	asn := writeGeoDB(t, dir, "GeoLite2-ASN", map[string]mmdbtype.Map{
		"127.0.0.0/8": {"autonomous_system_number": mmdbtype.Uint32(64496), "autonomous_system_organization": mmdbtype.String("LOOPBACK-EXAMPLE")},
	})
	corefile := strings.NewReplacer("%CITY%", city, "%ASN%", asn).Replace(geoCorefile)

	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %s", err)
	}
	defer CoreDNSServerStop(i)
	udp, tcp := listenAddrs(t, i, 0)

	tests := []struct {
		qname  string
		src    string
		subnet string // client subnet option, "" for none
		txt    string
	}{
		{"a.geo.test.", "127.0.0.1", "", `"world" "United Kingdom" "52.2242,0.1315"`},
		{"a.geo.test.", "127.0.0.5", "", `"eu" "FR" "Paris"`},
		{"a.geo.test.", "127.0.0.1", "198.51.100.0/24", `"eu" "DE" "Berlin"`},
		{"a.geo.test.", "127.0.0.5", "2001:db8:42::/48", `"world" "Japan" "35.6895,139.6917"`},
		{"a.geo.test.", "127.0.0.9", "", `"world" "" ","`}, // in no network of the database
		{"b.asn.test.", "127.0.0.9", "198.51.100.0/24", `"AS64496" "LOOPBACK-EXAMPLE"`},
	}
	for _, network := range []string{"udp", "tcp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		for _, tc := range tests {
			q := new(dns.Msg)
			q.SetQuestion(tc.qname, dns.TypeTXT)
			if tc.subnet != "" {
				q.SetEdns0(1232, false)
				_, n, _ := net.ParseCIDR(tc.subnet)
				ones, _ := n.Mask.Size()
				family := uint16(1)
				if n.IP.To4() == nil {
					family = 2
				}
				q.IsEdns0().Option = []dns.EDNS0{&dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: family, SourceNetmask: uint8(ones), Address: n.IP}}
			}
			got, _ := queryFrom(t, network, addr, tc.src, q.Copy(), 2*time.Second)

			want := new(dns.Msg)
			want.SetReply(q)
			want.Authoritative = true
			rr, err := dns.NewRR(tc.qname + " 60 IN TXT " + tc.txt)
			if err != nil {
				t.Fatal(err)
			}
			want.Answer = []dns.RR{rr}
			if got != nil && got.IsEdns0() != nil {
				// The OPT record the server returns is not what this test is about.
				want.Extra = got.Extra
			}
			checkWhole(t, network+" "+tc.qname+" from "+tc.src+" subnet "+tc.subnet, got, want)
		}
	}
}

func TestGeoIPBadDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.mmdb")
	if err := os.WriteFile(path, []byte("not a database"), 0o644); err != nil {
		t.Fatal(err)
	}
	i, err := CoreDNSServer(".:0 {\n    bind 127.0.0.1\n    geoip " + path + "\n}\n")
	if err == nil {
		CoreDNSServerStop(i)
		t.Fatal("server started with a broken database")
	}
	if !strings.Contains(err.Error(), "plugin/geoip") || !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the plugin and the file", err)
	}
}
