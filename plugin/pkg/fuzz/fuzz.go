// Package fuzz feeds arbitrary bytes to a plugin as a DNS query, for fuzzers.
package fuzz

import (
	"context"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// Do unpacks data as a message and serves it with p. It returns 1 when data
// was a valid message and 0 otherwise, as go-fuzz expects.
func Do(p plugin.Handler, data []byte) int {
	r := new(dns.Msg)
	if err := r.Unpack(data); err != nil {
		return 0
	}
	p.ServeDNS(context.Background(), &test.ResponseWriter{}, r) //nolint:errcheck // only crashes matter
	return 1
}
