// Blob, File and FormData, all in JS: a blob is a list of immutable
// Uint8Array chunks (copied once, when the blob is made, and shared by every
// slice without copying), its size and its type; File adds a name and a
// modification time; FormData is an ordered list of [name, string or File]
// entries. The multipart/form-data serializer and parser that Request and
// Response use (core.use("blob")) are here too. Nothing is done in Go by
// this family: UTF-8 encoding and decoding cross into Go through the
// encoding family, and stream() builds on the streams family.
"use strict";

const webidl = core.use("webidl");
const S = core.use("streams");
const enc = core.use("encoding");

const uncurryThis = (fn) => Function.prototype.call.bind(fn);
const getter = (proto, name) => uncurryThis(Object.getOwnPropertyDescriptor(proto, name).get);
const ObjectDefineProperty = Object.defineProperty;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectCreate = Object.create;
const ObjectFreeze = Object.freeze;
const ObjectHasOwn = Object.hasOwn;
const ReflectApply = Reflect.apply;
const ArrayPrototypePush = uncurryThis(Array.prototype.push);
const ArrayPrototypeSplice = uncurryThis(Array.prototype.splice);
const StringPrototypeCharCodeAt = uncurryThis(String.prototype.charCodeAt);
const StringPrototypeToLowerCase = uncurryThis(String.prototype.toLowerCase);
const StringPrototypeSlice = uncurryThis(String.prototype.slice);
const StringPrototypeIndexOf = uncurryThis(String.prototype.indexOf);
const StringPrototypeTrim = uncurryThis(String.prototype.trim);
const StringPrototypeSplit = uncurryThis(String.prototype.split);
const StringPrototypeReplace = uncurryThis(String.prototype.replace);
const RegExpPrototypeExec = uncurryThis(RegExp.prototype.exec);
const JSONStringify = JSON.stringify;
const MathMax = Math.max;
const MathMin = Math.min;
const MathRandom = Math.random;
const MathFloor = Math.floor;
const DateNow = Date.now;
const TypeErrorCtor = TypeError;
const PromiseResolve = Promise.resolve.bind(Promise);
const PromiseReject = Promise.reject.bind(Promise);
const SymbolIterator = Symbol.iterator;
const SymbolToStringTag = Symbol.toStringTag;
const U8 = Uint8Array;
const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
const TypedArrayPrototypeGetBuffer = getter(TypedArrayPrototype, "buffer");
const TypedArrayPrototypeGetByteOffset = getter(TypedArrayPrototype, "byteOffset");
const TypedArrayPrototypeGetByteLength = getter(TypedArrayPrototype, "byteLength");
const TypedArrayPrototypeSlice = uncurryThis(TypedArrayPrototype.slice);
const TypedArrayPrototypeSet = uncurryThis(TypedArrayPrototype.set);
const TypedArrayPrototypeIndexOf = uncurryThis(TypedArrayPrototype.indexOf);
const IteratorPrototype = ObjectGetPrototypeOf(ObjectGetPrototypeOf([][SymbolIterator]()));

// STREAM_CHUNK is the most bytes one chunk of blob.stream() holds.
const STREAM_CHUNK = 64 << 10;

const kParts = Symbol("[[parts]]");
const kSize = Symbol("[[size]]");
const kType = Symbol("[[type]]");
const kName = Symbol("[[name]]");
const kLastModified = Symbol("[[lastModified]]");
const kEntries = Symbol("[[entries]]");
const kIterTarget = Symbol("[[target]]");
const kIterKind = Symbol("[[kind]]");
const kIterIndex = Symbol("[[index]]");
const kInternal = Symbol("internal");

function isBlob(v) {
  return v !== null && typeof v === "object" && ObjectHasOwn(v, kParts);
}
function isFile(v) {
  return v !== null && typeof v === "object" && ObjectHasOwn(v, kName);
}
function isFormData(v) {
  return v !== null && typeof v === "object" && ObjectHasOwn(v, kEntries);
}

function enumerable(proto, names) {
  for (let i = 0; i < names.length; i++) {
    const d = ObjectGetOwnPropertyDescriptor(proto, names[i]);
    d.enumerable = true;
    ObjectDefineProperty(proto, names[i], d);
  }
}

// ---------------------------------------------------------------------------
// Blob.

const printableASCII = /^[\x20-\x7e]*$/;

