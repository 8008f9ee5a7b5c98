package health

import (
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// checkTimeout is how long one self check may take before it counts as
// failed.
const checkTimeout = 3 * time.Second

// checkInterval is how often the endpoint queries itself, in nanoseconds
// (atomic, so tests can shorten it).
var checkInterval atomic.Int64

func init() { checkInterval.Store(int64(time.Second)) }

// Collectors of the self check, in the default registry the prometheus
// plugin serves.
var (
	// HealthDuration observes how long the endpoint took to answer itself.
	HealthDuration = promauto.NewHistogram(prometheus.HistogramOpts{
		Namespace:                   plugin.Namespace,
		Subsystem:                   "health",
		Name:                        "request_duration_seconds",
		Buckets:                     plugin.SlimTimeBuckets,
		NativeHistogramBucketFactor: plugin.NativeHistogramBucketFactor,
		Help:                        "Histogram of the time (in seconds) each request took.",
	})

	// HealthFailures counts self checks that failed or timed out.
	HealthFailures = promauto.NewCounter(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "health",
		Name:      "request_failures_total",
		Help:      "The number of times the health check failed.",
	})
)

// selfCheck queries url every checkInterval until quit is closed, recording
// the time each query took and counting the ones that fail. A process too
// busy to answer its own health endpoint promptly shows here first.
func selfCheck(url string, quit <-chan struct{}) {
	client := &http.Client{
		Timeout:   checkTimeout,
		Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil},
	}
	tick := time.NewTicker(time.Duration(checkInterval.Load()))
	defer tick.Stop()
	for {
		select {
		case <-quit:
			return
		case <-tick.C:
		}
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			select {
			case <-quit:
			case <-ctx.Done():
			}
			cancel()
		}()
		start := time.Now()
		ok := check(ctx, client, url)
		cancel()
		select {
		case <-quit:
			return // a check cut short by the shutdown is no failure
		default:
		}
		HealthDuration.Observe(time.Since(start).Seconds())
		if !ok {
			HealthFailures.Inc()
		}
	}
}

// check reports whether url answered 200.
func check(ctx context.Context, client *http.Client, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, resp.Body) //nolint:errcheck // only the status matters
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
