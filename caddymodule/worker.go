package caddymodule

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/evanw/esbuild/pkg/api"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/worky-dev/worky/ops/fetch"
	"github.com/worky-dev/worky/runtime"
)

// worker is one warm pool and what is needed to rebuild it. It is the
// value workers (the UsagePool) holds; several handlers, of one config or
// of the old and new config during a reload, may share it.
type worker struct {
	cfg  runtime.Config // as the pool was built, Logger included
	core *swapCore
	kv   *kvSwap // nil for a worker without KV bindings
	pool atomic.Pointer[runtime.Pool]

	mu       sync.Mutex
	closed   bool
	retiring []*runtime.Pool // replaced by a restart, draining
	retired  runtime.Stats   // counters of pools a restart closed
}

// kvOptions say which KV store a worker with KV bindings uses.
type kvOptions struct {
	path      string
	cacheSize int64
}

// usesKV says whether cfg has a KV binding.
func usesKV(cfg runtime.Config) bool {
	for _, b := range cfg.Bindings {
		if b.Kind == "kv" {
			return true
		}
	}
	return false
}

// newWorker builds a worker's pool. A worker with KV bindings gets kvo's
// store as its "kv" resource, through a kvSwap that a later config can
// point elsewhere.
func newWorker(cfg runtime.Config, log *zap.Logger, kvo *kvOptions) (*worker, error) {
	w := &worker{core: newSwapCore(log.Core())}
	cfg.Logger = log.WithOptions(zap.WrapCore(func(zapcore.Core) zapcore.Core { return w.core }))
	if kvo != nil {
		w.kv = new(kvSwap)
		if err := w.kv.use(kvo.path, kvo.cacheSize); err != nil {
			return nil, err
		}
		res := make(map[string]any, len(cfg.Resources)+1)
		for k, v := range cfg.Resources {
			res[k] = v
		}
		res["kv"] = w.kv
		cfg.Resources = res
	}
	w.cfg = cfg
	p, err := runtime.NewPool(cfg)
	if err != nil {
		if w.kv != nil {
			w.kv.release()
		}
		return nil, err
	}
	w.pool.Store(p)
	return w, nil
}

// dispatch serves one request with the current pool; next is the handler
// after the worker. header is the header the worker sees (nil: r's own).
func (w *worker) dispatch(rw http.ResponseWriter, r *http.Request, header http.Header, next runtime.NextFunc) error {
	// The runtime may still be reading the request on the isolate's thread
	// when Dispatch returns an error (a timeout ends the request from a
	// timer), and Caddy's error handling then rewrites r's method and URL
	// in place. The worker gets its own copy of both, so those writes
	// cannot race with its reads.
	rc := new(http.Request)
	*rc = *r
	u := *r.URL
	rc.URL = &u
	if header != nil {
		rc.Header = header
	}
	r = rc
	p := w.pool.Load()
	err := p.DispatchNext(rw, r, next)
	if errors.Is(err, runtime.ErrClosed) && !errors.Is(err, runtime.ErrResponseStarted) {
		// A restart swapped the pool between Load and Dispatch. The old
		// pool is closed only once it has drained, so the request never
		// reached the worker there and can go to the new pool.
		if np := w.pool.Load(); np != p {
			return np.DispatchNext(rw, r, next)
		}
	}
	return err
}

// restart replaces the pool with a fresh one built from the same config
// (re-reading the script). Requests already in the old pool finish there;
// it is closed once they have, or after the request timeout. If the new
// pool does not start, the old one keeps serving.
func (w *worker) restart() error {
	// Building takes a while; stats and dispatch go on meanwhile.
	p, err := runtime.NewPool(w.cfg)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		p.Close()
		return errors.New("the worker is shutting down")
	}
	old := w.pool.Swap(p)
	w.retiring = append(w.retiring, old)
	go w.retire(old)
	return nil
}

