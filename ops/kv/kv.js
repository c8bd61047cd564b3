// The Workers KV binding. Done here in JS: the KVNamespace class that the
// "kv" binding kind puts on env, its WebIDL-style brand checks and argument
// conversions, the checks of keys, types and options with the messages
// Cloudflare's runtime and KV service use (so that nothing reaches the
// store unless it is valid), reading a ReadableStream value (bounded by the
// value limit, stopping as soon as it is passed), and shaping results (a
// Map for an array of keys, JSON.parse for "json", a ReadableStream for
// "stream"). Done in Go (kv.go): one async op per KV operation that calls
// the kv.Store off the isolate's thread, the count of operations per
// request, the time-dependent checks of expiration, the size of string
// values, and turning stored bytes into text as TextDecoder would.
"use strict";

const uncurryThis = (fn) => Function.prototype.call.bind(fn);
const getter = (proto, name) => uncurryThis(Object.getOwnPropertyDescriptor(proto, name).get);

const ObjectCreate = Object.create;
const ArrayIsArray = Array.isArray;
const ArrayPrototypeJoin = uncurryThis(Array.prototype.join);
const ArrayBufferIsView = ArrayBuffer.isView;
const ArrayBufferPrototypeSlice = uncurryThis(ArrayBuffer.prototype.slice);
const ArrayBufferPrototypeTransfer =
  typeof ArrayBuffer.prototype.transfer === "function" ? uncurryThis(ArrayBuffer.prototype.transfer) : null;
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const TypedArrayPrototypeGetSymbolToStringTag = getter(TypedArrayPrototype, Symbol.toStringTag);
const TypedArrayPrototypeGetBuffer = getter(TypedArrayPrototype, "buffer");
const TypedArrayPrototypeGetLength = getter(TypedArrayPrototype, "length");
const TypedArrayPrototypeSet = uncurryThis(TypedArrayPrototype.set);
const TypedArrayPrototypeSubarray = uncurryThis(TypedArrayPrototype.subarray);
const StringFromCharCode = String.fromCharCode;
const StringPrototypeCharCodeAt = uncurryThis(String.prototype.charCodeAt);
const JSONParse = JSON.parse;
const JSONStringify = JSON.stringify;
const MapCtor = Map;
const MapPrototypeSet = uncurryThis(Map.prototype.set);
const PromisePrototypeThen = uncurryThis(Promise.prototype.then);
const ReflectApply = Reflect.apply;
const MathFloor = Math.floor;
const MathMin = Math.min;
const MathMax = Math.max;
const DateNow = Date.now;
const ErrorCtor = Error;
const TypeErrorCtor = TypeError;
const U8 = Uint8Array;

const webidl = core.use("webidl");
const streams = core.use("streams");

// KV's limits, as Cloudflare sets them; also kv/kv.go (MaxKeySize,
// MaxValueSize, MaxMetadataSize, MinExpirationTTL, MaxListLimit), which
// the Go side checks again.
const MAX_KEY_SIZE = 512; // bytes of UTF-8
const MAX_VALUE_SIZE = 25 << 20; // bytes
const MAX_METADATA_SIZE = 1024; // bytes of JSON
const MIN_EXPIRATION_TTL = 60; // seconds
const MIN_CACHE_TTL = 60; // seconds; checked here only
const MAX_LIST_LIMIT = 1000; // keys per list call, also the default
const MAX_BULK_KEYS = 100; // also ops/kv/kv.go: maxBulkKeys

// Value types of op_kv_get; also ops/kv/kv.go: type*.
const TYPE_TEXT = 0;
const TYPE_JSON = 1;
const TYPE_ARRAY_BUFFER = 2;
const TYPE_STREAM = 3;

const kNamespace = Symbol("namespace");

// kvError is an Error worded as Cloudflare words the failures of its KV
// service: "KV PUT failed: 413 Value length of ...".
function kvError(method, status, message) {
  return new ErrorCtor(`KV ${method} failed: ${status} ${message}`);
}

// utf8Length is the length of a well-formed string in UTF-8 bytes.
function utf8Length(s) {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      n += 1;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      // A surrogate pair: 4 bytes for 2 code units.
      n += 2;
      i++;
    } else {
      n += 2;
    }
  }
  return n;
}

