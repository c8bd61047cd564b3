package caddymodule

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// The worky_* metrics, one series per worker name. They are read from the
// pools' own counters when Prometheus scrapes, so serving a request costs
// nothing extra.
var (
	requestsDesc = prometheus.NewDesc("worky_requests_total",
		"Requests dispatched to a worker's isolates.", []string{"worker"}, nil)
	isolatesDesc = prometheus.NewDesc("worky_isolates",
		"Isolates currently serving a worker.", []string{"worker"}, nil)
	inFlightDesc = prometheus.NewDesc("worky_in_flight",
		"Requests a worker's isolates are serving now, waitUntil work included.", []string{"worker"}, nil)
	queueDepthDesc = prometheus.NewDesc("worky_queue_depth",
		"Requests waiting for a free isolate slot.", []string{"worker"}, nil)
	recycledDesc = prometheus.NewDesc("worky_recycled_total",
		"Isolates disposed of and replaced after breaking a limit.", []string{"worker"}, nil)
)

// collector reports the workers of one config.
type collector struct{ app *App }

// registerMetrics adds the worky_* metrics to a config's registry. A
// second registration (from a later Provision of the same config) is not
// an error.
func registerMetrics(reg *prometheus.Registry, app *App) error {
	if reg == nil {
		return nil
	}
	err := reg.Register(collector{app})
	var are prometheus.AlreadyRegisteredError
	if err != nil && !errors.As(err, &are) {
		return err
	}
	return nil
}

// Describe implements prometheus.Collector.
func (c collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- requestsDesc
	ch <- isolatesDesc
	ch <- inFlightDesc
	ch <- queueDepthDesc
	ch <- recycledDesc
}

// Collect implements prometheus.Collector. Workers sharing a name (the
// same script with different options on two sites) are summed, as a
// series may appear only once per scrape.
func (c collector) Collect(ch chan<- prometheus.Metric) {
	type sums struct{ requests, isolates, inFlight, queued, recycled float64 }
	byName := map[string]*sums{}
	var names []string
	for _, w := range c.app.workers() {
		s := w.stats()
		name := w.cfg.Name
		t := byName[name]
		if t == nil {
			t = new(sums)
			byName[name] = t
			names = append(names, name)
		}
		t.requests += float64(s.Requests)
		t.isolates += float64(s.Isolates)
		t.inFlight += float64(s.InFlight)
		t.queued += float64(s.Queued)
		t.recycled += float64(s.Recycled)
	}
	for _, name := range names {
		t := byName[name]
		ch <- prometheus.MustNewConstMetric(requestsDesc, prometheus.CounterValue, t.requests, name)
		ch <- prometheus.MustNewConstMetric(isolatesDesc, prometheus.GaugeValue, t.isolates, name)
		ch <- prometheus.MustNewConstMetric(inFlightDesc, prometheus.GaugeValue, t.inFlight, name)
		ch <- prometheus.MustNewConstMetric(queueDepthDesc, prometheus.GaugeValue, t.queued, name)
		ch <- prometheus.MustNewConstMetric(recycledDesc, prometheus.CounterValue, t.recycled, name)
	}
}

// Interface guard
var _ prometheus.Collector = collector{}
