// Cases for ops/events, run by events_test.go.

function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: got ${a}, want ${e}`);
}

function same(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: got ${String(actual)}, want ${String(expected)}`);
}

function throws(fn, cls, what, name = undefined) {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof cls)) throw new Error(`${what}: threw ${e}, want a ${cls.name}`);
    if (name !== undefined && e.name !== name) throw new Error(`${what}: threw ${e.name} (${e.message}), want ${name}`);
    return e;
  }
  throw new Error(`${what}: did not throw`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// until waits for cond, however loaded the machine.
async function until(cond, what) {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what}: timed out waiting`);
    await sleep(2);
  }
}

// catchReported collects what reportError and listener exceptions report
// while fn runs, cancelling the "error" events so nothing is logged.
async function catchReported(fn) {
  const seen = [];
  const onError = (e) => {
    seen.push(e);
    e.preventDefault();
  };
  addEventListener("error", onError);
  try {
    await fn();
  } finally {
    removeEventListener("error", onError);
  }
  return seen;
}

// --- Event -------------------------------------------------------------------

export const eventDefaults = {
  test() {
    const e = new Event("ping");
    eq(
      [e.type, e.bubbles, e.cancelable, e.composed, e.defaultPrevented, e.isTrusted, e.eventPhase, e.target, e.currentTarget, e.srcElement],
      ["ping", false, false, false, false, false, 0, null, null, null],
      "attributes",
    );
    eq([e.returnValue, e.cancelBubble, e.composedPath()], [true, false, []], "returnValue, cancelBubble, composedPath");
    same(typeof e.timeStamp, "number", "timeStamp type");
    if (!(e.timeStamp >= 0)) throw new Error(`timeStamp ${e.timeStamp} is negative`);
    eq([Event.NONE, Event.CAPTURING_PHASE, Event.AT_TARGET, Event.BUBBLING_PHASE, e.AT_TARGET], [0, 1, 2, 3, 2], "phase constants");
    const d = Object.getOwnPropertyDescriptor(e, "isTrusted");
    if (!d || typeof d.get !== "function" || d.configurable) throw new Error("isTrusted is not an own unforgeable accessor");
    same(Object.getOwnPropertyDescriptor(new Event("x"), "isTrusted").get, d.get, "isTrusted getter shared");
    same(Object.prototype.toString.call(e), "[object Event]", "toStringTag");
    same(String(new Event(42).type), "42", "type converted to a string");
  },
};

export const eventInitReadInOrder = {
  test() {
    const read = [];
    const init = {};
    for (const k of ["bubbles", "cancelable", "composed", "detail", "zzz"]) {
      Object.defineProperty(init, k, { get() { read.push(k); return k === "detail" ? 7 : true; } });
    }
    const e = new CustomEvent("x", init);
    eq(read, ["bubbles", "cancelable", "composed", "detail"], "members read");
    eq([e.bubbles, e.cancelable, e.composed, e.detail], [true, true, true, 7], "values");
    throws(() => new Event("x", 5), TypeError, "non-object init");
    new Event("x", null);
  },
};

export const eventArgumentErrors = {
  test() {
    const e = throws(() => new Event(), TypeError, "no type");
    same(e.message, "Failed to construct 'Event': 1 argument required, but only 0 present.", "message");
    throws(() => new Event(Symbol("s")), TypeError, "symbol type");
    throws(() => Event(), TypeError, "call without new");
    throws(() => Object.getOwnPropertyDescriptor(Event.prototype, "type").get.call({}), TypeError, "type getter brand");
    throws(() => Event.prototype.preventDefault.call({}), TypeError, "preventDefault brand");
  },
};

export const preventDefaultNeedsCancelable = {
  test() {
    const a = new Event("a");
    a.preventDefault();
    same(a.defaultPrevented, false, "not cancelable");
    const b = new Event("b", { cancelable: true });
    b.preventDefault();
    eq([b.defaultPrevented, b.returnValue], [true, false], "cancelable");
    const c = new Event("c", { cancelable: true });
    c.returnValue = false;
    same(c.defaultPrevented, true, "returnValue = false cancels");
    const t = new EventTarget();
    t.addEventListener("d", (e) => e.preventDefault(), { passive: true });
    const d = new Event("d", { cancelable: true });
    same(t.dispatchEvent(d), true, "passive listener cannot cancel");
    same(d.defaultPrevented, false, "passive listener cannot cancel: defaultPrevented");
    t.addEventListener("d", (e) => e.preventDefault());
    same(t.dispatchEvent(d), false, "other listener cancels");
  },
};

export const cancelBubbleAndInitEvent = {
  test() {
    const e = new Event("x");
    e.cancelBubble = true;
    same(e.cancelBubble, true, "cancelBubble set");
    e.cancelBubble = false;
    same(e.cancelBubble, true, "cancelBubble cannot be unset");
    const t = new EventTarget();
    let called = false;
    t.addEventListener("x", () => (called = true));
    t.dispatchEvent(e);
    same(called, false, "stopPropagation before dispatch keeps listeners from running");
    same(e.cancelBubble, false, "flag cleared after dispatch");
    e.initEvent("y", true, true);
    eq([e.type, e.bubbles, e.cancelable, e.target], ["y", true, true, null], "initEvent");
  },
};

// --- EventTarget -------------------------------------------------------------

export const listenerOrder = {
  test() {
    const t = new EventTarget();
    const log = [];
    const make = (name) =>
      function (e) {
        log.push([name, e.eventPhase, e.currentTarget === t, e.target === t, this === t, e.composedPath().length]);
      };
    t.addEventListener("x", make("bubble1"));
    t.addEventListener("x", make("capture1"), true);
    t.addEventListener("x", make("bubble2"), { capture: false });
    t.addEventListener("x", make("capture2"), { capture: true });
    t.addEventListener("y", make("other"));
    const e = new Event("x");
    same(t.dispatchEvent(e), true, "dispatchEvent result");
    eq(
      log,
      [
        ["capture1", 2, true, true, true, 1],
        ["capture2", 2, true, true, true, 1],
        ["bubble1", 2, true, true, true, 1],
        ["bubble2", 2, true, true, true, 1],
      ],
      "calls",
    );
    eq([e.eventPhase, e.currentTarget, e.target === t, e.composedPath()], [0, null, true, []], "after dispatch");
  },
};

export const duplicateListenersIgnored = {
  test() {
    const t = new EventTarget();
    let n = 0;
    const f = () => n++;
    t.addEventListener("x", f);
    t.addEventListener("x", f);
    t.addEventListener("x", f, { once: true });
    t.addEventListener("x", f, true);
    t.dispatchEvent(new Event("x"));
    same(n, 2, "a listener and its capture twin");
    t.removeEventListener("x", f);
    t.dispatchEvent(new Event("x"));
    same(n, 3, "after removing the non-capture one");
    t.removeEventListener("x", f, { capture: true });
    t.dispatchEvent(new Event("x"));
    same(n, 3, "after removing both");
  },
};

export const onceListener = {
  test() {
    const t = new EventTarget();
    const log = [];
    t.addEventListener("x", () => log.push("once"), { once: true });
    t.addEventListener("x", () => log.push("always"));
    t.dispatchEvent(new Event("x"));
    t.dispatchEvent(new Event("x"));
    eq(log, ["once", "always", "always"], "calls");
    // A once listener that dispatches again from inside is not run twice.
    let inner = 0;
    t.addEventListener("y", () => {
      inner++;
      t.dispatchEvent(new Event("y"));
    }, { once: true });
    t.dispatchEvent(new Event("y"));
    same(inner, 1, "re-entrant once");
  },
};

export const signalRemovesListener = {
  test() {
    const t = new EventTarget();
    const c = new AbortController();
    let n = 0;
    t.addEventListener("x", () => n++, { signal: c.signal });
    t.dispatchEvent(new Event("x"));
    c.abort();
    t.dispatchEvent(new Event("x"));
    same(n, 1, "removed on abort");
    t.addEventListener("x", () => n++, { signal: c.signal });
    t.dispatchEvent(new Event("x"));
    same(n, 1, "an aborted signal adds nothing");
    t.addEventListener("x", () => n++, { signal: AbortSignal.abort() });
    t.dispatchEvent(new Event("x"));
    same(n, 1, "AbortSignal.abort() adds nothing");
    throws(() => t.addEventListener("x", () => {}, { signal: null }), TypeError, "null signal");
    throws(() => t.addEventListener("x", () => {}, { signal: {} }), TypeError, "non-signal");
    // A listener removed by hand no longer hangs off the signal.
    const c2 = new AbortController();
    const g = () => n++;
    t.addEventListener("z", g, { signal: c2.signal });
    t.removeEventListener("z", g);
    t.addEventListener("z", g);
    c2.abort();
    t.dispatchEvent(new Event("z"));
    same(n, 2, "re-added listener survives the old signal's abort");
  },
};

export const handleEventObjects = {
  async test() {
    const t = new EventTarget();
    const log = [];
    const obj = {
      handleEvent(e) {
        log.push(["first", this === obj, e.type]);
      },
    };
    t.addEventListener("x", obj);
    t.dispatchEvent(new Event("x"));
    obj.handleEvent = function (e) {
      log.push(["second", this === obj]);
    };
    t.dispatchEvent(new Event("x"));
    eq(log, [["first", true, "x"], ["second", true]], "handleEvent read at each call");
    const bad = { handleEvent: 5 };
    t.addEventListener("y", bad);
    t.addEventListener("y", () => log.push("after"));
    const reported = await catchReported(() => t.dispatchEvent(new Event("y")));
    same(reported.length, 1, "reported errors");
    same(reported[0].error instanceof TypeError, true, "non-callable handleEvent is a TypeError");
    same(log[log.length - 1], "after", "later listeners still run");
  },
};

export const stopImmediatePropagation = {
  test() {
    const t = new EventTarget();
    const log = [];
    t.addEventListener("x", (e) => {
      log.push("a");
      e.stopPropagation();
    }, true);
    t.addEventListener("x", () => log.push("b"), true);
    t.addEventListener("x", () => log.push("c"));
    t.dispatchEvent(new Event("x"));
    eq(log, ["a", "b"], "stopPropagation ends the dispatch after the capture pass at target");
    log.length = 0;
    const u = new EventTarget();
    u.addEventListener("x", (e) => {
      log.push("a");
      e.stopImmediatePropagation();
    });
    u.addEventListener("x", () => log.push("b"));
    const e = new Event("x");
    u.dispatchEvent(e);
    eq(log, ["a"], "stopImmediatePropagation");
    u.dispatchEvent(e);
    eq(log, ["a", "a"], "flags are cleared after dispatch");
  },
};

export const exceptionsReportedNotStopping = {
  async test() {
    const t = new EventTarget();
    const log = [];
    const boom = new RangeError("boom");
    t.addEventListener("x", () => {
      log.push(1);
      throw boom;
    });
    t.addEventListener("x", () => {
      log.push(2);
      throw "plain";
    });
    t.addEventListener("x", () => log.push(3));
    let result;
    const reported = await catchReported(() => {
      result = t.dispatchEvent(new Event("x"));
    });
    eq(log, [1, 2, 3], "every listener ran");
    same(result, true, "dispatchEvent returned normally");
    same(reported.length, 2, "two errors reported");
    const [a, b] = reported;
    same(a instanceof ErrorEvent, true, "an ErrorEvent");
    eq([a.type, a.message, a.isTrusted, a.cancelable, a.target === globalThis], ["error", "Uncaught RangeError: boom", true, true, true], "first report");
    same(a.error, boom, "error is the thrown value");
    same(typeof a.filename, "string", "filename");
    if (!(a.lineno > 0 && a.colno > 0)) throw new Error(`lineno/colno ${a.lineno}/${a.colno}, want positions`);
    eq([b.message, b.error, b.lineno], ["Uncaught plain", "plain", 0], "second report");
  },
};

export const listenersAddedOrRemovedDuringDispatch = {
  test() {
    const t = new EventTarget();
    const log = [];
    const late = () => log.push("late");
    const removed = () => log.push("removed");
    t.addEventListener("x", () => {
      log.push("first");
      t.addEventListener("x", late);
      t.removeEventListener("x", removed);
    });
    t.addEventListener("x", removed);
    t.dispatchEvent(new Event("x"));
    eq(log, ["first"], "first dispatch");
    t.dispatchEvent(new Event("x"));
    eq(log, ["first", "first", "late"], "second dispatch");
  },
};

export const dispatchEventChecks = {
  test() {
    const t = new EventTarget();
    throws(() => t.dispatchEvent(), TypeError, "no argument");
    throws(() => t.dispatchEvent({ type: "x" }), TypeError, "not an Event");
    let inner;
    t.addEventListener("x", (e) => {
      inner = throws(() => t.dispatchEvent(e), DOMException, "re-dispatch", "InvalidStateError");
    });
    const e = new Event("x", { cancelable: true });
    t.addEventListener("x", (ev) => ev.preventDefault());
    same(t.dispatchEvent(e), false, "cancelled dispatch returns false");
    same(inner.code, 11, "InvalidStateError code");
    throws(() => EventTarget.prototype.dispatchEvent.call({}, new Event("x")), TypeError, "brand");
    throws(() => t.addEventListener("x"), TypeError, "one argument");
    throws(() => t.addEventListener("x", 5), TypeError, "callback not an object");
    t.addEventListener("x", null);
    t.removeEventListener("x", null);
  },
};

export const subclassingEventTarget = {
  test() {
    class Emitter extends EventTarget {
      fire(detail) {
        return this.dispatchEvent(new CustomEvent("fire", { detail }));
      }
    }
    const em = new Emitter();
    let got;
    em.addEventListener("fire", (e) => (got = [e.detail, e.target === em, e instanceof CustomEvent, e instanceof Event]));
    em.fire({ n: 1 });
    eq(got, [{ n: 1 }, true, true, true], "subclass dispatch");
    same(Object.prototype.toString.call(new EventTarget()), "[object EventTarget]", "toStringTag");
    class MyEvent extends Event {
      constructor() {
        super("mine", { cancelable: true });
      }
    }
    const me = new MyEvent();
    eq([me.type, me.cancelable, me instanceof Event], ["mine", true, true], "Event subclass");
  },
};

export const globalIsEventTarget = {
  test() {
    same(globalThis instanceof EventTarget, true, "instanceof");
    same(addEventListener, EventTarget.prototype.addEventListener, "addEventListener is EventTarget's");
    const log = [];
    const f = function (e) {
      log.push([e.type, this === globalThis, e.target === globalThis]);
    };
    addEventListener("custom-global", f);
    same(dispatchEvent(new Event("custom-global")), true, "dispatchEvent unqualified");
    globalThis.dispatchEvent(new Event("custom-global"));
    removeEventListener("custom-global", f);
    dispatchEvent(new Event("custom-global"));
    eq(log, [["custom-global", true, true], ["custom-global", true, true]], "global listener calls");
    const self2 = self;
    same(self2, globalThis, "self");
  },
};

export const reportErrorDispatches = {
  async test() {
    const err = new TypeError("reported");
    const reported = await catchReported(() => reportError(err));
    same(reported.length, 1, "one report");
    eq([reported[0].message, reported[0].defaultPrevented], ["Uncaught TypeError: reported", true], "report");
    same(reported[0].error, err, "error");
    throws(() => reportError(), TypeError, "argument required");
    // A listener that throws while an error is reported does not recurse.
    let calls = 0;
    const thrower = (e) => {
      calls++;
      e.preventDefault();
      throw new Error("from the error listener");
    };
    addEventListener("error", thrower);
    try {
      reportError(new Error("first"));
    } finally {
      removeEventListener("error", thrower);
    }
    same(calls, 1, "error listener calls");
  },
};

export const promiseRejectionEvents = {
  async test() {
    const seen = [];
    let p;
    const onUnhandled = (e) => {
      if (e.reason === "in a listener") {
        e.promise.catch(() => {}); // handled while being reported: no rejectionhandled
        return;
      }
      seen.push([e.type, e.promise === p, e.reason, e.isTrusted, e.cancelable, e instanceof PromiseRejectionEvent]);
      e.preventDefault();
    };
    const onHandled = (e) => {
      seen.push([e.type, e.promise === p, e.reason, e.isTrusted, e.cancelable]);
    };
    addEventListener("unhandledrejection", onUnhandled);
    addEventListener("rejectionhandled", onHandled);
    try {
      p = Promise.reject("why");
      Promise.reject("in a listener");
      const inTime = Promise.reject("in time");
      await null;
      inTime.catch(() => {});
      await until(() => seen.length === 1, "unhandledrejection");
      eq(seen, [["unhandledrejection", true, "why", true, true, true]], "after the task");
      p.catch(() => {});
      await until(() => seen.length === 2, "rejectionhandled");
      eq(seen[1], ["rejectionhandled", true, "why", true, false], "after a late handler");
      // An async function's rejection is reported like any other.
      p = (async () => {
        await sleep(1);
        throw new RangeError("async");
      })();
      await until(() => seen.length === 3, "async rejection");
      eq(seen[2].slice(0, 2), ["unhandledrejection", true], "async rejection");
      same(seen[2][2] instanceof RangeError, true, "async rejection reason");
      await sleep(5);
      same(seen.length, 3, "no more events");
    } finally {
      removeEventListener("unhandledrejection", onUnhandled);
      removeEventListener("rejectionhandled", onHandled);
    }
  },
};

// --- Event subclasses --------------------------------------------------------

export const customEventDetail = {
  test() {
    eq([new CustomEvent("x").detail, new CustomEvent("x", { detail: undefined }).detail], [null, null], "default detail");
    const d = { a: 1 };
    same(new CustomEvent("x", { detail: d }).detail, d, "detail kept by reference");
    const e = new CustomEvent("x");
    e.initCustomEvent("y", true, false, 5);
    eq([e.type, e.bubbles, e.detail], ["y", true, 5], "initCustomEvent");
    throws(() => Object.getOwnPropertyDescriptor(CustomEvent.prototype, "detail").get.call(new Event("x")), TypeError, "brand");
  },
};

export const errorEventInit = {
  test() {
    const e = new ErrorEvent("error", { message: "m", filename: "f.js", lineno: 3, colno: -1, error: 9, cancelable: true });
    eq([e.message, e.filename, e.lineno, e.colno, e.error, e.cancelable], ["m", "f.js", 3, 4294967295, 9, true], "members");
    const d = new ErrorEvent("error");
    eq([d.message, d.filename, d.lineno, d.colno, d.error], ["", "", 0, 0, undefined], "defaults");
  },
};

export const promiseRejectionEventInit = {
  test() {
    const p = Promise.reject(new Error("r"));
    p.catch(() => {});
    const e = new PromiseRejectionEvent("unhandledrejection", { promise: p, reason: "why", cancelable: true });
    eq([e.type, e.reason, e.cancelable], ["unhandledrejection", "why", true], "members");
    same(e.promise, p, "promise");
    throws(() => new PromiseRejectionEvent("x", {}), TypeError, "promise required");
    throws(() => new PromiseRejectionEvent("x"), TypeError, "init required");
    throws(() => new PromiseRejectionEvent("x", { promise: 1 }), TypeError, "promise must be an object");
  },
};

// --- AbortController and AbortSignal -----------------------------------------

export const abortControllerBasics = {
  test() {
    const c = new AbortController();
    const s = c.signal;
    same(c.signal, s, "same signal every time");
    eq([s.aborted, s.reason, s.onabort], [false, undefined, null], "fresh signal");
    s.throwIfAborted();
    const log = [];
    s.onabort = (e) => log.push(["onabort", e.isTrusted, e.target === s, e.type]);
    s.addEventListener("abort", () => log.push("listener"));
    c.abort();
    c.abort("again");
    eq(log, [["onabort", true, true, "abort"], "listener"], "abort event once");
    same(s.aborted, true, "aborted");
    same(s.reason instanceof DOMException, true, "default reason is a DOMException");
    eq([s.reason.name, s.reason.code], ["AbortError", 20], "default reason");
    const thrown = throws(() => s.throwIfAborted(), DOMException, "throwIfAborted");
    same(thrown, s.reason, "throwIfAborted throws the reason");
    const c2 = new AbortController();
    c2.abort(0);
    same(c2.signal.reason, 0, "explicit reason");
    throws(() => new AbortSignal(), TypeError, "AbortSignal is not constructible");
    same(Object.prototype.toString.call(s), "[object AbortSignal]", "toStringTag");
    same(s instanceof EventTarget, true, "an EventTarget");
  },
};

export const onabortHandlerSemantics = {
  test() {
    const c = new AbortController();
    const log = [];
    c.signal.addEventListener("abort", () => log.push("first"));
    c.signal.onabort = () => log.push("handler v1");
    c.signal.addEventListener("abort", () => log.push("last"));
    c.signal.onabort = () => log.push("handler v2");
    c.signal.onabort = 5;
    same(c.signal.onabort, null, "non-object handler is null");
    c.signal.onabort = () => log.push("handler v3");
    c.abort();
    eq(log, ["first", "last", "handler v3"], "handler re-added at the end after being nulled");
    const c2 = new AbortController();
    c2.signal.onabort = () => log.push("kept position");
    c2.signal.addEventListener("abort", () => log.push("after"));
    c2.signal.onabort = () => log.push("replaced, same position");
    c2.abort();
    eq(log.slice(3), ["replaced, same position", "after"], "handler keeps its position");
  },
};

export const abortSignalAbort = {
  test() {
    const s = AbortSignal.abort();
    eq([s.aborted, s.reason.name], [true, "AbortError"], "default");
    const r = { why: 1 };
    same(AbortSignal.abort(r).reason, r, "reason");
  },
};

export const abortSignalTimeout = {
  async test() {
    const s = AbortSignal.timeout(5);
    same(s.aborted, false, "not aborted at once");
    let fired = null;
    s.addEventListener("abort", (e) => (fired = e));
    await until(() => s.aborted, "timeout");
    same(s.reason instanceof DOMException, true, "reason class");
    eq([s.reason.name, s.reason.code, s.reason.message], ["TimeoutError", 23, "signal timed out"], "reason");
    same(fired !== null && fired.isTrusted, true, "abort event fired");
    throws(() => AbortSignal.timeout(-1), TypeError, "negative");
    throws(() => AbortSignal.timeout(), TypeError, "no argument");
    const zero = AbortSignal.timeout(0);
    await until(() => zero.aborted, "timeout(0)");
    // A timeout beyond setTimeout's 32-bit range does not fire at once.
    const far = AbortSignal.timeout(2 ** 32 + 5);
    await sleep(10);
    same(far.aborted, false, "2^32 ms timeout");
  },
};

export const abortSignalAny = {
  test() {
    const a = new AbortController();
    const b = new AbortController();
    const any = AbortSignal.any([a.signal, b.signal]);
    same(any.aborted, false, "not aborted");
    const log = [];
    a.signal.addEventListener("abort", () => log.push(["a", any.aborted]));
    any.addEventListener("abort", () => log.push(["any", any.reason]));
    a.abort("ra");
    b.abort("rb");
    eq(log, [["a", true], ["any", "ra"]], "source fires before dependent; dependent already aborted then");
    same(any.reason, "ra", "reason of the first source to abort");

    const pre = AbortSignal.abort("early");
    const any2 = AbortSignal.any([new AbortController().signal, pre]);
    eq([any2.aborted, any2.reason], [true, "early"], "already aborted source");

    // Dependent of a dependent follows the original sources.
    const c = new AbortController();
    const inner = AbortSignal.any([c.signal]);
    const outer = AbortSignal.any([inner]);
    c.abort("deep");
    eq([inner.reason, outer.reason], ["deep", "deep"], "nested any");

    const empty = AbortSignal.any([]);
    same(empty.aborted, false, "any([])");
    throws(() => AbortSignal.any([{}]), TypeError, "not signals");
    throws(() => AbortSignal.any(5), TypeError, "not a sequence");
    throws(() => AbortSignal.any(), TypeError, "no argument");
    const d = new AbortController();
    same(AbortSignal.any(new Set([d.signal, d.signal])).aborted, false, "iterable");
  },
};

export const abortSignalAnyWithTimeout = {
  async test() {
    const c = new AbortController();
    const s = AbortSignal.any([c.signal, AbortSignal.timeout(5)]);
    let n = 0;
    s.onabort = () => n++;
    await until(() => s.aborted, "any with timeout");
    same(s.reason.name, "TimeoutError", "reason");
    c.abort();
    same(n, 1, "aborted once");
  },
};

// --- MessageChannel ----------------------------------------------------------

export const messageChannelRoundTrip = {
  async test() {
    const { port1, port2 } = new MessageChannel();
    const sent = { text: "hi", list: [1, 2, { deep: true }], when: new Date(0), map: new Map([["k", 1]]) };
    sent.self = sent;
    const got = [];
    port2.onmessage = (e) => {
      got.push(e);
      port2.postMessage({ echo: e.data.text });
    };
    const replies = [];
    port1.addEventListener("message", (e) => replies.push(e.data));
    port1.start();
    port1.postMessage(sent);
    same(got.length, 0, "delivered asynchronously");
    sent.text = "changed after posting";
    await until(() => replies.length === 1, "reply");
    const e = got[0];
    same(e instanceof MessageEvent, true, "a MessageEvent");
    eq([e.type, e.isTrusted, e.origin, e.lastEventId, e.source, e.ports], ["message", true, "", "", null, []], "event fields");
    if (e.data === sent) throw new Error("data was not copied");
    eq([e.data.text, e.data.list, e.data.when.getTime(), e.data.map.get("k")], ["hi", [1, 2, { deep: true }], 0, 1], "data");
    same(e.data.self, e.data, "cycle survives the copy");
    same(e.target, port2, "target");
    eq(replies, [{ echo: "hi" }], "reply");
  },
};

export const messagesInOrderAfterStart = {
  async test() {
    const { port1, port2 } = new MessageChannel();
    const got = [];
    port2.addEventListener("message", (e) => got.push(e.data));
    for (let i = 0; i < 5; i++) port1.postMessage(i);
    await sleep(10);
    eq(got, [], "no delivery before start()");
    port2.start();
    await until(() => got.length === 5, "messages");
    eq(got, [0, 1, 2, 3, 4], "order");
  },
};

export const eachMessageIsATask = {
  async test() {
    const { port1, port2 } = new MessageChannel();
    const log = [];
    port2.onmessage = (e) => {
      log.push(`message ${e.data}`);
      Promise.resolve().then(() => log.push(`microtask after ${e.data}`));
    };
    port1.postMessage(1);
    port1.postMessage(2);
    await until(() => log.length === 4, "messages");
    eq(log, ["message 1", "microtask after 1", "message 2", "microtask after 2"], "order");
  },
};

export const closeStopsDelivery = {
  async test() {
    const { port1, port2 } = new MessageChannel();
    const got = [];
    let closed = 0;
    port2.onmessage = (e) => got.push(e.data);
    port2.onclose = (e) => {
      closed++;
      same(e.isTrusted, true, "close event trusted");
    };
    port1.postMessage("before");
    port1.close();
    port1.postMessage("after close");
    await until(() => closed === 1, "close event");
    eq(got, ["before"], "messages");
    port2.postMessage("to a closed peer");
    const { port1: a, port2: b } = new MessageChannel();
    const gotB = [];
    b.onmessage = (e) => gotB.push(e.data);
    a.postMessage("dropped");
    b.close();
    await sleep(10);
    eq(gotB, [], "a closed port receives nothing");
  },
};

export const transferPorts = {
  async test() {
    const main = new MessageChannel();
    const side = new MessageChannel();
    const received = [];
    main.port2.onmessage = (e) => received.push(e);
    const buf = new Uint8Array([1, 2, 3]).buffer;
    main.port1.postMessage({ buf }, [side.port2, buf]);
    same(buf.byteLength, 0, "transferred buffer detached");
    await until(() => received.length === 1, "transfer message");
    const e = received[0];
    same(e.ports.length, 1, "one port");
    same(Object.isFrozen(e.ports), true, "ports frozen");
    same(e.ports, e.ports, "same ports array each time");
    const moved = e.ports[0];
    same(moved instanceof MessagePort, true, "a MessagePort");
    if (moved === side.port2) throw new Error("the transferred port was not replaced");
    eq([...new Uint8Array(e.data.buf)], [1, 2, 3], "buffer bytes");
    const got = [];
    moved.onmessage = (ev) => got.push(ev.data);
    side.port1.postMessage("through the moved port");
    await until(() => got.length === 1, "moved port");
    eq(got, ["through the moved port"], "moved port receives");
    throws(() => main.port1.postMessage(null, [side.port2]), DOMException, "transfer a detached port", "DataCloneError");
    throws(() => main.port1.postMessage(null, [main.port1]), DOMException, "transfer the source port", "DataCloneError");
    throws(() => main.port1.postMessage(null, { transfer: [side.port1, side.port1] }), DOMException, "duplicate", "DataCloneError");
  },
};

export const postMessageErrors = {
  test() {
    const { port1 } = new MessageChannel();
    throws(() => port1.postMessage(() => {}), DOMException, "function", "DataCloneError");
    throws(() => port1.postMessage(), TypeError, "no argument");
    throws(() => port1.postMessage(1, 5), TypeError, "bad options");
    throws(() => port1.postMessage(1, [5]), TypeError, "non-object in transfer");
    throws(() => new MessagePort(), TypeError, "MessagePort is not constructible");
    throws(() => MessagePort.prototype.postMessage.call({}, 1), TypeError, "brand");
  },
};

export const messageEventConstructor = {
  test() {
    const e = new MessageEvent("message");
    eq([e.data, e.origin, e.lastEventId, e.source, e.ports], [null, "", "", null, []], "defaults");
    const { port1 } = new MessageChannel();
    const f = new MessageEvent("message", { data: { x: 1 }, origin: "https://a", lastEventId: "7", source: port1, ports: [port1] });
    eq([f.data, f.origin, f.lastEventId], [{ x: 1 }, "https://a", "7"], "fields");
    same(f.source, port1, "source");
    same(f.ports[0], port1, "ports");
    throws(() => new MessageEvent("message", { source: {} }), TypeError, "bad source");
    throws(() => new MessageEvent("message", { ports: [1] }), TypeError, "bad ports");
  },
};

// --- Interface shapes --------------------------------------------------------

export const interfaceShapes = {
  test() {
    const lengths = {
      Event: 1, EventTarget: 0, CustomEvent: 1, ErrorEvent: 1, PromiseRejectionEvent: 2, AbortController: 0,
      AbortSignal: 0, MessageEvent: 1, MessagePort: 0, MessageChannel: 0, reportError: 1,
    };
    for (const [name, n] of Object.entries(lengths)) same(globalThis[name].length, n, `${name}.length`);
    eq(
      [EventTarget.prototype.addEventListener.length, EventTarget.prototype.removeEventListener.length, EventTarget.prototype.dispatchEvent.length],
      [2, 2, 1],
      "EventTarget method lengths",
    );
    for (const name of ["abort", "timeout", "any"]) {
      same(Object.getOwnPropertyDescriptor(AbortSignal, name).enumerable, true, `AbortSignal.${name} enumerable`);
    }
    for (const [cls, member] of [[Event, "type"], [Event, "preventDefault"], [AbortSignal, "onabort"], [MessagePort, "onmessage"], [MessageEvent, "data"]]) {
      const d = Object.getOwnPropertyDescriptor(cls.prototype, member);
      same(d !== undefined && d.enumerable && d.configurable, true, `${cls.name}.prototype.${member} is an enumerable, configurable member`);
    }
    for (const [sub, base] of [
      [CustomEvent, Event], [ErrorEvent, Event], [PromiseRejectionEvent, Event], [MessageEvent, Event],
      [AbortSignal, EventTarget], [MessagePort, EventTarget],
    ]) {
      same(Object.getPrototypeOf(sub), base, `${sub.name} extends ${base.name}`);
      same(Object.getPrototypeOf(sub.prototype), base.prototype, `${sub.name}.prototype inherits ${base.name}.prototype`);
    }
    for (const name of Object.keys(lengths)) {
      same(Object.getOwnPropertyDescriptor(globalThis, name).enumerable, false, `${name} global not enumerable`);
    }
    same("isTrusted" in Event.prototype, false, "isTrusted is not on the prototype");
  },
};

export const eventHandlerBrandChecks = {
  test() {
    const set = Object.getOwnPropertyDescriptor(AbortSignal.prototype, "onabort").set;
    const { port1 } = new MessageChannel();
    throws(() => set.call(port1, () => {}), TypeError, "onabort on a MessagePort");
    throws(() => set.call(new EventTarget(), () => {}), TypeError, "onabort on an EventTarget");
    throws(() => Object.getOwnPropertyDescriptor(MessagePort.prototype, "onmessage").get.call(new AbortController().signal), TypeError, "onmessage on an AbortSignal");
  },
};
