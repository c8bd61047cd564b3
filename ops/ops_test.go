package ops_test

import (
	"encoding/json"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/worky-dev/worky/ops"
	"github.com/worky-dev/worky/ops/opstest"
)

// The kinds of thing a global (or a member of one) must be.
const (
	// kindInterface is a WebIDL interface object: a constructor (even if
	// calling it throws "Illegal constructor") whose prototype carries
	// Symbol.toStringTag set to the interface's name.
	kindInterface = "interface"
	// kindNamespaceInterface is a constructor under a namespace, such as
	// WebAssembly.Module (V8's own; its toStringTag is qualified).
	kindNamespaceInterface = "namespaced interface"
	kindFunction           = "function"
	kindObject             = "object"
	kindString             = "string"
	kindNumber             = "number"
)

// minimumCommonAPI is every entry of the WinterTC Minimum Common Web
// Platform API (https://min-common-api.proposal.wintertc.org/, "Common
// API Index", wintercg/proposal-common-minimum-api index.bs at commit
// f91410e), by the path from globalThis and the kind of
// thing it must be.
var minimumCommonAPI = []struct{ path, kind string }{
	// Interfaces.
	{"AbortController", kindInterface},
	{"AbortSignal", kindInterface},
	{"Blob", kindInterface},
	{"ByteLengthQueuingStrategy", kindInterface},
	{"CompressionStream", kindInterface},
	{"CountQueuingStrategy", kindInterface},
	{"Crypto", kindInterface},
	{"CryptoKey", kindInterface},
	{"DecompressionStream", kindInterface},
	{"DOMException", kindInterface},
	{"Event", kindInterface},
	{"EventTarget", kindInterface},
	{"File", kindInterface},
	{"FormData", kindInterface},
	{"Headers", kindInterface},
	{"ReadableByteStreamController", kindInterface},
	{"ReadableStream", kindInterface},
	{"ReadableStreamBYOBReader", kindInterface},
	{"ReadableStreamBYOBRequest", kindInterface},
	{"ReadableStreamDefaultController", kindInterface},
	{"ReadableStreamDefaultReader", kindInterface},
	{"Request", kindInterface},
	{"Response", kindInterface},
	{"SubtleCrypto", kindInterface},
	{"TextDecoder", kindInterface},
	{"TextDecoderStream", kindInterface},
	{"TextEncoder", kindInterface},
	{"TextEncoderStream", kindInterface},
	{"TransformStream", kindInterface},
	{"TransformStreamDefaultController", kindInterface},
	{"URL", kindInterface},
	{"URLSearchParams", kindInterface},
	{"WebAssembly.Global", kindNamespaceInterface},
	{"WebAssembly.Instance", kindNamespaceInterface},
	{"WebAssembly.Memory", kindNamespaceInterface},
	{"WebAssembly.Module", kindNamespaceInterface},
	{"WebAssembly.Table", kindNamespaceInterface},
	{"WritableStream", kindInterface},
	{"WritableStreamDefaultController", kindInterface},
	// Global methods and properties.
	{"globalThis", kindObject},
	{"atob", kindFunction},
	{"btoa", kindFunction},
	{"console", kindObject},
	{"crypto", kindObject},
	{"fetch", kindFunction},
	{"navigator", kindObject},
	{"navigator.userAgent", kindString},
	{"performance", kindObject},
	{"performance.now", kindFunction},
	{"performance.timeOrigin", kindNumber},
	{"queueMicrotask", kindFunction},
	{"setTimeout", kindFunction},
	{"clearTimeout", kindFunction},
	{"setInterval", kindFunction},
	{"clearInterval", kindFunction},
	{"structuredClone", kindFunction},
	{"WebAssembly", kindObject},
	{"WebAssembly.compile", kindFunction},
	{"WebAssembly.compileStreaming", kindFunction},
	{"WebAssembly.instantiate", kindFunction},
	{"WebAssembly.instantiateStreaming", kindFunction},
	{"WebAssembly.validate", kindFunction},
}

