// The WHATWG Streams Standard (https://streams.spec.whatwg.org/), all in JS:
// ReadableStream (default and byte streams, default and BYOB readers, tee,
// async iteration, ReadableStream.from, pipeTo/pipeThrough), WritableStream,
// TransformStream and the two queuing strategies. Nothing is done in Go: a
// stream only moves references between queues and promises, so crossing the
// boundary would cost more than it saves; the families that move bytes
// between Go and JS (fetch, bodies) build on the helpers this file provides
// with core.provide("streams", ...), e.g. createPullStream over a Go op. The
// code follows the standard's structure: abstract operations keep the
// standard's names and step order, internal slots are Symbol-keyed
// properties named after the standard's [[slots]], and the classes' brands
// are private fields, so a Proxy or an object inheriting from a stream never
// passes for one.
"use strict";

// ---------------------------------------------------------------------------
// Captured built-ins: user code that replaces them cannot break streams.

const uncurryThis = (fn) => Function.prototype.call.bind(fn);
const getterOf = (proto, name) => uncurryThis(Object.getOwnPropertyDescriptor(proto, name).get);

const global = globalThis;
const ObjectDefineProperty = Object.defineProperty;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectGetOwnPropertyNames = Object.getOwnPropertyNames;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectSetPrototypeOf = Object.setPrototypeOf;
const ReflectApply = Reflect.apply;
const ReflectDeleteProperty = Reflect.deleteProperty;
const PromisePrototype = Promise.prototype;
const PromisePrototypeThen = uncurryThis(Promise.prototype.then);
const PromiseResolve = Promise.resolve.bind(Promise);
const PromiseReject = Promise.reject.bind(Promise);
const PromiseWithResolvers = Promise.withResolvers.bind(Promise);
const SymbolCtor = Symbol;
const SymbolAsyncIterator = Symbol.asyncIterator;
const SymbolIterator = Symbol.iterator;
const SymbolToStringTag = Symbol.toStringTag;
const StringCtor = String;
const NumberIsNaN = Number.isNaN;
const NumberIsFinite = Number.isFinite;
const MathMin = Math.min;
const MathTrunc = Math.trunc;
const TypeErrorCtor = TypeError;
const RangeErrorCtor = RangeError;
const ArrayPrototypePush = uncurryThis(Array.prototype.push);
const ArrayBufferCtor = ArrayBuffer;
const ArrayBufferIsView = ArrayBuffer.isView;
const ArrayBufferPrototypeGetByteLength = getterOf(ArrayBuffer.prototype, "byteLength");
const ArrayBufferPrototypeGetDetached = getterOf(ArrayBuffer.prototype, "detached");
const ArrayBufferPrototypeGetResizable = getterOf(ArrayBuffer.prototype, "resizable");
const ArrayBufferPrototypeSlice = uncurryThis(ArrayBuffer.prototype.slice);
const ArrayBufferPrototypeTransfer = uncurryThis(ArrayBuffer.prototype.transfer);
const Uint8ArrayCtor = Uint8Array;
const DataViewCtor = DataView;
const DataViewPrototypeGetBuffer = getterOf(DataView.prototype, "buffer");
const DataViewPrototypeGetByteOffset = getterOf(DataView.prototype, "byteOffset");
const DataViewPrototypeGetByteLength = getterOf(DataView.prototype, "byteLength");
const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
const TypedArrayPrototypeGetBuffer = getterOf(TypedArrayPrototype, "buffer");
const TypedArrayPrototypeGetByteOffset = getterOf(TypedArrayPrototype, "byteOffset");
const TypedArrayPrototypeGetByteLength = getterOf(TypedArrayPrototype, "byteLength");
const TypedArrayPrototypeGetLength = getterOf(TypedArrayPrototype, "length");
const TypedArrayPrototypeGetSymbolToStringTag = getterOf(TypedArrayPrototype, SymbolToStringTag);
const TypedArrayPrototypeSet = uncurryThis(TypedArrayPrototype.set);
const AsyncIteratorPrototype = ObjectGetPrototypeOf(ObjectGetPrototypeOf(async function* () {}).prototype);

// The typed array constructors table: element size and constructor by name.
const typedArrayTable = { __proto__: null };
for (const C of [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
]) {
  typedArrayTable[C.name] = { ctor: C, size: C.BYTES_PER_ELEMENT };
}
if (typeof global.Float16Array === "function") {
  typedArrayTable.Float16Array = { ctor: global.Float16Array, size: 2 };
}

// kInternal lets this file call a class's constructor without running its
// public constructor steps; user code cannot get hold of the symbol.
const kInternal = SymbolCtor("kInternal");

// ---------------------------------------------------------------------------
// Internal slots. One symbol per slot name; several classes share a name
// when the standard does (every controller has a [[stream]]).

const _abortAlgorithm = SymbolCtor("[[abortAlgorithm]]");
const _abortController = SymbolCtor("[[abortController]]");
const _abortReason = SymbolCtor("abortReason");
const _autoAllocateChunkSize = SymbolCtor("[[autoAllocateChunkSize]]");
const _backpressure = SymbolCtor("[[backpressure]]");
const _backpressureChangePromise = SymbolCtor("[[backpressureChangePromise]]");
const _byobRequest = SymbolCtor("[[byobRequest]]");
const _cancelAlgorithm = SymbolCtor("[[cancelAlgorithm]]");
const _closeAlgorithm = SymbolCtor("[[closeAlgorithm]]");
const _closedPromise = SymbolCtor("[[closedPromise]]");
const _closeRequest = SymbolCtor("[[closeRequest]]");
const _closeRequested = SymbolCtor("[[closeRequested]]");
const _controller = SymbolCtor("[[controller]]");
const _disturbed = SymbolCtor("[[disturbed]]");
const _finishPromise = SymbolCtor("[[finishPromise]]");
const _flushAlgorithm = SymbolCtor("[[flushAlgorithm]]");
const _highWaterMark = SymbolCtor("[[highWaterMark]]");
const _inFlightCloseRequest = SymbolCtor("[[inFlightCloseRequest]]");
const _inFlightWriteRequest = SymbolCtor("[[inFlightWriteRequest]]");
const _isFinished = SymbolCtor("isFinished");
const _ongoingPromise = SymbolCtor("ongoingPromise");
const _pendingAbortRequest = SymbolCtor("[[pendingAbortRequest]]");
const _pendingPullIntos = SymbolCtor("[[pendingPullIntos]]");
const _preventCancel = SymbolCtor("preventCancel");
const _pullAgain = SymbolCtor("[[pullAgain]]");
const _pullAlgorithm = SymbolCtor("[[pullAlgorithm]]");
const _pulling = SymbolCtor("[[pulling]]");
const _queue = SymbolCtor("[[queue]]");
const _queueTotalSize = SymbolCtor("[[queueTotalSize]]");
const _readable = SymbolCtor("[[readable]]");
const _reader = SymbolCtor("[[reader]]");
const _readIntoRequests = SymbolCtor("[[readIntoRequests]]");
const _readRequests = SymbolCtor("[[readRequests]]");
const _readyPromise = SymbolCtor("[[readyPromise]]");
const _started = SymbolCtor("[[started]]");
const _state = SymbolCtor("[[state]]");
const _storedError = SymbolCtor("[[storedError]]");
const _strategyHWM = SymbolCtor("[[strategyHWM]]");
const _strategySizeAlgorithm = SymbolCtor("[[strategySizeAlgorithm]]");
const _stream = SymbolCtor("[[stream]]");
const _transformAlgorithm = SymbolCtor("[[transformAlgorithm]]");
const _view = SymbolCtor("[[view]]");
const _writable = SymbolCtor("[[writable]]");
const _writeAlgorithm = SymbolCtor("[[writeAlgorithm]]");
const _writer = SymbolCtor("[[writer]]");
const _writeRequests = SymbolCtor("[[writeRequests]]");

// The controllers' internal methods, called polymorphically by the streams.
const _cancelSteps = SymbolCtor("[[CancelSteps]]");
const _pullSteps = SymbolCtor("[[PullSteps]]");
const _releaseSteps = SymbolCtor("[[ReleaseSteps]]");
const _abortSteps = SymbolCtor("[[AbortSteps]]");
const _errorSteps = SymbolCtor("[[ErrorSteps]]");

// ---------------------------------------------------------------------------
// Promises, in the terms of the standard.

const noop = () => {};

// A Deferred is a promise this file settles later ("a new promise"), with
// the [[PromiseState]] the standard sometimes consults.
class Deferred {
  constructor() {
    const r = PromiseWithResolvers();
    this.promise = r.promise;
    this.resolveFn = r.resolve;
    this.rejectFn = r.reject;
    this.state = "pending";
  }
  resolve(value) {
    if (this.state !== "pending") return;
    this.state = "fulfilled";
    this.resolveFn(value);
  }
  reject(reason) {
    if (this.state !== "pending") return;
    this.state = "rejected";
    this.rejectFn(reason);
  }
  // markHandled sets [[PromiseIsHandled]] to true.
  markHandled() {
    setPromiseIsHandled(this.promise);
  }
}

function resolvedDeferred(value) {
  const d = new Deferred();
  d.resolve(value);
  return d;
}

function rejectedDeferred(reason) {
  const d = new Deferred();
  d.reject(reason);
  return d;
}

function setPromiseIsHandled(promise) {
  PromisePrototypeThen(promise, undefined, noop);
}

// uponPromise reacts to a promise without producing a new one that could go
// unhandled.
function uponPromise(promise, onFulfilled, onRejected) {
  setPromiseIsHandled(PromisePrototypeThen(promise, onFulfilled, onRejected));
}

function uponFulfillment(promise, onFulfilled) {
  uponPromise(promise, onFulfilled, undefined);
}

function uponRejection(promise, onRejected) {
  uponPromise(promise, undefined, onRejected);
}

// transformPromiseWith is "the result of reacting to promise".
function transformPromiseWith(promise, onFulfilled, onRejected) {
  return PromisePrototypeThen(promise, onFulfilled, onRejected);
}

// promiseResolvedWith is Web IDL's "a promise resolved with x": always a
// new promise, which adopts x when x is a thenable. Promise.resolve(x)
// would hand back x itself when it is a promise already, so everything
// reacting to it would run two turns early and in another order than the
// standard's (a TransformStream shares one start promise between its two
// sides, for one). A promise x is adopted the way the standard's resolve
// function does it, a job that calls then() one turn later, except that
// for a plain promise the job calls the captured then(): a
// Promise.prototype.then replaced by user code is never called. Other
// thenables (subclass instances too) go through their own then().
function promiseResolvedWith(x) {
  if (!isObject(x)) return PromiseResolve(x); // a new promise for a primitive
  const r = PromiseWithResolvers();
  if (isPlainPromise(x)) queueMicrotask(() => PromisePrototypeThen(x, r.resolve, r.reject));
  else r.resolve(x);
  return r.promise;
}

// isPlainPromise says whether x is a promise made by this realm's Promise
// itself: its prototype is Promise.prototype and the captured then()
// accepts it (it throws for anything that is not a promise). For a promise
// that adds a reaction doing nothing; x is about to be adopted anyway,
// which marks it handled too.
function isPlainPromise(x) {
  if (ObjectGetPrototypeOf(x) !== PromisePrototype) return false;
  try {
    PromisePrototypeThen(x, undefined, noop);
    return true;
  } catch {
    return false;
  }
}

// resolvedUndefined serves the algorithms whose promise only this file
// reacts to; a promise handed to user code must be a new one each time
// (promiseResolvedWith(undefined)), as each call returns a distinct one.
const resolvedUndefined = PromiseResolve(undefined);
const resolvedUndefinedFn = () => resolvedUndefined;

function queueMicrotask(fn) {
  PromisePrototypeThen(resolvedUndefined, fn);
}

// waitForAll is "getting a promise to wait for all": it fulfills once all
// fulfill, and rejects as soon as one rejects.
function waitForAll(promises) {
  const d = new Deferred();
  let remaining = promises.length;
  if (remaining === 0) {
    d.resolve(undefined);
    return d.promise;
  }
  for (let i = 0; i < promises.length; i++) {
    uponPromise(
      promises[i],
      () => {
        if (--remaining === 0) d.resolve(undefined);
      },
      (e) => d.reject(e),
    );
  }
  return d.promise;
}

// ---------------------------------------------------------------------------
// Lists. The standard's queues are lists that are appended to and shifted;
// Queue does both in O(1) without ever reading a hole (Array.prototype
// lookups would then be observable).

class Queue {
  constructor() {
    this.items = [];
    this.head = 0;
  }
  get length() {
    return this.items.length - this.head;
  }
  push(v) {
    ArrayPrototypePush(this.items, v);
  }
  peek() {
    return this.items[this.head];
  }
  shift() {
    const items = this.items;
    const v = items[this.head];
    items[this.head] = undefined;
    this.head++;
    if (this.head === items.length) {
      items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= items.length) {
      const rest = [];
      for (let i = this.head; i < items.length; i++) ArrayPrototypePush(rest, items[i]);
      this.items = rest;
      this.head = 0;
    }
    return v;
  }
}

// ---------------------------------------------------------------------------
// Web IDL: errors, conversions, brand checks.

function isObject(v) {
  return (typeof v === "object" && v !== null) || typeof v === "function";
}

function methodError(iface, member, message) {
  return new TypeErrorCtor(`Failed to execute '${member}' on '${iface}': ${message}`);
}

function brandError(iface, member) {
  return methodError(iface, member, `the receiver is not a ${iface}.`);
}

function getterBrandError(iface, name) {
  return new TypeErrorCtor(`Failed to read the '${name}' property from '${iface}': the receiver is not a ${iface}.`);
}

function constructPrefix(iface) {
  return `Failed to construct '${iface}'`;
}

function methodPrefix(iface, member) {
  return `Failed to execute '${member}' on '${iface}'`;
}

function argCountError(prefix, required, present) {
  return new TypeErrorCtor(
    `${prefix}: ${required} argument${required === 1 ? "" : "s"} required, but only ${present} present.`,
  );
}

function illegalConstructor(iface) {
  return new TypeErrorCtor(`Failed to construct '${iface}': Illegal constructor.`);
}

// dictionaryObject converts V for a dictionary type: undefined and null are
// the empty dictionary, other non-objects throw.
function dictionaryObject(v, prefix, what) {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw new TypeErrorCtor(`${prefix}: ${what} is not an object.`);
  return v;
}

function callbackMember(dict, name, prefix, what) {
  if (dict === undefined) return undefined;
  const f = dict[name];
  if (f === undefined) return undefined;
  if (typeof f !== "function") {
    throw new TypeErrorCtor(`${prefix}: ${what}'s '${name}' is not a function.`);
  }
  return f;
}

function booleanMember(dict, name) {
  return dict === undefined ? false : !!dict[name];
}

// toUnrestrictedDouble is Web IDL's conversion to unrestricted double.
function toUnrestrictedDouble(v) {
  return +v;
}

// toEnforceRangeULL is [EnforceRange] unsigned long long.
function toEnforceRangeULL(v, prefix, what) {
  let x = +v;
  if (NumberIsNaN(x) || !NumberIsFinite(x)) {
    throw new TypeErrorCtor(`${prefix}: ${what} is not a finite number.`);
  }
  x = MathTrunc(x);
  if (x < 0 || x > 9007199254740991) {
    throw new TypeErrorCtor(`${prefix}: ${what} is outside the range of unsigned long long.`);
  }
  return x === 0 ? 0 : x; // -0 becomes +0
}

// invokePromiseCallback invokes a callback whose return type is
// Promise<T>: the result is converted to a new promise (Web IDL), and a
// throw becomes a rejected promise.
function invokePromiseCallback(f, thisArg, args) {
  try {
    return promiseResolvedWith(ReflectApply(f, thisArg, args));
  } catch (e) {
    return PromiseReject(e);
  }
}

// finishInterface gives a class's members the attributes Web IDL wants
// (operations and attributes, static ones too, are enumerable) and its
// prototype a toStringTag.
function finishInterface(C, tag) {
  const proto = C.prototype;
  makeMembersEnumerable(proto, ["constructor"]);
  makeMembersEnumerable(C, ["length", "name", "prototype"]);
  ObjectDefineProperty(proto, SymbolToStringTag, {
    value: tag,
    writable: false,
    enumerable: false,
    configurable: true,
  });
}

function makeMembersEnumerable(obj, skip) {
  const names = ObjectGetOwnPropertyNames(obj);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (name === skip[0] || name === skip[1] || name === skip[2]) continue;
    const desc = ObjectGetOwnPropertyDescriptor(obj, name);
    desc.enumerable = true;
    ObjectDefineProperty(obj, name, desc);
  }
}

// ---------------------------------------------------------------------------
// Buffers: the standard's ArrayBuffer operations.

function IsDetachedBuffer(buffer) {
  return ArrayBufferPrototypeGetDetached(buffer);
}

function TransferArrayBuffer(buffer) {
  return ArrayBufferPrototypeTransfer(buffer);
}

function CloneArrayBuffer(buffer, byteOffset, byteLength) {
  return ArrayBufferPrototypeSlice(buffer, byteOffset, byteOffset + byteLength);
}

function CopyDataBlockBytes(toBuffer, toIndex, fromBuffer, fromIndex, count) {
  TypedArrayPrototypeSet(
    new Uint8ArrayCtor(toBuffer, toIndex, count),
    new Uint8ArrayCtor(fromBuffer, fromIndex, count),
  );
}

function isDataView(v) {
  return ArrayBufferIsView(v) && TypedArrayPrototypeGetSymbolToStringTag(v) === undefined;
}

function isUint8Array(v) {
  return ArrayBufferIsView(v) && TypedArrayPrototypeGetSymbolToStringTag(v) === "Uint8Array";
}

function viewBuffer(view) {
  return isDataView(view) ? DataViewPrototypeGetBuffer(view) : TypedArrayPrototypeGetBuffer(view);
}

// viewByteOffset and viewByteLength read a view's [[ByteOffset]] and
// [[ByteLength]]; a view on a detached buffer has both 0.
function viewByteOffset(view) {
  if (isDataView(view)) {
    return IsDetachedBuffer(DataViewPrototypeGetBuffer(view)) ? 0 : DataViewPrototypeGetByteOffset(view);
  }
  return TypedArrayPrototypeGetByteOffset(view);
}

function viewByteLength(view) {
  if (isDataView(view)) {
    return IsDetachedBuffer(DataViewPrototypeGetBuffer(view)) ? 0 : DataViewPrototypeGetByteLength(view);
  }
  return TypedArrayPrototypeGetByteLength(view);
}

function isArrayBuffer(v) {
  try {
    ArrayBufferPrototypeGetByteLength(v);
    return true;
  } catch {
    return false;
  }
}

function bufferByteLength(buffer) {
  return ArrayBufferPrototypeGetByteLength(buffer);
}

// toArrayBufferView is Web IDL's ArrayBufferView conversion (neither
// [AllowShared] nor [AllowResizable]).
function toArrayBufferView(v, prefix, what) {
  if (!ArrayBufferIsView(v)) throw new TypeErrorCtor(`${prefix}: ${what} is not an ArrayBufferView.`);
  const buffer = viewBuffer(v);
  // ArrayBuffer.prototype's getters throw for a SharedArrayBuffer.
  let resizable;
  try {
    resizable = ArrayBufferPrototypeGetResizable(buffer);
  } catch {
    throw new TypeErrorCtor(`${prefix}: ${what} is a view on a SharedArrayBuffer, which is not allowed.`);
  }
  if (resizable) throw new TypeErrorCtor(`${prefix}: ${what} is a view on a resizable ArrayBuffer, which is not allowed.`);
  return v;
}

function CloneAsUint8Array(view) {
  const buffer = CloneArrayBuffer(viewBuffer(view), viewByteOffset(view), viewByteLength(view));
  return new Uint8ArrayCtor(buffer);
}

// StructuredClone is used only when tee() is asked to clone chunks for its
// second branch (the fetch family's Request/Response clone over a default
// stream). Without HTML's serialization machinery this covers what bodies
// carry: primitives, ArrayBuffers and views; anything else fails the way a
// DataCloneError would.
function StructuredClone(v) {
  if (!isObject(v)) return v;
  if (isArrayBuffer(v)) return ArrayBufferPrototypeSlice(v, 0);
  if (ArrayBufferIsView(v)) {
    const buffer = CloneArrayBuffer(viewBuffer(v), viewByteOffset(v), viewByteLength(v));
    if (isDataView(v)) return new DataViewCtor(buffer);
    return new typedArrayTable[TypedArrayPrototypeGetSymbolToStringTag(v)].ctor(buffer);
  }
  throw dataCloneError("the chunk cannot be cloned: only primitives, ArrayBuffers and ArrayBufferViews can be");
}

