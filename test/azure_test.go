package test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/azure"
	"github.com/coredns/coredns/plugin/test"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/miekg/dns"
)

// staticToken is a credential that hands out a fixed bearer token.
type staticToken struct{}

func (staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "test-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

type jsonObj = map[string]any

// azureAPI imitates the Azure Resource Manager calls the plugin makes for
// the public zone az.test (resource group rg-pub, listed in two pages) and
// the private zone priv.test (resource group rg-priv).
func azureAPI(t *testing.T) *httptest.Server {
	t.Helper()
	const pub = "/subscriptions/sub/resourceGroups/rg-pub/providers/Microsoft.Network/dnsZones/az.test"
	const priv = "/subscriptions/sub/resourceGroups/rg-priv/providers/Microsoft.Network/privateDnsZones/priv.test"
	var srv *httptest.Server
	reply := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+pub, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer test-token" {
			http.Error(w, `{"error": {"code": "AuthenticationFailed"}}`, http.StatusUnauthorized)
			return
		}
		reply(w, jsonObj{"name": "az.test", "location": "global"})
	})
	mux.HandleFunc("GET "+pub+"/all", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			reply(w, jsonObj{"value": []jsonObj{
				{"name": "alias", "properties": jsonObj{"TTL": 60, "fqdn": "alias.az.test.", "CNAMERecord": jsonObj{"cname": "www.az.test"}}},
				{"name": "txt", "properties": jsonObj{"TTL": 60, "fqdn": "txt.az.test.", "TXTRecords": []jsonObj{{"value": []string{"second", "page"}}}}},
			}})
			return
		}
		reply(w, jsonObj{
			"value": []jsonObj{
				{"name": "@", "properties": jsonObj{"TTL": 3600, "fqdn": "az.test.", "SOARecord": jsonObj{
					"host": "ns1-01.azure-dns.com.", "email": "azuredns-hostmaster.microsoft.com",
					"serialNumber": 1, "refreshTime": 3600, "retryTime": 300, "expireTime": 2419200, "minimumTTL": 300,
				}}},
				{"name": "@", "properties": jsonObj{"TTL": 172800, "fqdn": "az.test.", "NSRecords": []jsonObj{{"nsdname": "ns1-01.azure-dns.com."}}}},
				{"name": "www", "properties": jsonObj{"TTL": 300, "fqdn": "www.az.test.", "ARecords": []jsonObj{{"ipv4Address": "192.0.2.20"}}}},
				{"name": "www", "properties": jsonObj{"TTL": 300, "fqdn": "www.az.test.", "AAAARecords": []jsonObj{{"ipv6Address": "2001:db8::20"}}}},
			},
			"nextLink": srv.URL + pub + "/all?api-version=2018-05-01&page=2",
		})
	})
	mux.HandleFunc("GET "+priv, func(w http.ResponseWriter, _ *http.Request) {
		reply(w, jsonObj{"name": "priv.test", "location": "global"})
	})
	mux.HandleFunc("GET "+priv+"/ALL", func(w http.ResponseWriter, _ *http.Request) {
		reply(w, jsonObj{"value": []jsonObj{
			{"name": "@", "properties": jsonObj{"ttl": 3600, "fqdn": "priv.test.", "soaRecord": jsonObj{
				"host": "azureprivatedns.net", "email": "azureprivatedns-host.microsoft.com",
				"serialNumber": 1, "refreshTime": 3600, "retryTime": 300, "expireTime": 2419200, "minimumTtl": 10,
			}}},
			{"name": "db", "properties": jsonObj{"ttl": 10, "fqdn": "db.priv.test.", "aRecords": []jsonObj{{"ipv4Address": "10.1.0.4"}}}},
		}})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Logf("unexpected API call %s %s", r.Method, r.URL)
		http.Error(w, `{"error": {"code": "ResourceNotFound", "message": "not found"}}`, http.StatusNotFound)
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// useAzureAPI points the azure plugin at srv until the test ends.
func useAzureAPI(t *testing.T, srv *httptest.Server) {
	opts := &arm.ClientOptions{}
	opts.Cloud = cloud.Configuration{
		ActiveDirectoryAuthorityHost: srv.URL,
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Endpoint: srv.URL, Audience: "https://management.azure.com"},
		},
	}
	opts.InsecureAllowCredentialWithHTTP = true
	opts.Retry.MaxRetries = -1
	opts.Transport = srv.Client()
	azure.TestCredential = staticToken{}
	azure.TestClientOptions = opts
	t.Cleanup(func() {
		azure.TestCredential = nil
		azure.TestClientOptions = nil
	})
}

func TestAzure(t *testing.T) {
	useAzureAPI(t, azureAPI(t))

	corefile := `az.test:0 priv.test:0 {
    bind 127.0.0.1
    azure rg-pub:az.test {
        tenant 00000000-0000-0000-0000-000000000001
        client 00000000-0000-0000-0000-000000000002
        secret s3cret
        subscription sub
    }
    azure rg-priv:priv.test {
        access private
    }
}`
	udp, tcp := startServer(t, corefile)

	ns := []dns.RR{test.NS("az.test. 172800 IN NS ns1-01.azure-dns.com.")}
	soa := []dns.RR{test.SOA("az.test. 3600 IN SOA ns1-01.azure-dns.com. azuredns-hostmaster.microsoft.com. 1 3600 300 2419200 300")}
	cases := []test.Case{
		{
			Qname: "www.az.test.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("www.az.test. 300 IN A 192.0.2.20")}, Ns: ns,
		},
		{
			Qname: "www.az.test.", Qtype: dns.TypeAAAA, Authoritative: true,
			Answer: []dns.RR{test.AAAA("www.az.test. 300 IN AAAA 2001:db8::20")}, Ns: ns,
		},
		{
			Qname: "alias.az.test.", Qtype: dns.TypeAAAA, Authoritative: true,
			Answer: []dns.RR{test.CNAME("alias.az.test. 60 IN CNAME www.az.test."), test.AAAA("www.az.test. 300 IN AAAA 2001:db8::20")},
			Ns:     ns,
		},
		{
			Qname: "txt.az.test.", Qtype: dns.TypeTXT, Authoritative: true,
			Answer: []dns.RR{test.TXT(`txt.az.test. 60 IN TXT "second" "page"`)}, Ns: ns,
		},
		{Qname: "www.az.test.", Qtype: dns.TypeMX, Authoritative: true, Ns: soa},
		{Qname: "none.az.test.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true, Ns: soa},
		{
			Qname: "db.priv.test.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("db.priv.test. 10 IN A 10.1.0.4")},
		},
		{
			Qname: "none.priv.test.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true,
			Ns: []dns.RR{test.SOA("priv.test. 3600 IN SOA azureprivatedns.net. azureprivatedns-host.microsoft.com. 1 3600 300 2419200 10")},
		},
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

func TestAzureMissingZone(t *testing.T) {
	useAzureAPI(t, azureAPI(t))

	corefile := `az.test:0 {
    bind 127.0.0.1
    azure rg-other:az.test {
        subscription sub
    }
}`
	i, _, _, err := CoreDNSServerAndPorts(corefile)
	if err == nil {
		CoreDNSServerStop(i)
		t.Fatal("expected the server not to start for a zone the API does not have")
	}
	if !strings.Contains(err.Error(), "plugin/azure") {
		t.Errorf("error %q does not name the plugin", err)
	}
}
