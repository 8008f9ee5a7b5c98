package azure

import (
	"context"
	"net"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/dns/armdns"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/privatedns/armprivatedns"
	"github.com/miekg/dns"
)

// publicAPI is the part of the Azure public DNS API the plugin uses.
type publicAPI interface {
	zoneExists(ctx context.Context, resourceGroup, zone string) error
	recordSets(ctx context.Context, resourceGroup, zone string) ([]*armdns.RecordSet, error)
}

// privateAPI is the part of the Azure private DNS API the plugin uses.
type privateAPI interface {
	zoneExists(ctx context.Context, resourceGroup, zone string) error
	recordSets(ctx context.Context, resourceGroup, zone string) ([]*armprivatedns.RecordSet, error)
}

// publicClient implements publicAPI with the Azure SDK.
type publicClient struct {
	zones *armdns.ZonesClient
	sets  *armdns.RecordSetsClient
}

func (c publicClient) zoneExists(ctx context.Context, resourceGroup, zone string) error {
	_, err := c.zones.Get(ctx, resourceGroup, zone, nil)
	return err
}

func (c publicClient) recordSets(ctx context.Context, resourceGroup, zone string) ([]*armdns.RecordSet, error) {
	var sets []*armdns.RecordSet
	pager := c.sets.NewListAllByDNSZonePager(resourceGroup, zone, nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		sets = append(sets, page.Value...)
	}
	return sets, nil
}

// privateClient implements privateAPI with the Azure SDK.
type privateClient struct {
	zones *armprivatedns.PrivateZonesClient
	sets  *armprivatedns.RecordSetsClient
}

func (c privateClient) zoneExists(ctx context.Context, resourceGroup, zone string) error {
	_, err := c.zones.Get(ctx, resourceGroup, zone, nil)
	return err
}

func (c privateClient) recordSets(ctx context.Context, resourceGroup, zone string) ([]*armprivatedns.RecordSet, error) {
	var sets []*armprivatedns.RecordSet
	pager := c.sets.NewListPager(resourceGroup, zone, nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		sets = append(sets, page.Value...)
	}
	return sets, nil
}

// publicRRs converts a record set of a public zone named zone (fully
// qualified) to DNS records. Types the plugin does not serve are skipped.
func publicRRs(s *armdns.RecordSet, zone string) []dns.RR {
	if s == nil || s.Properties == nil {
		return nil
	}
	p := s.Properties
	h := header(owner(p.Fqdn, s.Name, zone), p.TTL)
	var rrs []dns.RR
	for _, r := range p.ARecords {
		if r != nil {
			rrs = appendA(rrs, h, str(r.IPv4Address))
		}
	}
	for _, r := range p.AaaaRecords {
		if r != nil {
			rrs = appendAAAA(rrs, h, str(r.IPv6Address))
		}
	}
	if r := p.CnameRecord; r != nil && r.Cname != nil {
		rrs = append(rrs, &dns.CNAME{Hdr: h.as(dns.TypeCNAME), Target: dns.Fqdn(*r.Cname)})
	}
	for _, r := range p.MxRecords {
		if r != nil && r.Exchange != nil {
			rrs = append(rrs, &dns.MX{Hdr: h.as(dns.TypeMX), Preference: uint16(i32(r.Preference)), Mx: dns.Fqdn(*r.Exchange)})
		}
	}
	for _, r := range p.NsRecords {
		if r != nil && r.Nsdname != nil {
			rrs = append(rrs, &dns.NS{Hdr: h.as(dns.TypeNS), Ns: dns.Fqdn(*r.Nsdname)})
		}
	}
	for _, r := range p.PtrRecords {
		if r != nil && r.Ptrdname != nil {
			rrs = append(rrs, &dns.PTR{Hdr: h.as(dns.TypePTR), Ptr: dns.Fqdn(*r.Ptrdname)})
		}
	}
	if r := p.SoaRecord; r != nil {
		rrs = appendSOA(rrs, h, str(r.Host), str(r.Email), r.SerialNumber, r.RefreshTime, r.RetryTime, r.ExpireTime, r.MinimumTTL)
	}
	for _, r := range p.SrvRecords {
		if r != nil && r.Target != nil {
			rrs = append(rrs, &dns.SRV{Hdr: h.as(dns.TypeSRV), Priority: uint16(i32(r.Priority)), Weight: uint16(i32(r.Weight)), Port: uint16(i32(r.Port)), Target: dns.Fqdn(*r.Target)})
		}
	}
	for _, r := range p.TxtRecords {
		if r != nil {
			rrs = appendTXT(rrs, h, r.Value)
		}
	}
	return rrs
}

