// A small testharness for running the Web Platform Tests' streams files
// (*.any.js) inside a worker isolate; wpt_test.go (build tag wpt) loads it.
// It is our own code, written to the testharness API those files call:
// test, async_test, promise_test, the assert_* family, promise_rejects_*,
// and the Test object's step helpers. Everything here is JS; Go only hands
// in the files' text and prints what __wpt.run() returns. Differences from
// the browser harness, on purpose: every test (sync, async or promise) runs
// in the order it was registered, one at a time, each under its own
// timeout, so one hung test cannot stall the rest of its file.
"use strict";
(function (global) {
  // Captured built-ins: several files patch globals (Promise.prototype.then,
  // a "then" getter on Object.prototype) to check that streams ignore them;
  // the harness must keep working while they do.
  const PromiseCtor = Promise;
  const PromiseThen = Function.prototype.call.bind(Promise.prototype.then);
  const setTimer = setTimeout;
  const clearTimer = clearTimeout;
  const ObjectIs = Object.is;
  const ReflectApply = Reflect.apply;
  const hasOwn = Function.prototype.call.bind(Object.prototype.hasOwnProperty);

  const PASS = "PASS";
  const FAIL = "FAIL";
  const TIMEOUT = "TIMEOUT";
  const SKIP = "SKIP";

  // -------------------------------------------------------------------------
  // Formatting values for failure messages.

  function formatValue(v, depth = 0) {
    switch (typeof v) {
      case "string":
        return JSON.stringify(v);
      case "number":
        return Object.is(v, -0) ? "-0" : String(v);
      case "bigint":
        return `${v}n`;
      case "symbol":
        return v.toString();
      case "function":
        return `function ${v.name || "(anonymous)"}`;
      case "undefined":
        return "undefined";
      case "boolean":
        return String(v);
    }
    if (v === null) return "null";
    try {
      if (v instanceof Error || (typeof v.name === "string" && typeof v.message === "string" && "stack" in v)) {
        return `${v.name}: ${v.message}`;
      }
      if (depth < 2 && Array.isArray(v)) {
        return `[${v.map((x) => formatValue(x, depth + 1)).join(", ")}]`;
      }
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        const items = Array.prototype.slice.call(v, 0, 16).map((x) => formatValue(x, depth + 1));
        return `${Object.prototype.toString.call(v)} [${items.join(", ")}${v.length > 16 ? ", ..." : ""}]`;
      }
      if (depth < 2 && Object.getPrototypeOf(v) === Object.prototype) {
        const keys = Object.keys(v);
        return `{${keys.map((k) => `${k}: ${formatValue(v[k], depth + 1)}`).join(", ")}}`;
      }
      return Object.prototype.toString.call(v);
    } catch {
      return "(unprintable)";
    }
  }

  // -------------------------------------------------------------------------
  // Assertions. A failed assertion throws an AssertionError; the running
  // test records its message.

  class AssertionError extends Error {
    constructor(message) {
      super(message);
      this.name = "AssertionError";
    }
  }

  function fail(description, text) {
    throw new AssertionError(description ? `${description}: ${text}` : text);
  }

  // sameValue is testharness's equality: NaN equals NaN, 0 and -0 differ.
  function sameValue(a, b) {
    return ObjectIs(a, b);
  }

  function assert_true(actual, description) {
    if (actual !== true) fail(description, `expected true, got ${formatValue(actual)}`);
  }

  function assert_false(actual, description) {
    if (actual !== false) fail(description, `expected false, got ${formatValue(actual)}`);
  }

  function assert_equals(actual, expected, description) {
    if (typeof actual !== typeof expected) {
      fail(description, `expected (${typeof expected}) ${formatValue(expected)} but got (${typeof actual}) ${formatValue(actual)}`);
    }
    if (!sameValue(actual, expected)) fail(description, `expected ${formatValue(expected)} but got ${formatValue(actual)}`);
  }

  function assert_not_equals(actual, expected, description) {
    if (sameValue(actual, expected)) fail(description, `got disallowed value ${formatValue(actual)}`);
  }

  function assert_array_equals(actual, expected, description) {
    if (typeof actual !== "object" || actual === null || !("length" in actual)) {
      fail(description, `value is ${formatValue(actual)}, expected an array`);
    }
    if (actual.length !== expected.length) {
      fail(description, `lengths differ, expected ${formatValue(expected)} (length ${expected.length}) but got ${formatValue(actual)} (length ${actual.length})`);
    }
    for (let i = 0; i < actual.length; i++) {
      if (Object.prototype.hasOwnProperty.call(actual, i) !== Object.prototype.hasOwnProperty.call(expected, i)) {
        fail(description, `property ${i}: present in one array only; expected ${formatValue(expected)} got ${formatValue(actual)}`);
      }
      if (!sameValue(actual[i], expected[i])) {
        fail(description, `property ${i}: expected ${formatValue(expected[i])} but got ${formatValue(actual[i])}; expected ${formatValue(expected)} got ${formatValue(actual)}`);
      }
    }
  }

  // assert_object_equals walks the enumerable properties of actual: each
  // must exist on expected, objects are compared recursively (a cycle is
  // walked once) and other values with sameValue; then every enumerable
  // property of expected must exist on actual. This is the browser
  // harness's rule, lenient where it is (an object with no enumerable
  // properties matches anything), so results here compare with browsers'.
  function assert_object_equals(actual, expected, description) {
    const stack = [];
    function check(a, e, path) {
      stack.push(a);
      for (const k in a) {
        if (e === null || e === undefined || !hasOwn(e, k)) fail(description, `${path}: unexpected property ${formatValue(k)}`);
        const v = a[k];
        if (typeof v === "object" && v !== null) {
          if (!stack.includes(v)) check(v, e[k], `${path}.${k}`);
        } else if (!sameValue(v, e[k])) {
          fail(description, `${path}.${k}: expected ${formatValue(e[k])} but got ${formatValue(v)}`);
        }
      }
      for (const k in e) {
        if (!hasOwn(a, k)) fail(description, `${path}: missing property ${formatValue(k)}`);
      }
      stack.pop();
    }
    if (typeof actual !== "object" || actual === null) fail(description, `value is ${formatValue(actual)}, expected an object`);
    check(actual, expected, "value");
  }

  function assert_unreached(description) {
    fail(description, "reached unreachable code");
  }

  function assert_greater_than(actual, expected, description) {
    if (typeof actual !== "number" || !(actual > expected)) fail(description, `expected a number greater than ${expected} but got ${formatValue(actual)}`);
  }

  function assert_less_than(actual, expected, description) {
    if (typeof actual !== "number" || !(actual < expected)) fail(description, `expected a number less than ${expected} but got ${formatValue(actual)}`);
  }

  function assert_greater_than_equal(actual, expected, description) {
    if (typeof actual !== "number" || !(actual >= expected)) fail(description, `expected a number >= ${expected} but got ${formatValue(actual)}`);
  }

  function assert_less_than_equal(actual, expected, description) {
    if (typeof actual !== "number" || !(actual <= expected)) fail(description, `expected a number <= ${expected} but got ${formatValue(actual)}`);
  }

  function assert_in_array(actual, expected, description) {
    if (!expected.some((x) => sameValue(x, actual))) fail(description, `value ${formatValue(actual)} not in ${formatValue(expected)}`);
  }

  function assert_class_string(object, className, description) {
    const got = Object.prototype.toString.call(object);
    if (got !== `[object ${className}]`) fail(description, `expected [object ${className}] but got ${got}`);
  }

  function assert_own_property(object, name, description) {
    if (!Object.prototype.hasOwnProperty.call(object, name)) fail(description, `expected own property ${formatValue(name)}`);
  }

  function assert_regexp_match(actual, re, description) {
    if (!re.test(actual)) fail(description, `expected ${formatValue(actual)} to match ${re}`);
  }

  // assert_implements fails the test when a required feature is missing.
  function assert_implements(condition, description) {
    if (!condition) fail(description, "required feature is not implemented");
  }

  // assert_implements_optional marks the test skipped, not failed.
  class OptionalFeatureUnsupported extends Error {}
  function assert_implements_optional(condition, description) {
    if (!condition) throw new OptionalFeatureUnsupported(description);
  }

  // checkJSError checks that e is an error made by constructor: its
  // constructor and name say so (the browser harness checks the same).
  function checkJSError(e, constructor, description, verb) {
    if (typeof e !== "object" || e === null) {
      fail(description, `${verb} ${formatValue(e)}, expected a ${constructor.name}`);
    }
    if (e.constructor !== constructor || e.name !== constructor.name) {
      fail(description, `${verb} ${formatValue(e)}, expected a ${constructor.name}`);
    }
  }

  // domNames maps the legacy numeric codes some tests pass to names.
  const domNames = {
    __proto__: null,
    INDEX_SIZE_ERR: "IndexSizeError",
    NOT_FOUND_ERR: "NotFoundError",
    NOT_SUPPORTED_ERR: "NotSupportedError",
    INVALID_STATE_ERR: "InvalidStateError",
    SYNTAX_ERR: "SyntaxError",
    INVALID_ACCESS_ERR: "InvalidAccessError",
    ABORT_ERR: "AbortError",
    DATA_CLONE_ERR: "DataCloneError",
    TIMEOUT_ERR: "TimeoutError",
  };

  function checkDOMError(e, type, description, verb) {
    const name = domNames[type] || type;
    if (typeof e !== "object" || e === null || typeof DOMException !== "function" || !(e instanceof DOMException)) {
      fail(description, `${verb} ${formatValue(e)}, expected a DOMException ${name}`);
    }
    if (e.name !== name) fail(description, `${verb} DOMException ${e.name}, expected ${name}`);
  }

  function assert_throws_js(constructor, fn, description) {
    try {
      fn();
    } catch (e) {
      if (e instanceof AssertionError) throw e;
      checkJSError(e, constructor, description, "threw");
      return;
    }
    fail(description, `did not throw, expected a ${constructor.name}`);
  }

  function assert_throws_exactly(exception, fn, description) {
    try {
      fn();
    } catch (e) {
      if (!sameValue(e, exception)) fail(description, `threw ${formatValue(e)}, expected ${formatValue(exception)}`);
      return;
    }
    fail(description, `did not throw, expected ${formatValue(exception)}`);
  }

  // assert_throws_dom(type, fn, description) or, with a constructor from
  // another realm, assert_throws_dom(type, constructor, fn, description).
  function assert_throws_dom(type, fnOrCtor, fnOrDesc, description) {
    let fn = fnOrCtor;
    if (typeof fnOrDesc === "function") {
      fn = fnOrDesc;
    } else {
      description = fnOrDesc;
    }
    try {
      fn();
    } catch (e) {
      if (e instanceof AssertionError) throw e;
      checkDOMError(e, type, description, "threw");
      return;
    }
    fail(description, `did not throw, expected a DOMException ${type}`);
  }

  // rejection waits for promise and hands the reason it rejected with to
  // check; it fails when the promise fulfils. The promise it returns
  // settles with undefined, never with an object, so a "then" getter a
  // test put on Object.prototype is not consulted.
  function rejection(promise, description, expected, check) {
    return PromiseThen(
      PromiseCtor.resolve(promise),
      (value) => fail(description, `promise fulfilled with ${formatValue(value)}, expected a rejection with ${expected}`),
      (e) => {
        check(e);
      },
    );
  }

  function promise_rejects_js(t, constructor, promise, description) {
    return rejection(promise, description, `a ${constructor.name}`, (e) => checkJSError(e, constructor, description, "rejected with"));
  }

  function promise_rejects_exactly(t, exception, promise, description) {
    return rejection(promise, description, formatValue(exception), (e) => {
      if (!sameValue(e, exception)) fail(description, `rejected with ${formatValue(e)}, expected ${formatValue(exception)}`);
    });
  }

  // promise_rejects_dom(t, type, promise, description) or, with a
  // constructor: promise_rejects_dom(t, type, constructor, promise, description).
  function promise_rejects_dom(t, type, promiseOrCtor, promiseOrDesc, description) {
    let promise = promiseOrCtor;
    if (typeof promiseOrCtor === "function" && promiseOrDesc !== null && typeof promiseOrDesc === "object") {
      promise = promiseOrDesc;
    } else {
      description = promiseOrDesc;
    }
    return rejection(promise, description, `a DOMException ${type}`, (e) => checkDOMError(e, type, description, "rejected with"));
  }

  // -------------------------------------------------------------------------
  // Tests.

  const queue = []; // registered, not yet run
  const results = [];

  class Test {
    constructor(name, kind, fn) {
      this.name = name;
      this.kind = kind; // "sync", "async" or "promise"
      this.fn = fn;
      this.status = null;
      this.message = "";
      this.cleanups = [];
      this.timers = [];
      let resolve;
      this.finished = new PromiseCtor((r) => (resolve = r));
      this.resolveFinished = resolve;
    }

    // finish records the outcome once: the first failure or done() wins.
    finish(status, message = "") {
      if (this.status !== null) return;
      this.status = status;
      this.message = message;
      for (const id of this.timers) clearTimer(id);
      this.resolveFinished();
    }

    failWith(e) {
      if (e instanceof OptionalFeatureUnsupported) this.finish(SKIP, `optional feature unsupported: ${e.message}`);
      else if (e instanceof AssertionError) this.finish(FAIL, e.message);
      else this.finish(FAIL, `uncaught ${formatValue(e)}`);
    }

    step(fn, thisArg, ...args) {
      if (this.status !== null) return undefined;
      try {
        return ReflectApply(fn, thisArg, args);
      } catch (e) {
        // The failure is the test's result; the caller sees undefined.
        this.failWith(e);
        return undefined;
      }
    }

    step_func(fn, thisArg) {
      const t = this;
      return function (...args) {
        return t.step(fn, thisArg === undefined ? this : thisArg, ...args);
      };
    }

    step_func_done(fn, thisArg) {
      const t = this;
      return function (...args) {
        const r = fn === undefined ? undefined : t.step(fn, thisArg === undefined ? this : thisArg, ...args);
        t.done();
        return r;
      };
    }

    unreached_func(description) {
      return this.step_func(() => assert_unreached(description));
    }

    step_timeout(fn, ms, ...args) {
      const id = setTimer(() => this.step(fn, this, ...args), ms);
      this.timers.push(id);
      return id;
    }

    add_cleanup(fn) {
      this.cleanups.push(fn);
    }

    done() {
      this.finish(PASS);
    }
  }

  function register(kind, fn, name) {
    if (typeof name !== "string") name = String(name ?? `test ${queue.length + results.length + 1}`);
    const t = new Test(name, kind, fn);
    queue.push(t);
    return t;
  }

  function test(fn, name) {
    register("sync", fn, name);
  }

  // async_test(fn, name) or async_test(name): the second form hands back
  // the Test for the file to drive with step_func and done.
  function async_test(fn, name) {
    if (typeof fn !== "function") return register("async", null, fn);
    return register("async", fn, name);
  }

  function promise_test(fn, name) {
    register("promise", fn, name);
  }

  async function runOne(t, timeoutMs) {
    if (t.kind === "sync") {
      t.step(t.fn, t, t);
      t.done();
    } else if (t.kind === "async") {
      if (t.fn !== null) t.step(t.fn, t, t);
    } else {
      const p = t.step(t.fn, t, t);
      if (t.status !== null) {
        // failed synchronously
      } else if (p === null || (typeof p !== "object" && typeof p !== "function") || typeof p.then !== "function") {
        t.finish(FAIL, `promise_test function returned ${formatValue(p)}, not a promise`);
      } else {
        PromiseThen(PromiseCtor.resolve(p), () => t.done(), (e) => t.failWith(e));
      }
    }
    let timer;
    const late = await new PromiseCtor((resolve) => {
      PromiseThen(t.finished, () => resolve(false));
      timer = setTimer(() => resolve(true), timeoutMs);
    });
    clearTimer(timer);
    if (late) t.finish(TIMEOUT, `no result within ${timeoutMs} ms`);
    for (const fn of t.cleanups.splice(0)) {
      try {
        await fn();
      } catch (e) {
        if (t.status === PASS) {
          t.status = FAIL;
          t.message = `cleanup threw ${formatValue(e)}`;
        }
      }
    }
    results.push({ name: t.name, status: t.status, message: t.message });
  }

  // run executes every registered test, including ones registered while
  // others run, and returns their results.
  async function run(timeoutMs) {
    while (queue.length > 0) await runOne(queue.shift(), timeoutMs);
    return results;
  }

  // loadError records a file (helper or test) that threw while loading,
  // as one failing result so the runner shows it.
  function loadError(file, e) {
    results.push({ name: `(loading ${file})`, status: FAIL, message: `threw ${formatValue(e)}${e && e.stack ? "\n" + e.stack : ""}` });
  }

  const api = {
    test,
    async_test,
    promise_test,
    step_timeout: (fn, ms, ...args) => setTimer(fn, ms, ...args),
    setup() {},
    done() {},
    format_value: formatValue,
    assert_true,
    assert_false,
    assert_equals,
    assert_not_equals,
    assert_array_equals,
    assert_object_equals,
    assert_unreached,
    assert_greater_than,
    assert_less_than,
    assert_greater_than_equal,
    assert_less_than_equal,
    assert_in_array,
    assert_class_string,
    assert_own_property,
    assert_regexp_match,
    assert_implements,
    assert_implements_optional,
    assert_throws_js,
    assert_throws_exactly,
    assert_throws_dom,
    promise_rejects_js,
    promise_rejects_exactly,
    promise_rejects_dom,
  };
  for (const name of Object.keys(api)) {
    Object.defineProperty(global, name, { value: api[name], writable: true, configurable: true, enumerable: false });
  }
  Object.defineProperty(global, "__wpt", { value: { run, loadError }, configurable: true });
})(globalThis);
