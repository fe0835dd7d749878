package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/qualbot/qualbot/bot"
	"github.com/qualbot/qualbot/knowledge"
)

// metrics is the Prometheus side of a running bot. It observes every
// handled message (a bot.Observer) and every reindex, and is told the
// transport's login state and send queue depth. It has its own registry,
// so tests and several instances do not share state.
type metrics struct {
	reg *prometheus.Registry

	messages       *prometheus.CounterVec
	latency        prometheus.Histogram
	reindexes      *prometheus.CounterVec
	reindexSeconds prometheus.Histogram
	kbEntries      *prometheus.GaugeVec
	kbInfo         *prometheus.GaugeVec
	kbLoaded       prometheus.Gauge
	loggedIn       prometheus.Gauge
	queueDepth     prometheus.Gauge

	started time.Time
	// For /healthz.
	isLoggedIn atomic.Bool
	version    atomic.Value // string
}

var _ bot.Observer = (*metrics)(nil)

func newMetrics(started time.Time) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "qualbot_messages_total",
			Help: "Messages handled, by decision: answered, clarify, declined, help, rate-limited, ignored, admin, refused, error.",
		}, []string{"decision"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "qualbot_message_duration_seconds",
			Help:    "Time to handle one message that the trigger rules let through (ignored messages are not timed).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
		reindexes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "qualbot_reindexes_total",
			Help: "Knowledge base reloads (/reindex), by result: ok or error.",
		}, []string{"result"}),
		reindexSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "qualbot_reindex_duration_seconds",
			Help:    "Time to load and index the knowledge base on /reindex.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
		kbEntries: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "qualbot_knowledge_entries",
			Help: "Entries in the knowledge base being served, by kind: category, licence, topic, synonym.",
		}, []string{"kind"}),
		kbInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "qualbot_knowledge_info",
			Help: "Always 1; the version label is the content hash of the knowledge base being served.",
		}, []string{"version"}),
		kbLoaded: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "qualbot_knowledge_loaded_timestamp_seconds",
			Help: "When the knowledge base being served was loaded, in Unix seconds.",
		}),
		loggedIn: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "qualbot_logged_in",
			Help: "1 while the transport is connected (for run: logged in to WeChat), else 0.",
		}),
		queueDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "qualbot_send_queue_depth",
			Help: "Reply messages waiting in the send queue.",
		}),
		started: started,
	}
	m.version.Store("")
	m.reg.MustRegister(m.messages, m.latency, m.reindexes, m.reindexSeconds, m.kbEntries, m.kbInfo,
		m.kbLoaded, m.loggedIn, m.queueDepth,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every series exists from the start, so rates and alerts see zeros.
	for _, o := range bot.Outcomes {
		m.messages.WithLabelValues(string(o))
	}
	m.reindexes.WithLabelValues("ok")
	m.reindexes.WithLabelValues("error")
	return m
}

// Observe implements bot.Observer.
func (m *metrics) Observe(_ context.Context, e *bot.Event) {
	m.messages.WithLabelValues(string(e.Outcome)).Inc()
	if e.Outcome != bot.OutcomeIgnored {
		m.latency.Observe(e.Latency.Seconds())
	}
}

// setBase records the knowledge base being served and when it was loaded.
func (m *metrics) setBase(kb *knowledge.Base, at time.Time) {
	m.kbEntries.WithLabelValues("category").Set(float64(len(kb.Categories)))
	m.kbEntries.WithLabelValues("licence").Set(float64(len(kb.Licences)))
	m.kbEntries.WithLabelValues("topic").Set(float64(len(kb.Topics)))
	m.kbEntries.WithLabelValues("synonym").Set(float64(len(kb.Synonyms)))
	m.kbInfo.Reset()
	m.kbInfo.WithLabelValues(kb.Version).Set(1)
	m.kbLoaded.Set(float64(at.Unix()))
	m.version.Store(kb.Version)
}

