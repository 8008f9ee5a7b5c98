package file

import (
	"context"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// ServeInOrder answers r from n zones of one name, as plugins that keep
// several copies of a zone (route53, azure, clouddns: one per hosted zone)
// do. zone(i) returns the i-th zone. The zones are asked in order: the first
// that has the name (records of the type, or of other types only) answers,
// else the last one does. With byDelegation a zone that delegates the name
// answers too (a referral), and only a name error or a failure goes to next;
// without it, any answer without records goes to next, when f says so for
// the name. name is the calling plugin's.
func ServeInOrder(ctx context.Context, name string, next plugin.Handler, f fall.F, byDelegation bool, w dns.ResponseWriter, r *dns.Msg, n int, zone func(i int) *Zone) (int, error) {
	state := request.Request{W: w, Req: r}
	qname := state.Name()
	if n == 0 {
		return dns.RcodeServerFailure, nil
	}

	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true

	var result Result
	for i := range n {
		m.Answer, m.Ns, m.Extra, result = zone(i).Lookup(ctx, state, qname)
		if len(m.Answer) != 0 || result == NoData || (byDelegation && result == Delegation) {
			break
		}
	}

	fallible := result != NoData
	if byDelegation {
		fallible = result == NameError || result == ServerFailure
	}
	if len(m.Answer) == 0 && fallible && f.Through(qname) {
		return plugin.NextOrFailure(name, next, ctx, w, r)
	}

	switch result {
	case NameError:
		m.Rcode = dns.RcodeNameError
	case Delegation:
		m.Authoritative = false
	case ServerFailure:
		return dns.RcodeServerFailure, nil
	}

	w.WriteMsg(m) //nolint:errcheck // the client is gone; nothing to do
	return dns.RcodeSuccess, nil
}
