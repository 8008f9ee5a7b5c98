// Package kubernetes implements the kubernetes plugin: cluster DNS that
// follows the Kubernetes DNS-Based Service Discovery specification, served
// from informer caches of Services, EndpointSlices, Pods and Namespaces.
package kubernetes

import (
	"context"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/etcd/msg"
	"github.com/coredns/coredns/plugin/kubernetes/object"
	"github.com/coredns/coredns/plugin/pkg/dnsutil"
	"github.com/coredns/coredns/plugin/pkg/fall"
	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/plugin/pkg/upstream"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

var log = clog.NewWithPlugin("kubernetes")

// Pod modes.
const (
	podModeDisabled = "disabled" // no pod records
	podModeVerified = "verified" // pod records for pods that exist
	podModeInsecure = "insecure" // pod records for any well formed name
)

// DNSSchemaVersion is the version of the Kubernetes DNS specification
// served as TXT at dns-version.<zone>.
const DNSSchemaVersion = "1.1.0"

const (
	defaultTTL            = 5
	defaultStartupTimeout = 5 * time.Second
	dnsVersionTTL         = 28800
	keyPrefix             = "coredns"
)

// Kubernetes is the kubernetes plugin.
type Kubernetes struct {
	Next     plugin.Handler
	Zones    []string
	Upstream *upstream.Upstream
	Fall     fall.F

	// Connection settings.
	APIServerList  []string
	APICertAuth    string
	APIClientCert  string
	APIClientKey   string
	KubeConfigFile string
	KubeContext    string
	APIQPS         float32
	APIBurst       int
	APIMaxInflight int

	// Namespaces limits the served namespaces when not empty.
	Namespaces map[string]struct{}

	podMode           string
	endpointNameMode  bool
	ignoreEmpty       bool
	ttl               uint32
	opts              controlOpts
	multiclusterZones []string
	startupTimeout    time.Duration

	apiConn        *controller
	localIPs       []net.IP
	autoPathSearch []string

	names atomic.Pointer[zoneNames]
	// genericOnly turns the direct answers off (tests compare both).
	genericOnly bool
}

// New returns a Kubernetes plugin for zones with the default settings.
func New(zones []string) *Kubernetes {
	return &Kubernetes{
		Zones:          zones,
		Namespaces:     map[string]struct{}{},
		podMode:        podModeDisabled,
		ttl:            defaultTTL,
		startupTimeout: defaultStartupTimeout,
		opts:           controlOpts{initEndpointsCache: true},
		Upstream:       upstream.New(),
	}
}

// Services implements plugin.ServiceBackend.
func (k *Kubernetes) Services(ctx context.Context, state request.Request, exact bool, opt plugin.Options) ([]msg.Service, error) {
	switch state.QType() {
	case dns.TypeTXT:
		if isDNSVersion(state.Name(), state.Zone) {
			return []msg.Service{{Text: DNSSchemaVersion, TTL: dnsVersionTTL, Key: msg.Path(state.QName(), keyPrefix)}}, nil
		}
		// Other names only have address records: NODATA if they exist.
		services, err := k.Records(ctx, state, false)
		if err != nil {
			return nil, err
		}
		if len(services) > 0 || k.existsWithoutRecords(state) {
			return nil, nil
		}
		return nil, errNoItems
	case dns.TypeNS:
		return k.nsServices(state.Zone, 0), nil
	}

	if isDefaultNS(state.Name(), state.Zone) {
		return k.nsServices(state.Zone, state.QType()), nil
	}
	if isDNSVersion(state.Name(), state.Zone) {
		return nil, nil
	}

	services, err := k.Records(ctx, state, false)
	if state.QType() != dns.TypeSRV {
		return services, err
	}
	// ExternalName services have no SRV records.
	internal := services[:0]
	for _, s := range services {
		if t, _ := s.HostType(); t != dns.TypeCNAME {
			internal = append(internal, s)
		}
	}
	return internal, err
}

// existsWithoutRecords reports whether a name without records of its own
// still exists (so that other types get NODATA).
func (k *Kubernetes) existsWithoutRecords(state request.Request) bool {
	r, err := parseRequest(state.Name(), state.Zone, k.isMulticlusterZone(state.Zone))
	if err != nil {
		return false
	}
	return r.podOrSvc == "" || (r.service == "" && k.namespaceExposed(r.namespace))
}

func isDefaultNS(name, zone string) bool {
	return len(name) == len(zone)+len("ns.dns.") && strings.HasPrefix(name, "ns.dns.")
}

func isDNSVersion(name, zone string) bool {
	return len(name) == len(zone)+len("dns-version.") && strings.HasPrefix(name, "dns-version.")
}

// Lookup implements plugin.ServiceBackend: names outside the cluster go
// through the server's own chain.
func (k *Kubernetes) Lookup(ctx context.Context, state request.Request, name string, typ uint16) (*dns.Msg, error) {
	return k.Upstream.Lookup(ctx, state, name, typ)
}

// IsNameError implements plugin.ServiceBackend.
func (k *Kubernetes) IsNameError(err error) bool {
	return err == errNoItems || err == errNsNotExposed || err == errInvalidRequest
}

// Serial implements plugin.ServiceBackend: the time of the last change.
func (k *Kubernetes) Serial(state request.Request) uint32 {
	if k.apiConn == nil {
		return uint32(time.Now().Unix())
	}
	return uint32(k.apiConn.Modified(false))
}

// MinTTL implements plugin.ServiceBackend.
func (k *Kubernetes) MinTTL(state request.Request) uint32 { return k.ttl }

// Records implements plugin.ServiceBackend: the services or pods that the
// name of state stands for.
func (k *Kubernetes) Records(ctx context.Context, state request.Request, exact bool) ([]msg.Service, error) {
	multicluster := k.isMulticlusterZone(state.Zone)
	r, err := parseRequest(state.Name(), state.Zone, multicluster)
	if err != nil {
		return nil, err
	}
	if r.podOrSvc == "" {
		return nil, nil
	}
	if dnsutil.IsReverse(state.Name()) > 0 {
		return nil, errNoItems
	}
	if !k.namespaceExposed(r.namespace) {
		return nil, errNsNotExposed
	}
	if r.podOrSvc == Pod {
		return k.findPods(r, state.Zone)
	}
	if multicluster {
		return k.findMultiClusterServices(r, state.Zone)
	}
	return k.findServices(r, state.Zone)
}

// namespaceExposed reports whether ns is served: configured (when the
// namespaces option is used) and existing.
func (k *Kubernetes) namespaceExposed(ns string) bool {
	if len(k.Namespaces) > 0 {
		if _, ok := k.Namespaces[ns]; !ok {
			return false
		}
	}
	return k.apiConn.namespaceExists(ns)
}

func (k *Kubernetes) isMulticlusterZone(zone string) bool {
	for _, z := range k.multiclusterZones {
		if strings.EqualFold(z, zone) {
			return true
		}
	}
	return false
}

// findPods answers ip.namespace.pod.zone per the pods mode.
func (k *Kubernetes) findPods(r recordRequest, zone string) ([]msg.Service, error) {
	if k.podMode == podModeDisabled || r.endpoint != "" || r.port != "" || r.cluster != "" {
		return nil, errNoItems
	}
	if r.service == "" {
		return nil, nil // the namespace exists: NODATA
	}
	podname := r.service
	var ip string
	if strings.Count(podname, "-") == 3 && !strings.Contains(podname, "--") {
		ip = strings.ReplaceAll(podname, "-", ".")
	} else {
		ip = strings.ReplaceAll(podname, "-", ":")
	}
	parsed := net.ParseIP(ip)
	if parsed == nil {
		return nil, errNoItems
	}
	key := msg.Path(zone, keyPrefix) + "/" + Pod + "/" + r.namespace + "/" + podname

	if k.podMode == podModeInsecure {
		return []msg.Service{{Key: key, Host: ip, TTL: k.ttl}}, nil
	}
	canonical := parsed.String()
	for _, p := range k.apiConn.podsByIP(canonical) {
		if p.Namespace == r.namespace {
			return []msg.Service{{Key: key, Host: canonical, TTL: k.ttl}}, nil
		}
	}
	return nil, errNoItems
}

// svcKey returns the backend key of a service name below zonePath, with
// more labels (endpoint, port) appended.
func svcKey(zonePath, namespace, name string, more ...string) string {
	n := len(zonePath) + len(Svc) + len(namespace) + len(name) + 3
	for _, m := range more {
		n += len(m) + 1
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(zonePath)
	b.WriteString("/" + Svc + "/")
	b.WriteString(namespace)
	b.WriteByte('/')
	b.WriteString(name)
	for _, m := range more {
		b.WriteByte('/')
		b.WriteString(m)
	}
	return b.String()
}

// endpointHostname is the first label of an endpoint's name: its hostname,
// its pod's name (endpoint_pod_names), or its address with dashes.
func endpointHostname(ep *object.Endpoint, podNames bool) string {
	if ep.Hostname != "" {
		return ep.Hostname
	}
	if podNames && ep.TargetRefName != "" {
		return ep.TargetRefName
	}
	if strings.IndexByte(ep.IP, ':') >= 0 {
		return strings.ReplaceAll(ep.IP, ":", "-")
	}
	return strings.ReplaceAll(ep.IP, ".", "-")
}
