package proxy

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/transport"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// dohHandler answers DNS over HTTPS requests with an A record, and records
// the method, ID and Host it saw.
type dohHandler struct {
	method string
	id     uint16
	host   string
}

func (h *dohHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != dohPath {
		http.NotFound(w, r)
		return
	}
	h.method, h.host = r.Method, r.Host
	var wire []byte
	var err error
	if r.Method == http.MethodGet {
		wire, err = base64.RawURLEncoding.DecodeString(r.URL.Query().Get("dns"))
	} else {
		if r.Header.Get("Content-Type") != dohMime {
			http.Error(w, "bad content type", http.StatusUnsupportedMediaType)
			return
		}
		wire, err = io.ReadAll(r.Body)
	}
	req := new(dns.Msg)
	if err != nil || req.Unpack(wire) != nil {
		http.Error(w, "bad query", http.StatusBadRequest)
		return
	}
	h.id = req.Id
	m := new(dns.Msg)
	m.SetReply(req)
	m.Answer = []dns.RR{test.A(req.Question[0].Name + " 300 IN A 192.0.2.53")}
	out, _ := m.Pack()
	w.Header().Set("Content-Type", dohMime)
	w.Write(out)
}

func TestDoH(t *testing.T) {
	h := &dohHandler{}
	srv := httptest.NewTLSServer(h)
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "https://")

	for _, method := range []string{http.MethodPost, http.MethodGet} {
		t.Run(method, func(t *testing.T) {
			p := NewProxy("test", addr, transport.HTTPS)
			p.SetHTTPClient(srv.Client())
			p.SetDOHRequestOptions(method)
			p.SetDOHHost("dns.example")
			if p.DoHHost() != "dns.example" {
				t.Errorf("DoHHost = %q", p.DoHHost())
			}

			req := query("example.org.", dns.TypeA)
			state := request.Request{W: &test.ResponseWriter{}, Req: req}
			ret, local, proto, err := p.Connect(context.Background(), state, Options{})
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			if proto != transport.HTTPS || local != nil {
				t.Errorf("proto %q local %v, want https and nil", proto, local)
			}
			if h.method != method || h.id != 0 || h.host != "dns.example" {
				t.Errorf("upstream saw %s with ID %d for host %q, want %s, 0, dns.example", h.method, h.id, h.host, method)
			}
			if ret.Id != req.Id {
				t.Errorf("reply ID %d, want %d", ret.Id, req.Id)
			}
			err = test.SortAndCheck(ret, test.Case{
				Qname: "example.org.", Qtype: dns.TypeA,
				Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.53")},
			})
			if err != nil {
				t.Error(err)
			}

			// The health check goes over DNS over HTTPS as well.
			if err := p.GetHealthchecker().Check(p); err != nil {
				t.Errorf("health check: %v", err)
			}
		})
	}
}

func TestDoHErrorStatus(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	p := NewProxy("test", strings.TrimPrefix(srv.URL, "https://"), transport.HTTPS)
	p.SetHTTPClient(srv.Client())

	state := request.Request{W: &test.ResponseWriter{}, Req: query("example.org.", dns.TypeA)}
	if _, _, _, err := p.Connect(context.Background(), state, Options{}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("err = %v, want an HTTP 404 error", err)
	}
	if err := p.GetHealthchecker().Check(p); err == nil {
		t.Error("health check passed against a 404")
	}
}
