package test

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// r53RRSet is a resource record set as the Route 53 REST API writes it.
type r53RRSet struct {
	Name   string     `xml:"Name"`
	Type   string     `xml:"Type"`
	TTL    int64      `xml:"TTL,omitempty"`
	Values *r53Values `xml:"ResourceRecords,omitempty"`
	Alias  *struct {
		HostedZoneID         string `xml:"HostedZoneId"`
		DNSName              string `xml:"DNSName"`
		EvaluateTargetHealth bool   `xml:"EvaluateTargetHealth"`
	} `xml:"AliasTarget,omitempty"`
}

type r53Values struct {
	Value []string `xml:"ResourceRecord>Value"`
}

// fakeRoute53 imitates the two Route 53 API calls the plugin makes,
// serving a few record sets a page.
type fakeRoute53 struct {
	mu    sync.Mutex
	zones map[string][]r53RRSet // by hosted zone ID
	auth  []string              // Authorization headers seen
}

const r53NS = "https://route53.amazonaws.com/doc/2013-04-01/"

func (f *fakeRoute53) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	w.Header().Set("Content-Type", "text/xml")
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/2013-04-01/hostedzonesbyname":
		id := r.URL.Query().Get("hostedzoneid")
		name := r.URL.Query().Get("dnsname")
		if _, ok := f.zones[id]; !ok {
			r53Error(w, http.StatusNotFound, "NoSuchHostedZone", "No hosted zone found with ID: "+id)
			return
		}
		type zone struct {
			ID    string `xml:"Id"`
			Name  string `xml:"Name"`
			Ref   string `xml:"CallerReference"`
			Count int    `xml:"ResourceRecordSetCount"`
		}
		writeXML(w, struct {
			XMLName     xml.Name `xml:"ListHostedZonesByNameResponse"`
			NS          string   `xml:"xmlns,attr"`
			Zones       []zone   `xml:"HostedZones>HostedZone"`
			DNSName     string   `xml:"DNSName"`
			ID          string   `xml:"HostedZoneId"`
			IsTruncated bool     `xml:"IsTruncated"`
			MaxItems    int      `xml:"MaxItems"`
		}{NS: r53NS, Zones: []zone{{"/hostedzone/" + id, name, "ref", len(f.zones[id])}}, DNSName: name, ID: id, MaxItems: 100})

	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/2013-04-01/hostedzone/") && strings.HasSuffix(r.URL.Path, "/rrset"):
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2013-04-01/hostedzone/"), "/rrset")
		sets, ok := f.zones[id]
		if !ok {
			r53Error(w, http.StatusNotFound, "NoSuchHostedZone", "No hosted zone found with ID: "+id)
			return
		}
		start := 0
		if name := r.URL.Query().Get("name"); name != "" {
			for i, s := range sets {
				if s.Name == name && s.Type == r.URL.Query().Get("type") {
					start = i
					break
				}
			}
		}
		const page = 2
		end := min(start+page, len(sets))
		out := struct {
			XMLName     xml.Name   `xml:"ListResourceRecordSetsResponse"`
			NS          string     `xml:"xmlns,attr"`
			Sets        []r53RRSet `xml:"ResourceRecordSets>ResourceRecordSet"`
			IsTruncated bool       `xml:"IsTruncated"`
			NextName    string     `xml:"NextRecordName,omitempty"`
			NextType    string     `xml:"NextRecordType,omitempty"`
			MaxItems    int        `xml:"MaxItems"`
		}{NS: r53NS, Sets: sets[start:end], MaxItems: page}
		if end < len(sets) {
			out.IsTruncated, out.NextName, out.NextType = true, sets[end].Name, sets[end].Type
		}
		writeXML(w, out)

	default:
		r53Error(w, http.StatusBadRequest, "InvalidInput", "unexpected request "+r.Method+" "+r.URL.Path)
	}
}

func (f *fakeRoute53) set(id string, sets []r53RRSet) {
	f.mu.Lock()
	f.zones[id] = sets
	f.mu.Unlock()
}

func writeXML(w http.ResponseWriter, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Write([]byte(xml.Header)) //nolint:errcheck // test server
	w.Write(b)                  //nolint:errcheck // test server
}

func r53Error(w http.ResponseWriter, status int, code, msg string) {
	w.WriteHeader(status)
	w.Write([]byte(xml.Header + `<ErrorResponse xmlns="` + r53NS + `"><Error><Type>Sender</Type><Code>` + //nolint:errcheck // test server
		code + `</Code><Message>` + msg + `</Message></Error><RequestId>r1</RequestId></ErrorResponse>`))
}

func r53Plain(name, typ string, ttl int64, values ...string) r53RRSet {
	return r53RRSet{Name: name, Type: typ, TTL: ttl, Values: &r53Values{values}}
}

func r53Alias(name, typ, target string) r53RRSet {
	s := r53RRSet{Name: name, Type: typ}
	s.Alias = &struct {
		HostedZoneID         string `xml:"HostedZoneId"`
		DNSName              string `xml:"DNSName"`
		EvaluateTargetHealth bool   `xml:"EvaluateTargetHealth"`
	}{HostedZoneID: "Z2FDTNDATAQYW2", DNSName: target}
	return s
}

const r53SOA = "ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"

func r53Sets(addr string) []r53RRSet {
	return []r53RRSet{
		r53Plain("example.org.", "SOA", 900, r53SOA),
		r53Plain("example.org.", "NS", 172800, "ns-1536.awsdns-00.co.uk."),
		r53Plain("example.org.", "A", 300, addr),
		r53Plain("www.example.org.", "CNAME", 300, "example.org."),
		r53Plain(`\052.wild.example.org.`, "A", 60, "192.0.2.9"),
		r53Plain("txt.example.org.", "TXT", 300, `"hello world"`),
		r53Alias("alias.example.org.", "A", "example.org."),
	}
}

