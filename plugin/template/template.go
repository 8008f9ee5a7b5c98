// Package template implements the template plugin: it answers queries whose
// name matches a regular expression with records written as Go templates.
package template

import (
	"context"
	"regexp"
	gotmpl "text/template"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/pkg/upstream"
	"github.com/coredns/coredns/request"

	"github.com/expr-lang/expr/vm"
	"github.com/miekg/dns"
)

// Handler answers queries from its templates, tried in configuration order.
type Handler struct {
	Zones     []string
	Next      plugin.Handler
	Templates []template
}

// template is one `template` block of the Corefile.
type template struct {
	zones  []string
	qclass uint16
	qtype  uint16
	// class and type as metric labels: what the block was configured for.
	classLabel string
	typeLabel  string

	regex      []*regexp.Regexp
	exprs      []*vm.Program
	answer     []rrTemplate
	additional []rrTemplate
	authority  []rrTemplate

	rcode    int
	ederror  *dns.EDNS0_EDE
	fall     fall.F
	upstream *upstream.Upstream
}

// rrTemplate is one answer, additional or authority line.
type rrTemplate struct {
	tmpl *gotmpl.Template
	text string // the source, used as metric label
}

// Section names, as metric labels.
const (
	sectionAnswer     = "answer"
	sectionAdditional = "additional"
	sectionAuthority  = "authority"
)

// Name implements plugin.Handler.
func (h Handler) Name() string { return "template" }

// ServeDNS implements plugin.Handler. The first template whose zone, class,
// type, regex and expressions all match answers. A template whose zone
// matches but whose regex does not ends the search with SERVFAIL, unless it
// falls through for the name.
func (h Handler) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	if len(r.Question) == 0 || plugin.Zones(h.Zones).Matches(state.Name()) == "" {
		return plugin.NextOrFailure(h.Name(), h.Next, ctx, w, r)
	}
	for i := range h.Templates {
		t := &h.Templates[i]
		data, ok, through := t.match(ctx, &state)
		if !ok {
			if !through {
				return dns.RcodeServerFailure, nil
			}
			continue
		}
		server, view := serverAndView(ctx)
		templateMatchesCount.WithLabelValues(server, data.Zone, view, t.classLabel, t.typeLabel).Inc()
		return t.respond(ctx, w, &state, data)
	}
	return plugin.NextOrFailure(h.Name(), h.Next, ctx, w, r)
}

// match reports whether t answers the query, and if it does not, whether
// the next template may try (fall through).
func (t *template) match(ctx context.Context, state *request.Request) (data *templateData, ok, through bool) {
	q := state.Req.Question[0]
	zone := plugin.Zones(t.zones).Matches(state.Name())
	if zone == "" {
		return nil, false, true
	}
	if t.qclass != dns.ClassANY && q.Qclass != dns.ClassANY && q.Qclass != t.qclass {
		return nil, false, true
	}
	if t.qtype != dns.TypeANY && q.Qtype != dns.TypeANY && q.Qtype != t.qtype {
		return nil, false, true
	}

	name := state.Name()
	for _, re := range t.regex {
		m := re.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		if len(t.exprs) > 0 && !t.holds(ctx, state) {
			continue
		}
		data = &templateData{
			Zone:     zone,
			Name:     name,
			Regex:    re.String(),
			Match:    m,
			Group:    groups(re, m),
			Class:    state.Class(),
			Type:     state.Type(),
			Message:  state.Req,
			Question: &state.Req.Question[0],
			Remote:   state.IP(),
			ctx:      ctx,
		}
		return data, true, false
	}
	return nil, false, t.fall.Through(name)
}

// groups maps the submatches of m by position ("0", "1", ...) and, for named
// groups, by name.
func groups(re *regexp.Regexp, m []string) map[string]string {
	names := re.SubexpNames()
	g := make(map[string]string, 2*len(m))
	for i, s := range m {
		g[indexKey(i)] = s
	}
	for i, n := range names {
		if n != "" && i < len(m) {
			g[n] = m[i]
		}
	}
	return g
}

// indexKeys avoids formatting small group numbers on every match.
var indexKeys = [...]string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

func indexKey(i int) string {
	if i < len(indexKeys) {
		return indexKeys[i]
	}
	return itoa(i)
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(b[n:])
		}
	}
}
