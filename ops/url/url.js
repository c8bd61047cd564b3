// The WHATWG URL and URLSearchParams classes. Done in Go (url.go, with
// github.com/nlnwa/whatwg-url): parsing a URL, running a setter, the
// serialization and the origin, one op call each, which hands back every
// component at once; the getters then read that cache without crossing
// into Go. Done here in JS: the classes, brand checks and WebIDL
// conversions, and the application/x-www-form-urlencoded parser and
// serializer behind URLSearchParams. Those stay in JS because the list
// they work on lives here and typical names and values are a few bytes:
// a scan in JS costs tens of nanoseconds, a trip to Go and back about two
// microseconds. A URLSearchParams linked to a URL rewrites that URL's
// cached query and href in JS too, so mutating searchParams never calls Go.
"use strict";

const uncurryThis = (fn) => Function.prototype.call.bind(fn);
const ArrayIsArray = Array.isArray;
const ArrayPrototypePush = uncurryThis(Array.prototype.push);
const ArrayPrototypeSort = uncurryThis(Array.prototype.sort);
const FunctionPrototypeCall = uncurryThis(Function.prototype.call);
const JSONStringify = JSON.stringify;
const ObjectCreate = Object.create;
const ObjectDefineProperty = Object.defineProperty;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectHasOwn = Object.hasOwn;
const ReflectOwnKeys = Reflect.ownKeys;
const StringFromCharCode = String.fromCharCode;
const StringFromCodePoint = String.fromCodePoint;
const StringPrototypeCharCodeAt = uncurryThis(String.prototype.charCodeAt);
const StringPrototypeIndexOf = uncurryThis(String.prototype.indexOf);
const StringPrototypeIsWellFormed = uncurryThis(String.prototype.isWellFormed);
const StringPrototypeSlice = uncurryThis(String.prototype.slice);
const StringPrototypeToWellFormed = uncurryThis(String.prototype.toWellFormed);
const SymbolIterator = Symbol.iterator;
const SymbolToStringTag = Symbol.toStringTag;
const TypeErrorCtor = TypeError;
const ArrayValues = Array.prototype[Symbol.iterator];
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));

const opParseGo = ops.op_url_parse;

// Parsing is a pure function of (input, base), and a worker parses the
// same few URLs over and over: the runtime's request.url, then the
// worker's own new URL(request.url). The last few results are kept so
// that costs one trip to Go, not two. Keys: the input alone, or the base's
// length, the base and the input.
const PARSE_CACHE_SIZE = 32;
const MapCtor = Map;
const MapPrototypeGet = uncurryThis(Map.prototype.get);
const MapPrototypeSet = uncurryThis(Map.prototype.set);
const MapPrototypeClear = uncurryThis(Map.prototype.clear);
const MapPrototypeGetSize = uncurryThis(Object.getOwnPropertyDescriptor(Map.prototype, "size").get);
const parseCache = new MapCtor();
function opParse(input, base) {
  const key = base === undefined ? input : base.length + ":" + base + input;
  let res = MapPrototypeGet(parseCache, key);
  if (res !== undefined) return res;
  res = base === undefined ? opParseGo(input) : opParseGo(input, base);
  if (MapPrototypeGetSize(parseCache) >= PARSE_CACHE_SIZE) MapPrototypeClear(parseCache);
  MapPrototypeSet(parseCache, key, res);
  return res;
}
const opCanParse = ops.op_url_can_parse;
const opSet = ops.op_url_set;

// op_url_parse and op_url_set return the components as one string, these
// fields joined by NUL (url.go: fieldHref...). The flags field is the bit
// set below (url.go: flagQuery...); query and fragment come without their
// "?" and "#", and are "" when null, which the flags tell apart.
const HREF = 0;
const ORIGIN = 1;
const PROTOCOL = 2;
const USERNAME = 3;
const PASSWORD = 4;
const HOSTNAME = 5;
const PORT = 6;
const PATHNAME = 7;
const QUERY = 8;
const FRAGMENT = 9;
const FLAGS = 10;
const NUM_FIELDS = 11;

