// Package doh converts between DNS messages and the HTTP requests and
// responses of DNS over HTTPS (RFC 8484).
package doh

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/miekg/dns"
)

// MimeType is the media type of a DNS message carried over HTTP.
const MimeType = "application/dns-message"

// Path is the URL path DoH servers answer on.
const Path = "/dns-query"

// maxBody bounds how much of a request or response body is read: the
// largest DNS message.
const maxBody = dns.MaxMsgSize

var (
	errMethod  = errors.New("doh: method must be GET or POST")
	errNoParam = errors.New("doh: no 'dns' query parameter found")
	errStatus  = errors.New("doh: unexpected HTTP status")
)

// NewRequest returns a DoH request for m. url is the server, with or
// without the path (Path is added when missing); host, when not empty,
// overrides the Host header. method is http.MethodGet or http.MethodPost.
func NewRequest(method, url, host string, m *dns.Msg) (*http.Request, error) {
	return NewRequestWithContext(context.Background(), method, url, host, m)
}

// NewRequestWithContext is NewRequest with a context.
func NewRequestWithContext(ctx context.Context, method, url, host string, m *dns.Msg) (*http.Request, error) {
	buf, err := m.Pack()
	if err != nil {
		return nil, err
	}
	if !strings.Contains(url, "://") {
		url = "https://" + url
	}
	if i := strings.Index(url, "://"); !strings.Contains(url[i+3:], "/") {
		url += Path
	}

	var req *http.Request
	switch method {
	case http.MethodGet:
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, url+"?dns="+base64.RawURLEncoding.EncodeToString(buf), nil)
	case http.MethodPost:
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(buf))
		if err == nil {
			req.Header.Set("Content-Type", MimeType)
		}
	default:
		return nil, fmt.Errorf("%w: %q", errMethod, method)
	}
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", MimeType)
	if host != "" {
		req.Host = host
	}
	return req, nil
}

// ResponseToMsg reads the DNS message from a DoH response and closes its
// body. A status other than 200 is an error.
func ResponseToMsg(resp *http.Response) (*dns.Msg, error) {
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: %d", errStatus, resp.StatusCode)
	}
	buf, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, err
	}
	m := new(dns.Msg)
	if err := m.Unpack(buf); err != nil {
		return nil, err
	}
	return m, nil
}

// RequestToMsg reads the DNS query carried by a DoH request: the "dns"
// parameter of a GET, or the body of a POST.
func RequestToMsg(req *http.Request) (*dns.Msg, error) {
	m, _, err := RequestToMsgWire(req)
	return m, err
}

// RequestToMsgWire is RequestToMsg that also returns the query's wire form.
func RequestToMsgWire(req *http.Request) (*dns.Msg, []byte, error) {
	var (
		buf []byte
		err error
	)
	switch req.Method {
	case http.MethodGet:
		buf, err = getWire(req)
	case http.MethodPost:
		buf, err = postWire(req)
	default:
		err = fmt.Errorf("%w: %q", errMethod, req.Method)
	}
	if err != nil {
		return nil, nil, err
	}
	m := new(dns.Msg)
	if err := m.Unpack(buf); err != nil {
		return nil, nil, err
	}
	return m, buf, nil
}

func getWire(req *http.Request) ([]byte, error) {
	v := req.URL.Query().Get("dns")
	if v == "" {
		return nil, errNoParam
	}
	// RFC 8484 asks for unpadded base64url; tolerate padding.
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(v, "="))
}

func postWire(req *http.Request) ([]byte, error) {
	if req.Body == nil {
		return nil, errors.New("doh: empty body")
	}
	defer req.Body.Close()
	return io.ReadAll(io.LimitReader(req.Body, maxBody))
}
