// The Fetch family. Done here in JS: Headers, Request and
// Response with the Body mixin (WebIDL-style brand checks and conversions,
// bodies kept as the string or bytes they were made from until someone
// asks for a stream), FetchEvent and the ExecutionContext handed to
// handlers, and the plumbing of a fetch event: build the Request, call the
// worker's fetch handler (or its "fetch" listeners), check what it
// returned, write the Response, and tell the runtime once the response and
// every waitUntil promise are done; the global fetch(), which builds a
// Request, hands it to Go and wraps Go's answer in a Response whose body
// is the whole body when Go had it with the head (small and complete:
// one op, a string for text), else streams from Go; request.cf and
// passThroughOnException(). Done in Go
// (fetch.go, subrequest.go, egress.go): reading the incoming body (in 64
// KiB chunks, or whole for text() and friends), writing the status,
// headers and body to the client (whole, or streamed chunk by chunk with
// a flush each), and all of a subrequest's HTTP: routing to the next
// handler or the network, the egress policy, redirects, limits, and
// passing a request through on an exception. Streams, URL parsing, UTF-8,
// AbortSignal, and Blob and FormData (with the multipart/form-data
// encoding) come from their own families; this file looks them up when it
// first needs them, so it loads without them.
"use strict";

const global = globalThis;
const uncurryThis = (fn) => Function.prototype.call.bind(fn);
const ObjectCreate = Object.create;
const ObjectDefineProperty = Object.defineProperty;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectFreeze = Object.freeze;
const ReflectOwnKeys = Reflect.ownKeys;
const ReflectApply = Reflect.apply;
const ArrayIsArray = Array.isArray;
const MathFloor = Math.floor;
const ArrayPrototypePush = uncurryThis(Array.prototype.push);
const ArrayPrototypeJoin = uncurryThis(Array.prototype.join);
const ArrayPrototypeSort = uncurryThis(Array.prototype.sort);
const ArrayPrototypeSplice = uncurryThis(Array.prototype.splice);
const ArrayPrototypeSlice = uncurryThis(Array.prototype.slice);
const StringPrototypeSplit = uncurryThis(String.prototype.split);
const StringPrototypeToLowerCase = uncurryThis(String.prototype.toLowerCase);
const StringPrototypeToUpperCase = uncurryThis(String.prototype.toUpperCase);
const StringPrototypeSlice = uncurryThis(String.prototype.slice);
const StringPrototypeIndexOf = uncurryThis(String.prototype.indexOf);
const StringPrototypeToWellFormed = uncurryThis(String.prototype.toWellFormed);
const RegExpPrototypeExec = uncurryThis(RegExp.prototype.exec);
const StringPrototypeCharCodeAt = uncurryThis(String.prototype.charCodeAt);
const JSONParse = JSON.parse;
const JSONStringify = JSON.stringify;
const PromiseResolve = Promise.resolve.bind(Promise);
const PromiseCtor = Promise;
const PromiseReject = Promise.reject.bind(Promise);
const PromisePrototypeThen = uncurryThis(Promise.prototype.then);
const SymbolIterator = Symbol.iterator;
const SymbolToStringTag = Symbol.toStringTag;
const TypeErrorCtor = TypeError;
const RangeErrorCtor = RangeError;
const ErrorCtor = Error;
const U8 = Uint8Array;
const ArrayBufferCtor = ArrayBuffer;
const ArrayBufferIsView = ArrayBuffer.isView;
const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
const getter = (proto, name) => uncurryThis(ObjectGetOwnPropertyDescriptor(proto, name).get);
const TypedArrayPrototypeGetBuffer = getter(TypedArrayPrototype, "buffer");
const TypedArrayPrototypeGetByteOffset = getter(TypedArrayPrototype, "byteOffset");
const TypedArrayPrototypeGetByteLength = getter(TypedArrayPrototype, "byteLength");
const TypedArrayPrototypeGetSymbolToStringTag = getter(TypedArrayPrototype, SymbolToStringTag);
const TypedArrayPrototypeSlice = uncurryThis(TypedArrayPrototype.slice);
const DataViewPrototypeGetBuffer = getter(DataView.prototype, "buffer");
const DataViewPrototypeGetByteOffset = getter(DataView.prototype, "byteOffset");
const DataViewPrototypeGetByteLength = getter(DataView.prototype, "byteLength");
const ArrayBufferPrototypeGetByteLength = getter(ArrayBuffer.prototype, "byteLength");
const IteratorPrototype = ObjectGetPrototypeOf(ObjectGetPrototypeOf([][SymbolIterator]()));

// SMALL_BODY is the largest body (in bytes, or UTF-16 code units for a
// string: at most three bytes each) written by a sync op on the isolate's
// thread; a larger one is written by an async op, so that a slow client
// never holds up the isolate's other requests.
const SMALL_BODY = 16 << 10;

const kInternal = Symbol("internal");
const kHeaderList = Symbol("headerList");
const kGuard = Symbol("guard");
const kSorted = Symbol("sorted");
const kIterTarget = Symbol("iterTarget");
const kIterKind = Symbol("iterKind");
const kIterIndex = Symbol("iterIndex");
const kBody = Symbol("body");
const kHeaders = Symbol("headers");
const kHeadersFlat = Symbol("headersFlat");
const kMethod = Symbol("method");
const kURL = Symbol("url");
const kURLRaw = Symbol("urlRaw");
const kRedirect = Symbol("redirect");
const kSignal = Symbol("signal");
const kCf = Symbol("cf");
const kStatus = Symbol("status");
const kStatusText = Symbol("statusText");
const kType = Symbol("type");
const kState = Symbol("state");
const kRequest = Symbol("request");
const kRedirected = Symbol("redirected");

// ---------------------------------------------------------------------------
// Families this one uses, looked up when first needed (and at load time if
// they were installed first), then kept, so later changes to globalThis by
// user code do not reach in.

let streamsAPI = null;
function streams() {
  if (streamsAPI !== null) return streamsAPI;
  try {
    streamsAPI = core.use("streams");
  } catch {
    throw new TypeErrorCtor("ReadableStream is not available: the streams family is not installed");
  }
  return streamsAPI;
}

let urlAPI = null;
function urls() {
  if (urlAPI !== null) return urlAPI;
  let provided;
  try {
    provided = core.use("url");
  } catch {
    throw new TypeErrorCtor("URL is not available: the url family is not installed");
  }
  const URLCtor = provided.URL;
  urlAPI = {
    URL: URLCtor,
    href: getter(URLCtor.prototype, "href"),
    username: getter(URLCtor.prototype, "username"),
    password: getter(URLCtor.prototype, "password"),
    parseHref: provided.parseHref,
    isURLSearchParams: provided.isURLSearchParams,
    paramsToString: uncurryThis(provided.URLSearchParams.prototype.toString),
    formParse: provided.formParse,
  };
  return urlAPI;
}

// lazyFamily returns a function that looks family up with core.use the
// first time it is needed, and throws a TypeError saying what is missing
// when the family is not installed.
function lazyFamily(family, what) {
  let api = null;
  return () => {
    if (api !== null) return api;
    try {
      api = core.use(family);
    } catch {
      throw new TypeErrorCtor(`${what} not available: the ${family} family is not installed`);
    }
    return api;
  };
}

const encoding = lazyFamily("encoding", "UTF-8 encoding is");
const blobs = lazyFamily("blob", "Blob and FormData are");

let domAPI = null;
function dom() {
  if (domAPI !== null) return domAPI;
  const AC = global.AbortController;
  const AS = global.AbortSignal;
  domAPI = {
    AbortController: typeof AC === "function" ? AC : null,
    AbortSignal: typeof AS === "function" ? AS : null,
    controllerSignal: typeof AC === "function" ? getter(AC.prototype, "signal") : null,
    any: typeof AS === "function" && typeof AS.any === "function" ? AS.any.bind(AS) : null,
  };
  return domAPI;
}

// installed returns what api() returns, or null if its family is missing.
function installed(api) {
  try {
    return api();
  } catch {
    return null;
  }
}

// Capture what is already installed before any user code runs.
installed(streams);
installed(urls);
installed(encoding);
installed(blobs);
dom();
// The events family, when installed, dispatches service-worker fetch
// events itself, so once, capture and stopImmediatePropagation hold.
const eventsAPI = installed(() => core.use("events"));

function newDOMException(message, name) {
  let C = null;
  try {
    C = core.use("DOMException");
  } catch {}
  if (C !== null) return new C(message, name);
  const e = new ErrorCtor(message);
  e.name = name;
  return e;
}

// ---------------------------------------------------------------------------
// WebIDL-style helpers.

function requireArgs(length, required, method, iface) {
  if (length < required) {
    const what = method === null ? `construct '${iface}'` : `execute '${method}' on '${iface}'`;
    throw new TypeErrorCtor(
      `Failed to ${what}: ${required} argument${required === 1 ? "" : "s"} required, but only ${length} present.`,
    );
  }
}

function illegalInvocation(iface, member) {
  return new TypeErrorCtor(`Illegal invocation: '${member}' called on an object that is not a ${iface}`);
}