const HAS_QUERY = 1;
const HAS_FRAGMENT = 2;
const OPAQUE_PATH = 4;

// op_url_parse fails with one of these numbers (url.go: failInput, failBase).
const FAIL_BASE = 2;

// The setters, as op_url_set numbers them (url.go: setProtocol...).
const SET_PROTOCOL = 0;
const SET_USERNAME = 1;
const SET_PASSWORD = 2;
const SET_HOST = 3;
const SET_HOSTNAME = 4;
const SET_PORT = 5;
const SET_PATHNAME = 6;
const SET_SEARCH = 7;
const SET_HASH = 8;

// splitComponents turns an op result into the cached array.
function splitComponents(s) {
  const parts = new Array(NUM_FIELDS);
  let start = 0;
  for (let i = 0; i < FLAGS; i++) {
    const end = StringPrototypeIndexOf(s, "\0", start);
    parts[i] = StringPrototypeSlice(s, start, end);
    start = end + 1;
  }
  parts[FLAGS] = +StringPrototypeSlice(s, start);
  return parts;
}

// --- WebIDL conversions and checks -----------------------------------

// toUSVString is WebIDL's USVString conversion: ToString (a template
// literal throws on a Symbol, as WebIDL wants), then lone surrogates
// replaced with U+FFFD.
function toUSVString(v) {
  const s = typeof v === "string" ? v : `${v}`;
  return StringPrototypeIsWellFormed(s) ? s : StringPrototypeToWellFormed(s);
}

function requireArgs(n, required, prefix) {
  if (n < required) {
    throw new TypeErrorCtor(
      `${prefix}: ${required} argument${required === 1 ? "" : "s"} required, but only ${n} present.`,
    );
  }
}

// quote shows a user's input in an error message, cut short if huge.
function quote(s) {
  if (s.length > 1024) s = StringPrototypeSlice(s, 0, 1024) + "…";
  return JSONStringify(s);
}

function invalidURL(url, base, code) {
  if (code === FAIL_BASE) return new TypeErrorCtor(`Invalid base URL: ${quote(base)} (while parsing ${quote(url)})`);
  if (base === undefined) return new TypeErrorCtor(`Invalid URL: ${quote(url)}`);
  return new TypeErrorCtor(`Invalid URL: ${quote(url)} with base ${quote(base)}`);
}

// --- application/x-www-form-urlencoded --------------------------------

