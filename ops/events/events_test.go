package events_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v8 "github.com/tommie/v8go"
	"github.com/worky-dev/worky/ops/dom"
	"github.com/worky-dev/worky/ops/encoding"
	"github.com/worky-dev/worky/ops/events"
	"github.com/worky-dev/worky/ops/fetch"
	"github.com/worky-dev/worky/ops/globals"
	"github.com/worky-dev/worky/ops/opstest"
	"github.com/worky-dev/worky/ops/streams"
	"github.com/worky-dev/worky/ops/timers"
	"github.com/worky-dev/worky/ops/url"
	"github.com/worky-dev/worky/ops/webidl"
	"github.com/worky-dev/worky/runtime"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"
)

// families returns the events family with what it needs and uses: its
// deps, then timers (setTimeout) and globals (structuredClone,
// performance), installed after it as in ops.All.
func families() []*runtime.Extension {
	return []*runtime.Extension{
		webidl.Extension(),
		dom.Extension(),
		events.Extension(),
		timers.Extension(),
		globals.Extension(),
	}
}

func TestEventsCases(t *testing.T) {
	opstest.RunCases(t, families(), "testdata/events.js")
}

// newPool starts a worker whose entry is source, with exts, logging to
// logger.
func newPool(t *testing.T, exts []*runtime.Extension, source string, logger *zap.Logger) *runtime.Pool {
	t.Helper()
	entry := filepath.Join(t.TempDir(), "worker.js")
	if err := os.WriteFile(entry, []byte(source), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := runtime.NewPool(runtime.Config{
		Name:       t.Name(),
		Script:     entry,
		Isolates:   1,
		Extensions: exts,
		Logger:     logger,
	})
	if err != nil {
		t.Fatalf("starting worker: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// errorLines returns the error entries logged, each as its message and,
// if there is one, its stack.
func errorLines(logs *observer.ObservedLogs) []string {
	var out []string
	for _, e := range logs.All() {
		if e.Level != zapcore.ErrorLevel {
			continue
		}
		text := e.Message
		if stack, ok := e.ContextMap()["stack"].(string); ok {
			text += "\n" + stack
		}
		out = append(out, text)
	}
	return out
}

// TestReportedExceptionsAreLogged checks that reportError, exceptions in
// listeners and unhandled promise rejections are logged as uncaught, with
// their stacks, unless an "error" (or "unhandledrejection") listener on
// the global object cancels them.
func TestReportedExceptionsAreLogged(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want [][]string // per logged entry: its prefix, then parts it contains
	}{
		{
			name: "reportError",
			src:  `function reporter() { reportError(new TypeError("reported")); } reporter();`,
			want: [][]string{{"Uncaught TypeError: reported", "at reporter"}},
		},
		{
			name: "listener exception",
			src: `const t = new EventTarget();
				t.addEventListener("x", function listener() { throw new RangeError("from a listener"); });
				t.addEventListener("x", () => reportError("second listener ran"));
				t.dispatchEvent(new Event("x"));`,
			want: [][]string{{"Uncaught RangeError: from a listener", "listener (eval.js:2:"}, {"Uncaught second listener ran"}},
		},
		{
			name: "cancelled",
			src: `addEventListener("error", (e) => { if (e.error === 1) e.preventDefault(); });
				reportError(1); reportError(2);`,
			want: [][]string{{"Uncaught 2"}},
		},
		{
			name: "unhandled rejection",
			src: `function rejecter() { Promise.reject(new TypeError("nobody waits")); }
				rejecter();
				await new Promise((r) => setTimeout(r, 0));`,
			want: [][]string{{"Uncaught (in promise) TypeError: nobody waits", "at rejecter (eval.js:1:"}},
		},
		{
			name: "unhandledrejection cancelled",
			src: `addEventListener("unhandledrejection", (e) => { if (e.reason === 1) e.preventDefault(); });
				Promise.reject(1); Promise.reject(2);
				Promise.reject(3).catch(() => {});
				await new Promise((r) => setTimeout(r, 0));`,
			want: [][]string{{"Uncaught (in promise) 2"}},
		},
		{
			name: "abort listener",
			src: `const c = new AbortController();
				c.signal.onabort = () => { throw new Error("in onabort"); };
				c.abort();`,
			want: [][]string{{"Uncaught Error: in onabort"}},
		},
		{
			name: "message listener",
			src: `const { port1, port2 } = new MessageChannel();
				port2.onmessage = (e) => { throw new Error("in onmessage " + e.data); };
				port1.postMessage("m");
				await new Promise((r) => setTimeout(r, 20));`,
			want: [][]string{{"Uncaught Error: in onmessage m"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			core, logs := observer.New(zapcore.DebugLevel)
			p := newPool(t, families(), "export default { fetch() {} };\n", zap.New(core))
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := p.Eval(ctx, tc.src); err != nil {
				t.Fatalf("eval: %v", err)
			}
			got := errorLines(logs)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d error entries, want %d: %q", len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(got[i], w[0]) {
					t.Errorf("entry %d = %q, want it to start with %q", i, got[i], w[0])
				}
				for _, part := range w[1:] {
					if !strings.Contains(got[i], part) {
						t.Errorf("entry %d = %q, want it to contain %q", i, got[i], part)
					}
				}
			}
		})
	}
}

// withFetch is every family a fetch worker needs, events included, in
// the order of ops.All.
func withFetch() []*runtime.Extension {
	return append(families(), streams.Extension(), url.Extension(), encoding.Extension(), fetch.Extension())
}

// TestFetchListeners checks that the runtime's registry of "fetch"
// listeners (what the fetch family calls, and whether the worker handles
// fetch at all) follows the global EventTarget: removals and aborted
// signals included.
func TestFetchListeners(t *testing.T) {
	start := func(t *testing.T, source string) (*runtime.Pool, error) {
		entry := filepath.Join(t.TempDir(), "worker.js")
		if err := os.WriteFile(entry, []byte(source), 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := runtime.NewPool(runtime.Config{
			Name:       t.Name(),
			Script:     entry,
			Isolates:   1,
			Extensions: withFetch(),
			Logger:     zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)),
		})
		if err == nil {
			t.Cleanup(func() { p.Close() })
		}
		return p, err
	}
	t.Run("respond after removals", func(t *testing.T) {
		p, err := start(t, `
			const first = (e) => e.respondWith(new Response("removed listener"));
			addEventListener("fetch", first);
			const c = new AbortController();
			addEventListener("fetch", (e) => e.respondWith(new Response("aborted listener")), { signal: c.signal });
			addEventListener("fetch", { handleEvent(e) { e.respondWith(new Response("handleEvent " + (this.n++))) }, n: 0 });
			removeEventListener("fetch", first);
			c.abort();`)
		if err != nil {
			t.Fatalf("starting worker: %v", err)
		}
		for i, want := range []string{"handleEvent 0", "handleEvent 1"} {
			w := httptest.NewRecorder()
			if err := p.Dispatch(w, httptest.NewRequest("GET", "http://example.com/", nil)); err != nil {
				t.Fatalf("request %d: Dispatch: %v", i, err)
			}
			if got := w.Body.String(); got != want {
				t.Errorf("request %d: body %q, want %q", i, got, want)
			}
		}
	})
	for name, source := range map[string]string{
		"removed":        `const f = (e) => e.respondWith(new Response("x")); addEventListener("fetch", f); removeEventListener("fetch", f);`,
		"aborted signal": `addEventListener("fetch", (e) => e.respondWith(new Response("x")), { signal: AbortSignal.abort() });`,
		"aborted later":  `const c = new AbortController(); addEventListener("fetch", (e) => e.respondWith(new Response("x")), { signal: c.signal }); c.abort();`,
	} {
		t.Run("no handler left: "+name, func(t *testing.T) {
			_, err := start(t, source)
			if err == nil || !strings.Contains(err.Error(), "handles no events") {
				t.Fatalf("starting worker: got error %v, want one saying it handles no events", err)
			}
		})
	}
}

// TestWithStreamsAndFetch runs the cases where events meets the families
// that use AbortSignal: streams (pipeTo's signal, a sink's controller
// signal) and fetch (Request.signal).
func TestWithStreamsAndFetch(t *testing.T) {
	opstest.RunCases(t, withFetch(), "testdata/integration.js")
}

func TestMain(m *testing.M) {
	// gc() lets TestDependentSignalsAndGC collect garbage when it wants to.
	v8.SetFlags("--expose-gc")
	os.Exit(m.Run())
}

// TestDependentSignalsAndGC checks that a source signal holds its
// dependents (AbortSignal.any) weakly, except those with abort listeners,
// which must stay alive for as long as a source can still abort them.
func TestDependentSignalsAndGC(t *testing.T) {
	p := newPool(t, families(), "export default { fetch() {} };\n", zaptest.NewLogger(t))
	opstest.Eval(t, p, `
		globalThis.src = new AbortController();
		globalThis.fired = [];
		globalThis.refs = {};
		(() => {
			const listened = AbortSignal.any([src.signal]);
			listened.addEventListener("abort", () => fired.push("listener"));
			refs.listened = new WeakRef(listened);
			const handled = AbortSignal.any([src.signal]);
			handled.onabort = () => fired.push("onabort");
			const unlistened = AbortSignal.any([src.signal]);
			refs.unlistened = new WeakRef(unlistened);
			const removed = AbortSignal.any([src.signal]);
			const f = () => fired.push("removed");
			removed.addEventListener("abort", f);
			removed.removeEventListener("abort", f);
			refs.removed = new WeakRef(removed);
			for (let i = 0; i < 1000; i++) AbortSignal.any([src.signal]);
		})();`)
	got := opstest.Eval(t, p, `
		gc();
		return [refs.listened.deref() !== undefined, refs.unlistened.deref() === undefined, refs.removed.deref() === undefined];`)
	if got != "[true,true,true]" {
		t.Errorf("after gc: [listened kept, unlistened collected, removed collected] = %s, want all true", got)
	}
	if got := opstest.Eval(t, p, `src.abort(); return fired;`); got != `["listener","onabort"]` {
		t.Errorf("dependents' listeners after gc and abort: %s", got)
	}
}