// toString is WebIDL's ToString: symbols throw.
function toString(v) {
  return `${v}`;
}

const nonLatin1 = /[^\x00-\xFF]/;
function toByteString(v, prefix, what) {
  const s = toString(v);
  if (RegExpPrototypeExec(nonLatin1, s) !== null) {
    throw new TypeErrorCtor(`${prefix}: ${what} ${JSONStringify(s)} is not a valid ByteString (it has a character above U+00FF).`);
  }
  return s;
}

function toUSVString(v) {
  return StringPrototypeToWellFormed(toString(v));
}

function toUnsignedShort(v) {
  let n = +v;
  if (n !== n || n === Infinity || n === -Infinity) return 0;
  n = n < 0 ? -MathFloor(-n) : MathFloor(n);
  n %= 65536;
  return n < 0 ? n + 65536 : n;
}

// toDictionary checks a dictionary argument: undefined and null are an
// empty one (with no prototype, so a polluted Object.prototype adds no
// members).
const emptyDictionary = ObjectFreeze(ObjectCreate(null));
function toDictionary(v, prefix, type) {
  if (v === undefined || v === null) return emptyDictionary;
  if (typeof v !== "object" && typeof v !== "function") {
    throw new TypeErrorCtor(`${prefix}: The provided value is not of type '${type}'.`);
  }
  return v;
}

function truncate(s, n) {
  return s.length > n ? StringPrototypeSlice(s, 0, n) + "…" : s;
}

// describe names a value in an error message.
function describe(v) {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  switch (typeof v) {
    case "string":
      return `a string (${JSONStringify(truncate(v, 40))})`;
    case "number":
    case "boolean":
    case "bigint":
      return `a ${typeof v} (${toString(v)})`;
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
  }
  if (ArrayIsArray(v)) return "an array";
  let name = null;
  try {
    const proto = ObjectGetPrototypeOf(v);
    if (proto === null) return "an object with a null prototype";
    const d = ObjectGetOwnPropertyDescriptor(proto, "constructor");
    if (d !== undefined && typeof d.value === "function") name = d.value.name;
  } catch {}
  if (name === "Object") return "a plain object";
  if (typeof name === "string" && name !== "") return `an instance of ${name}`;
  return "an object";
}

// Web IDL operations and attributes are enumerable; class members are not.
function enumerable(proto, names) {
  for (let i = 0; i < names.length; i++) {
    const d = ObjectGetOwnPropertyDescriptor(proto, names[i]);
    d.enumerable = true;
    ObjectDefineProperty(proto, names[i], d);
  }
}

function toStringTag(proto, tag) {
  ObjectDefineProperty(proto, SymbolToStringTag, { value: tag, writable: false, enumerable: false, configurable: true });
}

// ---------------------------------------------------------------------------
// Bytes and text.

// viewBytes returns a Uint8Array over the bytes of an ArrayBuffer or view,
// or null for anything else.
function viewBytes(v) {
  if (ArrayBufferIsView(v)) {
    if (TypedArrayPrototypeGetSymbolToStringTag(v) !== undefined) {
      return new U8(TypedArrayPrototypeGetBuffer(v), TypedArrayPrototypeGetByteOffset(v), TypedArrayPrototypeGetByteLength(v));
    }
    return new U8(DataViewPrototypeGetBuffer(v), DataViewPrototypeGetByteOffset(v), DataViewPrototypeGetByteLength(v));
  }
  if (v instanceof ArrayBufferCtor) {
    ArrayBufferPrototypeGetByteLength(v); // brand check
    return new U8(v);
  }
  return null;
}

function utf8Encode(s) {
  return encoding().encodeUTF8(s);
}

// utf8Decode is the Encoding standard's "UTF-8 decode" (BOM dropped,
// invalid sequences replaced).
function utf8Decode(u8) {
  return encoding().decodeUTF8(u8);
}

// wholeBuffer returns the ArrayBuffer of u8 if u8 spans all of it, or a
// copy of its bytes otherwise.
function wholeBuffer(u8) {
  const buf = TypedArrayPrototypeGetBuffer(u8);
  if (TypedArrayPrototypeGetByteOffset(u8) === 0 && TypedArrayPrototypeGetByteLength(u8) === ArrayBufferPrototypeGetByteLength(buf)) {
    return buf;
  }
  return TypedArrayPrototypeGetBuffer(TypedArrayPrototypeSlice(u8));
}

// ---------------------------------------------------------------------------
// Headers.
//
// A header list is a flat array [name, value, name, value, ...] with
// lowercase names, in insertion order; set-cookie values stay separate.
// Everything Headers exposes is lowercase, so the original case is not
// kept. Values are strings of any characters but NUL, CR and LF (not only
// ByteStrings): incoming header bytes reach JS UTF-8 decoded, as on
// Cloudflare, and go out UTF-8 encoded, so copying headers round-trips.

const GUARD_NONE = 0;
const GUARD_IMMUTABLE = 1;

const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const badValueRe = /[\0\r\n]/;

function normalizeName(name, prefix) {
  const s = toString(name);
  if (RegExpPrototypeExec(tokenRe, s) === null) {
    throw new TypeErrorCtor(`${prefix}: ${JSONStringify(s)} is not a valid HTTP header name.`);
  }
  return StringPrototypeToLowerCase(s);
}

function isHTTPWhitespace(c) {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function trimHTTPWhitespace(s) {
  let start = 0;
  let end = s.length;
  while (start < end && isHTTPWhitespace(StringPrototypeCharCodeAt(s, start))) start++;
  while (end > start && isHTTPWhitespace(StringPrototypeCharCodeAt(s, end - 1))) end--;
  return start === 0 && end === s.length ? s : StringPrototypeSlice(s, start, end);
}

function normalizeValue(value, name, prefix) {
  const s = trimHTTPWhitespace(toString(value));
  if (RegExpPrototypeExec(badValueRe, s) !== null) {
    throw new TypeErrorCtor(`${prefix}: ${JSONStringify(s)} is not a valid value for HTTP header ${JSONStringify(name)} (it contains NUL, CR or LF).`);
  }
  return s;
}

function checkMutable(h) {
  if (h[kGuard] === GUARD_IMMUTABLE) throw new TypeErrorCtor("Headers are immutable");
}

function isHeaders(v) {
  return v !== null && typeof v === "object" && v[kHeaderList] !== undefined;
}

function appendHeader(h, name, value, prefix) {
  const lname = normalizeName(name, prefix);
  const v = normalizeValue(value, lname, prefix);
  checkMutable(h);
  const list = h[kHeaderList];
  ArrayPrototypePush(list, lname, v);
  h[kSorted] = null;
}

function fillHeaders(h, init, prefix) {
  if (init === null || (typeof init !== "object" && typeof init !== "function")) {
    throw new TypeErrorCtor(
      `${prefix}: The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.`,
    );
  }
  if (isHeaders(init) && init[SymbolIterator] === HeadersPrototypeEntries) {
    const src = init[kHeaderList];
    const list = h[kHeaderList];
    for (let i = 0; i < src.length; i++) ArrayPrototypePush(list, src[i]);
    h[kSorted] = null;
    return;
  }
  const method = init[SymbolIterator];
  if (method !== undefined && method !== null) {
    if (typeof method !== "function") throw new TypeErrorCtor(`${prefix}: The object's [Symbol.iterator] is not a function.`);
    const pairs = [];
    let i = 0;
    for (const pair of { [SymbolIterator]: () => ReflectApply(method, init, []) }) {
      if (pair === null || (typeof pair !== "object" && typeof pair !== "function")) {
        throw new TypeErrorCtor(`${prefix}: header pair ${i} is ${describe(pair)}, not a sequence of a name and a value.`);
      }
      const items = [];
      for (const item of pair) ArrayPrototypePush(items, item);
      if (items.length !== 2) {
        throw new TypeErrorCtor(`${prefix}: header pair ${i} has ${items.length} items; it must have exactly 2 (a name and a value).`);
      }
      ArrayPrototypePush(pairs, toString(items[0]), toString(items[1]));
      i++;
    }
    for (let j = 0; j < pairs.length; j += 2) appendHeader(h, pairs[j], pairs[j + 1], prefix);
    return;
  }
  const keys = ReflectOwnKeys(init);
  const pairs = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const d = ObjectGetOwnPropertyDescriptor(init, key);
    if (d === undefined || !d.enumerable) continue;
    ArrayPrototypePush(pairs, toString(key), toString(init[key]));
  }
  for (let j = 0; j < pairs.length; j += 2) appendHeader(h, pairs[j], pairs[j + 1], prefix);
}

// getHeader returns the values of lname joined with ", ", or null.
function getHeader(list, lname) {
  let out = null;
  for (let i = 0; i < list.length; i += 2) {
    if (list[i] === lname) out = out === null ? list[i + 1] : out + ", " + list[i + 1];
  }
  return out;
}

function hasHeader(list, lname) {
  for (let i = 0; i < list.length; i += 2) if (list[i] === lname) return true;
  return false;
}