// hexValue maps an ASCII hex digit to its value, -1 otherwise.
function hexValue(c) {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

// utf8Decode is the Encoding Standard's UTF-8 decode without BOM, with
// replacement, over the first n numbers of bytes.
function utf8Decode(bytes, n) {
  let out = "";
  let needed = 0;
  let seen = 0;
  let cp = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (needed === 0) {
      if (b <= 0x7f) out += StringFromCharCode(b);
      else if (b >= 0xc2 && b <= 0xdf) {
        needed = 1;
        cp = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
        needed = 2;
        cp = b & 0xf;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
        needed = 3;
        cp = b & 0x7;
      } else out += "\uFFFD";
      continue;
    }
    if (b < lower || b > upper) {
      // The sequence is cut short: one U+FFFD, and b starts afresh.
      cp = needed = seen = 0;
      lower = 0x80;
      upper = 0xbf;
      out += "\uFFFD";
      i--;
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    cp = (cp << 6) | (b & 0x3f);
    if (++seen === needed) {
      out += StringFromCodePoint(cp);
      cp = needed = seen = 0;
    }
  }
  if (needed !== 0) out += "\uFFFD";
  return out;
}

// formDecode replaces "+" with a space and percent-decodes a name or a
// value. Percent-decoded bytes are UTF-8 decoded run by run; literal
// characters in between are already code points, and a run cut short by
// one decodes to the same U+FFFD that decoding the whole byte string
// would give, since no literal character encodes to a continuation byte.
function formDecode(s) {
  const n = s.length;
  let i = 0;
  for (; i < n; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    if (c === 0x25 || c === 0x2b) break;
  }
  if (i === n) return s;
  let out = StringPrototypeSlice(s, 0, i);
  let bytes = null;
  let nb = 0;
  let run = i;
  for (; i < n; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    if (c === 0x25 && i + 2 < n) {
      const hi = hexValue(StringPrototypeCharCodeAt(s, i + 1));
      const lo = hi < 0 ? -1 : hexValue(StringPrototypeCharCodeAt(s, i + 2));
      if (lo >= 0) {
        if (run < i) out += StringPrototypeSlice(s, run, i);
        if (bytes === null) bytes = [];
        bytes[nb++] = (hi << 4) | lo;
        i += 2;
        run = i + 1;
        continue;
      }
    }
    if (nb !== 0) {
      out += utf8Decode(bytes, nb);
      nb = 0;
    }
    if (c === 0x2b) {
      if (run < i) out += StringPrototypeSlice(s, run, i);
      out += " ";
      run = i + 1;
    }
  }
  if (nb !== 0) out += utf8Decode(bytes, nb);
  if (run < n) out += StringPrototypeSlice(s, run, n);
  return out;
}

// formParse is the application/x-www-form-urlencoded parser: a list of
// [name, value] pairs.
function formParse(input) {
  const list = [];
  const n = input.length;
  let start = 0;
  // The next "=" at or after start, found once and reused, so that input
  // with many "&" and few "=" stays linear.
  let eq = -2;
  while (start < n) {
    let end = StringPrototypeIndexOf(input, "&", start);
    if (end === -1) end = n;
    if (end > start) {
      if (eq !== -1 && eq < start) eq = StringPrototypeIndexOf(input, "=", start);
      let name, value;
      if (eq === -1 || eq >= end) {
        name = StringPrototypeSlice(input, start, end);
        value = "";
      } else {
        name = StringPrototypeSlice(input, start, eq);
        value = StringPrototypeSlice(input, eq + 1, end);
      }
      ArrayPrototypePush(list, [formDecode(name), formDecode(value)]);
    }
    start = end + 1;
  }
  return list;
}

// FORM_SAFE marks the ASCII bytes the urlencoded serializer keeps as they
// are: alphanumerics and *-._
const FORM_SAFE = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c++) FORM_SAFE[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) FORM_SAFE[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) FORM_SAFE[c] = 1;
FORM_SAFE[0x2a] = FORM_SAFE[0x2d] = FORM_SAFE[0x2e] = FORM_SAFE[0x5f] = 1;
const PERCENT = [];
for (let b = 0; b < 256; b++) ArrayPrototypePush(PERCENT, (b < 16 ? "%0" : "%") + b.toString(16).toUpperCase());

// formEncode is the urlencoded byte serializer over the UTF-8 encoding of
// s (a USVString).
function formEncode(s) {
  const n = s.length;
  let i = 0;
  for (; i < n; i++) {
    const c = StringPrototypeCharCodeAt(s, i);
    if (c >= 0x80 || FORM_SAFE[c] === 0) break;
  }
  if (i === n) return s;
  let out = StringPrototypeSlice(s, 0, i);
  let run = i;
  for (; i < n; i++) {
    let c = StringPrototypeCharCodeAt(s, i);
    if (c < 0x80 && FORM_SAFE[c] === 1) continue;
    if (run < i) out += StringPrototypeSlice(s, run, i);
    run = i + 1;
    if (c === 0x20) out += "+";
    else if (c < 0x80) out += PERCENT[c];
    else if (c < 0x800) out += PERCENT[0xc0 | (c >> 6)] + PERCENT[0x80 | (c & 0x3f)];
    else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < n ? StringPrototypeCharCodeAt(s, i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          run = i + 1;
        } else c = 0xfffd;
      }
      if (c < 0x10000) {
        out += PERCENT[0xe0 | (c >> 12)] + PERCENT[0x80 | ((c >> 6) & 0x3f)] + PERCENT[0x80 | (c & 0x3f)];
      } else {
        out +=
          PERCENT[0xf0 | (c >> 18)] +
          PERCENT[0x80 | ((c >> 12) & 0x3f)] +
          PERCENT[0x80 | ((c >> 6) & 0x3f)] +
          PERCENT[0x80 | (c & 0x3f)];
      }
    }
  }
  if (run < n) out += StringPrototypeSlice(s, run, n);
  return out;
}

