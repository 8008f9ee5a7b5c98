package metrics

import (
	"time"

	"github.com/coredns/coredns/plugin/pkg/dnstest"

	"github.com/miekg/dns"
)

// Recorder is the response writer the prometheus plugin hands down the chain.
// Besides what dnstest.Recorder keeps (rcode, size, start time) it remembers
// the plugin credited with the response, the plugin label of
// coredns_dns_responses_total.
//
// Recorder implements plugin.PluginTracker: whoever passes it on to the next
// plugin calls SetPlugin with that plugin's name, so after the chain returns
// Plugin names the deepest plugin that received this writer. A plugin that
// wraps the writer in its own type hides the plugins behind it; the response
// is then credited to the wrapping plugin, which is also the one that
// finally wrote it to this Recorder.
type Recorder struct {
	*dnstest.Recorder
	Plugin string
}

// recorderPair lets NewRecorder allocate both recorders at once.
type recorderPair struct {
	rec   Recorder
	inner dnstest.Recorder
}

// NewRecorder wraps w in a Recorder whose clock starts now.
func NewRecorder(w dns.ResponseWriter) *Recorder {
	p := &recorderPair{inner: dnstest.Recorder{ResponseWriter: w, Start: time.Now()}}
	p.rec.Recorder = &p.inner
	return &p.rec
}

// WriteMsg records res and writes it to the wrapped writer.
func (r *Recorder) WriteMsg(res *dns.Msg) error {
	return r.Recorder.WriteMsg(res)
}

// SetPlugin records name as the plugin the response is credited to.
func (r *Recorder) SetPlugin(name string) { r.Plugin = name }

// GetPlugin returns the plugin the response is credited to.
func (r *Recorder) GetPlugin() string { return r.Plugin }