// privateRRs converts a record set of a private zone named zone (fully
// qualified) to DNS records. Private zones hold no delegations.
func privateRRs(s *armprivatedns.RecordSet, zone string) []dns.RR {
	if s == nil || s.Properties == nil {
		return nil
	}
	p := s.Properties
	h := header(owner(p.Fqdn, s.Name, zone), p.TTL)
	var rrs []dns.RR
	for _, r := range p.ARecords {
		if r != nil {
			rrs = appendA(rrs, h, str(r.IPv4Address))
		}
	}
	for _, r := range p.AaaaRecords {
		if r != nil {
			rrs = appendAAAA(rrs, h, str(r.IPv6Address))
		}
	}
	if r := p.CnameRecord; r != nil && r.Cname != nil {
		rrs = append(rrs, &dns.CNAME{Hdr: h.as(dns.TypeCNAME), Target: dns.Fqdn(*r.Cname)})
	}
	for _, r := range p.MxRecords {
		if r != nil && r.Exchange != nil {
			rrs = append(rrs, &dns.MX{Hdr: h.as(dns.TypeMX), Preference: uint16(i32(r.Preference)), Mx: dns.Fqdn(*r.Exchange)})
		}
	}
	for _, r := range p.PtrRecords {
		if r != nil && r.Ptrdname != nil {
			rrs = append(rrs, &dns.PTR{Hdr: h.as(dns.TypePTR), Ptr: dns.Fqdn(*r.Ptrdname)})
		}
	}
	if r := p.SoaRecord; r != nil {
		rrs = appendSOA(rrs, h, str(r.Host), str(r.Email), r.SerialNumber, r.RefreshTime, r.RetryTime, r.ExpireTime, r.MinimumTTL)
	}
	for _, r := range p.SrvRecords {
		if r != nil && r.Target != nil {
			rrs = append(rrs, &dns.SRV{Hdr: h.as(dns.TypeSRV), Priority: uint16(i32(r.Priority)), Weight: uint16(i32(r.Weight)), Port: uint16(i32(r.Port)), Target: dns.Fqdn(*r.Target)})
		}
	}
	for _, r := range p.TxtRecords {
		if r != nil {
			rrs = appendTXT(rrs, h, r.Value)
		}
	}
	return rrs
}

// hdr is the owner and TTL shared by the records of one record set.
type hdr struct {
	name string
	ttl  uint32
}

func (h hdr) as(t uint16) dns.RR_Header {
	return dns.RR_Header{Name: h.name, Rrtype: t, Class: dns.ClassINET, Ttl: h.ttl}
}

func header(name string, ttl *int64) hdr {
	t := int64(0)
	if ttl != nil {
		t = *ttl
	}
	if t < 0 {
		t = 0
	}
	if t > 1<<31-1 {
		t = 1<<31 - 1
	}
	return hdr{name: name, ttl: uint32(t)}
}

// owner is the owner name of a record set: its FQDN when Azure gives one,
// else its relative name (where "@" is the apex) joined to zone.
func owner(fqdn, name *string, zone string) string {
	if fqdn != nil && *fqdn != "" {
		return dns.Fqdn(*fqdn)
	}
	if name == nil || *name == "" || *name == "@" {
		return zone
	}
	return dns.Fqdn(*name) + zone
}

func appendA(rrs []dns.RR, h hdr, addr string) []dns.RR {
	ip := net.ParseIP(addr)
	if ip == nil || ip.To4() == nil {
		return rrs
	}
	return append(rrs, &dns.A{Hdr: h.as(dns.TypeA), A: ip.To4()})
}

func appendAAAA(rrs []dns.RR, h hdr, addr string) []dns.RR {
	ip := net.ParseIP(addr)
	if ip == nil || ip.To4() != nil {
		return rrs
	}
	return append(rrs, &dns.AAAA{Hdr: h.as(dns.TypeAAAA), AAAA: ip})
}

func appendSOA(rrs []dns.RR, h hdr, host, email string, serial, refresh, retry, expire, minttl *int64) []dns.RR {
	if host == "" || email == "" {
		return rrs
	}
	return append(rrs, &dns.SOA{
		Hdr:     h.as(dns.TypeSOA),
		Ns:      dns.Fqdn(host),
		Mbox:    dns.Fqdn(email),
		Serial:  u32(serial),
		Refresh: u32(refresh),
		Retry:   u32(retry),
		Expire:  u32(expire),
		Minttl:  u32(minttl),
	})
}

func appendTXT(rrs []dns.RR, h hdr, values []*string) []dns.RR {
	txt := make([]string, 0, len(values))
	for _, v := range values {
		if v != nil {
			txt = append(txt, *v)
		}
	}
	if len(txt) == 0 {
		return rrs
	}
	return append(rrs, &dns.TXT{Hdr: h.as(dns.TypeTXT), Txt: txt})
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func i32(v *int32) int32 {
	if v == nil {
		return 0
	}
	return *v
}

func u32(v *int64) uint32 {
	if v == nil || *v < 0 {
		return 0
	}
	return uint32(*v)
}
