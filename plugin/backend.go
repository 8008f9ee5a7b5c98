package plugin

import (
	"context"

	"github.com/coredns/coredns/plugin/etcd/msg"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// ServiceBackend is a source of msg.Service entries, such as etcd or
// kubernetes. The helpers A, AAAA, SRV, MX, CNAME, TXT, PTR, NS and SOA build
// DNS answers from what it returns.
type ServiceBackend interface {
	// Services returns the services matching the question of state. With
	// exact only the name itself matches, otherwise also names below it.
	Services(ctx context.Context, state request.Request, exact bool, opt Options) ([]msg.Service, error)

	// Reverse returns the services for a reverse (PTR) question.
	Reverse(ctx context.Context, state request.Request, exact bool, opt Options) ([]msg.Service, error)

	// Lookup resolves name/typ elsewhere, typically through an upstream, for
	// targets outside the backend's zones.
	Lookup(ctx context.Context, state request.Request, name string, typ uint16) (*dns.Msg, error)

	// Records returns the raw services stored under the question's name.
	Records(ctx context.Context, state request.Request, exact bool) ([]msg.Service, error)

	// IsNameError reports whether err means the name does not exist.
	IsNameError(err error) bool

	// Serial returns the SOA serial of the zone.
	Serial(state request.Request) uint32

	// MinTTL returns the SOA minimum TTL of the zone.
	MinTTL(state request.Request) uint32
}

// Options are extra settings passed to a ServiceBackend; it has none yet.
type Options struct{}
