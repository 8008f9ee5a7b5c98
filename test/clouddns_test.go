package test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin/clouddns"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	"google.golang.org/api/option"
)

// cloudDNSAPI imitates the two Cloud DNS calls the plugin makes: get a
// managed zone and list its record sets, the latter in two pages.
func cloudDNSAPI(t *testing.T) *httptest.Server {
	t.Helper()
	type rrset struct {
		Name    string   `json:"name"`
		Type    string   `json:"type"`
		TTL     int64    `json:"ttl"`
		Rrdatas []string `json:"rrdatas"`
	}
	pages := [][]rrset{
		{
			{"gcp.test.", "SOA", 21600, []string{"ns-cloud-a1.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300"}},
			{"gcp.test.", "NS", 21600, []string{"ns-cloud-a1.googledomains.com."}},
			{"www.gcp.test.", "A", 300, []string{"192.0.2.10", "192.0.2.11"}},
		},
		{
			{"alias.gcp.test.", "CNAME", 60, []string{"www.gcp.test."}},
			{"txt.gcp.test.", "TXT", 60, []string{`"from the second page"`}},
		},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /dns/v1/projects/proj/managedZones/gcp-zone", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"kind": "dns#managedZone", "name": "gcp-zone", "dnsName": "gcp.test."})
	})
	mux.HandleFunc("GET /dns/v1/projects/proj/managedZones/gcp-zone/rrsets", func(w http.ResponseWriter, r *http.Request) {
		resp := map[string]any{"kind": "dns#resourceRecordSetsListResponse", "rrsets": pages[0], "nextPageToken": "page2"}
		if r.URL.Query().Get("pageToken") == "page2" {
			resp = map[string]any{"kind": "dns#resourceRecordSetsListResponse", "rrsets": pages[1]}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(resp)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Logf("unexpected API call %s %s", r.Method, r.URL)
		http.Error(w, `{"error": {"code": 404, "message": "not found"}}`, http.StatusNotFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestCloudDNS(t *testing.T) {
	srv := cloudDNSAPI(t)
	clouddns.TestClientOptions = []option.ClientOption{option.WithEndpoint(srv.URL + "/"), option.WithoutAuthentication(), option.WithHTTPClient(srv.Client())}
	defer func() { clouddns.TestClientOptions = nil }()

	corefile := `gcp.test:0 {
    bind 127.0.0.1
    clouddns gcp.test.:proj:gcp-zone
}`
	udp, tcp := startServer(t, corefile)

	ns := []dns.RR{test.NS("gcp.test. 21600 IN NS ns-cloud-a1.googledomains.com.")}
	soa := []dns.RR{test.SOA("gcp.test. 21600 IN SOA ns-cloud-a1.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300")}
	cases := []test.Case{
		{
			Qname: "www.gcp.test.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("www.gcp.test. 300 IN A 192.0.2.10"), test.A("www.gcp.test. 300 IN A 192.0.2.11")},
			Ns:     ns,
		},
		{
			Qname: "alias.gcp.test.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{
				test.CNAME("alias.gcp.test. 60 IN CNAME www.gcp.test."),
				test.A("www.gcp.test. 300 IN A 192.0.2.10"), test.A("www.gcp.test. 300 IN A 192.0.2.11"),
			},
			Ns: ns,
		},
		{
			Qname: "txt.gcp.test.", Qtype: dns.TypeTXT, Authoritative: true,
			Answer: []dns.RR{test.TXT(`txt.gcp.test. 60 IN TXT "from the second page"`)},
			Ns:     ns,
		},
		{Qname: "www.gcp.test.", Qtype: dns.TypeMX, Authoritative: true, Ns: soa},
		{Qname: "none.gcp.test.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true, Ns: soa},
	}
	for _, net := range []string{"udp", "tcp"} {
		addr := udp
		if net == "tcp" {
			addr = tcp
		}
		c := &dns.Client{Net: net}
		for _, tc := range cases {
			resp, _, err := c.Exchange(tc.Msg(), addr)
			if err != nil {
				t.Fatalf("%s %s: %s", net, tc.Qname, err)
			}
			if err := test.SortAndCheck(resp, tc); err != nil {
				t.Errorf("%s: %s", net, err)
			}
		}
	}
}

func TestCloudDNSMissingZone(t *testing.T) {
	srv := cloudDNSAPI(t)
	clouddns.TestClientOptions = []option.ClientOption{option.WithEndpoint(srv.URL + "/"), option.WithoutAuthentication(), option.WithHTTPClient(srv.Client())}
	defer func() { clouddns.TestClientOptions = nil }()

	corefile := `gcp.test:0 {
    bind 127.0.0.1
    clouddns gcp.test.:proj:other-zone
}`
	i, _, _, err := CoreDNSServerAndPorts(corefile)
	if err == nil {
		CoreDNSServerStop(i)
		t.Fatal("expected the server not to start for a managed zone the API does not have")
	}
	if !strings.Contains(err.Error(), "plugin/clouddns") {
		t.Errorf("error %q does not name the plugin", err)
	}
}