// reindexed records one reload of the knowledge base.
func (m *metrics) reindexed(d time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.reindexes.WithLabelValues(result).Inc()
	m.reindexSeconds.Observe(d.Seconds())
}

// setLoggedIn records whether the transport is connected.
func (m *metrics) setLoggedIn(ok bool) {
	m.isLoggedIn.Store(ok)
	if ok {
		m.loggedIn.Set(1)
	} else {
		m.loggedIn.Set(0)
	}
}

// setQueueDepth records how many replies wait to be sent.
func (m *metrics) setQueueDepth(n int) { m.queueDepth.Set(float64(n)) }

// health is the body of /healthz.
type health struct {
	Status           string  `json:"status"` // "ok" or "not logged in"
	LoggedIn         bool    `json:"logged_in"`
	KnowledgeVersion string  `json:"knowledge_version"`
	UptimeSeconds    float64 `json:"uptime_seconds"`
}

// handler serves /metrics in the Prometheus text format and /healthz: 200
// with status "ok" while the transport is connected, 503 otherwise (for run,
// while it waits for a QR scan or reconnects).
func (m *metrics) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		h := health{
			Status:           "ok",
			LoggedIn:         m.isLoggedIn.Load(),
			KnowledgeVersion: m.version.Load().(string),
			UptimeSeconds:    time.Since(m.started).Round(time.Second).Seconds(),
		}
		code := http.StatusOK
		if !h.LoggedIn {
			h.Status, code = "not logged in", http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(h)
	})
	return mux
}

// instrument makes a report to m: every message it handles, every reindex,
// and the knowledge base it serves.
func (a *app) instrument(m *metrics) {
	m.setBase(a.Index.Base(), time.Now())
	load, serve := a.Admin.Load, a.Admin.Serve
	var start time.Time
	a.Admin.Load = func(ctx context.Context) (*knowledge.Base, error) {
		start = time.Now()
		kb, err := load(ctx)
		if err != nil {
			m.reindexed(time.Since(start), err)
		}
		return kb, err
	}
	a.Admin.Serve = func(ctx context.Context, kb *knowledge.Base) error {
		err := serve(ctx, kb)
		m.reindexed(time.Since(start), err)
		if err == nil {
			m.setBase(kb, time.Now())
		}
		return err
	}
	a.Bot.Observers = append(a.Bot.Observers, m)
	a.Handler = a.Bot.Handler()
}

// listenAddr returns addr with 127.0.0.1 as the host when it has none:
// "9090" and ":9090" listen on the loopback interface only; a host must be
// given to listen on others ("0.0.0.0:9090").
func listenAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = "", addr // a bare port
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// serveMetrics listens on addr (see listenAddr) and serves h until ctx ends
// or stop is called. It returns the address it listens on; a port already
// in use is an error at once, not later in a log.
func serveMetrics(ctx context.Context, addr string, h http.Handler, log *slog.Logger) (bound string, stop func(), err error) {
	ln, err := net.Listen("tcp", listenAddr(addr))
	if err != nil {
		return "", nil, fmt.Errorf("metrics: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics endpoint stopped", "err", err)
		}
	}()
	stopped := make(chan struct{})
	var once sync.Once
	stop = func() {
		once.Do(func() {
			close(stopped)
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			srv.Shutdown(sctx)
			<-done
		})
	}
	go func() {
		select {
		case <-ctx.Done():
			stop()
		case <-stopped:
		}
	}()
	log.Info("metrics endpoint listening", "addr", ln.Addr().String(), "paths", "/metrics /healthz")
	return ln.Addr().String(), stop, nil
}

// startOps instruments a with metrics and, when cfg.MetricsAddr is set,
// serves them. Call stop when done.
func startOps(ctx context.Context, cfg Config, a *app, m *metrics, log *slog.Logger) (stop func(), err error) {
	a.instrument(m)
	if cfg.MetricsAddr == "" {
		return func() {}, nil
	}
	_, stop, err = serveMetrics(ctx, cfg.MetricsAddr, m.handler(), log)
	if err != nil {
		return nil, err
	}
	return stop, nil
}