// sortedPairs is the "sort and combine" of the list: [name, value] pairs
// by name, values of a name joined, set-cookie values each on their own.
// Kept until the list changes.
function sortedPairs(h) {
  let out = h[kSorted];
  if (out !== null) return out;
  const list = h[kHeaderList];
  const names = [];
  for (let i = 0; i < list.length; i += 2) {
    let seen = false;
    for (let j = 0; j < names.length; j++) {
      if (names[j] === list[i]) {
        seen = true;
        break;
      }
    }
    if (!seen) ArrayPrototypePush(names, list[i]);
  }
  ArrayPrototypeSort(names);
  out = [];
  for (let j = 0; j < names.length; j++) {
    const name = names[j];
    if (name === "set-cookie") {
      for (let i = 0; i < list.length; i += 2) if (list[i] === name) ArrayPrototypePush(out, [name, list[i + 1]]);
    } else {
      ArrayPrototypePush(out, [name, getHeader(list, name)]);
    }
  }
  h[kSorted] = out;
  return out;
}

function newHeaders(list, guard) {
  const h = new Headers(kInternal);
  h[kHeaderList] = list;
  h[kGuard] = guard;
  return h;
}

class Headers {
  constructor(init = undefined) {
    this[kHeaderList] = [];
    this[kGuard] = GUARD_NONE;
    this[kSorted] = null;
    if (init === kInternal || init === undefined) return;
    fillHeaders(this, init, "Failed to construct 'Headers'");
  }

  append(name, value) {
    if (!isHeaders(this)) throw illegalInvocation("Headers", "append");
    requireArgs(arguments.length, 2, "append", "Headers");
    appendHeader(this, name, value, "Failed to execute 'append' on 'Headers'");
  }

  delete(name) {
    if (!isHeaders(this)) throw illegalInvocation("Headers", "delete");
    requireArgs(arguments.length, 1, "delete", "Headers");
    const lname = normalizeName(name, "Failed to execute 'delete' on 'Headers'");
    checkMutable(this);
    const list = this[kHeaderList];
    for (let i = list.length - 2; i >= 0; i -= 2) {
      if (list[i] === lname) ArrayPrototypeSplice(list, i, 2);
    }
    this[kSorted] = null;
  }

  get(name) {
    if (!isHeaders(this)) throw illegalInvocation("Headers", "get");
    requireArgs(arguments.length, 1, "get", "Headers");
    return getHeader(this[kHeaderList], normalizeName(name, "Failed to execute 'get' on 'Headers'"));
  }

  getSetCookie() {
    if (!isHeaders(this)) throw illegalInvocation("Headers", "getSetCookie");
    const list = this[kHeaderList];
    const out = [];
    for (let i = 0; i < list.length; i += 2) if (list[i] === "set-cookie") ArrayPrototypePush(out, list[i + 1]);
    return out;
  }

  has(name) {
    if (!isHeaders(this)) throw illegalInvocation("Headers", "has");
    requireArgs(arguments.length, 1, "has", "Headers");
    return hasHeader(this[kHeaderList], normalizeName(name, "Failed to execute 'has' on 'Headers'"));
  }

  set(name, value) {
    if (!isHeaders(this)) throw illegalInvocation("Headers", "set");
    requireArgs(arguments.length, 2, "set", "Headers");
    const prefix = "Failed to execute 'set' on 'Headers'";
    const lname = normalizeName(name, prefix);
    const v = normalizeValue(value, lname, prefix);
    checkMutable(this);
    const list = this[kHeaderList];
    let found = false;
    for (let i = 0; i < list.length; ) {
      if (list[i] !== lname) {
        i += 2;
      } else if (!found) {
        list[i + 1] = v;
        found = true;
        i += 2;
      } else {
        ArrayPrototypeSplice(list, i, 2);
      }
    }
    if (!found) ArrayPrototypePush(list, lname, v);
    this[kSorted] = null;
  }

  forEach(callback, thisArg = undefined) {
    if (!isHeaders(this)) throw illegalInvocation("Headers", "forEach");
    requireArgs(arguments.length, 1, "forEach", "Headers");
    if (typeof callback !== "function") {
      throw new TypeErrorCtor("Failed to execute 'forEach' on 'Headers': The callback provided as parameter 1 is not a function.");
    }
    for (let i = 0; ; i++) {
      const pairs = sortedPairs(this);
      if (i >= pairs.length) return;
      ReflectApply(callback, thisArg, [pairs[i][1], pairs[i][0], this]);
    }
  }

  entries() {
    if (!isHeaders(this)) throw illegalInvocation("Headers", "entries");
    return newHeadersIterator(this, "key+value");
  }

  keys() {
    if (!isHeaders(this)) throw illegalInvocation("Headers", "keys");
    return newHeadersIterator(this, "key");
  }

  values() {
    if (!isHeaders(this)) throw illegalInvocation("Headers", "values");
    return newHeadersIterator(this, "value");
  }
}
const HeadersPrototypeEntries = Headers.prototype.entries;
ObjectDefineProperty(Headers.prototype, SymbolIterator, {
  value: HeadersPrototypeEntries,
  writable: true,
  enumerable: false,
  configurable: true,
});
enumerable(Headers.prototype, ["append", "delete", "get", "getSetCookie", "has", "set", "forEach", "entries", "keys", "values"]);
toStringTag(Headers.prototype, "Headers");

const HeadersIteratorPrototype = ObjectCreate(IteratorPrototype);
ObjectDefineProperty(HeadersIteratorPrototype, "next", {
  value: function next() {
    if (this === null || typeof this !== "object" || this[kIterTarget] === undefined) {
      throw illegalInvocation("Headers Iterator", "next");
    }
    const pairs = sortedPairs(this[kIterTarget]);
    const i = this[kIterIndex];
    if (i >= pairs.length) return { value: undefined, done: true };
    this[kIterIndex] = i + 1;
    const pair = pairs[i];
    switch (this[kIterKind]) {
      case "key":
        return { value: pair[0], done: false };
      case "value":
        return { value: pair[1], done: false };
    }
    return { value: [pair[0], pair[1]], done: false };
  },
  writable: true,
  enumerable: true,
  configurable: true,
});
toStringTag(HeadersIteratorPrototype, "Headers Iterator");

function newHeadersIterator(target, kind) {
  const it = ObjectCreate(HeadersIteratorPrototype);
  it[kIterTarget] = target;
  it[kIterKind] = kind;
  it[kIterIndex] = 0;
  return it;
}

// ---------------------------------------------------------------------------
// Bodies.
//
// A body is null or a record of where its bytes are:
//   kind BODY_STRING: src is a string (sent as UTF-8),
//   kind BODY_BYTES:  src is a Uint8Array this body owns,
//   kind BODY_GO:     src is the id of a request whose body Go still holds,
//   kind BODY_STREAM: stream is a ReadableStream.
// The first three become a stream only when someone reads `.body`; until
// then text() and friends, and the response writer, use src directly.

const BODY_STRING = 1;
const BODY_BYTES = 2;
const BODY_GO = 3;
const BODY_STREAM = 4;

function newBody(kind, src, stream) {
  return { kind, src, stream, used: false };
}

function bodyUnusable(b) {
  if (b.used) return true;
  if (b.stream === null) return false;
  const S = streams();
  return S.isLocked(b.stream) || S.isDisturbed(b.stream);
}

function bodyUsed(b) {
  return b !== null && (b.used || (b.stream !== null && streams().isDisturbed(b.stream)));
}

// bodyStream returns the body's stream, making it on first use: a byte
// stream pulled only when read, from Go (64 KiB a read) or from the
// body's bytes (one chunk, handed over without a copy).
function bodyStream(b) {
  if (b === null) return null;
  if (b.stream !== null) return b.stream;
  if (b.used) {
    // Consumed (or moved) before anyone asked for a stream: stand in a
    // locked, disturbed one, as the standard's body would be by now.
    const S = streams();
    const spent = S.createPullStream(() => null);
    S.getReader(spent);
    S.setDisturbed(spent);
    b.stream = spent;
    return spent;
  }
  const kind = b.kind;
  const src = b.src;
  b.src = null;
  b.kind = BODY_STREAM;
  if (kind === BODY_GO) {
    b.stream = streams().createPullStream(() => ops.op_fetch_read_body(src));
  } else {
    let bytes = kind === BODY_STRING ? utf8Encode(src) : src;
    b.stream = streams().createPullStream(() => {
      const chunk = bytes;
      bytes = null;
      return chunk;
    });
  }
  return b.stream;
}

