package kubernetes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/pkg/fall"
)

func TestKubernetesParse(t *testing.T) {
	tests := []struct {
		input string
		check func(*Kubernetes) bool
	}{
		{`kubernetes`, func(k *Kubernetes) bool {
			return len(k.Zones) == 1 && k.Zones[0] == "cluster.local." && k.ttl == 5 && k.podMode == podModeDisabled &&
				k.startupTimeout == 5*time.Second && k.opts.initEndpointsCache && !k.ignoreEmpty
		}},
		{`kubernetes cluster.local in-addr.arpa ip6.arpa`, func(k *Kubernetes) bool {
			return strings.Join(k.Zones, ",") == "cluster.local.,in-addr.arpa.,ip6.arpa."
		}},
		{`kubernetes {
			endpoint https://10.0.0.1:6443
			tls cert key cacert
		}`, func(k *Kubernetes) bool {
			return k.APIServerList[0] == "https://10.0.0.1:6443" && k.APIClientCert == "cert" && k.APIClientKey == "key" && k.APICertAuth == "cacert"
		}},
		{`kubernetes { kubeconfig /x/config ctx }`, func(k *Kubernetes) bool { return k.KubeConfigFile == "/x/config" && k.KubeContext == "ctx" }},
		{`kubernetes { kubeconfig /x/config }`, func(k *Kubernetes) bool { return k.KubeConfigFile == "/x/config" && k.KubeContext == "" }},
		{`kubernetes { namespaces a b }`, func(k *Kubernetes) bool { return len(k.Namespaces) == 2 }},
		{`kubernetes { namespace_labels istio-injection=enabled }`, func(k *Kubernetes) bool { return k.opts.nsLabelSelector == "istio-injection=enabled" }},
		{`kubernetes { labels environment in (staging, qa),application=nginx }`, func(k *Kubernetes) bool {
			return k.opts.labelSelector == "application=nginx,environment in (qa,staging)"
		}},
		{`kubernetes { pods verified }`, func(k *Kubernetes) bool { return k.podMode == podModeVerified }},
		{`kubernetes { pods insecure }`, func(k *Kubernetes) bool { return k.podMode == podModeInsecure }},
		{`kubernetes { endpoint_pod_names }`, func(k *Kubernetes) bool { return k.endpointNameMode }},
		{`kubernetes { ttl 0 }`, func(k *Kubernetes) bool { return k.ttl == 0 }},
		{`kubernetes { ttl 3600 }`, func(k *Kubernetes) bool { return k.ttl == 3600 }},
		{`kubernetes { noendpoints }`, func(k *Kubernetes) bool { return !k.opts.initEndpointsCache }},
		{`kubernetes { fallthrough }`, func(k *Kubernetes) bool { return k.Fall.Equal(fall.Root) }},
		{`kubernetes { fallthrough in-addr.arpa }`, func(k *Kubernetes) bool {
			return k.Fall.Through("1.in-addr.arpa.") && !k.Fall.Through("x.cluster.local.")
		}},
		{`kubernetes { ignore empty_service }`, func(k *Kubernetes) bool { return k.ignoreEmpty }},
		{`kubernetes cluster.local clusterset.local { multicluster clusterset.local }`, func(k *Kubernetes) bool {
			return k.opts.multicluster && k.multiclusterZones[0] == "clusterset.local."
		}},
		{`kubernetes { startup_timeout 30s }`, func(k *Kubernetes) bool { return k.startupTimeout == 30*time.Second }},
		{`kubernetes {
			apiserver_qps 50.5
			apiserver_burst 100
			apiserver_max_inflight 10
		}`, func(k *Kubernetes) bool { return k.APIQPS == 50.5 && k.APIBurst == 100 && k.APIMaxInflight == 10 }},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", block(tc.input))
		c.ServerBlockKeys = []string{"cluster.local:53"}
		k, err := kubernetesParse(c)
		if err != nil {
			t.Errorf("%q: %v", tc.input, err)
			continue
		}
		if !tc.check(k) {
			t.Errorf("%q: parsed to %+v", tc.input, k)
		}
	}
}