function dataCloneError(message) {
  let DOMExceptionCtor;
  try {
    DOMExceptionCtor = core.use("DOMException");
  } catch {
    return new TypeErrorCtor(message);
  }
  return new DOMExceptionCtor(message, "DataCloneError");
}

// ---------------------------------------------------------------------------
// AbortSignal. The standard needs to tell an AbortSignal apart, read its
// state, add and remove algorithms, and (for WritableStream's controller)
// make an AbortController. Streams is installed before the family that
// defines them, so it looks them up when first needed: from the internals
// that family provides as core.provide("abort", {...}) if it does, else
// through the public API on the global object.

let abortSupport;

function getAbortSupport() {
  if (abortSupport !== undefined) return abortSupport;
  let provided;
  try {
    provided = core.use("abort");
  } catch {
    provided = undefined;
  }
  if (provided !== undefined) {
    abortSupport = provided;
    return abortSupport;
  }
  abortSupport = {
    isAbortSignal(v) {
      const C = global.AbortSignal;
      return typeof C === "function" && isObject(v) && v instanceof C;
    },
    aborted(signal) {
      return signal.aborted;
    },
    reason(signal) {
      return signal.reason;
    },
    add(signal, algorithm) {
      const listener = () => algorithm();
      signal.addEventListener("abort", listener, { once: true });
      return listener;
    },
    remove(signal, handle) {
      signal.removeEventListener("abort", handle);
    },
    newController() {
      const C = global.AbortController;
      if (typeof C !== "function") return undefined;
      return new C();
    },
    signalOf(controller) {
      return controller.signal;
    },
    abort(controller, reason) {
      controller.abort(reason);
    },
  };
  return abortSupport;
}

// ---------------------------------------------------------------------------
// Queue-with-sizes.

function DequeueValue(container) {
  const pair = container[_queue].shift();
  container[_queueTotalSize] -= pair.size;
  if (container[_queueTotalSize] < 0) container[_queueTotalSize] = 0;
  return pair.value;
}

function EnqueueValueWithSize(container, value, size) {
  if (!IsNonNegativeNumber(size)) {
    throw new RangeErrorCtor(`the chunk's size must be a non-negative number, got ${StringCtor(size)}`);
  }
  if (size === Infinity) throw new RangeErrorCtor("the chunk's size must be finite, got Infinity");
  container[_queue].push({ value, size });
  container[_queueTotalSize] += size;
}

function PeekQueueValue(container) {
  return container[_queue].peek().value;
}

function ResetQueue(container) {
  container[_queue] = new Queue();
  container[_queueTotalSize] = 0;
}

function IsNonNegativeNumber(v) {
  return typeof v === "number" && !NumberIsNaN(v) && v >= 0;
}

// ---------------------------------------------------------------------------
// Queuing strategies: the QueuingStrategy dictionary and its extraction.

// toQueuingStrategy converts a QueuingStrategy dictionary, reading its
// members in Web IDL's (alphabetical) order.
function toQueuingStrategy(v, prefix, what) {
  const dict = dictionaryObject(v, prefix, what);
  if (dict === undefined) return { highWaterMark: undefined, size: undefined };
  const hwm = dict.highWaterMark;
  const highWaterMark = hwm === undefined ? undefined : toUnrestrictedDouble(hwm);
  const size = callbackMember(dict, "size", prefix, what);
  return { highWaterMark, size };
}

function ExtractHighWaterMark(strategy, defaultHWM) {
  if (strategy.highWaterMark === undefined) return defaultHWM;
  const highWaterMark = strategy.highWaterMark;
  if (NumberIsNaN(highWaterMark) || highWaterMark < 0) {
    throw new RangeErrorCtor(`the highWaterMark must be a non-negative number, got ${StringCtor(highWaterMark)}`);
  }
  return highWaterMark;
}

const sizeOne = () => 1;

function ExtractSizeAlgorithm(strategy) {
  const size = strategy.size;
  if (size === undefined) return sizeOne;
  return (chunk) => toUnrestrictedDouble(ReflectApply(size, undefined, [chunk]));
}

// ---------------------------------------------------------------------------
// The ReadableStream class.

let isReadableStream;

class ReadableStream {
  #brand;
  static {
    isReadableStream = (v) => isObject(v) && #brand in v;
  }

  constructor(underlyingSource = undefined, strategy = undefined) {
    this[_state] = "readable";
    this[_reader] = undefined;
    this[_storedError] = undefined;
    this[_disturbed] = false;
    this[_controller] = undefined;
    if (underlyingSource === kInternal) return;
    const prefix = constructPrefix("ReadableStream");
    if (underlyingSource === undefined) underlyingSource = null;
    else if (!isObject(underlyingSource)) throw new TypeErrorCtor(`${prefix}: parameter 1 is not an object.`);
    const strategyDict = toQueuingStrategy(strategy, prefix, "parameter 2");
    const sourceDict = toUnderlyingSource(underlyingSource, prefix);
    InitializeReadableStream(this);
    if (sourceDict.type === "bytes") {
      if (strategyDict.size !== undefined) {
        throw new RangeErrorCtor(`${prefix}: the queuing strategy of a byte stream cannot have a size function.`);
      }
      const highWaterMark = ExtractHighWaterMark(strategyDict, 0);
      SetUpReadableByteStreamControllerFromUnderlyingSource(this, underlyingSource, sourceDict, highWaterMark);
    } else {
      const sizeAlgorithm = ExtractSizeAlgorithm(strategyDict);
      const highWaterMark = ExtractHighWaterMark(strategyDict, 1);
      SetUpReadableStreamDefaultControllerFromUnderlyingSource(
        this,
        underlyingSource,
        sourceDict,
        highWaterMark,
        sizeAlgorithm,
      );
    }
  }

  static from(asyncIterable) {
    if (arguments.length < 1) throw argCountError(methodPrefix("ReadableStream", "from"), 1, 0);
    return ReadableStreamFromIterable(asyncIterable, methodPrefix("ReadableStream", "from"));
  }

  get locked() {
    if (!isReadableStream(this)) throw getterBrandError("ReadableStream", "locked");
    return IsReadableStreamLocked(this);
  }

  cancel(reason = undefined) {
    if (!isReadableStream(this)) return PromiseReject(brandError("ReadableStream", "cancel"));
    if (IsReadableStreamLocked(this)) {
      return PromiseReject(methodError("ReadableStream", "cancel", "the stream is locked to a reader; cancel it through the reader."));
    }
    return ReadableStreamCancel(this, reason);
  }

  getReader(options = undefined) {
    const prefix = methodPrefix("ReadableStream", "getReader");
    if (!isReadableStream(this)) throw brandError("ReadableStream", "getReader");
    const dict = dictionaryObject(options, prefix, "parameter 1");
    const mode = dict === undefined ? undefined : dict.mode;
    if (mode === undefined) return AcquireReadableStreamDefaultReader(this, prefix);
    if (`${mode}` !== "byob") {
      throw new TypeErrorCtor(`${prefix}: '${mode}' is not a valid value for mode: the only reader mode is "byob".`);
    }
    return AcquireReadableStreamBYOBReader(this, prefix);
  }

  pipeThrough(transform, options = undefined) {
    const prefix = methodPrefix("ReadableStream", "pipeThrough");
    if (!isReadableStream(this)) throw brandError("ReadableStream", "pipeThrough");
    if (arguments.length < 1) throw argCountError(prefix, 1, 0);
    const pair = dictionaryObject(transform, prefix, "parameter 1");
    const readable = pair === undefined ? undefined : pair.readable;
    if (readable === undefined) throw new TypeErrorCtor(`${prefix}: parameter 1 has no 'readable' member.`);
    if (!isReadableStream(readable)) throw new TypeErrorCtor(`${prefix}: parameter 1's 'readable' is not a ReadableStream.`);
    const writable = pair.writable;
    if (writable === undefined) throw new TypeErrorCtor(`${prefix}: parameter 1 has no 'writable' member.`);
    if (!isWritableStream(writable)) throw new TypeErrorCtor(`${prefix}: parameter 1's 'writable' is not a WritableStream.`);
    const opts = toStreamPipeOptions(options, prefix);
    if (IsReadableStreamLocked(this)) throw new TypeErrorCtor(`${prefix}: this stream is locked to a reader.`);
    if (IsWritableStreamLocked(writable)) throw new TypeErrorCtor(`${prefix}: the writable side is locked to a writer.`);
    const promise = ReadableStreamPipeTo(
      this,
      writable,
      opts.preventClose,
      opts.preventAbort,
      opts.preventCancel,
      opts.signal,
    );
    setPromiseIsHandled(promise);
    return readable;
  }

  pipeTo(destination, options = undefined) {
    const prefix = methodPrefix("ReadableStream", "pipeTo");
    if (!isReadableStream(this)) return PromiseReject(brandError("ReadableStream", "pipeTo"));
    if (arguments.length < 1) return PromiseReject(argCountError(prefix, 1, 0));
    if (!isWritableStream(destination)) {
      return PromiseReject(new TypeErrorCtor(`${prefix}: parameter 1 is not a WritableStream.`));
    }
    let opts;
    try {
      opts = toStreamPipeOptions(options, prefix);
    } catch (e) {
      return PromiseReject(e);
    }
    if (IsReadableStreamLocked(this)) {
      return PromiseReject(new TypeErrorCtor(`${prefix}: this stream is locked to a reader.`));
    }
    if (IsWritableStreamLocked(destination)) {
      return PromiseReject(new TypeErrorCtor(`${prefix}: the destination is locked to a writer.`));
    }
    return ReadableStreamPipeTo(
      this,
      destination,
      opts.preventClose,
      opts.preventAbort,
      opts.preventCancel,
      opts.signal,
    );
  }

  tee() {
    if (!isReadableStream(this)) throw brandError("ReadableStream", "tee");
    return ReadableStreamTee(this, false);
  }

  values(options = undefined) {
    const prefix = methodPrefix("ReadableStream", "values");
    if (!isReadableStream(this)) throw brandError("ReadableStream", "values");
    const dict = dictionaryObject(options, prefix, "parameter 1");
    const preventCancel = booleanMember(dict, "preventCancel");
    const reader = AcquireReadableStreamDefaultReader(this, prefix);
    return new ReadableStreamAsyncIterator(kInternal, reader, preventCancel);
  }
}
finishInterface(ReadableStream, "ReadableStream");
ObjectDefineProperty(ReadableStream.prototype, SymbolAsyncIterator, {
  value: ReadableStream.prototype.values,
  writable: true,
  enumerable: false,
  configurable: true,
});

// toUnderlyingSource converts the UnderlyingSource dictionary, members in
// Web IDL's order.
function toUnderlyingSource(source, prefix) {
  const dict = source === null ? undefined : source;
  let autoAllocateChunkSize;
  if (dict !== undefined && dict.autoAllocateChunkSize !== undefined) {
    autoAllocateChunkSize = toEnforceRangeULL(dict.autoAllocateChunkSize, prefix, "autoAllocateChunkSize");
  }
  const cancel = callbackMember(dict, "cancel", prefix, "the underlying source");
  const pull = callbackMember(dict, "pull", prefix, "the underlying source");
  const start = callbackMember(dict, "start", prefix, "the underlying source");
  let type;
  if (dict !== undefined && dict.type !== undefined) {
    type = `${dict.type}`;
    if (type !== "bytes") {
      throw new TypeErrorCtor(`${prefix}: '${type}' is not a valid type: the only underlying source type is "bytes".`);
    }
  }
  return { autoAllocateChunkSize, cancel, pull, start, type };
}

function toStreamPipeOptions(options, prefix) {
  const dict = dictionaryObject(options, prefix, "the options");
  const preventAbort = booleanMember(dict, "preventAbort");
  const preventCancel = booleanMember(dict, "preventCancel");
  const preventClose = booleanMember(dict, "preventClose");
  const signal = dict === undefined ? undefined : dict.signal;
  if (signal !== undefined && !getAbortSupport().isAbortSignal(signal)) {
    throw new TypeErrorCtor(`${prefix}: the signal option is not an AbortSignal.`);
  }
  return { preventAbort, preventCancel, preventClose, signal };
}

// ---------------------------------------------------------------------------
// Asynchronous iteration: Web IDL's default asynchronous iterator object
// for ReadableStream, with its "ongoing promise" queueing of next() and
// return().

const endOfIteration = SymbolCtor("end of iteration");
let isReadableStreamAsyncIterator;

class ReadableStreamAsyncIterator {
  #brand;
  static {
    isReadableStreamAsyncIterator = (v) => isObject(v) && #brand in v;
  }

  constructor(token, reader, preventCancel) {
    if (token !== kInternal) throw illegalConstructor("ReadableStream AsyncIterator");
    this[_reader] = reader;
    this[_preventCancel] = preventCancel;
    this[_ongoingPromise] = null;
    this[_isFinished] = false;
  }

  next() {
    if (!isReadableStreamAsyncIterator(this)) {
      return PromiseReject(brandError("ReadableStream AsyncIterator", "next"));
    }
    const iterator = this;
    const nextSteps = () => {
      if (iterator[_isFinished]) return PromiseResolve({ value: undefined, done: true });
      const nextPromise = readableStreamAsyncIteratorNext(iterator);
      return transformPromiseWith(
        nextPromise,
        (next) => {
          iterator[_ongoingPromise] = null;
          if (next === endOfIteration) {
            iterator[_isFinished] = true;
            return { value: undefined, done: true };
          }
          return { value: next, done: false };
        },
        (reason) => {
          iterator[_ongoingPromise] = null;
          iterator[_isFinished] = true;
          throw reason;
        },
      );
    };
    const ongoing = this[_ongoingPromise];
    this[_ongoingPromise] = ongoing !== null ? transformPromiseWith(ongoing, nextSteps, nextSteps) : nextSteps();
    return this[_ongoingPromise];
  }

  // return takes one argument (its length is 1): no default value here,
  // which would make the length 0; an absent value is undefined anyway.
  return(value) {
    if (!isReadableStreamAsyncIterator(this)) {
      return PromiseReject(brandError("ReadableStream AsyncIterator", "return"));
    }
    const iterator = this;
    const returnSteps = () => {
      if (iterator[_isFinished]) return PromiseResolve({ value, done: true });
      iterator[_isFinished] = true;
      return readableStreamAsyncIteratorReturn(iterator, value);
    };
    const ongoing = this[_ongoingPromise];
    this[_ongoingPromise] = ongoing !== null ? transformPromiseWith(ongoing, returnSteps, returnSteps) : returnSteps();
    return transformPromiseWith(this[_ongoingPromise], () => ({ value, done: true }));
  }
}
ObjectSetPrototypeOf(ReadableStreamAsyncIterator.prototype, AsyncIteratorPrototype);
ReflectDeleteProperty(ReadableStreamAsyncIterator.prototype, "constructor");
finishInterface(ReadableStreamAsyncIterator, "ReadableStream AsyncIterator");

// readableStreamAsyncIteratorNext is the standard's "get the next iteration
// result" for ReadableStream.
function readableStreamAsyncIteratorNext(iterator) {
  const reader = iterator[_reader];
  const d = new Deferred();
  ReadableStreamDefaultReaderRead(reader, {
    chunkSteps(chunk) {
      d.resolve(chunk);
    },
    closeSteps() {
      ReadableStreamDefaultReaderRelease(reader);
      d.resolve(endOfIteration);
    },
    errorSteps(e) {
      ReadableStreamDefaultReaderRelease(reader);
      d.reject(e);
    },
  });
  return d.promise;
}

// readableStreamAsyncIteratorReturn is the standard's "asynchronous
// iterator return" for ReadableStream.
function readableStreamAsyncIteratorReturn(iterator, arg) {
  const reader = iterator[_reader];
  if (!iterator[_preventCancel]) {
    const result = ReadableStreamReaderGenericCancel(reader, arg);
    ReadableStreamDefaultReaderRelease(reader);
    return result;
  }
  ReadableStreamDefaultReaderRelease(reader);
  return resolvedUndefined;
}

// ---------------------------------------------------------------------------
// Readers.

let isReadableStreamDefaultReader;

// ReadRequestForRead is the read request of reader.read(): it settles the
// promise read() returned.
class ReadRequestForRead {
  constructor() {
    const r = PromiseWithResolvers();
    this.promise = r.promise;
    this.resolve = r.resolve;
    this.reject = r.reject;
  }
  chunkSteps(chunk) {
    this.resolve({ value: chunk, done: false });
  }
  closeSteps() {
    this.resolve({ value: undefined, done: true });
  }
  errorSteps(e) {
    this.reject(e);
  }
}

class ReadableStreamDefaultReader {
  #brand;
  static {
    isReadableStreamDefaultReader = (v) => isObject(v) && #brand in v;
  }

  constructor(stream) {
    this[_closedPromise] = undefined;
    this[_stream] = undefined;
    this[_readRequests] = undefined;
    if (stream === kInternal) return;
    const prefix = constructPrefix("ReadableStreamDefaultReader");
    if (arguments.length < 1) throw argCountError(prefix, 1, 0);
    if (!isReadableStream(stream)) throw new TypeErrorCtor(`${prefix}: parameter 1 is not a ReadableStream.`);
    SetUpReadableStreamDefaultReader(this, stream, prefix);
  }

  get closed() {
    if (!isReadableStreamDefaultReader(this)) {
      return PromiseReject(getterBrandError("ReadableStreamDefaultReader", "closed"));
    }
    return this[_closedPromise].promise;
  }

  cancel(reason = undefined) {
    if (!isReadableStreamDefaultReader(this)) {
      return PromiseReject(brandError("ReadableStreamDefaultReader", "cancel"));
    }
    if (this[_stream] === undefined) {
      return PromiseReject(methodError("ReadableStreamDefaultReader", "cancel", "the reader has been released."));
    }
    return ReadableStreamReaderGenericCancel(this, reason);
  }

  read() {
    if (!isReadableStreamDefaultReader(this)) {
      return PromiseReject(brandError("ReadableStreamDefaultReader", "read"));
    }
    if (this[_stream] === undefined) {
      return PromiseReject(methodError("ReadableStreamDefaultReader", "read", "the reader has been released."));
    }
    const readRequest = new ReadRequestForRead();
    ReadableStreamDefaultReaderRead(this, readRequest);
    return readRequest.promise;
  }

  releaseLock() {
    if (!isReadableStreamDefaultReader(this)) throw brandError("ReadableStreamDefaultReader", "releaseLock");
    if (this[_stream] === undefined) return;
    ReadableStreamDefaultReaderRelease(this);
  }
}
finishInterface(ReadableStreamDefaultReader, "ReadableStreamDefaultReader");

let isReadableStreamBYOBReader;

class ReadableStreamBYOBReader {
  #brand;
  static {
    isReadableStreamBYOBReader = (v) => isObject(v) && #brand in v;
  }

  constructor(stream) {
    this[_closedPromise] = undefined;
    this[_stream] = undefined;
    this[_readIntoRequests] = undefined;
    if (stream === kInternal) return;
    const prefix = constructPrefix("ReadableStreamBYOBReader");
    if (arguments.length < 1) throw argCountError(prefix, 1, 0);
    if (!isReadableStream(stream)) throw new TypeErrorCtor(`${prefix}: parameter 1 is not a ReadableStream.`);
    SetUpReadableStreamBYOBReader(this, stream, prefix);
  }

  get closed() {
    if (!isReadableStreamBYOBReader(this)) {
      return PromiseReject(getterBrandError("ReadableStreamBYOBReader", "closed"));
    }
    return this[_closedPromise].promise;
  }

  cancel(reason = undefined) {
    if (!isReadableStreamBYOBReader(this)) {
      return PromiseReject(brandError("ReadableStreamBYOBReader", "cancel"));
    }
    if (this[_stream] === undefined) {
      return PromiseReject(methodError("ReadableStreamBYOBReader", "cancel", "the reader has been released."));
    }
    return ReadableStreamReaderGenericCancel(this, reason);
  }

