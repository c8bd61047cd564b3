// structuredClone, performance, navigator and scheduler. structuredClone is JS: the
// HTML structured clone algorithm (serialize and deserialize fused into
// one walk that keeps a memory of what it copied, so cycles and shared
// references survive), with the buffers listed in `transfer` detached
// afterwards. performance.now() reads a monotonic
// clock in Go (op_globals_now), and performance.timeOrigin is the Unix
// time Go read at the same instant as now()'s zero (op_globals_origin);
// navigator.userAgent comes from Go once. scheduler.wait is JS over the
// timers family's setTimeout and the events family's AbortSignal.
"use strict";

const webidl = core.use("webidl");
const DOMException = core.use("DOMException");
const uncurryThis = (fn) => Function.prototype.call.bind(fn);
const getter = (proto, name) => {
  const d = Object.getOwnPropertyDescriptor(proto, name);
  return d && d.get ? uncurryThis(d.get) : undefined;
};

const ObjectCtor = Object;
const ArrayCtor = Array;
const MapCtor = Map;
const SetCtor = Set;
const DateCtor = Date;
const RegExpCtor = RegExp;
const DataViewCtor = DataView;
const ArrayBufferCtor = ArrayBuffer;
const U8 = Uint8Array;
const TypeErrorCtor = TypeError;
const StringCtor = String;
const ArrayIsArray = Array.isArray;
const ArrayBufferIsView = ArrayBuffer.isView;
const ArrayPrototypePush = uncurryThis(Array.prototype.push);
const ObjectKeys = Object.keys;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectDefineProperty = Object.defineProperty;
const ObjectHasOwn = Object.hasOwn;
const ObjectPrototypeToString = uncurryThis(Object.prototype.toString);
const ObjectPrototypeIsPrototypeOf = uncurryThis(Object.prototype.isPrototypeOf);
const ErrorPrototype = Error.prototype;
const ErrorIsError = typeof Error.isError === "function" ? Error.isError : (v) => ObjectPrototypeIsPrototypeOf(ErrorPrototype, v);
const SymbolPrototypeToString = uncurryThis(Symbol.prototype.toString);
const MapPrototypeGet = uncurryThis(Map.prototype.get);
const MapPrototypeSet = uncurryThis(Map.prototype.set);
const MapPrototypeEntries = uncurryThis(Map.prototype.entries);
const MapIteratorNext = uncurryThis(ObjectGetPrototypeOf(new Map().entries()).next);
const SetPrototypeAdd = uncurryThis(Set.prototype.add);
const SetPrototypeHas = uncurryThis(Set.prototype.has);
const SetPrototypeValues = uncurryThis(Set.prototype.values);
const SetIteratorNext = uncurryThis(ObjectGetPrototypeOf(new Set().values()).next);
const DatePrototypeGetTime = uncurryThis(Date.prototype.getTime);
const BooleanPrototypeValueOf = uncurryThis(Boolean.prototype.valueOf);
const NumberPrototypeValueOf = uncurryThis(Number.prototype.valueOf);
const BigIntPrototypeValueOf = uncurryThis(BigInt.prototype.valueOf);
const StringPrototypeValueOf = uncurryThis(String.prototype.valueOf);
const RegExpPrototypeGetSource = getter(RegExp.prototype, "source");
const regExpFlagGetters = [
  ["d", getter(RegExp.prototype, "hasIndices")],
  ["g", getter(RegExp.prototype, "global")],
  ["i", getter(RegExp.prototype, "ignoreCase")],
  ["m", getter(RegExp.prototype, "multiline")],
  ["s", getter(RegExp.prototype, "dotAll")],
  ["u", getter(RegExp.prototype, "unicode")],
  ["v", getter(RegExp.prototype, "unicodeSets")],
  ["y", getter(RegExp.prototype, "sticky")],
];
const ArrayBufferPrototypeGetByteLength = getter(ArrayBuffer.prototype, "byteLength");
const ArrayBufferPrototypeGetDetached = getter(ArrayBuffer.prototype, "detached");
const ArrayBufferPrototypeGetResizable = getter(ArrayBuffer.prototype, "resizable");
const ArrayBufferPrototypeGetMaxByteLength = getter(ArrayBuffer.prototype, "maxByteLength");
const ArrayBufferPrototypeSlice = uncurryThis(ArrayBuffer.prototype.slice);
const ArrayBufferPrototypeTransfer = ArrayBuffer.prototype.transfer ? uncurryThis(ArrayBuffer.prototype.transfer) : undefined;
const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
const TypedArrayPrototypeGetSymbolToStringTag = getter(TypedArrayPrototype, Symbol.toStringTag);
const TypedArrayPrototypeGetBuffer = getter(TypedArrayPrototype, "buffer");
const TypedArrayPrototypeGetByteOffset = getter(TypedArrayPrototype, "byteOffset");
const TypedArrayPrototypeGetLength = getter(TypedArrayPrototype, "length");
const TypedArrayPrototypeSet = uncurryThis(TypedArrayPrototype.set);
const DataViewPrototypeGetBuffer = getter(DataView.prototype, "buffer");
const DataViewPrototypeGetByteOffset = getter(DataView.prototype, "byteOffset");
const DataViewPrototypeGetByteLength = getter(DataView.prototype, "byteLength");
const DOMExceptionPrototypeGetName = getter(DOMException.prototype, "name");
const DOMExceptionPrototypeGetMessage = getter(DOMException.prototype, "message");
const DateNow = Date.now;

