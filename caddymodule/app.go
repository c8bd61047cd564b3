package caddymodule

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"sync"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/worky-dev/worky/kv"
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
// config's logger and KV store when the config starts. The warm pools
// themselves outlive any one App, in a caddy.UsagePool.
//
// It also holds the KV store every worker's KV bindings use: one SQLite
// database behind an in-memory cache, opened when the first worker with
// a KV binding (or the admin API) needs it, or at once if kv_path is set.
// The store outlives the App too: a reload that keeps kv_path and
// kv_cache keeps the open database and its warm cache.
//
// Caddy loads the app on its own when a handler needs it; the Caddyfile
// sets its options in a `worky` block of the global options.
type App struct {
	// KVPath is the SQLite database file that holds every KV namespace.
	// Several workers, and several Caddy configs over time, share it; the
	// `worky kv` command and the /worky/kv/ admin routes work on it too. A
	// relative path is resolved from Caddy's working directory; missing
	// folders are created. Default: worky/kv.db in Caddy's data directory
	// (e.g. ~/.local/share/caddy/worky/kv.db).
	KVPath string `json:"kv_path,omitempty"`

	// KVCache is the size, in bytes, of the in-memory cache in front of
	// the KV database; it holds recently read values and absences.
	// Default: 67108864 (64 MiB).
	KVCache int64 `json:"kv_cache,omitempty"`

	mu    sync.Mutex
	uses  []workerUse
	log   *zap.Logger
	kv    kv.Store // nil until opened
	kvKey string   // this app's use of kv, for releaseKV
	kvSet bool     // KVPath and KVCache hold their final values
	done  bool     // cleaned up: opens nothing more
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

// Provision sets the KV defaults, opens the KV store if kv_path is set
// (so that a database that cannot be opened fails the config at once),
// and registers the worky_* metrics for this config.
func (a *App) Provision(ctx caddy.Context) error {
	a.log = ctx.Logger()
	explicit := a.KVPath != ""
	if err := a.Validate(); err != nil {
		return err
	}
	if err := a.setKVDefaults(); err != nil {
		return err
	}
	if explicit {
		if _, err := a.kvStore(); err != nil {
			return err
		}
	}
	return registerMetrics(ctx.GetMetricsRegistry(), a)
}

// setKVDefaults fills in kv_path and kv_cache and makes the path
// absolute, so that it names one database whatever the working directory
// is later.
func (a *App) setKVDefaults() error {
	if a.kvSet {
		return nil
	}
	if a.KVPath == "" {
		a.KVPath = DefaultKVPath()
	}
	abs, err := filepath.Abs(a.KVPath)
	if err != nil {
		return fmt.Errorf("worky: kv_path %s: %w", a.KVPath, err)
	}
	a.KVPath = abs
	if a.KVCache == 0 {
		a.KVCache = DefaultKVCache
	}
	a.kvSet = true
	return nil
}

// Validate checks the app's options without touching the file system.
func (a *App) Validate() error {
	if a.KVCache < 0 {
		return fmt.Errorf("worky: kv_cache must not be negative, got %d", a.KVCache)
	}
	return nil
}

// kvStore returns the config's KV store, opening it on first use.
func (a *App) kvStore() (kv.Store, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.kv != nil {
		return a.kv, nil
	}
	if a.done {
		return nil, errors.New("worky: the config was unloaded")
	}
	if err := a.setKVDefaults(); err != nil {
		return nil, err
	}
	store, key, err := openKV(a.KVPath, a.KVCache)
	if err != nil {
		return nil, fmt.Errorf("worky: %w", err)
	}
	a.kv, a.kvKey = store, key
	return store, nil
}

// Start points the workers this config reuses at its loggers and its KV
// store: a worker built under an earlier config would otherwise keep
// logging through that config's (possibly closed) log writers, and keep
// using that config's database.
func (a *App) Start() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, u := range a.uses {
		u.w.setLogger(u.log)
		if u.w.kv != nil {
			if err := u.w.kv.use(a.KVPath, a.KVCache); err != nil {
				return fmt.Errorf("worky: worker %s: %w", u.w.cfg.Name, err)
			}
		}
	}
	return nil
}

// Stop does nothing: the pools are released by their handlers' Cleanup,
// after Caddy has drained the requests in flight.
func (a *App) Stop() error { return nil }

// Cleanup gives up the app's use of the KV store; workers that still run
// hold their own. It copes with a Provision that only partly ran.
func (a *App) Cleanup() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.done = true
	if a.kvKey == "" {
		return nil
	}
	err := releaseKV(a.kvKey)
	a.kv, a.kvKey = nil, ""
	return err
}

// loadWorker returns the warm worker for cfg, building it if no loaded
// config has an identical one, and records that this config uses it.
// The returned key must be released with workers.Delete.
func (a *App) loadWorker(cfg runtime.Config, log *zap.Logger) (*worker, string, error) {
	cfg.Extensions = extensions()
	key, err := workerKey(cfg)
	if err != nil {
		return nil, "", err
	}
	var kvOpts *kvOptions
	if usesKV(cfg) {
		// Open the store now, so that a database that cannot be opened
		// fails the handler's Provision with its path.
		if _, err := a.kvStore(); err != nil {
			return nil, "", err
		}
		kvOpts = &kvOptions{path: a.KVPath, cacheSize: a.KVCache}
	}
	val, loaded, err := workers.LoadOrNew(key, func() (caddy.Destructor, error) {
		return newWorker(cfg, log, kvOpts)
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
	_ caddy.App          = (*App)(nil)
	_ caddy.Provisioner  = (*App)(nil)
	_ caddy.Validator    = (*App)(nil)
	_ caddy.CleanerUpper = (*App)(nil)
)