  read(view, options = undefined) {
    const prefix = methodPrefix("ReadableStreamBYOBReader", "read");
    if (!isReadableStreamBYOBReader(this)) return PromiseReject(brandError("ReadableStreamBYOBReader", "read"));
    if (arguments.length < 1) return PromiseReject(argCountError(prefix, 1, 0));
    let min;
    try {
      toArrayBufferView(view, prefix, "parameter 1");
      const dict = dictionaryObject(options, prefix, "parameter 2");
      const m = dict === undefined ? undefined : dict.min;
      min = m === undefined ? 1 : toEnforceRangeULL(m, prefix, "min");
    } catch (e) {
      return PromiseReject(e);
    }
    const buffer = viewBuffer(view);
    if (viewByteLength(view) === 0) {
      return PromiseReject(new TypeErrorCtor(`${prefix}: the view is empty or its buffer is detached.`));
    }
    if (bufferByteLength(buffer) === 0) {
      return PromiseReject(new TypeErrorCtor(`${prefix}: the view's buffer is empty.`));
    }
    if (IsDetachedBuffer(buffer)) {
      return PromiseReject(new TypeErrorCtor(`${prefix}: the view's buffer is detached.`));
    }
    if (min === 0) return PromiseReject(new TypeErrorCtor(`${prefix}: min must be greater than 0.`));
    if (!isDataView(view)) {
      if (min > TypedArrayPrototypeGetLength(view)) {
        return PromiseReject(new RangeErrorCtor(`${prefix}: min (${min}) is greater than the view's length.`));
      }
    } else if (min > viewByteLength(view)) {
      return PromiseReject(new RangeErrorCtor(`${prefix}: min (${min}) is greater than the view's byteLength.`));
    }
    if (this[_stream] === undefined) {
      return PromiseReject(methodError("ReadableStreamBYOBReader", "read", "the reader has been released."));
    }
    const d = new Deferred();
    ReadableStreamBYOBReaderRead(this, view, min, {
      chunkSteps(chunk) {
        d.resolve({ value: chunk, done: false });
      },
      closeSteps(chunk) {
        d.resolve({ value: chunk, done: true });
      },
      errorSteps(e) {
        d.reject(e);
      },
    });
    return d.promise;
  }

  releaseLock() {
    if (!isReadableStreamBYOBReader(this)) throw brandError("ReadableStreamBYOBReader", "releaseLock");
    if (this[_stream] === undefined) return;
    ReadableStreamBYOBReaderRelease(this);
  }
}
finishInterface(ReadableStreamBYOBReader, "ReadableStreamBYOBReader");

// ---------------------------------------------------------------------------
// ReadableStreamDefaultController.

let isReadableStreamDefaultController;

function cannotCloseOrEnqueue(iface, member, controller) {
  const stream = controller[_stream];
  if (controller[_closeRequested] && stream[_state] === "readable") {
    return methodError(iface, member, "close() was already called on the stream.");
  }
  return methodError(iface, member, `the stream is ${stream[_state]}.`);
}

class ReadableStreamDefaultController {
  #brand;
  static {
    isReadableStreamDefaultController = (v) => isObject(v) && #brand in v;
  }

  constructor(token = undefined) {
    if (token !== kInternal) throw illegalConstructor("ReadableStreamDefaultController");
    this[_cancelAlgorithm] = undefined;
    this[_closeRequested] = false;
    this[_pullAgain] = false;
    this[_pullAlgorithm] = undefined;
    this[_pulling] = false;
    this[_queue] = undefined;
    this[_queueTotalSize] = 0;
    this[_started] = false;
    this[_strategyHWM] = 0;
    this[_strategySizeAlgorithm] = undefined;
    this[_stream] = undefined;
  }

  get desiredSize() {
    if (!isReadableStreamDefaultController(this)) {
      throw getterBrandError("ReadableStreamDefaultController", "desiredSize");
    }
    return ReadableStreamDefaultControllerGetDesiredSize(this);
  }

  close() {
    if (!isReadableStreamDefaultController(this)) throw brandError("ReadableStreamDefaultController", "close");
    if (!ReadableStreamDefaultControllerCanCloseOrEnqueue(this)) {
      throw cannotCloseOrEnqueue("ReadableStreamDefaultController", "close", this);
    }
    ReadableStreamDefaultControllerClose(this);
  }

  enqueue(chunk = undefined) {
    if (!isReadableStreamDefaultController(this)) throw brandError("ReadableStreamDefaultController", "enqueue");
    if (!ReadableStreamDefaultControllerCanCloseOrEnqueue(this)) {
      throw cannotCloseOrEnqueue("ReadableStreamDefaultController", "enqueue", this);
    }
    ReadableStreamDefaultControllerEnqueue(this, chunk);
  }

  error(e = undefined) {
    if (!isReadableStreamDefaultController(this)) throw brandError("ReadableStreamDefaultController", "error");
    ReadableStreamDefaultControllerError(this, e);
  }

  [_cancelSteps](reason) {
    ResetQueue(this);
    const result = this[_cancelAlgorithm](reason);
    ReadableStreamDefaultControllerClearAlgorithms(this);
    return result;
  }

  [_pullSteps](readRequest) {
    const stream = this[_stream];
    if (this[_queue].length > 0) {
      const chunk = DequeueValue(this);
      if (this[_closeRequested] && this[_queue].length === 0) {
        ReadableStreamDefaultControllerClearAlgorithms(this);
        ReadableStreamClose(stream);
      } else {
        ReadableStreamDefaultControllerCallPullIfNeeded(this);
      }
      readRequest.chunkSteps(chunk);
    } else {
      ReadableStreamAddReadRequest(stream, readRequest);
      ReadableStreamDefaultControllerCallPullIfNeeded(this);
    }
  }

  [_releaseSteps]() {}
}
finishInterface(ReadableStreamDefaultController, "ReadableStreamDefaultController");

// ---------------------------------------------------------------------------
// ReadableByteStreamController and ReadableStreamBYOBRequest.

let isReadableByteStreamController;

class ReadableByteStreamController {
  #brand;
  static {
    isReadableByteStreamController = (v) => isObject(v) && #brand in v;
  }

  constructor(token = undefined) {
    if (token !== kInternal) throw illegalConstructor("ReadableByteStreamController");
    this[_autoAllocateChunkSize] = undefined;
    this[_byobRequest] = null;
    this[_cancelAlgorithm] = undefined;
    this[_closeRequested] = false;
    this[_pullAgain] = false;
    this[_pullAlgorithm] = undefined;
    this[_pulling] = false;
    this[_pendingPullIntos] = undefined;
    this[_queue] = undefined;
    this[_queueTotalSize] = 0;
    this[_started] = false;
    this[_strategyHWM] = 0;
    this[_stream] = undefined;
  }

  get byobRequest() {
    if (!isReadableByteStreamController(this)) {
      throw getterBrandError("ReadableByteStreamController", "byobRequest");
    }
    return ReadableByteStreamControllerGetBYOBRequest(this);
  }

  get desiredSize() {
    if (!isReadableByteStreamController(this)) {
      throw getterBrandError("ReadableByteStreamController", "desiredSize");
    }
    return ReadableByteStreamControllerGetDesiredSize(this);
  }

  close() {
    if (!isReadableByteStreamController(this)) throw brandError("ReadableByteStreamController", "close");
    if (this[_closeRequested]) {
      throw methodError("ReadableByteStreamController", "close", "close() was already called on the stream.");
    }
    const state = this[_stream][_state];
    if (state !== "readable") throw methodError("ReadableByteStreamController", "close", `the stream is ${state}.`);
    ReadableByteStreamControllerClose(this);
  }

  enqueue(chunk) {
    const prefix = methodPrefix("ReadableByteStreamController", "enqueue");
    if (!isReadableByteStreamController(this)) throw brandError("ReadableByteStreamController", "enqueue");
    if (arguments.length < 1) throw argCountError(prefix, 1, 0);
    toArrayBufferView(chunk, prefix, "parameter 1");
    if (viewByteLength(chunk) === 0) {
      throw new TypeErrorCtor(`${prefix}: the chunk is empty or its buffer is detached.`);
    }
    if (bufferByteLength(viewBuffer(chunk)) === 0) {
      throw new TypeErrorCtor(`${prefix}: the chunk's buffer is empty.`);
    }
    if (this[_closeRequested]) throw new TypeErrorCtor(`${prefix}: close() was already called on the stream.`);
    const state = this[_stream][_state];
    if (state !== "readable") throw new TypeErrorCtor(`${prefix}: the stream is ${state}.`);
    ReadableByteStreamControllerEnqueue(this, chunk);
  }

  error(e = undefined) {
    if (!isReadableByteStreamController(this)) throw brandError("ReadableByteStreamController", "error");
    ReadableByteStreamControllerError(this, e);
  }

  [_cancelSteps](reason) {
    ReadableByteStreamControllerClearPendingPullIntos(this);
    ResetQueue(this);
    const result = this[_cancelAlgorithm](reason);
    ReadableByteStreamControllerClearAlgorithms(this);
    return result;
  }

  [_pullSteps](readRequest) {
    const stream = this[_stream];
    if (this[_queueTotalSize] > 0) {
      ReadableByteStreamControllerFillReadRequestFromQueue(this, readRequest);
      return;
    }
    const autoAllocateChunkSize = this[_autoAllocateChunkSize];
    if (autoAllocateChunkSize !== undefined) {
      let buffer;
      try {
        buffer = new ArrayBufferCtor(autoAllocateChunkSize);
      } catch (e) {
        readRequest.errorSteps(e);
        return;
      }
      this[_pendingPullIntos].push({
        buffer,
        bufferByteLength: autoAllocateChunkSize,
        byteOffset: 0,
        byteLength: autoAllocateChunkSize,
        bytesFilled: 0,
        minimumFill: 1,
        elementSize: 1,
        viewConstructor: Uint8ArrayCtor,
        readerType: "default",
      });
    }
    ReadableStreamAddReadRequest(stream, readRequest);
    ReadableByteStreamControllerCallPullIfNeeded(this);
  }

  [_releaseSteps]() {
    const pending = this[_pendingPullIntos];
    if (pending.length > 0) {
      const firstPendingPullInto = pending.peek();
      firstPendingPullInto.readerType = "none";
      const q = new Queue();
      q.push(firstPendingPullInto);
      this[_pendingPullIntos] = q;
    }
  }
}
finishInterface(ReadableByteStreamController, "ReadableByteStreamController");

let isReadableStreamBYOBRequest;

class ReadableStreamBYOBRequest {
  #brand;
  static {
    isReadableStreamBYOBRequest = (v) => isObject(v) && #brand in v;
  }

  constructor(token = undefined) {
    if (token !== kInternal) throw illegalConstructor("ReadableStreamBYOBRequest");
    this[_controller] = undefined;
    this[_view] = null;
  }

  get view() {
    if (!isReadableStreamBYOBRequest(this)) throw getterBrandError("ReadableStreamBYOBRequest", "view");
    return this[_view];
  }

  respond(bytesWritten) {
    const prefix = methodPrefix("ReadableStreamBYOBRequest", "respond");
    if (!isReadableStreamBYOBRequest(this)) throw brandError("ReadableStreamBYOBRequest", "respond");
    if (arguments.length < 1) throw argCountError(prefix, 1, 0);
    bytesWritten = toEnforceRangeULL(bytesWritten, prefix, "bytesWritten");
    if (this[_controller] === undefined) {
      throw new TypeErrorCtor(`${prefix}: this request has already been responded to.`);
    }
    if (IsDetachedBuffer(TypedArrayPrototypeGetBuffer(this[_view]))) {
      throw new TypeErrorCtor(`${prefix}: the view's buffer has been detached.`);
    }
    ReadableByteStreamControllerRespond(this[_controller], bytesWritten, prefix);
  }

  respondWithNewView(view) {
    const prefix = methodPrefix("ReadableStreamBYOBRequest", "respondWithNewView");
    if (!isReadableStreamBYOBRequest(this)) throw brandError("ReadableStreamBYOBRequest", "respondWithNewView");
    if (arguments.length < 1) throw argCountError(prefix, 1, 0);
    toArrayBufferView(view, prefix, "parameter 1");
    if (this[_controller] === undefined) {
      throw new TypeErrorCtor(`${prefix}: this request has already been responded to.`);
    }
    if (IsDetachedBuffer(viewBuffer(view))) {
      throw new TypeErrorCtor(`${prefix}: the view's buffer has been detached.`);
    }
    ReadableByteStreamControllerRespondWithNewView(this[_controller], view, prefix);
  }
}
finishInterface(ReadableStreamBYOBRequest, "ReadableStreamBYOBRequest");

// ---------------------------------------------------------------------------
// Readable streams: working with readable streams.

function AcquireReadableStreamBYOBReader(stream, prefix) {
  const reader = new ReadableStreamBYOBReader(kInternal);
  SetUpReadableStreamBYOBReader(reader, stream, prefix);
  return reader;
}

function AcquireReadableStreamDefaultReader(stream, prefix) {
  const reader = new ReadableStreamDefaultReader(kInternal);
  SetUpReadableStreamDefaultReader(reader, stream, prefix);
  return reader;
}

function CreateReadableStream(startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark = 1, sizeAlgorithm = sizeOne) {
  const stream = new ReadableStream(kInternal);
  InitializeReadableStream(stream);
  const controller = new ReadableStreamDefaultController(kInternal);
  SetUpReadableStreamDefaultController(
    stream,
    controller,
    startAlgorithm,
    pullAlgorithm,
    cancelAlgorithm,
    highWaterMark,
    sizeAlgorithm,
  );
  return stream;
}

function CreateReadableByteStream(startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark = 0) {
  const stream = new ReadableStream(kInternal);
  InitializeReadableStream(stream);
  const controller = new ReadableByteStreamController(kInternal);
  SetUpReadableByteStreamController(stream, controller, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, undefined);
  return stream;
}

function InitializeReadableStream(stream) {
  stream[_state] = "readable";
  stream[_reader] = undefined;
  stream[_storedError] = undefined;
  stream[_disturbed] = false;
}

function IsReadableStreamLocked(stream) {
  return stream[_reader] !== undefined;
}

function ReadableStreamFromIterable(asyncIterable, prefix) {
  let stream;
  const iterator = openAsyncSequence(asyncIterable, prefix);
  const startAlgorithm = noop;
  const pullAlgorithm = () => {
    const nextPromise = asyncIteratorNextValue(iterator);
    return transformPromiseWith(
      nextPromise,
      (v) => {
        if (v === endOfIteration) ReadableStreamDefaultControllerClose(stream[_controller]);
        else ReadableStreamDefaultControllerEnqueue(stream[_controller], v);
      },
      (r) => {
        ReadableStreamDefaultControllerError(stream[_controller], r);
      },
    );
  };
  const cancelAlgorithm = (reason) => closeAsyncIterator(iterator, reason);
  stream = CreateReadableStream(startAlgorithm, pullAlgorithm, cancelAlgorithm, 0);
  return stream;
}

// openAsyncSequence is GetIterator(v, async): an iterator record; a sync
// iterable is wrapped as by CreateAsyncFromSyncIterator. Like GetMethod it
// looks the methods up on primitives too, so a string is an iterable of
// its code points; only undefined and null have no methods at all.
function openAsyncSequence(v, prefix) {
  if (v === undefined || v === null) throw new TypeErrorCtor(`${prefix}: parameter 1 is not an async iterable or iterable object.`);
  let method = v[SymbolAsyncIterator];
  let sync = false;
  if (method === undefined || method === null) {
    method = v[SymbolIterator];
    if (method === undefined || method === null) {
      throw new TypeErrorCtor(`${prefix}: parameter 1 is neither async iterable nor iterable.`);
    }
    sync = true;
  }
  if (typeof method !== "function") {
    throw new TypeErrorCtor(`${prefix}: parameter 1's ${sync ? "[Symbol.iterator]" : "[Symbol.asyncIterator]"} is not a function.`);
  }
  const iterator = ReflectApply(method, v, []);
  if (!isObject(iterator)) throw new TypeErrorCtor(`${prefix}: the iterator is not an object.`);
  const next = iterator.next;
  const record = { iterator, next };
  return sync ? asyncFromSyncIterator(record) : record;
}

// asyncFromSyncIterator is CreateAsyncFromSyncIterator: next() awaits the
// sync iterator's values, closing it if one rejects.
function asyncFromSyncIterator(syncRecord) {
  const syncIterator = syncRecord.iterator;
  const continuation = (result, closeOnRejection) => {
    const done = !!result.done;
    const value = result.value;
    let valueWrapper;
    try {
      valueWrapper = PromiseResolve(value);
    } catch (e) {
      if (!done && closeOnRejection) closeSyncIterator(syncIterator);
      return PromiseReject(e);
    }
    return transformPromiseWith(
      valueWrapper,
      (v) => ({ value: v, done }),
      (e) => {
        if (!done && closeOnRejection) closeSyncIterator(syncIterator);
        throw e;
      },
    );
  };
  const iterator = {
    next() {
      let result;
      try {
        result = ReflectApply(syncRecord.next, syncIterator, []);
        if (!isObject(result)) throw new TypeErrorCtor("the iterator's next() did not return an object");
      } catch (e) {
        return PromiseReject(e);
      }
      return continuation(result, true);
    },
    return(value) {
      let result;
      try {
        const ret = syncIterator.return;
        if (ret === undefined || ret === null) return PromiseResolve({ value, done: true });
        result = ReflectApply(ret, syncIterator, [value]);
        if (!isObject(result)) throw new TypeErrorCtor("the iterator's return() did not return an object");
      } catch (e) {
        return PromiseReject(e);
      }
      return continuation(result, false);
    },
  };
  return { iterator, next: iterator.next };
}

function closeSyncIterator(iterator) {
  try {
    const ret = iterator.return;
    if (ret !== undefined && ret !== null) ReflectApply(ret, iterator, []);
  } catch {
    // IteratorClose with a throw completion keeps the original error.
  }
}

// asyncIteratorNextValue is "get an async iterator next value".
function asyncIteratorNextValue(record) {
  let nextResult;
  try {
    nextResult = ReflectApply(record.next, record.iterator, []);
  } catch (e) {
    return PromiseReject(e);
  }
  return transformPromiseWith(promiseResolvedWith(nextResult), (iterResult) => {
    if (!isObject(iterResult)) throw new TypeErrorCtor("the async iterator's next() did not produce an object");
    if (iterResult.done) return endOfIteration;
    return iterResult.value;
  });
}

// closeAsyncIterator is "close an async iterator" with a reason.
function closeAsyncIterator(record, reason) {
  const iterator = record.iterator;
  let returnResult;
  try {
    const returnMethod = iterator.return;
    if (returnMethod === undefined || returnMethod === null) return resolvedUndefined;
    returnResult = ReflectApply(returnMethod, iterator, [reason]);
  } catch (e) {
    return PromiseReject(e);
  }
  return transformPromiseWith(promiseResolvedWith(returnResult), (r) => {
    if (!isObject(r)) throw new TypeErrorCtor("the async iterator's return() did not produce an object");
    return undefined;
  });
}