const typedArrayConstructors = { __proto__: null };
for (const C of [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
  ...(typeof Float16Array === "function" ? [Float16Array] : []),
]) {
  typedArrayConstructors[C.name] = C;
}

const errorConstructors = {
  __proto__: null,
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
};

const {
  isBooleanObject,
  isNumberObject,
  isBigIntObject,
  isStringObject,
  isSymbolObject,
  isDate,
  isRegExp,
  isArrayBuffer,
  isSharedArrayBuffer,
  isMap,
  isSet,
  isDataView,
  isWeakMap,
  isWeakSet,
  isWeakRef,
} = webidl.types;
const isDOMException = webidl.branded(DOMException.prototype, DOMExceptionPrototypeGetName);

// Objects with internal state that V8 gives them but no clone can carry.
const uncloneableTags = {
  __proto__: null,
  "[object Promise]": true,
  "[object Generator]": true,
  "[object AsyncGenerator]": true,
  "[object FinalizationRegistry]": true,
  "[object Array Iterator]": true,
  "[object Map Iterator]": true,
  "[object Set Iterator]": true,
  "[object String Iterator]": true,
  "[object RegExp String Iterator]": true,
  "[object Iterator Helper]": true,
  "[object Module]": true,
};

function describe(v) {
  if (typeof v === "symbol") return SymbolPrototypeToString(v);
  if (typeof v === "function") {
    const d = ObjectGetOwnPropertyDescriptor(v, "name");
    const name = d !== undefined && typeof d.value === "string" && d.value !== "" ? d.value : "(anonymous)";
    return `function ${name}`;
  }
  let name;
  try {
    const c = v.constructor;
    name = typeof c === "function" ? c.name : undefined;
  } catch {}
  return `#<${name || "Object"}>`;
}

function cloneError(v) {
  return new DOMException(`${describe(v)} could not be cloned.`, "DataCloneError");
}

function define(obj, key, value) {
  ObjectDefineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

function defineHidden(obj, key, value) {
  ObjectDefineProperty(obj, key, { value, writable: true, enumerable: false, configurable: true });
}

// copyProperties copies the own enumerable string-keyed properties, read
// with [[Get]] (so getters run, as the algorithm says) but skipped when an
// earlier getter deleted them.
function copyProperties(from, to, memory) {
  const keys = ObjectKeys(from);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (!ObjectHasOwn(from, k)) continue;
    define(to, k, clone(from[k], memory));
  }
}

