package external

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"

	"github.com/miekg/dns"
)

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", `k8s_external example.com`)
	if err := setup(c); err != nil {
		t.Fatalf("setup: %v", err)
	}
	if n := len(dnsserver.GetConfig(c).Plugin); n != 1 {
		t.Errorf("%d plugins added, want 1", n)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		input    string
		zones    []string
		apex     string
		ttl      uint32
		headless bool
		fall     []string
		err      string // part of the error, "" for none
	}{
		{input: `k8s_external`, zones: []string{"example.net."}, apex: "dns", ttl: 5},
		{input: `k8s_external example.com Example.ORG.`, zones: []string{"example.com.", "example.org."}, apex: "dns", ttl: 5},
		{input: `k8s_external example.com {
			apex Ns-Records.
			ttl 60
			headless
			fallthrough
		}`, zones: []string{"example.com."}, apex: "ns-records", ttl: 60, headless: true, fall: []string{"."}},
		{input: `k8s_external example.com 10.in-addr.arpa {
			ttl 0
			fallthrough example.com
		}`, zones: []string{"example.com.", "10.in-addr.arpa."}, apex: "dns", ttl: 0, fall: []string{"example.com."}},
		{input: block(`ttl 3600`), zones: []string{"example.net."}, apex: "dns", ttl: 3600},

		// Errors.
		{input: block(`ttl`), err: "Wrong argument count"},
		{input: block(`ttl 5 6`), err: "Wrong argument count"},
		{input: block(`ttl five`), err: `invalid ttl "five"`},
		{input: block(`ttl -1`), err: "ttl must be in range [0, 3600]: -1"},
		{input: block(`ttl 3601`), err: "ttl must be in range [0, 3600]: 3601"},
		{input: block(`apex`), err: "Wrong argument count"},
		{input: block(`apex a b`), err: "Wrong argument count"},
		{input: block(`apex .`), err: "apex must not be empty"},
		{input: block(`apex a..b`), err: `invalid apex "a..b"`},
		{input: block(`headless yes`), err: "Wrong argument count"},
		{input: block(`transfer to *`), err: `unknown property "transfer"`},
		{input: "k8s_external example.com\nk8s_external example.org", err: plugin.ErrOnce.Error()},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		c.ServerBlockKeys = []string{"example.net:53"}
		e, err := parse(c)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: got error %v, want one containing %q", tc.input, err, tc.err)
			}
			if err != nil && tc.err != plugin.ErrOnce.Error() && !strings.Contains(err.Error(), "Testfile:") {
				t.Errorf("%q: error %q does not name the file and line", tc.input, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		if !reflect.DeepEqual(e.Zones, tc.zones) || e.apex != tc.apex || e.ttl != tc.ttl || e.headless != tc.headless || !reflect.DeepEqual(e.fall.Zones, tc.fall) {
			t.Errorf("%q: got zones %v apex %q ttl %d headless %v fall %v", tc.input, e.Zones, e.apex, e.ttl, e.headless, e.fall.Zones)
		}
	}
}

// block returns a k8s_external stanza with one option line.
func block(option string) string { return "k8s_external {\n" + option + "\n}" }

// handler is a plugin.Handler with a name, that may implement Externaler.
type handler string

func (h handler) ServeDNS(context.Context, dns.ResponseWriter, *dns.Msg) (int, error) { return 0, nil }
func (h handler) Name() string                                                        { return string(h) }

type externalHandler struct {
	handler
	fakeBackend
}

func TestFindExternaler(t *testing.T) {
	k8s := externalHandler{handler: "kubernetes"}
	other := externalHandler{handler: "aaa"}
	third := externalHandler{handler: "zzz"}
	tests := []struct {
		handlers []plugin.Handler
		want     Externaler
	}{
		{nil, nil},
		{[]plugin.Handler{handler("file"), handler("forward")}, nil},
		{[]plugin.Handler{third, handler("file"), other}, other},
		{[]plugin.Handler{other, k8s, third}, k8s},
	}
	for i, tc := range tests {
		if got := findExternaler(tc.handlers); got != tc.want {
			t.Errorf("test %d: got %v, want %v", i, got, tc.want)
		}
	}
}