// extractBody turns a BodyInit into [body, default Content-Type or null].
function extractBody(init, prefix) {
  if (typeof init === "string") return [newBody(BODY_STRING, StringPrototypeToWellFormed(init), null), "text/plain;charset=UTF-8"];
  if (init !== null && (typeof init === "object" || typeof init === "function")) {
    const bytes = viewBytes(init);
    if (bytes !== null) return [newBody(BODY_BYTES, TypedArrayPrototypeSlice(bytes), null), null];
    const S = installed(streams);
    if (S !== null && S.isReadableStream(init)) {
      if (S.isLocked(init) || S.isDisturbed(init)) {
        throw new TypeErrorCtor(`${prefix}: The provided ReadableStream is locked or has already been read from.`);
      }
      return [newBody(BODY_STREAM, null, init), null];
    }
    const U = installed(urls);
    if (U !== null && U.isURLSearchParams(init)) {
      return [newBody(BODY_STRING, U.paramsToString(init), null), "application/x-www-form-urlencoded;charset=UTF-8"];
    }
    const B = installed(blobs);
    if (B !== null) {
      if (B.isBlob(init)) {
        const type = B.blobType(init);
        return [newBody(BODY_BYTES, B.blobBytes(init), null), type === "" ? null : type];
      }
      if (B.isFormData(init)) {
        const mp = B.serializeMultipart(init);
        return [newBody(BODY_BYTES, mp.body, null), mp.contentType];
      }
    }
  }
  return [newBody(BODY_STRING, toUSVString(init), null), "text/plain;charset=UTF-8"];
}

// cloneBody returns a second body with the same content; a stream is teed
// (the original keeps one branch).
function cloneBody(b) {
  if (b === null) return null;
  if (b.stream === null && b.kind !== BODY_GO) {
    return newBody(b.kind, b.kind === BODY_BYTES ? TypedArrayPrototypeSlice(b.src) : b.src, null);
  }
  const branches = streams().tee(bodyStream(b));
  b.stream = branches[0];
  return newBody(BODY_STREAM, null, branches[1]);
}

// takeBody moves the body out of b (new Request(request)): b is left
// used, with nothing in it.
function takeBody(b) {
  const out = newBody(b.kind, b.src, b.stream);
  b.used = true;
  b.src = null;
  b.stream = null;
  return out;
}

// chunkBytes checks one chunk of a body stream.
function chunkBytes(chunk) {
  const u8 = chunk !== null && typeof chunk === "object" ? viewBytes(chunk) : null;
  if (u8 === null) {
    throw new TypeErrorCtor(`A body stream produced ${describe(chunk)}; its chunks must be Uint8Arrays (or other ArrayBuffer views).`);
  }
  return u8;
}

// consumeBytes and consumeText are the Body mixin's "consume body".
async function consumeBytes(b) {
  if (b === null) return new U8(0);
  if (bodyUnusable(b)) throw new TypeErrorCtor("Body has already been used");
  b.used = true;
  if (b.stream === null) {
    const src = b.src;
    b.src = null;
    switch (b.kind) {
      case BODY_STRING:
        return utf8Encode(src);
      case BODY_BYTES:
        return src;
      case BODY_GO:
        return await ops.op_fetch_read_body_all(src);
    }
  }
  return await streams().readAll(b.stream);
}

async function consumeText(b) {
  if (b !== null && b.stream === null && b.kind === BODY_STRING && !b.used) {
    b.used = true;
    const s = b.src;
    b.src = null;
    return s;
  }
  return utf8Decode(await consumeBytes(b));
}

// bodyContentType is the Content-Type of a request's or response's
// headers, or null.
function bodyContentType(r, iface) {
  const h = iface === "Request" ? requestHeaders(r) : r[kHeaders];
  return getHeader(h[kHeaderList], "content-type");
}

const printableASCII = /^[\x20-\x7e]*$/;

// bodyBlob is the Body mixin's blob(): the bytes, typed by the
// Content-Type under the File API's rule for a Blob's type (printable
// ASCII, lowercased, else empty), as browsers report it.
function bodyBlob(bytes, contentType) {
  const type = contentType === null || RegExpPrototypeExec(printableASCII, contentType) === null ? "" : StringPrototypeToLowerCase(contentType);
  return blobs().makeBlob(bytes, type);
}

// bodyFormData is the Body mixin's formData(): multipart/form-data or
// application/x-www-form-urlencoded, chosen by the Content-Type.
function bodyFormData(bytes, contentType, iface) {
  const B = blobs();
  const prefix = `Failed to execute 'formData' on '${iface}'`;
  if (contentType === null) {
    throw new TypeErrorCtor(`${prefix}: there is no Content-Type header, so the body is neither multipart/form-data nor application/x-www-form-urlencoded.`);
  }
  const semi = StringPrototypeIndexOf(contentType, ";");
  const essence = StringPrototypeToLowerCase(trimHTTPWhitespace(semi === -1 ? contentType : StringPrototypeSlice(contentType, 0, semi)));
  if (essence === "multipart/form-data") {
    try {
      return B.parseMultipart(bytes, contentType);
    } catch (e) {
      if (e instanceof TypeErrorCtor) throw new TypeErrorCtor(`${prefix}: ${e.message}`);
      throw e;
    }
  }
  if (essence === "application/x-www-form-urlencoded") {
    return B.formDataFromList(urls().formParse(utf8Decode(bytes)));
  }
  throw new TypeErrorCtor(
    `${prefix}: the Content-Type ${JSONStringify(contentType)} is neither multipart/form-data nor application/x-www-form-urlencoded.`,
  );
}

// The Body mixin, installed on Request.prototype and Response.prototype.
function installBody(proto, iface, brand) {
  const methods = {
    get body() {
      if (!brand(this)) throw illegalInvocation(iface, "body");
      return bodyStream(this[kBody]);
    },
    get bodyUsed() {
      if (!brand(this)) throw illegalInvocation(iface, "bodyUsed");
      return bodyUsed(this[kBody]);
    },
    arrayBuffer() {
      if (!brand(this)) return PromiseReject(illegalInvocation(iface, "arrayBuffer"));
      return PromisePrototypeThen(consumeBytes(this[kBody]), wholeBuffer);
    },
    bytes() {
      if (!brand(this)) return PromiseReject(illegalInvocation(iface, "bytes"));
      return consumeBytes(this[kBody]);
    },
    text() {
      if (!brand(this)) return PromiseReject(illegalInvocation(iface, "text"));
      return consumeText(this[kBody]);
    },
    json() {
      if (!brand(this)) return PromiseReject(illegalInvocation(iface, "json"));
      return PromisePrototypeThen(consumeText(this[kBody]), JSONParse);
    },
    blob() {
      if (!brand(this)) return PromiseReject(illegalInvocation(iface, "blob"));
      let ct;
      try {
        blobs();
        ct = bodyContentType(this, iface);
      } catch (e) {
        return PromiseReject(e);
      }
      return PromisePrototypeThen(consumeBytes(this[kBody]), (bytes) => bodyBlob(bytes, ct));
    },
    formData() {
      if (!brand(this)) return PromiseReject(illegalInvocation(iface, "formData"));
      let ct;
      try {
        blobs();
        ct = bodyContentType(this, iface);
      } catch (e) {
        return PromiseReject(e);
      }
      return PromisePrototypeThen(consumeBytes(this[kBody]), (bytes) => bodyFormData(bytes, ct, iface));
    },
  };
  const keys = ["body", "bodyUsed", "arrayBuffer", "bytes", "text", "json", "blob", "formData"];
  for (let i = 0; i < keys.length; i++) {
    const d = ObjectGetOwnPropertyDescriptor(methods, keys[i]);
    d.enumerable = true;
    ObjectDefineProperty(proto, keys[i], d);
  }
}

// ---------------------------------------------------------------------------
// Request.

const knownMethods = { __proto__: null, DELETE: 1, GET: 1, HEAD: 1, OPTIONS: 1, POST: 1, PUT: 1, PATCH: 0 };
const forbiddenMethods = { __proto__: null, CONNECT: 1, TRACE: 1, TRACK: 1 };
const redirectModes = { __proto__: null, follow: 1, error: 1, manual: 1 };

function normalizeMethod(m, prefix) {
  const s = toByteString(m, prefix, "method");
  if (RegExpPrototypeExec(tokenRe, s) === null) throw new TypeErrorCtor(`${prefix}: ${JSONStringify(s)} is not a valid HTTP method.`);
  const upper = StringPrototypeToUpperCase(s);
  if (forbiddenMethods[upper] === 1) throw new TypeErrorCtor(`${prefix}: the HTTP method ${JSONStringify(s)} is forbidden.`);
  return knownMethods[upper] === 1 ? upper : s;
}

function invalidURL(s, prefix) {
  const relative = RegExpPrototypeExec(/^[a-zA-Z][a-zA-Z0-9+.-]*:/, s) === null;
  return new TypeErrorCtor(`${prefix}: Invalid URL ${JSONStringify(s)}${relative ? " (a URL must be absolute: there is no base URL here)" : ""}.`);
}

// parseHref returns the serialization of an absolute URL, or throws.
function parseHref(s, prefix) {
  const href = urls().parseHref(s, undefined);
  if (href === null) throw invalidURL(s, prefix);
  return href;
}

function isRequest(v) {
  return v !== null && typeof v === "object" && v[kMethod] !== undefined;
}

function requestURL(r) {
  if (r[kURLRaw]) {
    r[kURLRaw] = false;
    try {
      r[kURL] = parseHref(r[kURL], "Request");
    } catch {
      // Keep what the HTTP layer gave, rather than fail a getter.
    }
  }
  return r[kURL];
}

