// Package rcode turns DNS response codes into their textual form.
package rcode

import (
	"strconv"

	"github.com/miekg/dns"
)

// ToString returns the official mnemonic of rcode, or "RCODE" followed by the
// number when the code has no registered name.
func ToString(rcode int) string {
	if s, ok := dns.RcodeToString[rcode]; ok {
		return s
	}
	return "RCODE" + strconv.Itoa(rcode)
}
