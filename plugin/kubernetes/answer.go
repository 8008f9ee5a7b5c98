package kubernetes

import (
	"math"
	"net/netip"
	"strings"

	"github.com/coredns/coredns/plugin/kubernetes/object"
	"github.com/coredns/coredns/plugin/pkg/dnsutil"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// The direct answers: the common questions (addresses of services and
// pods, SRV of services, PTR of IPv4 addresses) answered straight from the
// stored objects, without going through msg.Service values and the generic
// backend helpers. Each returns ok false for whatever it does not cover
// (ExternalName services, multicluster zones, the zone apex, special
// names, odd addresses), which the generic path then answers; what they do
// answer is exactly what the generic path would.

// maxAddrs is how many addresses are collected without allocating.
const maxAddrs = 8

// svcQuery is a query for a name below svc.<zone> that the direct answers
// handle, with the service it names.
type svcQuery struct {
	r   recordRequest
	svc *object.Service
}

// directRequest parses the name of state for the direct answers. Besides
// ok, err carries the name errors found on the way.
func (k *Kubernetes) directRequest(state request.Request, zone string) (r recordRequest, err error, ok bool) {
	name := state.Name()
	if len(name) <= len(zone) || len(k.multiclusterZones) > 0 && k.isMulticlusterZone(zone) {
		return r, nil, false
	}
	if isDefaultNS(name, zone) || isDNSVersion(name, zone) || dnsutil.IsReverse(name) > 0 {
		return r, nil, false
	}
	r, err = parseRequest(name, zone, false)
	if err != nil {
		return r, err, true
	}
	if r.podOrSvc == "" {
		return r, nil, true
	}
	if !k.namespaceExposed(r.namespace) {
		return r, errNsNotExposed, true
	}
	return r, nil, true
}

// directAddress answers A and AAAA questions.
func (k *Kubernetes) directAddress(state request.Request, zone string, v6 bool) (records []dns.RR, err error, ok bool) {
	r, err, ok := k.directRequest(state, zone)
	if !ok || err != nil || r.podOrSvc == "" {
		return nil, err, ok
	}
	if r.podOrSvc == Pod {
		return k.directPod(state, r, v6)
	}
	if r.service == "" {
		return nil, nil, true
	}
	svc := k.apiConn.service(object.Key{Namespace: r.namespace, Name: r.service})
	if svc == nil {
		return nil, errNoItems, true
	}
	if svc.IsExternalName() {
		return nil, nil, false
	}
	if k.ignoreEmpty && !svc.Headless && !k.hasReadyEndpoints(svc) {
		return nil, errNoItems, true
	}

	var (
		buf  [maxAddrs]netip.Addr
		seen smallSet[string]
	)
	addrs := buf[:0]
	matched := false
	// add takes a host of the generic path's answer, which drops repeated
	// hosts and those of the other family.
	add := func(host string) bool {
		if !seen.add(host) {
			return true
		}
		ip, valid := parseHost(host)
		if !valid {
			return false
		}
		if isV4(ip) != v6 {
			addrs = append(addrs, ip)
		}
		return true
	}

	if svc.Headless || r.endpoint != "" {
		for _, es := range k.apiConn.slices(svc.ObjectKey()) {
			ports := matchingPorts(es.Ports, r)
			if ports == 0 {
				continue
			}
			for i := range es.Endpoints {
				ep := &es.Endpoints[i]
				if r.endpoint != "" && !match(r.endpoint, endpointHostname(ep, k.endpointNameMode)) {
					continue
				}
				matched = true
				if !add(ep.IP) {
					return nil, nil, false
				}
			}
		}
	} else if matchingPorts(svc.Ports, r) > 0 {
		matched = true
		for _, ip := range svc.ClusterIPs {
			if !add(ip) {
				return nil, nil, false
			}
		}
	}
	if !matched {
		return nil, errNoItems, true
	}
	return addressRecords(state.QName(), k.ttl, addrs, v6), nil, true
}

// matchingPorts counts the ports that the port and protocol of r select.
func matchingPorts(ports []object.Port, r recordRequest) int {
	if r.port == "" && r.protocol == "" {
		return len(ports)
	}
	n := 0
	for _, p := range ports {
		if matchPortAndProtocol(r.port, p.Name, r.protocol, p.Protocol) {
			n++
		}
	}
	return n
}

// directPod answers addresses of pods named a-b-c-d (IPv4); other pod
// names are left to the generic path.
func (k *Kubernetes) directPod(state request.Request, r recordRequest, v6 bool) (records []dns.RR, err error, ok bool) {
	if k.podMode == podModeDisabled || r.endpoint != "" || r.port != "" || r.cluster != "" {
		return nil, errNoItems, true
	}
	if r.service == "" {
		return nil, nil, true
	}
	var dotted [15]byte
	ip, n, valid := dashedIPv4(r.service, &dotted)
	if !valid {
		return nil, nil, false
	}
	if k.podMode != podModeInsecure && !k.apiConn.podInNamespace(dotted[:n], r.namespace) {
		return nil, errNoItems, true
	}
	if v6 {
		return nil, nil, true // the address is IPv4: NODATA
	}
	return addressRecords(state.QName(), k.ttl, []netip.Addr{ip}, false), nil, true
}

// dashedIPv4 parses a-b-c-d strictly (decimal octets without leading
// zeros, as net.ParseIP takes them) and writes its dotted form to dotted.
func dashedIPv4(s string, dotted *[15]byte) (ip netip.Addr, n int, ok bool) {
	var octets [4]byte
	part, start := 0, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '-' {
			if s[i] < '0' || s[i] > '9' || i-start >= 3 {
				return ip, 0, false
			}
			continue
		}
		if part == 4 || i == start || (i-start > 1 && s[start] == '0') {
			return ip, 0, false
		}
		v := 0
		for _, c := range []byte(s[start:i]) {
			v = v*10 + int(c-'0')
		}
		if v > 255 {
			return ip, 0, false
		}
		octets[part] = byte(v)
		part++
		start = i + 1
	}
	if part != 4 || len(s) > len(dotted) {
		return ip, 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '-' {
			c = '.'
		}
		dotted[i] = c
	}
	return netip.AddrFrom4(octets), len(s), true
}

