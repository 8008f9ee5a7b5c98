package clouddns

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/fall"
	clog "github.com/coredns/coredns/plugin/pkg/log"

	"github.com/miekg/dns"
	gdns "google.golang.org/api/dns/v1"
	"google.golang.org/api/option"
)

var log = clog.NewWithPlugin("clouddns")

func init() { plugin.Register("clouddns", setup) }

// TestClientOptions, when set, replace the client options the Corefile
// implies (credentials): end-to-end tests point the SDK at an imitation of
// the API on loopback with option.WithEndpoint and option.WithoutAuthentication.
// Leave it nil in production.
var TestClientOptions []option.ClientOption

// loadTimeout bounds the first load of the zones during setup.
const loadTimeout = 30 * time.Second

// config is what the Corefile says.
type config struct {
	keys []zoneKey
	opts []option.ClientOption
	fall fall.F
}

// newClient builds the Cloud DNS client; tests replace it.
var newClient = func(ctx context.Context, opts []option.ClientOption) (gcpDNS, error) {
	if TestClientOptions != nil {
		opts = TestClientOptions
	}
	svc, err := gdns.NewService(ctx, opts...)
	if err != nil {
		return nil, err
	}
	return client{svc: svc}, nil
}

func setup(c *caddy.Controller) error {
	cfg, err := parse(c)
	if err != nil {
		return plugin.Error("clouddns", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cl, err := newClient(ctx, cfg.opts)
	if err != nil {
		cancel()
		return plugin.Error("clouddns", err)
	}
	h := newCloudDNS(cl, cfg.keys)
	h.Fall = cfg.fall

	lctx, lcancel := context.WithTimeout(ctx, loadTimeout)
	err = h.check(lctx)
	if err == nil {
		err = h.updateZones(lctx)
	}
	lcancel()
	if err != nil {
		cancel()
		return plugin.Error("clouddns", err)
	}

	var once sync.Once
	c.OnStartup(func() error {
		once.Do(func() { go h.refresh(ctx) })
		return nil
	})
	c.OnShutdown(func() error {
		cancel()
		return nil
	})

	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		h.Next = next
		return h
	})
	return nil
}

// parse reads every clouddns directive of the server block.
func parse(c *caddy.Controller) (config, error) {
	var cfg config
	seen := map[zoneKey]bool{}
	for c.Next() {
		for _, arg := range c.RemainingArgs() {
			parts := strings.SplitN(arg, ":", 3)
			if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
				return cfg, c.Errf("invalid zone %q", arg)
			}
			if _, ok := dns.IsDomainName(parts[0]); !ok {
				return cfg, c.Errf("invalid zone %q", arg)
			}
			k := zoneKey{dnsName: dns.CanonicalName(parts[0]), project: parts[1], hostedZone: parts[2]}
			if seen[k] {
				return cfg, c.Errf("conflicting zone %q", arg)
			}
			seen[k] = true
			cfg.keys = append(cfg.keys, k)
		}
		for c.NextBlock() {
			switch c.Val() {
			case "credentials":
				if !c.NextArg() {
					return cfg, c.ArgErr()
				}
				path := c.Val()
				if c.NextArg() {
					return cfg, c.ArgErr()
				}
				opt, err := credentialsFile(path)
				if err != nil {
					return cfg, c.Errf("credentials: %v", err)
				}
				cfg.opts = []option.ClientOption{opt}
			case "fallthrough":
				cfg.fall.SetZonesFromArgs(c.RemainingArgs())
			default:
				return cfg, c.Errf("unknown property %q", c.Val())
			}
		}
	}
	return cfg, nil
}

// credentialsFile reads the type of the JSON credentials in path so the
// SDK loads them as that type only.
func credentialsFile(path string) (option.ClientOption, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, err
	}
	switch t := option.CredentialsType(head.Type); t {
	case option.ServiceAccount, option.AuthorizedUser, option.ImpersonatedServiceAccount, option.ExternalAccount:
		return option.WithAuthCredentialsFile(t, path), nil
	default:
		return nil, &typeError{path: path, typ: head.Type}
	}
}

type typeError struct{ path, typ string }

func (e *typeError) Error() string {
	return "file " + e.path + ": unsupported credentials type " + `"` + e.typ + `"`
}