// formSerialize is the application/x-www-form-urlencoded serializer.
function formSerialize(list) {
  let out = "";
  for (let i = 0; i < list.length; i++) {
    const pair = list[i];
    if (i !== 0) out += "&";
    out += formEncode(pair[0]) + "=" + formEncode(pair[1]);
  }
  return out;
}

// --- URLSearchParams ---------------------------------------------------

const kList = Symbol("list");
const kURL = Symbol("url");

function assertParams(self, prefix) {
  if (self === null || typeof self !== "object" || !ObjectHasOwn(self, kList)) {
    throw new TypeErrorCtor(`${prefix}: Illegal invocation`);
  }
}

function paramsPrefix(method) {
  return `Failed to execute '${method}' on 'URLSearchParams'`;
}

// iterate runs the iterator protocol over obj with method, WebIDL's
// "create a sequence from an iterable", calling each(value).
function iterate(obj, method, each) {
  const iterator = FunctionPrototypeCall(method, obj);
  if (iterator === null || (typeof iterator !== "object" && typeof iterator !== "function")) {
    throw new TypeErrorCtor("Result of the Symbol.iterator method is not an object");
  }
  const next = iterator.next;
  for (;;) {
    const r = FunctionPrototypeCall(next, iterator);
    if (r === null || (typeof r !== "object" && typeof r !== "function")) {
      throw new TypeErrorCtor("Iterator result is not an object");
    }
    if (r.done) return;
    each(r.value);
  }
}

function isObject(v) {
  return v !== null && (typeof v === "object" || typeof v === "function");
}