function cloneArrayBuffer(v) {
  if (ArrayBufferPrototypeGetDetached !== undefined && ArrayBufferPrototypeGetDetached(v)) {
    throw new DOMException("An ArrayBuffer is detached and could not be cloned.", "DataCloneError");
  }
  if (ArrayBufferPrototypeGetResizable !== undefined && ArrayBufferPrototypeGetResizable(v)) {
    const length = ArrayBufferPrototypeGetByteLength(v);
    const out = new ArrayBufferCtor(length, { maxByteLength: ArrayBufferPrototypeGetMaxByteLength(v) });
    TypedArrayPrototypeSet(new U8(out), new U8(v));
    return out;
  }
  return ArrayBufferPrototypeSlice(v, 0);
}

function clone(v, memory) {
  if (v === null) return null;
  const type = typeof v;
  if (type === "symbol") throw cloneError(v);
  if (type !== "object" && type !== "function") return v;
  const seen = MapPrototypeGet(memory, v);
  if (seen !== undefined) return seen;
  if (type === "function") throw cloneError(v);

  let out;
  if (ArrayIsArray(v)) {
    out = new ArrayCtor(v.length);
    MapPrototypeSet(memory, v, out);
    copyProperties(v, out, memory);
    return out;
  }
  if (isBooleanObject(v)) out = ObjectCtor(BooleanPrototypeValueOf(v));
  else if (isNumberObject(v)) out = ObjectCtor(NumberPrototypeValueOf(v));
  else if (isBigIntObject(v)) out = ObjectCtor(BigIntPrototypeValueOf(v));
  else if (isStringObject(v)) out = ObjectCtor(StringPrototypeValueOf(v));
  else if (isDate(v)) out = new DateCtor(DatePrototypeGetTime(v));
  else if (isRegExp(v)) {
    let flags = "";
    for (let i = 0; i < regExpFlagGetters.length; i++) {
      const g = regExpFlagGetters[i][1];
      if (g !== undefined && g(v)) flags += regExpFlagGetters[i][0];
    }
    out = new RegExpCtor(RegExpPrototypeGetSource(v), flags);
  } else if (isArrayBuffer(v)) out = cloneArrayBuffer(v);
  else if (isSharedArrayBuffer(v)) out = v; // shared memory stays shared
  else if (ArrayBufferIsView(v)) {
    const kind = TypedArrayPrototypeGetSymbolToStringTag(v);
    if (kind !== undefined) {
      const buffer = clone(TypedArrayPrototypeGetBuffer(v), memory);
      out = new typedArrayConstructors[kind](buffer, TypedArrayPrototypeGetByteOffset(v), TypedArrayPrototypeGetLength(v));
    } else {
      const buffer = clone(DataViewPrototypeGetBuffer(v), memory);
      out = new DataViewCtor(buffer, DataViewPrototypeGetByteOffset(v), DataViewPrototypeGetByteLength(v));
    }
  } else if (isMap(v)) {
    out = new MapCtor();
    MapPrototypeSet(memory, v, out);
    const entries = [];
    const it = MapPrototypeEntries(v);
    for (let r = MapIteratorNext(it); !r.done; r = MapIteratorNext(it)) ArrayPrototypePush(entries, r.value);
    for (let i = 0; i < entries.length; i++) {
      MapPrototypeSet(out, clone(entries[i][0], memory), clone(entries[i][1], memory));
    }
    return out;
  } else if (isSet(v)) {
    out = new SetCtor();
    MapPrototypeSet(memory, v, out);
    const values = [];
    const it = SetPrototypeValues(v);
    for (let r = SetIteratorNext(it); !r.done; r = SetIteratorNext(it)) ArrayPrototypePush(values, r.value);
    for (let i = 0; i < values.length; i++) SetPrototypeAdd(out, clone(values[i], memory));
    return out;
  } else if (isDOMException(v)) {
    out = new DOMException(DOMExceptionPrototypeGetMessage(v), DOMExceptionPrototypeGetName(v));
    const stack = v.stack;
    if (typeof stack === "string") defineHidden(out, "stack", stack);
  } else if (ErrorIsError(v)) {
    return cloneErrorObject(v, memory);
  } else if (isSymbolObject(v) || isWeakMap(v) || isWeakSet(v) || isWeakRef(v) || uncloneableTags[ObjectPrototypeToString(v)] === true) {
    throw cloneError(v);
  } else {
    out = {};
    MapPrototypeSet(memory, v, out);
    copyProperties(v, out, memory);
    return out;
  }
  MapPrototypeSet(memory, v, out);
  return out;
}