// ReadableStreamPipeTo pipes source to dest: a loop that waits for dest's
// writer to be ready (backpressure), reads one chunk and writes it, while
// watchers on both streams' states decide when and how to shut down.
function ReadableStreamPipeTo(source, dest, preventClose, preventAbort, preventCancel, signal = undefined) {
  const reader = AcquireReadableStreamDefaultReader(source);
  const writer = AcquireWritableStreamDefaultWriter(dest);
  source[_disturbed] = true;
  let shuttingDown = false;
  // currentWrite settles when the last chunk read has been written; it
  // never rejects (errors are seen through dest's state).
  let currentWrite = resolvedUndefined;
  const promise = new Deferred();
  const abort = signal === undefined ? undefined : getAbortSupport();
  let abortHandle;

  const waitForWritesToFinish = (then) => {
    const oldCurrentWrite = currentWrite;
    uponFulfillment(oldCurrentWrite, () => {
      if (oldCurrentWrite !== currentWrite) waitForWritesToFinish(then);
      else then();
    });
  };

  const finalize = (isError, error) => {
    WritableStreamDefaultWriterRelease(writer);
    ReadableStreamDefaultReaderRelease(reader);
    if (signal !== undefined && abortHandle !== undefined) abort.remove(signal, abortHandle);
    if (isError) promise.reject(error);
    else promise.resolve(undefined);
  };

  const shutdownWithAction = (action, isError, originalError) => {
    if (shuttingDown) return;
    shuttingDown = true;
    const doAction = () => {
      uponPromise(
        action(),
        () => finalize(isError, originalError),
        (newError) => finalize(true, newError),
      );
    };
    if (dest[_state] === "writable" && !WritableStreamCloseQueuedOrInFlight(dest)) {
      waitForWritesToFinish(doAction);
    } else {
      doAction();
    }
  };

  const shutdown = (isError, error) => {
    if (shuttingDown) return;
    shuttingDown = true;
    if (dest[_state] === "writable" && !WritableStreamCloseQueuedOrInFlight(dest)) {
      waitForWritesToFinish(() => finalize(isError, error));
    } else {
      finalize(isError, error);
    }
  };

  if (signal !== undefined) {
    const abortAlgorithm = () => {
      const error = abort.reason(signal);
      const actions = [];
      if (!preventAbort) {
        ArrayPrototypePush(actions, () => {
          if (dest[_state] === "writable") return WritableStreamAbort(dest, error);
          return resolvedUndefined;
        });
      }
      if (!preventCancel) {
        ArrayPrototypePush(actions, () => {
          if (source[_state] === "readable") return ReadableStreamCancel(source, error);
          return resolvedUndefined;
        });
      }
      shutdownWithAction(
        () => {
          const promises = [];
          for (let i = 0; i < actions.length; i++) ArrayPrototypePush(promises, actions[i]());
          return waitForAll(promises);
        },
        true,
        error,
      );
    };
    if (abort.aborted(signal)) {
      abortAlgorithm();
      return promise.promise;
    }
    abortHandle = abort.add(signal, abortAlgorithm);
  }

  // The four propagation rules, in the standard's order. Each applies when
  // its condition "is or becomes" true.
  const forwardError = () => {
    const storedError = source[_storedError];
    if (!preventAbort) shutdownWithAction(() => WritableStreamAbort(dest, storedError), true, storedError);
    else shutdown(true, storedError);
  };
  const backwardError = () => {
    const storedError = dest[_storedError];
    if (!preventCancel) shutdownWithAction(() => ReadableStreamCancel(source, storedError), true, storedError);
    else shutdown(true, storedError);
  };
  const forwardClose = () => {
    if (!preventClose) shutdownWithAction(() => WritableStreamDefaultWriterCloseWithErrorPropagation(writer), false);
    else shutdown(false);
  };
  const backwardClose = () => {
    const destClosed = new TypeErrorCtor("the destination of the pipe is closed or closing");
    if (!preventCancel) shutdownWithAction(() => ReadableStreamCancel(source, destClosed), true, destClosed);
    else shutdown(true, destClosed);
  };

  if (source[_state] === "errored") forwardError();
  else uponRejection(reader[_closedPromise].promise, () => {
    if (source[_state] === "errored") forwardError();
  });
  if (dest[_state] === "errored") backwardError();
  else uponRejection(writer[_closedPromise].promise, () => {
    if (dest[_state] === "errored") backwardError();
  });
  if (source[_state] === "closed") forwardClose();
  else uponFulfillment(reader[_closedPromise].promise, forwardClose);
  if (WritableStreamCloseQueuedOrInFlight(dest) || dest[_state] === "closed") backwardClose();

  const readRequest = {
    chunkSteps(chunk) {
      // The chunk is written, and the next step taken, in a microtask. A
      // read fulfilled by the source's enqueue() runs these steps on
      // enqueue()'s own stack, and the sink's write() must not run inside
      // the caller's enqueue(); nor may a full queue be read in one deep
      // call chain. A shutdown that starts meanwhile waits for this write:
      // its wait is a reaction queued after this microtask.
      queueMicrotask(() => {
        if (writer[_stream] !== undefined) {
          currentWrite = transformPromiseWith(WritableStreamDefaultWriterWrite(writer, chunk), undefined, noop);
        }
        pipeStep();
      });
    },
    closeSteps: noop,
    errorSteps: noop,
  };

  function pipeStep() {
    if (shuttingDown) return;
    const desiredSize = WritableStreamDefaultWriterGetDesiredSize(writer);
    if (desiredSize === null || desiredSize <= 0) {
      // Backpressure: read nothing until dest wants more. A rejected ready
      // promise means dest is erroring; the watchers handle that.
      uponPromise(writer[_readyPromise].promise, pipeStep, noop);
      return;
    }
    if (source[_state] !== "readable") return;
    ReadableStreamDefaultReaderRead(reader, readRequest);
  }

  queueMicrotask(pipeStep);
  return promise.promise;
}

function ReadableStreamTee(stream, cloneForBranch2) {
  if (isReadableByteStreamController(stream[_controller])) return ReadableByteStreamTee(stream);
  return ReadableStreamDefaultTee(stream, cloneForBranch2);
}

function ReadableStreamDefaultTee(stream, cloneForBranch2) {
  const reader = AcquireReadableStreamDefaultReader(stream);
  let reading = false;
  let readAgain = false;
  let canceled1 = false;
  let canceled2 = false;
  let reason1;
  let reason2;
  let branch1;
  let branch2;
  const cancelPromise = new Deferred();
  const readRequest = {
    chunkSteps(chunk) {
      queueMicrotask(() => {
        readAgain = false;
        const chunk1 = chunk;
        let chunk2 = chunk;
        if (!canceled2 && cloneForBranch2) {
          try {
            chunk2 = StructuredClone(chunk2);
          } catch (e) {
            ReadableStreamDefaultControllerError(branch1[_controller], e);
            ReadableStreamDefaultControllerError(branch2[_controller], e);
            cancelPromise.resolve(ReadableStreamCancel(stream, e));
            return;
          }
        }
        if (!canceled1) ReadableStreamDefaultControllerEnqueue(branch1[_controller], chunk1);
        if (!canceled2) ReadableStreamDefaultControllerEnqueue(branch2[_controller], chunk2);
        reading = false;
        if (readAgain) pullAlgorithm();
      });
    },
    closeSteps() {
      reading = false;
      if (!canceled1) ReadableStreamDefaultControllerClose(branch1[_controller]);
      if (!canceled2) ReadableStreamDefaultControllerClose(branch2[_controller]);
      if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
    },
    errorSteps() {
      reading = false;
    },
  };
  const pullAlgorithm = () => {
    if (reading) {
      readAgain = true;
      return resolvedUndefined;
    }
    reading = true;
    ReadableStreamDefaultReaderRead(reader, readRequest);
    return resolvedUndefined;
  };
  const cancel1Algorithm = (reason) => {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) cancelPromise.resolve(ReadableStreamCancel(stream, [reason1, reason2]));
    return cancelPromise.promise;
  };
  const cancel2Algorithm = (reason) => {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) cancelPromise.resolve(ReadableStreamCancel(stream, [reason1, reason2]));
    return cancelPromise.promise;
  };
  branch1 = CreateReadableStream(noop, pullAlgorithm, cancel1Algorithm);
  branch2 = CreateReadableStream(noop, pullAlgorithm, cancel2Algorithm);
  uponRejection(reader[_closedPromise].promise, (r) => {
    ReadableStreamDefaultControllerError(branch1[_controller], r);
    ReadableStreamDefaultControllerError(branch2[_controller], r);
    if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
  });
  return [branch1, branch2];
}

function ReadableByteStreamTee(stream) {
  let reader = AcquireReadableStreamDefaultReader(stream);
  let reading = false;
  let readAgainForBranch1 = false;
  let readAgainForBranch2 = false;
  let canceled1 = false;
  let canceled2 = false;
  let reason1;
  let reason2;
  let branch1;
  let branch2;
  const cancelPromise = new Deferred();

  const forwardReaderError = (thisReader) => {
    uponRejection(thisReader[_closedPromise].promise, (r) => {
      if (thisReader !== reader) return;
      ReadableByteStreamControllerError(branch1[_controller], r);
      ReadableByteStreamControllerError(branch2[_controller], r);
      if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
    });
  };

  const pullWithDefaultReader = () => {
    if (isReadableStreamBYOBReader(reader)) {
      ReadableStreamBYOBReaderRelease(reader);
      reader = AcquireReadableStreamDefaultReader(stream);
      forwardReaderError(reader);
    }
    ReadableStreamDefaultReaderRead(reader, {
      chunkSteps(chunk) {
        queueMicrotask(() => {
          readAgainForBranch1 = false;
          readAgainForBranch2 = false;
          const chunk1 = chunk;
          let chunk2 = chunk;
          if (!canceled1 && !canceled2) {
            try {
              chunk2 = CloneAsUint8Array(chunk);
            } catch (e) {
              ReadableByteStreamControllerError(branch1[_controller], e);
              ReadableByteStreamControllerError(branch2[_controller], e);
              cancelPromise.resolve(ReadableStreamCancel(stream, e));
              return;
            }
          }
          if (!canceled1) ReadableByteStreamControllerEnqueue(branch1[_controller], chunk1);
          if (!canceled2) ReadableByteStreamControllerEnqueue(branch2[_controller], chunk2);
          reading = false;
          if (readAgainForBranch1) pull1Algorithm();
          else if (readAgainForBranch2) pull2Algorithm();
        });
      },
      closeSteps() {
        reading = false;
        if (!canceled1) ReadableByteStreamControllerClose(branch1[_controller]);
        if (!canceled2) ReadableByteStreamControllerClose(branch2[_controller]);
        if (branch1[_controller][_pendingPullIntos].length > 0) {
          ReadableByteStreamControllerRespond(branch1[_controller], 0);
        }
        if (branch2[_controller][_pendingPullIntos].length > 0) {
          ReadableByteStreamControllerRespond(branch2[_controller], 0);
        }
        if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
      },
      errorSteps() {
        reading = false;
      },
    });
  };

  const pullWithBYOBReader = (view, forBranch2) => {
    if (isReadableStreamDefaultReader(reader)) {
      ReadableStreamDefaultReaderRelease(reader);
      reader = AcquireReadableStreamBYOBReader(stream);
      forwardReaderError(reader);
    }
    const byobBranch = forBranch2 ? branch2 : branch1;
    const otherBranch = forBranch2 ? branch1 : branch2;
    ReadableStreamBYOBReaderRead(reader, view, 1, {
      chunkSteps(chunk) {
        queueMicrotask(() => {
          readAgainForBranch1 = false;
          readAgainForBranch2 = false;
          const byobCanceled = forBranch2 ? canceled2 : canceled1;
          const otherCanceled = forBranch2 ? canceled1 : canceled2;
          if (!otherCanceled) {
            let clonedChunk;
            try {
              clonedChunk = CloneAsUint8Array(chunk);
            } catch (e) {
              ReadableByteStreamControllerError(byobBranch[_controller], e);
              ReadableByteStreamControllerError(otherBranch[_controller], e);
              cancelPromise.resolve(ReadableStreamCancel(stream, e));
              return;
            }
            if (!byobCanceled) ReadableByteStreamControllerRespondWithNewView(byobBranch[_controller], chunk);
            ReadableByteStreamControllerEnqueue(otherBranch[_controller], clonedChunk);
          } else if (!byobCanceled) {
            ReadableByteStreamControllerRespondWithNewView(byobBranch[_controller], chunk);
          }
          reading = false;
          if (readAgainForBranch1) pull1Algorithm();
          else if (readAgainForBranch2) pull2Algorithm();
        });
      },
      closeSteps(chunk) {
        reading = false;
        const byobCanceled = forBranch2 ? canceled2 : canceled1;
        const otherCanceled = forBranch2 ? canceled1 : canceled2;
        if (!byobCanceled) ReadableByteStreamControllerClose(byobBranch[_controller]);
        if (!otherCanceled) ReadableByteStreamControllerClose(otherBranch[_controller]);
        if (chunk !== undefined) {
          if (!byobCanceled) ReadableByteStreamControllerRespondWithNewView(byobBranch[_controller], chunk);
          if (!otherCanceled && otherBranch[_controller][_pendingPullIntos].length > 0) {
            ReadableByteStreamControllerRespond(otherBranch[_controller], 0);
          }
        }
        if (!byobCanceled || !otherCanceled) cancelPromise.resolve(undefined);
      },
      errorSteps() {
        reading = false;
      },
    });
  };

  const pull1Algorithm = () => {
    if (reading) {
      readAgainForBranch1 = true;
      return resolvedUndefined;
    }
    reading = true;
    const byobRequest = ReadableByteStreamControllerGetBYOBRequest(branch1[_controller]);
    if (byobRequest === null) pullWithDefaultReader();
    else pullWithBYOBReader(byobRequest[_view], false);
    return resolvedUndefined;
  };
  const pull2Algorithm = () => {
    if (reading) {
      readAgainForBranch2 = true;
      return resolvedUndefined;
    }
    reading = true;
    const byobRequest = ReadableByteStreamControllerGetBYOBRequest(branch2[_controller]);
    if (byobRequest === null) pullWithDefaultReader();
    else pullWithBYOBReader(byobRequest[_view], true);
    return resolvedUndefined;
  };
  const cancel1Algorithm = (reason) => {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) cancelPromise.resolve(ReadableStreamCancel(stream, [reason1, reason2]));
    return cancelPromise.promise;
  };
  const cancel2Algorithm = (reason) => {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) cancelPromise.resolve(ReadableStreamCancel(stream, [reason1, reason2]));
    return cancelPromise.promise;
  };
  branch1 = CreateReadableByteStream(noop, pull1Algorithm, cancel1Algorithm);
  branch2 = CreateReadableByteStream(noop, pull2Algorithm, cancel2Algorithm);
  forwardReaderError(reader);
  return [branch1, branch2];
}

// ---------------------------------------------------------------------------
// Readable streams: interfacing with controllers.

function ReadableStreamAddReadIntoRequest(stream, readRequest) {
  stream[_reader][_readIntoRequests].push(readRequest);
}

function ReadableStreamAddReadRequest(stream, readRequest) {
  stream[_reader][_readRequests].push(readRequest);
}

function ReadableStreamCancel(stream, reason) {
  stream[_disturbed] = true;
  if (stream[_state] === "closed") return promiseResolvedWith(undefined);
  if (stream[_state] === "errored") return PromiseReject(stream[_storedError]);
  ReadableStreamClose(stream);
  const reader = stream[_reader];
  if (reader !== undefined && isReadableStreamBYOBReader(reader)) {
    const readIntoRequests = reader[_readIntoRequests];
    reader[_readIntoRequests] = new Queue();
    while (readIntoRequests.length > 0) readIntoRequests.shift().closeSteps(undefined);
  }
  const sourceCancelPromise = stream[_controller][_cancelSteps](reason);
  return transformPromiseWith(sourceCancelPromise, noop);
}

function ReadableStreamClose(stream) {
  stream[_state] = "closed";
  const reader = stream[_reader];
  if (reader === undefined) return;
  reader[_closedPromise].resolve(undefined);
  if (isReadableStreamDefaultReader(reader)) {
    const readRequests = reader[_readRequests];
    reader[_readRequests] = new Queue();
    while (readRequests.length > 0) readRequests.shift().closeSteps();
  }
}

function ReadableStreamError(stream, e) {
  stream[_state] = "errored";
  stream[_storedError] = e;
  const reader = stream[_reader];
  if (reader === undefined) return;
  reader[_closedPromise].reject(e);
  reader[_closedPromise].markHandled();
  if (isReadableStreamDefaultReader(reader)) ReadableStreamDefaultReaderErrorReadRequests(reader, e);
  else ReadableStreamBYOBReaderErrorReadIntoRequests(reader, e);
}

function ReadableStreamFulfillReadIntoRequest(stream, chunk, done) {
  const readIntoRequest = stream[_reader][_readIntoRequests].shift();
  if (done) readIntoRequest.closeSteps(chunk);
  else readIntoRequest.chunkSteps(chunk);
}

function ReadableStreamFulfillReadRequest(stream, chunk, done) {
  const readRequest = stream[_reader][_readRequests].shift();
  if (done) readRequest.closeSteps();
  else readRequest.chunkSteps(chunk);
}

function ReadableStreamGetNumReadIntoRequests(stream) {
  return stream[_reader][_readIntoRequests].length;
}

function ReadableStreamGetNumReadRequests(stream) {
  return stream[_reader][_readRequests].length;
}

function ReadableStreamHasBYOBReader(stream) {
  const reader = stream[_reader];
  return reader !== undefined && isReadableStreamBYOBReader(reader);
}

function ReadableStreamHasDefaultReader(stream) {
  const reader = stream[_reader];
  return reader !== undefined && isReadableStreamDefaultReader(reader);
}

// ---------------------------------------------------------------------------
// Readable streams: readers.

function ReadableStreamReaderGenericCancel(reader, reason) {
  return ReadableStreamCancel(reader[_stream], reason);
}

function ReadableStreamReaderGenericInitialize(reader, stream) {
  reader[_stream] = stream;
  stream[_reader] = reader;
  if (stream[_state] === "readable") {
    reader[_closedPromise] = new Deferred();
  } else if (stream[_state] === "closed") {
    reader[_closedPromise] = resolvedDeferred(undefined);
  } else {
    reader[_closedPromise] = rejectedDeferred(stream[_storedError]);
    reader[_closedPromise].markHandled();
  }
}

function ReadableStreamReaderGenericRelease(reader) {
  const stream = reader[_stream];
  const e = new TypeErrorCtor("the reader's lock on the stream was released");
  if (stream[_state] === "readable") reader[_closedPromise].reject(e);
  else reader[_closedPromise] = rejectedDeferred(e);
  reader[_closedPromise].markHandled();
  stream[_controller][_releaseSteps]();
  stream[_reader] = undefined;
  reader[_stream] = undefined;
}

function ReadableStreamBYOBReaderErrorReadIntoRequests(reader, e) {
  const readIntoRequests = reader[_readIntoRequests];
  reader[_readIntoRequests] = new Queue();
  while (readIntoRequests.length > 0) readIntoRequests.shift().errorSteps(e);
}

function ReadableStreamBYOBReaderRead(reader, view, min, readIntoRequest) {
  const stream = reader[_stream];
  stream[_disturbed] = true;
  if (stream[_state] === "errored") readIntoRequest.errorSteps(stream[_storedError]);
  else ReadableByteStreamControllerPullInto(stream[_controller], view, min, readIntoRequest);
}

function ReadableStreamBYOBReaderRelease(reader) {
  ReadableStreamReaderGenericRelease(reader);
  const e = new TypeErrorCtor("the reader's lock on the stream was released while a read was pending");
  ReadableStreamBYOBReaderErrorReadIntoRequests(reader, e);
}

function ReadableStreamDefaultReaderErrorReadRequests(reader, e) {
  const readRequests = reader[_readRequests];
  reader[_readRequests] = new Queue();
  while (readRequests.length > 0) readRequests.shift().errorSteps(e);
}

function ReadableStreamDefaultReaderRead(reader, readRequest) {
  const stream = reader[_stream];
  stream[_disturbed] = true;
  const state = stream[_state];
  if (state === "closed") readRequest.closeSteps();
  else if (state === "errored") readRequest.errorSteps(stream[_storedError]);
  else stream[_controller][_pullSteps](readRequest);
}

function ReadableStreamDefaultReaderRelease(reader) {
  ReadableStreamReaderGenericRelease(reader);
  const e = new TypeErrorCtor("the reader's lock on the stream was released while a read was pending");
  ReadableStreamDefaultReaderErrorReadRequests(reader, e);
}

function lockedError(prefix) {
  const what = "the ReadableStream is already locked to a reader";
  return new TypeErrorCtor(prefix === undefined ? `Cannot get a reader: ${what}.` : `${prefix}: ${what}.`);
}

function SetUpReadableStreamBYOBReader(reader, stream, prefix) {
  if (IsReadableStreamLocked(stream)) throw lockedError(prefix);
  if (!isReadableByteStreamController(stream[_controller])) {
    const what = "a BYOB reader needs a byte stream (one whose underlying source has type: \"bytes\")";
    throw new TypeErrorCtor(prefix === undefined ? `Cannot get a reader: ${what}.` : `${prefix}: ${what}.`);
  }
  ReadableStreamReaderGenericInitialize(reader, stream);
  reader[_readIntoRequests] = new Queue();
}

function SetUpReadableStreamDefaultReader(reader, stream, prefix) {
  if (IsReadableStreamLocked(stream)) throw lockedError(prefix);
  ReadableStreamReaderGenericInitialize(reader, stream);
  reader[_readRequests] = new Queue();
}

// ---------------------------------------------------------------------------
// Readable streams: default controllers.

function ReadableStreamDefaultControllerCallPullIfNeeded(controller) {
  if (!ReadableStreamDefaultControllerShouldCallPull(controller)) return;
  if (controller[_pulling]) {
    controller[_pullAgain] = true;
    return;
  }
  controller[_pulling] = true;
  const pullPromise = controller[_pullAlgorithm]();
  uponPromise(
    pullPromise,
    () => {
      controller[_pulling] = false;
      if (controller[_pullAgain]) {
        controller[_pullAgain] = false;
        ReadableStreamDefaultControllerCallPullIfNeeded(controller);
      }
    },
    (e) => {
      ReadableStreamDefaultControllerError(controller, e);
    },
  );
}

function ReadableStreamDefaultControllerShouldCallPull(controller) {
  const stream = controller[_stream];
  if (!ReadableStreamDefaultControllerCanCloseOrEnqueue(controller)) return false;
  if (!controller[_started]) return false;
  if (IsReadableStreamLocked(stream) && ReadableStreamGetNumReadRequests(stream) > 0) return true;
  const desiredSize = ReadableStreamDefaultControllerGetDesiredSize(controller);
  return desiredSize > 0;
}

