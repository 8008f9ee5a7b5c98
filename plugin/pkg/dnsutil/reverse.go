package dnsutil

import (
	"net"
	"strings"
)

// Suffixes of the reverse trees.
const (
	// IP4arpa is the reverse tree suffix for IPv4 addresses.
	IP4arpa = ".in-addr.arpa."
	// IP6arpa is the reverse tree suffix for IPv6 addresses.
	IP6arpa = ".ip6.arpa."
)

// IsReverse reports which reverse tree name is in: 1 for in-addr.arpa.
// (IPv4), 2 for ip6.arpa. (IPv6) and 0 when it is in neither.
func IsReverse(name string) int {
	switch {
	case hasSuffixFold(name, IP4arpa):
		return 1
	case hasSuffixFold(name, IP6arpa):
		return 2
	}
	return 0
}

// ExtractAddressFromReverse turns a PTR owner name into the address it
// stands for, e.g. "54.119.58.176.in-addr.arpa." becomes "176.58.119.54".
// IPv6 names must list all 32 nibbles. The empty string is returned when the
// name is not a complete reverse name.
func ExtractAddressFromReverse(reverseName string) string {
	switch IsReverse(reverseName) {
	case 1:
		return reverse4(reverseName[:len(reverseName)-len(IP4arpa)])
	case 2:
		return reverse6(reverseName[:len(reverseName)-len(IP6arpa)])
	}
	return ""
}

// reverse4 turns "4.3.2.1" into "1.2.3.4".
func reverse4(s string) string {
	octets := strings.Split(s, ".")
	if len(octets) != net.IPv4len {
		return ""
	}
	for i, j := 0, len(octets)-1; i < j; i, j = i+1, j-1 {
		octets[i], octets[j] = octets[j], octets[i]
	}
	ip := net.ParseIP(strings.Join(octets, "."))
	if ip == nil || ip.To4() == nil {
		return ""
	}
	return ip.String()
}

// reverse6 turns 32 dot separated nibbles, least significant first, into an
// IPv6 address in its canonical text form.
func reverse6(s string) string {
	nibbles := strings.Split(s, ".")
	if len(nibbles) != 2*net.IPv6len {
		return ""
	}
	ip := make(net.IP, net.IPv6len)
	for i, n := range nibbles {
		if len(n) != 1 {
			return ""
		}
		v, ok := hexValue(n[0])
		if !ok {
			return ""
		}
		// nibbles[0] is the low nibble of the last byte.
		pos := len(nibbles) - 1 - i
		if pos%2 == 0 {
			ip[pos/2] |= v << 4
		} else {
			ip[pos/2] |= v
		}
	}
	return ip.String()
}

func hexValue(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}
