package kubernetes

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"k8s.io/client-go/tools/metrics"
)

// Collectors of the client that talks to the API server.
var (
	requestLatency = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: plugin.Namespace,
		Subsystem: "kubernetes",
		Name:      "rest_client_request_duration_seconds",
		Help:      "Request latency in seconds. Broken down by verb and host.",
		Buckets:   []float64{0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1, 2, 4, 8, 15, 30, 60},
	}, []string{"verb", "host"})

	rateLimiterLatency = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: plugin.Namespace,
		Subsystem: "kubernetes",
		Name:      "rest_client_rate_limiter_duration_seconds",
		Help:      "Client side rate limiter latency in seconds. Broken down by verb and host.",
		Buckets:   []float64{0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1, 2, 4, 8, 15, 30, 60},
	}, []string{"verb", "host"})

	requestsTotal = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "kubernetes",
		Name:      "rest_client_requests_total",
		Help:      "Number of HTTP requests, partitioned by status code, method, and host.",
	}, []string{"code", "method", "host"})
)

// init hands the collectors to client-go, which reports every REST request
// of the API client through them. client-go takes only the first set it is
// given in a process.
func init() {
	metrics.Register(metrics.RegisterOpts{
		RequestLatency:     latencyAdapter{requestLatency},
		RateLimiterLatency: latencyAdapter{rateLimiterLatency},
		RequestResult:      resultAdapter{requestsTotal},
	})
}

type latencyAdapter struct{ m *prometheus.HistogramVec }

func (l latencyAdapter) Observe(_ context.Context, verb string, u url.URL, latency time.Duration) {
	l.m.WithLabelValues(verb, u.Host).Observe(latency.Seconds())
}

type resultAdapter struct{ m *prometheus.CounterVec }

func (r resultAdapter) Increment(_ context.Context, code, method, host string) {
	r.m.WithLabelValues(code, method, host).Inc()
}

// inflightLimiter caps the concurrent non-watch requests to the API server
// (apiserver_max_inflight); long-running watches are not counted.
func inflightLimiter(limit int) func(http.RoundTripper) http.RoundTripper {
	sem := make(chan struct{}, limit)
	return func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			if req.URL.Query().Get("watch") == "true" {
				return rt.RoundTrip(req)
			}
			select {
			case sem <- struct{}{}:
			case <-req.Context().Done():
				return nil, req.Context().Err()
			}
			defer func() { <-sem }()
			return rt.RoundTrip(req)
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }
