// Package caddymodule plugs Worky into Caddy: the app `worky`, which keeps
// warm isolate pools across config reloads; the HTTP handler
// `http.handlers.worky`, which sends the requests its route matches to a
// worker; the `worky` Caddyfile directive; the admin routes under /worky/;
// and the worky_* metrics. It is the only package of Worky that imports
// Caddy: runtime/ and ops/ know nothing of it.
package caddymodule

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/worky-dev/worky/ops"
	"github.com/worky-dev/worky/runtime"
)

func init() {
	caddy.RegisterModule(Handler{})
}

// extensions returns the Web API families every worker gets: ops.All, the
// one place they are wired. It is a variable so that a program embedding
// this package, or a test, can hand workers a different set.
var extensions = ops.All

// Handler runs a Workers-style JavaScript or TypeScript worker for the
// requests its route matches. The worker's `fetch` handler answers them;
// a request the worker answers never reaches the next handler.
//
// Runtime failures map to statuses: an uncaught exception is a 500 (the
// stack goes to the log, never to the client); a CPU or memory limit, a
// recycled isolate or a closed pool is a 503; a full queue is a 503 with
// Retry-After; the wall-clock timeout is a 504. These are returned as
// Caddy handler errors, so `handle_errors` can shape what the client sees.
//
// Workers whose effective configuration (script and everything it imports,
// and every option below) did not change keep their warm isolates across
// config reloads.
type Handler struct {
	// Script is the path of the worker's entry file: JavaScript or
	// TypeScript, which may import other modules, JSON, text and WASM.
	// A relative path is resolved from Caddy's working directory.
	// Required.
	Script string `json:"script,omitempty"`

	// Name identifies the worker in logs, metrics and the admin API.
	// Default: the script's file name without its extension.
	Name string `json:"name,omitempty"`

	// Isolates is the number of V8 isolates serving the worker; each runs
	// on its own thread. Default: one per CPU.
	Isolates int `json:"isolates,omitempty"`

	// MaxConcurrent is how many requests one isolate interleaves at its
	// await points at most. Default: 128.
	MaxConcurrent int `json:"max_concurrent,omitempty"`

	// QueueSize is how many requests may wait for a free slot when every
	// isolate is at max_concurrent; beyond it requests get a 503 with
	// Retry-After. Default: 1024.
	QueueSize int `json:"queue_size,omitempty"`

	// CPULimit is the CPU time one request may use, summed over the slices
	// it runs. A request over it gets a 503 and its isolate is recycled.
	// Default: 1s.
	CPULimit caddy.Duration `json:"cpu_limit,omitempty"`

	// MemoryLimit is the V8 heap limit of each isolate, in bytes. A request
	// that exhausts it gets a 503 and its isolate is recycled.
	// Default: 134217728 (128 MiB).
	MemoryLimit int64 `json:"memory_limit,omitempty"`

	// Timeout is the wall-clock limit of one request, waitUntil included.
	// A request over it gets a 504. Default: 30s.
	Timeout caddy.Duration `json:"timeout,omitempty"`

	// Vars are plain-text bindings: each reaches the worker as a string
	// property of env. Values are used as written. Default: none.
	Vars map[string]string `json:"vars,omitempty"`

	// Secrets are bindings like vars, kept out of the admin API's worker
	// list. Values may use Caddy's global placeholders, such as
	// {env.API_TOKEN} or {file./run/secrets/token}, replaced when the
	// config is loaded, so the secret itself need not be in the config.
	// Default: none.
	Secrets map[string]string `json:"secrets,omitempty"`

	// KVNamespaces are KV bindings: each key is a property of env, and
	// its value the namespace that binding reads and writes, as a
	// KVNamespace object (get, put, delete, list, getWithMetadata).
	// Several bindings, of one worker or of several, may name the same
	// namespace and then share its keys. Namespaces live in the database
	// the app's kv_path names; a namespace name must not contain "/".
	// Default: none.
	KVNamespaces map[string]string `json:"kv_namespaces,omitempty"`

	w   *worker
	key string
	log *zap.Logger
}

