// Package core links in the dns server type.
package core

import (
	// The dns server type registers itself with Caddy.
	_ "github.com/coredns/coredns/core/dnsserver"
)
