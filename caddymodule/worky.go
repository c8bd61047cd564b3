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
	"net"
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
	"github.com/worky-dev/worky/ops/fetch"
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

	// Egress says which hosts the worker's fetch() may reach. A
	// subrequest to the incoming request's own host is not egress: it
	// goes, in-process, to the handler after the worker (usually
	// reverse_proxy). Default: any public host; loopback, private,
	// link-local, CGNAT, multicast, unspecified and cloud metadata
	// addresses refused.
	Egress *Egress `json:"egress,omitempty"`

	// Subrequests is how many fetch() calls one request may make in all;
	// the one after the last fails in the worker. Default: 50.
	Subrequests int `json:"subrequests,omitempty"`

	// SubrequestsConcurrent is how many of one request's fetch() calls
	// may be in flight at once; more wait for one to finish. Default: 6.
	SubrequestsConcurrent int `json:"subrequests_concurrent,omitempty"`

	// SubrequestTimeout bounds one fetch() call, redirects included.
	// Default: 30s.
	SubrequestTimeout caddy.Duration `json:"subrequest_timeout,omitempty"`

	w   *worker
	key string
	log *zap.Logger
}

// Egress is a worker's policy for fetch() to hosts other than its own.
// A host pattern is a host name ("api.example.com"), a host name with a
// leading wildcard label ("*.example.com": any subdomain, not the name
// itself), or "*" (any host). Names are matched without their port.
type Egress struct {
	// Allow, if not empty, lists the only hosts fetch() may reach.
	// Default: empty (any host).
	Allow []string `json:"allow,omitempty"`

	// Deny lists hosts fetch() may never reach; it wins over allow.
	// Default: empty.
	Deny []string `json:"deny,omitempty"`

	// AllowPrivate lets fetch() reach loopback, private (10/8,
	// 172.16/12, 192.168/16, fc00::/7), link-local, CGNAT (100.64/10),
	// multicast, unspecified and cloud metadata (169.254.169.254,
	// fd00:ec2::254) addresses. The check is made on the address dialled,
	// after DNS, so a name that resolves to such an address is refused
	// too. Default: false.
	AllowPrivate bool `json:"allow_private,omitempty"`
}

// validateHostPattern checks one allow or deny entry of an egress policy.
func validateHostPattern(p string) error {
	if p == "*" {
		return nil
	}
	name := strings.TrimPrefix(p, "*.")
	switch {
	case p == "":
		return errors.New("an empty host pattern")
	case name == "":
		return fmt.Errorf("host pattern %q has nothing after \"*.\"", p)
	case strings.Contains(name, "*"):
		return fmt.Errorf("host pattern %q: a wildcard may only be the whole pattern or its first label (*.example.com)", p)
	case strings.ContainsAny(name, "/:@ \t?#[]"):
		return fmt.Errorf("host pattern %q must be a host name, without scheme, port or path", p)
	case strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".."):
		return fmt.Errorf("host pattern %q has an empty label", p)
	}
	return nil
}

