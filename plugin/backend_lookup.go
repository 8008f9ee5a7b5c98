package plugin

import (
	"context"
	"fmt"
	"math"
	"net"

	"github.com/coredns/coredns/plugin/etcd/msg"
	"github.com/coredns/coredns/plugin/pkg/dnsutil"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// maxCNAMEChain is how many CNAMEs an answer may already hold before the
// helpers stop following further ones and report the answer as truncated.
const maxCNAMEChain = 7

// SOA timers of synthesized SOA records, and the cap on their TTL.
const (
	soaRefresh = 7200
	soaRetry   = 1800
	soaExpire  = 86400
	soaMaxTTL  = 300
)

// rrsetFunc is the signature shared by A, AAAA and TXT, which call themselves
// again for in-zone CNAME targets.
type rrsetFunc func(ctx context.Context, b ServiceBackend, zone string, state request.Request, previousRecords []dns.RR, opt Options) ([]dns.RR, bool, error)

// A returns the A records for the question of state: the IPv4 addresses of
// the matching services, and for services that name another host a CNAME
// followed by that host's A records (looked up in the backend when the host is
// in zone, elsewhere through b.Lookup otherwise). previousRecords are the
// CNAMEs already in the answer, for loop and length checks; truncated is set
// when the chain got too long or an upstream answer was truncated.
func A(ctx context.Context, b ServiceBackend, zone string, state request.Request, previousRecords []dns.RR, opt Options) (records []dns.RR, truncated bool, err error) {
	services, err := apexOrServices(ctx, b, zone, state, opt)
	if err != nil {
		return nil, false, err
	}
	records, truncated = synthesize(ctx, b, zone, state, previousRecords, opt, services, dns.TypeA, A)
	return records, truncated, nil
}

// AAAA is A for IPv6 addresses.
func AAAA(ctx context.Context, b ServiceBackend, zone string, state request.Request, previousRecords []dns.RR, opt Options) (records []dns.RR, truncated bool, err error) {
	services, err := apexOrServices(ctx, b, zone, state, opt)
	if err != nil {
		return nil, false, err
	}
	records, truncated = synthesize(ctx, b, zone, state, previousRecords, opt, services, dns.TypeAAAA, AAAA)
	return records, truncated, nil
}

// TXT returns the TXT records of the services without an address that carry
// text, following CNAMEs as A does.
func TXT(ctx context.Context, b ServiceBackend, zone string, state request.Request, previousRecords []dns.RR, opt Options) (records []dns.RR, truncated bool, err error) {
	services, err := b.Services(ctx, state, false, opt)
	if err != nil {
		return nil, false, err
	}
	records, truncated = synthesize(ctx, b, zone, state, previousRecords, opt, services, dns.TypeTXT, TXT)
	return records, truncated, nil
}

// synthesize turns services into records of type want (A, AAAA or TXT),
// with duplicates removed, and chases services that name other hosts.
func synthesize(ctx context.Context, b ServiceBackend, zone string, state request.Request, previous []dns.RR, opt Options, services []msg.Service, want uint16, again rrsetFunc) (records []dns.RR, truncated bool) {
	seen := make(map[string]struct{})
	for i := range services {
		serv := &services[i]
		what, ip := serv.HostType()
		if what == dns.TypeCNAME {
			rrs, tc := chase(ctx, b, zone, state, previous, opt, serv, again)
			records = append(records, rrs...)
			truncated = truncated || tc
			continue
		}
		if what != want {
			continue
		}
		key := serv.Host
		if want == dns.TypeTXT {
			key = serv.Text
		}
		if _, dup := seen[key]; dup {
			continue
		}
		seen[key] = struct{}{}
		switch want {
		case dns.TypeA:
			records = append(records, serv.NewA(state.QName(), ip))
		case dns.TypeAAAA:
			records = append(records, serv.NewAAAA(state.QName(), ip))
		case dns.TypeTXT:
			records = append(records, serv.NewTXT(state.QName()))
		}
	}
	return records, truncated
}

// chase answers for a service whose host is a name: a CNAME to it followed by
// the target's records of the same type. Nothing is returned for a CNAME that
// points at or below the query name, repeats one already in the chain, or
// whose target has no answer.
func chase(ctx context.Context, b ServiceBackend, zone string, state request.Request, previous []dns.RR, opt Options, serv *msg.Service, again rrsetFunc) ([]dns.RR, bool) {
	target := dns.Fqdn(serv.Host)
	if Name(state.Name()).Matches(target) {
		return nil, false // a CNAME to itself or below itself loops
	}
	cname := serv.NewCNAME(state.QName(), serv.Host)
	if len(previous) > maxCNAMEChain {
		return nil, true
	}
	if dnsutil.DuplicateCNAME(cname, previous) {
		return nil, false
	}

	if dns.IsSubDomain(zone, target) {
		chain := make([]dns.RR, len(previous), len(previous)+1)
		copy(chain, previous)
		chain = append(chain, cname)

		next := state.NewWithQuestion(serv.Host, state.QType())
		next.Zone = zone
		rrs, tc, err := again(ctx, b, zone, next, chain, opt)
		if err != nil || len(rrs) == 0 {
			return nil, tc
		}
		return append([]dns.RR{cname}, rrs...), tc
	}

	m, err := b.Lookup(ctx, state, cname.Target, state.QType())
	if err != nil {
		return nil, false
	}
	return append([]dns.RR{cname}, m.Answer...), m.Truncated
}

// apexOrServices returns the services for the question; for the zone apex
// itself it first tries the special name apex.dns.<zone>.
func apexOrServices(ctx context.Context, b ServiceBackend, zone string, state request.Request, opt Options) ([]msg.Service, error) {
	if state.Name() != zone {
		return b.Services(ctx, state, false, opt)
	}
	apex := state.NewWithQuestion(dnsutil.Join("apex.dns", zone), state.QType())
	apex.Zone = state.Zone
	if services, err := b.Services(ctx, apex, false, opt); err == nil {
		return services, nil
	}
	return b.Services(ctx, state, false, opt)
}

// SRV returns the SRV records of the matching services and, in extra, the
// addresses of their targets. Weights are spread over each priority so they
// add up to about 100; services with port -1 are left out.
func SRV(ctx context.Context, b ServiceBackend, zone string, state request.Request, opt Options) (records []dns.RR, extra []dns.RR, err error) {
	services, err := b.Services(ctx, state, false, opt)
	if err != nil {
		return nil, nil, err
	}

	totals := make(map[int]int)
	for i := range services {
		totals[services[i].Priority] += srvWeight(services[i].Weight)
	}

	t := newTargets()
	for i := range services {
		serv := services[i] // a copy: Host is rewritten below
		if serv.Port == -1 {
			continue
		}
		weight := uint16(math.Floor(100.0 / float64(totals[serv.Priority]) * float64(srvWeight(serv.Weight))))
		if weight == 0 {
			weight = 1
		}

		what, ip := serv.HostType()
		switch what {
		case dns.TypeCNAME:
			srv := serv.NewSRV(state.QName(), weight)
			records = append(records, srv)
			extra = append(extra, t.resolve(ctx, b, zone, state, srv.Target, opt)...)
		case dns.TypeA, dns.TypeAAAA:
			addr := serv.Host
			serv.Host = msg.Domain(serv.Key)
			srv := serv.NewSRV(state.QName(), weight)
			if !t.seen(srv.Target, "", srv.Port) {
				records = append(records, srv)
			}
			if !t.seen(srv.Target, addr, 0) {
				extra = append(extra, newAddress(&serv, srv.Target, ip, what))
			}
		}
	}
	return records, extra, nil
}

// srvWeight is the weight a service counts with: 100 when it has none.
func srvWeight(w int) int {
	if w == 0 {
		return 100
	}
	return w
}

// MX returns the MX records of the matching services that have Mail set and,
// in extra, the addresses of their exchangers.
func MX(ctx context.Context, b ServiceBackend, zone string, state request.Request, opt Options) (records []dns.RR, extra []dns.RR, err error) {
	services, err := b.Services(ctx, state, false, opt)
	if err != nil {
		return nil, nil, err
	}

	t := newTargets()
	for i := range services {
		serv := services[i]
		if !serv.Mail {
			continue
		}
		what, ip := serv.HostType()
		switch what {
		case dns.TypeCNAME:
			mx := serv.NewMX(state.QName())
			records = append(records, mx)
			extra = append(extra, t.resolve(ctx, b, zone, state, mx.Mx, opt)...)
		case dns.TypeA, dns.TypeAAAA:
			addr := serv.Host
			serv.Host = msg.Domain(serv.Key)
			mx := serv.NewMX(state.QName())
			if !t.seen(mx.Mx, "", mx.Preference) {
				records = append(records, mx)
			}
			if !t.seen(serv.Host, addr, 0) {
				extra = append(extra, newAddress(&serv, serv.Host, ip, what))
			}
		}
	}
	return records, extra, nil
}

// CNAME returns a CNAME for the first service matching the name exactly, when
// its host is a name rather than an address.
func CNAME(ctx context.Context, b ServiceBackend, _zone string, state request.Request, opt Options) (records []dns.RR, err error) {
	services, err := b.Services(ctx, state, true, opt)
	if err != nil {
		return nil, err
	}
	if len(services) > 0 {
		serv := &services[0]
		if net.ParseIP(serv.Host) == nil {
			records = append(records, serv.NewCNAME(state.QName(), serv.Host))
		}
	}
	return records, nil
}

// PTR returns the PTR records for a reverse question, one per distinct host
// name the backend knows for it.
func PTR(ctx context.Context, b ServiceBackend, _zone string, state request.Request, opt Options) (records []dns.RR, err error) {
	services, err := b.Reverse(ctx, state, true, opt)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]struct{})
	for i := range services {
		serv := &services[i]
		if net.ParseIP(serv.Host) != nil {
			continue
		}
		if _, dup := seen[serv.Host]; dup {
			continue
		}
		seen[serv.Host] = struct{}{}
		records = append(records, serv.NewPTR(state.QName(), serv.Host))
	}
	return records, nil
}