function ReadableStreamDefaultControllerClearAlgorithms(controller) {
  controller[_pullAlgorithm] = undefined;
  controller[_cancelAlgorithm] = undefined;
  controller[_strategySizeAlgorithm] = undefined;
}

function ReadableStreamDefaultControllerClose(controller) {
  if (!ReadableStreamDefaultControllerCanCloseOrEnqueue(controller)) return;
  const stream = controller[_stream];
  controller[_closeRequested] = true;
  if (controller[_queue].length === 0) {
    ReadableStreamDefaultControllerClearAlgorithms(controller);
    ReadableStreamClose(stream);
  }
}

function ReadableStreamDefaultControllerEnqueue(controller, chunk) {
  if (!ReadableStreamDefaultControllerCanCloseOrEnqueue(controller)) return;
  const stream = controller[_stream];
  if (IsReadableStreamLocked(stream) && ReadableStreamGetNumReadRequests(stream) > 0) {
    ReadableStreamFulfillReadRequest(stream, chunk, false);
  } else {
    let chunkSize;
    try {
      chunkSize = controller[_strategySizeAlgorithm](chunk);
    } catch (e) {
      ReadableStreamDefaultControllerError(controller, e);
      throw e;
    }
    try {
      EnqueueValueWithSize(controller, chunk, chunkSize);
    } catch (e) {
      ReadableStreamDefaultControllerError(controller, e);
      throw e;
    }
  }
  ReadableStreamDefaultControllerCallPullIfNeeded(controller);
}

function ReadableStreamDefaultControllerError(controller, e) {
  const stream = controller[_stream];
  if (stream[_state] !== "readable") return;
  ResetQueue(controller);
  ReadableStreamDefaultControllerClearAlgorithms(controller);
  ReadableStreamError(stream, e);
}

function ReadableStreamDefaultControllerGetDesiredSize(controller) {
  const state = controller[_stream][_state];
  if (state === "errored") return null;
  if (state === "closed") return 0;
  return controller[_strategyHWM] - controller[_queueTotalSize];
}

function ReadableStreamDefaultControllerHasBackpressure(controller) {
  return !ReadableStreamDefaultControllerShouldCallPull(controller);
}

function ReadableStreamDefaultControllerCanCloseOrEnqueue(controller) {
  return !controller[_closeRequested] && controller[_stream][_state] === "readable";
}

function SetUpReadableStreamDefaultController(
  stream,
  controller,
  startAlgorithm,
  pullAlgorithm,
  cancelAlgorithm,
  highWaterMark,
  sizeAlgorithm,
) {
  controller[_stream] = stream;
  ResetQueue(controller);
  controller[_started] = false;
  controller[_closeRequested] = false;
  controller[_pullAgain] = false;
  controller[_pulling] = false;
  controller[_strategySizeAlgorithm] = sizeAlgorithm;
  controller[_strategyHWM] = highWaterMark;
  controller[_pullAlgorithm] = pullAlgorithm;
  controller[_cancelAlgorithm] = cancelAlgorithm;
  stream[_controller] = controller;
  const startResult = startAlgorithm();
  const startPromise = promiseResolvedWith(startResult);
  uponPromise(
    startPromise,
    () => {
      controller[_started] = true;
      ReadableStreamDefaultControllerCallPullIfNeeded(controller);
    },
    (r) => {
      ReadableStreamDefaultControllerError(controller, r);
    },
  );
}

function SetUpReadableStreamDefaultControllerFromUnderlyingSource(
  stream,
  underlyingSource,
  underlyingSourceDict,
  highWaterMark,
  sizeAlgorithm,
) {
  const controller = new ReadableStreamDefaultController(kInternal);
  let startAlgorithm = noop;
  let pullAlgorithm = resolvedUndefinedFn;
  let cancelAlgorithm = resolvedUndefinedFn;
  const { start, pull, cancel } = underlyingSourceDict;
  if (start !== undefined) startAlgorithm = () => ReflectApply(start, underlyingSource, [controller]);
  if (pull !== undefined) pullAlgorithm = () => invokePromiseCallback(pull, underlyingSource, [controller]);
  if (cancel !== undefined) cancelAlgorithm = (reason) => invokePromiseCallback(cancel, underlyingSource, [reason]);
  SetUpReadableStreamDefaultController(
    stream,
    controller,
    startAlgorithm,
    pullAlgorithm,
    cancelAlgorithm,
    highWaterMark,
    sizeAlgorithm,
  );
}

// ---------------------------------------------------------------------------
// Readable streams: byte stream controllers.

function ReadableByteStreamControllerCallPullIfNeeded(controller) {
  if (!ReadableByteStreamControllerShouldCallPull(controller)) return;
  if (controller[_pulling]) {
    controller[_pullAgain] = true;
    return;
  }
  controller[_pulling] = true;
  const pullPromise = controller[_pullAlgorithm]();
  uponPromise(
    pullPromise,
    () => {
      controller[_pulling] = false;
      if (controller[_pullAgain]) {
        controller[_pullAgain] = false;
        ReadableByteStreamControllerCallPullIfNeeded(controller);
      }
    },
    (e) => {
      ReadableByteStreamControllerError(controller, e);
    },
  );
}

function ReadableByteStreamControllerClearAlgorithms(controller) {
  controller[_pullAlgorithm] = undefined;
  controller[_cancelAlgorithm] = undefined;
}

function ReadableByteStreamControllerClearPendingPullIntos(controller) {
  ReadableByteStreamControllerInvalidateBYOBRequest(controller);
  controller[_pendingPullIntos] = new Queue();
}

function ReadableByteStreamControllerClose(controller) {
  const stream = controller[_stream];
  if (controller[_closeRequested] || stream[_state] !== "readable") return;
  if (controller[_queueTotalSize] > 0) {
    controller[_closeRequested] = true;
    return;
  }
  if (controller[_pendingPullIntos].length > 0) {
    const firstPendingPullInto = controller[_pendingPullIntos].peek();
    if (firstPendingPullInto.bytesFilled % firstPendingPullInto.elementSize !== 0) {
      const e = new TypeErrorCtor(
        "the stream was closed while a BYOB read was holding a partial element: " +
          `${firstPendingPullInto.bytesFilled} bytes filled, elements of ${firstPendingPullInto.elementSize} bytes`,
      );
      ReadableByteStreamControllerError(controller, e);
      throw e;
    }
  }
  ReadableByteStreamControllerClearAlgorithms(controller);
  ReadableStreamClose(stream);
}

function ReadableByteStreamControllerCommitPullIntoDescriptor(stream, pullIntoDescriptor) {
  let done = false;
  if (stream[_state] === "closed") done = true;
  const filledView = ReadableByteStreamControllerConvertPullIntoDescriptor(pullIntoDescriptor);
  if (pullIntoDescriptor.readerType === "default") ReadableStreamFulfillReadRequest(stream, filledView, done);
  else ReadableStreamFulfillReadIntoRequest(stream, filledView, done);
}

function ReadableByteStreamControllerConvertPullIntoDescriptor(pullIntoDescriptor) {
  const bytesFilled = pullIntoDescriptor.bytesFilled;
  const elementSize = pullIntoDescriptor.elementSize;
  const buffer = TransferArrayBuffer(pullIntoDescriptor.buffer);
  return new pullIntoDescriptor.viewConstructor(buffer, pullIntoDescriptor.byteOffset, bytesFilled / elementSize);
}

function ReadableByteStreamControllerEnqueue(controller, chunk) {
  const stream = controller[_stream];
  if (controller[_closeRequested] || stream[_state] !== "readable") return;
  const buffer = viewBuffer(chunk);
  const byteOffset = viewByteOffset(chunk);
  const byteLength = viewByteLength(chunk);
  if (IsDetachedBuffer(buffer)) throw new TypeErrorCtor("the chunk's buffer is detached");
  const transferredBuffer = TransferArrayBuffer(buffer);
  if (controller[_pendingPullIntos].length > 0) {
    const firstPendingPullInto = controller[_pendingPullIntos].peek();
    if (IsDetachedBuffer(firstPendingPullInto.buffer)) {
      throw new TypeErrorCtor("the pending BYOB request's buffer has been detached");
    }
    ReadableByteStreamControllerInvalidateBYOBRequest(controller);
    firstPendingPullInto.buffer = TransferArrayBuffer(firstPendingPullInto.buffer);
    if (firstPendingPullInto.readerType === "none") {
      ReadableByteStreamControllerEnqueueDetachedPullIntoToQueue(controller, firstPendingPullInto);
    }
  }
  if (ReadableStreamHasDefaultReader(stream)) {
    ReadableByteStreamControllerProcessReadRequestsUsingQueue(controller);
    if (ReadableStreamGetNumReadRequests(stream) === 0) {
      ReadableByteStreamControllerEnqueueChunkToQueue(controller, transferredBuffer, byteOffset, byteLength);
    } else {
      if (controller[_pendingPullIntos].length > 0) ReadableByteStreamControllerShiftPendingPullInto(controller);
      const transferredView = new Uint8ArrayCtor(transferredBuffer, byteOffset, byteLength);
      ReadableStreamFulfillReadRequest(stream, transferredView, false);
    }
  } else if (ReadableStreamHasBYOBReader(stream)) {
    ReadableByteStreamControllerEnqueueChunkToQueue(controller, transferredBuffer, byteOffset, byteLength);
    const filledPullIntos = ReadableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller);
    for (let i = 0; i < filledPullIntos.length; i++) {
      ReadableByteStreamControllerCommitPullIntoDescriptor(stream, filledPullIntos[i]);
    }
  } else {
    ReadableByteStreamControllerEnqueueChunkToQueue(controller, transferredBuffer, byteOffset, byteLength);
  }
  ReadableByteStreamControllerCallPullIfNeeded(controller);
}

function ReadableByteStreamControllerEnqueueChunkToQueue(controller, buffer, byteOffset, byteLength) {
  controller[_queue].push({ buffer, byteOffset, byteLength });
  controller[_queueTotalSize] += byteLength;
}

function ReadableByteStreamControllerEnqueueClonedChunkToQueue(controller, buffer, byteOffset, byteLength) {
  let cloneResult;
  try {
    cloneResult = CloneArrayBuffer(buffer, byteOffset, byteLength);
  } catch (e) {
    ReadableByteStreamControllerError(controller, e);
    throw e;
  }
  ReadableByteStreamControllerEnqueueChunkToQueue(controller, cloneResult, 0, byteLength);
}

function ReadableByteStreamControllerEnqueueDetachedPullIntoToQueue(controller, pullIntoDescriptor) {
  if (pullIntoDescriptor.bytesFilled > 0) {
    ReadableByteStreamControllerEnqueueClonedChunkToQueue(
      controller,
      pullIntoDescriptor.buffer,
      pullIntoDescriptor.byteOffset,
      pullIntoDescriptor.bytesFilled,
    );
  }
  ReadableByteStreamControllerShiftPendingPullInto(controller);
}

function ReadableByteStreamControllerError(controller, e) {
  const stream = controller[_stream];
  if (stream[_state] !== "readable") return;
  ReadableByteStreamControllerClearPendingPullIntos(controller);
  ResetQueue(controller);
  ReadableByteStreamControllerClearAlgorithms(controller);
  ReadableStreamError(stream, e);
}

function ReadableByteStreamControllerFillHeadPullIntoDescriptor(controller, size, pullIntoDescriptor) {
  pullIntoDescriptor.bytesFilled += size;
}

function ReadableByteStreamControllerFillPullIntoDescriptorFromQueue(controller, pullIntoDescriptor) {
  const maxBytesToCopy = MathMin(
    controller[_queueTotalSize],
    pullIntoDescriptor.byteLength - pullIntoDescriptor.bytesFilled,
  );
  const maxBytesFilled = pullIntoDescriptor.bytesFilled + maxBytesToCopy;
  let totalBytesToCopyRemaining = maxBytesToCopy;
  let ready = false;
  const remainderBytes = maxBytesFilled % pullIntoDescriptor.elementSize;
  const maxAlignedBytes = maxBytesFilled - remainderBytes;
  if (maxAlignedBytes >= pullIntoDescriptor.minimumFill) {
    totalBytesToCopyRemaining = maxAlignedBytes - pullIntoDescriptor.bytesFilled;
    ready = true;
  }
  const queue = controller[_queue];
  while (totalBytesToCopyRemaining > 0) {
    const headOfQueue = queue.peek();
    const bytesToCopy = MathMin(totalBytesToCopyRemaining, headOfQueue.byteLength);
    const destStart = pullIntoDescriptor.byteOffset + pullIntoDescriptor.bytesFilled;
    const descriptorBuffer = pullIntoDescriptor.buffer;
    const queueBuffer = headOfQueue.buffer;
    const queueByteOffset = headOfQueue.byteOffset;
    if (!CanCopyDataBlockBytes(descriptorBuffer, destStart, queueBuffer, queueByteOffset, bytesToCopy)) {
      // The standard asks implementations to stop rather than touch memory
      // they should not; erroring the stream is the way it suggests.
      const e = new TypeErrorCtor("a BYOB buffer changed under the stream (detached or shrunk)");
      ReadableByteStreamControllerError(controller, e);
      throw e;
    }
    CopyDataBlockBytes(descriptorBuffer, destStart, queueBuffer, queueByteOffset, bytesToCopy);
    if (headOfQueue.byteLength === bytesToCopy) {
      queue.shift();
    } else {
      headOfQueue.byteOffset += bytesToCopy;
      headOfQueue.byteLength -= bytesToCopy;
    }
    controller[_queueTotalSize] -= bytesToCopy;
    ReadableByteStreamControllerFillHeadPullIntoDescriptor(controller, bytesToCopy, pullIntoDescriptor);
    totalBytesToCopyRemaining -= bytesToCopy;
  }
  return ready;
}

function CanCopyDataBlockBytes(toBuffer, toIndex, fromBuffer, fromIndex, count) {
  if (toBuffer === fromBuffer) return false;
  if (IsDetachedBuffer(toBuffer)) return false;
  if (IsDetachedBuffer(fromBuffer)) return false;
  if (toIndex + count > bufferByteLength(toBuffer)) return false;
  if (fromIndex + count > bufferByteLength(fromBuffer)) return false;
  return true;
}

function ReadableByteStreamControllerFillReadRequestFromQueue(controller, readRequest) {
  const entry = controller[_queue].shift();
  controller[_queueTotalSize] -= entry.byteLength;
  ReadableByteStreamControllerHandleQueueDrain(controller);
  const view = new Uint8ArrayCtor(entry.buffer, entry.byteOffset, entry.byteLength);
  readRequest.chunkSteps(view);
}

function ReadableByteStreamControllerGetBYOBRequest(controller) {
  if (controller[_byobRequest] === null && controller[_pendingPullIntos].length > 0) {
    const firstDescriptor = controller[_pendingPullIntos].peek();
    const view = new Uint8ArrayCtor(
      firstDescriptor.buffer,
      firstDescriptor.byteOffset + firstDescriptor.bytesFilled,
      firstDescriptor.byteLength - firstDescriptor.bytesFilled,
    );
    const byobRequest = new ReadableStreamBYOBRequest(kInternal);
    byobRequest[_controller] = controller;
    byobRequest[_view] = view;
    controller[_byobRequest] = byobRequest;
  }
  return controller[_byobRequest];
}

function ReadableByteStreamControllerGetDesiredSize(controller) {
  const state = controller[_stream][_state];
  if (state === "errored") return null;
  if (state === "closed") return 0;
  return controller[_strategyHWM] - controller[_queueTotalSize];
}

function ReadableByteStreamControllerHandleQueueDrain(controller) {
  if (controller[_queueTotalSize] === 0 && controller[_closeRequested]) {
    ReadableByteStreamControllerClearAlgorithms(controller);
    ReadableStreamClose(controller[_stream]);
  } else {
    ReadableByteStreamControllerCallPullIfNeeded(controller);
  }
}

function ReadableByteStreamControllerInvalidateBYOBRequest(controller) {
  const byobRequest = controller[_byobRequest];
  if (byobRequest === null) return;
  byobRequest[_controller] = undefined;
  byobRequest[_view] = null;
  controller[_byobRequest] = null;
}

function ReadableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller) {
  const filledPullIntos = [];
  const pending = controller[_pendingPullIntos];
  while (pending.length > 0) {
    if (controller[_queueTotalSize] === 0) break;
    const pullIntoDescriptor = pending.peek();
    if (ReadableByteStreamControllerFillPullIntoDescriptorFromQueue(controller, pullIntoDescriptor)) {
      ReadableByteStreamControllerShiftPendingPullInto(controller);
      ArrayPrototypePush(filledPullIntos, pullIntoDescriptor);
    }
  }
  return filledPullIntos;
}

function ReadableByteStreamControllerProcessReadRequestsUsingQueue(controller) {
  const reader = controller[_stream][_reader];
  while (reader[_readRequests].length > 0) {
    if (controller[_queueTotalSize] === 0) return;
    const readRequest = reader[_readRequests].shift();
    ReadableByteStreamControllerFillReadRequestFromQueue(controller, readRequest);
  }
}

function ReadableByteStreamControllerPullInto(controller, view, min, readIntoRequest) {
  const stream = controller[_stream];
  let elementSize = 1;
  let ctor = DataViewCtor;
  if (!isDataView(view)) {
    const entry = typedArrayTable[TypedArrayPrototypeGetSymbolToStringTag(view)];
    elementSize = entry.size;
    ctor = entry.ctor;
  }
  const minimumFill = min * elementSize;
  const byteOffset = viewByteOffset(view);
  const byteLength = viewByteLength(view);
  let buffer;
  try {
    buffer = TransferArrayBuffer(viewBuffer(view));
  } catch (e) {
    readIntoRequest.errorSteps(e);
    return;
  }
  const pullIntoDescriptor = {
    buffer,
    bufferByteLength: bufferByteLength(buffer),
    byteOffset,
    byteLength,
    bytesFilled: 0,
    minimumFill,
    elementSize,
    viewConstructor: ctor,
    readerType: "byob",
  };
  if (controller[_pendingPullIntos].length > 0) {
    controller[_pendingPullIntos].push(pullIntoDescriptor);
    ReadableStreamAddReadIntoRequest(stream, readIntoRequest);
    return;
  }
  if (stream[_state] === "closed") {
    const emptyView = new ctor(pullIntoDescriptor.buffer, pullIntoDescriptor.byteOffset, 0);
    readIntoRequest.closeSteps(emptyView);
    return;
  }
  if (controller[_queueTotalSize] > 0) {
    if (ReadableByteStreamControllerFillPullIntoDescriptorFromQueue(controller, pullIntoDescriptor)) {
      const filledView = ReadableByteStreamControllerConvertPullIntoDescriptor(pullIntoDescriptor);
      ReadableByteStreamControllerHandleQueueDrain(controller);
      readIntoRequest.chunkSteps(filledView);
      return;
    }
    if (controller[_closeRequested]) {
      const e = new TypeErrorCtor("the stream is closing and has too few bytes left to fill the view's minimum");
      ReadableByteStreamControllerError(controller, e);
      readIntoRequest.errorSteps(e);
      return;
    }
  }
  controller[_pendingPullIntos].push(pullIntoDescriptor);
  ReadableStreamAddReadIntoRequest(stream, readIntoRequest);
  ReadableByteStreamControllerCallPullIfNeeded(controller);
}

function ReadableByteStreamControllerRespond(controller, bytesWritten, prefix = "respond") {
  const firstDescriptor = controller[_pendingPullIntos].peek();
  const state = controller[_stream][_state];
  if (state === "closed") {
    if (bytesWritten !== 0) {
      throw new TypeErrorCtor(`${prefix}: the stream is closed, so bytesWritten must be 0, got ${bytesWritten}.`);
    }
  } else {
    if (bytesWritten === 0) throw new TypeErrorCtor(`${prefix}: bytesWritten must be greater than 0 while the stream is readable.`);
    if (firstDescriptor.bytesFilled + bytesWritten > firstDescriptor.byteLength) {
      throw new RangeErrorCtor(
        `${prefix}: bytesWritten (${bytesWritten}) is more than the view has room for (${firstDescriptor.byteLength - firstDescriptor.bytesFilled}).`,
      );
    }
  }
  firstDescriptor.buffer = TransferArrayBuffer(firstDescriptor.buffer);
  ReadableByteStreamControllerRespondInternal(controller, bytesWritten);
}

