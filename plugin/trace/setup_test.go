package trace

import (
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
)

func TestSetup(t *testing.T) {
	tests := []struct {
		input        string
		endpoint     string
		every        uint64
		service      string
		clientServer bool
		rate         float64
		backlog      int
		batch        int
		interval     time.Duration
	}{
		{"trace", "http://localhost:9411/api/v2/spans", 1, "coredns", false, 0, 1000, 100, time.Second},
		{"trace localhost:1234", "http://localhost:1234/api/v2/spans", 1, "coredns", false, 0, 1000, 100, time.Second},
		{"trace http://tracer.example:9411/zipkin/api/v2/spans", "http://tracer.example:9411/zipkin/api/v2/spans", 1, "coredns", false, 0, 1000, 100, time.Second},
		{"trace zipkin 127.0.0.1:9411", "http://127.0.0.1:9411/api/v2/spans", 1, "coredns", false, 0, 1000, 100, time.Second},
		{"trace ZIPKIN tracer:9411", "http://tracer:9411/api/v2/spans", 1, "coredns", false, 0, 1000, 100, time.Second},
		{"trace {\n every 100\n}", "http://localhost:9411/api/v2/spans", 100, "coredns", false, 0, 1000, 100, time.Second},
		{"trace {\n every 0\n}", "http://localhost:9411/api/v2/spans", 0, "coredns", false, 0, 1000, 100, time.Second},
		{"trace tracer:9411 {\n every 10000\n service dnsproxy\n client_server\n}", "http://tracer:9411/api/v2/spans", 10000, "dnsproxy", true, 0, 1000, 100, time.Second},
		{"trace {\n client_server true\n}", "http://localhost:9411/api/v2/spans", 1, "coredns", true, 0, 1000, 100, time.Second},
		{"trace {\n client_server false\n}", "http://localhost:9411/api/v2/spans", 1, "coredns", false, 0, 1000, 100, time.Second},
		{"trace {\n datadog_analytics_rate 0.5\n}", "http://localhost:9411/api/v2/spans", 1, "coredns", false, 0.5, 1000, 100, time.Second},
		{"trace {\n zipkin_max_backlog_size 50\n zipkin_max_batch_size 10\n zipkin_max_batch_interval 250ms\n}", "http://localhost:9411/api/v2/spans", 1, "coredns", false, 0, 50, 10, 250 * time.Millisecond},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		tr, err := parse(c)
		if err != nil {
			t.Errorf("%q: %v", tc.input, err)
			continue
		}
		if tr.EndpointType != "zipkin" || tr.Endpoint != tc.endpoint || tr.every != tc.every ||
			tr.serviceName != tc.service || tr.clientServer != tc.clientServer || tr.analyticsRate != tc.rate ||
			tr.maxBacklogSize != tc.backlog || tr.maxBatchSize != tc.batch || tr.maxBatchInterval != tc.interval {
			t.Errorf("%q: got %s %s every %d service %s client_server %v rate %v backlog %d batch %d interval %s",
				tc.input, tr.EndpointType, tr.Endpoint, tr.every, tr.serviceName, tr.clientServer,
				tr.analyticsRate, tr.maxBacklogSize, tr.maxBatchSize, tr.maxBatchInterval)
		}
	}
}

func TestSetupErrors(t *testing.T) {
	tests := []struct {
		input string
		want  string
	}{
		{"trace datadog localhost:8126", "not supported in this build"},
		{"trace jaeger localhost:6831", "unknown endpoint type"},
		{"trace zipkin a:1 extra", "Wrong argument count"},
		{"trace {\n every\n}", "Wrong argument count"},
		{"trace {\n every -1\n}", "every"},
		{"trace {\n every many\n}", "every"},
		{"trace {\n service\n}", "Wrong argument count"},
		{"trace {\n service a b\n}", "Wrong argument count"},
		{"trace {\n client_server maybe\n}", "not a boolean"},
		{"trace {\n client_server true false\n}", "Wrong argument count"},
		{"trace {\n datadog_analytics_rate 1.5\n}", "between 0 and 1"},
		{"trace {\n datadog_analytics_rate x\n}", "datadog_analytics_rate"},
		{"trace {\n zipkin_max_backlog_size 0\n}", "at least 1"},
		{"trace {\n zipkin_max_batch_size x\n}", "zipkin_max_batch_size"},
		{"trace {\n zipkin_max_batch_interval 1\n}", "zipkin_max_batch_interval"},
		{"trace {\n zipkin_max_batch_interval -1s\n}", "must be positive"},
		{"trace {\n sample 3\n}", "unknown property"},
		{"trace\ntrace", "only be used once"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		err := setup(c)
		if err == nil {
			t.Errorf("%q: no error, want one containing %q", tc.input, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "plugin/trace") {
			t.Errorf("%q: error %q, want it to name plugin/trace and contain %q", tc.input, err, tc.want)
		}
	}
}

func TestErrorNamesFileAndLine(t *testing.T) {
	c := caddy.NewTestController("dns", "trace {\n every 1\n service x\n bogus\n}")
	err := setup(c)
	if err == nil || !strings.Contains(err.Error(), "Testfile:4") {
		t.Errorf("error %v, want it to name Testfile:4", err)
	}
}

func TestStartupShutdown(t *testing.T) {
	c := caddy.NewTestController("dns", "trace 127.0.0.1:1 {\n zipkin_max_batch_interval 10ms\n}")
	tr, err := parse(c)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Tracer() != nil {
		t.Fatal("tracer before start-up")
	}
	if err := tr.OnStartup(); err != nil {
		t.Fatal(err)
	}
	if tr.Tracer() == nil {
		t.Fatal("no tracer after start-up")
	}
	if err := tr.OnShutdown(); err != nil {
		t.Fatal(err)
	}
	if err := tr.OnShutdown(); err != nil {
		t.Errorf("second shutdown: %v", err)
	}
}