// workerGlobals are the globals beyond the Minimum Common API that Worky
// promises (issue 3 and Cloudflare Workers compatibility), checked the
// same way.
var workerGlobals = []struct{ path, kind string }{
	{"self", kindObject},
	{"addEventListener", kindFunction},
	{"removeEventListener", kindFunction},
	{"dispatchEvent", kindFunction},
	{"reportError", kindFunction},
	{"CustomEvent", kindInterface},
	{"ErrorEvent", kindInterface},
	{"PromiseRejectionEvent", kindInterface},
	{"MessageChannel", kindInterface},
	{"MessagePort", kindInterface},
	{"MessageEvent", kindInterface},
	{"WritableStreamDefaultWriter", kindInterface},
	{"Performance", kindInterface},
	{"Navigator", kindInterface},
	{"Scheduler", kindInterface},
	{"scheduler", kindObject},
	{"scheduler.wait", kindFunction},
	{"URLPattern", kindInterface},
	{"crypto.getRandomValues", kindFunction},
	{"crypto.randomUUID", kindFunction},
	{"crypto.subtle", kindObject},
}

// pending lists the globals that families still being built will bring,
// each with the family that brings it. They are checked like the rest
// once present; while missing they are only logged. A name listed here
// that exists fails the test, so this list cannot go stale: whoever lands
// the family empties its entries.
var pending = map[string]string{}

