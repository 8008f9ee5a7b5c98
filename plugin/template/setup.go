package template

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	gotmpl "text/template"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/expression"
	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/plugin/pkg/upstream"
	"github.com/coredns/coredns/request"

	"github.com/expr-lang/expr"
	"github.com/miekg/dns"
)

var log = clog.NewWithPlugin("template")

func init() { plugin.Register("template", setupTemplate) }

func setupTemplate(c *caddy.Controller) error {
	h, err := templateParse(c)
	if err != nil {
		return plugin.Error("template", err)
	}
	cfg := dnsserver.GetConfig(c)
	cfg.AddPlugin(func(next plugin.Handler) plugin.Handler {
		h.Next = next
		return h
	})
	return nil
}

// templateParse reads every `template` of a server block.
func templateParse(c *caddy.Controller) (Handler, error) {
	var h Handler
	for c.Next() {
		t, err := parseTemplate(c)
		if err != nil {
			return h, err
		}
		h.Templates = append(h.Templates, t)
		h.Zones = appendNew(h.Zones, t.zones...)
	}
	return h, nil
}

// parseTemplate reads "template [CLASS [TYPE [ZONES...]]] { ... }".
func parseTemplate(c *caddy.Controller) (template, error) {
	t := template{qclass: dns.ClassANY, qtype: dns.TypeANY, rcode: dns.RcodeSuccess, upstream: upstream.New()}
	args := c.RemainingArgs()
	if len(args) > 0 {
		class, ok := parseClass(args[0])
		if !ok {
			return t, c.Errf("invalid query class %q", args[0])
		}
		t.qclass, args = class, args[1:]
	}
	if len(args) > 0 {
		typ, ok := parseType(args[0])
		if !ok {
			return t, c.Errf("invalid RR type %q", args[0])
		}
		t.qtype, args = typ, args[1:]
	}
	for _, z := range args {
		if _, err := plugin.Host(z).MustNormalize(); err != nil {
			return t, c.Errf("invalid zone %q: %v", z, err)
		}
	}
	t.zones = plugin.OriginsFromArgsOrServerBlock(args, c.ServerBlockKeys)
	t.classLabel = dns.Class(t.qclass).String()
	t.typeLabel = dns.Type(t.qtype).String()

	for c.NextBlock() {
		if err := parseOption(c, &t); err != nil {
			return t, err
		}
	}
	if len(t.regex) == 0 {
		t.regex = []*regexp.Regexp{regexp.MustCompile(".*")}
	}
	return t, nil
}

// parseOption reads one line of a template block.
func parseOption(c *caddy.Controller, t *template) error {
	switch opt := c.Val(); opt {
	case "match":
		args := c.RemainingArgs()
		if len(args) == 0 {
			return c.ArgErr()
		}
		for _, a := range args {
			re, err := regexp.Compile(a)
			if err != nil {
				return c.Errf("could not parse regex %q: %v", a, err)
			}
			t.regex = append(t.regex, re)
		}
	case sectionAnswer, sectionAdditional, sectionAuthority:
		args := c.RemainingArgs()
		if len(args) == 0 {
			return c.ArgErr()
		}
		for _, a := range args {
			tmpl, err := gotmpl.New(opt).Funcs(funcs).Parse(a)
			if err != nil {
				return c.Errf("could not compile %s template %q: %v", opt, a, err)
			}
			rt := rrTemplate{tmpl: tmpl, text: a}
			switch opt {
			case sectionAnswer:
				t.answer = append(t.answer, rt)
			case sectionAdditional:
				t.additional = append(t.additional, rt)
			default:
				t.authority = append(t.authority, rt)
			}
		}
	case "rcode":
		args := c.RemainingArgs()
		if len(args) != 1 {
			return c.ArgErr()
		}
		rc, ok := parseRcode(args[0])
		if !ok {
			return c.Errf("unknown rcode %q", args[0])
		}
		t.rcode = rc
	case "ederror":
		args := c.RemainingArgs()
		if len(args) < 1 || len(args) > 2 {
			return c.ArgErr()
		}
		code, err := strconv.ParseUint(args[0], 10, 16)
		if err != nil {
			return c.Errf("invalid extended error code %q", args[0])
		}
		t.ederror = &dns.EDNS0_EDE{InfoCode: uint16(code)}
		if len(args) == 2 {
			t.ederror.ExtraText = args[1]
		}
	case "expr":
		args := c.RemainingArgs()
		if len(args) == 0 {
			return c.ArgErr()
		}
		src := strings.Join(args, " ")
		env := expression.DefaultEnv(context.Background(), &request.Request{})
		p, err := expr.Compile(src, expr.Env(env), expr.AsBool())
		if err != nil {
			return c.Errf("could not compile expression %q: %v", src, err)
		}
		t.exprs = append(t.exprs, p)
	case "fallthrough":
		t.fall.SetZonesFromArgs(c.RemainingArgs())
	case "upstream":
		// Kept for old Corefiles: CNAME targets are always resolved
		// through the server itself, whatever addresses are given.
		c.RemainingArgs()
	default:
		return c.Errf("unknown property %q", opt)
	}
	return nil
}

// parseClass accepts a class mnemonic (IN, CH, ANY, ...) or CLASSnnn.
func parseClass(s string) (uint16, bool) {
	s = strings.ToUpper(s)
	if c, ok := dns.StringToClass[s]; ok {
		return c, true
	}
	if n, ok := strings.CutPrefix(s, "CLASS"); ok {
		if v, err := strconv.ParseUint(n, 10, 16); err == nil {
			return uint16(v), true
		}
	}
	return 0, false
}

// parseType accepts a type mnemonic (A, PTR, ANY, ...) or TYPEnnn.
func parseType(s string) (uint16, bool) {
	s = strings.ToUpper(s)
	if t, ok := dns.StringToType[s]; ok {
		return t, true
	}
	if n, ok := strings.CutPrefix(s, "TYPE"); ok {
		if v, err := strconv.ParseUint(n, 10, 16); err == nil {
			return uint16(v), true
		}
	}
	return 0, false
}

// parseRcode accepts an rcode mnemonic (NXDOMAIN, REFUSED, ...) or a number.
func parseRcode(s string) (int, bool) {
	if rc, ok := dns.StringToRcode[strings.ToUpper(s)]; ok {
		return rc, true
	}
	if v, err := strconv.ParseUint(s, 10, 12); err == nil {
		return int(v), true
	}
	return 0, false
}

// appendNew appends the zones of add that dst does not hold yet.
func appendNew(dst []string, add ...string) []string {
	for _, z := range add {
		found := false
		for _, d := range dst {
			if d == z {
				found = true
				break
			}
		}
		if !found {
			dst = append(dst, z)
		}
	}
	return dst
}
