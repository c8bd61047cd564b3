package caddymodule

import (
	"fmt"
	"sort"
	"sync"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/worky-dev/worky/runtime"
)

func init() {
	caddy.RegisterModule(new(App))
}

// workers holds the warm worker pools of every loaded config, keyed by a
// hash of each worker's effective configuration (see workerKey). A config
// reload provisions the new handlers before the old ones are cleaned up,
// so a worker whose configuration did not change is found here, still
// warm, and its isolates are not restarted; a changed one gets a new key
// and a new pool, and the old pool closes with its last user.
var workers = caddy.NewUsagePool()

// App is the `worky` app: the state the worky handlers of one config
// share. It records which workers the config uses, so that the admin API
// and the metrics report them, and hands each reused worker the new
// config's logger when the config starts. The warm pools themselves
// outlive any one App, in a caddy.UsagePool.
//
// The app has no options yet; Caddy loads it on its own when a handler
// needs it.
type App struct {
	mu   sync.Mutex
	uses []workerUse
	log  *zap.Logger
}

// workerUse is one handler's use of a worker, with the logger of the
// config the handler belongs to.
type workerUse struct {
	w   *worker
	log *zap.Logger
}

// CaddyModule returns the Caddy module information.
func (*App) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "worky",
		New: func() caddy.Module { return new(App) },
	}
}

// Provision registers the worky_* metrics for this config.
func (a *App) Provision(ctx caddy.Context) error {
	a.log = ctx.Logger()
	return registerMetrics(ctx.GetMetricsRegistry(), a)
}

// Start points the workers this config reuses at its loggers: a worker
// built under an earlier config would otherwise keep logging through
// that config's (possibly closed) log writers.
func (a *App) Start() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, u := range a.uses {
		u.w.setLogger(u.log)
	}
	return nil
}

// Stop does nothing: the pools are released by their handlers' Cleanup,
// after Caddy has drained the requests in flight.
func (a *App) Stop() error { return nil }

// loadWorker returns the warm worker for cfg, building it if no loaded
// config has an identical one, and records that this config uses it.
// The returned key must be released with workers.Delete.
func (a *App) loadWorker(cfg runtime.Config, log *zap.Logger) (*worker, string, error) {
	cfg.Extensions = extensions()
	key, err := workerKey(cfg)
	if err != nil {
		return nil, "", err
	}
	val, loaded, err := workers.LoadOrNew(key, func() (caddy.Destructor, error) {
		return newWorker(cfg, log)
	})
	if err != nil {
		return nil, "", err
	}
	w := val.(*worker)
	if c := log.Check(zapcore.DebugLevel, "worker loaded"); c != nil {
		c.Write(zap.Bool("reused", loaded), zap.String("key", key[:12]))
	}
	a.mu.Lock()
	a.uses = append(a.uses, workerUse{w: w, log: log})
	a.mu.Unlock()
	return w, key, nil
}

// workers returns the distinct workers this config uses, by name.
func (a *App) workers() []*worker {
	a.mu.Lock()
	defer a.mu.Unlock()
	seen := map[*worker]bool{}
	var out []*worker
	for _, u := range a.uses {
		if !seen[u.w] {
			seen[u.w] = true
			out = append(out, u.w)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].cfg.Name < out[j].cfg.Name })
	return out
}

// restartWorkers replaces the isolates of every worker of this config
// and returns the names of those it restarted.
func (a *App) restartWorkers() ([]string, error) {
	names := []string{}
	for _, w := range a.workers() {
		if err := w.restart(); err != nil {
			return names, fmt.Errorf("restarting worker %s: %w", w.cfg.Name, err)
		}
		names = append(names, w.cfg.Name)
	}
	return names, nil
}

// Interface guards
var (
	_ caddy.App         = (*App)(nil)
	_ caddy.Provisioner = (*App)(nil)
)
