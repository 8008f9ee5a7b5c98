package azure

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/fall"
	clog "github.com/coredns/coredns/plugin/pkg/log"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/dns/armdns"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/privatedns/armprivatedns"
)

var log = clog.NewWithPlugin("azure")

func init() { plugin.Register("azure", setup) }

// Test hooks for end-to-end tests that imitate the Azure API on loopback:
// when TestCredential is set it replaces the Corefile's service principal,
// and TestClientOptions, when set, replace the options of the SDK clients
// (endpoint, transport). Leave both nil in production.
var (
	TestCredential    azcore.TokenCredential
	TestClientOptions *arm.ClientOptions
)

// loadTimeout bounds the first load of the zones during setup.
const loadTimeout = 30 * time.Second

// config is what the Corefile says.
type config struct {
	zones        []*hostedZone
	tenant       string
	client       string
	secret       string
	subscription string
	cloud        cloud.Configuration
	fall         fall.F
}

// newAPIs builds the clients of the Azure SDK; tests replace it.
var newAPIs = sdkAPIs

func setup(c *caddy.Controller) error {
	cfg, err := parse(c)
	if err != nil {
		return plugin.Error("azure", err)
	}
	public, private, err := newAPIs(cfg)
	if err != nil {
		return plugin.Error("azure", err)
	}
	a := newAzure(public, private, cfg.zones)
	a.Fall = cfg.fall

	ctx, cancel := context.WithCancel(context.Background())
	lctx, lcancel := context.WithTimeout(ctx, loadTimeout)
	err = a.check(lctx)
	if err == nil {
		err = a.updateZones(lctx)
	}
	lcancel()
	if err != nil {
		cancel()
		return plugin.Error("azure", err)
	}

	var once sync.Once
	c.OnStartup(func() error {
		once.Do(func() { go a.refresh(ctx) })
		return nil
	})
	c.OnShutdown(func() error {
		cancel()
		return nil
	})

	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		a.Next = next
		return a
	})
	return nil
}

// environments maps the names the environment option accepts (compared
// without regard to case) to the Azure clouds of the SDK.
var environments = map[string]cloud.Configuration{
	"azurepubliccloud":       cloud.AzurePublic,
	"azurepublic":            cloud.AzurePublic,
	"azurechinacloud":        cloud.AzureChina,
	"azurechina":             cloud.AzureChina,
	"azureusgovernmentcloud": cloud.AzureGovernment,
	"azureusgovernment":      cloud.AzureGovernment,
	"azuregovernment":        cloud.AzureGovernment,
}

// parse reads every azure directive of the server block.
func parse(c *caddy.Controller) (config, error) {
	cfg := config{cloud: cloud.AzurePublic}
	seen := map[string]bool{}
	for c.Next() {
		args := c.RemainingArgs()
		var mine []*hostedZone
		for _, arg := range args {
			group, zone, ok := strings.Cut(arg, ":")
			zone = strings.TrimSuffix(zone, ".")
			if !ok || group == "" || zone == "" {
				return cfg, c.Errf("invalid resource group/zone: %q", arg)
			}
			key := strings.ToLower(group + ":" + zone)
			if seen[key] {
				return cfg, c.Errf("conflicting zone: %q", arg)
			}
			seen[key] = true
			mine = append(mine, &hostedZone{resourceGroup: group, name: zone})
		}
		for c.NextBlock() {
			switch c.Val() {
			case "tenant", "client", "secret", "subscription":
				opt := c.Val()
				if !c.NextArg() {
					return cfg, c.ArgErr()
				}
				v := c.Val()
				if c.NextArg() {
					return cfg, c.ArgErr()
				}
				switch opt {
				case "tenant":
					cfg.tenant = v
				case "client":
					cfg.client = v
				case "secret":
					cfg.secret = v
				default:
					cfg.subscription = v
				}
			case "environment":
				if !c.NextArg() {
					return cfg, c.ArgErr()
				}
				env, ok := environments[strings.ToLower(c.Val())]
				if !ok {
					return cfg, c.Errf("unknown environment %q", c.Val())
				}
				cfg.cloud = env
				if c.NextArg() {
					return cfg, c.ArgErr()
				}
			case "fallthrough":
				cfg.fall.SetZonesFromArgs(c.RemainingArgs())
			case "access":
				if !c.NextArg() {
					return cfg, c.ArgErr()
				}
				access := c.Val()
				if access != "public" && access != "private" {
					return cfg, c.Errf("invalid access value: can be public/private, found: %s", access)
				}
				if c.NextArg() {
					return cfg, c.ArgErr()
				}
				for _, hz := range mine {
					hz.private = access == "private"
				}
			default:
				return cfg, c.Errf("unknown property %q", c.Val())
			}
		}
		cfg.zones = append(cfg.zones, mine...)
	}
	if len(cfg.zones) == 0 {
		return cfg, c.Err("at least one RESOURCE_GROUP:ZONE is required")
	}
	if cfg.subscription == "" {
		return cfg, c.Err("subscription is required")
	}
	set := 0
	for _, v := range []string{cfg.tenant, cfg.client, cfg.secret} {
		if v != "" {
			set++
		}
	}
	if set != 0 && set != 3 {
		return cfg, c.Err("tenant, client and secret must be given together")
	}
	return cfg, nil
}

// sdkAPIs builds the SDK clients the configured zones need.
func sdkAPIs(cfg config) (publicAPI, privateAPI, error) {
	cred, err := credential(cfg)
	if err != nil {
		return nil, nil, err
	}
	opts := &arm.ClientOptions{}
	opts.Cloud = cfg.cloud
	if TestClientOptions != nil {
		opts = TestClientOptions
	}
	var (
		public  publicAPI
		private privateAPI
	)
	for _, hz := range cfg.zones {
		switch {
		case hz.private && private == nil:
			f, err := armprivatedns.NewClientFactory(cfg.subscription, cred, opts)
			if err != nil {
				return nil, nil, err
			}
			private = privateClient{zones: f.NewPrivateZonesClient(), sets: f.NewRecordSetsClient()}
		case !hz.private && public == nil:
			f, err := armdns.NewClientFactory(cfg.subscription, cred, opts)
			if err != nil {
				return nil, nil, err
			}
			public = publicClient{zones: f.NewZonesClient(), sets: f.NewRecordSetsClient()}
		}
	}
	return public, private, nil
}

// credential is the service principal of the Corefile, or, when it names
// none, the SDK's default chain (environment, workload or managed identity).
func credential(cfg config) (azcore.TokenCredential, error) {
	if TestCredential != nil {
		return TestCredential, nil
	}
	copts := azcore.ClientOptions{Cloud: cfg.cloud}
	if cfg.tenant == "" {
		cred, err := azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{ClientOptions: copts})
		if err != nil {
			return nil, errors.Join(errors.New("no tenant, client and secret given and no default credential found"), err)
		}
		return cred, nil
	}
	return azidentity.NewClientSecretCredential(cfg.tenant, cfg.client, cfg.secret,
		&azidentity.ClientSecretCredentialOptions{ClientOptions: copts})
}
