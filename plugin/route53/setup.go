package route53

import (
	"context"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/fall"
	clog "github.com/coredns/coredns/plugin/pkg/log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/miekg/dns"
)

var log = clog.NewWithPlugin("route53")

// defaultRegion signs requests when no region is configured: Route 53 is a
// global service served from us-east-1.
const defaultRegion = "us-east-1"

func init() { plugin.Register("route53", setup) }

// options is what the Corefile says about one route53 block.
type options struct {
	keys     map[string][]string // hosted zone IDs by zone name
	names    []string            // zone names in Corefile order
	fall     fall.F
	refresh  time.Duration
	endpoint string
	// Static keys from aws_access_key, or the shared credentials profile
	// and file from credentials.
	accessKey, secretKey string
	profile, filename    string
}

// NewClient builds the Route 53 client for the parsed options. Tests replace
// it to serve from a fake.
var NewClient = func(ctx context.Context, o ClientOptions) (Client, error) {
	var opts []func(*config.LoadOptions) error
	if o.AccessKey != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(o.AccessKey, o.SecretKey, "")))
	} else if o.Profile != "" || o.Filename != "" {
		if o.Profile != "" {
			opts = append(opts, config.WithSharedConfigProfile(o.Profile))
		}
		if o.Filename != "" {
			opts = append(opts, config.WithSharedCredentialsFiles([]string{o.Filename}))
		}
		if !truthy(os.Getenv("AWS_SDK_LOAD_CONFIG")) {
			opts = append(opts, config.WithSharedConfigFiles([]string{}))
		}
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, err
	}
	if cfg.Region == "" {
		cfg.Region = defaultRegion
	}
	return route53.NewFromConfig(cfg, func(ro *route53.Options) {
		if o.Endpoint != "" {
			ro.BaseEndpoint = aws.String(o.Endpoint)
		}
	}), nil
}

// ClientOptions are the settings NewClient gets from the Corefile.
type ClientOptions struct {
	Endpoint             string
	AccessKey, SecretKey string
	Profile, Filename    string
}

func truthy(s string) bool {
	b, err := strconv.ParseBool(s)
	return err == nil && b
}

func setup(c *caddy.Controller) error {
	for c.Next() {
		o, err := parse(c)
		if err != nil {
			return plugin.Error("route53", err)
		}
		if err := start(c, o); err != nil {
			return plugin.Error("route53", err)
		}
	}
	return nil
}

// start creates the client and the handler, loads the hosted zones and
// wires the handler into the server.
func start(c *caddy.Controller, o *options) error {
	ctx, cancel := context.WithCancel(context.Background())
	client, err := NewClient(ctx, ClientOptions{
		Endpoint:  o.endpoint,
		AccessKey: o.accessKey, SecretKey: o.secretKey,
		Profile: o.profile, Filename: o.filename,
	})
	if err != nil {
		cancel()
		return c.Errf("failed to create route53 client: %v", err)
	}
	h, err := New(ctx, client, o.keys, o.names, o.refresh)
	if err != nil {
		cancel()
		return c.Errf("failed to create route53 plugin: %v", err)
	}
	h.Fall = o.fall
	if err := h.Run(ctx); err != nil {
		cancel()
		return c.Errf("failed to initialize route53 plugin: %v", err)
	}
	c.OnShutdown(func() error { cancel(); return nil })

	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		h.Next = next
		return h
	})
	return nil
}

// parse reads one route53 directive with its block.
func parse(c *caddy.Controller) (*options, error) {
	o := &options{keys: map[string][]string{}, refresh: time.Minute}

	seen := map[string]bool{}
	for _, arg := range c.RemainingArgs() {
		name, id, ok := strings.Cut(arg, ":")
		if !ok || name == "" || id == "" || strings.Contains(id, ":") {
			return nil, c.Errf("invalid zone %q", arg)
		}
		name = dns.Fqdn(strings.ToLower(name))
		if _, ok := dns.IsDomainName(name); !ok {
			return nil, c.Errf("invalid zone %q", arg)
		}
		if seen[name+id] {
			return nil, c.Errf("conflict zone %q", arg)
		}
		seen[name+id] = true
		if _, ok := o.keys[name]; !ok {
			o.names = append(o.names, name)
		}
		o.keys[name] = append(o.keys[name], id)
	}

	for c.NextBlock() {
		if err := parseOption(c, o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// parseOption reads one line of the block.
func parseOption(c *caddy.Controller, o *options) error {
	switch c.Val() {
	case "aws_access_key":
		v := c.RemainingArgs()
		if len(v) != 2 {
			return c.Errf("invalid access key: '%v'", v)
		}
		o.accessKey, o.secretKey = v[0], v[1]
		log.Warning("aws_access_key in the Corefile is deprecated: pass credentials through the environment or a shared credentials file instead")
	case "aws_endpoint":
		if !c.NextArg() {
			return c.ArgErr()
		}
		o.endpoint = c.Val()
		if c.NextArg() {
			return c.ArgErr()
		}
	case "upstream":
		// Deprecated and ignored: CNAME targets outside the zones are
		// always resolved through the server itself.
		c.RemainingArgs()
	case "credentials":
		if !c.NextArg() {
			return c.ArgErr()
		}
		o.profile = c.Val()
		if c.NextArg() {
			o.filename = c.Val()
			if c.NextArg() {
				return c.ArgErr()
			}
		}
	case "fallthrough":
		o.fall.SetZonesFromArgs(c.RemainingArgs())
	case "refresh":
		if !c.NextArg() {
			return c.ArgErr()
		}
		s := c.Val()
		if c.NextArg() {
			return c.ArgErr()
		}
		if _, err := strconv.Atoi(s); err == nil {
			s += "s"
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return c.Errf("unable to parse duration: %v", err)
		}
		if d <= 0 {
			return c.Errf("refresh interval must be greater than 0: %q", s)
		}
		o.refresh = d
	default:
		return c.Errf("unknown property %q", c.Val())
	}
	return nil
}