// cloneErrorObject keeps what the HTML algorithm keeps of an error (its
// class, if a standard one, and own message) plus, as V8 does, its stack
// and cause.
function cloneErrorObject(v, memory) {
  let name = v.name;
  if (typeof name !== "string" || errorConstructors[name] === undefined) name = "Error";
  const desc = ObjectGetOwnPropertyDescriptor(v, "message");
  const message = desc !== undefined && ObjectHasOwn(desc, "value") ? StringCtor(desc.value) : undefined;
  const out = message === undefined ? new errorConstructors[name]() : new errorConstructors[name](message);
  MapPrototypeSet(memory, v, out);
  const stack = v.stack;
  if (typeof stack === "string") defineHidden(out, "stack", stack);
  else delete out.stack;
  const causeDesc = ObjectGetOwnPropertyDescriptor(v, "cause");
  if (causeDesc !== undefined && ObjectHasOwn(causeDesc, "value")) {
    defineHidden(out, "cause", clone(causeDesc.value, memory));
  }
  return out;
}

// transferList converts options.transfer and checks each buffer in it.
function transferList(options) {
  const prefix = "Failed to execute 'structuredClone'";
  const list = [];
  if (options === undefined || options === null) return list;
  if (typeof options !== "object" && typeof options !== "function") {
    throw new TypeErrorCtor(`${prefix}: The provided value is not of type 'StructuredSerializeOptions'.`);
  }
  const transfer = options.transfer;
  if (transfer === undefined) return list;
  if (transfer === null || typeof transfer !== "object" || typeof transfer[Symbol.iterator] !== "function") {
    throw new TypeErrorCtor(`${prefix}: The provided value for 'transfer' cannot be converted to a sequence.`);
  }
  for (const item of transfer) {
    if (item === null || (typeof item !== "object" && typeof item !== "function")) {
      throw new TypeErrorCtor(`${prefix}: Value at index ${list.length} of 'transfer' is not an object.`);
    }
    ArrayPrototypePush(list, item);
  }
  const seen = new SetCtor();
  for (let i = 0; i < list.length; i++) {
    const b = list[i];
    if (!isArrayBuffer(b)) {
      throw new DOMException(`Value at index ${i} does not have a transferable type.`, "DataCloneError");
    }
    if (SetPrototypeHas(seen, b)) {
      throw new DOMException(`ArrayBuffer at index ${i} is a duplicate of an earlier ArrayBuffer.`, "DataCloneError");
    }
    if (ArrayBufferPrototypeGetDetached !== undefined && ArrayBufferPrototypeGetDetached(b)) {
      throw new DOMException(`ArrayBuffer at index ${i} is already detached.`, "DataCloneError");
    }
    SetPrototypeAdd(seen, b);
  }
  if (list.length > 0 && ArrayBufferPrototypeTransfer === undefined) {
    throw new DOMException("Transferring ArrayBuffers is not supported.", "DataCloneError");
  }
  return list;
}

// structuredClone copies value; the buffers in options.transfer are
// copied like any other and detached once the copy has succeeded. The
// outcome is the specification's (the clone holds the bytes, the listed
// buffers end up detached, nothing is detached if cloning throws), at the
// cost of one copy of each transferred buffer: JS cannot move a buffer's
// memory under views that already exist.
function structuredClone(value, options = undefined) {
  webidl.requiredArguments(arguments.length, 1, "Failed to execute 'structuredClone'");
  const transfer = transferList(options);
  const out = clone(value, new MapCtor());
  for (let i = 0; i < transfer.length; i++) ArrayBufferPrototypeTransfer(transfer[i]);
  return out;
}

// --- performance -------------------------------------------------------------

