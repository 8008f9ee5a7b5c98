package vars

import (
	"sync"
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

// Report updates the server metrics for one answered query. It runs for every
// query, so the labelled children it touches are looked up once per label
// tuple and kept (see cache.go) instead of being hashed on every call.
func Report(server string, req request.Request, zone, view, rcode, plugin string, size int, start time.Time, opts ...ReportOption) {
	reqSize := 0
	if len(opts) > 0 {
		reqSize = applyOptions(opts).OriginalReqSize
	}
	if reqSize <= 0 {
		reqSize = req.Len()
	}
	proto := req.Proto()
	fam := req.Family()
	qtype := typeIndex(req.QType())

	s := seriesFor(server, zone, view)
	p := protoIndex(proto)
	if s == nil || p < 0 || fam < 1 || fam > 2 {
		reportUncached(server, zone, view, proto, fam, qtype, rcode, plugin, size, reqSize, start, req.Do())
		return
	}
	if req.Do() {
		s.doCounter().Inc()
	}
	s.requestCounter(p, fam-1, qtype).Inc()
	s.durationObserver().Observe(time.Since(start).Seconds())
	s.responseSizeObserver(p).Observe(float64(size))
	s.requestSizeObserver(p).Observe(float64(reqSize))
	s.rcodeCounter(rcode, plugin).Inc()
}

// optionsPool recycles the ReportOptions the options are applied to: handing
// a pointer to an unknown function moves it to the heap, which would cost an
// allocation per query.
var optionsPool = sync.Pool{New: func() any { return new(ReportOptions) }}

func applyOptions(opts []ReportOption) ReportOptions {
	o := optionsPool.Get().(*ReportOptions)
	*o = ReportOptions{}
	for _, f := range opts {
		f(o)
	}
	v := *o
	optionsPool.Put(o)
	return v
}

// reportUncached is Report without the cache, for label values the cache
// does not index (or once it is full).
func reportUncached(server, zone, view, proto string, fam, qtype int, rcode, plugin string, size, reqSize int, start time.Time, do bool) {
	family := "1"
	if fam == 2 {
		family = "2"
	}
	if do {
		RequestDo.WithLabelValues(server, zone, view).Inc()
	}
	RequestCount.WithLabelValues(server, zone, view, proto, family, typeNames[qtype]).Inc()
	RequestDuration.WithLabelValues(server, zone, view).Observe(time.Since(start).Seconds())
	ResponseSize.WithLabelValues(server, zone, view, proto).Observe(float64(size))
	RequestSize.WithLabelValues(server, zone, view, proto).Observe(float64(reqSize))
	ResponseRcode.WithLabelValues(server, zone, view, rcode, plugin).Inc()
}

// monitoredTypes are the query types reported by name in the type label;
// every other type is reported as "other", which bounds the label's
// cardinality.
var monitoredTypes = []uint16{
	dns.TypeA, dns.TypeAAAA, dns.TypeCNAME, dns.TypeDNSKEY, dns.TypeDS, dns.TypeMX,
	dns.TypeNSEC3, dns.TypeNSEC, dns.TypeNS, dns.TypePTR, dns.TypeRRSIG, dns.TypeSOA,
	dns.TypeSRV, dns.TypeTXT, dns.TypeHTTPS,
	// meta types
	dns.TypeIXFR, dns.TypeAXFR, dns.TypeANY,
}

// numTypes is the number of distinct type label values, "other" included.
const numTypes = 19

// other is the type label of query types that are not monitored.
const other = "other"

var (
	// typeNames maps a type index to its label value; index 0 is "other".
	typeNames [numTypes]string
	// typeIdx maps a query type below len(typeIdx) to its type index.
	typeIdx [256]uint8
)

func init() {
	typeNames[0] = other
	for i, t := range monitoredTypes {
		typeNames[i+1] = dns.TypeToString[t]
		typeIdx[t] = uint8(i + 1)
	}
}

// typeIndex returns the index of t's type label.
func typeIndex(t uint16) int {
	if int(t) < len(typeIdx) {
		return int(typeIdx[t])
	}
	return 0
}

// protoIndex returns 0 for UDP, 1 for TCP and -1 for anything else.
func protoIndex(proto string) int {
	switch proto {
	case "udp":
		return 0
	case "tcp":
		return 1
	}
	return -1
}