// initList converts URLSearchParams' init argument, the union
// (sequence<sequence<USVString>> or record<USVString, USVString> or
// USVString), into a list of pairs.
function initList(init) {
  const prefix = "Failed to construct 'URLSearchParams'";
  if (!isObject(init)) {
    let s = toUSVString(init);
    if (StringPrototypeCharCodeAt(s, 0) === 0x3f) s = StringPrototypeSlice(s, 1);
    return formParse(s);
  }
  const method = init[SymbolIterator];
  const list = [];
  if (method !== undefined && method !== null) {
    if (typeof method !== "function") {
      throw new TypeErrorCtor(`${prefix}: The object's Symbol.iterator property is not a function.`);
    }
    iterate(init, method, (item) => {
      if (!isObject(item)) {
        throw new TypeErrorCtor(`${prefix}: The provided value cannot be converted to a sequence.`);
      }
      const pair = [];
      if (ArrayIsArray(item) && item[SymbolIterator] === ArrayValues) {
        for (let i = 0; i < item.length; i++) ArrayPrototypePush(pair, toUSVString(item[i]));
      } else {
        const m = item[SymbolIterator];
        if (typeof m !== "function") {
          throw new TypeErrorCtor(`${prefix}: The provided value cannot be converted to a sequence.`);
        }
        iterate(item, m, (v) => ArrayPrototypePush(pair, toUSVString(v)));
      }
      if (pair.length !== 2) {
        throw new TypeErrorCtor(
          `${prefix}: Sequence initializer must only contain pair elements (found one with ${pair.length}).`,
        );
      }
      ArrayPrototypePush(list, pair);
    });
    return list;
  }
  // A record: own enumerable keys, in property order.
  const keys = ReflectOwnKeys(init);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const desc = ObjectGetOwnPropertyDescriptor(init, key);
    if (desc === undefined || !desc.enumerable) continue;
    if (typeof key === "symbol") {
      throw new TypeErrorCtor(`${prefix}: A record key cannot be a Symbol.`);
    }
    const name = toUSVString(key);
    const value = toUSVString(init[key]);
    ArrayPrototypePush(list, [name, value]);
  }
  return list;
}
// update runs URLSearchParams' update steps: the linked URL, if any, gets
// the serialized list as its query. Its cached components are rewritten
// here; the href only changes after the path, so no parse is needed.
function update(params) {
  const url = params[kURL];
  if (url === null) return;
  const parts = url[kParts];
  const serialized = formSerialize(params[kList]);
  let flags = parts[FLAGS];
  let href = parts[HREF];
  const fragmentLength = flags & HAS_FRAGMENT ? parts[FRAGMENT].length + 1 : 0;
  const queryLength = flags & HAS_QUERY ? parts[QUERY].length + 1 : 0;
  const tail = StringPrototypeSlice(href, href.length - fragmentLength);
  let head = StringPrototypeSlice(href, 0, href.length - fragmentLength - queryLength);
  if (serialized === "") {
    flags &= ~HAS_QUERY;
    // Potentially strip trailing spaces from an opaque path: such a URL
    // has no host, so its head is the protocol and the path.
    if (flags & OPAQUE_PATH && !(flags & HAS_FRAGMENT)) {
      let path = parts[PATHNAME];
      let end = path.length;
      while (end > 0 && StringPrototypeCharCodeAt(path, end - 1) === 0x20) end--;
      path = StringPrototypeSlice(path, 0, end);
      parts[PATHNAME] = path;
      head = parts[PROTOCOL] + path;
    }
    href = head + tail;
  } else {
    flags |= HAS_QUERY;
    href = head + "?" + serialized + tail;
  }
  parts[QUERY] = serialized;
  parts[FLAGS] = flags;
  parts[HREF] = href;
}

class URLSearchParams {
  constructor(init = "") {
    this[kList] = initList(init);
    this[kURL] = null;
  }

  append(name, value) {
    const prefix = paramsPrefix("append");
    assertParams(this, prefix);
    requireArgs(arguments.length, 2, prefix);
    ArrayPrototypePush(this[kList], [toUSVString(name), toUSVString(value)]);
    update(this);
  }

  delete(name, value = undefined) {
    const prefix = paramsPrefix("delete");
    assertParams(this, prefix);
    requireArgs(arguments.length, 1, prefix);
    name = toUSVString(name);
    const list = this[kList];
    let j = 0;
    if (value === undefined) {
      for (let i = 0; i < list.length; i++) if (list[i][0] !== name) list[j++] = list[i];
    } else {
      value = toUSVString(value);
      for (let i = 0; i < list.length; i++) {
        if (list[i][0] !== name || list[i][1] !== value) list[j++] = list[i];
      }
    }
    list.length = j;
    update(this);
  }

  get(name) {
    const prefix = paramsPrefix("get");
    assertParams(this, prefix);
    requireArgs(arguments.length, 1, prefix);
    name = toUSVString(name);
    const list = this[kList];
    for (let i = 0; i < list.length; i++) if (list[i][0] === name) return list[i][1];
    return null;
  }

  getAll(name) {
    const prefix = paramsPrefix("getAll");
    assertParams(this, prefix);
    requireArgs(arguments.length, 1, prefix);
    name = toUSVString(name);
    const list = this[kList];
    const out = [];
    for (let i = 0; i < list.length; i++) if (list[i][0] === name) ArrayPrototypePush(out, list[i][1]);
    return out;
  }

