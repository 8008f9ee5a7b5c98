package dnsutil

import (
	"errors"
	"fmt"

	"github.com/miekg/dns"
)

// errNotRequest is returned for wire data that decodes to a response.
var errNotRequest = errors.New("message is a response, not a request")

// UnpackRequest decodes msg, received over a non-UDP/TCP transport such as
// DoH or gRPC, into a DNS message. Like the plain DNS server, it rejects
// data that is too large or that has the QR (response) bit set.
func UnpackRequest(msg []byte) (*dns.Msg, error) {
	if len(msg) > dns.MaxMsgSize {
		return nil, fmt.Errorf("message of %d bytes exceeds %d", len(msg), dns.MaxMsgSize)
	}
	m := new(dns.Msg)
	if err := m.Unpack(msg); err != nil {
		return nil, fmt.Errorf("unpack request: %w", err)
	}
	if m.Response {
		return nil, errNotRequest
	}
	return m, nil
}
