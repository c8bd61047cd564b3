// The runtime's core, evaluated first in every isolate. Done here in JS: the
// plumbing every family shares (bytes through a shared scratch buffer, the
// error classes Go asks for, the registry of event handlers and binding
// factories, env, the worker's exports). Done in Go (isolate.go): the loop,
// the ops, limits. The object returned is `core`, handed to every family's
// JS and never to user code.
(function (rawOps, global) {
  "use strict";
  const uncurryThis = (fn) => Function.prototype.call.bind(fn);
  const TypedArraySlice = uncurryThis(Uint8Array.prototype.slice);
  const TypedArraySet = uncurryThis(Uint8Array.prototype.set);
  const ArrayBufferIsView = ArrayBuffer.isView;
  const ObjectDefineProperty = Object.defineProperty;
  const ObjectCreate = Object.create;
  const ObjectFreeze = Object.freeze;
  const MapCtor = Map;
  const MapGet = uncurryThis(Map.prototype.get);
  const MapSet = uncurryThis(Map.prototype.set);
  const MapHas = uncurryThis(Map.prototype.has);
  const ArrayPush = uncurryThis(Array.prototype.push);
  const SAB = SharedArrayBuffer;
  const U8 = Uint8Array;
  const JSONParse = JSON.parse;
  const MapDelete = uncurryThis(Map.prototype.delete);
  const MapClear = uncurryThis(Map.prototype.clear);
  const MapForEach = uncurryThis(Map.prototype.forEach);
  const WeakMapCtor = WeakMap;
  const WeakMapGet = uncurryThis(WeakMap.prototype.get);
  const WeakMapSet = uncurryThis(WeakMap.prototype.set);
  const WeakMapHas = uncurryThis(WeakMap.prototype.has);
  const WeakMapDelete = uncurryThis(WeakMap.prototype.delete);
  const StringCtor = String;
  const StringSplit = uncurryThis(String.prototype.split);

  // Bytes cross the boundary through this buffer: Go reads and writes its
  // backing store directly, so a body chunk costs two memcpys, not a call
  // per byte. Larger payloads get a SharedArrayBuffer of their own.
  const SCRATCH_SIZE = 1 << 20; // also runtime/isolate.go: scratchSize
  const scratch = new SAB(SCRATCH_SIZE);
  const scratchU8 = new U8(scratch);

  // toGo prepares bytes (an ArrayBuffer or a view) to be an op argument;
  // Go reads it with Call.Bytes. At most one such argument per op call.
  function toGo(bytes) {
    let u8;
    if (bytes instanceof ArrayBuffer || bytes instanceof SAB) u8 = new U8(bytes);
    else if (ArrayBufferIsView(bytes)) u8 = new U8(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    else throw new TypeError("expected an ArrayBuffer or ArrayBufferView");
    const n = u8.byteLength;
    if (n <= SCRATCH_SIZE) {
      TypedArraySet(scratchU8, u8);
      return n;
    }
    const sab = new SAB(n);
    TypedArraySet(new U8(sab), u8);
    return sab;
  }

  // A sync op that returns bytes which fit the scratch buffer copies them
  // there, stores their length in ctl[0] and returns the BYTES marker; the
  // wrapper below turns that into a fresh Uint8Array. That saves the op a
  // nested call from Go back into JS, which costs more than the copy.
  // ctl[0]: the length of bytes a sync op left in scratch (call.go).
  // ctl[1]: non-zero when promise rejections await notification
  // (isolate.go: rejectionsPending).
  const ctl = new Int32Array(new SAB(8));
  const BYTES = Symbol("bytes");
  const ReflectApply = Reflect.apply;
  const ObjectKeys = Object.keys;
  function wrapOps(raw) {
    const wrapped = ObjectCreate(null);
    const names = ObjectKeys(raw);
    for (let i = 0; i < names.length; i++) {
      const fn = raw[names[i]];
      wrapped[names[i]] = function (...args) {
        const r = ReflectApply(fn, undefined, args);
        return r === BYTES ? TypedArraySlice(scratchU8, 0, ctl[0]) : r;
      };
    }
    return ObjectFreeze(wrapped);
  }

  // fromGo is called by Go to turn bytes it placed in scratch (n >= 0) or
  // in a buffer from allocShared into a Uint8Array the worker owns.
  function fromGo(n, sab) {
    if (sab !== undefined) return TypedArraySlice(new U8(sab), 0, n);
    return TypedArraySlice(scratchU8, 0, n);
  }
  function allocShared(n) {
    return new SAB(n);
  }

  const ops = wrapOps(rawOps);

  const errorClasses = { __proto__: null, Error, TypeError, RangeError, SyntaxError };
  // makeError is called by Go to build the exception an op throws.
  function makeError(cls, name, message) {
    if (cls === "DOMException") {
      const DOMException = errorClasses.DOMException;
      if (DOMException) return new DOMException(message, name);
      const e = new Error(message);
      e.name = name;
      return e;
    }
    const C = errorClasses[cls] || Error;
    return new C(message);
  }

  const provided = new MapCtor();
  const eventHandlers = new MapCtor();
  const bindingFactories = new MapCtor();
  const listeners = new MapCtor();
  let workerModule = ObjectFreeze(ObjectCreate(null));
  let env;

  const core = {
    toGo,
    // defineGlobal installs a Web IDL style global: writable, configurable,
    // not enumerable.
    defineGlobal(name, value) {
      ObjectDefineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
    },
    // provide and use share internals between families.
    provide(name, value) {
      if (MapHas(provided, name)) throw new Error(`core: ${name} provided twice`);
      MapSet(provided, name, value);
      if (name === "DOMException") errorClasses.DOMException = value;
    },
    use(name) {
      if (!MapHas(provided, name)) throw new Error(`core: ${name} is not provided (missing extension dependency?)`);
      return MapGet(provided, name);
    },
    // onEvent sets the function the runtime calls for an event type
    // ("fetch"): fn(id, ...fields). One per type.
    onEvent(type, fn) {
      MapSet(eventHandlers, type, fn);
    },
    // registerBinding sets the factory for an env binding kind:
    // factory(name, value) returns what env[name] holds.
    registerBinding(kind, factory) {
      MapSet(bindingFactories, kind, factory);
    },
    // env returns the worker's env object, built once per isolate.
    env() {
      if (env === undefined) env = buildEnv();
      return env;
    },
    // module returns the worker's exports (empty for service-worker syntax).
    module() {
      return workerModule;
    },
    // listeners returns the functions added with addEventListener(type).
    listeners(type) {
      return MapGet(listeners, type) || [];
    },
    // requestDone tells the runtime that request id, waitUntil included,
    // is over; its slot is freed.
    requestDone(id) {
      ops.op_core_request_done(id);
    },
    // requestError reports an exception that ends request id with a 500
    // (or, for the fetch family, whatever it decides).
    requestError(id, err) {
      let message, stack;
      try {
        message = err instanceof Error ? `${err.name}: ${err.message}` : `Uncaught ${String(err)}`;
        stack = err instanceof Error && typeof err.stack === "string" ? err.stack : "";
      } catch {
        message = "Uncaught exception (not convertible to a string)";
        stack = "";
      }
      ops.op_core_request_error(id, message, stack);
    },
    log(level, message) {
      ops.op_core_log(level, message);
    },
    // logError logs an exception that ends nothing (a rejected waitUntil
    // promise, a throwing timer) with its stack mapped to the user's files.
    logError(message, err) {
      let stack = "";
      try {
        stack = err instanceof Error && typeof err.stack === "string" ? err.stack : String(err);
      } catch {}
      ops.op_core_log_error(message, stack);
    },
  };

  // Promise rejections, as HTML's "notify about rejected promises": V8
  // tells promiseRejected (below) of every promise rejected with no
  // handler and of every handler added to a promise already rejected.
  // After the task's microtask checkpoint Go calls flushRejections, which
  // reports the rejections still unhandled (the unhandledrejection event,
  // or a log line with the stack) and fires rejectionhandled for reported
  // ones that got a handler since.
  const aboutToBeNotified = new MapCtor(); // promise -> reason, in order
  const outstanding = new WeakMapCtor(); // reported, still unhandled: promise -> reason
  let handledLate = [];
  let notifying = null; // the promise whose unhandledrejection is being fired
  let notifyingHandled = false;
  let rejectionHooks = null;

  function promiseRejected(promise, event, reason) {
    if (event === 0) {
      MapSet(aboutToBeNotified, promise, reason);
    } else if (MapHas(aboutToBeNotified, promise)) {
      MapDelete(aboutToBeNotified, promise);
      return;
    } else if (promise === notifying) {
      notifyingHandled = true;
      return;
    } else if (WeakMapHas(outstanding, promise)) {
      ArrayPush(handledLate, promise, WeakMapGet(outstanding, promise));
      WeakMapDelete(outstanding, promise);
    } else {
      return;
    }
    ctl[1] = 1;
  }

  function flushRejections() {
    ctl[1] = 0;
    const list = [];
    MapForEach(aboutToBeNotified, (reason, promise) => ArrayPush(list, promise, reason));
    MapClear(aboutToBeNotified);
    const late = handledLate;
    handledLate = [];
    for (let i = 0; i < list.length; i += 2) {
      const promise = list[i];
      const reason = list[i + 1];
      notifying = promise;
      notifyingHandled = false;
      let report = true;
      try {
        if (rejectionHooks !== null) report = rejectionHooks.unhandled(promise, reason);
      } finally {
        notifying = null;
      }
      if (report) core.logError(uncaughtMessage("Uncaught (in promise)", reason), reason);
      if (!notifyingHandled) WeakMapSet(outstanding, promise, reason);
    }
    if (rejectionHooks !== null) {
      for (let i = 0; i < late.length; i += 2) rejectionHooks.handled(late[i], late[i + 1]);
    }
  }

  // uncaughtMessage is how a thrown value is named in a log line:
  // "<prefix> TypeError: message", or the value as a string.
  function uncaughtMessage(prefix, value) {
    try {
      if (value instanceof Error) return `${prefix} ${value.name}: ${value.message}`;
      return `${prefix} ${typeof value === "symbol" ? value.description : StringCtor(value)}`;
    } catch {
      return `${prefix} exception (not convertible to a string)`;
    }
  }
  core.uncaughtMessage = uncaughtMessage;

  // slotAccessors keeps a class's symbol-keyed slots out of sight: the
  // class holds them in a record in a private field, and proto gets a
  // non-enumerable accessor per key, so that obj[key] reads and writes
  // work as for an own property while the instance has none: spreading it
  // (`{ ...request }`), Object.assign and proxies see nothing, as with
  // the platform's objects. recordOf(obj) returns the record, or
  // undefined for an object of another class (whose obj[key] is then
  // undefined). Defining the slots hidden on each instance instead
  // (Object.defineProperty) costs about 400 ns a slot; this about 150 ns
  // an object and a few ns a read.
  core.slotAccessors = (proto, keys, recordOf) => {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      ObjectDefineProperty(proto, key, {
        get() {
          const r = recordOf(this);
          return r === undefined ? undefined : r[key];
        },
        set(v) {
          recordOf(this)[key] = v;
        },
        enumerable: false,
        configurable: false,
      });
    }
  };
  // onRejection lets the events family turn rejections into events:
  // unhandled(promise, reason) fires unhandledrejection and returns
  // whether it still needs reporting (no listener cancelled it);
  // handled(promise, reason) fires rejectionhandled.
  core.onRejection = (hooks) => {
    rejectionHooks = hooks;
  };

  function buildEnv() {
    const e = {};
    const list = ops.op_core_bindings();
    for (let i = 0; i < list.length; i++) {
      const b = list[i];
      let value;
      if (b.kind === "var" || b.kind === "secret") value = b.value;
      else {
        const f = MapGet(bindingFactories, b.kind);
        if (!f) throw new Error(`no extension provides bindings of kind ${b.kind} (env.${b.name})`);
        value = f(b.name, b.value);
      }
      ObjectDefineProperty(e, b.name, { value, enumerable: true, writable: false, configurable: false });
    }
    return ObjectFreeze(e);
  }

  // Service-worker syntax registers handlers with addEventListener. The
  // events family may replace these with a full EventTarget on globalThis,
  // keeping core.listeners as the source of truth.
  function addEventListener(type, listener) {
    if (typeof listener !== "function" && (listener === null || typeof listener !== "object")) return;
    type = String(type);
    let list = MapGet(listeners, type);
    if (!list) MapSet(listeners, type, (list = []));
    if (list.indexOf(listener) === -1) ArrayPush(list, listener);
  }
  function removeEventListener(type, listener) {
    const list = MapGet(listeners, String(type));
    if (!list) return;
    const i = list.indexOf(listener);
    if (i !== -1) list.splice(i, 1);
  }
  core.defineGlobal("addEventListener", addEventListener);
  core.defineGlobal("removeEventListener", removeEventListener);
  core.defineGlobal("self", global);

  // The functions Go calls directly.
  const internal = {
    fromGo,
    allocShared,
    makeError,
    scratch,
    ctl: ctl.buffer,
    bytesMarker: BYTES,
    wrapOps,
    promiseRejected,
    flushRejections,
    setModule(m) {
      if (m !== null && typeof m === "object") workerModule = m;
    },
    // dispatch runs the handler for an event type with the event's id and
    // its fields, which Go packs into one string separated by \x01 so the
    // event crosses the boundary as one value. It returns false when
    // nothing handles that type. For "fetch" the fields are method, url,
    // headers ("name\0value\0...", lowercase names, host first) and
    // hasBody ("1" or ""), and request.cf as JSON text.
    dispatch(type, id, packed) {
      const fn = MapGet(eventHandlers, type);
      if (!fn) return false;
      const f = StringSplit(packed, "\x01");
      fn(id, f[0], f[1], f[2], f[3], f[4]);
      return true;
    },
    // hasHandler says whether the worker handles an event type, either in
    // its default export or through addEventListener.
    hasHandler(type) {
      const d = workerModule.default;
      if (d !== null && d !== undefined && typeof d[type] === "function") return true;
      return (MapGet(listeners, type) || []).length > 0;
    },
  };
  return [core, internal];
})