// checkKey checks a key as Cloudflare's runtime does before it asks the
// service.
function checkKey(method, key) {
  if (key === "") throw new TypeErrorCtor("Key name cannot be empty.");
  if (key === "." || key === "..") throw new TypeErrorCtor(`"${key}" is not allowed as a key name.`);
  checkKeyLength(method, key);
}

function checkKeyLength(method, key) {
  const n = utf8Length(key);
  if (n > MAX_KEY_SIZE) {
    throw kvError(method, 414, `UTF-8 encoded length of ${n} exceeds key length limit of ${MAX_KEY_SIZE}.`);
  }
}

// checkBulkKey checks one key of a bulk get, as the service does.
function checkBulkKey(key) {
  if (key === "") throw kvError("GET_BULK", 400, "Key names must not be empty");
  if (key === "." || key === "..") {
    throw kvError("GET_BULK", 400, `Illegal key name "${key}". Please use a different name.`);
  }
  checkKeyLength("GET_BULK", key);
}

// valueTooLarge is the error for a value over the limit; also
// ops/kv/kv.go: opKVPut.
function valueTooLarge(length) {
  return kvError("PUT", 413, `Value length of ${length} exceeds limit of ${MAX_VALUE_SIZE}.`);
}

function isObject(v) {
  return (typeof v === "object" && v !== null) || typeof v === "function";
}

function isUint8Array(v) {
  return ArrayBufferIsView(v) && TypedArrayPrototypeGetSymbolToStringTag(v) === "Uint8Array";
}

// getOptions converts get's second argument, a type or a KVNamespaceGetOptions
// dictionary (members read in lexicographic order, as WebIDL does).
function getOptions(options, prefix) {
  let type = "text";
  let cacheTtl;
  if (isObject(options)) {
    const c = options.cacheTtl;
    if (c !== undefined) cacheTtl = webidl.toLong(c, undefined, prefix, "cacheTtl");
    const t = options.type;
    if (t !== undefined) type = webidl.toUSVString(t, prefix, "type");
  } else if (options !== undefined && options !== null) {
    type = webidl.toUSVString(options, prefix, "parameter 2");
  }
  return { type, cacheTtl };
}

function typeCode(type) {
  switch (type) {
    case "text":
      return TYPE_TEXT;
    case "json":
      return TYPE_JSON;
    case "arrayBuffer":
      return TYPE_ARRAY_BUFFER;
    case "stream":
      return TYPE_STREAM;
  }
  throw new TypeErrorCtor('Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".');
}

function checkCacheTtl(method, cacheTtl) {
  if (cacheTtl !== undefined && cacheTtl < MIN_CACHE_TTL) {
    throw kvError(method, 400, `Invalid cache_ttl of ${cacheTtl}. Cache TTL must be at least ${MIN_CACHE_TTL}.`);
  }
}

// valueStream is a byte stream over one value the worker now owns.
function valueStream(u8) {
  let chunk = u8;
  return streams.createPullStream(() => {
    const c = chunk;
    chunk = null;
    return c;
  });
}

// fromText shapes a text result as the type asks.
function fromText(text, code) {
  return code === TYPE_JSON ? JSONParse(text) : text;
}

// fromBytes shapes the bytes of a value (a fresh Uint8Array over a buffer
// of its own, at most `length` bytes of which are the value).
function fromBytes(u8, length, code) {
  let buffer = TypedArrayPrototypeGetBuffer(u8);
  if (length !== TypedArrayPrototypeGetLength(u8)) {
    buffer =
      ArrayBufferPrototypeTransfer !== null
        ? ArrayBufferPrototypeTransfer(buffer, length)
        : ArrayBufferPrototypeSlice(buffer, 0, length);
  }
  return code === TYPE_STREAM ? valueStream(new U8(buffer)) : buffer;
}

// asciiString decodes bytes known to be ASCII.
function asciiString(u8, start, end) {
  let s = "";
  for (let i = start; i < end; i += 8192) {
    s += ReflectApply(StringFromCharCode, null, TypedArrayPrototypeSubarray(u8, i, MathMin(end, i + 8192)));
  }
  return s;
}

