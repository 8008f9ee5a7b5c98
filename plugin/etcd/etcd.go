// Package etcd implements the etcd plugin: SkyDNS-style service discovery
// from the keys of an etcd (v3) cluster.
package etcd

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/etcd/msg"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/pkg/upstream"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
	"go.etcd.io/etcd/api/v3/mvccpb"
	etcdcv3 "go.etcd.io/etcd/client/v3"
)

const (
	priority    = 10              // priority of services that set none
	ttl         = 300             // TTL of services that set none
	minTTL      = 30              // SOA minimum TTL of the zones
	etcdTimeout = 5 * time.Second // bound on one etcd request
)

var errKeyNotFound = errors.New("key not found")

// KV is the part of the etcd client the plugin uses: a Get of one key, or of
// every key under a prefix with etcdcv3.WithPrefix(). *etcdcv3.Client
// implements it; tests use a fake.
type KV interface {
	Get(ctx context.Context, key string, opts ...etcdcv3.OpOption) (*etcdcv3.GetResponse, error)
}

// Etcd is the etcd plugin. It implements plugin.Handler and
// plugin.ServiceBackend.
type Etcd struct {
	Next       plugin.Handler
	Fall       fall.F
	Zones      []string
	PathPrefix string
	Upstream   *upstream.Upstream
	Client     KV

	endpoints []string // for the record; the client holds the real list
}

// Services implements plugin.ServiceBackend: the services under the question
// name, filtered by group.
func (e *Etcd) Services(ctx context.Context, state request.Request, exact bool, _ plugin.Options) ([]msg.Service, error) {
	services, err := e.Records(ctx, state, exact)
	if err != nil {
		return nil, err
	}
	return msg.Group(services), nil
}

// Reverse implements plugin.ServiceBackend; reverse names are stored like
// any other name.
func (e *Etcd) Reverse(ctx context.Context, state request.Request, exact bool, opt plugin.Options) ([]msg.Service, error) {
	return e.Services(ctx, state, exact, opt)
}

// Lookup implements plugin.ServiceBackend by asking the server itself.
func (e *Etcd) Lookup(ctx context.Context, state request.Request, name string, typ uint16) (*dns.Msg, error) {
	return e.Upstream.Lookup(ctx, state, name, typ)
}

// IsNameError implements plugin.ServiceBackend.
func (e *Etcd) IsNameError(err error) bool { return errors.Is(err, errKeyNotFound) }

// Serial implements plugin.ServiceBackend: the current Unix time.
func (e *Etcd) Serial(state request.Request) uint32 { return uint32(time.Now().Unix()) }

// MinTTL implements plugin.ServiceBackend.
func (e *Etcd) MinTTL(state request.Request) uint32 { return minTTL }

// Records implements plugin.ServiceBackend: the services stored at the key of
// the question name and, unless exact, everywhere below it. A "*" or "any"
// label matches any single label.
func (e *Etcd) Records(ctx context.Context, state request.Request, exact bool) ([]msg.Service, error) {
	name := state.Name()
	key, star := msg.PathWithWildcard(name, e.PathPrefix)
	kvs, err := e.get(ctx, key, !exact)
	if err != nil {
		return nil, err
	}
	var segments []string
	if star {
		segments = strings.Split(msg.Path(name, e.PathPrefix), "/")
	}
	return e.loopNodes(kvs, segments, state.QType())
}

// get fetches key, or with recursive every key below key/ (falling back to
// key itself when nothing is below it). No key at all is errKeyNotFound.
func (e *Etcd) get(ctx context.Context, key string, recursive bool) ([]*mvccpb.KeyValue, error) {
	ctx, cancel := context.WithTimeout(ctx, etcdTimeout)
	defer cancel()
	if recursive {
		prefix := key
		if !strings.HasSuffix(prefix, "/") {
			prefix += "/"
		}
		r, err := e.Client.Get(ctx, prefix, etcdcv3.WithPrefix())
		if err != nil {
			return nil, err
		}
		if len(r.Kvs) > 0 {
			return r.Kvs, nil
		}
		key = strings.TrimSuffix(prefix, "/")
	}
	r, err := e.Client.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	if len(r.Kvs) == 0 {
		return nil, errKeyNotFound
	}
	return r.Kvs, nil
}

// loopNodes decodes the services in kvs. With segments (the key of a
// wildcard name, split on "/") only keys matching it label by label are kept.
// Services useless for qtype are left out: those without text for TXT, and
// those without a host for everything else.
func (e *Etcd) loopNodes(kvs []*mvccpb.KeyValue, segments []string, qtype uint16) ([]msg.Service, error) {
	var sx []msg.Service
	for _, kv := range kvs {
		if segments != nil && !wildcardMatch(string(kv.Key), segments) {
			continue
		}
		var serv msg.Service
		if err := json.Unmarshal(kv.Value, &serv); err != nil {
			return nil, &keyError{key: string(kv.Key), err: err}
		}
		serv.Key = string(kv.Key)
		serv.TTL = e.TTL(kv, &serv)
		if serv.Priority == 0 {
			serv.Priority = priority
		}
		if qtype == dns.TypeTXT && serv.Text == "" || qtype != dns.TypeTXT && serv.Host == "" {
			continue
		}
		sx = append(sx, serv)
	}
	return sx, nil
}

// wildcardMatch reports whether key matches the wildcard key segments: every
// segment is "*", "any", or equal to the key's element at that position.
func wildcardMatch(key string, segments []string) bool {
	for i, seg := range segments {
		elem, rest, found := strings.Cut(key, "/")
		if !found && i < len(segments)-1 {
			return false
		}
		key = rest
		if seg == "*" || seg == "any" {
			continue
		}
		if elem != seg {
			return false
		}
	}
	return true
}

// TTL returns the TTL of serv read from kv: the smaller of the key's lease
// and the service's own TTL, whichever are set, and 300 when neither is.
// Like CoreDNS it takes the lease ID (truncated) as the lease's TTL.
func (e *Etcd) TTL(kv *mvccpb.KeyValue, serv *msg.Service) uint32 {
	lease := uint32(kv.Lease)
	switch {
	case lease == 0 && serv.TTL == 0:
		return ttl
	case lease == 0:
		return serv.TTL
	case serv.TTL == 0:
		return lease
	}
	return min(lease, serv.TTL)
}

// keyError is a value that is not a valid service.
type keyError struct {
	key string
	err error
}

func (k *keyError) Error() string { return k.key + ": " + k.err.Error() }
func (k *keyError) Unwrap() error { return k.err }
