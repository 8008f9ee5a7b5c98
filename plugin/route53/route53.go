// Package route53 implements a plugin that serves zones held in AWS Route 53
// hosted zones.
package route53

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/file"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/pkg/upstream"
	"github.com/coredns/coredns/request"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/miekg/dns"
)

// aliasTTL is the TTL given to alias record sets, which carry none of their
// own in the Route 53 API.
const aliasTTL = 300

// Client is the part of the Route 53 API the plugin uses; *route53.Client
// implements it.
type Client interface {
	route53.ListResourceRecordSetsAPIClient
	ListHostedZonesByName(ctx context.Context, in *route53.ListHostedZonesByNameInput, opts ...func(*route53.Options)) (*route53.ListHostedZonesByNameOutput, error)
}

// Route53 is the route53 plugin: it answers from copies of hosted zones that
// it refreshes in the background.
type Route53 struct {
	Next plugin.Handler
	Fall fall.F

	zoneNames []string
	client    Client
	upstream  *upstream.Upstream
	refresh   time.Duration

	ids map[string][]string // hosted zone IDs by zone name, in Corefile order

	// zones holds the current copies, parallel to ids. A slice stored here
	// is never modified: updates store a new one.
	mu    sync.RWMutex
	zones map[string][]*file.Zone
}

// New returns a Route53 for keys (zone name to hosted zone IDs), after
// checking with the API that every hosted zone exists. Zone names in keys are
// fully qualified and lowercase.
func New(ctx context.Context, c Client, keys map[string][]string, names []string, refresh time.Duration) (*Route53, error) {
	zones := make(map[string][]*file.Zone, len(keys))
	for _, name := range names {
		for _, id := range keys[name] {
			in := &route53.ListHostedZonesByNameInput{DNSName: aws.String(name), HostedZoneId: aws.String(id)}
			if _, err := c.ListHostedZonesByName(ctx, in); err != nil {
				return nil, fmt.Errorf("hosted zone %s (%s): %w", id, name, err)
			}
			zones[name] = append(zones[name], file.NewZone(name, ""))
		}
	}
	return &Route53{
		zoneNames: names,
		client:    c,
		upstream:  upstream.New(),
		refresh:   refresh,
		ids:       keys,
		zones:     zones,
	}, nil
}

// Run loads every hosted zone once and then, until ctx is done, reloads them
// every refresh interval. An error from the first load is returned.
func (h *Route53) Run(ctx context.Context) error {
	if err := h.updateZones(ctx); err != nil {
		return err
	}
	go func() {
		t := time.NewTicker(h.refresh)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				log.Debugf("Breaking out of Route53 update loop for %v: %v", h.zoneNames, ctx.Err())
				return
			case <-t.C:
				if err := h.updateZones(ctx); err != nil && ctx.Err() == nil {
					log.Errorf("Failed to update zones %v: %v", h.zoneNames, err)
				}
			}
		}
	}()
	return nil
}

// ServeDNS implements plugin.Handler.
func (h *Route53) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	qname := state.Name()

	zone := plugin.Zones(h.zoneNames).Matches(qname)
	if zone == "" {
		return plugin.NextOrFailure(h.Name(), h.Next, ctx, w, r)
	}

	h.mu.RLock()
	zs := h.zones[zone]
	h.mu.RUnlock()
	return file.ServeInOrder(ctx, h.Name(), h.Next, h.Fall, true, w, r, len(zs), func(i int) *file.Zone { return zs[i] })
}

// Name implements plugin.Handler.
func (h *Route53) Name() string { return "route53" }

// updateZones fetches every hosted zone and swaps in the new copies. A hosted
// zone that fails keeps its previous copy; the errors are joined.
func (h *Route53) updateZones(ctx context.Context) error {
	var errs []error
	for _, name := range h.zoneNames {
		for i, id := range h.ids[name] {
			z, err := h.fetchZone(ctx, name, id)
			if err != nil {
				errs = append(errs, fmt.Errorf("failed to list resource records for %v:%v from route53: %w", name, id, err))
				continue
			}
			h.mu.Lock()
			zs := append([]*file.Zone(nil), h.zones[name]...)
			zs[i] = z
			h.zones[name] = zs
			h.mu.Unlock()
		}
	}
	if len(errs) != 0 {
		return fmt.Errorf("errors updating zones: %w", errors.Join(errs...))
	}
	return nil
}