func TestKubernetesParseErrors(t *testing.T) {
	tests := []struct{ input, want string }{
		{"kubernetes\nkubernetes", "only be used once"},
		{`kubernetes { endpoint }`, "Wrong argument count"},
		{`kubernetes { endpoint a b }`, "Wrong argument count"},
		{`kubernetes { tls a b }`, "Wrong argument count"},
		{`kubernetes { kubeconfig }`, "Wrong argument count"},
		{`kubernetes { kubeconfig a b c }`, "Wrong argument count"},
		{`kubernetes { namespaces }`, "Wrong argument count"},
		{`kubernetes { labels }`, "Wrong argument count"},
		{`kubernetes { labels a=b=c=d }`, "unable to parse labels selector"},
		{`kubernetes { namespace_labels !!! }`, "unable to parse namespace_labels selector"},
		{"kubernetes {\nnamespaces a\nnamespace_labels x=y\n}", "cannot both be set"},
		{`kubernetes { pods }`, "Wrong argument count"},
		{`kubernetes { pods sometimes }`, "wrong value for pods"},
		{`kubernetes { endpoint_pod_names x }`, "Wrong argument count"},
		{`kubernetes { ttl }`, "Wrong argument count"},
		{`kubernetes { ttl x }`, "not a number"},
		{`kubernetes { ttl -1 }`, "ttl must be in range"},
		{`kubernetes { ttl 3601 }`, "ttl must be in range"},
		{`kubernetes { noendpoints x }`, "Wrong argument count"},
		{`kubernetes { ignore }`, "Wrong argument count"},
		{`kubernetes { ignore everything }`, "unable to parse ignore value"},
		{`kubernetes { multicluster }`, "Wrong argument count"},
		{`kubernetes { multicluster clusterset.local }`, "not one of the plugin's zones"},
		{`kubernetes { startup_timeout }`, "Wrong argument count"},
		{`kubernetes { startup_timeout soon }`, "unable to parse startup_timeout"},
		{`kubernetes { startup_timeout -1s }`, "must not be negative"},
		{`kubernetes { apiserver_qps 0 }`, "must be a positive number"},
		{`kubernetes { apiserver_qps x }`, "must be a positive number"},
		{`kubernetes { apiserver_burst -2 }`, "must be a positive integer"},
		{`kubernetes { apiserver_max_inflight x }`, "must be a positive integer"},
		{`kubernetes { resyncperiod 30s }`, "unknown property"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", block(tc.input))
		c.ServerBlockKeys = []string{"cluster.local:53"}
		_, err := kubernetesParse(c)
		if err == nil {
			t.Errorf("%q: no error", tc.input)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %q, want it to contain %q", tc.input, err, tc.want)
		}
		if !strings.Contains(err.Error(), "Testfile:") {
			t.Errorf("%q: error %q does not name file and line", tc.input, err)
		}
	}
}

func TestSetup(t *testing.T) {
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "config")
	if err := os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "http://127.0.0.1:1"}
contexts:
- name: ctx
  context: {cluster: c, user: u}
current-context: ctx
users:
- name: u
  user: {}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	c := caddy.NewTestController("dns", "kubernetes cluster.local {\nkubeconfig "+kubeconfig+" ctx\npods verified\n}")
	if err := setup(c); err != nil {
		t.Fatalf("setup: %v", err)
	}

	c = caddy.NewTestController("dns", "kubernetes cluster.local {\nkubeconfig "+filepath.Join(dir, "missing")+"\n}")
	if err := setup(c); err == nil || !strings.Contains(err.Error(), "plugin/kubernetes") {
		t.Errorf("missing kubeconfig: %v", err)
	}

	// Outside a cluster the in-cluster configuration is missing.
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	c = caddy.NewTestController("dns", "kubernetes cluster.local")
	if err := setup(c); err == nil || !strings.Contains(err.Error(), "in-cluster") {
		t.Errorf("in-cluster outside a cluster: %v", err)
	}
}

// block puts the braces of a one-line test block on lines of their own.
func block(s string) string {
	s = strings.Replace(s, "{ ", "{\n", 1)
	return strings.Replace(s, " }", "\n}", 1)
}
