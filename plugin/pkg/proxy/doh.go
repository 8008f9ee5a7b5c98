package proxy

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"

	pkgtls "github.com/coredns/coredns/plugin/pkg/tls"

	"github.com/miekg/dns"
)

// DNS over HTTPS (RFC 8484) constants.
const (
	dohPath = "/dns-query"
	dohMime = "application/dns-message"
)

// newDoHClient returns the HTTP client a DNS over HTTPS proxy uses unless
// given one with SetHTTPClient.
func newDoHClient(cfg *tls.Config) *http.Client {
	return &http.Client{Transport: pkgtls.NewHTTPSTransport(cfg)}
}

// exchangeDoH sends req to the upstream over DNS over HTTPS. The query goes
// out with ID 0, as RFC 8484 suggests for caching; the reply gets req's ID.
func (p *Proxy) exchangeDoH(ctx context.Context, req *dns.Msg) (*dns.Msg, error) {
	q := *req
	q.Id = 0
	wire, err := q.Pack()
	if err != nil {
		return nil, err
	}

	ctx, cancel := context.WithTimeout(ctx, 2*p.readTimeout)
	defer cancel()

	var hreq *http.Request
	if p.dohMethod == http.MethodGet {
		url := p.dohURL + "?dns=" + base64.RawURLEncoding.EncodeToString(wire)
		hreq, err = http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	} else {
		hreq, err = http.NewRequestWithContext(ctx, http.MethodPost, p.dohURL, bytes.NewReader(wire))
		if err == nil {
			hreq.Header.Set("Content-Type", dohMime)
		}
	}
	if err != nil {
		return nil, err
	}
	hreq.Header.Set("Accept", dohMime)
	if p.dohHost != "" {
		hreq.Host = p.dohHost
	}

	resp, err := p.httpClient.Do(hreq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("DNS over HTTPS upstream %s: HTTP status %d", p.addr, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, dns.MaxMsgSize+1))
	if err != nil {
		return nil, err
	}
	if len(body) > dns.MaxMsgSize {
		return nil, fmt.Errorf("DNS over HTTPS upstream %s: reply too large", p.addr)
	}
	ret := new(dns.Msg)
	if err := ret.Unpack(body); err != nil {
		return nil, err
	}
	if !sameQuestion(req, ret) {
		return nil, fmt.Errorf("DNS over HTTPS upstream %s: reply for another question", p.addr)
	}
	ret.Id = req.Id
	return ret, nil
}
