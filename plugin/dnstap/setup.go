package dnstap

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/plugin/pkg/replacer"
)

var log = clog.NewWithPlugin(name)

func init() { plugin.Register(name, setup) }

// config is one dnstap directive.
type config struct {
	proto      string // "unix", "tcp" or "tls"
	endpoint   string
	full       bool
	writeBuf   int
	queue      int
	identity   string
	version    string
	extra      string
	skipVerify bool
}

func setup(c *caddy.Controller) error {
	confs, err := parse(c)
	if err != nil {
		return plugin.Error(name, err)
	}
	for _, conf := range confs {
		w := newWriter(conf.proto, conf.endpoint, conf.skipVerify, conf.writeBuf, conf.queue, log)
		d := &Dnstap{
			IncludeRawMessage:   conf.full,
			Identity:            []byte(conf.identity),
			Version:             []byte(conf.version),
			ExtraFormat:         conf.extra,
			MultipleTcpWriteBuf: conf.writeBuf,
			MultipleQueue:       conf.queue,
			io:                  w,
			repl:                replacer.New(),
		}
		c.OnStartup(func() error { w.start(); return nil })
		c.OnShutdown(func() error { w.stop(); return nil })
		dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
			d.Next = next
			return d
		})
	}
	return nil
}

// parse reads every "dnstap SOCKET [full] [WRITEBUFFER] [QUEUE] { ... }" of
// the server block.
func parse(c *caddy.Controller) ([]config, error) {
	var confs []config
	for c.Next() {
		conf, err := parseOne(c)
		if err != nil {
			return nil, err
		}
		confs = append(confs, conf)
	}
	return confs, nil
}

// parseOne reads one directive; c is on its name.
func parseOne(c *caddy.Controller) (config, error) {
	conf := config{writeBuf: 1, queue: 1, version: caddy.AppName + "-" + caddy.AppVersion}
	if h, err := os.Hostname(); err == nil {
		conf.identity = h
	}

	args := c.RemainingArgs()
	if len(args) == 0 || len(args) > 4 {
		return conf, c.ArgErr()
	}
	var err error
	if conf.proto, conf.endpoint, err = parseSocket(args[0]); err != nil {
		return conf, c.Err(err.Error())
	}
	args = args[1:]
	if len(args) > 0 && args[0] == "full" {
		conf.full = true
		args = args[1:]
	}
	multiples := []*int{&conf.writeBuf, &conf.queue}
	if len(args) > len(multiples) {
		return conf, c.ArgErr()
	}
	for i, a := range args {
		n, err := strconv.Atoi(a)
		if err != nil || n < 1 {
			return conf, c.Errf("invalid %s %q: want a positive integer", [...]string{"write buffer", "queue"}[i], a)
		}
		*multiples[i] = n
	}

	for c.NextBlock() {
		if err := parseOption(c, &conf); err != nil {
			return conf, err
		}
	}
	return conf, nil
}

// parseOption reads one option of the block.
func parseOption(c *caddy.Controller, conf *config) error {
	opt := c.Val()
	args := c.RemainingArgs()
	switch opt {
	case "identity", "version", "extra":
		if len(args) != 1 {
			return c.ArgErr()
		}
		switch opt {
		case "identity":
			conf.identity = args[0]
		case "version":
			conf.version = args[0]
		default:
			conf.extra = args[0]
		}
	case "skipverify":
		if len(args) != 0 {
			return c.ArgErr()
		}
		conf.skipVerify = true
	default:
		return c.Errf("unknown property %q", opt)
	}
	return nil
}

// parseSocket splits SOCKET into a transport and an endpoint: a path for
// unix sockets (with or without unix://), host:port for tcp:// and tls://.
func parseSocket(s string) (string, string, error) {
	proto, endpoint, found := strings.Cut(s, "://")
	if !found {
		proto, endpoint = "unix", s
	}
	switch proto {
	case "unix":
		if endpoint == "" {
			return "", "", fmt.Errorf("empty unix socket path in %q", s)
		}
	case "tcp", "tls":
		host, port, err := net.SplitHostPort(endpoint)
		if err != nil || host == "" || port == "" {
			return "", "", fmt.Errorf("invalid %s endpoint %q: want host:port", proto, endpoint)
		}
	default:
		return "", "", fmt.Errorf("unknown socket type %q in %q: want unix, tcp or tls", proto, s)
	}
	return proto, endpoint, nil
}