// NS returns the NS records of the zone, taken from the services stored under
// ns.dns.<zone>, and their addresses as glue in extra. Each such service must
// hold an address; its name comes from its key.
func NS(ctx context.Context, b ServiceBackend, zone string, state request.Request, opt Options) (records []dns.RR, extra []dns.RR, err error) {
	nsState := state.NewWithQuestion(dnsutil.Join("ns.dns", zone), state.QType())
	nsState.Zone = state.Zone
	services, err := b.Services(ctx, nsState, false, opt)
	if err != nil {
		return nil, nil, err
	}

	seen := make(map[string]struct{})
	for i := range services {
		serv := services[i]
		what, ip := serv.HostType()
		switch what {
		case dns.TypeCNAME:
			return nil, nil, fmt.Errorf("NS record must be an IP address: %s", serv.Host)
		case dns.TypeA, dns.TypeAAAA:
			serv.Host = msg.Domain(serv.Key)
			ns := serv.NewNS(state.QName())
			extra = append(extra, newAddress(&serv, ns.Ns, ip, what))
			if _, dup := seen[ns.Ns]; dup {
				continue
			}
			seen[ns.Ns] = struct{}{}
			records = append(records, ns)
		}
	}
	return records, extra, nil
}

// SOA returns a synthesized SOA record for zone: primary ns.dns.<zone>,
// mailbox hostmaster.<zone>, serial and minimum from the backend. Its TTL is
// the minimum TTL, capped at 300 seconds.
func SOA(_ctx context.Context, b ServiceBackend, zone string, state request.Request, _opt Options) ([]dns.RR, error) {
	minTTL := b.MinTTL(state)
	soa := &dns.SOA{
		Hdr:     dns.RR_Header{Name: zone, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: min(minTTL, soaMaxTTL)},
		Ns:      dnsutil.Join("ns.dns", zone),
		Mbox:    dnsutil.Join("hostmaster", zone),
		Serial:  b.Serial(state),
		Refresh: soaRefresh,
		Retry:   soaRetry,
		Expire:  soaExpire,
		Minttl:  minTTL,
	}
	return []dns.RR{soa}, nil
}

