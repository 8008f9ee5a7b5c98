// Package tls configures the certificate the encrypted transports (tls://,
// https://, https3://, quic://, grpc://) present.
package tls

import (
	ctls "crypto/tls"
	"errors"
	"path/filepath"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/tls"
)

const pluginName = "tls"

func init() { plugin.Register(pluginName, setup) }

// clientAuth maps the client_auth values to crypto/tls policies.
var clientAuth = map[string]ctls.ClientAuthType{
	"nocert":             ctls.NoClientCert,
	"request":            ctls.RequestClientCert,
	"require":            ctls.RequireAnyClientCert,
	"verify_if_given":    ctls.VerifyClientCertIfGiven,
	"require_and_verify": ctls.RequireAndVerifyClientCert,
}

func setup(c *caddy.Controller) error {
	cfg := dnsserver.GetConfig(c)
	tc, err := parse(c, cfg.Root)
	if err != nil {
		return plugin.Error(pluginName, err)
	}
	if cfg.TLSConfig != nil {
		return plugin.Error(pluginName, c.Err("TLS already configured for this server instance"))
	}
	cfg.TLSConfig = tc
	return nil
}

// parse reads "tls CERT KEY [CA] { client_auth POLICY }". Relative file
// names are taken from root.
func parse(c *caddy.Controller, root string) (*ctls.Config, error) {
	var tc *ctls.Config
	for c.Next() {
		if tc != nil {
			return nil, plugin.ErrOnce
		}
		args := c.RemainingArgs()
		if len(args) < 2 || len(args) > 3 {
			return nil, c.ArgErr()
		}
		for i := range args {
			if root != "" && !filepath.IsAbs(args[i]) {
				args[i] = filepath.Join(root, args[i])
			}
		}
		auth := ctls.NoClientCert
		for c.NextBlock() {
			switch c.Val() {
			case "client_auth":
				v := c.RemainingArgs()
				if len(v) != 1 {
					return nil, c.ArgErr()
				}
				a, ok := clientAuth[v[0]]
				if !ok {
					return nil, c.Errf("unknown client_auth value '%s'", v[0])
				}
				auth = a
			default:
				return nil, c.Errf("unknown option '%s'", c.Val())
			}
		}
		var err error
		tc, err = tls.NewTLSConfigFromArgs(args...)
		if err != nil {
			return nil, c.Err(err.Error())
		}
		tc.ClientAuth = auth
	}
	if tc == nil {
		return nil, errors.New("no tls configuration")
	}
	return tc, nil
}
