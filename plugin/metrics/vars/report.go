package vars

import (
	"time"

	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// ReportOptions are the optional inputs of Report.
type ReportOptions struct {
	// OriginalReqSize is the query size before plugins changed it; 0 means
	// use the size of the query as it is now.
	OriginalReqSize int
}

// ReportOption sets a ReportOptions field.
type ReportOption func(*ReportOptions)

// WithOriginalReqSize reports size as the query's size.
func WithOriginalReqSize(size int) ReportOption {
	return func(o *ReportOptions) { o.OriginalReqSize = size }
}

// Report updates the server metrics for one answered query.
func Report(server string, req request.Request, zone, view, rcode, plugin string, size int, start time.Time, opts ...ReportOption) {
	var o ReportOptions
	for _, f := range opts {
		f(&o)
	}
	proto := req.Proto()
	fam := "1"
	if req.Family() == 2 {
		fam = "2"
	}
	if req.Do() {
		RequestDo.WithLabelValues(server, zone, view).Inc()
	}
	RequestCount.WithLabelValues(server, zone, view, proto, fam, qTypeLabel(req.QType())).Inc()
	RequestDuration.WithLabelValues(server, zone, view).Observe(time.Since(start).Seconds())
	ResponseSize.WithLabelValues(server, zone, view, proto).Observe(float64(size))
	reqSize := o.OriginalReqSize
	if reqSize == 0 {
		reqSize = req.Len()
	}
	RequestSize.WithLabelValues(server, zone, view, proto).Observe(float64(reqSize))
	ResponseRcode.WithLabelValues(server, zone, view, rcode, plugin).Inc()
}

// monitoredTypes are reported by name; other types are reported as "other"
// to bound the label's cardinality.
var monitoredTypes = map[uint16]string{}

func init() {
	for _, t := range []uint16{
		dns.TypeA, dns.TypeAAAA, dns.TypeAXFR, dns.TypeCNAME, dns.TypeDNSKEY, dns.TypeDS,
		dns.TypeHTTPS, dns.TypeIXFR, dns.TypeMX, dns.TypeNAPTR, dns.TypeNS, dns.TypeNSEC,
		dns.TypeNSEC3, dns.TypePTR, dns.TypeRRSIG, dns.TypeSOA, dns.TypeSRV, dns.TypeSVCB,
		dns.TypeTXT, dns.TypeANY, dns.TypeCAA, dns.TypeDNAME,
	} {
		monitoredTypes[t] = dns.TypeToString[t]
	}
}

func qTypeLabel(t uint16) string {
	if s, ok := monitoredTypes[t]; ok {
		return s
	}
	return "other"
}
