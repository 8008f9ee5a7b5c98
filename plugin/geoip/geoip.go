// Package geoip implements a plugin that looks the client's address up in a
// MaxMind DB (.mmdb) file and publishes what it finds (city, country,
// continent, location, autonomous system) as metadata.
package geoip

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/coredns/coredns/plugin"
	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
	"github.com/oschwald/geoip2-golang/v2"
)

var log = clog.NewWithPlugin("geoip")

// Schemas a database can answer, as bits of GeoIP.provides.
const (
	schemaCity = 1 << iota // city, country, continent, location, subdivisions
	schemaASN              // autonomous system number and organisation
)

// probeAddr is looked up once at start-up to learn which schemas the
// database answers; the reader refuses a lookup the database type lacks.
var probeAddr = netip.MustParseAddr("127.0.0.1")

// GeoIP is a metadata provider backed by one MaxMind DB. It answers no
// queries itself.
type GeoIP struct {
	Next plugin.Handler

	db         *geoip2.Reader
	provides   int  // schemaCity and/or schemaASN
	ednsSubnet bool // look up the EDNS0 client subnet address when present
}

// newGeoIP opens the database at path and learns its schemas.
func newGeoIP(path string, ednsSubnet bool) (*GeoIP, error) {
	db, err := geoip2.Open(path)
	if err != nil {
		return nil, fmt.Errorf("failed to open database file %q: %w", path, err)
	}
	g := &GeoIP{db: db, ednsSubnet: ednsSubnet}

	probes := []struct {
		schema int
		name   string
		lookup func() error
	}{
		{schemaCity, "city", func() error { _, err := db.City(probeAddr); return err }},
		{schemaASN, "asn", func() error { _, err := db.ASN(probeAddr); return err }},
	}
	for _, p := range probes {
		err := p.lookup()
		if err == nil {
			g.provides |= p.schema
			continue
		}
		var invalid geoip2.InvalidMethodError
		if !errors.As(err, &invalid) {
			db.Close()
			return nil, fmt.Errorf("database %q: %s lookup failed: %w", path, p.name, err)
		}
	}
	if g.provides == 0 {
		db.Close()
		return nil, fmt.Errorf("database %q of type %q provides neither the city nor the asn schema", path, db.Metadata().DatabaseType)
	}
	return g, nil
}

// Close releases the database.
func (g *GeoIP) Close() error { return g.db.Close() }

// ServeDNS implements plugin.Handler; the query is passed on untouched.
func (g *GeoIP) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	return plugin.NextOrFailure(g.Name(), g.Next, ctx, w, r)
}

// Name implements plugin.Handler.
func (g *GeoIP) Name() string { return "geoip" }

// Metadata implements metadata.Provider. It registers the labels of the
// database's schemas; the lookup itself happens once, when the first of
// them is read.
func (g *GeoIP) Metadata(ctx context.Context, state request.Request) context.Context {
	l := &lookup{db: g.db, addr: g.address(state)}
	if g.provides&schemaCity != 0 {
		l.setCityLabels(ctx)
	}
	if g.provides&schemaASN != 0 {
		l.setASNLabels(ctx)
	}
	return ctx
}

// address returns the address to look up: the client's, or, with
// edns-subnet, the address of the query's client subnet option if it has one.
func (g *GeoIP) address(state request.Request) netip.Addr {
	if g.ednsSubnet {
		if opt := state.Req.IsEdns0(); opt != nil {
			for _, o := range opt.Option {
				if e, ok := o.(*dns.EDNS0_SUBNET); ok {
					if a, ok := netip.AddrFromSlice(e.Address); ok {
						return a.Unmap()
					}
					break
				}
			}
		}
	}
	return remoteAddr(state.W)
}

// remoteAddr is the client's address without the string round trip of
// request.IP when the transport gives a net.UDPAddr or net.TCPAddr.
func remoteAddr(w dns.ResponseWriter) netip.Addr {
	var ip net.IP
	switch a := w.RemoteAddr().(type) {
	case *net.UDPAddr:
		ip = a.IP
	case *net.TCPAddr:
		ip = a.IP
	default:
		st := request.Request{W: w}
		addr, _ := netip.ParseAddr(st.IP())
		return addr.Unmap()
	}
	addr, _ := netip.AddrFromSlice(ip)
	return addr.Unmap()
}