async function getOne(ns, key, options, withMetadata, prefix) {
  key = webidl.toUSVString(key, prefix, "parameter 1");
  const { type, cacheTtl } = getOptions(options, prefix);
  checkKey("GET", key);
  const code = typeCode(type);
  checkCacheTtl("GET", cacheTtl);
  const r = await ops.op_kv_get(ns, key, code, cacheTtl, withMetadata);
  if (!withMetadata) {
    if (r === undefined) return null;
    if (code === TYPE_TEXT || code === TYPE_JSON) return fromText(r, code);
    return fromBytes(r, TypedArrayPrototypeGetLength(r), code);
  }
  if (isUint8Array(r)) {
    // The value's bytes, then the JSON trailer, then its length.
    const end = TypedArrayPrototypeGetLength(r) - 4;
    const n = (r[end] | (r[end + 1] << 8) | (r[end + 2] << 16) | (r[end + 3] << 24)) >>> 0;
    const trailer = JSONParse(asciiString(r, end - n, end));
    return { value: fromBytes(r, end - n, code), metadata: trailer.metadata, cacheStatus: trailer.cacheStatus };
  }
  return {
    value: r.value === null ? null : fromText(r.value, code),
    metadata: r.metadata,
    cacheStatus: r.cacheStatus,
  };
}

async function getBulk(ns, keys, options, withMetadata, prefix) {
  const { type, cacheTtl } = getOptions(options, prefix);
  if (type !== "text" && type !== "json") {
    throw kvError("GET_BULK", 400, `"${type}" is not a valid type. Use "json" or "text"`);
  }
  const n = keys.length;
  if (n > MAX_BULK_KEYS) throw kvError("GET_BULK", 400, `You can request a maximum of ${MAX_BULK_KEYS} keys`);
  if (n < 1) throw kvError("GET_BULK", 400, "You must request a minimum of 1 key");
  const list = [];
  const json = [];
  for (let i = 0; i < n; i++) {
    const key = webidl.toUSVString(keys[i], prefix, `parameter 1[${i}]`);
    checkBulkKey(key);
    list[i] = key;
    json[i] = JSONStringify(key);
  }
  checkCacheTtl("GET_BULK", cacheTtl);
  const keysJSON = `[${ArrayPrototypeJoin(json, ",")}]`;
  const r = await ops.op_kv_get_bulk(ns, keysJSON, typeCode(type), cacheTtl, withMetadata);
  const map = new MapCtor();
  for (let i = 0; i < n; i++) MapPrototypeSet(map, list[i], r[i]);
  return map;
}

// putOptions converts a KVNamespacePutOptions dictionary.
function putOptions(options, prefix) {
  const o = { expiration: undefined, expirationTtl: undefined, metadata: undefined };
  if (options === undefined || options === null) return o;
  if (!isObject(options)) throw new TypeErrorCtor(`${prefix}: parameter 3 is not of type 'KVNamespacePutOptions'.`);
  const exp = options.expiration;
  if (exp !== undefined) o.expiration = webidl.toLongLong(exp, undefined, prefix, "expiration");
  const ttl = options.expirationTtl;
  if (ttl !== undefined) o.expirationTtl = webidl.toLongLong(ttl, undefined, prefix, "expirationTtl");
  const metadata = options.metadata;
  if (metadata !== undefined && metadata !== null) {
    const text = JSONStringify(metadata);
    if (text === undefined) {
      throw new TypeErrorCtor(`${prefix}: metadata cannot be serialized as JSON (JSON.stringify returned undefined).`);
    }
    o.metadata = text;
  }
  return o;
}