// retire closes a pool a restart replaced once its requests are done.
func (w *worker) retire(p *runtime.Pool) {
	deadline := time.Now().Add(p.Config().Timeout + time.Second)
	for time.Now().Before(deadline) {
		if s := p.Stats(); s.InFlight == 0 && s.Queued == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.Close()
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, r := range w.retiring {
		if r == p {
			w.retiring = append(w.retiring[:i], w.retiring[i+1:]...)
			break
		}
	}
	addCounters(&w.retired, p.Stats())
}

// stats sums the current pool's state and the counters of the pools that
// restarts replaced, so that the *_total metrics never go backwards
// while the worker lives.
func (w *worker) stats() runtime.Stats {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.pool.Load().Stats()
	addCounters(&s, w.retired)
	for _, p := range w.retiring {
		r := p.Stats()
		addCounters(&s, r)
		s.InFlight += r.InFlight
		s.Queued += r.Queued
	}
	return s
}

func addCounters(dst *runtime.Stats, src runtime.Stats) {
	dst.Requests += src.Requests
	dst.Recycled += src.Recycled
	dst.Rejected += src.Rejected
}

// setLogger sends the worker's logs to log's core from now on.
func (w *worker) setLogger(log *zap.Logger) { w.core.set(log.Core()) }

// Destruct closes the pool once no loaded config uses the worker, then
// gives up its use of the KV store.
func (w *worker) Destruct() error {
	w.mu.Lock()
	w.closed = true
	p := w.pool.Load()
	w.mu.Unlock()
	err := p.Close()
	if w.kv != nil {
		if kerr := w.kv.release(); err == nil {
			err = kerr
		}
	}
	return err
}

// workerKey identifies a worker's effective configuration: every option,
// the bindings' values (secrets after their placeholders were replaced;
// only the hash is kept) and the content of the script and of every file
// it imports. Two handlers with the same key can share a pool.
// Other resources are left out: they are what the host lends the worker
// (the KV store), which a later config may replace without restarting it.
func workerKey(cfg runtime.Config) (string, error) {
	h := sha256.New()
	opts := struct {
		Name          string
		Script        string
		Isolates      int
		MaxConcurrent int
		QueueSize     int
		CPULimit      time.Duration
		MemoryLimit   uint64
		Timeout       time.Duration
		Bindings      []runtime.Binding
		Extensions    []string
		Fetch         fetch.Options
	}{cfg.Name, cfg.Script, cfg.Isolates, cfg.MaxConcurrent, cfg.QueueSize,
		cfg.CPULimit, cfg.MemoryLimit, cfg.Timeout, cfg.Bindings, nil, fetch.Options{}}
	// The fetch options are a resource, but they change what the worker
	// does (which hosts it may reach, how many subrequests), so their
	// values are part of its identity.
	if o, ok := cfg.Resources[fetch.ResourceName].(*fetch.Options); ok && o != nil {
		opts.Fetch = *o
	}
	for _, e := range cfg.Extensions {
		opts.Extensions = append(opts.Extensions, e.Name)
	}
	if err := json.NewEncoder(h).Encode(opts); err != nil {
		return "", fmt.Errorf("hashing the worker config: %w", err)
	}
	for _, f := range scriptInputs(cfg.Script) {
		fmt.Fprintf(h, "\x00%s\x00", f)
		if fd, err := os.Open(f); err == nil {
			_, err = io.Copy(h, fd)
			fd.Close()
			if err != nil {
				fmt.Fprintf(h, "\x00unreadable: %v", err)
			}
		} else {
			fmt.Fprintf(h, "\x00missing: %v", err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// scriptInputs lists the files the bundle of script is made of: the
// script and everything it imports, found by a resolve-only esbuild run.
// Should that run fail, the script alone is listed; the real build then
// reports the error.
//
// The loaders only need to accept every extension runtime/bundle.go
// accepts; their output is not used.
func scriptInputs(script string) []string {
	loaders := map[string]api.Loader{}
	for _, ext := range []string{".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"} {
		loaders[ext] = api.LoaderTSX
	}
	for _, ext := range []string{".json", ".txt", ".html", ".wasm", ".bin"} {
		loaders[ext] = api.LoaderEmpty
	}
	dir := filepath.Dir(script)
	res := api.Build(api.BuildOptions{
		EntryPoints:   []string{script},
		AbsWorkingDir: dir,
		Bundle:        true,
		Write:         false,
		Metafile:      true,
		Platform:      api.PlatformNeutral,
		Conditions:    []string{"workerd", "worker", "browser"},
		MainFields:    []string{"browser", "module", "main"},
		Loader:        loaders,
		LogLevel:      api.LogLevelSilent,
		Outfile:       "worker.js",
	})
	if len(res.Errors) > 0 {
		return []string{script}
	}
	var meta struct {
		Inputs map[string]json.RawMessage `json:"inputs"`
	}
	if err := json.Unmarshal([]byte(res.Metafile), &meta); err != nil || len(meta.Inputs) == 0 {
		return []string{script}
	}
	files := make([]string, 0, len(meta.Inputs))
	for p := range meta.Inputs {
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		files = append(files, p)
	}
	sort.Strings(files)
	return files
}

// swapCore is a zapcore.Core whose destination can be replaced while
// loggers derived from it are in use: a warm pool outlives the config
// whose logger it was built with.
type swapCore struct {
	cur    *atomic.Pointer[zapcore.Core]
	fields []zapcore.Field
}

func newSwapCore(c zapcore.Core) *swapCore {
	s := &swapCore{cur: new(atomic.Pointer[zapcore.Core])}
	s.set(c)
	return s
}

func (s *swapCore) set(c zapcore.Core) { s.cur.Store(&c) }

func (s *swapCore) core() zapcore.Core {
	c := *s.cur.Load()
	if len(s.fields) > 0 {
		c = c.With(s.fields)
	}
	return c
}

func (s *swapCore) Enabled(l zapcore.Level) bool { return (*s.cur.Load()).Enabled(l) }

func (s *swapCore) With(fields []zapcore.Field) zapcore.Core {
	return &swapCore{cur: s.cur, fields: append(s.fields[:len(s.fields):len(s.fields)], fields...)}
}

func (s *swapCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if !s.Enabled(e.Level) {
		return ce
	}
	return s.core().Check(e, ce)
}

func (s *swapCore) Write(e zapcore.Entry, fields []zapcore.Field) error {
	return s.core().Write(e, fields)
}

func (s *swapCore) Sync() error { return (*s.cur.Load()).Sync() }

// Interface guards
var (
	_ zapcore.Core     = (*swapCore)(nil)
	_ caddy.Destructor = (*worker)(nil)
)