// BackendError writes an authoritative reply with rcode (e.g. NXDOMAIN, or
// success for NODATA) and the zone's SOA in the authority section. It returns
// success, as the reply has been written, together with err.
func BackendError(ctx context.Context, b ServiceBackend, zone string, rcode int, state request.Request, err error, opt Options) (int, error) {
	m := new(dns.Msg)
	m.SetRcode(state.Req, rcode)
	m.Authoritative = true
	m.Ns, _ = SOA(ctx, b, zone, state, opt)
	state.W.WriteMsg(m) //nolint:errcheck // the client may be gone; nothing to do
	return dns.RcodeSuccess, err
}

// newAddress returns an A or AAAA record (per what) for name with ip and the
// service's TTL.
func newAddress(s *msg.Service, name string, ip net.IP, what uint16) dns.RR {
	if what == dns.TypeA {
		return s.NewA(name, ip)
	}
	return s.NewAAAA(name, ip)
}

// targets tracks, for one SRV or MX answer, which records and target
// addresses were added already.
type targets struct {
	added    map[targetKey]struct{}
	resolved map[string]struct{}
}

type targetKey struct {
	name string
	port uint16 // port (SRV) or preference (MX); 0 for address entries
	addr string
}

func newTargets() *targets {
	return &targets{added: make(map[targetKey]struct{}), resolved: make(map[string]struct{})}
}

// seen records name with addr (or, when addr is empty, with port) and reports
// whether it was recorded before.
func (t *targets) seen(name, addr string, port uint16) bool {
	k := targetKey{name: name, addr: addr}
	if addr == "" {
		k.port = port
	}
	if _, ok := t.added[k]; ok {
		return true
	}
	t.added[k] = struct{}{}
	return false
}

// resolve returns the addresses of target for the additional section, once
// per target: in zone from the backend (A only), elsewhere through b.Lookup
// (A, then AAAA without the CNAMEs the A answer already brought).
func (t *targets) resolve(ctx context.Context, b ServiceBackend, zone string, state request.Request, target string, opt Options) []dns.RR {
	if _, ok := t.resolved[target]; ok {
		return nil
	}
	t.resolved[target] = struct{}{}

	if dns.IsSubDomain(zone, target) {
		addrs, _, err := A(ctx, b, zone, state.NewWithQuestion(target, dns.TypeA), nil, opt)
		if err != nil {
			return nil
		}
		return addrs
	}

	var extra []dns.RR
	if m, err := b.Lookup(ctx, state, target, dns.TypeA); err == nil {
		extra = append(extra, m.Answer...)
	}
	if m, err := b.Lookup(ctx, state, target, dns.TypeAAAA); err == nil {
		for _, rr := range m.Answer {
			if _, isCNAME := rr.(*dns.CNAME); !isCNAME {
				extra = append(extra, rr)
			}
		}
	}
	return extra
}