// directSRV answers SRV questions for services (not ExternalName).
func (k *Kubernetes) directSRV(state request.Request, zone string) (records, extra []dns.RR, err error, ok bool) {
	if strings.IndexByte(zone, '/') >= 0 {
		return nil, nil, nil, false // the generic path's keys would split it
	}
	r, err, ok := k.directRequest(state, zone)
	if !ok || err != nil || r.podOrSvc == "" {
		return nil, nil, err, ok
	}
	if r.podOrSvc != Svc {
		return nil, nil, nil, false
	}
	if r.service == "" {
		return nil, nil, nil, true
	}
	svc := k.apiConn.service(object.Key{Namespace: r.namespace, Name: r.service})
	if svc == nil {
		return nil, nil, errNoItems, true
	}
	if svc.IsExternalName() {
		return nil, nil, nil, false
	}
	if k.ignoreEmpty && !svc.Headless && !k.hasReadyEndpoints(svc) {
		return nil, nil, errNoItems, true
	}
	s := srvAnswer{qname: state.QName(), ttl: k.ttl, zone: zone, svc: svc}
	if svc.Headless || r.endpoint != "" {
		slices := k.apiConn.slices(svc.ObjectKey())
		total := 0
		for _, es := range slices {
			if ports := matchingPorts(es.Ports, r); ports > 0 {
				for i := range es.Endpoints {
					ep := &es.Endpoints[i]
					if r.endpoint != "" && !match(r.endpoint, endpointHostname(ep, k.endpointNameMode)) {
						continue
					}
					// The generic path drops hosts that are no address
					// before it counts: leave those answers to it.
					if _, valid := parseHost(ep.IP); !valid {
						return nil, nil, nil, false
					}
					total += ports
				}
			}
		}
		if total == 0 {
			return nil, nil, errNoItems, true
		}
		s.setWeight(total)
		s.records, s.extra = make([]dns.RR, 0, total), make([]dns.RR, 0, total)
		for _, es := range slices {
			for i := range es.Endpoints {
				ep := &es.Endpoints[i]
				host := endpointHostname(ep, k.endpointNameMode)
				if r.endpoint != "" && !match(r.endpoint, host) {
					continue
				}
				target := ""
				for _, p := range es.Ports {
					if !matchPortAndProtocol(r.port, p.Name, r.protocol, p.Protocol) || p.Port == -1 {
						continue
					}
					if target == "" {
						target = joinName(zone, host, svc.Name, svc.Namespace, Svc)
					}
					if !s.add(target, ep.IP, p.Port) {
						return nil, nil, nil, false
					}
				}
			}
		}
		return s.records, s.extra, nil, true
	}

	ports := matchingPorts(svc.Ports, r)
	if ports == 0 {
		return nil, nil, errNoItems, true
	}
	if len(svc.ClusterIPs) == 0 {
		return nil, nil, nil, true
	}
	for _, ip := range svc.ClusterIPs {
		if _, valid := parseHost(ip); !valid {
			return nil, nil, nil, false
		}
	}
	s.setWeight(ports * len(svc.ClusterIPs))
	s.records, s.extra = make([]dns.RR, 0, ports), make([]dns.RR, 0, len(svc.ClusterIPs))
	target := ""
	for _, p := range svc.Ports {
		if !matchPortAndProtocol(r.port, p.Name, r.protocol, p.Protocol) || p.Port == -1 {
			continue
		}
		if target == "" {
			target = joinName(zone, svc.Name, svc.Namespace, Svc)
		}
		for _, ip := range svc.ClusterIPs {
			if !s.add(target, ip, p.Port) {
				return nil, nil, nil, false
			}
		}
	}
	return s.records, s.extra, nil, true
}