function ReadableByteStreamControllerRespondInClosedState(controller, firstDescriptor) {
  if (firstDescriptor.readerType === "none") ReadableByteStreamControllerShiftPendingPullInto(controller);
  const stream = controller[_stream];
  if (ReadableStreamHasBYOBReader(stream)) {
    const filledPullIntos = [];
    while (filledPullIntos.length < ReadableStreamGetNumReadIntoRequests(stream)) {
      ArrayPrototypePush(filledPullIntos, ReadableByteStreamControllerShiftPendingPullInto(controller));
    }
    for (let i = 0; i < filledPullIntos.length; i++) {
      ReadableByteStreamControllerCommitPullIntoDescriptor(stream, filledPullIntos[i]);
    }
  }
}

function ReadableByteStreamControllerRespondInReadableState(controller, bytesWritten, pullIntoDescriptor) {
  ReadableByteStreamControllerFillHeadPullIntoDescriptor(controller, bytesWritten, pullIntoDescriptor);
  if (pullIntoDescriptor.readerType === "none") {
    ReadableByteStreamControllerEnqueueDetachedPullIntoToQueue(controller, pullIntoDescriptor);
    const filledPullIntos = ReadableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller);
    for (let i = 0; i < filledPullIntos.length; i++) {
      ReadableByteStreamControllerCommitPullIntoDescriptor(controller[_stream], filledPullIntos[i]);
    }
    return;
  }
  if (pullIntoDescriptor.bytesFilled < pullIntoDescriptor.minimumFill) return;
  ReadableByteStreamControllerShiftPendingPullInto(controller);
  const remainderSize = pullIntoDescriptor.bytesFilled % pullIntoDescriptor.elementSize;
  if (remainderSize > 0) {
    const end = pullIntoDescriptor.byteOffset + pullIntoDescriptor.bytesFilled;
    ReadableByteStreamControllerEnqueueClonedChunkToQueue(
      controller,
      pullIntoDescriptor.buffer,
      end - remainderSize,
      remainderSize,
    );
  }
  pullIntoDescriptor.bytesFilled -= remainderSize;
  const filledPullIntos = ReadableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller);
  ReadableByteStreamControllerCommitPullIntoDescriptor(controller[_stream], pullIntoDescriptor);
  for (let i = 0; i < filledPullIntos.length; i++) {
    ReadableByteStreamControllerCommitPullIntoDescriptor(controller[_stream], filledPullIntos[i]);
  }
}

function ReadableByteStreamControllerRespondInternal(controller, bytesWritten) {
  const firstDescriptor = controller[_pendingPullIntos].peek();
  ReadableByteStreamControllerInvalidateBYOBRequest(controller);
  const state = controller[_stream][_state];
  if (state === "closed") {
    ReadableByteStreamControllerRespondInClosedState(controller, firstDescriptor);
  } else {
    ReadableByteStreamControllerRespondInReadableState(controller, bytesWritten, firstDescriptor);
  }
  ReadableByteStreamControllerCallPullIfNeeded(controller);
}

function ReadableByteStreamControllerRespondWithNewView(controller, view, prefix = "respondWithNewView") {
  const firstDescriptor = controller[_pendingPullIntos].peek();
  const state = controller[_stream][_state];
  const byteLength = viewByteLength(view);
  if (state === "closed") {
    if (byteLength !== 0) {
      throw new TypeErrorCtor(`${prefix}: the stream is closed, so the view must be empty, got ${byteLength} bytes.`);
    }
  } else if (byteLength === 0) {
    throw new TypeErrorCtor(`${prefix}: the view must not be empty while the stream is readable.`);
  }
  if (firstDescriptor.byteOffset + firstDescriptor.bytesFilled !== viewByteOffset(view)) {
    throw new RangeErrorCtor(`${prefix}: the view does not start where the BYOB request's view starts.`);
  }
  if (firstDescriptor.bufferByteLength !== bufferByteLength(viewBuffer(view))) {
    throw new RangeErrorCtor(`${prefix}: the view's buffer is not the BYOB request's buffer (its length differs).`);
  }
  if (firstDescriptor.bytesFilled + byteLength > firstDescriptor.byteLength) {
    throw new RangeErrorCtor(`${prefix}: the view is longer than the BYOB request's view.`);
  }
  const viewByteLen = byteLength;
  firstDescriptor.buffer = TransferArrayBuffer(viewBuffer(view));
  ReadableByteStreamControllerRespondInternal(controller, viewByteLen);
}

function ReadableByteStreamControllerShiftPendingPullInto(controller) {
  return controller[_pendingPullIntos].shift();
}

function ReadableByteStreamControllerShouldCallPull(controller) {
  const stream = controller[_stream];
  if (stream[_state] !== "readable") return false;
  if (controller[_closeRequested]) return false;
  if (!controller[_started]) return false;
  if (ReadableStreamHasDefaultReader(stream) && ReadableStreamGetNumReadRequests(stream) > 0) return true;
  if (ReadableStreamHasBYOBReader(stream) && ReadableStreamGetNumReadIntoRequests(stream) > 0) return true;
  const desiredSize = ReadableByteStreamControllerGetDesiredSize(controller);
  return desiredSize > 0;
}

function SetUpReadableByteStreamController(
  stream,
  controller,
  startAlgorithm,
  pullAlgorithm,
  cancelAlgorithm,
  highWaterMark,
  autoAllocateChunkSize,
) {
  controller[_stream] = stream;
  controller[_pullAgain] = false;
  controller[_pulling] = false;
  controller[_byobRequest] = null;
  ResetQueue(controller);
  controller[_closeRequested] = false;
  controller[_started] = false;
  controller[_strategyHWM] = highWaterMark;
  controller[_pullAlgorithm] = pullAlgorithm;
  controller[_cancelAlgorithm] = cancelAlgorithm;
  controller[_autoAllocateChunkSize] = autoAllocateChunkSize;
  controller[_pendingPullIntos] = new Queue();
  stream[_controller] = controller;
  const startResult = startAlgorithm();
  uponPromise(
    promiseResolvedWith(startResult),
    () => {
      controller[_started] = true;
      ReadableByteStreamControllerCallPullIfNeeded(controller);
    },
    (r) => {
      ReadableByteStreamControllerError(controller, r);
    },
  );
}

function SetUpReadableByteStreamControllerFromUnderlyingSource(stream, underlyingSource, underlyingSourceDict, highWaterMark) {
  const controller = new ReadableByteStreamController(kInternal);
  let startAlgorithm = noop;
  let pullAlgorithm = resolvedUndefinedFn;
  let cancelAlgorithm = resolvedUndefinedFn;
  const { start, pull, cancel } = underlyingSourceDict;
  if (start !== undefined) startAlgorithm = () => ReflectApply(start, underlyingSource, [controller]);
  if (pull !== undefined) pullAlgorithm = () => invokePromiseCallback(pull, underlyingSource, [controller]);
  if (cancel !== undefined) cancelAlgorithm = (reason) => invokePromiseCallback(cancel, underlyingSource, [reason]);
  const autoAllocateChunkSize = underlyingSourceDict.autoAllocateChunkSize;
  if (autoAllocateChunkSize === 0) {
    throw new TypeErrorCtor(`${constructPrefix("ReadableStream")}: autoAllocateChunkSize must be greater than 0.`);
  }
  SetUpReadableByteStreamController(
    stream,
    controller,
    startAlgorithm,
    pullAlgorithm,
    cancelAlgorithm,
    highWaterMark,
    autoAllocateChunkSize,
  );
}

// ---------------------------------------------------------------------------
// The WritableStream class.

let isWritableStream;

class WritableStream {
  #brand;
  static {
    isWritableStream = (v) => isObject(v) && #brand in v;
  }

  constructor(underlyingSink = undefined, strategy = undefined) {
    this[_backpressure] = false;
    this[_closeRequest] = undefined;
    this[_controller] = undefined;
    this[_inFlightWriteRequest] = undefined;
    this[_inFlightCloseRequest] = undefined;
    this[_pendingAbortRequest] = undefined;
    this[_state] = "writable";
    this[_storedError] = undefined;
    this[_writer] = undefined;
    this[_writeRequests] = undefined;
    if (underlyingSink === kInternal) return;
    const prefix = constructPrefix("WritableStream");
    if (underlyingSink === undefined) underlyingSink = null;
    else if (!isObject(underlyingSink)) throw new TypeErrorCtor(`${prefix}: parameter 1 is not an object.`);
    const strategyDict = toQueuingStrategy(strategy, prefix, "parameter 2");
    const sinkDict = toUnderlyingSink(underlyingSink, prefix);
    if (sinkDict.type !== undefined) {
      throw new RangeErrorCtor(`${prefix}: the underlying sink's type must be undefined; no sink types are defined yet.`);
    }
    InitializeWritableStream(this);
    const sizeAlgorithm = ExtractSizeAlgorithm(strategyDict);
    const highWaterMark = ExtractHighWaterMark(strategyDict, 1);
    SetUpWritableStreamDefaultControllerFromUnderlyingSink(this, underlyingSink, sinkDict, highWaterMark, sizeAlgorithm);
  }

  get locked() {
    if (!isWritableStream(this)) throw getterBrandError("WritableStream", "locked");
    return IsWritableStreamLocked(this);
  }

  abort(reason = undefined) {
    if (!isWritableStream(this)) return PromiseReject(brandError("WritableStream", "abort"));
    if (IsWritableStreamLocked(this)) {
      return PromiseReject(methodError("WritableStream", "abort", "the stream is locked to a writer; abort it through the writer."));
    }
    return WritableStreamAbort(this, reason);
  }

  close() {
    if (!isWritableStream(this)) return PromiseReject(brandError("WritableStream", "close"));
    if (IsWritableStreamLocked(this)) {
      return PromiseReject(methodError("WritableStream", "close", "the stream is locked to a writer; close it through the writer."));
    }
    if (WritableStreamCloseQueuedOrInFlight(this)) {
      return PromiseReject(methodError("WritableStream", "close", "the stream is already closing."));
    }
    return WritableStreamClose(this);
  }

  getWriter() {
    if (!isWritableStream(this)) throw brandError("WritableStream", "getWriter");
    return AcquireWritableStreamDefaultWriter(this, methodPrefix("WritableStream", "getWriter"));
  }
}
finishInterface(WritableStream, "WritableStream");

function toUnderlyingSink(sink, prefix) {
  const dict = sink === null ? undefined : sink;
  const abort = callbackMember(dict, "abort", prefix, "the underlying sink");
  const close = callbackMember(dict, "close", prefix, "the underlying sink");
  const start = callbackMember(dict, "start", prefix, "the underlying sink");
  const type = dict === undefined ? undefined : dict.type;
  const write = callbackMember(dict, "write", prefix, "the underlying sink");
  return { abort, close, start, type, write };
}

// ---------------------------------------------------------------------------
// WritableStreamDefaultWriter.

let isWritableStreamDefaultWriter;

class WritableStreamDefaultWriter {
  #brand;
  static {
    isWritableStreamDefaultWriter = (v) => isObject(v) && #brand in v;
  }

  constructor(stream) {
    this[_closedPromise] = undefined;
    this[_readyPromise] = undefined;
    this[_stream] = undefined;
    if (stream === kInternal) return;
    const prefix = constructPrefix("WritableStreamDefaultWriter");
    if (arguments.length < 1) throw argCountError(prefix, 1, 0);
    if (!isWritableStream(stream)) throw new TypeErrorCtor(`${prefix}: parameter 1 is not a WritableStream.`);
    SetUpWritableStreamDefaultWriter(this, stream, prefix);
  }

  get closed() {
    if (!isWritableStreamDefaultWriter(this)) {
      return PromiseReject(getterBrandError("WritableStreamDefaultWriter", "closed"));
    }
    return this[_closedPromise].promise;
  }

  get desiredSize() {
    if (!isWritableStreamDefaultWriter(this)) throw getterBrandError("WritableStreamDefaultWriter", "desiredSize");
    if (this[_stream] === undefined) {
      throw new TypeErrorCtor("Failed to read the 'desiredSize' property from 'WritableStreamDefaultWriter': the writer has been released.");
    }
    return WritableStreamDefaultWriterGetDesiredSize(this);
  }

  get ready() {
    if (!isWritableStreamDefaultWriter(this)) {
      return PromiseReject(getterBrandError("WritableStreamDefaultWriter", "ready"));
    }
    return this[_readyPromise].promise;
  }

  abort(reason = undefined) {
    if (!isWritableStreamDefaultWriter(this)) return PromiseReject(brandError("WritableStreamDefaultWriter", "abort"));
    if (this[_stream] === undefined) {
      return PromiseReject(methodError("WritableStreamDefaultWriter", "abort", "the writer has been released."));
    }
    return WritableStreamDefaultWriterAbort(this, reason);
  }

  close() {
    if (!isWritableStreamDefaultWriter(this)) return PromiseReject(brandError("WritableStreamDefaultWriter", "close"));
    const stream = this[_stream];
    if (stream === undefined) {
      return PromiseReject(methodError("WritableStreamDefaultWriter", "close", "the writer has been released."));
    }
    if (WritableStreamCloseQueuedOrInFlight(stream)) {
      return PromiseReject(methodError("WritableStreamDefaultWriter", "close", "the stream is already closing."));
    }
    return WritableStreamDefaultWriterClose(this);
  }

  releaseLock() {
    if (!isWritableStreamDefaultWriter(this)) throw brandError("WritableStreamDefaultWriter", "releaseLock");
    if (this[_stream] === undefined) return;
    WritableStreamDefaultWriterRelease(this);
  }

  write(chunk = undefined) {
    if (!isWritableStreamDefaultWriter(this)) return PromiseReject(brandError("WritableStreamDefaultWriter", "write"));
    if (this[_stream] === undefined) {
      return PromiseReject(methodError("WritableStreamDefaultWriter", "write", "the writer has been released."));
    }
    return WritableStreamDefaultWriterWrite(this, chunk);
  }
}
finishInterface(WritableStreamDefaultWriter, "WritableStreamDefaultWriter");

// ---------------------------------------------------------------------------
// WritableStreamDefaultController.

let isWritableStreamDefaultController;
const closeSentinel = SymbolCtor("close sentinel");

class WritableStreamDefaultController {
  #brand;
  static {
    isWritableStreamDefaultController = (v) => isObject(v) && #brand in v;
  }

  constructor(token = undefined) {
    if (token !== kInternal) throw illegalConstructor("WritableStreamDefaultController");
    this[_abortAlgorithm] = undefined;
    // [[abortController]] is made when signal is first read: most sinks
    // never look at it. Until then _abortReason records an abort.
    this[_abortController] = undefined;
    this[_abortReason] = undefined;
    this[_closeAlgorithm] = undefined;
    this[_queue] = undefined;
    this[_queueTotalSize] = 0;
    this[_started] = false;
    this[_strategyHWM] = 0;
    this[_strategySizeAlgorithm] = undefined;
    this[_stream] = undefined;
    this[_writeAlgorithm] = undefined;
  }

  get signal() {
    if (!isWritableStreamDefaultController(this)) {
      throw getterBrandError("WritableStreamDefaultController", "signal");
    }
    const abort = getAbortSupport();
    if (this[_abortController] === undefined) {
      const controller = abort.newController();
      if (controller === undefined) {
        throw new TypeErrorCtor(
          "Failed to read the 'signal' property from 'WritableStreamDefaultController': this runtime has no AbortController.",
        );
      }
      this[_abortController] = controller;
      const recorded = this[_abortReason];
      if (recorded !== undefined) abort.abort(controller, recorded.reason);
    }
    return abort.signalOf(this[_abortController]);
  }

  error(e = undefined) {
    if (!isWritableStreamDefaultController(this)) throw brandError("WritableStreamDefaultController", "error");
    const state = this[_stream][_state];
    if (state !== "writable") return;
    WritableStreamDefaultControllerError(this, e);
  }

  [_abortSteps](reason) {
    const result = this[_abortAlgorithm](reason);
    WritableStreamDefaultControllerClearAlgorithms(this);
    return result;
  }

  [_errorSteps]() {
    ResetQueue(this);
  }
}
finishInterface(WritableStreamDefaultController, "WritableStreamDefaultController");

// signalAbort is "signal abort on controller.[[abortController]]".
function signalAbort(controller, reason) {
  if (controller[_abortController] !== undefined) {
    getAbortSupport().abort(controller[_abortController], reason);
  } else if (controller[_abortReason] === undefined) {
    controller[_abortReason] = { reason };
  }
}

// ---------------------------------------------------------------------------
// Writable streams: working with writable streams.

function AcquireWritableStreamDefaultWriter(stream, prefix) {
  const writer = new WritableStreamDefaultWriter(kInternal);
  SetUpWritableStreamDefaultWriter(writer, stream, prefix);
  return writer;
}

function CreateWritableStream(startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm) {
  const stream = new WritableStream(kInternal);
  InitializeWritableStream(stream);
  const controller = new WritableStreamDefaultController(kInternal);
  SetUpWritableStreamDefaultController(
    stream,
    controller,
    startAlgorithm,
    writeAlgorithm,
    closeAlgorithm,
    abortAlgorithm,
    highWaterMark,
    sizeAlgorithm,
  );
  return stream;
}

function InitializeWritableStream(stream) {
  stream[_state] = "writable";
  stream[_storedError] = undefined;
  stream[_writer] = undefined;
  stream[_controller] = undefined;
  stream[_inFlightWriteRequest] = undefined;
  stream[_closeRequest] = undefined;
  stream[_inFlightCloseRequest] = undefined;
  stream[_pendingAbortRequest] = undefined;
  stream[_writeRequests] = new Queue();
  stream[_backpressure] = false;
}

function IsWritableStreamLocked(stream) {
  return stream[_writer] !== undefined;
}

function SetUpWritableStreamDefaultWriter(writer, stream, prefix) {
  if (IsWritableStreamLocked(stream)) {
    const what = "the WritableStream is already locked to a writer";
    throw new TypeErrorCtor(prefix === undefined ? `Cannot get a writer: ${what}.` : `${prefix}: ${what}.`);
  }
  writer[_stream] = stream;
  stream[_writer] = writer;
  const state = stream[_state];
  if (state === "writable") {
    if (!WritableStreamCloseQueuedOrInFlight(stream) && stream[_backpressure]) writer[_readyPromise] = new Deferred();
    else writer[_readyPromise] = resolvedDeferred(undefined);
    writer[_closedPromise] = new Deferred();
  } else if (state === "erroring") {
    writer[_readyPromise] = rejectedDeferred(stream[_storedError]);
    writer[_readyPromise].markHandled();
    writer[_closedPromise] = new Deferred();
  } else if (state === "closed") {
    writer[_readyPromise] = resolvedDeferred(undefined);
    writer[_closedPromise] = resolvedDeferred(undefined);
  } else {
    const storedError = stream[_storedError];
    writer[_readyPromise] = rejectedDeferred(storedError);
    writer[_readyPromise].markHandled();
    writer[_closedPromise] = rejectedDeferred(storedError);
    writer[_closedPromise].markHandled();
  }
}

function WritableStreamAbort(stream, reason) {
  if (stream[_state] === "closed" || stream[_state] === "errored") return promiseResolvedWith(undefined);
  signalAbort(stream[_controller], reason);
  // Signalling abort ran the signal's listeners, which may have changed the
  // state.
  const state = stream[_state];
  if (state === "closed" || state === "errored") return promiseResolvedWith(undefined);
  if (stream[_pendingAbortRequest] !== undefined) return stream[_pendingAbortRequest].promise.promise;
  let wasAlreadyErroring = false;
  if (state === "erroring") {
    wasAlreadyErroring = true;
    reason = undefined;
  }
  const promise = new Deferred();
  stream[_pendingAbortRequest] = { promise, reason, wasAlreadyErroring };
  if (!wasAlreadyErroring) WritableStreamStartErroring(stream, reason);
  return promise.promise;
}

function WritableStreamClose(stream) {
  const state = stream[_state];
  if (state === "closed" || state === "errored") {
    return PromiseReject(new TypeErrorCtor(`cannot close a WritableStream that is ${state}`));
  }
  const promise = new Deferred();
  stream[_closeRequest] = promise;
  const writer = stream[_writer];
  if (writer !== undefined && stream[_backpressure] && state === "writable") writer[_readyPromise].resolve(undefined);
  WritableStreamDefaultControllerClose(stream[_controller]);
  return promise.promise;
}

// ---------------------------------------------------------------------------
// Writable streams: interfacing with controllers.

function WritableStreamAddWriteRequest(stream) {
  const promise = new Deferred();
  stream[_writeRequests].push(promise);
  return promise.promise;
}