// fetchZone reads all record sets of hosted zone id into a new zone.
func (h *Route53) fetchZone(ctx context.Context, name, id string) (*file.Zone, error) {
	z := file.NewZone(name, "")
	z.Upstream = h.upstream
	in := &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(id)}
	// No StopOnDuplicateToken: it compares record names only, and
	// consecutive pages often start at the same name with another type.
	p := route53.NewListResourceRecordSetsPaginator(h.client, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, rrs := range out.ResourceRecordSets {
			if err := insertRRS(z, rrs); err != nil {
				return nil, err
			}
		}
	}
	return z, nil
}

// insertRRS adds the records of one record set to z. An alias record set
// becomes a CNAME to its target.
func insertRRS(z *file.Zone, rrs types.ResourceRecordSet) error {
	owner, err := unescape(aws.ToString(rrs.Name))
	if err != nil {
		return fmt.Errorf("record set name %q: %w", aws.ToString(rrs.Name), err)
	}
	for _, rr := range rrs.ResourceRecords {
		val, err := unescape(aws.ToString(rr.Value))
		if err != nil {
			return fmt.Errorf("record set %s %s value %q: %w", owner, rrs.Type, aws.ToString(rr.Value), err)
		}
		text := owner + " " + strconv.FormatInt(aws.ToInt64(rrs.TTL), 10) + " IN " + string(rrs.Type) + " " + val
		r, err := dns.NewRR(text)
		if err != nil {
			return fmt.Errorf("failed to parse resource record %q: %w", text, err)
		}
		if err := z.Insert(r); err != nil {
			return err
		}
	}
	if a := rrs.AliasTarget; a != nil && len(rrs.ResourceRecords) == 0 {
		target, err := unescape(aws.ToString(a.DNSName))
		if err != nil {
			return fmt.Errorf("alias target %q: %w", aws.ToString(a.DNSName), err)
		}
		if target == "" {
			return nil
		}
		cname := &dns.CNAME{
			Hdr:    dns.RR_Header{Name: dns.Fqdn(owner), Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: aliasTTL},
			Target: dns.Fqdn(strings.ToLower(target)),
		}
		if err := z.Insert(cname); err != nil {
			return err
		}
	}
	return nil
}

// unescape turns the octal escapes Route 53 uses in names and values
// (\052 for '*') into master file text: letters, digits and the characters
// that need no quoting come out as themselves, the others as \DDD.
func unescape(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			return "", errors.New("trailing backslash")
		}
		if !isOctal(s[i+1]) {
			// An escaped character such as \" or \\ is already master file text.
			b.WriteByte(c)
			b.WriteByte(s[i+1])
			i++
			continue
		}
		if i+3 >= len(s) || !isOctal(s[i+2]) || !isOctal(s[i+3]) {
			return "", fmt.Errorf("invalid octal escape at offset %d", i)
		}
		v := int(s[i+1]-'0')<<6 | int(s[i+2]-'0')<<3 | int(s[i+3]-'0')
		if v > 0xff {
			return "", fmt.Errorf("octal escape out of range at offset %d", i)
		}
		writeChar(&b, byte(v))
		i += 3
	}
	return b.String(), nil
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// writeChar writes c as itself when that is safe in master file text and as
// a decimal \DDD escape otherwise.
func writeChar(b *strings.Builder, c byte) {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		b.WriteByte(c)
	case c == '*' || c == '-' || c == '_' || c == '/' || c == '+' || c == '=' || c == ':' ||
		c == ',' || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' ||
		c == '<' || c == '>' || c == '?' || c == '[' || c == ']' || c == '^' || c == '`' ||
		c == '{' || c == '|' || c == '}' || c == '~':
		b.WriteByte(c)
	default:
		b.WriteByte('\\')
		b.WriteByte('0' + c/100)
		b.WriteByte('0' + c/10%10)
		b.WriteByte('0' + c%10)
	}
}
