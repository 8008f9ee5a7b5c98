package trace

import (
	"context"
	"errors"
	"testing"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	"github.com/opentracing/opentracing-go"
	"github.com/opentracing/opentracing-go/mocktracer"
	zipkinot "github.com/openzipkin-contrib/zipkin-go-opentracing"
	"github.com/openzipkin/zipkin-go"
	zipkinmodel "github.com/openzipkin/zipkin-go/model"
	"github.com/openzipkin/zipkin-go/reporter/recorder"
)

// answerA answers every query with one A record.
func answerA(name string) plugin.Handler {
	return namedHandler{name, func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Authoritative = true
		m.Answer = []dns.RR{test.A(r.Question[0].Name + " 300 IN A 192.0.2.1")}
		w.WriteMsg(m)
		return dns.RcodeSuccess, nil
	}}
}

// namedHandler is a handler with a name of our choosing.
type namedHandler struct {
	name string
	f    func(context.Context, dns.ResponseWriter, *dns.Msg) (int, error)
}

func (h namedHandler) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	return h.f(ctx, w, r)
}
func (h namedHandler) Name() string { return h.name }

func TestServeDNSRootSpan(t *testing.T) {
	tests := []struct {
		name      string
		next      plugin.Handler
		w         dns.ResponseWriter
		qname     string
		qtype     uint16
		wantRcode int
		wantErr   bool
		tags      map[string]any
		answer    []dns.RR
	}{
		{
			name: "answer over udp", next: answerA("answer"), w: &test.ResponseWriter{},
			qname: "Example.ORG.", qtype: dns.TypeA, wantRcode: dns.RcodeSuccess,
			tags: map[string]any{
				tagName: "example.org.", tagType: "A", tagRcode: "NOERROR",
				tagProto: "udp", tagRemote: "10.240.0.1",
			},
			answer: []dns.RR{test.A("Example.ORG. 300 IN A 192.0.2.1")},
		},
		{
			name: "servfail over tcp v6", next: test.NextHandler(dns.RcodeServerFailure, errors.New("boom")),
			w: &test.ResponseWriter6{ResponseWriter: test.ResponseWriter{TCP: true}}, qname: "example.net.", qtype: dns.TypeAAAA,
			wantRcode: dns.RcodeServerFailure, wantErr: true,
			tags: map[string]any{
				tagName: "example.net.", tagType: "AAAA", tagRcode: "SERVFAIL",
				tagProto: "tcp", tagRemote: "fe80::42:ff:feca:4c65", "error": true,
			},
		},
		{
			name: "no next plugin", next: nil, w: &test.ResponseWriter{},
			qname: "example.com.", qtype: dns.TypeMX, wantRcode: dns.RcodeServerFailure, wantErr: true,
			tags: map[string]any{
				tagName: "example.com.", tagType: "MX", tagRcode: "SERVFAIL",
				tagProto: "udp", tagRemote: "10.240.0.1", "error": true,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mt := mocktracer.New()
			tr := &Trace{Next: tc.next, every: 1, tracer: mt}
			req := new(dns.Msg)
			req.SetQuestion(tc.qname, tc.qtype)
			rec := dnstest.NewRecorder(tc.w)

			rc, err := tr.ServeDNS(context.Background(), rec, req)
			if rc != tc.wantRcode || (err != nil) != tc.wantErr {
				t.Fatalf("got rcode %d err %v, want rcode %d err %v", rc, err, tc.wantRcode, tc.wantErr)
			}
			if tc.answer != nil {
				want := test.Case{Qname: tc.qname, Qtype: tc.qtype, Answer: tc.answer, Authoritative: true}
				if err := test.SortAndCheck(rec.Msg, want); err != nil {
					t.Error(err)
				}
			}
			// The root, and one child for the next plugin, made by
			// plugin.NextOrFailure.
			spans := roots(mt.FinishedSpans())
			if len(spans) != 1 {
				t.Fatalf("got %d root spans, want 1", len(spans))
			}
			want := 2
			if tc.next == nil {
				want = 1
			}
			if n := len(mt.FinishedSpans()); n != want {
				t.Errorf("got %d spans, want %d", n, want)
			}
			s := spans[0]
			if s.OperationName != rootSpanName || s.ParentID != 0 {
				t.Errorf("span %q parent %d, want %q without parent", s.OperationName, s.ParentID, rootSpanName)
			}
			got := s.Tags()
			if len(got) != len(tc.tags) {
				t.Errorf("tags %v, want %v", got, tc.tags)
			}
			for k, v := range tc.tags {
				if got[k] != v {
					t.Errorf("tag %s = %v, want %v", k, got[k], v)
				}
			}
			if tc.wantErr && len(s.Logs()) != 1 {
				t.Errorf("got %d span logs, want the error logged once", len(s.Logs()))
			}
		})
	}
}