// normalizeType is the File API's type rule: lowercase if every character
// is printable ASCII, else the empty string.
function normalizeType(t) {
  return RegExpPrototypeExec(printableASCII, t) === null ? "" : StringPrototypeToLowerCase(t);
}

function concat(parts, size) {
  if (parts.length === 1) return TypedArrayPrototypeSlice(parts[0]);
  const out = new U8(size);
  let off = 0;
  for (let i = 0; i < parts.length; i++) {
    TypedArrayPrototypeSet(out, parts[i], off);
    off += TypedArrayPrototypeGetByteLength(parts[i]);
  }
  return out;
}

// blobBytes returns a fresh Uint8Array of a blob's bytes, which the caller
// owns (it may transfer its buffer).
function blobBytes(blob) {
  return concat(blob[kParts], blob[kSize]);
}

function setBlob(obj, parts, size, type) {
  webidl.setSlots(obj, { [kParts]: parts, [kSize]: size, [kType]: type });
}

// makeBlob makes a Blob of bytes (which it takes over) and a type, used
// as given.
function makeBlob(bytes, type) {
  const b = new Blob(kInternal);
  const n = TypedArrayPrototypeGetByteLength(bytes);
  setBlob(b, n === 0 ? [] : [bytes], n, type);
  return b;
}

function makeFile(parts, size, type, name, lastModified) {
  const f = new File(kInternal);
  setBlob(f, parts, size, type);
  webidl.setSlots(f, { [kName]: name, [kLastModified]: lastModified });
  return f;
}

const lineBreaks = /\r\n|\r/g;

// convertParts is the Web IDL conversion of a sequence<BlobPart>: a list
// of blobs, strings (USVString) and copies of the bytes given (the caller
// may change its buffers later).
function convertParts(bits, prefix) {
  const list = [];
  if (bits === undefined) return list;
  if (bits === null || typeof bits !== "object" || typeof bits[SymbolIterator] !== "function") {
    throw new TypeErrorCtor(`${prefix}: The provided value cannot be converted to a sequence.`);
  }
  for (const el of bits) {
    if (isBlob(el)) {
      ArrayPrototypePush(list, el);
      continue;
    }
    let u8 = null;
    if (el !== null && typeof el === "object") {
      try {
        u8 = webidl.toBufferSource(el, prefix);
      } catch {
        u8 = null;
      }
    }
    ArrayPrototypePush(list, u8 !== null ? TypedArrayPrototypeSlice(u8) : webidl.toUSVString(el, prefix, "A blob part"));
  }
  return list;
}

// processParts turns converted parts into [chunks, size]: strings are
// UTF-8 encoded (after line endings are converted for "native"), blobs'
// chunks shared.
function processParts(list, endings) {
  const parts = [];
  let size = 0;
  for (let i = 0; i < list.length; i++) {
    const el = list[i];
    if (isBlob(el)) {
      const src = el[kParts];
      for (let j = 0; j < src.length; j++) ArrayPrototypePush(parts, src[j]);
      size += el[kSize];
      continue;
    }
    let u8 = el;
    if (typeof el === "string") {
      u8 = enc.encodeUTF8(endings === "native" ? StringPrototypeReplace(el, lineBreaks, "\n") : el);
    }
    const n = TypedArrayPrototypeGetByteLength(u8);
    if (n > 0) {
      ArrayPrototypePush(parts, u8);
      size += n;
    }
  }
  return [parts, size];
}

// blobOptions reads a BlobPropertyBag: [type, endings].
function blobOptions(options, prefix) {
  if (options === undefined || options === null) return ["", "transparent"];
  if (typeof options !== "object" && typeof options !== "function") {
    throw new TypeErrorCtor(`${prefix}: The provided value is not of type 'BlobPropertyBag'.`);
  }
  let endings = "transparent";
  const e = options.endings;
  if (e !== undefined) {
    endings = webidl.toDOMString(e, prefix, "endings");
    if (endings !== "transparent" && endings !== "native") {
      throw new TypeErrorCtor(`${prefix}: The provided value '${endings}' is not a valid enum value of type EndingType.`);
    }
  }
  const t = options.type;
  const type = t === undefined ? "" : normalizeType(webidl.toDOMString(t, prefix, "type"));
  return [type, endings];
}

// sliceParts returns the chunks of parts between byte offsets start and
// end (start < end), as views over the same memory.
function sliceParts(parts, start, end) {
  const out = [];
  let pos = 0;
  for (let i = 0; i < parts.length && pos < end; i++) {
    const p = parts[i];
    const n = TypedArrayPrototypeGetByteLength(p);
    const pStart = pos;
    pos += n;
    if (pos <= start) continue;
    const from = MathMax(start - pStart, 0);
    const to = MathMin(end - pStart, n);
    if (from === 0 && to === n) ArrayPrototypePush(out, p);
    else ArrayPrototypePush(out, new U8(TypedArrayPrototypeGetBuffer(p), TypedArrayPrototypeGetByteOffset(p) + from, to - from));
  }
  return out;
}

function relativeIndex(v, size) {
  return v < 0 ? MathMax(size + v, 0) : MathMin(v, size);
}

class Blob {
  constructor(blobParts = undefined, options = undefined) {
    if (blobParts === kInternal) return;
    const prefix = "Failed to construct 'Blob'";
    const list = convertParts(blobParts, prefix);
    const [type, endings] = blobOptions(options, prefix);
    const [parts, size] = processParts(list, endings);
    setBlob(this, parts, size, type);
  }

  get size() {
    return webidl.brandCheck(this, kParts, "Blob", "size")[kSize];
  }

  get type() {
    return webidl.brandCheck(this, kParts, "Blob", "type")[kType];
  }

  slice(start = undefined, end = undefined, contentType = undefined) {
    webidl.brandCheck(this, kParts, "Blob", "slice");
    const prefix = "Failed to execute 'slice' on 'Blob'";
    const size = this[kSize];
    const s = start === undefined ? 0 : relativeIndex(webidl.toLongLong(start, { clamp: true }, prefix, "start"), size);
    const e = end === undefined ? size : relativeIndex(webidl.toLongLong(end, { clamp: true }, prefix, "end"), size);
    const type = contentType === undefined ? "" : normalizeType(webidl.toDOMString(contentType, prefix, "contentType"));
    const b = new Blob(kInternal);
    if (e <= s) setBlob(b, [], 0, type);
    else setBlob(b, sliceParts(this[kParts], s, e), e - s, type);
    return b;
  }

  text() {
    if (!isBlob(this)) return PromiseReject(new TypeErrorCtor("Failed to execute 'text' on 'Blob': Illegal invocation"));
    if (this[kSize] === 0) return PromiseResolve("");
    return PromiseResolve(enc.decodeUTF8(blobBytes(this)));
  }

  arrayBuffer() {
    if (!isBlob(this)) return PromiseReject(new TypeErrorCtor("Failed to execute 'arrayBuffer' on 'Blob': Illegal invocation"));
    return PromiseResolve(TypedArrayPrototypeGetBuffer(blobBytes(this)));
  }

  bytes() {
    if (!isBlob(this)) return PromiseReject(new TypeErrorCtor("Failed to execute 'bytes' on 'Blob': Illegal invocation"));
    return PromiseResolve(blobBytes(this));
  }

  stream() {
    webidl.brandCheck(this, kParts, "Blob", "stream");
    const parts = this[kParts];
    let i = 0;
    let off = 0;
    // Each pull hands the stream a copy of up to STREAM_CHUNK bytes: the
    // stream transfers the buffer it is given, and the blob's chunks are
    // shared with other blobs.
    return S.createPullStream(() => {
      if (i >= parts.length) return null;
      const p = parts[i];
      const n = TypedArrayPrototypeGetByteLength(p);
      const take = MathMin(n - off, STREAM_CHUNK);
      const chunk = TypedArrayPrototypeSlice(p, off, off + take);
      off += take;
      if (off >= n) {
        i++;
        off = 0;
      }
      return chunk;
    });
  }
}
enumerable(Blob.prototype, ["size", "type", "slice", "text", "arrayBuffer", "bytes", "stream"]);
webidl.configureInterface(Blob);

// ---------------------------------------------------------------------------
// File.

class File extends Blob {
  constructor(fileBits = undefined, fileName = undefined, options = undefined) {
    super(kInternal);
    if (fileBits === kInternal) return;
    const prefix = "Failed to construct 'File'";
    webidl.requiredArguments(arguments.length, 2, prefix);
    const list = convertParts(fileBits, prefix);
    const name = webidl.toUSVString(fileName, prefix, "Parameter 2");
    const [type, endings] = blobOptions(options, prefix);
    let lastModified;
    const lm = options !== undefined && options !== null ? options.lastModified : undefined;
    if (lm !== undefined) lastModified = webidl.toLongLong(lm, undefined, prefix, "lastModified");
    else lastModified = DateNow();
    const [parts, size] = processParts(list, endings);
    setBlob(this, parts, size, type);
    webidl.setSlots(this, { [kName]: name, [kLastModified]: lastModified });
  }