  has(name, value = undefined) {
    const prefix = paramsPrefix("has");
    assertParams(this, prefix);
    requireArgs(arguments.length, 1, prefix);
    name = toUSVString(name);
    const list = this[kList];
    if (value === undefined) {
      for (let i = 0; i < list.length; i++) if (list[i][0] === name) return true;
      return false;
    }
    value = toUSVString(value);
    for (let i = 0; i < list.length; i++) if (list[i][0] === name && list[i][1] === value) return true;
    return false;
  }

  set(name, value) {
    const prefix = paramsPrefix("set");
    assertParams(this, prefix);
    requireArgs(arguments.length, 2, prefix);
    name = toUSVString(name);
    value = toUSVString(value);
    const list = this[kList];
    let found = -1;
    let j = 0;
    for (let i = 0; i < list.length; i++) {
      if (list[i][0] !== name) list[j++] = list[i];
      else if (found === -1) {
        found = j;
        list[j++] = [name, value];
      }
    }
    list.length = j;
    if (found === -1) ArrayPrototypePush(list, [name, value]);
    update(this);
  }

  sort() {
    assertParams(this, paramsPrefix("sort"));
    // Array.prototype.sort is stable, and < on strings compares UTF-16
    // code units, as the standard asks.
    ArrayPrototypeSort(this[kList], comparePairs);
    update(this);
  }

  toString() {
    assertParams(this, paramsPrefix("toString"));
    return formSerialize(this[kList]);
  }

  get size() {
    assertParams(this, "Failed to read the 'size' property from 'URLSearchParams'");
    return this[kList].length;
  }

  forEach(callback, thisArg = undefined) {
    const prefix = paramsPrefix("forEach");
    assertParams(this, prefix);
    requireArgs(arguments.length, 1, prefix);
    if (typeof callback !== "function") {
      throw new TypeErrorCtor(`${prefix}: parameter 1 is not of type 'Function'.`);
    }
    // The list is live: callbacks that add or remove pairs are seen.
    const list = this[kList];
    for (let i = 0; i < list.length; i++) {
      const pair = list[i];
      FunctionPrototypeCall(callback, thisArg, pair[1], pair[0], this);
    }
  }

  keys() {
    assertParams(this, paramsPrefix("keys"));
    return newIterator(this, KIND_KEYS);
  }

  values() {
    assertParams(this, paramsPrefix("values"));
    return newIterator(this, KIND_VALUES);
  }

  entries() {
    assertParams(this, paramsPrefix("entries"));
    return newIterator(this, KIND_ENTRIES);
  }
}

function comparePairs(a, b) {
  const x = a[0];
  const y = b[0];
  return x < y ? -1 : x > y ? 1 : 0;
}

// Iterators are WebIDL's default iterator objects: live over the list,
// with a shared prototype whose own prototype is %IteratorPrototype%.
const KIND_KEYS = 0;
const KIND_VALUES = 1;
const KIND_ENTRIES = 2;
const kIterTarget = Symbol("target");
const kIterKind = Symbol("kind");
const kIterIndex = Symbol("index");

const URLSearchParamsIteratorPrototype = ObjectCreate(IteratorPrototype);
ObjectDefineProperty(URLSearchParamsIteratorPrototype, "next", {
  value: function next() {
    if (this === null || typeof this !== "object" || !ObjectHasOwn(this, kIterTarget)) {
      throw new TypeErrorCtor("Failed to execute 'next' on 'URLSearchParams Iterator': Illegal invocation");
    }
    const list = this[kIterTarget][kList];
    const i = this[kIterIndex];
    if (i >= list.length) return { value: undefined, done: true };
    this[kIterIndex] = i + 1;
    const pair = list[i];
    const kind = this[kIterKind];
    return { value: kind === KIND_KEYS ? pair[0] : kind === KIND_VALUES ? pair[1] : [pair[0], pair[1]], done: false };
  },
  writable: true,
  enumerable: true,
  configurable: true,
});
ObjectDefineProperty(URLSearchParamsIteratorPrototype, SymbolToStringTag, {
  value: "URLSearchParams Iterator",
  configurable: true,
});