// fetchOptions are the ops/fetch family's rules for this worker; fields
// left at zero get the family's defaults.
func (h *Handler) fetchOptions() *fetch.Options {
	o := &fetch.Options{
		MaxSubrequests:           h.Subrequests,
		MaxConcurrentSubrequests: h.SubrequestsConcurrent,
		SubrequestTimeout:        time.Duration(h.SubrequestTimeout),
	}
	if h.Egress != nil {
		o.Egress = fetch.EgressPolicy{
			Allow:        append([]string(nil), h.Egress.Allow...),
			Deny:         append([]string(nil), h.Egress.Deny...),
			AllowPrivate: h.Egress.AllowPrivate,
		}
	}
	return o
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
		Resources:     map[string]any{fetch.ResourceName: h.fetchOptions()},
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
		{"subrequests", int64(h.Subrequests)},
		{"subrequests_concurrent", int64(h.SubrequestsConcurrent)},
		{"subrequest_timeout", int64(h.SubrequestTimeout)},
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
	if h.Egress != nil {
		for _, list := range []struct {
			name     string
			patterns []string
		}{{"allow", h.Egress.Allow}, {"deny", h.Egress.Deny}} {
			for _, p := range list.patterns {
				if err := validateHostPattern(p); err != nil {
					return fmt.Errorf("worky: egress %s: %w", list.name, err)
				}
			}
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
// the client. next serves the worker's subrequests to its own host, and
// the request itself when the worker passes it through (a thrown
// exception after ctx.passThroughOnException()).
//
// The worker sees the client's address as Caddy computes it (see
// clientHeader); Caddy's own request is not changed. Requests the worker
// sends to next carry the cf-connecting-ip and x-real-ip it saw, as
// Cloudflare's do to an origin.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	hdr := clientHeader(r)
	sentXFF, oursXFF := r.Header.Values("X-Forwarded-For"), hdr.Get("X-Forwarded-For")
	err := h.w.dispatch(w, r, hdr, func(w http.ResponseWriter, r *http.Request) error {
		// A request the worker sends on with the x-forwarded-for it was
		// given gets the client's own back, so that reverse_proxy adds
		// the peer once, not twice; one the worker changed is its call.
		if v := r.Header.Values("X-Forwarded-For"); len(v) == 1 && v[0] == oursXFF {
			rc := *r
			rc.Header = r.Header.Clone()
			if len(sentXFF) == 0 {
				rc.Header.Del("X-Forwarded-For")
			} else {
				rc.Header["X-Forwarded-For"] = append([]string(nil), sentXFF...)
			}
			r = &rc
		}
		return h.serveNext(next, w, r)
	})
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

// serveNext runs Caddy's next handler for the worker. The runtime may call
// it on a goroutine of its own, where a panic would take the process down
// rather than end one connection as it does on the server's goroutine;
// reverse_proxy panics with http.ErrAbortHandler whenever the response it
// copies cannot be written (the worker cancelled the subrequest, the
// client went away). A panic becomes an error for the worker instead.
func (h *Handler) serveNext(next caddyhttp.Handler, w http.ResponseWriter, r *http.Request) (err error) {
	defer func() {
		v := recover()
		switch {
		case v == nil:
		case v == http.ErrAbortHandler:
			err = fmt.Errorf("the next handler aborted the response: %w", http.ErrAbortHandler)
		default:
			h.log.Error("the next handler panicked",
				zap.String("method", r.Method), zap.String("uri", r.RequestURI),
				zap.Any("panic", v), zap.Stack("stack"))
			err = fmt.Errorf("the next handler panicked: %v", v)
		}
	}()
	return next.ServeHTTP(w, r)
}

// clientHeader returns a copy of r's header carrying the client's address
// as Cloudflare's edge would hand it to a worker: cf-connecting-ip and
// x-real-ip are the client IP as Caddy computes it (the client_ip
// variable, which honours the server's trusted_proxies and
// client_ip_headers), and x-forwarded-for gets the peer's address the
// way reverse_proxy adds it: appended to the list a trusted proxy sent,
// replacing a list an untrusted client sent. A client's own
// cf-connecting-ip or x-real-ip is always replaced.
func clientHeader(r *http.Request) http.Header {
	hdr := r.Header.Clone()
	if hdr == nil {
		hdr = http.Header{}
	}
	clientIP, _ := caddyhttp.GetVar(r.Context(), caddyhttp.ClientIPVarKey).(string)
	peer, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		peer = ""
	}
	peer, _, _ = strings.Cut(peer, "%")
	if clientIP == "" {
		clientIP = peer
	}
	if clientIP == "" {
		// Not an IP connection (a unix socket): nothing honest to say,
		// and nothing the client sent is to be believed.
		hdr.Del("Cf-Connecting-Ip")
		hdr.Del("X-Real-Ip")
		hdr.Del("X-Forwarded-For")
		return hdr
	}
	hdr.Set("Cf-Connecting-Ip", clientIP)
	hdr.Set("X-Real-Ip", clientIP)
	if peer == "" {
		peer = clientIP
	}
	trusted, _ := caddyhttp.GetVar(r.Context(), caddyhttp.TrustedProxyVarKey).(bool)
	if prior := strings.Join(hdr.Values("X-Forwarded-For"), ", "); trusted && prior != "" {
		hdr.Set("X-Forwarded-For", prior+", "+peer)
	} else {
		hdr.Set("X-Forwarded-For", peer)
	}
	return hdr
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