// r53Exchange sends one query for name/qtype over network.
func r53Exchange(t *testing.T, network, addr, name string, qtype uint16) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	c := &dns.Client{Net: network, Timeout: 2 * time.Second}
	r, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("%s query %s/%s: %v", network, name, dns.TypeToString[qtype], err)
	}
	return r
}

// route53Env keeps the AWS SDK away from this machine's AWS settings.
func route53Env(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_PROFILE", "")
}

func TestRoute53(t *testing.T) {
	route53Env(t)
	fake := &fakeRoute53{zones: map[string][]r53RRSet{"Z1PUBLIC": r53Sets("192.0.2.1")}}
	api := httptest.NewServer(fake)
	defer api.Close()

	corefile := `.:0 {
    bind 127.0.0.1
    route53 example.org.:Z1PUBLIC {
        aws_endpoint ` + api.URL + `
        aws_access_key AKIDEXAMPLE SECRETEXAMPLE
        refresh 100ms
    }
}`
	udp, tcp := startServer(t, corefile)

	fake.mu.Lock()
	if len(fake.auth) == 0 || !strings.Contains(fake.auth[0], "Credential=AKIDEXAMPLE/") {
		t.Errorf("requests not signed with the configured key: %q", fake.auth)
	}
	fake.mu.Unlock()

	ns := []dns.RR{test.NS("example.org. 172800 IN NS ns-1536.awsdns-00.co.uk.")}
	cases := []test.Case{
		{Qname: "example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")}, Ns: ns},
		{Qname: "www.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.CNAME("www.example.org. 300 IN CNAME example.org."), test.A("example.org. 300 IN A 192.0.2.1")}, Ns: ns},
		{Qname: "host.wild.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("host.wild.example.org. 60 IN A 192.0.2.9")}, Ns: ns},
		{Qname: "txt.example.org.", Qtype: dns.TypeTXT, Authoritative: true,
			Answer: []dns.RR{test.TXT(`txt.example.org. 300 IN TXT "hello world"`)}, Ns: ns},
		{Qname: "alias.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.CNAME("alias.example.org. 300 IN CNAME example.org."), test.A("example.org. 300 IN A 192.0.2.1")}, Ns: ns},
		{Qname: "example.org.", Qtype: dns.TypeAAAA, Authoritative: true,
			Ns: []dns.RR{test.SOA("example.org. 900 IN SOA " + r53SOA)}},
		{Qname: "missing.example.org.", Qtype: dns.TypeA, Authoritative: true, Rcode: dns.RcodeNameError,
			Ns: []dns.RR{test.SOA("example.org. 900 IN SOA " + r53SOA)}},
		{Qname: "example.net.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure},
	}
	for _, network := range []string{"udp", "tcp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		for _, tc := range cases {
			resp := r53Exchange(t, network, addr, tc.Qname, tc.Qtype)
			if err := test.SortAndCheck(resp, tc); err != nil {
				t.Errorf("%s: %v", network, err)
			}
		}
	}

	// The refresh picks up a changed record.
	fake.set("Z1PUBLIC", r53Sets("192.0.2.2"))
	want := test.Case{Qname: "example.org.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.2")}, Ns: ns}
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp := r53Exchange(t, "udp", udp, want.Qname, want.Qtype)
		err := test.SortAndCheck(resp, want)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no refresh after 5s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestRoute53MissingHostedZone(t *testing.T) {
	route53Env(t)
	api := httptest.NewServer(&fakeRoute53{zones: map[string][]r53RRSet{}})
	defer api.Close()

	corefile := `.:0 {
    bind 127.0.0.1
    route53 example.org.:ZNOTTHERE {
        aws_endpoint ` + api.URL + `
        aws_access_key AKIDEXAMPLE SECRETEXAMPLE
    }
}`
	i, _, _, err := CoreDNSServerAndPorts(corefile)
	if err == nil {
		CoreDNSServerStop(i)
		t.Fatal("expected start-up to fail for a hosted zone the API does not know")
	}
	if !strings.Contains(err.Error(), "NoSuchHostedZone") {
		t.Errorf("error %q does not carry the API error", err)
	}
}

func TestRoute53SharedCredentials(t *testing.T) {
	route53Env(t)
	creds := filepath.Join(t.TempDir(), "credentials")
	data := "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n\n[staging]\naws_access_key_id = AKIDSTAGING\naws_secret_access_key = s2\n"
	if err := os.WriteFile(creds, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	fake := &fakeRoute53{zones: map[string][]r53RRSet{"Z1PUBLIC": r53Sets("192.0.2.1")}}
	api := httptest.NewServer(fake)
	defer api.Close()

	corefile := `.:0 {
    bind 127.0.0.1
    route53 example.org.:Z1PUBLIC {
        aws_endpoint ` + api.URL + `
        credentials staging ` + creds + `
    }
}`
	udp, _ := startServer(t, corefile)

	fake.mu.Lock()
	if len(fake.auth) == 0 || !strings.Contains(fake.auth[0], "Credential=AKIDSTAGING/") {
		t.Errorf("requests not signed with the staging profile's key: %q", fake.auth)
	}
	fake.mu.Unlock()

	tc := test.Case{Qname: "example.org.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")},
		Ns:     []dns.RR{test.NS("example.org. 172800 IN NS ns-1536.awsdns-00.co.uk.")}}
	if err := test.SortAndCheck(r53Exchange(t, "udp", udp, tc.Qname, tc.Qtype), tc); err != nil {
		t.Error(err)
	}
}