function newIterator(params, kind) {
  const it = ObjectCreate(URLSearchParamsIteratorPrototype);
  it[kIterTarget] = params;
  it[kIterKind] = kind;
  it[kIterIndex] = 0;
  return it;
}

// --- URL -----------------------------------------------------------------

const kParts = Symbol("components");
const kParams = Symbol("searchParams");

function assertURL(self, prefix) {
  if (self === null || typeof self !== "object" || !ObjectHasOwn(self, kParts)) {
    throw new TypeErrorCtor(`${prefix}: Illegal invocation`);
  }
}

function getPrefix(name) {
  return `Failed to read the '${name}' property from 'URL'`;
}

// runSetter is the shared body of the URL setters that go to Go.
function runSetter(url, kind, name, value, n) {
  const prefix = `Failed to set the '${name}' property on 'URL'`;
  assertURL(url, prefix);
  requireArgs(n, 1, prefix);
  const res = opSet(url[kParts][HREF], kind, toUSVString(value));
  url[kParts] = splitComponents(res);
}

// resetParams refills a URL's searchParams list after its query changed
// through the URL.
function resetParams(url) {
  const params = url[kParams];
  if (params === null) return;
  const parts = url[kParts];
  const list = params[kList];
  list.length = 0;
  if (parts[FLAGS] & HAS_QUERY) {
    const parsed = formParse(parts[QUERY]);
    for (let i = 0; i < parsed.length; i++) ArrayPrototypePush(list, parsed[i]);
  }
}

class URL {
  constructor(url, base = undefined) {
    requireArgs(arguments.length, 1, "Failed to construct 'URL'");
    url = toUSVString(url);
    let res;
    if (base === undefined) res = opParse(url);
    else {
      base = toUSVString(base);
      res = opParse(url, base);
    }
    if (typeof res !== "string") throw invalidURL(url, base, res);
    this[kParts] = splitComponents(res);
    this[kParams] = null;
  }

  static canParse(url, base = undefined) {
    requireArgs(arguments.length, 1, "Failed to execute 'canParse' on 'URL'");
    url = toUSVString(url);
    if (base === undefined) return opCanParse(url);
    return opCanParse(url, toUSVString(base));
  }

  static parse(url, base = undefined) {
    requireArgs(arguments.length, 1, "Failed to execute 'parse' on 'URL'");
    url = toUSVString(url);
    let res;
    if (base === undefined) res = opParse(url);
    else res = opParse(url, toUSVString(base));
    if (typeof res !== "string") return null;
    const u = ObjectCreate(URLPrototype);
    u[kParts] = splitComponents(res);
    u[kParams] = null;
    return u;
  }

  get href() {
    assertURL(this, getPrefix("href"));
    return this[kParts][HREF];
  }

  set href(value) {
    const prefix = "Failed to set the 'href' property on 'URL'";
    assertURL(this, prefix);
    requireArgs(arguments.length, 1, prefix);
    value = toUSVString(value);
    const res = opParse(value);
    if (typeof res !== "string") throw invalidURL(value, undefined, res);
    this[kParts] = splitComponents(res);
    resetParams(this);
  }

  get origin() {
    assertURL(this, getPrefix("origin"));
    return this[kParts][ORIGIN];
  }

  get protocol() {
    assertURL(this, getPrefix("protocol"));
    return this[kParts][PROTOCOL];
  }

  set protocol(value) {
    runSetter(this, SET_PROTOCOL, "protocol", value, arguments.length);
  }

  get username() {
    assertURL(this, getPrefix("username"));
    return this[kParts][USERNAME];
  }

  set username(value) {
    runSetter(this, SET_USERNAME, "username", value, arguments.length);
  }

  get password() {
    assertURL(this, getPrefix("password"));
    return this[kParts][PASSWORD];
  }

  set password(value) {
    runSetter(this, SET_PASSWORD, "password", value, arguments.length);
  }