  get name() {
    return webidl.brandCheck(this, kName, "File", "name")[kName];
  }

  get lastModified() {
    return webidl.brandCheck(this, kName, "File", "lastModified")[kLastModified];
  }
}
enumerable(File.prototype, ["name", "lastModified"]);
webidl.configureInterface(File);

// ---------------------------------------------------------------------------
// FormData.

// toEntryValue is the HTML standard's "create an entry" for a value: a
// Blob that is not a File becomes a File named "blob"; a File given a
// filename becomes a File with that name, the same bytes and type.
function toEntryValue(value, filename) {
  if (!isBlob(value)) return value;
  if (isFile(value) && filename === undefined) return value;
  const name = filename !== undefined ? filename : isFile(value) ? value[kName] : "blob";
  const lastModified = isFile(value) ? value[kLastModified] : DateNow();
  return makeFile(value[kParts], value[kSize], value[kType], name, lastModified);
}

// entryArgs converts (name, value[, filename]) for append and set.
function entryArgs(self, args, method) {
  webidl.brandCheck(self, kEntries, "FormData", method);
  const prefix = `Failed to execute '${method}' on 'FormData'`;
  webidl.requiredArguments(args.length, 2, prefix);
  const name = webidl.toUSVString(args[0], prefix, "Parameter 1");
  const value = args[1];
  if (isBlob(value)) {
    const filename = args.length > 2 && args[2] !== undefined ? webidl.toUSVString(args[2], prefix, "Parameter 3") : undefined;
    return [name, toEntryValue(value, filename)];
  }
  if (args.length > 2) throw new TypeErrorCtor(`${prefix}: parameter 2 is not of type 'Blob'.`);
  return [name, webidl.toUSVString(value, prefix, "Parameter 2")];
}

class FormData {
  constructor(form = undefined, submitter = undefined) {
    if (form !== undefined) {
      throw new TypeErrorCtor("Failed to construct 'FormData': parameter 1 is not of type 'HTMLFormElement' (there are no forms here).");
    }
    webidl.setSlots(this, { [kEntries]: [] });
  }

  append(name, value) {
    const entry = entryArgs(this, arguments, "append");
    ArrayPrototypePush(this[kEntries], entry);
  }

  delete(name) {
    webidl.brandCheck(this, kEntries, "FormData", "delete");
    const prefix = "Failed to execute 'delete' on 'FormData'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    const n = webidl.toUSVString(name, prefix, "Parameter 1");
    const list = this[kEntries];
    for (let i = list.length - 1; i >= 0; i--) if (list[i][0] === n) ArrayPrototypeSplice(list, i, 1);
  }

  get(name) {
    webidl.brandCheck(this, kEntries, "FormData", "get");
    const prefix = "Failed to execute 'get' on 'FormData'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    const n = webidl.toUSVString(name, prefix, "Parameter 1");
    const list = this[kEntries];
    for (let i = 0; i < list.length; i++) if (list[i][0] === n) return list[i][1];
    return null;
  }

  getAll(name) {
    webidl.brandCheck(this, kEntries, "FormData", "getAll");
    const prefix = "Failed to execute 'getAll' on 'FormData'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    const n = webidl.toUSVString(name, prefix, "Parameter 1");
    const list = this[kEntries];
    const out = [];
    for (let i = 0; i < list.length; i++) if (list[i][0] === n) ArrayPrototypePush(out, list[i][1]);
    return out;
  }

  has(name) {
    webidl.brandCheck(this, kEntries, "FormData", "has");
    const prefix = "Failed to execute 'has' on 'FormData'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    const n = webidl.toUSVString(name, prefix, "Parameter 1");
    const list = this[kEntries];
    for (let i = 0; i < list.length; i++) if (list[i][0] === n) return true;
    return false;
  }

  set(name, value) {
    const entry = entryArgs(this, arguments, "set");
    const list = this[kEntries];
    const n = entry[0];
    let first = -1;
    for (let i = 0; i < list.length; i++) {
      if (list[i][0] !== n) continue;
      if (first === -1) {
        first = i;
        list[i] = entry;
      } else {
        ArrayPrototypeSplice(list, i, 1);
        i--;
      }
    }
    if (first === -1) ArrayPrototypePush(list, entry);
  }