function requestHeaders(r) {
  let h = r[kHeaders];
  if (h === null) {
    h = newHeaders(StringPrototypeSplit(r[kHeadersFlat], "\0"), GUARD_IMMUTABLE);
    r[kHeaders] = h;
    r[kHeadersFlat] = null;
  }
  return h;
}

function followSignal(signal) {
  const D = dom();
  if (D.any !== null) return D.any([signal]);
  return signal;
}

// A Request's slots live in a private record (core.slotAccessors), so
// that spreading one shows nothing, as on Cloudflare: routers such as
// itty-router spread the request through a Proxy, which must not meet
// the slots. Reading them stays r[kMethod].
const requestSlots = [kMethod, kURL, kURLRaw, kHeaders, kHeadersFlat, kBody, kRedirect, kSignal, kCf];
// The record is an ordinary object: one made with __proto__: null starts
// in V8's dictionary mode, which made new Request plus three reads take
// 3.5-4.6 us instead of about 1 us. Its keys are symbols nobody else
// holds, so Object.prototype cannot answer for them.
function newRequestRecord() {
  return {
    [kMethod]: undefined,
    [kURL]: undefined,
    [kURLRaw]: undefined,
    [kHeaders]: undefined,
    [kHeadersFlat]: undefined,
    [kBody]: undefined,
    [kRedirect]: undefined,
    [kSignal]: undefined,
    [kCf]: undefined,
  };
}