// CaddyModule returns the Caddy module information.
func (Handler) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.worky",
		New: func() caddy.Module { return new(Handler) },
	}
}

// Provision builds the worker's pool, or reuses the warm pool of an
// identical worker from the running config. A script that does not build
// fails the config with the file, line and column of the problem.
func (h *Handler) Provision(ctx caddy.Context) error {
	appIface, err := ctx.App("worky")
	if err != nil {
		return fmt.Errorf("getting worky app: %w", err)
	}
	return h.provision(appIface.(*App), ctx.Logger())
}

// provision is Provision with its Caddy dependencies resolved, so that a
// test can build a handler without a running Caddy.
func (h *Handler) provision(app *App, logger *zap.Logger) error {
	if h.Script == "" {
		// Caddy provisions before it validates.
		return errors.New("worky: script is required")
	}
	if h.Name == "" {
		h.Name = defaultName(h.Script)
	}
	h.log = logger.Named(h.Name)
	cfg, err := h.runtimeConfig()
	if err != nil {
		return err
	}
	w, key, err := app.loadWorker(cfg, h.log)
	if err != nil {
		var be *runtime.BuildError
		if errors.As(err, &be) {
			return fmt.Errorf("worky: %w", err)
		}
		return fmt.Errorf("worky: starting worker %s: %w", h.Name, err)
	}
	h.w, h.key = w, key
	return nil
}

