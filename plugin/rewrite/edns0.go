package rewrite

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/coredns/coredns/plugin/metadata"

	"github.com/miekg/dns"
)

// Actions of the edns0 rules.
const (
	Replace = "replace"
	Set     = "set"
	Append  = "append"
	Unset   = "unset"
)

type edns0Action uint8

const (
	actionSet edns0Action = iota
	actionAppend
	actionReplace
	actionUnset
)

var edns0Actions = map[string]edns0Action{
	Set:     actionSet,
	Append:  actionAppend,
	Replace: actionReplace,
	Unset:   actionUnset,
}

type edns0Kind uint8

const (
	edns0Local edns0Kind = iota
	edns0NSID
	edns0Subnet
)

// The variables an EDNS0 local option's data may be.
const (
	varQueryName  = "{qname}"
	varQueryType  = "{qtype}"
	varClientIP   = "{client_ip}"
	varClientPort = "{client_port}"
	varProtocol   = "{protocol}"
	varServerIP   = "{server_ip}"
	varServerPort = "{server_port}"
)

var edns0Variables = map[string]bool{
	varQueryName: true, varQueryType: true, varClientIP: true, varClientPort: true,
	varProtocol: true, varServerIP: true, varServerPort: true,
}

// edns0Rule sets, appends, replaces or removes an EDNS0 option of the
// query. Options match on their code.
type edns0Rule struct {
	ruleMode
	kind     edns0Kind
	action   edns0Action
	code     uint16
	data     []byte // local: fixed data
	variable string // local: a {variable} or metadata label instead of data
	v4, v6   uint8  // subnet: source prefix lengths
	revert   bool   // take the change out of the reply
}

// newEdns0Rule parses the arguments that follow "edns0":
//
//	local ACTION CODE DATA [revert]
//	local unset CODE
//	nsid ACTION [revert]
//	subnet ACTION V4BITS V6BITS [revert]
//	subnet unset
func newEdns0Rule(mode string, args []string) (Rule, error) {
	if len(args) < 2 {
		return nil, errors.New("edns0 rules need an option type (local, nsid or subnet) and an action")
	}
	rule := &edns0Rule{ruleMode: ruleMode{mode}}
	action, ok := edns0Actions[strings.ToLower(args[1])]
	if !ok {
		return nil, fmt.Errorf("invalid edns0 action %q, expected one of set, append, replace or unset", args[1])
	}
	rule.action = action
	rest := args[2:]
	if n := len(rest); n > 0 && strings.EqualFold(rest[n-1], "revert") {
		rule.revert = true
		rest = rest[:n-1]
	}

	var err error
	switch strings.ToLower(args[0]) {
	case "local":
		err = rule.parseLocal(rest)
	case "nsid":
		rule.kind = edns0NSID
		rule.code = dns.EDNS0NSID
		if len(rest) != 0 {
			err = errors.New("edns0 nsid takes no arguments")
		}
	case "subnet":
		err = rule.parseSubnet(rest)
	default:
		err = fmt.Errorf("invalid edns0 option type %q, expected one of local, nsid or subnet", args[0])
	}
	if err != nil {
		return nil, err
	}
	return rule, nil
}

// parseLocal reads CODE DATA, or CODE alone for unset.
func (rule *edns0Rule) parseLocal(args []string) error {
	rule.kind = edns0Local
	switch {
	case rule.action == actionUnset && len(args) != 1:
		return errors.New("edns0 local unset needs exactly one argument, the option code")
	case rule.action != actionUnset && len(args) != 2:
		return errors.New("edns0 local needs exactly two arguments, the option code and its data")
	}
	code, err := strconv.ParseUint(args[0], 0, 16)
	if err != nil {
		return fmt.Errorf("invalid edns0 local option code %q", args[0])
	}
	rule.code = uint16(code)
	if rule.action == actionUnset {
		return nil
	}
	return rule.parseLocalData(args[1])
}

