// Package hello is a small plugin kept outside the server's module. It is
// built by test/outoftree_test.go against this tree exactly as a third party
// would build it, to show that the plugin API works for out-of-tree code.
//
// For a query of type TXT under its zones it answers "hello <client ip>";
// everything else goes to the next plugin.
package hello

import (
	"context"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/plugin/metrics"
	"github.com/coredns/coredns/plugin/pkg/fall"
	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var log = clog.NewWithPlugin("hello")

var answered = promauto.NewCounterVec(prometheus.CounterOpts{
	Namespace: plugin.Namespace,
	Subsystem: "hello",
	Name:      "answers_total",
	Help:      "Counter of TXT answers given by the hello plugin.",
}, []string{"server"})

// Hello is the handler.
type Hello struct {
	Next  plugin.Handler
	Zones []string
	Fall  fall.F
}

// ServeDNS implements plugin.Handler.
func (h Hello) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	zone := plugin.Zones(h.Zones).Matches(state.Name())
	if zone == "" || state.QType() != dns.TypeTXT {
		return plugin.NextOrFailure(h.Name(), h.Next, ctx, w, r)
	}
	if f := metadata.ValueFunc(ctx, "hello/greeting"); f != nil {
		log.Debugf("greeting from metadata: %s", f())
	}

	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.Answer = []dns.RR{&dns.TXT{
		Hdr: dns.RR_Header{Name: state.QName(), Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 30},
		Txt: []string{"hello " + state.IP()},
	}}
	state.SizeAndDo(m)
	if err := w.WriteMsg(m); err != nil {
		return dns.RcodeServerFailure, err
	}
	answered.WithLabelValues(metrics.WithServer(ctx)).Inc()
	return dns.RcodeSuccess, nil
}

// Name implements plugin.Handler.
func (h Hello) Name() string { return "hello" }

// Metadata implements metadata.Provider.
func (h Hello) Metadata(ctx context.Context, state request.Request) context.Context {
	metadata.SetValueFunc(ctx, "hello/greeting", func() string { return "hello " + state.IP() })
	return ctx
}