// defaultName is the script's file name without its extension.
func defaultName(script string) string {
	base := filepath.Base(script)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// runtimeConfig is the runtime's view of the handler, placeholders in
// secrets replaced. Options left at zero get the runtime's defaults; the
// Logger and Extensions are set by the app.
func (h *Handler) runtimeConfig() (runtime.Config, error) {
	script, err := filepath.Abs(h.Script)
	if err != nil {
		return runtime.Config{}, fmt.Errorf("worky: script %s: %w", h.Script, err)
	}
	cfg := runtime.Config{
		Name:          h.Name,
		Script:        script,
		Isolates:      h.Isolates,
		MaxConcurrent: h.MaxConcurrent,
		QueueSize:     h.QueueSize,
		CPULimit:      time.Duration(h.CPULimit),
		MemoryLimit:   uint64(h.MemoryLimit),
		Timeout:       time.Duration(h.Timeout),
	}
	repl := caddy.NewReplacer()
	for _, name := range sortedKeys(h.Vars) {
		cfg.Bindings = append(cfg.Bindings, runtime.Binding{Name: name, Kind: "var", Value: h.Vars[name]})
	}
	for _, name := range sortedKeys(h.Secrets) {
		value := repl.ReplaceKnown(h.Secrets[name], "")
		cfg.Bindings = append(cfg.Bindings, runtime.Binding{Name: name, Kind: "secret", Value: value})
	}
	for _, name := range sortedKeys(h.KVNamespaces) {
		cfg.Bindings = append(cfg.Bindings, runtime.Binding{Name: name, Kind: "kv", Value: h.KVNamespaces[name]})
	}
	return cfg, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Validate checks the configuration without touching the file system.
func (h *Handler) Validate() error {
	if h.Script == "" {
		return errors.New("worky: script is required")
	}
	for _, c := range []struct {
		name  string
		value int64
	}{
		{"isolates", int64(h.Isolates)},
		{"max_concurrent", int64(h.MaxConcurrent)},
		{"queue_size", int64(h.QueueSize)},
		{"cpu_limit", int64(h.CPULimit)},
		{"memory_limit", h.MemoryLimit},
		{"timeout", int64(h.Timeout)},
	} {
		if c.value < 0 {
			return fmt.Errorf("worky: %s must not be negative, got %d", c.name, c.value)
		}
	}
	for _, kinds := range [][2]struct {
		kind  string
		names map[string]string
	}{
		{{"var", h.Vars}, {"secret", h.Secrets}},
		{{"var", h.Vars}, {"kv namespace", h.KVNamespaces}},
		{{"secret", h.Secrets}, {"kv namespace", h.KVNamespaces}},
	} {
		for name := range kinds[1].names {
			if _, ok := kinds[0].names[name]; ok {
				return fmt.Errorf("worky: %s is both a %s and a %s; env can hold only one", name, kinds[0].kind, kinds[1].kind)
			}
		}
	}
	for name := range h.Vars {
		if name == "" {
			return errors.New("worky: a var has an empty name")
		}
	}
	for name := range h.Secrets {
		if name == "" {
			return errors.New("worky: a secret has an empty name")
		}
	}
	for name, ns := range h.KVNamespaces {
		if err := validateKVBinding(name, ns); err != nil {
			return fmt.Errorf("worky: %w", err)
		}
	}
	return nil
}

// validateKVBinding checks one entry of kv_namespaces. A namespace is a
// path segment of the /worky/kv/ admin routes, hence no "/".
func validateKVBinding(name, ns string) error {
	switch {
	case name == "":
		return fmt.Errorf("a kv binding has an empty name (namespace %q)", ns)
	case ns == "":
		return fmt.Errorf("kv binding %s has an empty namespace", name)
	case strings.Contains(ns, "/"):
		return fmt.Errorf("kv binding %s: namespace %q must not contain \"/\"", name, ns)
	}
	return nil
}

// Cleanup releases the handler's use of its worker; the last user of a
// worker closes its pool. It copes with a Provision that failed.
func (h *Handler) Cleanup() error {
	if h.key == "" {
		return nil
	}
	_, err := workers.Delete(h.key)
	h.key, h.w = "", nil
	return err
}

// ServeHTTP sends the request to the worker. The worker's response goes to
// the client; next is never called for a request the worker answers.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	err := h.w.dispatch(w, r)
	if err == nil {
		return nil
	}
	if errors.Is(err, runtime.ErrResponseStarted) {
		// The status line is gone; all that is left is to make sure the
		// client does not take a truncated body for a complete one.
		h.log.Error("aborting a response the worker had started",
			zap.String("method", r.Method), zap.String("uri", r.RequestURI), zap.Error(err))
		panic(http.ErrAbortHandler)
	}
	status := statusFor(err)
	if status == http.StatusServiceUnavailable && errors.Is(err, runtime.ErrQueueFull) {
		w.Header().Set("Retry-After", "1")
	}
	if c := h.log.Check(zapcore.DebugLevel, "worker request failed"); c != nil {
		c.Write(zap.Int("status", status), zap.Error(err))
	}
	return caddyhttp.Error(status, err)
}

// statusFor maps a Dispatch error to the status the client gets (see
// DESIGN.md, "What a client sees when things go wrong").
func statusFor(err error) int {
	var se *runtime.ScriptError
	switch {
	case errors.As(err, &se):
		return http.StatusInternalServerError
	case errors.Is(err, runtime.ErrTimeout):
		return http.StatusGatewayTimeout
	case errors.Is(err, runtime.ErrQueueFull),
		errors.Is(err, runtime.ErrCPULimit),
		errors.Is(err, runtime.ErrMemoryLimit),
		errors.Is(err, runtime.ErrIsolateLost),
		errors.Is(err, runtime.ErrClosed):
		return http.StatusServiceUnavailable
	case errors.Is(err, context.Canceled):
		// The client went away while the request waited; nobody reads
		// this status, but the access log should not call it a 5xx.
		return statusClientClosedRequest
	}
	return http.StatusInternalServerError
}

// statusClientClosedRequest is nginx's (and Caddy's reverse_proxy's) status
// for a request the client abandoned.
const statusClientClosedRequest = 499

// Interface guards
var (
	_ caddy.Provisioner           = (*Handler)(nil)
	_ caddy.Validator             = (*Handler)(nil)
	_ caddy.CleanerUpper          = (*Handler)(nil)
	_ caddyhttp.MiddlewareHandler = (*Handler)(nil)
)