// parseSubnet reads V4BITS V6BITS, or nothing for unset.
func (rule *edns0Rule) parseSubnet(args []string) error {
	rule.kind = edns0Subnet
	rule.code = dns.EDNS0SUBNET
	if rule.action == actionUnset {
		if len(args) != 0 {
			return errors.New("edns0 subnet unset takes no arguments")
		}
		return nil
	}
	if len(args) != 2 {
		return errors.New("edns0 subnet needs exactly two arguments, the IPv4 and the IPv6 prefix length")
	}
	v4, err := strconv.ParseUint(args[0], 10, 8)
	if err != nil || v4 > net.IPv4len*8 {
		return fmt.Errorf("invalid IPv4 prefix length %q, expected 0 to 32", args[0])
	}
	v6, err := strconv.ParseUint(args[1], 10, 8)
	if err != nil || v6 > net.IPv6len*8 {
		return fmt.Errorf("invalid IPv6 prefix length %q, expected 0 to 128", args[1])
	}
	rule.v4, rule.v6 = uint8(v4), uint8(v6)
	return nil
}

// parseLocalData reads the data of a local option: 0x followed by hex, a
// {variable}, a {plugin/label} of metadata, or plain text.
func (rule *edns0Rule) parseLocalData(s string) error {
	if len(s) > 2 && s[0] == '{' && s[len(s)-1] == '}' {
		if edns0Variables[s] || metadata.IsLabel(s[1:len(s)-1]) {
			rule.variable = s
			return nil
		}
		return fmt.Errorf("unsupported edns0 local variable %q", s)
	}
	if h, ok := strings.CutPrefix(s, "0x"); ok {
		b, err := hex.DecodeString(h)
		if err != nil {
			return fmt.Errorf("invalid hex data %q for edns0 local option", s)
		}
		rule.data = b
		return nil
	}
	rule.data = []byte(s)
	return nil
}

// Options can be added to every query.
func (rule *edns0Rule) mayApply(*dns.Msg, string) bool { return true }

func (rule *edns0Rule) rewrite(q *query) (bool, error) {
	idx := -1
	if cur := q.req.IsEdns0(); cur != nil {
		idx = findOption(cur, rule.code)
	}
	switch rule.action {
	case actionAppend:
		if idx >= 0 {
			return false, nil
		}
	case actionReplace, actionUnset:
		if idx < 0 {
			return false, nil
		}
	}
	var opt dns.EDNS0
	if rule.action != actionUnset {
		opt = rule.option(q)
		if opt == nil {
			return false, nil
		}
	}

	o := q.ownOPT()
	var prev dns.EDNS0
	if idx >= 0 {
		prev = o.Option[idx]
	}
	switch {
	case rule.action == actionUnset:
		kept := o.Option[:0]
		for _, e := range o.Option {
			if e.Option() != rule.code {
				kept = append(kept, e)
			}
		}
		o.Option = kept
	case idx >= 0:
		o.Option[idx] = opt
	default:
		o.Option = append(o.Option, opt)
	}
	if rule.revert {
		q.addResponse(&edns0Revert{code: rule.code, prev: prev})
	}
	return true, nil
}

// option builds the option to put in the query, or nil when there is none.
func (rule *edns0Rule) option(q *query) dns.EDNS0 {
	switch rule.kind {
	case edns0NSID:
		return &dns.EDNS0_NSID{Code: dns.EDNS0NSID}
	case edns0Subnet:
		return rule.subnet(q)
	}
	data := rule.data
	if rule.variable != "" {
		data = rule.variableData(q)
	}
	return &dns.EDNS0_LOCAL{Code: rule.code, Data: data}
}

// subnet returns the client subnet option for the client's address.
func (rule *edns0Rule) subnet(q *query) dns.EDNS0 {
	ip := addrIP(q.client.RemoteAddr())
	if ip == nil {
		return nil
	}
	e := &dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET}
	if ip4 := ip.To4(); ip4 != nil {
		e.Family = 1
		e.SourceNetmask = rule.v4
		e.Address = ip4.Mask(net.CIDRMask(int(rule.v4), net.IPv4len*8))
	} else {
		e.Family = 2
		e.SourceNetmask = rule.v6
		e.Address = ip.Mask(net.CIDRMask(int(rule.v6), net.IPv6len*8))
	}
	return e
}

