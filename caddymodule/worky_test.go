package caddymodule

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"

	"github.com/worky-dev/worky/ops/fetch"
	"github.com/worky-dev/worky/runtime"
)

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    Handler
		want string // "" for valid
	}{
		{"minimal", Handler{Script: "w.js"}, ""},
		{"everything", Handler{Script: "w.js", Isolates: 2, MaxConcurrent: 3, QueueSize: 4,
			CPULimit: caddy.Duration(time.Second), MemoryLimit: 1 << 27, Timeout: caddy.Duration(time.Second),
			Vars: map[string]string{"A": "1"}, Secrets: map[string]string{"B": "2"}}, ""},
		{"no script", Handler{}, "script is required"},
		{"negative isolates", Handler{Script: "w.js", Isolates: -1}, "isolates must not be negative, got -1"},
		{"negative max_concurrent", Handler{Script: "w.js", MaxConcurrent: -2}, "max_concurrent must not be negative"},
		{"negative queue_size", Handler{Script: "w.js", QueueSize: -3}, "queue_size must not be negative"},
		{"negative cpu_limit", Handler{Script: "w.js", CPULimit: -1}, "cpu_limit must not be negative"},
		{"negative memory_limit", Handler{Script: "w.js", MemoryLimit: -1}, "memory_limit must not be negative"},
		{"negative timeout", Handler{Script: "w.js", Timeout: -1}, "timeout must not be negative"},
		{"var and secret", Handler{Script: "w.js", Vars: map[string]string{"X": "1"}, Secrets: map[string]string{"X": "2"}},
			"X is both a var and a secret"},
		{"empty var name", Handler{Script: "w.js", Vars: map[string]string{"": "1"}}, "a var has an empty name"},
		{"empty secret name", Handler{Script: "w.js", Secrets: map[string]string{"": "1"}}, "a secret has an empty name"},
		{"kv", Handler{Script: "w.js", KVNamespaces: map[string]string{"A": "a", "B": "a"}}, ""},
		{"var and kv", Handler{Script: "w.js", Vars: map[string]string{"X": "1"}, KVNamespaces: map[string]string{"X": "x"}},
			"X is both a var and a kv namespace"},
		{"secret and kv", Handler{Script: "w.js", Secrets: map[string]string{"X": "1"}, KVNamespaces: map[string]string{"X": "x"}},
			"X is both a secret and a kv namespace"},
		{"empty kv name", Handler{Script: "w.js", KVNamespaces: map[string]string{"": "ns"}}, `a kv binding has an empty name (namespace "ns")`},
		{"empty namespace", Handler{Script: "w.js", KVNamespaces: map[string]string{"K": ""}}, "kv binding K has an empty namespace"},
		{"namespace with /", Handler{Script: "w.js", KVNamespaces: map[string]string{"K": "a/b"}}, `kv binding K: namespace "a/b" must not contain "/"`},
		{"subrequest limits", Handler{Script: "w.js", Subrequests: 10, SubrequestsConcurrent: 2,
			SubrequestTimeout: caddy.Duration(time.Second)}, ""},
		{"negative subrequests", Handler{Script: "w.js", Subrequests: -1}, "subrequests must not be negative, got -1"},
		{"negative subrequests_concurrent", Handler{Script: "w.js", SubrequestsConcurrent: -1}, "subrequests_concurrent must not be negative"},
		{"negative subrequest_timeout", Handler{Script: "w.js", SubrequestTimeout: -1}, "subrequest_timeout must not be negative"},
		{"egress", Handler{Script: "w.js", Egress: &Egress{Allow: []string{"*", "*.example.com", "api.example.net"},
			Deny: []string{"evil.example.com"}, AllowPrivate: true}}, ""},
		{"egress empty pattern", Handler{Script: "w.js", Egress: &Egress{Allow: []string{""}}}, "egress allow: an empty host pattern"},
		{"egress bare wildcard label", Handler{Script: "w.js", Egress: &Egress{Deny: []string{"*."}}}, `egress deny: host pattern "*." has nothing after "*."`},
		{"egress inner wildcard", Handler{Script: "w.js", Egress: &Egress{Allow: []string{"a.*.com"}}},
			`host pattern "a.*.com": a wildcard may only be the whole pattern or its first label`},
		{"egress URL", Handler{Script: "w.js", Egress: &Egress{Allow: []string{"http://x.com"}}},
			`host pattern "http://x.com" must be a host name, without scheme, port or path`},
		{"egress port", Handler{Script: "w.js", Egress: &Egress{Deny: []string{"x.com:443"}}}, "must be a host name"},
		{"egress empty label", Handler{Script: "w.js", Egress: &Egress{Deny: []string{".x.com"}}}, `host pattern ".x.com" has an empty label`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.h.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate() = %v, want no error", err)
			case tc.want != "" && err == nil:
				t.Errorf("Validate() = nil, want an error containing %q", tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Errorf("Validate() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestStatusFor(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{&runtime.ScriptError{Message: "Error: boom"}, 500},
		{fmt.Errorf("wrapped: %w", &runtime.ScriptError{Message: "x"}), 500},
		{runtime.ErrCPULimit, 503},
		{runtime.ErrMemoryLimit, 503},
		{runtime.ErrIsolateLost, 503},
		{runtime.ErrClosed, 503},
		{runtime.ErrQueueFull, 503},
		{runtime.ErrTimeout, 504},
		{fmt.Errorf("acquiring: %w", context.Canceled), 499},
		{errors.New("something else"), 500},
	} {
		if got := statusFor(tc.err); got != tc.want {
			t.Errorf("statusFor(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestRuntimeConfig(t *testing.T) {
	t.Setenv("WORKY_TEST_TOKEN", "s3cret")
	h := Handler{
		Script:       "testdata/workers/hello.js",
		Vars:         map[string]string{"B": "2", "A": "{env.WORKY_TEST_TOKEN}"},
		Secrets:      map[string]string{"TOKEN": "{env.WORKY_TEST_TOKEN}", "PLAIN": "p"},
		KVNamespaces: map[string]string{"CACHE": "CACHE", "COUNTS": "shared"},
	}
	cfg, err := h.runtimeConfig()
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(cfg.Script) || !strings.HasSuffix(cfg.Script, "testdata/workers/hello.js") {
		t.Errorf("Script = %q, want the absolute path of testdata/workers/hello.js", cfg.Script)
	}
	want := []runtime.Binding{
		{Name: "A", Kind: "var", Value: "{env.WORKY_TEST_TOKEN}"}, // vars are literal
		{Name: "B", Kind: "var", Value: "2"},
		{Name: "PLAIN", Kind: "secret", Value: "p"},
		{Name: "TOKEN", Kind: "secret", Value: "s3cret"},
		{Name: "CACHE", Kind: "kv", Value: "CACHE"},
		{Name: "COUNTS", Kind: "kv", Value: "shared"},
	}
	if fmt.Sprint(cfg.Bindings) != fmt.Sprint(want) {
		t.Errorf("Bindings = %v, want %v", cfg.Bindings, want)
	}
	// Without subrequest options the fetch family gets zero values,
	// which it reads as its defaults.
	if o, ok := cfg.Resources[fetch.ResourceName].(*fetch.Options); !ok || !reflect.DeepEqual(*o, fetch.Options{}) {
		t.Errorf("Resources[%q] = %#v, want a zero *fetch.Options", fetch.ResourceName, cfg.Resources[fetch.ResourceName])
	}
}

func TestRuntimeConfigFetchOptions(t *testing.T) {
	h := Handler{
		Script:                "testdata/workers/hello.js",
		Egress:                &Egress{Allow: []string{"*.example.com"}, Deny: []string{"bad.example.com"}, AllowPrivate: true},
		Subrequests:           7,
		SubrequestsConcurrent: 2,
		SubrequestTimeout:     caddy.Duration(3 * time.Second),
	}
	cfg, err := h.runtimeConfig()
	if err != nil {
		t.Fatal(err)
	}
	want := fetch.Options{
		Egress:                   fetch.EgressPolicy{Allow: []string{"*.example.com"}, Deny: []string{"bad.example.com"}, AllowPrivate: true},
		MaxSubrequests:           7,
		MaxConcurrentSubrequests: 2,
		SubrequestTimeout:        3 * time.Second,
	}
	o, ok := cfg.Resources[fetch.ResourceName].(*fetch.Options)
	if !ok || !reflect.DeepEqual(*o, want) {
		t.Fatalf("Resources[%q] = %#v, want %#v", fetch.ResourceName, cfg.Resources[fetch.ResourceName], &want)
	}
	// The options are the worker's own copy: the handler's config may be
	// reused by Caddy, the pool outlives it.
	h.Egress.Allow[0] = "changed.example.com"
	if o.Egress.Allow[0] != "*.example.com" {
		t.Errorf("changing the handler's egress allow list changed the worker's options: %v", o.Egress.Allow)
	}
}

// TestClientHeader checks the client headers the worker sees, with and
// without a trusted proxy in front, and that Caddy's own request keeps
// the header the client sent.
func TestClientHeader(t *testing.T) {
	for _, tc := range []struct {
		name     string
		remote   string
		clientIP string // the client_ip variable; "" for unset
		trusted  bool
		sent     http.Header
		ip, xff  string
	}{
		{"direct", "203.0.113.7:5555", "203.0.113.7", false, nil, "203.0.113.7", "203.0.113.7"},
		{"direct, forged headers", "203.0.113.7:5555", "203.0.113.7", false,
			http.Header{"X-Forwarded-For": {"1.2.3.4"}, "Cf-Connecting-Ip": {"1.2.3.4"}, "X-Real-Ip": {"1.2.3.4"}},
			"203.0.113.7", "203.0.113.7"},
		{"trusted proxy", "10.0.0.2:5555", "198.51.100.9", true,
			http.Header{"X-Forwarded-For": {"198.51.100.9, 10.0.0.1"}},
			"198.51.100.9", "198.51.100.9, 10.0.0.1, 10.0.0.2"},
		{"trusted proxy, two header lines", "10.0.0.2:5555", "198.51.100.9", true,
			http.Header{"X-Forwarded-For": {"198.51.100.9", "10.0.0.1"}},
			"198.51.100.9", "198.51.100.9, 10.0.0.1, 10.0.0.2"},
		{"trusted proxy, no list", "10.0.0.2:5555", "10.0.0.2", true, nil, "10.0.0.2", "10.0.0.2"},
		{"ipv6 with zone", "[fe80::1%eth0]:5555", "", false, nil, "fe80::1", "fe80::1"},
		{"no IP", "@", "", false, http.Header{"X-Forwarded-For": {"1.2.3.4"}, "X-Real-Ip": {"1.2.3.4"}}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://example.com/", nil)
			r.RemoteAddr = tc.remote
			r.Header = tc.sent.Clone()
			if r.Header == nil {
				r.Header = http.Header{}
			}
			sent := r.Header.Clone()
			vars := map[string]any{caddyhttp.TrustedProxyVarKey: tc.trusted}
			if tc.clientIP != "" {
				vars[caddyhttp.ClientIPVarKey] = tc.clientIP
			}
			r = r.WithContext(context.WithValue(r.Context(), caddyhttp.VarsCtxKey, vars))
			got := clientHeader(r)
			for name, want := range map[string]string{
				"Cf-Connecting-Ip": tc.ip, "X-Real-Ip": tc.ip, "X-Forwarded-For": tc.xff,
			} {
				if v := strings.Join(got.Values(name), "|"); v != want {
					t.Errorf("%s = %q, want %q", name, v, want)
				}
			}
			if !reflect.DeepEqual(r.Header, sent) {
				t.Errorf("Caddy's request header changed: %v, want %v", r.Header, sent)
			}
		})
	}
}

func TestDefaultName(t *testing.T) {
	for in, want := range map[string]string{
		"./worker.js":        "worker",
		"/srv/api/edge.ts":   "edge",
		"examples/hello.mjs": "hello",
		"noext":              "noext",
	} {
		if got := defaultName(in); got != want {
			t.Errorf("defaultName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestProvisionBuildError checks that a script that does not build fails
// provisioning with the file, line, column and esbuild's message, and
// leaves nothing behind for Cleanup.
func TestProvisionBuildError(t *testing.T) {
	h := &Handler{Script: "testdata/workers/bad.js"}
	err := h.provision(new(App), zaptest.NewLogger(t))
	if err == nil {
		t.Fatal("provisioning bad.js succeeded")
	}
	want := `worky: bad.js:3:14: Expected ";" but found "x"`
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q, want it to start with %q", err, want)
	}
	var be *runtime.BuildError
	if !errors.As(err, &be) {
		t.Errorf("error %v does not wrap a *runtime.BuildError", err)
	}
	if err := h.Cleanup(); err != nil {
		t.Errorf("Cleanup after a failed Provision: %v", err)
	}
}

func TestProvisionMissingScript(t *testing.T) {
	if err := new(Handler).provision(new(App), zaptest.NewLogger(t)); err == nil || err.Error() != "worky: script is required" {
		t.Errorf("provisioning without a script: error = %v, want \"worky: script is required\"", err)
	}
	h := &Handler{Script: "testdata/workers/nope.js"}
	err := h.provision(new(App), zaptest.NewLogger(t))
	if err == nil || !strings.Contains(err.Error(), "nope.js") {
		t.Fatalf("provisioning a missing script: error = %v, want one naming nope.js", err)
	}
}

// TestWorkerKey checks that the key changes with every option and with
// the content of the script and of the files it imports, and with
// nothing else.
func TestWorkerKey(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("worker.ts", `import { v } from "./lib/v"; import data from "./data.json"; export default { fetch() { return v + data.n; } };`)
	write("lib/v.ts", `export const v: number = 1;`)
	write("data.json", `{"n": 1}`)
	write("unrelated.js", `1`)
	base := runtime.Config{Name: "w", Script: filepath.Join(dir, "worker.ts")}
	key := func(cfg runtime.Config) string {
		t.Helper()
		k, err := workerKey(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	k0 := key(base)
	if k := key(base); k != k0 {
		t.Fatalf("the key of one config differs between two calls: %s, %s", k0, k)
	}
	for name, mod := range map[string]func(c *runtime.Config){
		"name":           func(c *runtime.Config) { c.Name = "other" },
		"isolates":       func(c *runtime.Config) { c.Isolates = 3 },
		"max_concurrent": func(c *runtime.Config) { c.MaxConcurrent = 3 },
		"queue_size":     func(c *runtime.Config) { c.QueueSize = 3 },
		"cpu_limit":      func(c *runtime.Config) { c.CPULimit = time.Millisecond },
		"memory_limit":   func(c *runtime.Config) { c.MemoryLimit = 1 << 20 },
		"timeout":        func(c *runtime.Config) { c.Timeout = time.Millisecond },
		"var":            func(c *runtime.Config) { c.Bindings = []runtime.Binding{{Name: "A", Kind: "var", Value: "1"}} },
		"secret value": func(c *runtime.Config) {
			c.Bindings = []runtime.Binding{{Name: "A", Kind: "secret", Value: "2"}}
		},
		"extensions": func(c *runtime.Config) { c.Extensions = []*runtime.Extension{{Name: "x"}} },
		"kv namespace": func(c *runtime.Config) {
			c.Bindings = []runtime.Binding{{Name: "A", Kind: "kv", Value: "ns"}}
		},
	} {
		cfg := base
		mod(&cfg)
		if key(cfg) == k0 {
			t.Errorf("changing %s did not change the key", name)
		}
	}
	// Resources (the KV store, say) are not part of a worker's identity:
	// a config with another kv_path keeps the warm pool.
	withResources := base
	withResources.Resources = map[string]any{"kv": new(kvSwap)}
	if key(withResources) != k0 {
		t.Errorf("setting Resources changed the key")
	}
	// The fetch options are a resource whose values are hashed: they
	// decide what the worker may do.
	withFetch := base
	withFetch.Resources = map[string]any{fetch.ResourceName: &fetch.Options{}}
	if key(withFetch) != k0 {
		t.Errorf("zero fetch options changed the key")
	}
	for name, o := range map[string]fetch.Options{
		"egress allow":           {Egress: fetch.EgressPolicy{Allow: []string{"a.example"}}},
		"egress deny":            {Egress: fetch.EgressPolicy{Deny: []string{"a.example"}}},
		"egress allow_private":   {Egress: fetch.EgressPolicy{AllowPrivate: true}},
		"subrequests":            {MaxSubrequests: 3},
		"subrequests_concurrent": {MaxConcurrentSubrequests: 3},
		"subrequest_timeout":     {SubrequestTimeout: time.Second},
	} {
		cfg := base
		o := o
		cfg.Resources = map[string]any{fetch.ResourceName: &o}
		if key(cfg) == k0 {
			t.Errorf("changing the fetch option %s did not change the key", name)
		}
		again := base
		o2 := o
		again.Resources = map[string]any{fetch.ResourceName: &o2}
		if key(again) != key(cfg) {
			t.Errorf("two equal fetch options (%s) gave different keys", name)
		}
	}

	write("unrelated.js", `2`)
	if key(base) != k0 {
		t.Errorf("changing a file the worker does not import changed the key")
	}
	for _, f := range []struct{ name, content string }{
		{"worker.ts", `import { v } from "./lib/v"; import data from "./data.json"; export default { fetch() { return v - data.n; } };`},
		{"lib/v.ts", `export const v: number = 2;`},
		{"data.json", `{"n": 2}`},
	} {
		write(f.name, f.content)
		k := key(base)
		if k == k0 {
			t.Errorf("changing %s, which the worker imports, did not change the key", f.name)
		}
		k0 = k
	}
}

func TestScriptInputs(t *testing.T) {
	script, _ := filepath.Abs("testdata/workers/typed.ts")
	got := scriptInputs(script)
	want := []string{filepath.Join(filepath.Dir(script), "lib/shapes.ts"), script}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("scriptInputs(typed.ts) = %v, want %v", got, want)
	}
	bad, _ := filepath.Abs("testdata/workers/bad.js")
	if got := scriptInputs(bad); fmt.Sprint(got) != fmt.Sprint([]string{bad}) {
		t.Errorf("scriptInputs(bad.js) = %v, want just the script", got)
	}
}

// TestSwapCore checks that loggers derived from a worker's logger follow
// a change of destination, fields included.
func TestSwapCore(t *testing.T) {
	first, firstLogs := observer.New(zapcore.InfoLevel)
	second, secondLogs := observer.New(zapcore.DebugLevel)
	sc := newSwapCore(first)
	log := zap.New(sc).Named("w").With(zap.String("isolate", "0"))
	log.Debug("dropped")
	log.Info("one")
	sc.set(second)
	log.Debug("two")
	if firstLogs.Len() != 1 || firstLogs.All()[0].Message != "one" {
		t.Errorf("first core got %v, want just \"one\"", firstLogs.All())
	}
	entries := secondLogs.All()
	if len(entries) != 1 || entries[0].Message != "two" || entries[0].LoggerName != "w" ||
		entries[0].ContextMap()["isolate"] != "0" {
		t.Errorf("second core got %+v, want \"two\" from logger w with isolate=0", entries)
	}
}

// TestServeHTTPStatus sends requests through a provisioned handler (no
// Caddy) and checks the error and status each runtime failure maps to.
func TestServeHTTPStatus(t *testing.T) {
	// Names of their own keep these workers apart from the integration
	// tests' warm pools, which the running Caddy may still hold.
	tight := newTestHandler(t, &Handler{
		Script:   "testdata/workers/limits.js",
		Name:     "tight",
		Isolates: 1,
		CPULimit: caddy.Duration(100 * time.Millisecond),
		Timeout:  caddy.Duration(time.Second),
	})
	roomy := newTestHandler(t, &Handler{
		Script:      "testdata/workers/limits.js",
		Name:        "roomy",
		Isolates:    1,
		CPULimit:    caddy.Duration(30 * time.Second),
		MemoryLimit: 32 << 20,
	})
	for _, tc := range []struct {
		h      *Handler
		path   string
		status int
		err    error // nil: any error, or none
	}{
		{tight, "/", 200, nil},
		{tight, "/throw", 500, nil},
		{tight, "/spin", 503, runtime.ErrCPULimit},
		{tight, "/", 200, nil},
		{tight, "/hang", 504, runtime.ErrTimeout},
		{tight, "/", 200, nil},
		{roomy, "/heap", 503, runtime.ErrMemoryLimit},
		{roomy, "/", 200, nil},
	} {
		rec := httptest.NewRecorder()
		err := tc.h.ServeHTTP(rec, httptest.NewRequest("GET", "http://example.com"+tc.path, nil), nextMustNotRun(t))
		status := rec.Code
		if err != nil {
			var he caddyhttp.HandlerError
			if !errors.As(err, &he) {
				t.Fatalf("%s GET %s: error %v is not a caddyhttp.HandlerError", tc.h.Name, tc.path, err)
			}
			status = he.StatusCode
		}
		if status != tc.status {
			t.Errorf("%s GET %s: status %d, want %d (error: %v)", tc.h.Name, tc.path, status, tc.status, err)
		}
		if tc.err != nil && !errors.Is(err, tc.err) {
			t.Errorf("%s GET %s: error %v, want %v", tc.h.Name, tc.path, err, tc.err)
		}
		if strings.Contains(rec.Body.String(), "hunter2") {
			t.Errorf("%s GET %s: the exception's message reached the client: %q", tc.h.Name, tc.path, rec.Body.String())
		}
	}
}

// TestServeHTTPAbortsStartedResponse checks that a worker failing after
// its response started aborts the connection (http.ErrAbortHandler), so
// the client cannot take the truncated body for a whole one.
func TestServeHTTPAbortsStartedResponse(t *testing.T) {
	h := newTestHandler(t, &Handler{
		Script:   "testdata/workers/limits.js",
		Name:     "partial",
		Isolates: 1,
		CPULimit: caddy.Duration(100 * time.Millisecond),
	})
	rec := httptest.NewRecorder()
	recovered := func() (v any) {
		defer func() { v = recover() }()
		err := h.ServeHTTP(rec, httptest.NewRequest("GET", "http://example.com/partial", nil), nextMustNotRun(t))
		t.Errorf("ServeHTTP returned %v, want a panic with http.ErrAbortHandler", err)
		return nil
	}()
	if recovered != http.ErrAbortHandler {
		t.Errorf("ServeHTTP panicked with %v, want http.ErrAbortHandler", recovered)
	}
	if rec.Code != 200 || rec.Body.String() != "partial" {
		t.Errorf("the client got %d %q before the abort, want 200 \"partial\"", rec.Code, rec.Body.String())
	}
}

// newTestHandler provisions h without Caddy; it is cleaned up with t.
func newTestHandler(t testing.TB, h *Handler) *Handler {
	t.Helper()
	if err := h.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := h.provision(new(App), zaptest.NewLogger(t)); err != nil {
		t.Fatalf("provisioning %s: %v", h.Script, err)
	}
	t.Cleanup(func() {
		if err := h.Cleanup(); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	return h
}

func nextMustNotRun(t testing.TB) caddyhttp.Handler {
	return caddyhttp.HandlerFunc(func(http.ResponseWriter, *http.Request) error {
		t.Errorf("the next handler ran for a request the worker answers")
		return nil
	})
}

// TestReuseAcrossApps checks what a reload does with an unchanged worker:
// the new config's handler gets the same warm worker, whose logs go to
// the new config's logger once that config starts.
func TestReuseAcrossApps(t *testing.T) {
	oldCore, oldLogs := observer.New(zapcore.InfoLevel)
	newCore, newLogs := observer.New(zapcore.InfoLevel)
	cfg := Handler{Script: "testdata/workers/logs.js", Name: "reuse", Isolates: 1}

	oldApp, newApp := new(App), new(App)
	h1, h2 := cfg, cfg
	if err := h1.provision(oldApp, zap.New(oldCore)); err != nil {
		t.Fatal(err)
	}
	defer h1.Cleanup()
	serve := func(h *Handler, path string) {
		t.Helper()
		rec := httptest.NewRecorder()
		if err := h.ServeHTTP(rec, httptest.NewRequest("GET", "http://example.com"+path, nil), nextMustNotRun(t)); err != nil || rec.Body.String() != "logged\n" {
			t.Fatalf("GET %s: %v %q", path, err, rec.Body.String())
		}
	}
	serve(&h1, "/one")

	if err := h2.provision(newApp, zap.New(newCore)); err != nil {
		t.Fatal(err)
	}
	defer h2.Cleanup()
	if h1.w != h2.w {
		t.Fatal("an identical handler in a new config got a new worker, not the warm one")
	}
	serve(&h2, "/two") // the new config has not started: old logger
	if err := newApp.Start(); err != nil {
		t.Fatal(err)
	}
	serve(&h2, "/three")

	messages := func(o *observer.ObservedLogs) (out []string) {
		for _, e := range o.FilterLoggerName("reuse.console").All() {
			out = append(out, e.Message)
		}
		return out
	}
	if got := fmt.Sprint(messages(oldLogs)); got != "[served /one served /two]" {
		t.Errorf("old config's log = %s, want [served /one served /two]", got)
	}
	if got := fmt.Sprint(messages(newLogs)); got != "[served /three]" {
		t.Errorf("new config's log = %s, want [served /three]", got)
	}

	// The old config goes away: the worker lives on for the new one.
	if err := h1.Cleanup(); err != nil {
		t.Fatal(err)
	}
	serve(&h2, "/four")
}

// TestServeHTTPNextForwardedFor checks the x-forwarded-for the next
// handler gets from a worker that forwards the request: the client's
// own, so that reverse_proxy appends the peer once, while the worker saw
// the list with the peer already appended.
func TestServeHTTPNextForwardedFor(t *testing.T) {
	h := newTestHandler(t, &Handler{Script: "testdata/workers/subrequests.js", Name: "xff", Isolates: 1})
	for _, c := range []struct {
		name    string
		trusted bool
		sent    []string
	}{
		{"trusted proxy", true, []string{"198.51.100.9"}},
		{"untrusted client", false, []string{"192.0.2.1"}},
		{"no list", false, nil},
	} {
		var got []string
		var ran bool
		next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			ran = true
			got = r.Header.Values("X-Forwarded-For")
			if ip := r.Header.Get("Cf-Connecting-Ip"); ip != "198.51.100.9" {
				t.Errorf("%s: next got cf-connecting-ip %q, want the client's 198.51.100.9", c.name, ip)
			}
			w.WriteHeader(204)
			return nil
		})
		r := httptest.NewRequest("GET", "http://example.com/pass", nil)
		r.RemoteAddr = "10.0.0.2:4444"
		for _, v := range c.sent {
			r.Header.Add("X-Forwarded-For", v)
		}
		r = r.WithContext(context.WithValue(r.Context(), caddyhttp.VarsCtxKey, map[string]any{
			caddyhttp.TrustedProxyVarKey: c.trusted,
			caddyhttp.ClientIPVarKey:     "198.51.100.9",
		}))
		rec := httptest.NewRecorder()
		if err := h.ServeHTTP(rec, r, next); err != nil || rec.Code != 204 || !ran {
			t.Fatalf("%s: GET /pass = %d, error %v, next ran: %v; want 204 from next", c.name, rec.Code, err, ran)
		}
		if !reflect.DeepEqual(got, c.sent) {
			t.Errorf("%s: next got X-Forwarded-For %q, want the client's %q", c.name, got, c.sent)
		}
		if v := r.Header.Values("X-Forwarded-For"); !reflect.DeepEqual(v, c.sent) {
			t.Errorf("%s: Caddy's request header X-Forwarded-For became %q", c.name, v)
		}
	}
}

// TestServeNextRecovers checks that a panic in the next handler, which
// the runtime may run on a goroutine of its own, becomes an error rather
// than a crash.
func TestServeNextRecovers(t *testing.T) {
	h := &Handler{log: zaptest.NewLogger(t)}
	errNext := errors.New("next failed")
	for _, c := range []struct {
		name string
		next caddyhttp.HandlerFunc
		want string
		is   error
	}{
		{"abort", func(http.ResponseWriter, *http.Request) error { panic(http.ErrAbortHandler) },
			"the next handler aborted the response", http.ErrAbortHandler},
		{"other panic", func(http.ResponseWriter, *http.Request) error { panic("boom") },
			"the next handler panicked: boom", nil},
		{"error", func(http.ResponseWriter, *http.Request) error { return errNext }, "next failed", errNext},
	} {
		err := h.serveNext(c.next, httptest.NewRecorder(), httptest.NewRequest("GET", "http://example.com/", nil))
		if err == nil || !strings.Contains(err.Error(), c.want) || (c.is != nil && !errors.Is(err, c.is)) {
			t.Errorf("%s: serveNext = %v, want an error containing %q (wrapping %v)", c.name, err, c.want, c.is)
		}
	}
	if err := h.serveNext(caddyhttp.HandlerFunc(func(http.ResponseWriter, *http.Request) error { return nil }),
		httptest.NewRecorder(), httptest.NewRequest("GET", "http://example.com/", nil)); err != nil {
		t.Errorf("serveNext with a next that succeeds = %v, want nil", err)
	}
}
