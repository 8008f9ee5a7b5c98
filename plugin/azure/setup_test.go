package azure

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin/pkg/fall"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
)

func TestParse(t *testing.T) {
	const creds = "tenant t\n client c\n secret s\n subscription sub\n"
	tests := []struct {
		input   string
		err     string // substring of the error, "" for none
		zones   []hostedZone
		cloud   string
		fall    fall.F
		tenant  string
		subscri string
	}{
		{
			input: "azure rg1:example.org {\n" + creds + "}",
			zones: []hostedZone{{resourceGroup: "rg1", name: "example.org"}},
			cloud: cloud.AzurePublic.ActiveDirectoryAuthorityHost, tenant: "t", subscri: "sub",
		},
		{
			input: "azure rg1:example.org. rg1:example.private {\n" + creds + " access private\n environment AZURECHINACLOUD\n fallthrough\n}",
			zones: []hostedZone{{resourceGroup: "rg1", name: "example.org", private: true}, {resourceGroup: "rg1", name: "example.private", private: true}},
			cloud: cloud.AzureChina.ActiveDirectoryAuthorityHost, fall: fall.Root, tenant: "t", subscri: "sub",
		},
		{
			input: "azure rg1:example.org {\n" + creds + " access public\n environment AzureUSGovernmentCloud\n fallthrough a.example.org\n}",
			zones: []hostedZone{{resourceGroup: "rg1", name: "example.org"}},
			cloud: cloud.AzureGovernment.ActiveDirectoryAuthorityHost, fall: fall.F{Zones: []string{"a.example.org."}}, tenant: "t", subscri: "sub",
		},
		// Two directives: access applies to the zones of its own directive.
		{
			input: "azure rg1:example.org {\n" + creds + "}\nazure rg2:example.org {\n access private\n}",
			zones: []hostedZone{{resourceGroup: "rg1", name: "example.org"}, {resourceGroup: "rg2", name: "example.org", private: true}},
			cloud: cloud.AzurePublic.ActiveDirectoryAuthorityHost, tenant: "t", subscri: "sub",
		},
		// No service principal: the default credential chain is used.
		{
			input: "azure rg1:example.org {\n subscription sub\n}",
			zones: []hostedZone{{resourceGroup: "rg1", name: "example.org"}},
			cloud: cloud.AzurePublic.ActiveDirectoryAuthorityHost, subscri: "sub",
		},

		{input: "azure {\n" + creds + "}", err: "at least one RESOURCE_GROUP:ZONE"},
		{input: "azure example.org {\n" + creds + "}", err: "invalid resource group/zone"},
		{input: "azure :example.org {\n" + creds + "}", err: "invalid resource group/zone"},
		{input: "azure rg1: {\n" + creds + "}", err: "invalid resource group/zone"},
		{input: "azure rg1:example.org rg1:example.org {\n" + creds + "}", err: "conflicting zone"},
		{input: "azure rg1:example.org {\n tenant\n}", err: "Wrong argument count"},
		{input: "azure rg1:example.org {\n client a b\n}", err: "Wrong argument count"},
		{input: "azure rg1:example.org {\n secret\n}", err: "Wrong argument count"},
		{input: "azure rg1:example.org {\n subscription\n}", err: "Wrong argument count"},
		{input: "azure rg1:example.org {\n" + creds + " environment\n}", err: "Wrong argument count"},
		{input: "azure rg1:example.org {\n" + creds + " environment AZUREMOONCLOUD\n}", err: "unknown environment"},
		{input: "azure rg1:example.org {\n" + creds + " access\n}", err: "Wrong argument count"},
		{input: "azure rg1:example.org {\n" + creds + " access secret\n}", err: "invalid access value"},
		{input: "azure rg1:example.org {\n" + creds + " foo bar\n}", err: `unknown property "foo"`},
		{input: "azure rg1:example.org {\n tenant t\n}", err: "subscription is required"},
		{input: "azure rg1:example.org {\n subscription s\n tenant t\n client c\n}", err: "tenant, client and secret must be given together"},
	}
	for i, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		cfg, err := parse(c)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("test %d: got error %v, want one with %q", i, err, tc.err)
			}
			if err != nil && !strings.Contains(err.Error(), "Testfile:") {
				t.Errorf("test %d: error %q does not name file and line", i, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("test %d: unexpected error %v", i, err)
			continue
		}
		if len(cfg.zones) != len(tc.zones) {
			t.Errorf("test %d: got %d zones, want %d", i, len(cfg.zones), len(tc.zones))
			continue
		}
		for j, z := range cfg.zones {
			if z.resourceGroup != tc.zones[j].resourceGroup || z.name != tc.zones[j].name || z.private != tc.zones[j].private {
				t.Errorf("test %d: zone %d is %+v, want %+v", i, j, *z, tc.zones[j])
			}
		}
		if cfg.cloud.ActiveDirectoryAuthorityHost != tc.cloud {
			t.Errorf("test %d: cloud %q, want %q", i, cfg.cloud.ActiveDirectoryAuthorityHost, tc.cloud)
		}
		if !cfg.fall.Equal(tc.fall) {
			t.Errorf("test %d: fallthrough %v, want %v", i, cfg.fall, tc.fall)
		}
		if cfg.tenant != tc.tenant || cfg.subscription != tc.subscri {
			t.Errorf("test %d: tenant %q subscription %q", i, cfg.tenant, cfg.subscription)
		}
	}
}

func TestSetup(t *testing.T) {
	defer func(f func(config) (publicAPI, privateAPI, error)) { newAPIs = f }(newAPIs)
	newAPIs = func(config) (publicAPI, privateAPI, error) { return fakePublicZones(), fakePrivateZones(), nil }

	c := caddy.NewTestController("dns", "azure rg1:example.org {\n subscription s\n tenant t\n client c\n secret x\n fallthrough\n}")
	if err := setup(c); err != nil {
		t.Fatal(err)
	}
	plugins := dnsserver.GetConfig(c).Plugin
	if len(plugins) != 1 {
		t.Fatalf("got %d plugins, want 1", len(plugins))
	}
	a, ok := plugins[0](nil).(*Azure)
	if !ok {
		t.Fatal("plugin is not an *Azure")
	}
	if len(a.zoneNames) != 1 || a.zoneNames[0] != "example.org." || !a.Fall.Equal(fall.Root) {
		t.Errorf("zones %v fall %v", a.zoneNames, a.Fall)
	}

	// A zone Azure does not know fails the setup.
	c = caddy.NewTestController("dns", "azure rg9:example.org {\n subscription s\n}")
	if err := setup(c); err == nil || !strings.Contains(err.Error(), "plugin/azure") {
		t.Errorf("got %v, want a plugin/azure error", err)
	}
}

func TestSDKAPIs(t *testing.T) {
	cfg := config{
		zones:  []*hostedZone{{resourceGroup: "rg", name: "a.org"}, {resourceGroup: "rg", name: "b.org", private: true}},
		tenant: "00000000-0000-0000-0000-000000000000", client: "c", secret: "s", subscription: "sub",
		cloud: cloud.AzurePublic,
	}
	public, private, err := sdkAPIs(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if public == nil || private == nil {
		t.Errorf("public %v private %v, want both", public, private)
	}
	cfg.zones = cfg.zones[:1]
	public, private, err = sdkAPIs(cfg)
	if err != nil || public == nil || private != nil {
		t.Errorf("public %v private %v err %v, want only public", public, private, err)
	}
}