// checkPutOptions checks expiration, expirationTtl (which wins when both
// are given) and the metadata's size as the service does.
function checkPutOptions(o) {
  const ttl = o.expirationTtl;
  if (ttl !== undefined) {
    if (ttl <= 0) throw kvError("PUT", 400, `Invalid expiration_ttl of ${ttl}. Please specify integer greater than 0.`);
    if (ttl < MIN_EXPIRATION_TTL) {
      throw kvError("PUT", 400, `Invalid expiration_ttl of ${ttl}. Expiration TTL must be at least ${MIN_EXPIRATION_TTL}.`);
    }
  } else if (o.expiration !== undefined) {
    const exp = o.expiration;
    const now = MathFloor(DateNow() / 1000);
    if (exp <= now) {
      throw kvError(
        "PUT",
        400,
        `Invalid expiration of ${exp}. Please specify integer greater than the current number of seconds since the UNIX epoch.`,
      );
    }
    if (exp < now + MIN_EXPIRATION_TTL) {
      throw kvError(
        "PUT",
        400,
        `Invalid expiration of ${exp}. Expiration times must be at least ${MIN_EXPIRATION_TTL} seconds in the future.`,
      );
    }
  }
  if (o.metadata !== undefined) {
    const n = utf8Length(o.metadata);
    if (n > MAX_METADATA_SIZE) throw kvError("PUT", 413, `Metadata length of ${n} exceeds limit of ${MAX_METADATA_SIZE}.`);
  }
}

// readValue reads a ReadableStream value whole, as bytes. It stops, and
// cancels the stream, as soon as the value passes MAX_VALUE_SIZE, so a
// stream that never ends cannot fill the heap. As consuming a body does,
// it leaves the stream locked for good.
async function readValue(stream) {
  const reader = streams.getReader(stream);
  let buf = new U8(0);
  let total = 0;
  for (;;) {
    const { value, done } = await streams.readChunk(reader);
    if (done) break;
    let fail = null;
    if (!ArrayBufferIsView(value)) {
      const what = value === null ? "null" : typeof value;
      fail = new TypeErrorCtor(
        `KV put() can only store a ReadableStream of bytes (ArrayBufferView chunks), but a chunk was ${what}.`,
      );
    } else {
      const chunk = webidl.toBufferSource(value, undefined, { allowShared: true });
      const n = TypedArrayPrototypeGetLength(chunk);
      if (total + n > MAX_VALUE_SIZE) {
        fail = kvError(
          "PUT",
          413,
          `Value length exceeds limit of ${MAX_VALUE_SIZE}: the stream had yielded ${total + n} bytes when reading stopped.`,
        );
      } else {
        if (total + n > TypedArrayPrototypeGetLength(buf)) {
          const size = MathMax(total + n, 2 * TypedArrayPrototypeGetLength(buf), 64 << 10);
          const grown = new U8(MathMin(MAX_VALUE_SIZE, size));
          TypedArrayPrototypeSet(grown, TypedArrayPrototypeSubarray(buf, 0, total));
          buf = grown;
        }
        TypedArrayPrototypeSet(buf, chunk, total);
        total += n;
      }
    }
    if (fail !== null) {
      PromisePrototypeThen(streams.cancel(stream, fail), undefined, () => {});
      throw fail;
    }
  }
  return TypedArrayPrototypeSubarray(buf, 0, total);
}

class KVNamespace {
  constructor() {
    webidl.illegalConstructor("KVNamespace");
  }

  // get(key[, type | {type, cacheTtl}]) reads one key (null if absent),
  // or, given an array of keys, up to 100 of them as a Map (text or json).
  async get(key, options = undefined) {
    const prefix = "Failed to execute 'get' on 'KVNamespace'";
    webidl.brandCheck(this, kNamespace, "KVNamespace", "get");
    webidl.requiredArguments(arguments.length, 1, prefix);
    if (ArrayIsArray(key)) return getBulk(this[kNamespace], key, options, false, prefix);
    return getOne(this[kNamespace], key, options, false, prefix);
  }

  // getWithMetadata is get with the key's metadata: {value, metadata,
  // cacheStatus}, or for an array of keys a Map of {value, metadata}.
  async getWithMetadata(key, options = undefined) {
    const prefix = "Failed to execute 'getWithMetadata' on 'KVNamespace'";
    webidl.brandCheck(this, kNamespace, "KVNamespace", "getWithMetadata");
    webidl.requiredArguments(arguments.length, 1, prefix);
    if (ArrayIsArray(key)) return getBulk(this[kNamespace], key, options, true, prefix);
    return getOne(this[kNamespace], key, options, true, prefix);
  }