const _performance = Symbol("[[Performance]]");
const constructKey = Symbol("construct");
const origin = ops.op_globals_origin();
const clockOrigin = origin[0];
const timeOrigin = origin[1];

class Performance {
  constructor(key = undefined) {
    if (key !== constructKey) webidl.illegalConstructor("Performance");
    webidl.setSlots(this, { [_performance]: true });
  }

  get timeOrigin() {
    webidl.brandCheck(this, _performance, "Performance", "timeOrigin");
    return timeOrigin;
  }

  now() {
    webidl.brandCheck(this, _performance, "Performance", "now");
    return ops.op_globals_now() - clockOrigin;
  }

  toJSON() {
    webidl.brandCheck(this, _performance, "Performance", "toJSON");
    return { timeOrigin };
  }
}
webidl.configureInterface(Performance);

// --- navigator ---------------------------------------------------------------

const _navigator = Symbol("[[Navigator]]");
const userAgent = ops.op_globals_user_agent();

class Navigator {
  constructor(key = undefined) {
    if (key !== constructKey) webidl.illegalConstructor("Navigator");
    webidl.setSlots(this, { [_navigator]: true });
  }

  get userAgent() {
    webidl.brandCheck(this, _navigator, "Navigator", "userAgent");
    return userAgent;
  }

  // hardwareConcurrency is 1, as on Cloudflare: a worker sees one thread.
  get hardwareConcurrency() {
    webidl.brandCheck(this, _navigator, "Navigator", "hardwareConcurrency");
    return 1;
  }
}
webidl.configureInterface(Navigator);

// --- scheduler ---------------------------------------------------------------

const _scheduler = Symbol("[[Scheduler]]");
const timers = core.use("timers");
const abort = core.use("abort");
const PromiseCtor = Promise;

class Scheduler {
  constructor(key = undefined) {
    if (key !== constructKey) webidl.illegalConstructor("Scheduler");
    webidl.setSlots(this, { [_scheduler]: true });
  }

  // wait resolves after delay milliseconds (a timer, as setTimeout), or
  // rejects with options.signal's reason once that signal aborts.
  wait(delay = 0, options = undefined) {
    const prefix = "Failed to execute 'wait' on 'Scheduler'";
    try {
      webidl.brandCheck(this, _scheduler, "Scheduler", "wait");
    } catch (e) {
      return PromiseCtor.reject(e);
    }
    let ms = +delay;
    if (!(ms > 0)) ms = 0; // NaN and negatives are 0, as setTimeout does
    let signal;
    if (options !== undefined && options !== null) {
      if (typeof options !== "object" && typeof options !== "function") {
        return PromiseCtor.reject(new TypeErrorCtor(`${prefix}: The provided value is not of type 'SchedulerWaitOptions'.`));
      }
      signal = options.signal;
      if (signal !== undefined && !abort.isAbortSignal(signal)) {
        return PromiseCtor.reject(new TypeErrorCtor(`${prefix}: Failed to read the 'signal' property from 'SchedulerWaitOptions': The provided value is not of type 'AbortSignal'.`));
      }
    }
    if (signal !== undefined && abort.aborted(signal)) return PromiseCtor.reject(abort.reason(signal));
    return new PromiseCtor((resolve, reject) => {
      let handle;
      const id = timers.setTimeout(() => {
        if (handle !== undefined) abort.remove(signal, handle);
        resolve(undefined);
      }, ms);
      if (signal !== undefined) {
        handle = abort.add(signal, () => {
          timers.clearTimeout(id);
          reject(abort.reason(signal));
        });
      }
    });
  }
}
webidl.configureInterface(Scheduler);

core.provide("structuredClone", structuredClone);
core.defineGlobal("structuredClone", structuredClone);
core.defineGlobal("Performance", Performance);
core.defineGlobal("performance", new Performance(constructKey));
core.defineGlobal("Navigator", Navigator);
core.defineGlobal("navigator", new Navigator(constructKey));
core.defineGlobal("Scheduler", Scheduler);
core.defineGlobal("scheduler", new Scheduler(constructKey));