  forEach(callback, thisArg = undefined) {
    webidl.brandCheck(this, kEntries, "FormData", "forEach");
    const prefix = "Failed to execute 'forEach' on 'FormData'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    if (typeof callback !== "function") throw new TypeErrorCtor(`${prefix}: The callback provided as parameter 1 is not a function.`);
    const list = this[kEntries];
    for (let i = 0; i < list.length; i++) ReflectApply(callback, thisArg, [list[i][1], list[i][0], this]);
  }

  entries() {
    webidl.brandCheck(this, kEntries, "FormData", "entries");
    return newIterator(this, "key+value");
  }

  keys() {
    webidl.brandCheck(this, kEntries, "FormData", "keys");
    return newIterator(this, "key");
  }

  values() {
    webidl.brandCheck(this, kEntries, "FormData", "values");
    return newIterator(this, "value");
  }
}
ObjectDefineProperty(FormData.prototype, SymbolIterator, {
  value: FormData.prototype.entries,
  writable: true,
  enumerable: false,
  configurable: true,
});
enumerable(FormData.prototype, ["append", "delete", "get", "getAll", "has", "set", "forEach", "entries", "keys", "values"]);
webidl.configureInterface(FormData);

const FormDataIteratorPrototype = ObjectCreate(IteratorPrototype);
ObjectDefineProperty(FormDataIteratorPrototype, "next", {
  value: function next() {
    if (this === null || typeof this !== "object" || !ObjectHasOwn(this, kIterTarget)) {
      throw new TypeErrorCtor("Failed to execute 'next' on 'FormData Iterator': Illegal invocation");
    }
    const list = this[kIterTarget][kEntries];
    const i = this[kIterIndex];
    if (i >= list.length) return { value: undefined, done: true };
    this[kIterIndex] = i + 1;
    const e = list[i];
    switch (this[kIterKind]) {
      case "key":
        return { value: e[0], done: false };
      case "value":
        return { value: e[1], done: false };
    }
    return { value: [e[0], e[1]], done: false };
  },
  writable: true,
  enumerable: true,
  configurable: true,
});
ObjectDefineProperty(FormDataIteratorPrototype, SymbolToStringTag, { value: "FormData Iterator", configurable: true });

function newIterator(target, kind) {
  const it = ObjectCreate(FormDataIteratorPrototype);
  webidl.setSlots(it, { [kIterTarget]: target, [kIterKind]: kind, [kIterIndex]: 0 });
  return it;
}

// formDataFromList makes a FormData of [name, value] pairs (strings).
function formDataFromList(list) {
  const fd = new FormData();
  const entries = fd[kEntries];
  for (let i = 0; i < list.length; i++) ArrayPrototypePush(entries, [list[i][0], list[i][1]]);
  return fd;
}

// ---------------------------------------------------------------------------
// multipart/form-data (the HTML standard's encoding algorithm, RFC 7578).

