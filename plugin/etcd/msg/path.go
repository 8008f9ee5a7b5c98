package msg

import (
	"path"
	"strings"

	"github.com/coredns/coredns/plugin/pkg/dnsutil"

	"github.com/miekg/dns"
)

// Path turns a domain name into a backend key below prefix, labels reversed:
// Path("service.staging.skydns.local.", "skydns") is
// "/skydns/local/skydns/staging/service".
func Path(s, prefix string) string {
	return keyFor(reversedLabels(s), prefix)
}

// Domain is the inverse of Path: it drops the first path element (the prefix)
// and turns the rest back into a fully qualified name.
func Domain(s string) string {
	parts := strings.Split(s, "/")
	if parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) < 2 {
		return "."
	}
	parts = parts[2:] // the empty element before the leading slash, and the prefix
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return dnsutil.Join(parts...)
}

// PathWithWildcard works as Path, but when a label of s is "*" or "any" the
// key stops just above the first such label, and true is returned: the caller
// then searches that whole subtree and filters the names itself.
func PathWithWildcard(s, prefix string) (string, bool) {
	labels := reversedLabels(s)
	for i, l := range labels {
		if l == "*" || l == "any" {
			return keyFor(labels[:i], prefix), true
		}
	}
	return keyFor(labels, prefix), false
}

func reversedLabels(s string) []string {
	l := dns.SplitDomainName(s)
	for i, j := 0, len(l)-1; i < j; i, j = i+1, j-1 {
		l[i], l[j] = l[j], l[i]
	}
	return l
}

func keyFor(labels []string, prefix string) string {
	return path.Join(append([]string{"/" + prefix + "/"}, labels...)...)
}
