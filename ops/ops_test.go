package ops_test

import (
	"net/http/httptest"
	"testing"

	"github.com/worky-dev/worky/ops"
	"github.com/worky-dev/worky/ops/opstest"
)

// TestGlobals checks that, with every family installed together, each
// global of this first cut exists and is the right kind of thing, and that
// the runtime's internals are not reachable from user code.
func TestGlobals(t *testing.T) {
	p := opstest.NewPool(t, ops.All(), `export default { fetch() { return new Response("ok"); } };`)
	got := opstest.Eval(t, p, `
const want = {
  Headers: "function", Request: "function", Response: "function", URL: "function", URLSearchParams: "function",
  TextEncoder: "function", TextDecoder: "function", ReadableStream: "function", WritableStream: "function",
  TransformStream: "function", DOMException: "function", setTimeout: "function", clearTimeout: "function",
  setInterval: "function", clearInterval: "function", queueMicrotask: "function", atob: "function", btoa: "function",
  structuredClone: "function", crypto: "object", performance: "object", console: "object", self: "object",
  addEventListener: "function", removeEventListener: "function", dispatchEvent: "function",
  Event: "function", EventTarget: "function", CustomEvent: "function", ErrorEvent: "function",
  PromiseRejectionEvent: "function", AbortController: "function", AbortSignal: "function",
  MessageChannel: "function", MessagePort: "function", MessageEvent: "function", reportError: "function",
};
const bad = [];
for (const [name, type] of Object.entries(want)) {
  if (typeof globalThis[name] !== type) bad.push(name + " is " + typeof globalThis[name]);
  const d = Object.getOwnPropertyDescriptor(globalThis, name);
  if (d && d.enumerable) bad.push(name + " is enumerable");
}
if (self !== globalThis) bad.push("self is not globalThis");
for (const k of Object.getOwnPropertyNames(globalThis)) {
  if (/^(op_|__worky|core$|ops$)/.test(k)) bad.push("internal " + k + " is visible");
}
if (typeof crypto.getRandomValues !== "function" || typeof crypto.randomUUID !== "function") bad.push("crypto methods");
if (typeof performance.now() !== "number") bad.push("performance.now");
return bad;`)
	if got != "[]" {
		t.Fatalf("globals: %s", got)
	}
}

// TestTimerExceptionsReachErrorListeners checks the families together: an
// exception thrown by a timer callback is reported as an "error" event at
// globalThis, which a listener may cancel.
func TestTimerExceptionsReachErrorListeners(t *testing.T) {
	p := opstest.NewPool(t, ops.All(), `export default { fetch() { return new Response("ok"); } };`)
	got := opstest.Eval(t, p, `
const seen = await new Promise((resolve) => {
  addEventListener("error", function onError(e) {
    removeEventListener("error", onError);
    e.preventDefault();
    resolve([e instanceof ErrorEvent, e.error instanceof RangeError, e.message]);
  });
  setTimeout(() => { throw new RangeError("from a timer"); }, 0);
});
return seen;`)
	if want := `[true,true,"Uncaught RangeError: from a timer"]`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

// TestServiceWorkerListenersAreDispatchedAsEvents checks that a fetch
// event in service-worker syntax goes through EventTarget dispatch: a
// once listener runs once, and stopImmediatePropagation stops the rest.
func TestServiceWorkerListenersAreDispatchedAsEvents(t *testing.T) {
	p := opstest.NewPool(t, ops.All(), `
addEventListener("fetch", (e) => e.respondWith(new Response("once")), { once: true });
addEventListener("fetch", (e) => {
  if (e.respondWith === undefined) return;
  e.stopImmediatePropagation();
  try { e.respondWith(new Response("second")); } catch {}
});
addEventListener("fetch", () => { throw new Error("stopImmediatePropagation did not stop this listener"); });
`)
	for i, want := range []string{"once", "second", "second"} {
		w := httptest.NewRecorder()
		if err := p.Dispatch(w, httptest.NewRequest("GET", "http://example.com/", nil)); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if got := w.Body.String(); got != want {
			t.Fatalf("request %d: got %q, want %q", i, got, want)
		}
	}
}
