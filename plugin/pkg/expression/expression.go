// Package expression provides the functions that CoreDNS expressions (the
// `expr` options of view and template) can call to inspect the query being
// answered. Expressions are written in the expr-lang language.
package expression

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/request"
)

// DefaultEnv returns the environment an expression is evaluated in: a map of
// function names to closures over state (and ctx, for metadata). Only the
// shape of the map matters when compiling, so callers may pass an empty
// request there.
func DefaultEnv(ctx context.Context, state *request.Request) map[string]any {
	return map[string]any{
		"incidr": incidr,
		"metadata": func(label string) string {
			if f := metadata.ValueFunc(ctx, label); f != nil {
				return f()
			}
			return ""
		},
		"type":        state.Type,
		"name":        state.Name,
		"class":       state.Class,
		"proto":       state.Proto,
		"size":        state.Len,
		"client_ip":   state.IP,
		"port":        state.Port,
		"client_port": state.Port,
		"id":          func() int { return int(state.Req.Id) },
		"opcode":      func() int { return state.Req.Opcode },
		"do":          state.Do,
		"bufsize":     state.Size,
		"server_ip":   state.LocalIP,
		"server_port": state.LocalPort,
	}
}

var (
	errBadIP   = errors.New("incidr: invalid IP address")
	errBadCIDR = errors.New("incidr: invalid CIDR")
)

// incidr reports whether ip lies in cidr. Brackets around an IPv6 address
// are accepted.
func incidr(ip, cidr string) (bool, error) {
	addr := net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(ip, "["), "]"))
	if addr == nil {
		return false, errBadIP
	}
	_, n, err := net.ParseCIDR(cidr)
	if err != nil {
		return false, errBadCIDR
	}
	return n.Contains(addr), nil
}
