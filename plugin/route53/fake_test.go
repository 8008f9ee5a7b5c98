package route53

import (
	"context"
	"errors"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// fakeClient serves hosted zones from memory, pageSize record sets a page.
type fakeClient struct {
	mu       sync.Mutex
	zones    map[string][]types.ResourceRecordSet // by hosted zone ID
	pageSize int
	listErr  error // returned by ListResourceRecordSets when set
	calls    int   // ListResourceRecordSets calls
}

func (f *fakeClient) ListHostedZonesByName(_ context.Context, in *route53.ListHostedZonesByNameInput, _ ...func(*route53.Options)) (*route53.ListHostedZonesByNameOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := aws.ToString(in.HostedZoneId)
	if _, ok := f.zones[id]; !ok {
		return nil, errors.New("NoSuchHostedZone: " + id)
	}
	return &route53.ListHostedZonesByNameOutput{
		HostedZones: []types.HostedZone{{Id: aws.String("/hostedzone/" + id), Name: in.DNSName}},
	}, nil
}

func (f *fakeClient) ListResourceRecordSets(_ context.Context, in *route53.ListResourceRecordSetsInput, _ ...func(*route53.Options)) (*route53.ListResourceRecordSetsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.listErr != nil {
		return nil, f.listErr
	}
	rrsets, ok := f.zones[aws.ToString(in.HostedZoneId)]
	if !ok {
		return nil, errors.New("NoSuchHostedZone")
	}
	start := 0
	if in.StartRecordName != nil {
		for i, rrs := range rrsets {
			if aws.ToString(rrs.Name) == aws.ToString(in.StartRecordName) && rrs.Type == in.StartRecordType {
				start = i
				break
			}
		}
	}
	size := f.pageSize
	if size <= 0 {
		size = len(rrsets)
	}
	end := min(start+size, len(rrsets))
	out := &route53.ListResourceRecordSetsOutput{ResourceRecordSets: rrsets[start:end]}
	if end < len(rrsets) {
		out.IsTruncated = true
		out.NextRecordName = rrsets[end].Name
		out.NextRecordType = rrsets[end].Type
	}
	return out, nil
}

func (f *fakeClient) set(id string, rrsets []types.ResourceRecordSet) {
	f.mu.Lock()
	f.zones[id] = rrsets
	f.mu.Unlock()
}

// rrset builds a plain record set.
func rrset(name string, typ types.RRType, ttl int64, values ...string) types.ResourceRecordSet {
	rrs := types.ResourceRecordSet{Name: aws.String(name), Type: typ, TTL: aws.Int64(ttl)}
	for _, v := range values {
		rrs.ResourceRecords = append(rrs.ResourceRecords, types.ResourceRecord{Value: aws.String(v)})
	}
	return rrs
}

// alias builds an alias record set pointing at target.
func alias(name string, typ types.RRType, target string) types.ResourceRecordSet {
	return types.ResourceRecordSet{
		Name: aws.String(name), Type: typ,
		AliasTarget: &types.AliasTarget{DNSName: aws.String(target), HostedZoneId: aws.String("Z2FDTNDATAQYW2")},
	}
}

const (
	soaOrg  = "ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"
	soaPriv = "ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. 2 7200 900 1209600 86400"
	soaGov  = "ns-2.awsdns-00.net. awsdns-hostmaster.amazon.com. 3 7200 900 1209600 86400"
)

// newFake returns a fake holding a public and a private example.org. and
// an example.gov.
func newFake() *fakeClient {
	return &fakeClient{
		pageSize: 3,
		zones: map[string][]types.ResourceRecordSet{
			"Z1PUBLIC": {
				rrset("example.org.", types.RRTypeSoa, 900, soaOrg),
				rrset("example.org.", types.RRTypeNs, 172800, "ns-1536.awsdns-00.co.uk."),
				rrset("example.org.", types.RRTypeA, 300, "192.0.2.1"),
				rrset("example.org.", types.RRTypeAaaa, 300, "2001:db8::1"),
				rrset("www.example.org.", types.RRTypeCname, 300, "example.org."),
				rrset("\\052.wild.example.org.", types.RRTypeA, 60, "192.0.2.9"),
				rrset("txt.example.org.", types.RRTypeTxt, 300, `"hello world"`, `"a\052b"`),
				rrset("example.org.", types.RRTypeMx, 300, "10 mail.example.org."),
				rrset("_sip._tcp.example.org.", types.RRTypeSrv, 300, "1 2 5060 sip.example.org."),
				rrset("split.example.org.", types.RRTypeA, 300, "192.0.2.50"),
				rrset("sub.example.org.", types.RRTypeNs, 300, "ns.sub.example.org."),
				alias("alias.example.org.", types.RRTypeA, "example.org."),
				alias("elb.example.org.", types.RRTypeA, "my-lb-1.us-east-1.elb.amazonaws.com."),
			},
			"Z2PRIVATE": {
				rrset("example.org.", types.RRTypeSoa, 900, soaPriv),
				rrset("example.org.", types.RRTypeNs, 172800, "ns-1.awsdns-00.com."),
				rrset("split.example.org.", types.RRTypeA, 300, "10.0.0.50"),
				rrset("private.example.org.", types.RRTypeA, 300, "10.0.0.2"),
			},
			"Z3GOV": {
				rrset("example.gov.", types.RRTypeSoa, 900, soaGov),
				rrset("example.gov.", types.RRTypeNs, 172800, "ns-2.awsdns-00.net."),
				rrset("a.example.gov.", types.RRTypeA, 300, "192.0.2.77"),
			},
		},
	}
}
