package external

import (
	"net"

	"github.com/coredns/coredns/plugin/etcd/msg"
	"github.com/coredns/coredns/plugin/transfer"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// Transfer streams zone for a zone transfer, as the transfer plugin's
// Transferer interface asks: the SOA, the apex NS and its glue, the records
// of every service with an external address, then the SOA again. A client
// whose serial is not older than ours (an IXFR that is up to date) gets the
// SOA only.
func (e *External) Transfer(zone string, serial uint32) (<-chan []dns.RR, error) {
	if e.backend == nil || !e.serves(zone) {
		return nil, transfer.ErrNotAuthoritative
	}
	soa := e.soa(zone)
	ch := make(chan []dns.RR)
	go func() {
		defer close(ch)
		if serial != 0 && !newerSerial(soa.Serial, serial) {
			ch <- []dns.RR{soa}
			return
		}
		ch <- []dns.RR{soa}

		state := xfrRequest(zone, e.nsName(zone))
		apex := append([]dns.RR{e.ns(zone)}, e.glue(state, 0)...)
		ch <- apex

		for _, rrs := range e.serviceRecords(e.backend.ExternalServices(zone, e.headless)) {
			ch <- rrs
		}
		ch <- []dns.RR{soa}
	}()
	return ch, nil
}

// serviceRecords returns what a transfer carries for the services, one
// slice per name a service is found under (its key), in the order the names
// first appear: the addresses (A, AAAA or CNAME) of the services at that
// name, then the SRV records of those with a port, weighted together as a
// query for the name would be. A service keyed under a _port._proto name
// (TargetStrip > 0) gives only its SRV record, aimed at the service name.
func (e *External) serviceRecords(services []msg.Service) [][]dns.RR {
	var names []string
	byName := make(map[string][]msg.Service)
	for _, svc := range services {
		name := msg.Domain(svc.Key)
		if _, ok := byName[name]; !ok {
			names = append(names, name)
		}
		byName[name] = append(byName[name], svc)
	}

	out := make([][]dns.RR, 0, len(names))
	for _, name := range names {
		group := byName[name]
		var rrs []dns.RR
		seen := make(map[string]struct{})
		var ported []msg.Service
		for _, svc := range group {
			svc.TTL = e.ttl
			if svc.Port > 0 {
				ported = append(ported, svc)
			}
			if svc.TargetStrip != 0 {
				continue
			}
			if _, dup := seen[svc.Host]; dup {
				continue
			}
			seen[svc.Host] = struct{}{}
			switch what, ip := svc.HostType(); what {
			case dns.TypeA:
				rrs = append(rrs, svc.NewA(name, ip))
			case dns.TypeAAAA:
				rrs = append(rrs, svc.NewAAAA(name, ip))
			case dns.TypeCNAME:
				rrs = append(rrs, svc.NewCNAME(name, svc.Host))
			}
		}
		if len(ported) > 0 {
			srv, _ := e.srv(ported, name)
			rrs = append(rrs, srv...)
		}
		if len(rrs) > 0 {
			out = append(out, rrs)
		}
	}
	return out
}

// serves reports whether zone is one of the plugin's zones.
func (e *External) serves(zone string) bool {
	for _, z := range e.Zones {
		if z == zone {
			return true
		}
	}
	return false
}

// newerSerial reports whether serial a is newer than b in RFC 1982 serial
// arithmetic.
func newerSerial(a, b uint32) bool { return a != b && a-b < 1<<31 }

// xfrRequest is the request a zone transfer asks the backend with: a
// question for name in zone, from no client in particular.
func xfrRequest(zone, name string) request.Request {
	r := new(dns.Msg)
	r.SetQuestion(name, dns.TypeA)
	return request.Request{W: xfrWriter{}, Req: r, Zone: zone}
}

// xfrWriter is the ResponseWriter of xfrRequest: it has unspecified
// addresses and drops what is written.
type xfrWriter struct{}

func (xfrWriter) LocalAddr() net.Addr         { return &net.TCPAddr{IP: net.IPv4zero} }
func (xfrWriter) RemoteAddr() net.Addr        { return &net.TCPAddr{IP: net.IPv4zero} }
func (xfrWriter) WriteMsg(*dns.Msg) error     { return nil }
func (xfrWriter) Write(b []byte) (int, error) { return len(b), nil }
func (xfrWriter) Close() error                { return nil }
func (xfrWriter) TsigStatus() error           { return nil }
func (xfrWriter) TsigTimersOnly(bool)         {}
func (xfrWriter) Hijack()                     {}
