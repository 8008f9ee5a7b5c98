package kubernetes

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/dnsutil"

	"github.com/miekg/dns"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

const pluginName = "kubernetes"

func init() { plugin.Register(pluginName, setup) }

func setup(c *caddy.Controller) error {
	routeKlog()
	k, err := kubernetesParse(c)
	if err != nil {
		return plugin.Error(pluginName, err)
	}
	if err := k.initKubeCache(); err != nil {
		return plugin.Error(pluginName, err)
	}

	cfg := dnsserver.GetConfig(c)
	k.localIPs = boundIPs(cfg.ListenHosts)
	k.autoPathSearch = searchFromResolvConf("/etc/resolv.conf")

	c.OnStartup(func() error {
		k.startAndWait()
		return nil
	})
	c.OnShutdown(func() error {
		k.apiConn.Stop()
		return nil
	})

	cfg.AddPlugin(func(next plugin.Handler) plugin.Handler {
		k.Next = next
		return k
	})
	return nil
}

// startAndWait starts the informers and waits up to startupTimeout for
// their initial lists; after that the server starts anyway and answers
// SERVFAIL for names it cannot yet tell apart from non-existent ones.
func (k *Kubernetes) startAndWait() {
	k.apiConn.Run()
	deadline := time.Now().Add(k.startupTimeout)
	for !k.apiConn.HasSynced() {
		if time.Now().After(deadline) {
			log.Warningf("Starting server with unsynced Kubernetes API after %s", k.startupTimeout)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// initKubeCache connects to the API server and builds the controller.
func (k *Kubernetes) initKubeCache() error {
	config, err := k.clientConfig()
	if err != nil {
		return err
	}
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		return fmt.Errorf("failed to create kubernetes client: %w", err)
	}
	var dyn dynamic.Interface
	if k.opts.multicluster {
		if dyn, err = dynamic.NewForConfig(config); err != nil {
			return fmt.Errorf("failed to create kubernetes dynamic client: %w", err)
		}
	}
	k.opts.podNames = k.endpointNameMode
	k.opts.initPodCache = k.podMode == podModeVerified
	k.opts.namespaces = k.Namespaces
	k.apiConn = newController(client, dyn, k.opts)
	return nil
}

// clientConfig returns the REST configuration: from the kubeconfig file,
// from endpoint (and tls), or in-cluster.
func (k *Kubernetes) clientConfig() (*rest.Config, error) {
	var (
		config *rest.Config
		err    error
	)
	switch {
	case k.KubeConfigFile != "":
		rules := &clientcmd.ClientConfigLoadingRules{ExplicitPath: k.KubeConfigFile}
		overrides := &clientcmd.ConfigOverrides{CurrentContext: k.KubeContext}
		config, err = clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).ClientConfig()
		if err != nil {
			return nil, fmt.Errorf("kubeconfig %s: %w", k.KubeConfigFile, err)
		}
	case len(k.APIServerList) > 0:
		config = &rest.Config{Host: k.APIServerList[0]}
		if k.APIClientCert != "" {
			config.TLSClientConfig = rest.TLSClientConfig{CertFile: k.APIClientCert, KeyFile: k.APIClientKey, CAFile: k.APICertAuth}
		}
	default:
		config, err = rest.InClusterConfig()
		if err != nil {
			return nil, fmt.Errorf("in-cluster configuration: %w", err)
		}
	}
	config.UserAgent = "coredns"
	if k.APIQPS > 0 {
		config.QPS = k.APIQPS
	}
	if k.APIBurst > 0 {
		config.Burst = k.APIBurst
	}
	if k.APIMaxInflight > 0 {
		config.Wrap(inflightLimiter(k.APIMaxInflight))
	}
	return config, nil
}

// kubernetesParse reads the kubernetes stanza of a server block.
func kubernetesParse(c *caddy.Controller) (*Kubernetes, error) {
	var k *Kubernetes
	for c.Next() {
		if k != nil {
			return nil, c.Err("this plugin can only be used once per Server Block")
		}
		zones := plugin.OriginsFromArgsOrServerBlock(c.RemainingArgs(), c.ServerBlockKeys)
		if len(zones) == 0 {
			return nil, c.Err("no zones to serve")
		}
		k = New(zones)
		for c.NextBlock() {
			if err := k.parseOption(c); err != nil {
				return nil, err
			}
		}
		if len(k.Namespaces) > 0 && k.opts.nsLabelSelector != "" {
			return nil, c.Err("namespaces and namespace_labels cannot both be set")
		}
		for _, mz := range k.multiclusterZones {
			if !inZones(mz, k.Zones) {
				return nil, c.Errf("multicluster zone %q is not one of the plugin's zones", mz)
			}
		}
	}
	if k == nil {
		return nil, errors.New("kubernetes stanza missing")
	}
	return k, nil
}

func inZones(z string, zones []string) bool {
	for _, x := range zones {
		if x == z {
			return true
		}
	}
	return false
}

// parseOption reads one option line of the block.
func (k *Kubernetes) parseOption(c *caddy.Controller) error {
	opt := c.Val()
	args := c.RemainingArgs()
	switch opt {
	case "endpoint":
		if len(args) != 1 {
			return c.ArgErr()
		}
		k.APIServerList = args
	case "tls":
		if len(args) != 3 {
			return c.ArgErr()
		}
		k.APIClientCert, k.APIClientKey, k.APICertAuth = args[0], args[1], args[2]
	case "kubeconfig":
		if len(args) != 1 && len(args) != 2 {
			return c.ArgErr()
		}
		k.KubeConfigFile = args[0]
		if len(args) == 2 {
			k.KubeContext = args[1]
		}
	case "namespaces":
		if len(args) == 0 {
			return c.ArgErr()
		}
		for _, ns := range args {
			k.Namespaces[ns] = struct{}{}
		}
	case "namespace_labels", "labels":
		if len(args) == 0 {
			return c.ArgErr()
		}
		sel, err := parseSelector(strings.Join(args, " "))
		if err != nil {
			return c.Errf("unable to parse %s selector %q: %v", opt, strings.Join(args, " "), err)
		}
		if opt == "labels" {
			k.opts.labelSelector = sel
		} else {
			k.opts.nsLabelSelector = sel
		}
	case "pods":
		if len(args) != 1 {
			return c.ArgErr()
		}
		switch args[0] {
		case podModeDisabled, podModeInsecure, podModeVerified:
			k.podMode = args[0]
		default:
			return c.Errf("wrong value for pods: %s, must be one of: disabled, verified, insecure", args[0])
		}
	case "endpoint_pod_names":
		if len(args) != 0 {
			return c.ArgErr()
		}
		k.endpointNameMode = true
	case "ttl":
		if len(args) != 1 {
			return c.ArgErr()
		}
		t, err := strconv.Atoi(args[0])
		if err != nil {
			return c.Errf("ttl %q is not a number", args[0])
		}
		if t < 0 || t > 3600 {
			return c.Errf("ttl must be in range [0, 3600]: %d", t)
		}
		k.ttl = uint32(t)
	case "noendpoints":
		if len(args) != 0 {
			return c.ArgErr()
		}
		k.opts.initEndpointsCache = false
	case "fallthrough":
		k.Fall.SetZonesFromArgs(args)
	case "ignore":
		if len(args) == 0 {
			return c.ArgErr()
		}
		for _, a := range args {
			if a != "empty_service" {
				return c.Errf("unable to parse ignore value: %q", a)
			}
			k.ignoreEmpty = true
		}
	case "multicluster":
		if len(args) == 0 {
			return c.ArgErr()
		}
		k.multiclusterZones = plugin.OriginsFromArgsOrServerBlock(args, nil)
		k.opts.multicluster = true
	case "startup_timeout":
		if len(args) != 1 {
			return c.ArgErr()
		}
		d, err := time.ParseDuration(args[0])
		if err != nil {
			return c.Errf("unable to parse startup_timeout %q: %v", args[0], err)
		}
		if d < 0 {
			return c.Errf("startup_timeout must not be negative: %s", args[0])
		}
		k.startupTimeout = d
	case "apiserver_qps":
		if len(args) != 1 {
			return c.ArgErr()
		}
		q, err := strconv.ParseFloat(args[0], 32)
		if err != nil || q <= 0 {
			return c.Errf("apiserver_qps must be a positive number: %s", args[0])
		}
		k.APIQPS = float32(q)
	case "apiserver_burst", "apiserver_max_inflight":
		if len(args) != 1 {
			return c.ArgErr()
		}
		n, err := strconv.Atoi(args[0])
		if err != nil || n <= 0 {
			return c.Errf("%s must be a positive integer: %s", opt, args[0])
		}
		if opt == "apiserver_burst" {
			k.APIBurst = n
		} else {
			k.APIMaxInflight = n
		}
	default:
		return c.Errf("unknown property '%s'", opt)
	}
	return nil
}

// parseSelector checks a label selector expression and returns its
// canonical string form for list and watch requests.
func parseSelector(expr string) (string, error) {
	ls, err := metav1.ParseToLabelSelector(expr)
	if err != nil {
		return "", err
	}
	sel, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		return "", err
	}
	return sel.String(), nil
}

// searchFromResolvConf returns the search domains of a resolv.conf file,
// fully qualified, for autopath.
func searchFromResolvConf(path string) []string {
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	rc, err := dns.ClientConfigFromFile(path)
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(rc.Search))
	for _, s := range rc.Search {
		out = append(out, dnsutil.Join(s))
	}
	return out
}