// TestGlobals checks that, with every family of ops.All() installed, each
// global of the WinterTC Minimum Common API, and each that Worky adds,
// exists and is the right kind of thing, installed as WebIDL installs
// globals, and that the runtime's internals are not reachable.
func TestGlobals(t *testing.T) {
	p := opstest.NewPool(t, ops.All(), `export default { fetch() { return new Response("ok"); } };`)
	type entry struct {
		Path string `json:"path"`
		Kind string `json:"kind"`
	}
	var list []entry
	for _, e := range minimumCommonAPI {
		list = append(list, entry{e.path, e.kind})
	}
	for _, e := range workerGlobals {
		list = append(list, entry{e.path, e.kind})
	}
	for name := range pending {
		found := false
		for _, e := range list {
			found = found || e.Path == name
		}
		if !found {
			t.Errorf("pending lists %s, which is in neither minimumCommonAPI nor workerGlobals", name)
		}
	}
	listJSON, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	// check returns, for each path, "" when it is right, else what is
	// wrong with it; "missing" when it does not exist.
	got := opstest.Eval(t, p, `
const list = `+string(listJSON)+`;
const isConstructor = (f) => {
  try { Reflect.construct(function () {}, [], f); return true; } catch { return false; }
};
const out = {};
for (const { path, kind } of list) {
  const parts = path.split(".");
  let holder = globalThis, v = globalThis;
  let missing = false;
  if (path !== "globalThis") {
    for (const p of parts) {
      if (v === undefined || v === null || !(p in Object(v))) { missing = true; break; }
      holder = v;
      v = v[p];
    }
  }
  if (missing || v === undefined) { out[path] = "missing"; continue; }
  const bad = [];
  switch (kind) {
    case "interface":
    case "namespaced interface": {
      if (typeof v !== "function" || !isConstructor(v)) { bad.push("is not a constructor (" + typeof v + ")"); break; }
      if (v.prototype === null || typeof v.prototype !== "object") { bad.push("has no prototype object"); break; }
      if (v.prototype.constructor !== v) bad.push("prototype.constructor is not the interface");
      const name = parts[parts.length - 1];
      if (v.name !== name) bad.push("name is " + JSON.stringify(v.name));
      const tag = Object.prototype.toString.call(v.prototype);
      const wantTag = kind === "interface" ? "[object " + name + "]" : "[object " + path + "]";
      if (tag !== wantTag) bad.push("prototype's toString tag is " + tag + ", want " + wantTag);
      break;
    }
    case "function":
      if (typeof v !== "function") bad.push("is " + typeof v + ", want a function");
      break;
    case "object":
      if (v === null || typeof v !== "object") bad.push("is " + (v === null ? "null" : typeof v) + ", want an object");
      break;
    default:
      if (typeof v !== kind) bad.push("is " + typeof v + ", want a " + kind);
  }
  // Globals themselves are installed as WebIDL says: writable,
  // configurable, not enumerable (globalThis is V8's own).
  if (parts.length === 1 && path !== "globalThis") {
    const d = Object.getOwnPropertyDescriptor(globalThis, path);
    if (!d) bad.push("is inherited, not an own property of globalThis");
    else if (d.enumerable) bad.push("is enumerable");
    else if (d.get === undefined && (!d.writable || !d.configurable)) bad.push("is not writable and configurable");
  }
  out[path] = bad.join("; ");
}
const internals = Object.getOwnPropertyNames(globalThis).filter((k) => /^(op_|__worky|core$|ops$)/.test(k));
return { out, internals, selfIsGlobal: self === globalThis, nowIsNumber: typeof performance.now() === "number" };`)
	var res struct {
		Out          map[string]string `json:"out"`
		Internals    []string          `json:"internals"`
		SelfIsGlobal bool              `json:"selfIsGlobal"`
		NowIsNumber  bool              `json:"nowIsNumber"`
	}
	if err := json.Unmarshal([]byte(got), &res); err != nil {
		t.Fatalf("decoding %s: %v", got, err)
	}
	var missing []string
	for _, e := range list {
		problem, ok := res.Out[e.Path]
		if !ok {
			t.Errorf("%s: not checked", e.Path)
			continue
		}
		family, isPending := pending[e.Path]
		switch {
		case problem == "missing" && isPending:
			missing = append(missing, e.Path+" ("+family+")")
		case problem == "missing":
			t.Errorf("%s: missing, want a %s", e.Path, e.Kind)
		case isPending:
			t.Errorf("%s exists now: remove it from pending (it was waiting for the %s family)", e.Path, family)
		case problem != "":
			t.Errorf("%s (%s): %s", e.Path, e.Kind, problem)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		t.Logf("pending globals still missing: %s", strings.Join(missing, ", "))
	}
	for _, k := range res.Internals {
		t.Errorf("internal %s is visible to user code", k)
	}
	if !res.SelfIsGlobal {
		t.Error("self is not globalThis")
	}
	if !res.NowIsNumber {
		t.Error("performance.now() is not a number")
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

// TestPlatformObjectsSpreadEmpty checks that the objects the families
// make keep their state out of sight: `{ ...request }` or Object.assign
// copies nothing, as with the platform's own objects, whose state is in
// internal slots. (itty-router spreads the request through a Proxy, and
// failed on the fetch family's internals.)
func TestPlatformObjectsSpreadEmpty(t *testing.T) {
	p := opstest.NewPool(t, ops.All(), `export default { fetch() { return new Response("ok"); } };`)
	got := opstest.Eval(t, p, `
const rs = new ReadableStream({ type: "bytes" });
const ws = new WritableStream();
const ts = new TransformStream();
let byobRequest;
const pulled = new ReadableStream({ type: "bytes", pull(c) { byobRequest = c.byobRequest; c.byobRequest.respond(1); } });
await pulled.getReader({ mode: "byob" }).read(new Uint8Array(4));
const objs = {
  Request: new Request("http://x/", { method: "POST", body: "x" }),
  RequestGet: new Request("http://x/"),
  Response: new Response("x"),
  ResponseJson: Response.json({}),
  ResponseError: Response.error(),
  ResponseRedirect: Response.redirect("http://x/"),
  Headers: new Headers({ a: "b" }),
  HeadersIterator: new Headers({ a: "b" }).entries(),
  URL: new URL("http://x/?a=1"),
  URLParsed: URL.parse("http://x/?a=1"),
  URLSearchParams: new URLSearchParams("a=1"),
  searchParams: new URL("http://x/?a=1").searchParams,
  URLSearchParamsIterator: new URLSearchParams("a=1").keys(),
  URLPattern: new URLPattern({ pathname: "/a" }),
  Blob: new Blob(["x"]),
  File: new File(["x"], "f"),
  FormData: new FormData(),
  ReadableStream: rs,
  ReadableStreamBYOBReader: rs.getReader({ mode: "byob" }),
  ReadableStreamDefaultReader: new ReadableStream().getReader(),
  ReadableStreamAsyncIterator: new ReadableStream().values(),
  ReadableStreamBYOBRequest: byobRequest,
  WritableStream: ws,
  WritableStreamDefaultWriter: ws.getWriter(),
  TransformStream: ts,
  ByteLengthQueuingStrategy: new ByteLengthQueuingStrategy({ highWaterMark: 1 }),
  CountQueuingStrategy: new CountQueuingStrategy({ highWaterMark: 1 }),
  TextEncoder: new TextEncoder(),
  TextDecoder: new TextDecoder(),
  TextDecoderStream: new TextDecoderStream(),
  CompressionStream: new CompressionStream("gzip"),
  AbortController: new AbortController(),
  AbortSignal: AbortSignal.abort(),
  CustomEvent: new CustomEvent("x"),
  MessageChannel: new MessageChannel(),
  DOMException: new DOMException("x"),
};
let controllers = [];
new ReadableStream({ start(c) { controllers.push(["ReadableStreamDefaultController", c]); } });
new ReadableStream({ type: "bytes", start(c) { controllers.push(["ReadableByteStreamController", c]); } });
new WritableStream({ start(c) { controllers.push(["WritableStreamDefaultController", c]); } });
new TransformStream({ start(c) { controllers.push(["TransformStreamDefaultController", c]); } });
for (const [n, c] of controllers) objs[n] = c;
const out = {};
for (const [n, o] of Object.entries(objs)) {
  // isTrusted is an own property of every event ([LegacyUnforgeable]).
  const keys = Reflect.ownKeys({ ...o }).map(String).filter((k) => !(o instanceof Event && k === "isTrusted"));
  if (keys.length) out[n] = keys;
}
return out;`)
	var leaks map[string][]string
	if err := json.Unmarshal([]byte(got), &leaks); err != nil {
		t.Fatal(err)
	}
	for name, keys := range leaks {
		if _, ok := spreadPending[name]; !ok {
			t.Errorf("spreading a %s copies its state: %v", name, keys)
		}
	}
	for name := range spreadPending {
		if _, ok := leaks[name]; !ok {
			t.Errorf("a %s now spreads empty: take it off spreadPending", name)
		}
	}
}

// spreadPending are the objects whose state is still in enumerable
// symbol-keyed own properties. Hiding them per instance with
// Object.defineProperty cost 5-10% of a hello request; the way is the
// one Request takes (core.slotAccessors), class by class.
var spreadPending = map[string]bool{
	"Response": true, "ResponseJson": true, "ResponseError": true, "ResponseRedirect": true,
	"Headers": true, "HeadersIterator": true,
	"URL": true, "URLParsed": true, "URLSearchParams": true, "searchParams": true, "URLSearchParamsIterator": true,
	"ReadableStream": true, "ReadableStreamBYOBReader": true, "ReadableStreamDefaultReader": true,
	"ReadableStreamAsyncIterator": true, "ReadableStreamBYOBRequest": true, "WritableStream": true,
	"WritableStreamDefaultWriter": true, "TransformStream": true, "ByteLengthQueuingStrategy": true,
	"CountQueuingStrategy": true, "ReadableStreamDefaultController": true, "ReadableByteStreamController": true,
	"WritableStreamDefaultController": true, "TransformStreamDefaultController": true,
}
