package template

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"

	"github.com/miekg/dns"
)

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", `template ANY ANY {
    rcode NXDOMAIN
}`)
	c.ServerBlockKeys = []string{"example.:53"}
	if err := setupTemplate(c); err != nil {
		t.Fatalf("setup: %v", err)
	}
	if n := len(dnsserver.GetConfig(c).Plugin); n != 1 {
		t.Errorf("%d plugins added, want 1", n)
	}
}

func TestSetupParse(t *testing.T) {
	tests := []struct {
		input string
		err   string // part of the error, "" for none
	}{
		// Valid.
		{`template`, ""},
		{`template ANY`, ""},
		{`template IN A`, ""},
		{`template in a example.org`, ""},
		{`template CLASS255 TYPE65280 example.org 10.0.0.0/8`, ""},
		{`template ANY ANY {
			match ^a\.
			match ^b\. ^c\.
			answer "{{ .Name }} 60 IN A 192.0.2.1" "{{ .Name }} 60 IN A 192.0.2.2"
			additional "{{ .Name }} 60 IN A 192.0.2.3"
			authority "{{ .Zone }} 60 IN NS ns.{{ .Zone }}"
			rcode NOERROR
			ederror 21 "go away"
			expr type() == 'A' && incidr(client_ip(), '10.0.0.0/8')
			expr name() matches '^a' || proto() == 'tcp'
			fallthrough example.org
			upstream
		}`, ""},
		{"template IN A {\n rcode nxdomain\n}", ""},
		{"template IN A {\n rcode 5\n}", ""},
		{"template IN A {\n ederror 0\n}", ""},
		{"template IN A {\n upstream 10.0.0.1 /etc/resolv.conf\n}", ""},
		{"template IN A {\n fallthrough\n}", ""},
		{"template IN A {\n answer \"{{ parseInt .Group.x 16 8 }}\"\n}", ""},
		{"template IN A {\n answer \"a\"\n}\ntemplate IN AAAA {\n answer \"b\"\n}", ""},
		{"template IN A {\n expr metadata('view/name') == 'blue' && do() && bufsize() > 512 && size() > 0 && id() >= 0 && opcode() == 0 && class() == 'IN' && port() != '' && client_port() != '' && server_ip() != '' && server_port() != ''\n}", ""},

		// Invalid.
		{`template XX`, `invalid query class "XX"`},
		{`template IN XX`, `invalid RR type "XX"`},
		{`template IN A example..org`, `invalid zone`},
		{"template IN A {\n match\n}", "Wrong argument count"},
		{"template IN A {\n match \"([a-z\"\n}", "could not parse regex"},
		{"template IN A {\n answer\n}", "Wrong argument count"},
		{"template IN A {\n additional\n}", "Wrong argument count"},
		{"template IN A {\n authority\n}", "Wrong argument count"},
		{"template IN A {\n answer \"{{ .Name \"\n}", "could not compile answer template"},
		{"template IN A {\n authority \"{{ nope }}\"\n}", "could not compile authority template"},
		{"template IN A {\n additional \"{{ end }}\"\n}", "could not compile additional template"},
		{"template IN A {\n rcode\n}", "Wrong argument count"},
		{"template IN A {\n rcode NX DOMAIN\n}", "Wrong argument count"},
		{"template IN A {\n rcode NOPE\n}", `unknown rcode "NOPE"`},
		{"template IN A {\n ederror\n}", "Wrong argument count"},
		{"template IN A {\n ederror 1 two three\n}", "Wrong argument count"},
		{"template IN A {\n ederror x\n}", `invalid extended error code "x"`},
		{"template IN A {\n ederror 70000\n}", `invalid extended error code "70000"`},
		{"template IN A {\n expr\n}", "Wrong argument count"},
		{"template IN A {\n expr nosuch()\n}", "could not compile expression"},
		{"template IN A {\n expr name() +\n}", "could not compile expression"},
		{"template IN A {\n expr name()\n}", "could not compile expression"},
		{"template IN A {\n nope\n}", `unknown property "nope"`},
	}
	for i, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		c.ServerBlockKeys = []string{"example.:53"}
		_, err := templateParse(c)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("test %d: unexpected error %v", i, err)
		case tc.err != "" && err == nil:
			t.Errorf("test %d: no error, want one containing %q", i, tc.err)
		case tc.err != "" && !strings.Contains(err.Error(), tc.err):
			t.Errorf("test %d: error %q, want it to contain %q", i, err, tc.err)
		}
		if err != nil && !strings.Contains(err.Error(), "Testfile:") {
			t.Errorf("test %d: error %q names no file and line", i, err)
		}
	}
}

func TestSetupValues(t *testing.T) {
	c := caddy.NewTestController("dns", `template IN MX example.org 10.0.0.0/24 {
    match ^a\. ^b\.
    answer "a 1 IN MX 10 b"
    additional "b 1 IN A 192.0.2.1"
    authority "example.org. 1 IN NS ns"
    rcode REFUSED
    ederror 15 "no mail"
    expr true
    fallthrough sub.example.org
}
template CH TXT`)
	c.ServerBlockKeys = []string{"example.:53", "example.net.:53"}
	h, err := templateParse(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Templates) != 2 {
		t.Fatalf("%d templates, want 2", len(h.Templates))
	}
	a, b := h.Templates[0], h.Templates[1]
	if a.qclass != dns.ClassINET || a.qtype != dns.TypeMX || a.classLabel != "IN" || a.typeLabel != "MX" {
		t.Errorf("class/type = %d/%d (%s/%s), want IN/MX", a.qclass, a.qtype, a.classLabel, a.typeLabel)
	}
	if got := strings.Join(a.zones, " "); got != "example.org. 0.0.10.in-addr.arpa." {
		t.Errorf("zones = %q", got)
	}
	if len(a.regex) != 2 || len(a.answer) != 1 || len(a.additional) != 1 || len(a.authority) != 1 || len(a.exprs) != 1 {
		t.Errorf("regex/answer/additional/authority/expr counts = %d/%d/%d/%d/%d, want 2/1/1/1/1",
			len(a.regex), len(a.answer), len(a.additional), len(a.authority), len(a.exprs))
	}
	if a.rcode != dns.RcodeRefused {
		t.Errorf("rcode = %d, want REFUSED", a.rcode)
	}
	if a.ederror == nil || a.ederror.InfoCode != 15 || a.ederror.ExtraText != "no mail" {
		t.Errorf("ederror = %v", a.ederror)
	}
	if !a.fall.Through("x.sub.example.org.") || a.fall.Through("x.example.org.") {
		t.Errorf("fallthrough zones = %v", a.fall.Zones)
	}
	if a.upstream == nil {
		t.Error("no upstream")
	}

	// Defaults: server block zones, match everything, NOERROR, no fallthrough.
	if b.qclass != dns.ClassCHAOS || b.qtype != dns.TypeTXT {
		t.Errorf("class/type = %d/%d, want CH/TXT", b.qclass, b.qtype)
	}
	if got := strings.Join(b.zones, " "); got != "example. example.net." {
		t.Errorf("default zones = %q", got)
	}
	if len(b.regex) != 1 || b.regex[0].String() != ".*" {
		t.Errorf("default regex = %v", b.regex)
	}
	if b.rcode != dns.RcodeSuccess || b.ederror != nil || len(b.fall.Zones) != 0 {
		t.Errorf("defaults: rcode %d, ederror %v, fallthrough %v", b.rcode, b.ederror, b.fall.Zones)
	}
	if got := strings.Join(h.Zones, " "); got != "example.org. 0.0.10.in-addr.arpa. example. example.net." {
		t.Errorf("handler zones = %q", got)
	}
}