  // put(key, value[, {expiration, expirationTtl, metadata}]) stores a
  // string, ArrayBuffer, ArrayBufferView or ReadableStream.
  async put(key, value, options = undefined) {
    const prefix = "Failed to execute 'put' on 'KVNamespace'";
    webidl.brandCheck(this, kNamespace, "KVNamespace", "put");
    webidl.requiredArguments(arguments.length, 2, prefix);
    key = webidl.toUSVString(key, prefix, "parameter 1");
    let stream = null;
    let bytes = null;
    if (isObject(value)) {
      if (streams.isReadableStream(value)) stream = value;
      else if (webidl.isArrayBuffer(value) || webidl.isSharedArrayBuffer(value) || ArrayBufferIsView(value)) {
        bytes = webidl.toBufferSource(value, prefix, { allowShared: true }, "parameter 2");
      } else {
        throw new TypeErrorCtor(
          "KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.",
        );
      }
    } else {
      value = webidl.toDOMString(value, prefix, "parameter 2");
    }
    const o = putOptions(options, prefix);
    checkKey("PUT", key);
    checkPutOptions(o);
    if (stream !== null) bytes = await readValue(stream);
    if (bytes !== null && TypedArrayPrototypeGetLength(bytes) > MAX_VALUE_SIZE) {
      throw valueTooLarge(TypedArrayPrototypeGetLength(bytes));
    }
    // core.toGo fills the shared scratch buffer: the op must follow it
    // with no await in between.
    const arg = bytes !== null ? core.toGo(bytes) : value;
    await ops.op_kv_put(this[kNamespace], key, arg, o.expirationTtl, o.expiration, o.metadata);
  }

  // delete(key) removes a key; removing an absent key is not an error.
  async delete(key) {
    const prefix = "Failed to execute 'delete' on 'KVNamespace'";
    webidl.brandCheck(this, kNamespace, "KVNamespace", "delete");
    webidl.requiredArguments(arguments.length, 1, prefix);
    key = webidl.toUSVString(key, prefix, "parameter 1");
    checkKey("DELETE", key);
    await ops.op_kv_delete(this[kNamespace], key);
  }

  // list({prefix, limit, cursor}) returns a page of keys in order:
  // {keys: [{name, expiration?, metadata?}], list_complete, cursor?,
  // cacheStatus}. A limit of 0 or less means the default, as on
  // Cloudflare.
  async list(options = undefined) {
    const prefix = "Failed to execute 'list' on 'KVNamespace'";
    webidl.brandCheck(this, kNamespace, "KVNamespace", "list");
    let limit = MAX_LIST_LIMIT;
    let keyPrefix = "";
    let cursor = "";
    if (options !== undefined && options !== null) {
      if (!isObject(options)) throw new TypeErrorCtor(`${prefix}: parameter 1 is not of type 'KVNamespaceListOptions'.`);
      const c = options.cursor;
      if (c !== undefined && c !== null) cursor = webidl.toUSVString(c, prefix, "cursor");
      const l = options.limit;
      if (l !== undefined) {
        const n = webidl.toLong(l, undefined, prefix, "limit");
        if (n > 0) limit = n;
      }
      const p = options.prefix;
      if (p !== undefined && p !== null) keyPrefix = webidl.toUSVString(p, prefix, "prefix");
    }
    if (limit > MAX_LIST_LIMIT) {
      throw kvError(
        "GET",
        400,
        `Invalid key_count_limit of ${limit}. Please specify an integer from 1 to ${MAX_LIST_LIMIT}.`,
      );
    }
    checkKeyLength("GET", keyPrefix);
    return ops.op_kv_list(this[kNamespace], keyPrefix, limit, cursor);
  }
}
webidl.configureInterface(KVNamespace);

function newNamespace(namespace) {
  return webidl.setSlots(ObjectCreate(KVNamespace.prototype), { [kNamespace]: namespace });
}

// A binding {name, kind: "kv", value: namespace} becomes env[name]; the
// namespace defaults to the binding's name.
core.registerBinding("kv", (name, namespace) => newNamespace(namespace === "" ? name : namespace));