func TestEvery(t *testing.T) {
	tests := []struct {
		every   uint64
		queries int
		spans   int
	}{
		{every: 1, queries: 5, spans: 5},
		{every: 2, queries: 5, spans: 2},
		{every: 3, queries: 9, spans: 3},
		{every: 10, queries: 9, spans: 0},
		{every: 0, queries: 4, spans: 0},
	}
	for _, tc := range tests {
		mt := mocktracer.New()
		tr := &Trace{Next: answerA("answer"), every: tc.every, tracer: mt}
		req := new(dns.Msg)
		req.SetQuestion("example.org.", dns.TypeA)
		for range tc.queries {
			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			if _, err := tr.ServeDNS(context.Background(), rec, req); err != nil || len(rec.Msg.Answer) != 1 {
				t.Fatalf("every %d: err %v, answer %v", tc.every, err, rec.Msg)
			}
		}
		if got := len(roots(mt.FinishedSpans())); got != tc.spans {
			t.Errorf("every %d over %d queries: %d spans, want %d", tc.every, tc.queries, got, tc.spans)
		}
	}
}

func TestNoNewRootInsideTrace(t *testing.T) {
	mt := mocktracer.New()
	outer := mt.StartSpan("outer")
	tr := &Trace{Next: answerA("answer"), every: 1, tracer: mt}
	req := new(dns.Msg)
	req.SetQuestion("example.org.", dns.TypeA)
	ctx := opentracing.ContextWithSpan(context.Background(), outer)
	if _, err := tr.ServeDNS(ctx, dnstest.NewRecorder(&test.ResponseWriter{}), req); err != nil {
		t.Fatal(err)
	}
	for _, s := range mt.FinishedSpans() {
		if s.OperationName == rootSpanName {
			t.Errorf("a %q span was started under the outer span", rootSpanName)
		}
	}
}

func TestMetadataTraceID(t *testing.T) {
	rep := recorder.NewReporter()
	defer rep.Close()
	zt, err := zipkin.NewTracer(rep)
	if err != nil {
		t.Fatal(err)
	}
	var got string
	next := namedHandler{"meta", func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		got = metadata.ValueFunc(ctx, metaTraceID)()
		return answerA("answer").ServeDNS(ctx, w, r)
	}}
	tr := &Trace{Next: next, every: 1, tracer: zipkinot.Wrap(zt)}
	req := new(dns.Msg)
	req.SetQuestion("example.org.", dns.TypeA)
	ctx := metadata.ContextWithMetadata(context.Background())
	if _, err := tr.ServeDNS(ctx, dnstest.NewRecorder(&test.ResponseWriter{}), req); err != nil {
		t.Fatal(err)
	}
	var spans []zipkinmodel.SpanModel
	for _, s := range rep.Flush() {
		if s.ParentID == nil {
			spans = append(spans, s)
		}
	}
	if len(spans) != 1 {
		t.Fatalf("got %d root spans, want 1", len(spans))
	}
	if want := spans[0].TraceID.String(); got != want || got == "" {
		t.Errorf("trace/traceid = %q, want %q", got, want)
	}
	if spans[0].Name != rootSpanName || spans[0].Tags[tagRcode] != "NOERROR" {
		t.Errorf("span %q tags %v", spans[0].Name, spans[0].Tags)
	}
}

// roots returns the spans without a parent.
func roots(spans []*mocktracer.MockSpan) []*mocktracer.MockSpan {
	var out []*mocktracer.MockSpan
	for _, s := range spans {
		if s.ParentID == 0 {
			out = append(out, s)
		}
	}
	return out
}
