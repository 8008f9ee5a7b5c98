package route53

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin/pkg/fall"

	"github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// useFake makes setup build its client from f and records the options it
// got; the real NewClient is restored when the test ends.
func useFake(t *testing.T, f *fakeClient, clientErr error) *ClientOptions {
	t.Helper()
	var got ClientOptions
	orig := NewClient
	NewClient = func(_ context.Context, o ClientOptions) (Client, error) {
		got = o
		if clientErr != nil {
			return nil, clientErr
		}
		return f, nil
	}
	t.Cleanup(func() { NewClient = orig })
	return &got
}

func setupFake() *fakeClient {
	f := newFake()
	minimal := []types.ResourceRecordSet{
		rrset("example.org.", types.RRTypeSoa, 900, soaOrg),
		rrset("example.org.", types.RRTypeNs, 172800, "ns-1536.awsdns-00.co.uk."),
	}
	f.zones["12345678"] = minimal
	f.zones["12345679"] = minimal
	return f
}

func TestSetup(t *testing.T) {
	tests := []struct {
		input   string
		opts    ClientOptions
		fall    fall.F
		refresh time.Duration
		names   []string
	}{
		{input: `route53`, refresh: time.Minute},
		{input: `route53 example.org:12345678`, refresh: time.Minute, names: []string{"example.org."}},
		{input: `route53 Example.ORG.:12345678 example.org.:12345679 example.gov.:Z3GOV`, refresh: time.Minute, names: []string{"example.org.", "example.gov."}},
		{
			input: "route53 example.org:12345678 {\n aws_access_key ACCESSKEY SECRET\n}",
			opts:  ClientOptions{AccessKey: "ACCESSKEY", SecretKey: "SECRET"}, refresh: time.Minute, names: []string{"example.org."},
		},
		{
			input: "route53 example.org:12345678 {\n aws_endpoint https://localhost:8443\n}",
			opts:  ClientOptions{Endpoint: "https://localhost:8443"}, refresh: time.Minute, names: []string{"example.org."},
		},
		{
			input: "route53 example.org:12345678 {\n credentials staging\n}",
			opts:  ClientOptions{Profile: "staging"}, refresh: time.Minute, names: []string{"example.org."},
		},
		{
			input: "route53 example.org:12345678 {\n credentials staging /etc/aws/creds\n}",
			opts:  ClientOptions{Profile: "staging", Filename: "/etc/aws/creds"}, refresh: time.Minute, names: []string{"example.org."},
		},
		{
			input: "route53 example.org:12345678 {\n fallthrough\n}",
			fall:  fall.Root, refresh: time.Minute, names: []string{"example.org."},
		},
		{
			input: "route53 example.org:12345678 {\n fallthrough example.gov. in-addr.arpa\n}",
			fall:  fall.F{Zones: []string{"example.gov.", "in-addr.arpa."}}, refresh: time.Minute, names: []string{"example.org."},
		},
		{input: "route53 example.org:12345678 {\n refresh 90\n}", refresh: 90 * time.Second, names: []string{"example.org."}},
		{input: "route53 example.org:12345678 {\n refresh 3m\n}", refresh: 3 * time.Minute, names: []string{"example.org."}},
		{input: "route53 example.org:12345678 {\n upstream\n}", refresh: time.Minute, names: []string{"example.org."}},
		{input: "route53 example.org:12345678 {\n upstream 10.0.0.1\n}", refresh: time.Minute, names: []string{"example.org."}},
	}
	for i, tc := range tests {
		got := useFake(t, setupFake(), nil)
		c := caddy.NewTestController("dns", tc.input)
		if err := setup(c); err != nil {
			t.Errorf("test %d %q: %v", i, tc.input, err)
			continue
		}
		if *got != tc.opts {
			t.Errorf("test %d: client options %+v, want %+v", i, *got, tc.opts)
		}
		plugins := dnsserver.GetConfig(c).Plugin
		if len(plugins) != 1 {
			t.Fatalf("test %d: %d plugins added, want 1", i, len(plugins))
		}
		h, ok := plugins[0](nil).(*Route53)
		if !ok {
			t.Fatalf("test %d: handler is not *Route53", i)
		}
		if h.refresh != tc.refresh {
			t.Errorf("test %d: refresh %v, want %v", i, h.refresh, tc.refresh)
		}
		if !h.Fall.Equal(tc.fall) {
			t.Errorf("test %d: fallthrough %v, want %v", i, h.Fall, tc.fall)
		}
		if strings.Join(h.zoneNames, ",") != strings.Join(tc.names, ",") {
			t.Errorf("test %d: zones %v, want %v", i, h.zoneNames, tc.names)
		}
	}
}

func TestSetupErrors(t *testing.T) {
	tests := []struct {
		input     string
		clientErr error
		listErr   error
		want      string
	}{
		{input: `route53 example.org`, want: `invalid zone "example.org"`},
		{input: `route53 example.org:`, want: "invalid zone"},
		{input: `route53 :12345678`, want: "invalid zone"},
		{input: `route53 example.org:1:2`, want: "invalid zone"},
		{input: `route53 exa..mple.org:12345678`, want: "invalid zone"},
		{input: `route53 example.org:12345678 example.org.:12345678`, want: "conflict zone"},
		{input: "route53 example.org:12345678 {\n aws_access_key\n}", want: "invalid access key"},
		{input: "route53 example.org:12345678 {\n aws_access_key ONLYID\n}", want: "invalid access key"},
		{input: "route53 example.org:12345678 {\n aws_access_key A B C\n}", want: "invalid access key"},
		{input: "route53 example.org:12345678 {\n aws_endpoint\n}", want: "Wrong argument count"},
		{input: "route53 example.org:12345678 {\n aws_endpoint a b\n}", want: "Wrong argument count"},
		{input: "route53 example.org:12345678 {\n credentials\n}", want: "Wrong argument count"},
		{input: "route53 example.org:12345678 {\n credentials p f x\n}", want: "Wrong argument count"},
		{input: "route53 example.org:12345678 {\n refresh\n}", want: "Wrong argument count"},
		{input: "route53 example.org:12345678 {\n refresh 1m 2m\n}", want: "Wrong argument count"},
		{input: "route53 example.org:12345678 {\n refresh often\n}", want: "unable to parse duration"},
		{input: "route53 example.org:12345678 {\n refresh 0\n}", want: "refresh interval must be greater than 0"},
		{input: "route53 example.org:12345678 {\n refresh -1m\n}", want: "refresh interval must be greater than 0"},
		{input: "route53 example.org:12345678 {\n wrong\n}", want: `unknown property "wrong"`},
		{input: `route53 example.org:12345678`, clientErr: errors.New("no region"), want: "failed to create route53 client: no region"},
		{input: `route53 example.org:ZNOTTHERE`, want: "NoSuchHostedZone"},
		{input: `route53 example.org:12345678`, listErr: errors.New("AccessDenied"), want: "AccessDenied"},
	}
	for i, tc := range tests {
		f := setupFake()
		f.listErr = tc.listErr
		useFake(t, f, tc.clientErr)
		c := caddy.NewTestController("dns", tc.input)
		err := setup(c)
		if err == nil {
			t.Errorf("test %d %q: expected an error", i, tc.input)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("test %d %q: error %q, want it to contain %q", i, tc.input, err, tc.want)
		}
		if !strings.Contains(err.Error(), "route53") || !strings.Contains(err.Error(), "Testfile:") {
			t.Errorf("test %d: error %q does not name the plugin and the file", i, err)
		}
	}
}
