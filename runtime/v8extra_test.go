package runtime

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// rejectionExt records what the runtime reports through core.onRejection,
// as the events family does with real events.
var rejectionExt = &Extension{
	Name: "rejectiontest",
	JS: []Script{{Name: "ext:rejectiontest/rejection.js", Source: `
const seen = [];
let cancel = false, catchInHook = false;
core.onRejection({
  unhandled(promise, reason) {
    seen.push(["unhandled", String(reason)]);
    if (catchInHook) promise.catch(() => {});
    return !cancel;
  },
  handled(promise) {
    seen.push(["handled"]);
  },
});
core.defineGlobal("rejections", () => seen.splice(0));
core.defineGlobal("cancelRejections", (v) => { cancel = v; });
core.defineGlobal("catchInHook", (v) => { catchInHook = v; });
`}},
}

func newRejectionPool(t *testing.T, source string) (*Pool, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zap.ErrorLevel)
	p := newTestPool(t, source, func(c *Config) {
		c.Logger = zap.New(core)
		c.Extensions = append(c.Extensions, rejectionExt)
	})
	return p, logs
}

func TestUnhandledRejectionIsLoggedWithItsStack(t *testing.T) {
	p, logs := newRejectionPool(t, "export default { fetch() {} };\n\nexport function fail() {\n  Promise.reject(new TypeError(\"nope\"));\n}\n")
	opEval(t, p, `exports.fail();`)
	// The report comes after the task's microtasks, and so after the
	// eval's answer: the next eval is behind it.
	if got := opEval(t, p, `return rejections()`); got != `[["unhandled","TypeError: nope"]]` {
		t.Fatalf("hooks saw %s", got)
	}
	entries := logs.FilterMessage("Uncaught (in promise) TypeError: nope").All()
	if len(entries) != 1 {
		t.Fatalf("got %d log entries for the rejection, want 1 (all: %v)", len(entries), logs.All())
	}
	if stack := entries[0].ContextMap()["stack"].(string); !strings.Contains(stack, "worker.js:4:18") {
		t.Fatalf("stack not mapped to worker.js:4:18:\n%s", stack)
	}
}

func TestRejectionHandledInTimeIsNotReported(t *testing.T) {
	p, logs := newRejectionPool(t, `export default { fetch() {} };`)
	// A handler added by a later microtask of the same task is in time.
	opEval(t, p, `
const p = Promise.reject(new Error("in time"));
await null; await null;
p.catch(() => {});`)
	// One added while the rejection is being reported (by an
	// unhandledrejection listener) ends it: no rejectionhandled follows.
	opEval(t, p, `catchInHook(true); globalThis.q = Promise.reject(new Error("caught by the hook"));`)
	opEval(t, p, `catchInHook(false); globalThis.q.catch(() => {});`)
	if got := opEval(t, p, `return rejections()`); got != `[["unhandled","Error: caught by the hook"]]` {
		t.Fatalf("hooks saw %s", got)
	}
	if n := logs.FilterMessageSnippet("in time").Len(); n != 0 {
		t.Fatalf("a rejection handled in time was logged: %v", logs.All())
	}
}

