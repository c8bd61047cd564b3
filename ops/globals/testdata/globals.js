// Cases for ops/globals, run by globals_test.go.

function eq(actual, expected, what) {
  if (!Object.is(actual, expected)) throw new Error(`${what}: got ${String(actual)}, want ${String(expected)}`);
}

function same(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: got ${a}, want ${e}`);
}

function throws(fn, check, what) {
  try {
    fn();
  } catch (e) {
    if (!check(e)) throw new Error(`${what}: threw the wrong thing: ${e && e.name}: ${e && e.message}`);
    return e;
  }
  throw new Error(`${what}: did not throw`);
}

const isType = (e) => e instanceof TypeError;
const isDataClone = (e) => e instanceof DOMException && e.name === "DataCloneError" && e.code === 25;

export const primitives = {
  test() {
    for (const v of [undefined, null, true, false, 0, -0, 1.5, NaN, Infinity, "", "str", 12n]) {
      eq(structuredClone(v), v, `clone of ${String(v)}`);
    }
  },
};

export const boxedPrimitives = {
  test() {
    const cases = [new Boolean(false), new Number(-0), new String("abc"), Object(5n)];
    for (const v of cases) {
      const c = structuredClone(v);
      if (c === v || typeof c !== "object") throw new Error(`clone of ${v} is not a new object`);
      eq(Object.getPrototypeOf(c), Object.getPrototypeOf(v), `prototype of ${v}`);
      eq(c.valueOf(), v.valueOf(), `value of ${v}`);
    }
    throws(() => structuredClone(Object(Symbol("s"))), isDataClone, "Symbol object");
  },
};

export const datesAndRegExps = {
  test() {
    const d = new Date(1700000000123);
    const dc = structuredClone(d);
    eq(dc instanceof Date && dc !== d, true, "new Date");
    eq(dc.getTime(), d.getTime(), "time");
    eq(Number.isNaN(structuredClone(new Date(NaN)).getTime()), true, "invalid date");
    const r = /a+(b)\//dgimsuy;
    r.lastIndex = 3;
    const rc = structuredClone(r);
    eq(rc instanceof RegExp && rc !== r, true, "new RegExp");
    eq(rc.source, r.source, "source");
    eq(rc.flags, r.flags, "flags");
    eq(rc.lastIndex, 0, "lastIndex is not kept");
    eq(structuredClone(/x/v).flags, "v", "unicodeSets flag");
  },
};

export const plainObjectsAndArrays = {
  test() {
    const proto = { inherited: 1 };
    const o = Object.create(proto);
    o.a = 1;
    o.b = { c: [1, "two", { d: null }] };
    o[Symbol("s")] = "symbols are skipped";
    Object.defineProperty(o, "hidden", { value: 1, enumerable: false });
    const c = structuredClone(o);
    same(c, { a: 1, b: { c: [1, "two", { d: null }] } }, "deep copy");
    eq(Object.getPrototypeOf(c), Object.prototype, "plain prototype");
    eq("inherited" in c, false, "inherited properties are not copied");
    eq(Object.getOwnPropertySymbols(c).length, 0, "no symbol keys");
    eq(c.b === o.b, false, "nested objects are copied");

    class Point {
      constructor() {
        this.x = 1;
      }
      get y() {
        return 2;
      }
    }
    const p = structuredClone(new Point());
    eq(Object.getPrototypeOf(p), Object.prototype, "class instance becomes a plain object");
    same(p, { x: 1 }, "class instance fields");

    const sparse = [1, , 3];
    sparse.extra = "x";
    const sc = structuredClone(sparse);
    eq(Array.isArray(sc), true, "array");
    eq(sc.length, 3, "length");
    eq(1 in sc, false, "hole kept");
    eq(sc.extra, "x", "extra property");
    const long = [];
    long.length = 5;
    eq(structuredClone(long).length, 5, "length of an empty array");

    const weird = JSON.parse('{"__proto__": {"x": 1}}');
    const wc = structuredClone(weird);
    eq(Object.getPrototypeOf(wc), Object.prototype, "__proto__ key does not set the prototype");
    eq(Object.hasOwn(wc, "__proto__"), true, "__proto__ kept as a property");
    const nullProto = Object.assign(Object.create(null), { k: 1 });
    same(structuredClone(nullProto), { k: 1 }, "null-prototype object");
  },
};

export const gettersRunAndSettersAreNotCalled = {
  test() {
    let calls = 0;
    const o = {
      get g() {
        calls++;
        return "got";
      },
    };
    eq(structuredClone(o).g, "got", "getter value");
    eq(calls, 1, "getter called once");
    let setterHit = false;
    Object.defineProperty(Object.prototype, "trap", { set() { setterHit = true; }, configurable: true });
    try {
      const c = structuredClone({ trap: 1 });
      eq(Object.getOwnPropertyDescriptor(c, "trap").value, 1, "own data property");
    } finally {
      delete Object.prototype.trap;
    }
    eq(setterHit, false, "no setter on Object.prototype is called");
  },
};

export const cyclesAndSharing = {
  test() {
    const o = { name: "root" };
    o.self = o;
    const shared = { s: 1 };
    o.list = [shared, shared, o];
    const m = new Map();
    m.set(m, o);
    o.map = m;
    const c = structuredClone(o);
    eq(c.self, c, "self reference");
    eq(c.list[0], c.list[1], "shared reference");
    eq(c.list[0] === shared, false, "shared object copied");
    eq(c.list[2], c, "cycle through an array");
    eq(c.map.get(c.map), c, "cycle through a Map key and value");
    const s = new Set();
    s.add(s);
    const sc = structuredClone(s);
    eq(sc.has(sc), true, "Set containing itself");
  },
};

export const mapsAndSets = {
  test() {
    const key = { k: 1 };
    const m = new Map([[key, [1, 2]], ["b", new Set([1, key])]]);
    const c = structuredClone(m);
    eq(c instanceof Map && c !== m, true, "new Map");
    eq(c.size, 2, "size");
    const [[k1, v1], [k2, v2]] = [...c];
    same(k1, { k: 1 }, "object key copied");
    eq(k1 === key, false, "object key is a copy");
    same(v1, [1, 2], "value");
    eq(k2, "b", "string key");
    eq(v2 instanceof Set && v2.size === 2, true, "nested Set");
    eq([...v2][1], k1, "the same key object inside the Set");
  },
};

export const buffersAndViews = {
  test() {
    const buf = new ArrayBuffer(16);
    const u8 = new Uint8Array(buf);
    u8.set([1, 2, 3, 4, 5, 6, 7, 8]);
    const f64 = new Float64Array(buf, 8, 1);
    const dv = new DataView(buf, 2, 4);
    const c = structuredClone({ buf, u8, f64, dv, other: new Int16Array([-1, 2]) });
    eq(c.buf instanceof ArrayBuffer && c.buf !== buf, true, "new ArrayBuffer");
    same(Array.from(new Uint8Array(c.buf)), Array.from(u8), "buffer contents");
    eq(c.u8.buffer, c.buf, "Uint8Array shares the cloned buffer");
    eq(c.f64.buffer, c.buf, "Float64Array shares the cloned buffer");
    eq(c.dv.buffer, c.buf, "DataView shares the cloned buffer");
    eq(c.f64.byteOffset, 8, "byteOffset");
    eq(c.dv.byteOffset, 2, "DataView byteOffset");
    eq(c.dv.byteLength, 4, "DataView byteLength");
    eq(c.u8 instanceof Uint8Array, true, "type kept");
    same(Array.from(c.other), [-1, 2], "Int16Array values");
    c.u8[0] = 99;
    eq(u8[0], 1, "the original is untouched");
    eq(new Uint8Array(c.buf)[0], 99, "views write through to the cloned buffer");
    const kinds = [Int8Array, Uint8ClampedArray, Uint16Array, Int32Array, Uint32Array, Float32Array, BigInt64Array, BigUint64Array];
    for (const K of kinds) {
      const v = new K(2);
      const vc = structuredClone(v);
      eq(vc instanceof K && vc !== v && vc.length === 2, true, K.name);
    }
    const resizable = new ArrayBuffer(4, { maxByteLength: 32 });
    const rc = structuredClone(resizable);
    eq(rc.resizable, true, "resizable kept");
    eq(rc.maxByteLength, 32, "maxByteLength kept");
    const sab = new SharedArrayBuffer(4);
    eq(structuredClone(sab), sab, "shared memory stays shared");
  },
};

export const transfer = {
  test() {
    const buf = new Uint8Array([1, 2, 3]).buffer;
    const view = new Uint8Array(buf, 1, 2);
    const c = structuredClone({ buf, view }, { transfer: [buf] });
    eq(buf.byteLength, 0, "original detached");
    eq(buf.detached, true, "detached flag");
    same(Array.from(new Uint8Array(c.buf)), [1, 2, 3], "contents moved");
    eq(c.view.buffer, c.buf, "view rebuilt on the moved buffer");
    same(Array.from(c.view), [2, 3], "view contents");
    const lone = new ArrayBuffer(2);
    eq(structuredClone(1, { transfer: [lone] }), 1, "value without the buffer");
    eq(lone.detached, true, "listed buffer is detached even when unused");
    const b2 = new ArrayBuffer(1);
    structuredClone(b2, { transfer: new Set([b2]) });
    eq(b2.detached, true, "any iterable works");
    eq(structuredClone(5, { transfer: [] }), 5, "empty list");
    eq(structuredClone(5, {}), 5, "no transfer member");
    eq(structuredClone(5, null), 5, "null options");
  },
};

export const transferErrors = {
  test() {
    const b = new ArrayBuffer(1);
    throws(() => structuredClone(b, { transfer: [b, b] }), isDataClone, "duplicate");
    eq(b.detached, false, "nothing detached after a failed check");
    throws(() => structuredClone(1, { transfer: [{}] }), isDataClone, "not transferable");
    throws(() => structuredClone(1, { transfer: [new SharedArrayBuffer(1)] }), isDataClone, "shared memory");
    throws(() => structuredClone(1, { transfer: [new Uint8Array(1)] }), isDataClone, "a view, not a buffer");
    const notCloneable = new ArrayBuffer(1);
    throws(() => structuredClone({ notCloneable, f() {} }, { transfer: [notCloneable] }), isDataClone, "uncloneable value");
    eq(notCloneable.detached, false, "nothing detached when cloning fails");
    let seenDetached;
    const getterSees = new ArrayBuffer(1);
    structuredClone({ b: getterSees, get g() { seenDetached = getterSees.detached; return 1; } }, { transfer: [getterSees] });
    eq(seenDetached, false, "getters run before the buffers are detached");
    const d = new ArrayBuffer(1);
    d.transfer();
    throws(() => structuredClone(1, { transfer: [d] }), isDataClone, "already detached");
    throws(() => structuredClone(1, { transfer: [1] }), isType, "primitive in the list");
    throws(() => structuredClone(1, { transfer: 5 }), isType, "transfer not a sequence");
    throws(() => structuredClone(1, 5), isType, "options not a dictionary");
    throws(() => structuredClone(d), isDataClone, "cloning a detached buffer");
  },
};

export const errors = {
  test() {
    const e = new TypeError("bad", { cause: { why: [1] } });
    e.code = "E";
    const c = structuredClone(e);
    eq(c instanceof TypeError && c !== e, true, "TypeError kept");
    eq(c.message, "bad", "message");
    eq(c.stack, e.stack, "stack");
    same(c.cause, { why: [1] }, "cause");
    eq(c.cause === e.cause, false, "cause copied");
    eq(Object.getOwnPropertyDescriptor(c, "cause").enumerable, false, "cause not enumerable");
    eq(Object.getOwnPropertyDescriptor(c, "message").enumerable, false, "message not enumerable");
    eq(c.code, undefined, "other properties are not kept");
    for (const C of [Error, EvalError, RangeError, ReferenceError, SyntaxError, URIError]) {
      eq(Object.getPrototypeOf(structuredClone(new C("m"))), C.prototype, C.name);
    }
    class HttpError extends Error {
      constructor(m) {
        super(m);
        this.name = "HttpError";
      }
    }
    const h = structuredClone(new HttpError("nope"));
    eq(Object.getPrototypeOf(h), Error.prototype, "unknown name becomes Error");
    eq(h.message, "nope", "subclass message");
    eq(Object.hasOwn(structuredClone(new RangeError()), "message"), false, "no message stays no message");
    const loop = new Error("loop");
    loop.cause = loop;
    const lc = structuredClone(loop);
    eq(lc.cause, lc, "error that is its own cause");
    const inObject = structuredClone({ err: new SyntaxError("s") });
    eq(inObject.err instanceof SyntaxError, true, "nested error");
  },
};

export const domExceptions = {
  test() {
    const e = new DOMException("gone", "NotFoundError");
    const c = structuredClone(e);
    eq(c instanceof DOMException && c !== e, true, "new DOMException");
    eq(c.name, "NotFoundError", "name");
    eq(c.message, "gone", "message");
    eq(c.code, 8, "code");
    eq(c.stack, e.stack, "stack");
  },
};

export const uncloneable = {
  test() {
    const values = [
      () => 1,
      function named() {},
      class K {},
      Symbol("s"),
      new WeakMap(),
      new WeakSet(),
      new WeakRef({}),
      Promise.resolve(),
      (function* () {})(),
      [1].values(),
      new Map().entries(),
      new FinalizationRegistry(() => {}),
      { nested: { fn() {} } },
      [Symbol.iterator],
    ];
    for (const v of values) {
      const e = throws(() => structuredClone(v), isDataClone, `clone of ${typeof v === "symbol" ? v.toString() : Object.prototype.toString.call(v)}`);
      if (!e.message.includes("could not be cloned")) throw new Error(`message: ${e.message}`);
    }
    const e = throws(() => structuredClone({ f: function myFunction() {} }), isDataClone, "named function");
    if (!e.message.includes("myFunction")) throw new Error(`message does not name the function: ${e.message}`);
    throws(() => structuredClone(), isType, "no argument");
  },
};

export const tamperedBuiltins = {
  test() {
    const saved = { set: Map.prototype.set, get: Map.prototype.get, keys: Object.keys, push: Array.prototype.push, iter: Array.prototype[Symbol.iterator] };
    const value = { a: [1, { b: 2 }], m: new Map([[1, 2]]), s: new Set([3]) };
    let c;
    try {
      Map.prototype.set = () => {
        throw new Error("set");
      };
      Map.prototype.get = () => undefined;
      Object.keys = () => [];
      Array.prototype.push = () => {
        throw new Error("push");
      };
      Array.prototype[Symbol.iterator] = () => {
        throw new Error("iterator");
      };
      c = structuredClone(value);
    } finally {
      Map.prototype.set = saved.set;
      Map.prototype.get = saved.get;
      Object.keys = saved.keys;
      Array.prototype.push = saved.push;
      Array.prototype[Symbol.iterator] = saved.iter;
    }
    same(c.a, [1, { b: 2 }], "array");
    eq(c.m.get(1), 2, "map");
    eq(c.s.has(3), true, "set");
  },
};

export const performanceNow = {
  test() {
    const a = performance.now();
    const startDate = Date.now();
    while (Date.now() - startDate < 5) {}
    const b = performance.now();
    if (!(b > a)) throw new Error(`performance.now() did not advance: ${a} then ${b}`);
    if (b - a < 4 || b - a > 1000) throw new Error(`a 5ms spin measured ${b - a}ms`);
    if (a < 0) throw new Error(`negative now: ${a}`);
    let fractional = false;
    for (let i = 0; i < 100 && !fractional; i++) fractional = performance.now() % 1 !== 0;
    eq(fractional, true, "sub-millisecond precision");
    const drift = Math.abs(performance.timeOrigin + performance.now() - Date.now());
    if (drift > 50) throw new Error(`timeOrigin + now() is ${drift}ms from Date.now()`);
    same(performance.toJSON(), { timeOrigin: performance.timeOrigin }, "toJSON");
  },
};

export const performanceClass = {
  test() {
    eq(performance instanceof Performance, true, "instanceof");
    eq(Object.prototype.toString.call(performance), "[object Performance]", "toStringTag");
    throws(() => new Performance(), isType, "illegal constructor");
    throws(() => Performance.prototype.now.call({}), isType, "brand check");
    const { now } = performance;
    throws(() => now(), isType, "detached now");
  },
};

export const navigatorObject = {
  test() {
    // The exact string is checked against globals.Version in Go.
    eq(/^Worky\/\d+\.\d+\.\d+/.test(navigator.userAgent), true, `userAgent ${navigator.userAgent}`);
    eq(navigator.hardwareConcurrency, 1, "hardwareConcurrency");
    eq(navigator instanceof Navigator, true, "instanceof");
    throws(() => new Navigator(), isType, "illegal constructor");
    eq(globalThis.self, globalThis, "self");
    eq(globalThis.globalThis, globalThis, "globalThis");
  },
};

export const timeOrigin = {
  test() {
    const t = performance.timeOrigin;
    eq(typeof t, "number", "typeof timeOrigin");
    // A Unix-epoch time in milliseconds, fixed when the isolate started:
    // before now and not long before (the isolate is new), and the same
    // on every read.
    if (!(t <= Date.now() && t > Date.now() - 10 * 60 * 1000)) throw new Error(`timeOrigin ${t} is not a recent Unix time in ms (now ${Date.now()})`);
    eq(performance.timeOrigin, t, "timeOrigin is fixed");
    // Sub-millisecond: Go's wall clock has nanoseconds, so a float with
    // a fractional part is all but certain; an integer would mean Date.now().
    if (t % 1 === 0 && performance.now() % 1 === 0) throw new Error(`timeOrigin ${t} has no sub-millisecond part`);
    const drift = Math.abs(t + performance.now() - Date.now());
    if (drift > 5) throw new Error(`timeOrigin + now() is ${drift}ms from Date.now()`);
    same(JSON.parse(JSON.stringify(performance)), { timeOrigin: t }, "JSON.stringify(performance)");
    throws(() => Performance.prototype.toJSON.call({}), isType, "toJSON brand check");
    const d = Object.getOwnPropertyDescriptor(Performance.prototype, "timeOrigin");
    eq(typeof d.get, "function", "timeOrigin is a getter");
    eq(d.set, undefined, "timeOrigin is read-only");
  },
};

export const schedulerWaitResolvesAfterTheDelay = {
  async test() {
    const start = performance.now();
    const v = await scheduler.wait(30);
    const took = performance.now() - start;
    eq(v, undefined, "resolves with undefined");
    if (took < 29) throw new Error(`scheduler.wait(30) resolved after ${took}ms`);
    // A zero, negative or NaN delay waits one timer turn.
    await scheduler.wait(0);
    await scheduler.wait(-5);
    await scheduler.wait(NaN);
    await scheduler.wait();
  },
};

export const schedulerWaitOrdersLikeTimers = {
  async test() {
    const seen = [];
    await Promise.all([
      scheduler.wait(20).then(() => seen.push("20")),
      scheduler.wait(5).then(() => seen.push("5")),
      scheduler.wait(10).then(() => seen.push("10")),
    ]);
    same(seen, ["5", "10", "20"], "order");
  },
};

export const schedulerWaitAbort = {
  async test() {
    // Already aborted: rejects with the reason, without waiting.
    const reason = new Error("stop");
    const pre = AbortSignal.abort(reason);
    let caught;
    await scheduler.wait(10_000, { signal: pre }).catch((e) => (caught = e));
    eq(caught, reason, "rejects with an aborted signal's reason");

    // Aborted while waiting: rejects with the reason, long before the delay.
    const c = new AbortController();
    const start = performance.now();
    const p = scheduler.wait(10_000, { signal: c.signal });
    setTimeout(() => c.abort(), 10);
    caught = undefined;
    await p.catch((e) => (caught = e));
    eq(caught instanceof DOMException && caught.name, "AbortError", "default reason");
    if (performance.now() - start > 5000) throw new Error("abort did not cut the wait short");

    // AbortSignal.timeout races the wait.
    caught = undefined;
    await scheduler.wait(10_000, { signal: AbortSignal.timeout(5) }).catch((e) => (caught = e));
    eq(caught instanceof DOMException && caught.name, "TimeoutError", "timeout signal");

    // A signal that never aborts leaves the wait alone, and aborting it
    // after the wait resolved changes nothing.
    const late = new AbortController();
    await scheduler.wait(1, { signal: late.signal });
    late.abort();
  },
};

export const schedulerWaitBadArguments = {
  async test() {
    let caught;
    await scheduler.wait(1, { signal: {} }).catch((e) => (caught = e));
    eq(caught instanceof TypeError, true, "signal must be an AbortSignal");
    caught = undefined;
    await scheduler.wait(1, 5).catch((e) => (caught = e));
    eq(caught instanceof TypeError, true, "options must be an object");
    caught = undefined;
    await Scheduler.prototype.wait.call({}, 1).catch((e) => (caught = e));
    eq(caught instanceof TypeError, true, "brand check rejects");
  },
};

export const schedulerClass = {
  test() {
    eq(scheduler instanceof Scheduler, true, "instanceof");
    eq(Object.prototype.toString.call(scheduler), "[object Scheduler]", "toStringTag");
    throws(() => new Scheduler(), isType, "illegal constructor");
    eq(typeof scheduler.wait, "function", "wait");
    eq(Object.getOwnPropertyDescriptor(globalThis, "scheduler").enumerable, false, "not enumerable");
  },
};