function WritableStreamCloseQueuedOrInFlight(stream) {
  return stream[_closeRequest] !== undefined || stream[_inFlightCloseRequest] !== undefined;
}

function WritableStreamDealWithRejection(stream, error) {
  const state = stream[_state];
  if (state === "writable") {
    WritableStreamStartErroring(stream, error);
    return;
  }
  WritableStreamFinishErroring(stream);
}

function WritableStreamFinishErroring(stream) {
  stream[_state] = "errored";
  stream[_controller][_errorSteps]();
  const storedError = stream[_storedError];
  const writeRequests = stream[_writeRequests];
  stream[_writeRequests] = new Queue();
  while (writeRequests.length > 0) writeRequests.shift().reject(storedError);
  if (stream[_pendingAbortRequest] === undefined) {
    WritableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
    return;
  }
  const abortRequest = stream[_pendingAbortRequest];
  stream[_pendingAbortRequest] = undefined;
  if (abortRequest.wasAlreadyErroring) {
    abortRequest.promise.reject(storedError);
    WritableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
    return;
  }
  const promise = stream[_controller][_abortSteps](abortRequest.reason);
  uponPromise(
    promise,
    () => {
      abortRequest.promise.resolve(undefined);
      WritableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
    },
    (reason) => {
      abortRequest.promise.reject(reason);
      WritableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
    },
  );
}

function WritableStreamFinishInFlightClose(stream) {
  stream[_inFlightCloseRequest].resolve(undefined);
  stream[_inFlightCloseRequest] = undefined;
  const state = stream[_state];
  if (state === "erroring") {
    stream[_storedError] = undefined;
    if (stream[_pendingAbortRequest] !== undefined) {
      stream[_pendingAbortRequest].promise.resolve(undefined);
      stream[_pendingAbortRequest] = undefined;
    }
  }
  stream[_state] = "closed";
  const writer = stream[_writer];
  if (writer !== undefined) writer[_closedPromise].resolve(undefined);
}

function WritableStreamFinishInFlightCloseWithError(stream, error) {
  stream[_inFlightCloseRequest].reject(error);
  stream[_inFlightCloseRequest] = undefined;
  if (stream[_pendingAbortRequest] !== undefined) {
    stream[_pendingAbortRequest].promise.reject(error);
    stream[_pendingAbortRequest] = undefined;
  }
  WritableStreamDealWithRejection(stream, error);
}

function WritableStreamFinishInFlightWrite(stream) {
  stream[_inFlightWriteRequest].resolve(undefined);
  stream[_inFlightWriteRequest] = undefined;
}

function WritableStreamFinishInFlightWriteWithError(stream, error) {
  stream[_inFlightWriteRequest].reject(error);
  stream[_inFlightWriteRequest] = undefined;
  WritableStreamDealWithRejection(stream, error);
}

function WritableStreamHasOperationMarkedInFlight(stream) {
  return stream[_inFlightWriteRequest] !== undefined || stream[_inFlightCloseRequest] !== undefined;
}

function WritableStreamMarkCloseRequestInFlight(stream) {
  stream[_inFlightCloseRequest] = stream[_closeRequest];
  stream[_closeRequest] = undefined;
}

function WritableStreamMarkFirstWriteRequestInFlight(stream) {
  stream[_inFlightWriteRequest] = stream[_writeRequests].shift();
}

function WritableStreamRejectCloseAndClosedPromiseIfNeeded(stream) {
  if (stream[_closeRequest] !== undefined) {
    stream[_closeRequest].reject(stream[_storedError]);
    stream[_closeRequest] = undefined;
  }
  const writer = stream[_writer];
  if (writer !== undefined) {
    writer[_closedPromise].reject(stream[_storedError]);
    writer[_closedPromise].markHandled();
  }
}

function WritableStreamStartErroring(stream, reason) {
  const controller = stream[_controller];
  stream[_state] = "erroring";
  stream[_storedError] = reason;
  const writer = stream[_writer];
  if (writer !== undefined) WritableStreamDefaultWriterEnsureReadyPromiseRejected(writer, reason);
  if (!WritableStreamHasOperationMarkedInFlight(stream) && controller[_started]) WritableStreamFinishErroring(stream);
}

function WritableStreamUpdateBackpressure(stream, backpressure) {
  const writer = stream[_writer];
  if (writer !== undefined && backpressure !== stream[_backpressure]) {
    if (backpressure) writer[_readyPromise] = new Deferred();
    else writer[_readyPromise].resolve(undefined);
  }
  stream[_backpressure] = backpressure;
}

// ---------------------------------------------------------------------------
// Writable streams: writers.

function WritableStreamDefaultWriterAbort(writer, reason) {
  return WritableStreamAbort(writer[_stream], reason);
}

function WritableStreamDefaultWriterClose(writer) {
  return WritableStreamClose(writer[_stream]);
}

function WritableStreamDefaultWriterCloseWithErrorPropagation(writer) {
  const stream = writer[_stream];
  const state = stream[_state];
  if (WritableStreamCloseQueuedOrInFlight(stream) || state === "closed") return resolvedUndefined;
  if (state === "errored") return PromiseReject(stream[_storedError]);
  return WritableStreamDefaultWriterClose(writer);
}

function WritableStreamDefaultWriterEnsureClosedPromiseRejected(writer, error) {
  if (writer[_closedPromise].state === "pending") writer[_closedPromise].reject(error);
  else writer[_closedPromise] = rejectedDeferred(error);
  writer[_closedPromise].markHandled();
}

function WritableStreamDefaultWriterEnsureReadyPromiseRejected(writer, error) {
  if (writer[_readyPromise].state === "pending") writer[_readyPromise].reject(error);
  else writer[_readyPromise] = rejectedDeferred(error);
  writer[_readyPromise].markHandled();
}

function WritableStreamDefaultWriterGetDesiredSize(writer) {
  const stream = writer[_stream];
  const state = stream[_state];
  if (state === "errored" || state === "erroring") return null;
  if (state === "closed") return 0;
  return WritableStreamDefaultControllerGetDesiredSize(stream[_controller]);
}

function WritableStreamDefaultWriterRelease(writer) {
  const stream = writer[_stream];
  const releasedError = new TypeErrorCtor("the writer's lock on the stream was released");
  WritableStreamDefaultWriterEnsureReadyPromiseRejected(writer, releasedError);
  WritableStreamDefaultWriterEnsureClosedPromiseRejected(writer, releasedError);
  stream[_writer] = undefined;
  writer[_stream] = undefined;
}

function WritableStreamDefaultWriterWrite(writer, chunk) {
  const stream = writer[_stream];
  const controller = stream[_controller];
  const chunkSize = WritableStreamDefaultControllerGetChunkSize(controller, chunk);
  if (stream !== writer[_stream]) {
    return PromiseReject(new TypeErrorCtor("the writer was released while the chunk's size was being computed"));
  }
  const state = stream[_state];
  if (state === "errored") return PromiseReject(stream[_storedError]);
  if (WritableStreamCloseQueuedOrInFlight(stream) || state === "closed") {
    return PromiseReject(new TypeErrorCtor(`cannot write to a WritableStream that is ${state === "closed" ? "closed" : "closing"}`));
  }
  if (state === "erroring") return PromiseReject(stream[_storedError]);
  const promise = WritableStreamAddWriteRequest(stream);
  WritableStreamDefaultControllerWrite(controller, chunk, chunkSize);
  return promise;
}

// ---------------------------------------------------------------------------
// Writable streams: default controllers.

function SetUpWritableStreamDefaultController(
  stream,
  controller,
  startAlgorithm,
  writeAlgorithm,
  closeAlgorithm,
  abortAlgorithm,
  highWaterMark,
  sizeAlgorithm,
) {
  controller[_stream] = stream;
  stream[_controller] = controller;
  ResetQueue(controller);
  controller[_abortController] = undefined;
  controller[_abortReason] = undefined;
  controller[_started] = false;
  controller[_strategySizeAlgorithm] = sizeAlgorithm;
  controller[_strategyHWM] = highWaterMark;
  controller[_writeAlgorithm] = writeAlgorithm;
  controller[_closeAlgorithm] = closeAlgorithm;
  controller[_abortAlgorithm] = abortAlgorithm;
  const backpressure = WritableStreamDefaultControllerGetBackpressure(controller);
  WritableStreamUpdateBackpressure(stream, backpressure);
  const startResult = startAlgorithm();
  const startPromise = promiseResolvedWith(startResult);
  uponPromise(
    startPromise,
    () => {
      controller[_started] = true;
      WritableStreamDefaultControllerAdvanceQueueIfNeeded(controller);
    },
    (r) => {
      controller[_started] = true;
      WritableStreamDealWithRejection(stream, r);
    },
  );
}

function SetUpWritableStreamDefaultControllerFromUnderlyingSink(stream, underlyingSink, underlyingSinkDict, highWaterMark, sizeAlgorithm) {
  const controller = new WritableStreamDefaultController(kInternal);
  let startAlgorithm = noop;
  let writeAlgorithm = resolvedUndefinedFn;
  let closeAlgorithm = resolvedUndefinedFn;
  let abortAlgorithm = resolvedUndefinedFn;
  const { start, write, close, abort } = underlyingSinkDict;
  if (start !== undefined) startAlgorithm = () => ReflectApply(start, underlyingSink, [controller]);
  if (write !== undefined) writeAlgorithm = (chunk) => invokePromiseCallback(write, underlyingSink, [chunk, controller]);
  if (close !== undefined) closeAlgorithm = () => invokePromiseCallback(close, underlyingSink, []);
  if (abort !== undefined) abortAlgorithm = (reason) => invokePromiseCallback(abort, underlyingSink, [reason]);
  SetUpWritableStreamDefaultController(
    stream,
    controller,
    startAlgorithm,
    writeAlgorithm,
    closeAlgorithm,
    abortAlgorithm,
    highWaterMark,
    sizeAlgorithm,
  );
}

function WritableStreamDefaultControllerAdvanceQueueIfNeeded(controller) {
  const stream = controller[_stream];
  if (!controller[_started]) return;
  if (stream[_inFlightWriteRequest] !== undefined) return;
  const state = stream[_state];
  if (state === "erroring") {
    WritableStreamFinishErroring(stream);
    return;
  }
  if (controller[_queue].length === 0) return;
  const value = PeekQueueValue(controller);
  if (value === closeSentinel) WritableStreamDefaultControllerProcessClose(controller);
  else WritableStreamDefaultControllerProcessWrite(controller, value);
}

function WritableStreamDefaultControllerClearAlgorithms(controller) {
  controller[_writeAlgorithm] = undefined;
  controller[_closeAlgorithm] = undefined;
  controller[_abortAlgorithm] = undefined;
  controller[_strategySizeAlgorithm] = undefined;
}

function WritableStreamDefaultControllerClose(controller) {
  EnqueueValueWithSize(controller, closeSentinel, 0);
  WritableStreamDefaultControllerAdvanceQueueIfNeeded(controller);
}

function WritableStreamDefaultControllerError(controller, error) {
  const stream = controller[_stream];
  WritableStreamDefaultControllerClearAlgorithms(controller);
  WritableStreamStartErroring(stream, error);
}

function WritableStreamDefaultControllerErrorIfNeeded(controller, error) {
  if (controller[_stream][_state] === "writable") WritableStreamDefaultControllerError(controller, error);
}

function WritableStreamDefaultControllerGetBackpressure(controller) {
  return WritableStreamDefaultControllerGetDesiredSize(controller) <= 0;
}

function WritableStreamDefaultControllerGetChunkSize(controller, chunk) {
  const sizeAlgorithm = controller[_strategySizeAlgorithm];
  if (sizeAlgorithm === undefined) return 1;
  try {
    return sizeAlgorithm(chunk);
  } catch (e) {
    WritableStreamDefaultControllerErrorIfNeeded(controller, e);
    return 1;
  }
}

function WritableStreamDefaultControllerGetDesiredSize(controller) {
  return controller[_strategyHWM] - controller[_queueTotalSize];
}

function WritableStreamDefaultControllerProcessClose(controller) {
  const stream = controller[_stream];
  WritableStreamMarkCloseRequestInFlight(stream);
  DequeueValue(controller);
  const sinkClosePromise = controller[_closeAlgorithm]();
  WritableStreamDefaultControllerClearAlgorithms(controller);
  uponPromise(
    sinkClosePromise,
    () => {
      WritableStreamFinishInFlightClose(stream);
    },
    (reason) => {
      WritableStreamFinishInFlightCloseWithError(stream, reason);
    },
  );
}

function WritableStreamDefaultControllerProcessWrite(controller, chunk) {
  const stream = controller[_stream];
  WritableStreamMarkFirstWriteRequestInFlight(stream);
  const sinkWritePromise = controller[_writeAlgorithm](chunk);
  uponPromise(
    sinkWritePromise,
    () => {
      WritableStreamFinishInFlightWrite(stream);
      const state = stream[_state];
      DequeueValue(controller);
      if (!WritableStreamCloseQueuedOrInFlight(stream) && state === "writable") {
        const backpressure = WritableStreamDefaultControllerGetBackpressure(controller);
        WritableStreamUpdateBackpressure(stream, backpressure);
      }
      WritableStreamDefaultControllerAdvanceQueueIfNeeded(controller);
    },
    (reason) => {
      if (stream[_state] === "writable") WritableStreamDefaultControllerClearAlgorithms(controller);
      WritableStreamFinishInFlightWriteWithError(stream, reason);
    },
  );
}

function WritableStreamDefaultControllerWrite(controller, chunk, chunkSize) {
  try {
    EnqueueValueWithSize(controller, chunk, chunkSize);
  } catch (e) {
    WritableStreamDefaultControllerErrorIfNeeded(controller, e);
    return;
  }
  const stream = controller[_stream];
  if (!WritableStreamCloseQueuedOrInFlight(stream) && stream[_state] === "writable") {
    const backpressure = WritableStreamDefaultControllerGetBackpressure(controller);
    WritableStreamUpdateBackpressure(stream, backpressure);
  }
  WritableStreamDefaultControllerAdvanceQueueIfNeeded(controller);
}

// ---------------------------------------------------------------------------
// The TransformStream class.

let isTransformStream;

class TransformStream {
  #brand;
  static {
    isTransformStream = (v) => isObject(v) && #brand in v;
  }

  constructor(transformer = undefined, writableStrategy = undefined, readableStrategy = undefined) {
    this[_backpressure] = undefined;
    this[_backpressureChangePromise] = undefined;
    this[_controller] = undefined;
    this[_readable] = undefined;
    this[_writable] = undefined;
    if (transformer === kInternal) return;
    const prefix = constructPrefix("TransformStream");
    if (transformer === undefined) transformer = null;
    else if (!isObject(transformer)) throw new TypeErrorCtor(`${prefix}: parameter 1 is not an object.`);
    const writableStrategyDict = toQueuingStrategy(writableStrategy, prefix, "parameter 2");
    const readableStrategyDict = toQueuingStrategy(readableStrategy, prefix, "parameter 3");
    const transformerDict = toTransformer(transformer, prefix);
    if (transformerDict.readableType !== undefined) {
      throw new RangeErrorCtor(`${prefix}: the transformer's readableType must be undefined.`);
    }
    if (transformerDict.writableType !== undefined) {
      throw new RangeErrorCtor(`${prefix}: the transformer's writableType must be undefined.`);
    }
    const readableHighWaterMark = ExtractHighWaterMark(readableStrategyDict, 0);
    const readableSizeAlgorithm = ExtractSizeAlgorithm(readableStrategyDict);
    const writableHighWaterMark = ExtractHighWaterMark(writableStrategyDict, 1);
    const writableSizeAlgorithm = ExtractSizeAlgorithm(writableStrategyDict);
    const startPromise = new Deferred();
    InitializeTransformStream(
      this,
      startPromise.promise,
      writableHighWaterMark,
      writableSizeAlgorithm,
      readableHighWaterMark,
      readableSizeAlgorithm,
    );
    SetUpTransformStreamDefaultControllerFromTransformer(this, transformer, transformerDict);
    if (transformerDict.start !== undefined) {
      startPromise.resolve(ReflectApply(transformerDict.start, transformer, [this[_controller]]));
    } else {
      startPromise.resolve(undefined);
    }
  }

  get readable() {
    if (!isTransformStream(this)) throw getterBrandError("TransformStream", "readable");
    return this[_readable];
  }

  get writable() {
    if (!isTransformStream(this)) throw getterBrandError("TransformStream", "writable");
    return this[_writable];
  }
}
finishInterface(TransformStream, "TransformStream");

function toTransformer(transformer, prefix) {
  const dict = transformer === null ? undefined : transformer;
  const cancel = callbackMember(dict, "cancel", prefix, "the transformer");
  const flush = callbackMember(dict, "flush", prefix, "the transformer");
  const readableType = dict === undefined ? undefined : dict.readableType;
  const start = callbackMember(dict, "start", prefix, "the transformer");
  const transform = callbackMember(dict, "transform", prefix, "the transformer");
  const writableType = dict === undefined ? undefined : dict.writableType;
  return { cancel, flush, readableType, start, transform, writableType };
}

// ---------------------------------------------------------------------------
// TransformStreamDefaultController.

let isTransformStreamDefaultController;

class TransformStreamDefaultController {
  #brand;
  static {
    isTransformStreamDefaultController = (v) => isObject(v) && #brand in v;
  }

  constructor(token = undefined) {
    if (token !== kInternal) throw illegalConstructor("TransformStreamDefaultController");
    this[_cancelAlgorithm] = undefined;
    this[_finishPromise] = undefined;
    this[_flushAlgorithm] = undefined;
    this[_stream] = undefined;
    this[_transformAlgorithm] = undefined;
  }

  get desiredSize() {
    if (!isTransformStreamDefaultController(this)) {
      throw getterBrandError("TransformStreamDefaultController", "desiredSize");
    }
    const readableController = this[_stream][_readable][_controller];
    return ReadableStreamDefaultControllerGetDesiredSize(readableController);
  }

  enqueue(chunk = undefined) {
    if (!isTransformStreamDefaultController(this)) throw brandError("TransformStreamDefaultController", "enqueue");
    TransformStreamDefaultControllerEnqueue(this, chunk);
  }

  error(reason = undefined) {
    if (!isTransformStreamDefaultController(this)) throw brandError("TransformStreamDefaultController", "error");
    TransformStreamDefaultControllerError(this, reason);
  }

  terminate() {
    if (!isTransformStreamDefaultController(this)) throw brandError("TransformStreamDefaultController", "terminate");
    TransformStreamDefaultControllerTerminate(this);
  }
}
finishInterface(TransformStreamDefaultController, "TransformStreamDefaultController");

// ---------------------------------------------------------------------------
// Transform streams: working with transform streams.

function InitializeTransformStream(
  stream,
  startPromise,
  writableHighWaterMark,
  writableSizeAlgorithm,
  readableHighWaterMark,
  readableSizeAlgorithm,
) {
  const startAlgorithm = () => startPromise;
  const writeAlgorithm = (chunk) => TransformStreamDefaultSinkWriteAlgorithm(stream, chunk);
  const abortAlgorithm = (reason) => TransformStreamDefaultSinkAbortAlgorithm(stream, reason);
  const closeAlgorithm = () => TransformStreamDefaultSinkCloseAlgorithm(stream);
  stream[_writable] = CreateWritableStream(
    startAlgorithm,
    writeAlgorithm,
    closeAlgorithm,
    abortAlgorithm,
    writableHighWaterMark,
    writableSizeAlgorithm,
  );
  const pullAlgorithm = () => TransformStreamDefaultSourcePullAlgorithm(stream);
  const cancelAlgorithm = (reason) => TransformStreamDefaultSourceCancelAlgorithm(stream, reason);
  stream[_readable] = CreateReadableStream(
    startAlgorithm,
    pullAlgorithm,
    cancelAlgorithm,
    readableHighWaterMark,
    readableSizeAlgorithm,
  );
  stream[_backpressure] = undefined;
  stream[_backpressureChangePromise] = undefined;
  TransformStreamSetBackpressure(stream, true);
  stream[_controller] = undefined;
}

function TransformStreamError(stream, e) {
  ReadableStreamDefaultControllerError(stream[_readable][_controller], e);
  TransformStreamErrorWritableAndUnblockWrite(stream, e);
}

function TransformStreamErrorWritableAndUnblockWrite(stream, e) {
  TransformStreamDefaultControllerClearAlgorithms(stream[_controller]);
  WritableStreamDefaultControllerErrorIfNeeded(stream[_writable][_controller], e);
  TransformStreamUnblockWrite(stream);
}

