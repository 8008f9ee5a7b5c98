package trace

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	clog "github.com/coredns/coredns/plugin/pkg/log"
)

const name = "trace"

var log = clog.NewWithPlugin(name)

func init() { plugin.Register(name, setup) }

func setup(c *caddy.Controller) error {
	t, err := parse(c)
	if err != nil {
		return plugin.Error(name, err)
	}

	cfg := dnsserver.GetConfig(c)
	t.config = cfg // for the addresses reported as the local endpoint

	c.OnStartup(t.OnStartup)
	c.OnShutdown(t.OnShutdown)

	cfg.AddPlugin(func(next plugin.Handler) plugin.Handler {
		t.Next = next
		return t
	})
	return nil
}

// parse reads
//
//	trace [ENDPOINT-TYPE] [ENDPOINT] {
//	    every AMOUNT
//	    service NAME
//	    client_server [BOOL]
//	    datadog_analytics_rate RATE
//	    zipkin_max_backlog_size SIZE
//	    zipkin_max_batch_size SIZE
//	    zipkin_max_batch_interval DURATION
//	}
func parse(c *caddy.Controller) (*Trace, error) {
	t := &Trace{
		EndpointType:     defaultEndpointType,
		Endpoint:         defaultEndpoint,
		every:            1,
		serviceName:      defaultServiceName,
		maxBacklogSize:   defaultMaxBacklogSize,
		maxBatchSize:     defaultMaxBatchSize,
		maxBatchInterval: defaultMaxBatchInterval,
	}
	seen := false
	for c.Next() {
		if seen {
			return nil, plugin.ErrOnce
		}
		seen = true

		args := c.RemainingArgs()
		switch len(args) {
		case 0:
		case 1:
			t.Endpoint = args[0]
		case 2:
			t.EndpointType = strings.ToLower(args[0])
			t.Endpoint = args[1]
		default:
			return nil, c.ArgErr()
		}
		switch t.EndpointType {
		case "zipkin":
			t.Endpoint = zipkinURL(t.Endpoint)
		case "datadog":
			return nil, c.Errf("endpoint type %q is not supported in this build: only zipkin is", t.EndpointType)
		default:
			return nil, c.Errf("unknown endpoint type %q: want zipkin or datadog", t.EndpointType)
		}

		for c.NextBlock() {
			if err := parseOption(c, t); err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}

// parseOption reads one line of the block; c is on the option's name.
func parseOption(c *caddy.Controller, t *Trace) error {
	opt := c.Val()
	args := c.RemainingArgs()
	if opt == "client_server" {
		switch len(args) {
		case 0:
			t.clientServer = true
		case 1:
			b, err := strconv.ParseBool(args[0])
			if err != nil {
				return c.Errf("client_server: %q is not a boolean", args[0])
			}
			t.clientServer = b
		default:
			return c.ArgErr()
		}
		return nil
	}
	if len(args) != 1 {
		return c.ArgErr()
	}
	arg := args[0]
	var err error
	switch opt {
	case "every":
		t.every, err = strconv.ParseUint(arg, 10, 64)
	case "service":
		t.serviceName = arg
	case "datadog_analytics_rate":
		t.analyticsRate, err = strconv.ParseFloat(arg, 64)
		if err == nil && (t.analyticsRate < 0 || t.analyticsRate > 1) {
			err = errors.New("must be between 0 and 1")
		}
	case "zipkin_max_backlog_size":
		t.maxBacklogSize, err = positiveInt(arg)
	case "zipkin_max_batch_size":
		t.maxBatchSize, err = positiveInt(arg)
	case "zipkin_max_batch_interval":
		t.maxBatchInterval, err = time.ParseDuration(arg)
		if err == nil && t.maxBatchInterval <= 0 {
			err = errors.New("must be positive")
		}
	default:
		return c.Errf("unknown property %q", opt)
	}
	if err != nil {
		return c.Errf("%s %q: %v", opt, arg, err)
	}
	return nil
}

func positiveInt(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, err
	}
	if n < 1 {
		return 0, fmt.Errorf("must be at least 1")
	}
	return n, nil
}

// zipkinURL turns a bare host:port into the URL of the collector's v2 span
// API; anything starting with "http" is taken as the full URL already.
func zipkinURL(ep string) string {
	if strings.HasPrefix(ep, "http") {
		return ep
	}
	return "http://" + ep + "/api/v2/spans"
}