// variableData returns the wire form of the rule's variable: names and
// the protocol as text, types and ports as 16-bit numbers, addresses as
// 4 or 16 bytes. A metadata label without a value gives empty data.
func (rule *edns0Rule) variableData(q *query) []byte {
	switch rule.variable {
	case varQueryName:
		return []byte(q.req.Question[0].Name)
	case varQueryType:
		return binary.BigEndian.AppendUint16(nil, q.req.Question[0].Qtype)
	case varClientIP:
		return ipData(addrIP(q.client.RemoteAddr()))
	case varClientPort:
		return portData(q.client.RemoteAddr())
	case varProtocol:
		if _, ok := q.client.RemoteAddr().(*net.TCPAddr); ok {
			return []byte("tcp")
		}
		return []byte("udp")
	case varServerIP:
		return ipData(addrIP(q.client.LocalAddr()))
	case varServerPort:
		return portData(q.client.LocalAddr())
	}
	if f := metadata.ValueFunc(q.ctx, rule.variable[1:len(rule.variable)-1]); f != nil {
		return []byte(f())
	}
	return []byte{}
}

func ipData(ip net.IP) []byte {
	if ip4 := ip.To4(); ip4 != nil {
		return []byte(ip4)
	}
	return []byte(ip.To16())
}

func portData(a net.Addr) []byte {
	port := 0
	switch v := a.(type) {
	case *net.UDPAddr:
		port = v.Port
	case *net.TCPAddr:
		port = v.Port
	default:
		if a != nil {
			if _, p, err := net.SplitHostPort(a.String()); err == nil {
				port, _ = strconv.Atoi(p)
			}
		}
	}
	return binary.BigEndian.AppendUint16(nil, uint16(port)) //nolint:gosec // ports fit in 16 bits
}

// addrIP returns the IP address of a, or nil.
func addrIP(a net.Addr) net.IP {
	switch v := a.(type) {
	case *net.UDPAddr:
		return v.IP
	case *net.TCPAddr:
		return v.IP
	case nil:
		return nil
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		host = a.String()
	}
	return net.ParseIP(host)
}

func findOption(o *dns.OPT, code uint16) int {
	for i, e := range o.Option {
		if e.Option() == code {
			return i
		}
	}
	return -1
}

// ownOPT returns the OPT record of the query copy, making it private first
// (and adding one when the query has none).
func (q *query) ownOPT() *dns.OPT {
	if q.opt != nil {
		return q.opt
	}
	extra := make([]dns.RR, len(q.req.Extra), len(q.req.Extra)+1)
	copy(extra, q.req.Extra)
	for i := len(extra) - 1; i >= 0; i-- {
		if o, ok := extra[i].(*dns.OPT); ok {
			c := *o
			c.Option = append([]dns.EDNS0(nil), o.Option...)
			extra[i] = &c
			q.opt = &c
			break
		}
	}
	if q.opt == nil {
		o := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}}
		o.SetUDPSize(dns.DefaultMsgSize)
		extra = append(extra, o)
		q.opt = o
		q.optNew = true
	}
	q.req.Extra = extra
	return q.opt
}

// edns0Revert takes an option the query got from a rule out of the reply:
// it gets back the value it had before the rule, or goes.
type edns0Revert struct {
	code uint16
	prev dns.EDNS0 // nil when the query did not have the option
}

func (r *edns0Revert) rewriteResponse(q *query, m *dns.Msg) {
	for i := len(m.Extra) - 1; i >= 0; i-- {
		o, ok := m.Extra[i].(*dns.OPT)
		if !ok {
			continue
		}
		if findOption(o, r.code) < 0 {
			return
		}
		c := *o
		c.Option = make([]dns.EDNS0, 0, len(o.Option))
		placed := r.prev == nil
		for _, e := range o.Option {
			switch {
			case e.Option() != r.code:
				c.Option = append(c.Option, e)
			case !placed:
				c.Option = append(c.Option, r.prev)
				placed = true
			}
		}
		if !q.own[2] {
			m.Extra = append([]dns.RR(nil), m.Extra...)
			q.own[2] = true
		}
		m.Extra[i] = &c
		return
	}
}
