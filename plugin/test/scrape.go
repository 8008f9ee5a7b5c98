package test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// MetricFamily is one metric family as scraped, in a JSON friendly form.
// Each item of Metrics is a map[string]any: counters, gauges and untyped
// metrics have "labels" (map[string]string) and "value" (string); summaries
// have "labels", "quantiles" (map[string]string), "count" and "sum";
// histograms have "labels", "buckets" (upper bound to cumulative count, both
// map[string]string), "count" and "sum".
type MetricFamily struct {
	Name    string `json:"name"`
	Help    string `json:"help"`
	Type    string `json:"type"`
	Metrics []any  `json:"metrics,omitempty"`
}

// acceptHeader asks for the Prometheus text format.
const acceptHeader = `text/plain;version=0.0.4;q=1,*/*;q=0.1`

// Scrape fetches the metrics at url and returns them sorted by family name.
// Any error yields an empty result: callers look for a metric and treat a
// missing one as their failure.
func Scrape(url string) []*MetricFamily {
	mfs, err := scrape(url)
	if err != nil {
		return []*MetricFamily{}
	}
	result := make([]*MetricFamily, 0, len(mfs))
	for _, mf := range mfs {
		result = append(result, newMetricFamily(mf))
	}
	sort.Slice(result, func(i, j int) bool { return result[i].Name < result[j].Name })
	return result
}

func scrape(url string) ([]*dto.MetricFamily, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", acceptHeader)
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape %s: %s", url, resp.Status)
	}

	dec := expfmt.NewDecoder(resp.Body, expfmt.ResponseFormat(resp.Header))
	var mfs []*dto.MetricFamily
	for {
		mf := new(dto.MetricFamily)
		err := dec.Decode(mf)
		if errors.Is(err, io.EOF) {
			return mfs, nil
		}
		if err != nil {
			return nil, err
		}
		mfs = append(mfs, mf)
	}
}

func newMetricFamily(dmf *dto.MetricFamily) *MetricFamily {
	mf := &MetricFamily{
		Name:    dmf.GetName(),
		Help:    dmf.GetHelp(),
		Type:    dmf.GetType().String(),
		Metrics: make([]any, 0, len(dmf.Metric)),
	}
	for _, m := range dmf.Metric {
		mf.Metrics = append(mf.Metrics, newMetric(dmf.GetType(), m))
	}
	return mf
}

func newMetric(typ dto.MetricType, m *dto.Metric) map[string]any {
	out := map[string]any{"labels": labels(m)}
	switch typ {
	case dto.MetricType_SUMMARY:
		s := m.GetSummary()
		q := make(map[string]string, len(s.GetQuantile()))
		for _, qv := range s.GetQuantile() {
			q[fmt.Sprint(qv.GetQuantile())] = fmt.Sprint(qv.GetValue())
		}
		out["quantiles"] = q
		out["count"] = fmt.Sprint(s.GetSampleCount())
		out["sum"] = fmt.Sprint(s.GetSampleSum())
	case dto.MetricType_HISTOGRAM, dto.MetricType_GAUGE_HISTOGRAM:
		h := m.GetHistogram()
		b := make(map[string]string, len(h.GetBucket()))
		for _, bv := range h.GetBucket() {
			b[fmt.Sprint(bv.GetUpperBound())] = fmt.Sprint(bv.GetCumulativeCount())
		}
		out["buckets"] = b
		out["count"] = fmt.Sprint(h.GetSampleCount())
		out["sum"] = fmt.Sprint(h.GetSampleSum())
	case dto.MetricType_COUNTER:
		out["value"] = fmt.Sprint(m.GetCounter().GetValue())
	case dto.MetricType_GAUGE:
		out["value"] = fmt.Sprint(m.GetGauge().GetValue())
	default:
		out["value"] = fmt.Sprint(m.GetUntyped().GetValue())
	}
	return out
}

func labels(m *dto.Metric) map[string]string {
	l := make(map[string]string, len(m.GetLabel()))
	for _, lp := range m.GetLabel() {
		l[lp.GetName()] = lp.GetValue()
	}
	return l
}

// ScrapeMetricAsInt scrapes http://addr/metrics and returns the value of
// metric name as an int: of its first sample if label is empty, else of the
// first sample that has a label whose value is label. It returns
// nometricvalue when there is no such sample.
func ScrapeMetricAsInt(addr string, name string, label string, nometricvalue int) int {
	mfs := Scrape("http://" + addr + "/metrics")
	var value string
	if label == "" {
		value, _ = MetricValue(name, mfs)
	} else {
		value, _ = MetricValueLabel(name, label, mfs)
	}
	if value == "" {
		return nometricvalue
	}
	f, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return 0
	}
	return int(f)
}

// MetricValue returns the value and labels of the first sample of metric
// name, or "" and nil if there is none. For a summary or histogram the value
// is the sample count.
func MetricValue(name string, mfs []*MetricFamily) (string, map[string]string) {
	for _, mf := range mfs {
		if mf.Name != name {
			continue
		}
		for _, m := range mf.Metrics {
			return sample(m)
		}
	}
	return "", nil
}

// MetricValueLabel is MetricValue for the first sample of metric name that
// has a label whose value is label.
func MetricValueLabel(name, label string, mfs []*MetricFamily) (string, map[string]string) {
	for _, mf := range mfs {
		if mf.Name != name {
			continue
		}
		for _, m := range mf.Metrics {
			v, l := sample(m)
			for _, lv := range l {
				if lv == label {
					return v, l
				}
			}
		}
	}
	return "", nil
}

// sample pulls the value and labels out of one item of MetricFamily.Metrics.
func sample(m any) (string, map[string]string) {
	mm, ok := m.(map[string]any)
	if !ok {
		return "", nil
	}
	l, _ := mm["labels"].(map[string]string)
	if v, ok := mm["value"].(string); ok {
		return v, l
	}
	v, _ := mm["count"].(string)
	return v, l
}