function TransformStreamSetBackpressure(stream, backpressure) {
  if (stream[_backpressureChangePromise] !== undefined) stream[_backpressureChangePromise].resolve(undefined);
  stream[_backpressureChangePromise] = new Deferred();
  stream[_backpressure] = backpressure;
}

function TransformStreamUnblockWrite(stream) {
  if (stream[_backpressure] === true) TransformStreamSetBackpressure(stream, false);
}

// ---------------------------------------------------------------------------
// Transform streams: default controllers.

function SetUpTransformStreamDefaultController(stream, controller, transformAlgorithm, flushAlgorithm, cancelAlgorithm) {
  controller[_stream] = stream;
  stream[_controller] = controller;
  controller[_transformAlgorithm] = transformAlgorithm;
  controller[_flushAlgorithm] = flushAlgorithm;
  controller[_cancelAlgorithm] = cancelAlgorithm;
}

function SetUpTransformStreamDefaultControllerFromTransformer(stream, transformer, transformerDict) {
  const controller = new TransformStreamDefaultController(kInternal);
  let transformAlgorithm = (chunk) => {
    try {
      TransformStreamDefaultControllerEnqueue(controller, chunk);
    } catch (e) {
      return PromiseReject(e);
    }
    return resolvedUndefined;
  };
  let flushAlgorithm = resolvedUndefinedFn;
  let cancelAlgorithm = resolvedUndefinedFn;
  const { transform, flush, cancel } = transformerDict;
  if (transform !== undefined) {
    transformAlgorithm = (chunk) => invokePromiseCallback(transform, transformer, [chunk, controller]);
  }
  if (flush !== undefined) flushAlgorithm = () => invokePromiseCallback(flush, transformer, [controller]);
  if (cancel !== undefined) cancelAlgorithm = (reason) => invokePromiseCallback(cancel, transformer, [reason]);
  SetUpTransformStreamDefaultController(stream, controller, transformAlgorithm, flushAlgorithm, cancelAlgorithm);
}

function TransformStreamDefaultControllerClearAlgorithms(controller) {
  controller[_transformAlgorithm] = undefined;
  controller[_flushAlgorithm] = undefined;
  controller[_cancelAlgorithm] = undefined;
}

function TransformStreamDefaultControllerEnqueue(controller, chunk) {
  const stream = controller[_stream];
  const readableController = stream[_readable][_controller];
  if (!ReadableStreamDefaultControllerCanCloseOrEnqueue(readableController)) {
    throw cannotCloseOrEnqueue("TransformStreamDefaultController", "enqueue", readableController);
  }
  try {
    ReadableStreamDefaultControllerEnqueue(readableController, chunk);
  } catch (e) {
    TransformStreamErrorWritableAndUnblockWrite(stream, e);
    throw stream[_readable][_storedError];
  }
  const backpressure = ReadableStreamDefaultControllerHasBackpressure(readableController);
  if (backpressure !== stream[_backpressure]) TransformStreamSetBackpressure(stream, true);
}

function TransformStreamDefaultControllerError(controller, e) {
  TransformStreamError(controller[_stream], e);
}

function TransformStreamDefaultControllerPerformTransform(controller, chunk) {
  const transformAlgorithm = controller[_transformAlgorithm];
  if (transformAlgorithm === undefined) {
    // The readable side was canceled and its cancel steps are still running
    // (they clear the algorithms at once but error the writable side only
    // when the transformer's cancel settles). The standard would perform an
    // undefined algorithm here; this write fails the way the writable side
    // is about to, with the cancel's outcome.
    const stream = controller[_stream];
    return transformPromiseWith(controller[_finishPromise].promise, () => {
      throw stream[_writable][_storedError];
    });
  }
  const transformPromise = transformAlgorithm(chunk);
  return transformPromiseWith(transformPromise, undefined, (r) => {
    TransformStreamError(controller[_stream], r);
    throw r;
  });
}

function TransformStreamDefaultControllerTerminate(controller) {
  const stream = controller[_stream];
  const readableController = stream[_readable][_controller];
  ReadableStreamDefaultControllerClose(readableController);
  const error = new TypeErrorCtor("the TransformStream was terminated");
  TransformStreamErrorWritableAndUnblockWrite(stream, error);
}

// ---------------------------------------------------------------------------
// Transform streams: default sinks and sources.

function TransformStreamDefaultSinkWriteAlgorithm(stream, chunk) {
  const controller = stream[_controller];
  if (stream[_backpressure]) {
    // The reaction's result is settled by hand rather than by returning
    // the transform's promise from the reaction: adopting a promise would
    // look up its (user-replaceable) then and cost two more microtasks per
    // chunk.
    const result = new Deferred();
    uponPromise(
      stream[_backpressureChangePromise].promise,
      () => {
        const writable = stream[_writable];
        const state = writable[_state];
        if (state === "erroring") {
          result.reject(writable[_storedError]);
          return;
        }
        uponPromise(
          TransformStreamDefaultControllerPerformTransform(controller, chunk),
          () => result.resolve(undefined),
          (e) => result.reject(e),
        );
      },
      (e) => result.reject(e),
    );
    return result.promise;
  }
  return TransformStreamDefaultControllerPerformTransform(controller, chunk);
}

function TransformStreamDefaultSinkAbortAlgorithm(stream, reason) {
  const controller = stream[_controller];
  if (controller[_finishPromise] !== undefined) return controller[_finishPromise].promise;
  const readable = stream[_readable];
  controller[_finishPromise] = new Deferred();
  const cancelPromise = controller[_cancelAlgorithm](reason);
  TransformStreamDefaultControllerClearAlgorithms(controller);
  uponPromise(
    cancelPromise,
    () => {
      if (readable[_state] === "errored") {
        controller[_finishPromise].reject(readable[_storedError]);
      } else {
        ReadableStreamDefaultControllerError(readable[_controller], reason);
        controller[_finishPromise].resolve(undefined);
      }
    },
    (r) => {
      ReadableStreamDefaultControllerError(readable[_controller], r);
      controller[_finishPromise].reject(r);
    },
  );
  return controller[_finishPromise].promise;
}

function TransformStreamDefaultSinkCloseAlgorithm(stream) {
  const controller = stream[_controller];
  if (controller[_finishPromise] !== undefined) return controller[_finishPromise].promise;
  const readable = stream[_readable];
  controller[_finishPromise] = new Deferred();
  const flushPromise = controller[_flushAlgorithm]();
  TransformStreamDefaultControllerClearAlgorithms(controller);
  uponPromise(
    flushPromise,
    () => {
      if (readable[_state] === "errored") {
        controller[_finishPromise].reject(readable[_storedError]);
      } else {
        ReadableStreamDefaultControllerClose(readable[_controller]);
        controller[_finishPromise].resolve(undefined);
      }
    },
    (r) => {
      ReadableStreamDefaultControllerError(readable[_controller], r);
      controller[_finishPromise].reject(r);
    },
  );
  return controller[_finishPromise].promise;
}

function TransformStreamDefaultSourceCancelAlgorithm(stream, reason) {
  const controller = stream[_controller];
  if (controller[_finishPromise] !== undefined) return controller[_finishPromise].promise;
  const writable = stream[_writable];
  controller[_finishPromise] = new Deferred();
  const cancelPromise = controller[_cancelAlgorithm](reason);
  TransformStreamDefaultControllerClearAlgorithms(controller);
  uponPromise(
    cancelPromise,
    () => {
      if (writable[_state] === "errored") {
        controller[_finishPromise].reject(writable[_storedError]);
      } else {
        WritableStreamDefaultControllerErrorIfNeeded(writable[_controller], reason);
        TransformStreamUnblockWrite(stream);
        controller[_finishPromise].resolve(undefined);
      }
    },
    (r) => {
      WritableStreamDefaultControllerErrorIfNeeded(writable[_controller], r);
      TransformStreamUnblockWrite(stream);
      controller[_finishPromise].reject(r);
    },
  );
  return controller[_finishPromise].promise;
}

function TransformStreamDefaultSourcePullAlgorithm(stream) {
  TransformStreamSetBackpressure(stream, false);
  return stream[_backpressureChangePromise].promise;
}

// ---------------------------------------------------------------------------
// Queuing strategies.

// The size functions are one per global, shared by every instance; they
// are functions, not methods, so they do not check this.
const byteLengthQueuingStrategySize = {
  size(chunk) {
    return chunk.byteLength;
  },
}.size;
const countQueuingStrategySize = {
  size() {
    return 1;
  },
}.size;

function toQueuingStrategyInit(init, prefix) {
  if (init === undefined || init === null) {
    throw new TypeErrorCtor(`${prefix}: parameter 1 needs a highWaterMark member.`);
  }
  if (!isObject(init)) throw new TypeErrorCtor(`${prefix}: parameter 1 is not an object.`);
  const hwm = init.highWaterMark;
  if (hwm === undefined) throw new TypeErrorCtor(`${prefix}: parameter 1 needs a highWaterMark member.`);
  return toUnrestrictedDouble(hwm);
}

let isByteLengthQueuingStrategy;

class ByteLengthQueuingStrategy {
  #brand;
  static {
    isByteLengthQueuingStrategy = (v) => isObject(v) && #brand in v;
  }

  constructor(init) {
    const prefix = constructPrefix("ByteLengthQueuingStrategy");
    if (arguments.length < 1) throw argCountError(prefix, 1, 0);
    this[_highWaterMark] = toQueuingStrategyInit(init, prefix);
  }

  get highWaterMark() {
    if (!isByteLengthQueuingStrategy(this)) throw getterBrandError("ByteLengthQueuingStrategy", "highWaterMark");
    return this[_highWaterMark];
  }

  get size() {
    if (!isByteLengthQueuingStrategy(this)) throw getterBrandError("ByteLengthQueuingStrategy", "size");
    return byteLengthQueuingStrategySize;
  }
}
finishInterface(ByteLengthQueuingStrategy, "ByteLengthQueuingStrategy");

let isCountQueuingStrategy;

class CountQueuingStrategy {
  #brand;
  static {
    isCountQueuingStrategy = (v) => isObject(v) && #brand in v;
  }

  constructor(init) {
    const prefix = constructPrefix("CountQueuingStrategy");
    if (arguments.length < 1) throw argCountError(prefix, 1, 0);
    this[_highWaterMark] = toQueuingStrategyInit(init, prefix);
  }

  get highWaterMark() {
    if (!isCountQueuingStrategy(this)) throw getterBrandError("CountQueuingStrategy", "highWaterMark");
    return this[_highWaterMark];
  }

  get size() {
    if (!isCountQueuingStrategy(this)) throw getterBrandError("CountQueuingStrategy", "size");
    return countQueuingStrategySize;
  }
}
finishInterface(CountQueuingStrategy, "CountQueuingStrategy");

// ---------------------------------------------------------------------------
// Internals for other families (the standard's "using streams in other
// specifications"), shared with core.provide("streams", ...).

// createPullStream makes a byte stream whose bytes come from pullFn, e.g. a
// Go op reading a body: pullFn() returns (a promise of) a Uint8Array, or
// null at the end; the stream transfers the array's buffer, so pullFn must
// not keep using it. cancelFn(reason), if given, is called when the
// consumer cancels. Empty chunks are skipped. Nothing is pulled before a
// read unless highWaterMark (bytes, default 0) asks for read-ahead.
function createPullStream(pullFn, cancelFn = undefined, highWaterMark = 0) {
  if (typeof pullFn !== "function") throw new TypeErrorCtor("createPullStream: pullFn must be a function");
  if (cancelFn !== undefined && typeof cancelFn !== "function") {
    throw new TypeErrorCtor("createPullStream: cancelFn must be a function or undefined");
  }
  if (!IsNonNegativeNumber(highWaterMark)) {
    throw new RangeErrorCtor("createPullStream: highWaterMark must be a non-negative number");
  }
  let stream;
  const pullAlgorithm = () => {
    const done = new Deferred();
    const pullOnce = () => {
      let result;
      try {
        result = PromiseResolve(pullFn());
      } catch (e) {
        done.reject(e);
        return;
      }
      uponPromise(
        result,
        (chunk) => {
          const controller = stream[_controller];
          if (stream[_state] !== "readable" || controller[_closeRequested]) {
            done.resolve(undefined);
            return;
          }
          try {
            if (chunk === null || chunk === undefined) {
              ReadableByteStreamControllerClose(controller);
              if (controller[_pendingPullIntos].length > 0) ReadableByteStreamControllerRespond(controller, 0);
            } else if (!isUint8Array(chunk)) {
              throw new TypeErrorCtor("a pull stream's source produced a chunk that is not a Uint8Array");
            } else if (TypedArrayPrototypeGetByteLength(chunk) === 0) {
              // An empty chunk is "nothing yet": pull again rather than
              // stall.
              pullOnce();
              return;
            } else {
              ReadableByteStreamControllerEnqueue(controller, chunk);
            }
          } catch (e) {
            done.reject(e);
            return;
          }
          done.resolve(undefined);
        },
        (e) => done.reject(e),
      );
    };
    pullOnce();
    return done.promise;
  };
  const cancelAlgorithm = (reason) => {
    if (cancelFn === undefined) return resolvedUndefined;
    try {
      return PromiseResolve(cancelFn(reason));
    } catch (e) {
      return PromiseReject(e);
    }
  };
  stream = CreateReadableByteStream(noop, pullAlgorithm, cancelAlgorithm, highWaterMark);
  return stream;
}

// createBytesStream makes a byte stream that yields a copy of bytes (an
// ArrayBuffer or a view) and closes: what a body built from a BufferSource
// or a string is.
function createBytesStream(bytes) {
  let copy;
  if (ArrayBufferIsView(bytes)) {
    copy = CloneArrayBuffer(viewBuffer(bytes), viewByteOffset(bytes), viewByteLength(bytes));
  } else if (isArrayBuffer(bytes)) {
    copy = ArrayBufferPrototypeSlice(bytes, 0);
  } else {
    throw new TypeErrorCtor("createBytesStream: bytes must be an ArrayBuffer or an ArrayBufferView");
  }
  const stream = CreateReadableByteStream(noop, resolvedUndefinedFn, resolvedUndefinedFn, 0);
  const controller = stream[_controller];
  if (bufferByteLength(copy) > 0) ReadableByteStreamControllerEnqueue(controller, new Uint8ArrayCtor(copy));
  ReadableByteStreamControllerClose(controller);
  return stream;
}

// readAll reads every chunk of stream and fulfills with their bytes
// concatenated in one Uint8Array ("read all bytes"). It locks the stream
// for good, as consuming a body does. A chunk that is not an
// ArrayBufferView rejects with a TypeError; as in the Fetch Standard's
// "fully read", the stream is left as it is (not canceled).
function readAll(stream) {
  if (!isReadableStream(stream)) return PromiseReject(new TypeErrorCtor("readAll: not a ReadableStream"));
  let reader;
  try {
    reader = AcquireReadableStreamDefaultReader(stream);
  } catch (e) {
    return PromiseReject(e);
  }
  // A byte stream's chunks sit in buffers it transferred: nobody else can
  // write to them, so they are kept as they are; a default stream's chunks
  // are copied when read, since their producer may still hold them.
  const owned = isReadableByteStreamController(stream[_controller]);
  const d = new Deferred();
  const chunks = [];
  let total = 0;
  let synchronous = false;
  let gotChunkSynchronously = false;
  const readRequest = {
    chunkSteps(chunk) {
      if (!ArrayBufferIsView(chunk)) {
        const e = new TypeErrorCtor(
          `a body chunk must be a Uint8Array or another ArrayBufferView, got ${chunk === null ? "null" : typeof chunk}`,
        );
        d.reject(e);
        return;
      }
      const length = viewByteLength(chunk);
      if (length > 0) {
        if (owned && isUint8Array(chunk)) {
          ArrayPrototypePush(chunks, chunk);
        } else {
          ArrayPrototypePush(chunks, new Uint8ArrayCtor(CloneArrayBuffer(viewBuffer(chunk), viewByteOffset(chunk), length)));
        }
        total += length;
      }
      if (synchronous) gotChunkSynchronously = true;
      else loop();
    },
    closeSteps() {
      d.resolve(concatChunks(chunks, total));
    },
    errorSteps(e) {
      d.reject(e);
    },
  };
  // loop reads until a read does not complete synchronously, so a long
  // queue is drained iteratively rather than by recursion.
  const loop = () => {
    for (;;) {
      synchronous = true;
      gotChunkSynchronously = false;
      ReadableStreamDefaultReaderRead(reader, readRequest);
      synchronous = false;
      if (!gotChunkSynchronously || d.state !== "pending") return;
    }
  };
  loop();
  return d.promise;
}

function concatChunks(chunks, total) {
  if (chunks.length === 1) {
    const only = chunks[0];
    if (TypedArrayPrototypeGetByteOffset(only) === 0 && bufferByteLength(TypedArrayPrototypeGetBuffer(only)) === total) {
      return only;
    }
  }
  const out = new Uint8ArrayCtor(total);
  let offset = 0;
  for (let i = 0; i < chunks.length; i++) {
    TypedArrayPrototypeSet(out, chunks[i], offset);
    offset += TypedArrayPrototypeGetByteLength(chunks[i]);
  }
  return out;
}

// The read side of "using streams in other specifications", for families
// that must not go through the (user-replaceable) public methods.
function getReader(stream) {
  return AcquireReadableStreamDefaultReader(stream);
}

function readChunk(reader) {
  if (reader[_stream] === undefined) return PromiseReject(new TypeErrorCtor("the reader has been released"));
  const readRequest = new ReadRequestForRead();
  ReadableStreamDefaultReaderRead(reader, readRequest);
  return readRequest.promise;
}

function releaseReader(reader) {
  if (reader[_stream] !== undefined) ReadableStreamDefaultReaderRelease(reader);
}

core.provide("streams", {
  ReadableStream,
  WritableStream,
  TransformStream,
  isReadableStream,
  isWritableStream,
  isTransformStream,
  // isDisturbed is "is disturbed": read from or canceled.
  isDisturbed: (stream) => stream[_disturbed],
  setDisturbed: (stream) => {
    stream[_disturbed] = true;
  },
  isLocked: (stream) => IsReadableStreamLocked(stream),
  isReadable: (stream) => stream[_state] === "readable",
  isClosed: (stream) => stream[_state] === "closed",
  isErrored: (stream) => stream[_state] === "errored",
  storedError: (stream) => stream[_storedError],
  createPullStream,
  createBytesStream,
  readAll,
  getReader,
  readChunk,
  releaseReader,
  // cancel is "cancel a ReadableStream" (it need not be unlocked).
  cancel: (stream, reason) => ReadableStreamCancel(stream, reason),
  // tee is the standard's tee for other specifications: the second
  // branch's chunks are cloned, as Request/Response.clone() need.
  tee: (stream) => ReadableStreamTee(stream, true),
  pipeTo: (source, dest, preventClose = false, preventAbort = false, preventCancel = false, signal = undefined) =>
    ReadableStreamPipeTo(source, dest, preventClose, preventAbort, preventCancel, signal),
  // createWritable makes a WritableStream from algorithms (the standard's
  // "set up"): write(chunk) and the optional close() and abort(reason) may
  // return promises.
  createWritable(write, close = undefined, abort = undefined, highWaterMark = 1) {
    const wrap = (fn) => (arg) => {
      if (fn === undefined) return resolvedUndefined;
      try {
        return PromiseResolve(fn(arg));
      } catch (e) {
        return PromiseReject(e);
      }
    };
    return CreateWritableStream(noop, wrap(write), wrap(close), wrap(abort), highWaterMark, sizeOne);
  },
});

// ---------------------------------------------------------------------------
// The globals.

core.defineGlobal("ReadableStream", ReadableStream);
core.defineGlobal("ReadableStreamDefaultReader", ReadableStreamDefaultReader);
core.defineGlobal("ReadableStreamBYOBReader", ReadableStreamBYOBReader);
core.defineGlobal("ReadableStreamDefaultController", ReadableStreamDefaultController);
core.defineGlobal("ReadableByteStreamController", ReadableByteStreamController);
core.defineGlobal("ReadableStreamBYOBRequest", ReadableStreamBYOBRequest);
core.defineGlobal("WritableStream", WritableStream);
core.defineGlobal("WritableStreamDefaultWriter", WritableStreamDefaultWriter);
core.defineGlobal("WritableStreamDefaultController", WritableStreamDefaultController);
core.defineGlobal("TransformStream", TransformStream);
core.defineGlobal("TransformStreamDefaultController", TransformStreamDefaultController);
core.defineGlobal("ByteLengthQueuingStrategy", ByteLengthQueuingStrategy);
core.defineGlobal("CountQueuingStrategy", CountQueuingStrategy);