func TestRejectionHandledLater(t *testing.T) {
	p, logs := newRejectionPool(t, `export default { fetch() {} };`)
	opEval(t, p, `cancelRejections(true); globalThis.p = Promise.reject(new Error("late"));`)
	if got := opEval(t, p, `return rejections()`); got != `[["unhandled","Error: late"]]` {
		t.Fatalf("first task: hooks saw %s", got)
	}
	if logs.Len() != 0 {
		t.Fatalf("a cancelled unhandledrejection was logged: %v", logs.All())
	}
	// A handler added in a later task fires rejectionhandled, once.
	opEval(t, p, `globalThis.p.catch(() => {}); globalThis.p.catch(() => {});`)
	if got := opEval(t, p, `return rejections()`); got != `[["handled"]]` {
		t.Fatalf("after the late handler: hooks saw %s", got)
	}
	// Rejections in a later task of an async function are reported there.
	opEval(t, p, `(async () => { await sleep(5); throw new RangeError("after sleep"); })();`)
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := opEval(t, p, `return rejections()`)
		if got == `[["unhandled","RangeError: after sleep"]]` {
			break
		}
		if got != `[]` || time.Now().After(deadline) {
			t.Fatalf("async rejection: hooks saw %s", got)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// V8 calls the rejection handler in the middle of the script, where the
// CPU watchdog's termination is likely to land: it must still end the
// script.
func TestRejectionStormStillHitsTheCPULimit(t *testing.T) {
	p := newTestPool(t, `export default { fetch(req) {
  if (req.url.endsWith("/storm")) while (true) Promise.reject(1);
  return { body: "ok" };
} };`, func(c *Config) {
		c.CPULimit = 100 * time.Millisecond
		c.Extensions = append(c.Extensions, rejectionExt)
	})
	if _, _, err := get(p, "/storm"); !errors.Is(err, ErrCPULimit) {
		t.Fatalf("got %v, want the CPU limit", err)
	}
	if code, body, err := get(p, "/"); err != nil || code != 200 || body != "ok" {
		t.Fatalf("after the recycle got %d %q %v", code, body, err)
	}
}

func TestRejectionAtTheStackLimit(t *testing.T) {
	p, _ := newRejectionPool(t, `export default { fetch() {} };`)
	// A rejection made with the stack exhausted: the handler V8 calls
	// overflows it, so that one is dropped; the script goes on and later
	// rejections are reported.
	got := opEval(t, p, `
let depth = 0;
function dive() {
  depth++;
  try { dive(); } catch { Promise.reject(new Error("deep")); }
}
dive();
Promise.reject(new Error("shallow"));
return depth > 100;`)
	if got != "true" {
		t.Fatalf("got %s", got)
	}
	if got := opEval(t, p, `return JSON.stringify(rejections().at(-1))`); got != `"[\"unhandled\",\"Error: shallow\"]"` {
		t.Fatalf("last rejection reported: %s", got)
	}
}

// externalExt lets a test report external memory, to bring full
// collections without growing the heap.
var externalExt = &Extension{
	Name: "externaltest",
	JS:   []Script{{Name: "ext:externaltest/external.js", Source: `core.defineGlobal("holdExternal", (n) => ops.op_externaltest_hold(n));`}},
	Ops: []Op{{Name: "op_externaltest_hold", Sync: func(c *Call) (any, error) {
		c.Isolate().AdjustExternalMemory(c.Int(0))
		return nil, nil
	}}},
}

// External memory counts towards V8's collections: objects that hold
// memory outside the heap, reported through AdjustExternalMemory, are
// collected once it adds up, though the heap itself hardly grows.
func TestExternalMemoryBringsACollection(t *testing.T) {
	p := newTestPool(t, `export default { fetch() {} };`, func(c *Config) {
		c.Extensions = append(c.Extensions, externalExt)
	})
	// Something old enough that only a full collection clears its WeakRef.
	opEval(t, p, `globalThis.probe = new WeakRef({ big: new Array(1 << 16).fill(1) });`)
	for i := 0; i < 20; i++ {
		opEval(t, p, `let x; for (let k = 0; k < 100; k++) x = { k }; holdExternal(16 << 20);`)
		if opEval(t, p, `return globalThis.probe.deref() === undefined`) == "true" {
			return
		}
	}
	t.Fatal("320 MiB of external memory brought no full collection")
}

// FinalizationRegistry callbacks are tasks V8 posts to the isolate's
// foreground queue after a collection; the loop runs them.
func TestFinalizationRegistryCallbacksRun(t *testing.T) {
	p := newTestPool(t, `export default { fetch() {} };`, func(c *Config) {
		c.Extensions = append(c.Extensions, externalExt)
	})
	opEval(t, p, `
globalThis.finalized = [];
globalThis.registry = new FinalizationRegistry((v) => finalized.push(v));
(() => { for (let i = 0; i < 10; i++) registry.register({ i }, i); })();`)
	for i := 0; i < 20; i++ {
		opEval(t, p, `holdExternal(16 << 20);`)
		if got := opEval(t, p, `return finalized.length`); got == "10" {
			return
		}
	}
	t.Fatalf("FinalizationRegistry callbacks ran for %s of 10 objects after 320 MiB of external memory", opEval(t, p, `return finalized.length`))
}

// WebAssembly.compile and instantiate of bytes settle their promise: V8
// would otherwise compile on worker threads and settle it from a
// foreground task posted from there.
func TestWasmCompilesFromBytes(t *testing.T) {
	p := newTestPool(t, `export default { fetch() {} };`, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// An empty module, and one exporting add(a, b) for two i32s.
	got, err := p.Eval(ctx, `
const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
const add = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f,
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00,
  0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
]);
const m = await WebAssembly.compile(empty);
const { instance } = await WebAssembly.instantiate(add);
let bad;
try { await WebAssembly.compile(new Uint8Array([1, 2, 3])); } catch (e) { bad = e.constructor.name; }
return [String(m), instance.exports.add(20, 22), bad];`)
	if err != nil {
		t.Fatalf("compiling: %v", err)
	}
	if got != `["[object WebAssembly.Module]",42,"CompileError"]` {
		t.Fatalf("got %s", got)
	}
}