const loneBreaks = /\r(?!\n)|(?<!\r)\n/g;
const escapes = /[\n\r"]/g;
const escapeOf = { __proto__: null, "\n": "%0A", "\r": "%0D", '"': "%22" };
const escapeChar = (c) => escapeOf[c];

function normalizeBreaks(s) {
  return StringPrototypeReplace(s, loneBreaks, "\r\n");
}

function escapeQuoted(s) {
  return StringPrototypeReplace(s, escapes, escapeChar);
}

const boundaryChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// newBoundary returns a boundary of 24 random alphanumerics after a fixed
// prefix; a boundary need not be unguessable, only absent from the body,
// which 143 random bits make as good as certain.
function newBoundary() {
  let s = "----WorkyFormBoundary";
  for (let i = 0; i < 24; i++) s += boundaryChars[MathFloor(MathRandom() * 62)];
  return s;
}

// serializeMultipart encodes a FormData as multipart/form-data:
// {body: Uint8Array, contentType}.
function serializeMultipart(fd) {
  const boundary = newBoundary();
  const chunks = [];
  let size = 0;
  let text = "";
  const flush = () => {
    if (text === "") return;
    const u8 = enc.encodeUTF8(text);
    ArrayPrototypePush(chunks, u8);
    size += TypedArrayPrototypeGetByteLength(u8);
    text = "";
  };
  const list = fd[kEntries];
  for (let i = 0; i < list.length; i++) {
    const name = escapeQuoted(normalizeBreaks(list[i][0]));
    const value = list[i][1];
    text += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"`;
    if (typeof value === "string") {
      text += `\r\n\r\n${normalizeBreaks(value)}\r\n`;
      continue;
    }
    const type = value[kType] === "" ? "application/octet-stream" : value[kType];
    text += `; filename="${escapeQuoted(value[kName])}"\r\nContent-Type: ${type}\r\n\r\n`;
    flush();
    const parts = value[kParts];
    for (let j = 0; j < parts.length; j++) ArrayPrototypePush(chunks, parts[j]);
    size += value[kSize];
    text = "\r\n";
  }
  text += `--${boundary}--\r\n`;
  flush();
  return { body: concat(chunks, size), contentType: `multipart/form-data; boundary=${boundary}` };
}

// mimeParameter returns the value of parameter name (lowercase) of a MIME
// type, unquoted, or null.
function mimeParameter(contentType, name) {
  let i = StringPrototypeIndexOf(contentType, ";");
  while (i !== -1) {
    const next = i + 1;
    const eq = StringPrototypeIndexOf(contentType, "=", next);
    if (eq === -1) return null;
    const key = StringPrototypeToLowerCase(StringPrototypeTrim(StringPrototypeSlice(contentType, next, eq)));
    let j = eq + 1;
    let value;
    if (contentType[j] === '"') {
      value = "";
      j++;
      while (j < contentType.length && contentType[j] !== '"') {
        if (contentType[j] === "\\" && j + 1 < contentType.length) j++;
        value += contentType[j];
        j++;
      }
      i = StringPrototypeIndexOf(contentType, ";", j);
    } else {
      i = StringPrototypeIndexOf(contentType, ";", j);
      value = StringPrototypeTrim(StringPrototypeSlice(contentType, j, i === -1 ? contentType.length : i));
    }
    if (key === name) return value;
  }
  return null;
}

function malformed(what) {
  return new TypeErrorCtor(`Failed to parse the body as multipart/form-data: ${what}.`);
}

// indexOfBytes finds needle in hay at or after from, or returns -1.
function indexOfBytes(hay, needle, from) {
  const first = needle[0];
  const n = needle.length;
  const last = hay.length - n;
  for (let i = TypedArrayPrototypeIndexOf(hay, first, from); i !== -1 && i <= last; i = TypedArrayPrototypeIndexOf(hay, first, i + 1)) {
    let j = 1;
    while (j < n && hay[i + j] === needle[j]) j++;
    if (j === n) return i;
  }
  return -1;
}

// dispositionParameter returns a Content-Disposition parameter (name,
// filename) unquoted, or null. Quoted values end at the next quote, as
// browsers send them (quotes inside are escaped as %22, not with "\").
const dispositionParamRe = /;\s*([A-Za-z0-9_*-]+)\s*=\s*("[^"]*"|[^;\s]*)/g;
function dispositionParameters(value) {
  const out = { __proto__: null };
  dispositionParamRe.lastIndex = 0;
  for (let m = RegExpPrototypeExec(dispositionParamRe, value); m !== null; m = RegExpPrototypeExec(dispositionParamRe, value)) {
    let v = m[2];
    if (v[0] === '"') v = StringPrototypeSlice(v, 1, v.length - 1);
    const k = StringPrototypeToLowerCase(m[1]);
    if (out[k] === undefined) out[k] = v;
  }
  return out;
}

// parseMultipart parses a multipart/form-data body into a FormData; a
// malformed body is a TypeError that says what is wrong.
function parseMultipart(bytes, contentType) {
  const boundary = mimeParameter(contentType, "boundary");
  if (boundary === null || boundary === "") {
    throw malformed(`the Content-Type ${JSONStringify(contentType)} has no boundary parameter`);
  }
  if (boundary.length > 70) throw malformed(`the boundary is ${boundary.length} characters long, more than 70`);
  const delim = enc.encodeUTF8("--" + boundary);
  const nextDelim = enc.encodeUTF8("\r\n--" + boundary);
  const fd = new FormData();
  const entries = fd[kEntries];
  // The first delimiter starts the body or follows a preamble's CRLF.
  let pos;
  if (indexOfBytes(bytes, delim, 0) === 0) pos = delim.length;
  else {
    const at = indexOfBytes(bytes, nextDelim, 0);
    if (at === -1) throw malformed(`the boundary ${JSONStringify(boundary)} does not occur in the body`);
    pos = at + nextDelim.length;
  }
  for (let part = 1; ; part++) {
    if (bytes[pos] === 0x2d && bytes[pos + 1] === 0x2d) return fd; // "--": the close delimiter
    // Transport padding, then CRLF.
    while (bytes[pos] === 0x20 || bytes[pos] === 0x09) pos++;
    if (bytes[pos] !== 0x0d || bytes[pos + 1] !== 0x0a) {
      if (pos >= bytes.length) throw malformed(`the body ends after part ${part - 1} without the closing delimiter "--${boundary}--"`);
      throw malformed(`the delimiter before part ${part} is not followed by CRLF`);
    }
    pos += 2;
    const headersEnd = indexOfBytes(bytes, crlfcrlf, pos);
    let headerText;
    if (bytes[pos] === 0x0d && bytes[pos + 1] === 0x0a) {
      headerText = "";
      pos += 2;
    } else {
      const next = headersEnd === -1 ? -1 : indexOfBytes(bytes, nextDelim, pos);
      if (headersEnd === -1 || (next !== -1 && next < headersEnd)) {
        throw malformed(`the headers of part ${part} do not end with an empty line`);
      }
      headerText = enc.decodeUTF8(new U8(TypedArrayPrototypeGetBuffer(bytes), TypedArrayPrototypeGetByteOffset(bytes) + pos, headersEnd - pos));
      pos = headersEnd + 4;
    }
    let disposition = null;
    let type = null;
    const lines = headerText === "" ? [] : StringPrototypeSplit(headerText, "\r\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const colon = StringPrototypeIndexOf(line, ":");
      if (colon <= 0) throw malformed(`part ${part} has a header line without a name: ${JSONStringify(line)}`);
      const hname = StringPrototypeToLowerCase(StringPrototypeTrim(StringPrototypeSlice(line, 0, colon)));
      const hvalue = StringPrototypeTrim(StringPrototypeSlice(line, colon + 1));
      if (hname === "content-disposition") disposition = hvalue;
      else if (hname === "content-type") type = hvalue;
    }
    if (disposition === null) throw malformed(`part ${part} has no Content-Disposition header`);
    const semi = StringPrototypeIndexOf(disposition, ";");
    const dtype = StringPrototypeToLowerCase(StringPrototypeTrim(semi === -1 ? disposition : StringPrototypeSlice(disposition, 0, semi)));
    if (dtype !== "form-data") throw malformed(`part ${part} has Content-Disposition ${JSONStringify(disposition)}, not form-data`);
    const params = dispositionParameters(disposition);
    const name = params.name;
    if (name === undefined) throw malformed(`the Content-Disposition of part ${part} has no name parameter`);
    const end = indexOfBytes(bytes, nextDelim, pos);
    if (end === -1) throw malformed(`part ${part} (${JSONStringify(name)}) is not ended by a delimiter "--${boundary}"`);
    const body = new U8(TypedArrayPrototypeGetBuffer(bytes), TypedArrayPrototypeGetByteOffset(bytes) + pos, end - pos);
    const filename = params.filename;
    if (filename !== undefined) {
      const n = end - pos;
      const t = type === null ? "text/plain" : normalizeType(type);
      ArrayPrototypePush(entries, [name, makeFile(n === 0 ? [] : [TypedArrayPrototypeSlice(body)], n, t, filename, DateNow())]);
    } else {
      ArrayPrototypePush(entries, [name, end === pos ? "" : enc.decodeUTF8(body)]);
    }
    pos = end + nextDelim.length;
  }
}
const crlfcrlf = new U8([0x0d, 0x0a, 0x0d, 0x0a]);

core.defineGlobal("Blob", Blob);
core.defineGlobal("File", File);
core.defineGlobal("FormData", FormData);

// For the families that build on this one (fetch bodies).
core.provide(
  "blob",
  ObjectFreeze({
    __proto__: null,
    Blob,
    File,
    FormData,
    isBlob,
    isFile,
    isFormData,
    blobBytes,
    blobType: (blob) => blob[kType],
    makeBlob,
    formDataFromList,
    // formDataList returns a FormData's entries as [name, string or File]
    // pairs (the live list: do not change it).
    formDataList: (fd) => fd[kEntries],
    serializeMultipart,
    parseMultipart,
  }),
);