class Request {
  #slots = newRequestRecord();
  static {
    core.slotAccessors(Request.prototype, requestSlots, (o) => (o !== null && typeof o === "object" && #slots in o ? o.#slots : undefined));
  }

  constructor(input, init = undefined) {
    if (input === kInternal) {
      // new Request(kInternal, [method, url, urlRaw, headers, flat, body, redirect, signal, cf])
      this[kMethod] = init[0];
      this[kURL] = init[1];
      this[kURLRaw] = init[2];
      this[kHeaders] = init[3];
      this[kHeadersFlat] = init[4];
      this[kBody] = init[5];
      this[kRedirect] = init[6];
      this[kSignal] = init[7];
      this[kCf] = init[8];
      return;
    }
    const prefix = "Failed to construct 'Request'";
    requireArgs(arguments.length, 1, null, "Request");
    init = toDictionary(init, prefix, "RequestInit");
    let inputReq = null;
    let url, method, redirect, signal, cf;
    if (isRequest(input)) {
      inputReq = input;
      url = requestURL(input);
      method = input[kMethod];
      redirect = input[kRedirect];
      signal = input[kSignal];
      cf = input[kCf];
    } else {
      const s = toUSVString(input);
      const U = urls();
      let u;
      try {
        u = new U.URL(s);
      } catch {
        throw invalidURL(s, prefix);
      }
      url = U.href(u);
      if (U.username(u) !== "" || U.password(u) !== "") {
        throw new TypeErrorCtor(`${prefix}: ${JSONStringify(url)} includes credentials; a Request URL may not.`);
      }
      method = "GET";
      redirect = "follow";
      signal = null;
      cf = undefined;
    }
    // Dictionary members, in WebIDL's (alphabetical) order.
    const initBody = init.body;
    const initCf = init.cf;
    if (initCf !== undefined) cf = initCf;
    const initHeaders = init.headers;
    const initMethod = init.method;
    if (initMethod !== undefined) method = normalizeMethod(initMethod, prefix);
    const initRedirect = init.redirect;
    if (initRedirect !== undefined) {
      const r = toString(initRedirect);
      if (redirectModes[r] !== 1) {
        throw new TypeErrorCtor(`${prefix}: The provided value '${r}' is not a valid enum value of type RequestRedirect.`);
      }
      redirect = r;
    }
    const initSignal = init.signal;
    if (initSignal !== undefined) {
      if (initSignal === null) {
        signal = null;
      } else {
        const AS = dom().AbortSignal;
        if (AS === null || !(initSignal instanceof AS)) {
          throw new TypeErrorCtor(`${prefix}: member signal is ${describe(initSignal)}, not an AbortSignal.`);
        }
        signal = initSignal;
      }
    }
    if (signal !== null && signal !== undefined) signal = followSignal(signal);

    const headers = newHeaders([], GUARD_NONE);
    if (initHeaders !== undefined) fillHeaders(headers, initHeaders, prefix);
    else if (inputReq !== null) fillHeaders(headers, requestHeaders(inputReq), prefix);

    const inputBody = inputReq !== null ? inputReq[kBody] : null;
    if (((initBody !== undefined && initBody !== null) || inputBody !== null) && (method === "GET" || method === "HEAD")) {
      throw new TypeErrorCtor(`${prefix}: Request with GET/HEAD method cannot have body.`);
    }
    let body = null;
    if (initBody !== undefined && initBody !== null) {
      const [b, type] = extractBody(initBody, prefix);
      body = b;
      if (type !== null && !hasHeader(headers[kHeaderList], "content-type")) {
        ArrayPrototypePush(headers[kHeaderList], "content-type", type);
      }
    } else if (inputBody !== null) {
      if (bodyUnusable(inputBody)) {
        throw new TypeErrorCtor(`${prefix}: Cannot construct a Request with a Request whose body has already been used.`);
      }
      body = takeBody(inputBody);
    }
    this[kMethod] = method;
    this[kURL] = url;
    this[kURLRaw] = false;
    this[kHeaders] = headers;
    this[kHeadersFlat] = null;
    this[kBody] = body;
    this[kRedirect] = redirect;
    this[kSignal] = signal;
    this[kCf] = cf;
  }

  get method() {
    if (!isRequest(this)) throw illegalInvocation("Request", "method");
    return this[kMethod];
  }

  get url() {
    if (!isRequest(this)) throw illegalInvocation("Request", "url");
    return requestURL(this);
  }

  get headers() {
    if (!isRequest(this)) throw illegalInvocation("Request", "headers");
    return requestHeaders(this);
  }

  get redirect() {
    if (!isRequest(this)) throw illegalInvocation("Request", "redirect");
    return this[kRedirect];
  }

  get cf() {
    if (!isRequest(this)) throw illegalInvocation("Request", "cf");
    return this[kCf];
  }

  clone() {
    if (!isRequest(this)) throw illegalInvocation("Request", "clone");
    const b = this[kBody];
    if (b !== null && bodyUnusable(b)) throw new TypeErrorCtor("Failed to execute 'clone' on 'Request': Request body is already used");
    const h = requestHeaders(this);
    return new Request(kInternal, [
      this[kMethod],
      this[kURL],
      this[kURLRaw],
      newHeaders(ArrayPrototypeSlice(h[kHeaderList]), h[kGuard]),
      null,
      cloneBody(b),
      this[kRedirect],
      this[kSignal] === null || this[kSignal] === undefined ? this[kSignal] : followSignal(this[kSignal]),
      this[kCf],
    ]);
  }
}
const RequestPrototype = Request.prototype;
enumerable(RequestPrototype, ["method", "url", "headers", "redirect", "cf", "clone"]);
installBody(RequestPrototype, "Request", isRequest);
if (dom().AbortController !== null) {
  ObjectDefineProperty(RequestPrototype, "signal", {
    get() {
      if (!isRequest(this)) throw illegalInvocation("Request", "signal");
      let s = this[kSignal];
      if (s === null || s === undefined) {
        const D = dom();
        s = D.controllerSignal(new D.AbortController());
        this[kSignal] = s;
      }
      return s;
    },
    enumerable: true,
    configurable: true,
  });
}
toStringTag(RequestPrototype, "Request");

// ---------------------------------------------------------------------------
// Response.

const nullBodyStatus = { __proto__: null, 101: 1, 103: 1, 204: 1, 205: 1, 304: 1 };
const redirectStatus = { __proto__: null, 301: 1, 302: 1, 303: 1, 307: 1, 308: 1 };
const reasonPhraseRe = /^[\t\x20-\x7E\x80-\xFF]*$/;

function isResponse(v) {
  return v !== null && typeof v === "object" && v[kStatus] !== undefined;
}

// initResponse applies a ResponseInit and a body to a new response.
function initResponse(r, init, body, contentType, prefix) {
  init = toDictionary(init, prefix, "ResponseInit");
  const initHeaders = init.headers;
  const initStatus = init.status;
  const status = initStatus === undefined ? 200 : toUnsignedShort(initStatus);
  const initStatusText = init.statusText;
  const statusText = initStatusText === undefined ? "" : toByteString(initStatusText, prefix, "statusText");
  if (status < 200 || status > 599) {
    throw new RangeErrorCtor(`${prefix}: The status provided (${status}) is outside the range [200, 599].`);
  }
  if (RegExpPrototypeExec(reasonPhraseRe, statusText) === null) {
    throw new TypeErrorCtor(`${prefix}: Invalid statusText ${JSONStringify(statusText)}: it may hold only tabs, spaces and visible characters.`);
  }
  const headers = r[kHeaders];
  if (initHeaders !== undefined) fillHeaders(headers, initHeaders, prefix);
  if (body !== null) {
    if (nullBodyStatus[status] === 1) {
      throw new TypeErrorCtor(`${prefix}: Response with null body status (${status}) cannot have body.`);
    }
    if (contentType !== null && !hasHeader(headers[kHeaderList], "content-type")) {
      ArrayPrototypePush(headers[kHeaderList], "content-type", contentType);
    }
  }
  r[kStatus] = status;
  r[kStatusText] = statusText;
  r[kBody] = body;
}

class Response {
  constructor(body = null, init = undefined) {
    this[kStatus] = 200;
    this[kStatusText] = "";
    this[kHeaders] = newHeaders([], GUARD_NONE);
    this[kBody] = null;
    this[kType] = "default";
    this[kURL] = "";
    if (body === kInternal) return;
    const prefix = "Failed to construct 'Response'";
    let b = null;
    let type = null;
    if (body !== null && body !== undefined) [b, type] = extractBody(body, prefix);
    initResponse(this, init, b, type, prefix);
  }

  static error() {
    const r = new Response(kInternal);
    r[kStatus] = 0;
    r[kType] = "error";
    r[kHeaders][kGuard] = GUARD_IMMUTABLE;
    return r;
  }

  static redirect(url, status = 302) {
    const prefix = "Failed to execute 'redirect' on 'Response'";
    requireArgs(arguments.length, 1, "redirect", "Response");
    const href = parseHref(toUSVString(url), prefix);
    status = toUnsignedShort(status);
    if (redirectStatus[status] !== 1) {
      throw new RangeErrorCtor(`${prefix}: Invalid status code ${status}: a redirect status is 301, 302, 303, 307 or 308.`);
    }
    const r = new Response(kInternal);
    r[kStatus] = status;
    r[kHeaders] = newHeaders(["location", href], GUARD_IMMUTABLE);
    return r;
  }

  static json(data, init = undefined) {
    const prefix = "Failed to execute 'json' on 'Response'";
    requireArgs(arguments.length, 1, "json", "Response");
    const text = JSONStringify(data);
    if (text === undefined) throw new TypeErrorCtor(`${prefix}: ${describe(data)} is not JSON serializable.`);
    const r = new Response(kInternal);
    initResponse(r, init, newBody(BODY_STRING, text, null), "application/json", prefix);
    return r;
  }

  get type() {
    if (!isResponse(this)) throw illegalInvocation("Response", "type");
    return this[kType];
  }

  get url() {
    if (!isResponse(this)) throw illegalInvocation("Response", "url");
    return this[kURL];
  }

  get redirected() {
    if (!isResponse(this)) throw illegalInvocation("Response", "redirected");
    return this[kRedirected] === true;
  }

  get status() {
    if (!isResponse(this)) throw illegalInvocation("Response", "status");
    return this[kStatus];
  }

  get ok() {
    if (!isResponse(this)) throw illegalInvocation("Response", "ok");
    const s = this[kStatus];
    return s >= 200 && s <= 299;
  }

  get statusText() {
    if (!isResponse(this)) throw illegalInvocation("Response", "statusText");
    return this[kStatusText];
  }

  get headers() {
    if (!isResponse(this)) throw illegalInvocation("Response", "headers");
    return this[kHeaders];
  }

  clone() {
    if (!isResponse(this)) throw illegalInvocation("Response", "clone");
    const b = this[kBody];
    if (b !== null && bodyUnusable(b)) throw new TypeErrorCtor("Failed to execute 'clone' on 'Response': Response body is already used");
    const r = new Response(kInternal);
    r[kStatus] = this[kStatus];
    r[kStatusText] = this[kStatusText];
    const h = this[kHeaders];
    r[kHeaders] = newHeaders(ArrayPrototypeSlice(h[kHeaderList]), h[kGuard]);
    r[kBody] = cloneBody(b);
    r[kType] = this[kType];
    r[kURL] = this[kURL];
    r[kRedirected] = this[kRedirected];
    return r;
  }
}
enumerable(Response, ["error", "redirect", "json"]);
enumerable(Response.prototype, ["type", "url", "redirected", "status", "ok", "statusText", "headers", "clone"]);
installBody(Response.prototype, "Response", isResponse);
toStringTag(Response.prototype, "Response");

// ---------------------------------------------------------------------------
// Fetch events.
//
// One state record per event: the request id, whether the response is
// finished (written, or failed), how many waitUntil promises are pending,
// and whether the runtime was told the request is done.

function newEventState(id, head) {
  return { id, head, finished: false, pending: 0, done: false, passThrough: false, started: false, passing: false };
}

// passThroughOnException: from now on the incoming body is kept as the
// worker reads it (Go), so that on an exception the whole request can go
// to the next handler. Rule: call it before reading the body; if part of
// the body was read before the call, an exception is a plain 500.
function passThrough(st) {
  if (st.passThrough || st.finished) return;
  st.passThrough = true;
  ops.op_fetch_retain_body(st.id);
}

function maybeDone(st) {
  if (st.finished && st.pending === 0 && !st.done) {
    st.done = true;
    core.requestDone(st.id);
  }
}

function responseFinished(st) {
  st.finished = true;
  maybeDone(st);
}

function errorText(e) {
  try {
    if (e instanceof ErrorCtor && typeof e.stack === "string" && e.stack !== "") return e.stack;
    return toString(e);
  } catch {
    return "(an exception that cannot be converted to a string)";
  }
}

// fail ends the request with an exception: a 500, or an aborted
// connection if the response had started.
function fail(st, e) {
  if (st.finished) {
    core.log("error", `Uncaught exception after the response was sent: ${errorText(e)}`);
    return;
  }
  if (st.passThrough && !st.started && !st.passing) {
    // passThroughOnException(): the original request goes to the next
    // handler, as if the worker were not there (Go says false when there
    // is none, or its body can no longer be replayed).
    st.passing = true;
    core.log("error", `Uncaught exception, passing the request through: ${errorText(e)}`);
    PromisePrototypeThen(
      ops.op_fetch_pass_through(st.id),
      (ok) => {
        if (ok) responseFinished(st);
        else failNow(st, e);
      },
      () => failNow(st, e),
    );
    return;
  }
  failNow(st, e);
}

function failNow(st, e) {
  if (st.finished) return;
  try {
    core.requestError(st.id, e);
  } finally {
    responseFinished(st);
  }
}

function addWaitUntil(st, promise) {
  const p = PromiseResolve(promise);
  if (st.done) {
    core.log("warn", "waitUntil() was called after the request was over; its work may be cut short");
    PromisePrototypeThen(p, undefined, logWaitUntilRejection);
    return;
  }
  st.pending++;
  PromisePrototypeThen(
    p,
    () => {
      st.pending--;
      maybeDone(st);
    },
    (e) => {
      logWaitUntilRejection(e);
      st.pending--;
      maybeDone(st);
    },
  );
}

function logWaitUntilRejection(e) {
  core.log("error", `Uncaught (in waitUntil promise) ${errorText(e)}`);
}

class ExecutionContext {
  constructor(key = undefined, st = undefined) {
    if (key !== kInternal) throw new TypeErrorCtor("Illegal constructor");
    this[kState] = st;
  }

  waitUntil(promise) {
    if (this === null || typeof this !== "object" || this[kState] === undefined) {
      throw illegalInvocation("ExecutionContext", "waitUntil");
    }
    requireArgs(arguments.length, 1, "waitUntil", "ExecutionContext");
    addWaitUntil(this[kState], promise);
  }

  passThroughOnException() {
    if (this === null || typeof this !== "object" || this[kState] === undefined) {
      throw illegalInvocation("ExecutionContext", "passThroughOnException");
    }
    passThrough(this[kState]);
  }
}
enumerable(ExecutionContext.prototype, ["waitUntil", "passThroughOnException"]);
toStringTag(ExecutionContext.prototype, "ExecutionContext");

// FetchEvent extends the dom family's Event when there is one.
const EventBase = typeof global.Event === "function" ? global.Event : Object;

function isFetchEvent(v) {
  return v !== null && typeof v === "object" && v[kRequest] !== undefined;
}

class FetchEvent extends EventBase {
  constructor(type, init = undefined) {
    if (type === kInternal) {
      super("fetch");
      this[kRequest] = init[0];
      this[kState] = init[1];
      return;
    }
    requireArgs(arguments.length, 2, null, "FetchEvent");
    const t = toString(type);
    const prefix = "Failed to construct 'FetchEvent'";
    if (init === null || typeof init !== "object") throw new TypeErrorCtor(`${prefix}: The provided value is not of type 'FetchEventInit'.`);
    const request = init.request;
    if (!isRequest(request)) throw new TypeErrorCtor(`${prefix}: member request is ${describe(request)}, not a Request.`);
    super(t);
    this[kRequest] = request;
    this[kState] = null;
  }

  get request() {
    if (!isFetchEvent(this)) throw illegalInvocation("FetchEvent", "request");
    return this[kRequest];
  }

  respondWith(response) {
    if (!isFetchEvent(this)) throw illegalInvocation("FetchEvent", "respondWith");
    requireArgs(arguments.length, 1, "respondWith", "FetchEvent");
    const st = this[kState];
    if (st === null || !st.dispatching) {
      throw newDOMException(
        "Failed to execute 'respondWith' on 'FetchEvent': The event handler is already finished; respondWith() must be called synchronously in the listener.",
        "InvalidStateError",
      );
    }
    if (st.responded) {
      throw newDOMException("Failed to execute 'respondWith' on 'FetchEvent': respondWith() was already called.", "InvalidStateError");
    }
    st.responded = true;
    st.response = response;
  }

  waitUntil(promise) {
    if (!isFetchEvent(this)) throw illegalInvocation("FetchEvent", "waitUntil");
    requireArgs(arguments.length, 1, "waitUntil", "FetchEvent");
    const st = this[kState];
    if (st === null) {
      throw newDOMException("Failed to execute 'waitUntil' on 'FetchEvent': The event is not being dispatched.", "InvalidStateError");
    }
    addWaitUntil(st.event, promise);
  }

  passThroughOnException() {
    if (!isFetchEvent(this)) throw illegalInvocation("FetchEvent", "passThroughOnException");
    const st = this[kState];
    if (st === null) {
      throw newDOMException("Failed to execute 'passThroughOnException' on 'FetchEvent': The event is not being dispatched.", "InvalidStateError");
    }
    passThrough(st.event);
  }
}
enumerable(FetchEvent.prototype, ["request", "respondWith", "waitUntil", "passThroughOnException"]);
toStringTag(FetchEvent.prototype, "FetchEvent");

// dispatchFetchEvent calls the "fetch" listeners (service-worker syntax)
// and returns what the first respondWith() was given.
function dispatchFetchEvent(st, request) {
  const list = ArrayPrototypeSlice(core.listeners("fetch"));
  if (list.length === 0) throw new ErrorCtor("The worker has no fetch handler: export default { fetch(request, env, ctx) { ... } } or addEventListener(\"fetch\", ...)");
  const es = { event: st, dispatching: true, responded: false, response: undefined };
  const ev = new FetchEvent(kInternal, [request, es]);
  if (eventsAPI !== null) {
    eventsAPI.setTrusted(ev);
    try {
      // A listener that throws before anyone responded fails the request;
      // after a response, its exception is reported like any other.
      eventsAPI.dispatch(global, ev, (e) => {
        if (!es.responded) throw e;
        eventsAPI.reportException(e);
      });
    } finally {
      es.dispatching = false;
    }
    if (!es.responded) throw new ErrorCtor("No fetch listener called event.respondWith(), so there is no response.");
    return es.response;
  }
  try {
    for (let i = 0; i < list.length; i++) {
      const l = list[i];
      try {
        if (typeof l === "function") {
          ReflectApply(l, global, [ev]);
        } else {
          const handle = l.handleEvent;
          if (typeof handle === "function") ReflectApply(handle, l, [ev]);
        }
      } catch (e) {
        if (!es.responded) throw e;
        core.log("error", `Uncaught exception in a fetch listener: ${errorText(e)}`);
      }
    }
  } finally {
    es.dispatching = false;
  }
  if (!es.responded) throw new ErrorCtor("No fetch listener called event.respondWith(), so there is no response.");
  return es.response;
}

function notAResponse(v) {
  return new TypeErrorCtor(`The fetch handler returned ${describe(v)}, not a Response`);
}

// parseCf makes request.cf from the runtime's JSON: a frozen plain object
// holding only what Worky knows (httpProtocol, and tlsVersion and
// tlsCipher over TLS); keys it cannot know are absent.
function parseCf(cfJSON) {
  if (typeof cfJSON !== "string" || cfJSON === "") return undefined;
  let v;
  try {
    v = JSONParse(cfJSON);
  } catch {
    return undefined;
  }
  if (v === null || typeof v !== "object") return undefined;
  return ObjectFreeze(v);
}

// onFetch is the runtime's entry point for a fetch event. headersFlat is
// "name\0value\0..." with lowercase names, host first.
function onFetch(id, method, url, headersFlat, hasBody, cfJSON) {
  const head = method === "HEAD";
  const body = hasBody && method !== "GET" && !head ? newBody(BODY_GO, id, null) : null;
  const request = new Request(kInternal, [method, url, true, null, headersFlat, body, "follow", null, parseCf(cfJSON)]);
  const st = newEventState(id, head);
  let result;
  try {
    const d = core.module().default;
    if (d !== null && d !== undefined && typeof d.fetch === "function") {
      result = d.fetch(request, core.env(), new ExecutionContext(kInternal, st));
    } else {
      result = dispatchFetchEvent(st, request);
    }
  } catch (e) {
    fail(st, e);
    return;
  }
  if (isResponse(result)) {
    sendResponse(st, result);
    return;
  }
  let then;
  try {
    then = result !== null && (typeof result === "object" || typeof result === "function") ? result.then : undefined;
  } catch (e) {
    fail(st, e);
    return;
  }
  if (typeof then !== "function") {
    fail(st, notAResponse(result));
    return;
  }
  PromisePrototypeThen(
    PromiseResolve(result),
    (v) => {
      if (isResponse(v)) sendResponse(st, v);
      else fail(st, notAResponse(v));
    },
    (e) => fail(st, e),
  );
}

// headersFlat is the "name\0value\0..." form op_fetch_respond takes.
function headersFlat(h) {
  return ArrayPrototypeJoin(h[kHeaderList], "\0");
}

// sendResponse writes res for the event: one sync op for a small body, an
// async one for a large body, or a head op plus one op per chunk for a
// stream.
function sendResponse(st, res) {
  const id = st.id;
  try {
    if (res[kType] === "error") throw new TypeErrorCtor("The fetch handler returned Response.error(), a network error");
    const status = res[kStatus];
    const flat = headersFlat(res[kHeaders]);
    const b = res[kBody];
    if (b === null) {
      ops.op_fetch_respond(id, status, flat, null);
      responseFinished(st);
      return;
    }
    if (bodyUnusable(b)) throw new TypeErrorCtor("The fetch handler returned a Response whose body has already been used");
    if (b.stream === null && (b.kind === BODY_STRING || b.kind === BODY_BYTES)) {
      b.used = true;
      const src = b.src;
      b.src = null;
      const small = b.kind === BODY_STRING ? src.length <= SMALL_BODY : TypedArrayPrototypeGetByteLength(src) <= SMALL_BODY;
      const arg = b.kind === BODY_STRING ? src : core.toGo(src);
      if (small) {
        ops.op_fetch_respond(id, status, flat, arg);
        responseFinished(st);
      } else {
        PromisePrototypeThen(ops.op_fetch_respond_async(id, status, flat, arg), () => responseFinished(st), (e) => fail(st, e));
      }
      return;
    }
    const stream = bodyStream(b);
    b.used = true;
    if (st.head) {
      // No body goes out; let the stream's source know nobody will read.
      PromisePrototypeThen(streams().cancel(stream, undefined), undefined, () => {});
      ops.op_fetch_respond(id, status, flat, null);
      responseFinished(st);
      return;
    }
    const S = streams();
    const reader = S.getReader(stream);
    st.started = true;
    if (!ops.op_fetch_respond(id, status, flat, true)) {
      PromisePrototypeThen(S.cancel(stream, undefined), undefined, () => {});
      responseFinished(st);
      return;
    }
    pump(st, stream, reader);
  } catch (e) {
    fail(st, e);
  }
}

// pump copies a stream to the client, a chunk at a time: the next chunk is
// read only once Go has written the last one.
async function pump(st, stream, reader) {
  const S = streams();
  try {
    for (;;) {
      const r = await S.readChunk(reader);
      if (r.done) break;
      const u8 = chunkBytes(r.value);
      if (TypedArrayPrototypeGetByteLength(u8) === 0) continue;
      if (!(await ops.op_fetch_write(st.id, core.toGo(u8)))) {
        // The client is gone.
        PromisePrototypeThen(S.cancel(stream, undefined), undefined, () => {});
        responseFinished(st);
        return;
      }
    }
    ops.op_fetch_end(st.id);
    responseFinished(st);
  } catch (e) {
    try {
      PromisePrototypeThen(S.cancel(stream, e), undefined, () => {});
    } catch {}
    fail(st, e);
  }
}

// ---------------------------------------------------------------------------
// Outgoing fetch(). JS builds the Request, hands its method, URL, headers
// and body to Go (a string or bytes in one op, a ReadableStream chunk by
// chunk, the incoming request's body by its id, which Go reads itself),
// wires the signal to cancel the Go request, and wraps what Go answers in
// a Response whose body is a stream read from Go as the bytes arrive.
// Go (subrequest.go) routes, checks the egress policy, follows redirects
// and counts the request's subrequests.

let abortAPI;
function aborts() {
  if (abortAPI === undefined) abortAPI = installed(() => core.use("abort"));
  return abortAPI;
}

// sendRequestBody copies a ReadableStream request body to Go, a chunk at a
// time; the next chunk is read once Go has taken the last.
async function sendRequestBody(id, stream) {
  const S = streams();
  let reader;
  try {
    reader = S.getReader(stream);
    for (;;) {
      const r = await S.readChunk(reader);
      if (r.done) break;
      const u8 = chunkBytes(r.value);
      if (TypedArrayPrototypeGetByteLength(u8) === 0) continue;
      if (!(await ops.op_fetch_req_write(id, core.toGo(u8)))) {
        PromisePrototypeThen(S.cancel(stream, undefined), undefined, () => {});
        return;
      }
    }
    ops.op_fetch_req_end(id, null);
  } catch (e) {
    ops.op_fetch_req_end(id, `the request body stream failed: ${errorText(e)}`);
    try {
      PromisePrototypeThen(S.cancel(stream, e), undefined, () => {});
    } catch {}
  }
}

// fetchResponse makes the Response of subrequest id from the head Go
// packed: "status\0flags\0statusText\0url\0name\0value\0...", flags
// holding "r" for redirected, and "b" for a body to stream from Go or "w"
// for a whole body Go already has (taken at once, unless a signal may
// still abort the body).
function fetchResponse(id, packed, signal, A) {
  const i1 = StringPrototypeIndexOf(packed, "\0");
  const i2 = StringPrototypeIndexOf(packed, "\0", i1 + 1);
  const i3 = StringPrototypeIndexOf(packed, "\0", i2 + 1);
  const i4 = StringPrototypeIndexOf(packed, "\0", i3 + 1);
  const flags = StringPrototypeSlice(packed, i1 + 1, i2);
  const r = new Response(kInternal);
  r[kStatus] = +StringPrototypeSlice(packed, 0, i1);
  r[kStatusText] = StringPrototypeSlice(packed, i2 + 1, i3);
  r[kHeaders] = newHeaders(i4 === -1 ? [] : StringPrototypeSplit(StringPrototypeSlice(packed, i4 + 1), "\0"), GUARD_IMMUTABLE);
  r[kURL] = i4 === -1 ? StringPrototypeSlice(packed, i3 + 1) : StringPrototypeSlice(packed, i3 + 1, i4);
  r[kRedirected] = StringPrototypeIndexOf(flags, "r") !== -1;
  const whole = StringPrototypeIndexOf(flags, "w") !== -1;
  if (whole && signal === null) {
    // A string is a textual body, valid UTF-8: text() is then free.
    const src = ops.op_fetch_res_take(id);
    r[kBody] = typeof src === "string" ? newBody(BODY_STRING, src, null) : newBody(BODY_BYTES, src, null);
    return r;
  }
  if (whole || StringPrototypeIndexOf(flags, "b") !== -1) {
    const aborted = () => signal !== null && A !== null && A.aborted(signal);
    const stream = streams().createPullStream(
      () => {
        if (aborted()) throw A.reason(signal);
        return PromisePrototypeThen(ops.op_fetch_res_read(id), undefined, (e) => {
          throw aborted() ? A.reason(signal) : e;
        });
      },
      () => ops.op_fetch_abort(id),
    );
    r[kBody] = newBody(BODY_STREAM, null, stream);
    if (signal !== null && A !== null) {
      // Aborting after the response arrived cancels the Go request; the
      // read in flight, or the next one, then errors the body with the
      // signal's reason (see the pull function above).
      A.add(signal, () => ops.op_fetch_abort(id));
    }
  }
  return r;
}

// lastFetchID numbers this isolate's subrequests; Go keys them by it.
let lastFetchID = 0;

function fetchStart(input, init) {
  const request = new Request(input, init);
  const signal = request[kSignal] === undefined ? null : request[kSignal];
  const A = signal !== null ? aborts() : null;
  if (signal !== null && A !== null && A.aborted(signal)) return PromiseReject(A.reason(signal));
  const b = request[kBody];
  let kind = 0;
  let src = null;
  let stream = null;
  if (b !== null) {
    if (bodyUnusable(b)) throw new TypeErrorCtor("Failed to execute 'fetch': the request's body has already been used.");
    if (b.stream === null) {
      kind = b.kind;
      src = b.src;
      b.src = null;
      b.used = true;
    } else {
      kind = BODY_STREAM;
      stream = b.stream;
    }
  }
  // The forwarded incoming body goes to Go as a stream would, but Go
  // reads it itself.
  const id = ++lastFetchID;
  let bodyArg = null;
  let forward = -1;
  if (kind === BODY_STRING) bodyArg = src;
  else if (kind === BODY_GO) forward = src;
  else if (kind === BODY_STREAM) bodyArg = true;
  // One string for the method, redirect mode, URL and headers: each
  // argument Go reads is a crossing.
  const packed = request[kMethod] + "\0" + request[kRedirect] + "\0" + requestURL(request) + "\0" + headersFlat(requestHeaders(request));
  const sent =
    kind === BODY_BYTES ? ops.op_fetch_send(id, packed, core.toGo(src), forward) : ops.op_fetch_send(id, packed, bodyArg, forward);
  if (stream !== null) sendRequestBody(id, stream);
  return new PromiseCtor((resolve, reject) => {
    let settled = false;
    let handle;
    if (signal !== null && A !== null) {
      handle = A.add(signal, () => {
        if (settled) return;
        settled = true;
        ops.op_fetch_abort(id);
        if (stream !== null) {
          try {
            PromisePrototypeThen(streams().cancel(stream, A.reason(signal)), undefined, () => {});
          } catch {}
        }
        reject(A.reason(signal));
      });
    }
    PromisePrototypeThen(
      sent,
      (head) => {
        if (settled) return;
        settled = true;
        if (handle !== undefined) A.remove(signal, handle);
        try {
          resolve(fetchResponse(id, head, signal, A));
        } catch (e) {
          reject(e);
        }
      },
      (e) => {
        if (settled) return;
        settled = true;
        if (handle !== undefined) A.remove(signal, handle);
        reject(e);
      },
    );
  });
}

// fetch is the global: every error, even a bad argument, rejects.
function fetch(input, init = undefined) {
  try {
    if (arguments.length < 1) {
      throw new TypeErrorCtor("Failed to execute 'fetch': 1 argument required, but only 0 present.");
    }
    return fetchStart(input, init);
  } catch (e) {
    return PromiseReject(e);
  }
}

// ---------------------------------------------------------------------------
// WebAssembly.compileStreaming and instantiateStreaming (the WebAssembly
// Web API). V8 has them only for embedders that feed its streaming
// compiler; here the response's body is read whole, then compiled, with
// the checks the Web API makes of the response first.

const WebAssemblyCompile = WebAssembly.compile;
const WebAssemblyInstantiate = WebAssembly.instantiate;

async function wasmSourceBytes(source, prefix) {
  const response = await source;
  if (!isResponse(response)) {
    throw new TypeErrorCtor(`${prefix}: the argument is not a Response (nor a promise of one).`);
  }
  const type = getHeader(response[kHeaders][kHeaderList], "content-type");
  if (type === null || StringPrototypeToLowerCase(trimHTTPWhitespace(type)) !== "application/wasm") {
    throw new TypeErrorCtor(
      `${prefix}: the response's MIME type must be application/wasm, not ${type === null ? "missing" : JSONStringify(type)}.`,
    );
  }
  const status = response[kStatus];
  if (status < 200 || status > 299) {
    throw new TypeErrorCtor(`${prefix}: the response's status is ${status}, not ok (200-299).`);
  }
  return consumeBytes(response[kBody]);
}

const wasmStreaming = {
  async compileStreaming(source) {
    return WebAssemblyCompile(await wasmSourceBytes(source, "WebAssembly.compileStreaming()"));
  },
  async instantiateStreaming(source, importObject = undefined) {
    const bytes = await wasmSourceBytes(source, "WebAssembly.instantiateStreaming()");
    return WebAssemblyInstantiate(bytes, importObject);
  },
};
for (const name of ["compileStreaming", "instantiateStreaming"]) {
  ObjectDefineProperty(WebAssembly, name, { value: wasmStreaming[name], writable: true, configurable: true, enumerable: true });
}

core.onEvent("fetch", onFetch);

core.defineGlobal("Headers", Headers);
core.defineGlobal("Request", Request);
core.defineGlobal("Response", Response);
core.defineGlobal("FetchEvent", FetchEvent);
core.defineGlobal("fetch", fetch);

// For the families that build on this one (outgoing fetch, caches).
core.provide(
  "fetch",
  ObjectFreeze({
    Headers,
    Request,
    Response,
    isHeaders,
    isRequest,
    isResponse,
    // headersFromFlat makes Headers from "name\0value\0..." (lowercase,
    // valid names and values), immutable or not.
    headersFromFlat(flat, immutable) {
      return newHeaders(flat === "" ? [] : StringPrototypeSplit(flat, "\0"), immutable ? GUARD_IMMUTABLE : GUARD_NONE);
    },
    headersFlat,
    requestHeaders,
    requestURL,
    extractBody,
    bodyStream,
    consumeBytes,
  }),
);