// srvAnswer collects the SRV records and their target addresses.
type srvAnswer struct {
	qname  string
	ttl    uint32
	zone   string
	svc    *object.Service
	weight uint16

	records, extra []dns.RR
	added          smallSet[srvKey]
}

type srvKey struct {
	target string
	port   int32
	addr   string
}

// setWeight spreads a weight of about 100 over n records, as the generic
// SRV answer does (every record has priority 0 and weight 100).
func (s *srvAnswer) setWeight(n int) {
	w := uint16(math.Floor(100.0 / float64(100*n) * 100))
	if w == 0 {
		w = 1
	}
	s.weight = w
}

// seen records k and reports whether it was there already.
func (s *srvAnswer) seen(k srvKey) bool { return !s.added.add(k) }

// add adds an SRV record for target and port, and target's address; it
// reports false for an address that does not parse.
func (s *srvAnswer) add(target, addr string, port int32) bool {
	ip, valid := parseHost(addr)
	if !valid {
		return false
	}
	if !s.seen(srvKey{target: target, port: port}) {
		s.records = append(s.records, &dns.SRV{
			Hdr:    dns.RR_Header{Name: s.qname, Rrtype: dns.TypeSRV, Class: dns.ClassINET, Ttl: s.ttl},
			Weight: s.weight, Port: uint16(port), Target: target,
		})
	}
	if !s.seen(srvKey{target: target, addr: addr}) {
		s.extra = append(s.extra, addressRecordFor(target, s.ttl, ip))
	}
	return true
}

// directPTR answers PTR questions for IPv4 addresses.
func (k *Kubernetes) directPTR(state request.Request) (records []dns.RR, err error, ok bool) {
	var dotted [15]byte
	n, valid := reverseIPv4(state.Name(), &dotted)
	if !valid {
		return nil, nil, false
	}
	ip := dotted[:n]
	zone := k.zoneNames().primary
	qname := state.QName()
	var seen smallSet[string]
	add := func(target string) {
		if seen.add(target) {
			records = append(records, &dns.PTR{Hdr: dns.RR_Header{Name: qname, Rrtype: dns.TypePTR, Class: dns.ClassINET, Ttl: k.ttl}, Ptr: target})
		}
	}
	for _, svc := range k.apiConn.servicesByIPBytes(ip) {
		if k.namespaceExposed(svc.Namespace) {
			add(joinName(zone, svc.Name, svc.Namespace, Svc))
		}
	}
	for _, es := range k.apiConn.slicesByIPBytes(ip) {
		if !k.namespaceExposed(es.Namespace) {
			continue
		}
		for i := range es.Endpoints {
			ep := &es.Endpoints[i]
			if ep.IP != string(ip) {
				continue
			}
			add(joinName(zone, endpointHostname(ep, k.endpointNameMode), es.Service, es.Namespace, Svc))
		}
	}
	if len(records) == 0 {
		return nil, errNoItems, true
	}
	return records, nil, true
}

// reverseIPv4 parses d.c.b.a.in-addr.arpa. (lower case) strictly and
// writes a.b.c.d to dotted.
func reverseIPv4(name string, dotted *[15]byte) (int, bool) {
	const suffix = ".in-addr.arpa."
	if !strings.HasSuffix(name, suffix) {
		return 0, false
	}
	s := name[:len(name)-len(suffix)]
	var labels [4]string
	for i := 3; i >= 0; i-- {
		j := strings.IndexByte(s, '.')
		if i == 0 {
			if j >= 0 {
				return 0, false
			}
			labels[0] = s
			break
		}
		if j < 0 {
			return 0, false
		}
		labels[i], s = s[:j], s[j+1:]
	}
	n := 0
	for i, l := range labels {
		if l == "" || len(l) > 3 || (len(l) > 1 && l[0] == '0') {
			return 0, false
		}
		v := 0
		for j := 0; j < len(l); j++ {
			if l[j] < '0' || l[j] > '9' {
				return 0, false
			}
			v = v*10 + int(l[j]-'0')
		}
		if v > 255 {
			return 0, false
		}
		if i > 0 {
			dotted[n] = '.'
			n++
		}
		n += copy(dotted[n:], l)
	}
	return n, true
}