  get host() {
    assertURL(this, getPrefix("host"));
    const parts = this[kParts];
    const port = parts[PORT];
    return port === "" ? parts[HOSTNAME] : parts[HOSTNAME] + ":" + port;
  }

  set host(value) {
    runSetter(this, SET_HOST, "host", value, arguments.length);
  }

  get hostname() {
    assertURL(this, getPrefix("hostname"));
    return this[kParts][HOSTNAME];
  }

  set hostname(value) {
    runSetter(this, SET_HOSTNAME, "hostname", value, arguments.length);
  }

  get port() {
    assertURL(this, getPrefix("port"));
    return this[kParts][PORT];
  }

  set port(value) {
    runSetter(this, SET_PORT, "port", value, arguments.length);
  }

  get pathname() {
    assertURL(this, getPrefix("pathname"));
    return this[kParts][PATHNAME];
  }

  set pathname(value) {
    runSetter(this, SET_PATHNAME, "pathname", value, arguments.length);
  }

  get search() {
    assertURL(this, getPrefix("search"));
    const q = this[kParts][QUERY];
    return q === "" ? "" : "?" + q;
  }

  set search(value) {
    runSetter(this, SET_SEARCH, "search", value, arguments.length);
    resetParams(this);
  }

  get searchParams() {
    assertURL(this, getPrefix("searchParams"));
    let params = this[kParams];
    if (params === null) {
      params = ObjectCreate(URLSearchParamsPrototype);
      const parts = this[kParts];
      params[kList] = parts[FLAGS] & HAS_QUERY ? formParse(parts[QUERY]) : [];
      params[kURL] = this;
      this[kParams] = params;
    }
    return params;
  }

  get hash() {
    assertURL(this, getPrefix("hash"));
    const f = this[kParts][FRAGMENT];
    return f === "" ? "" : "#" + f;
  }

  set hash(value) {
    runSetter(this, SET_HASH, "hash", value, arguments.length);
  }

  toString() {
    assertURL(this, "Failed to execute 'toString' on 'URL'");
    return this[kParts][HREF];
  }

  toJSON() {
    assertURL(this, "Failed to execute 'toJSON' on 'URL'");
    return this[kParts][HREF];
  }
}

const URLPrototype = URL.prototype;
const URLSearchParamsPrototype = URLSearchParams.prototype;

// WebIDL makes attributes and operations enumerable, and the iterator of
// a pair iterable interface the very function `entries` is.
function makeEnumerable(obj, keys) {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key === "constructor" || typeof key === "symbol") continue;
    const desc = ObjectGetOwnPropertyDescriptor(obj, key);
    desc.enumerable = true;
    ObjectDefineProperty(obj, key, desc);
  }
}
makeEnumerable(URLPrototype, ReflectOwnKeys(URLPrototype));
makeEnumerable(URL, ["canParse", "parse"]);
makeEnumerable(URLSearchParamsPrototype, ReflectOwnKeys(URLSearchParamsPrototype));
ObjectDefineProperty(URLSearchParamsPrototype, SymbolIterator, {
  value: URLSearchParamsPrototype.entries,
  writable: true,
  configurable: true,
});
ObjectDefineProperty(URLPrototype, SymbolToStringTag, { value: "URL", configurable: true });
ObjectDefineProperty(URLSearchParamsPrototype, SymbolToStringTag, { value: "URLSearchParams", configurable: true });

core.defineGlobal("URL", URL);
core.defineGlobal("URLSearchParams", URLSearchParams);

// Other families (fetch: Request URLs, form bodies) share these.
core.provide("url", {
  URL,
  URLSearchParams,
  isURLSearchParams: (v) => isObject(v) && ObjectHasOwn(v, kList),
  // parseHref returns the href of input against base (or undefined for
  // none), or null when it does not parse.
  parseHref(input, base) {
    const res = opParse(input, base);
    return typeof res === "string" ? StringPrototypeSlice(res, 0, StringPrototypeIndexOf(res, "\0")) : null;
  },
  formParse,
  formSerialize,
});
