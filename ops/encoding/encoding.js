// TextEncoder, TextDecoder, TextEncoderStream, TextDecoderStream, atob and
// btoa. In JS: the classes, brand checks, Web IDL conversions, and a
// decoder's streaming state (the undecoded tail of the last chunk, whether
// the BOM was seen, the decoder's mode); the stream classes are
// TransformStreams (from the streams family) around the same decoding. In
// Go, one crossing per call: UTF-8 encoding (op_encoding_encode,
// op_encoding_encode_into), label resolution and decoding in every
// encoding of the WHATWG Encoding Standard (op_encoding_resolve,
// op_encoding_decode; golang.org/x/text underneath) and forgiving base64
// (op_encoding_atob / op_encoding_btoa).
"use strict";

const webidl = core.use("webidl");
const DOMException = core.use("DOMException");
const uncurryThis = (fn) => Function.prototype.call.bind(fn);
const getter = (proto, name) => uncurryThis(Object.getOwnPropertyDescriptor(proto, name).get);
const U8 = Uint8Array;
const RangeErrorCtor = RangeError;
const TypeErrorCtor = TypeError;
const ObjectFreeze = Object.freeze;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const MapCtor = Map;
const MapPrototypeGet = uncurryThis(Map.prototype.get);
const MapPrototypeSet = uncurryThis(Map.prototype.set);
const MapPrototypeGetSize = getter(Map.prototype, "size");
const StringPrototypeCharCodeAt = uncurryThis(String.prototype.charCodeAt);
const StringPrototypeSlice = uncurryThis(String.prototype.slice);
const RegExpPrototypeExec = uncurryThis(RegExp.prototype.exec);
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const TypedArrayPrototypeGetSymbolToStringTag = getter(TypedArrayPrototype, Symbol.toStringTag);
const TypedArrayPrototypeGetLength = getter(TypedArrayPrototype, "length");
const TypedArrayPrototypeSet = uncurryThis(TypedArrayPrototype.set);
const TypedArrayPrototypeSlice = uncurryThis(TypedArrayPrototype.slice);

// Flags of op_encoding_decode; also encoding.go: decode*.
const DECODE_FATAL = 1;
const DECODE_STRIP_BOM = 2;
const DECODE_STREAM = 4;
// Status characters in front of a streaming decode's text; also
// encoding.go: opEncodingDecode.
const STATUS_LENGTH = 3;

const _brand = Symbol("[[TextEncoder]]");
const _encoding = Symbol("[[encoding]]");
const _fatal = Symbol("[[fatal]]");
const _ignoreBOM = Symbol("[[ignoreBOM]]");
const _pending = Symbol("[[pending]]");
const _bomSeen = Symbol("[[BOMseen]]");
const _mode = Symbol("[[mode]]");
const _decoderBrand = Symbol("[[TextDecoder]]");
const _encoderStreamBrand = Symbol("[[TextEncoderStream]]");
const _decoderStreamBrand = Symbol("[[TextDecoderStream]]");
const _readable = Symbol("[[readable]]");
const _writable = Symbol("[[writable]]");

const empty = new U8(0);

function encodeUTF8(s) {
  return s.length === 0 ? new U8(0) : ops.op_encoding_encode(s);
}

// utf16Length counts the UTF-16 code units that valid UTF-8 bytes encode.
function utf16Length(bytes) {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1;
  }
  return n;
}

class TextEncoder {
  constructor() {
    webidl.setSlots(this, { [_brand]: true });
  }

  get encoding() {
    webidl.brandCheck(this, _brand, "TextEncoder", "encoding");
    return "utf-8";
  }

  encode(input = "") {
    webidl.brandCheck(this, _brand, "TextEncoder", "encode");
    return encodeUTF8(webidl.toUSVString(input, "Failed to execute 'encode' on 'TextEncoder'", "Parameter 1"));
  }

  encodeInto(source, destination) {
    webidl.brandCheck(this, _brand, "TextEncoder", "encodeInto");
    const prefix = "Failed to execute 'encodeInto' on 'TextEncoder'";
    webidl.requiredArguments(arguments.length, 2, prefix);
    const s = webidl.toUSVString(source, prefix, "Parameter 1");
    if (TypedArrayPrototypeGetSymbolToStringTag(destination) !== "Uint8Array") {
      throw new TypeErrorCtor(`${prefix}: parameter 2 is not of type 'Uint8Array'.`);
    }
    const capacity = TypedArrayPrototypeGetLength(destination);
    if (s.length === 0 || capacity === 0) return { read: 0, written: 0 };
    const bytes = ops.op_encoding_encode_into(s, capacity);
    TypedArrayPrototypeSet(destination, bytes);
    // Each UTF-16 code unit takes at most 3 bytes: with that much room
    // everything was written, so there is nothing to count.
    const read = capacity >= s.length * 3 ? s.length : utf16Length(bytes);
    return { read, written: bytes.length };
  }
}
webidl.configureInterface(TextEncoder);

// Resolved labels, so that constructing a TextDecoder usually costs no
// crossing. Bounded: labels are not normalised before the lookup.
const labelCache = new MapCtor();

function resolveLabel(label) {
  let name = MapPrototypeGet(labelCache, label);
  if (name !== undefined) return name;
  name = ops.op_encoding_resolve(label);
  if (name !== "" && MapPrototypeGetSize(labelCache) < 64) MapPrototypeSet(labelCache, label, name);
  return name;
}

function dictionary(v, prefix, type) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" && typeof v !== "function") {
    throw new TypeErrorCtor(`${prefix}: The provided value is not of type '${type}'.`);
  }
  return v;
}

// decodeChunk runs one decode on a decoder's slots (a TextDecoder's or a
// TextDecoderStream's): the undecoded tail of the last chunk goes in front
// of bytes, and with stream set the tail of this one is kept.
function decodeChunk(d, bytes, stream) {
  const pending = d[_pending];
  if (pending !== null) {
    const joined = new U8(pending.length + bytes.length);
    TypedArrayPrototypeSet(joined, pending);
    TypedArrayPrototypeSet(joined, bytes, pending.length);
    bytes = joined;
  }
  if (bytes.length === 0 && !stream) {
    resetDecoder(d);
    return "";
  }
  let flags = stream ? DECODE_STREAM : 0;
  if (d[_fatal]) flags |= DECODE_FATAL;
  if (!d[_ignoreBOM] && !d[_bomSeen]) flags |= DECODE_STRIP_BOM;
  let text;
  try {
    text = ops.op_encoding_decode(core.toGo(bytes), d[_encoding], flags, d[_mode]);
  } catch (e) {
    resetDecoder(d);
    throw e;
  }
  if (!stream) {
    resetDecoder(d);
    return text;
  }
  const status = StringPrototypeCharCodeAt(text, 0);
  const tail = status & 0xff;
  d[_pending] = tail === 0 ? null : TypedArrayPrototypeSlice(bytes, bytes.length - tail);
  if ((status & 0x100) !== 0) d[_bomSeen] = true;
  d[_mode] = (StringPrototypeCharCodeAt(text, 1) << 8) | StringPrototypeCharCodeAt(text, 2);
  return StringPrototypeSlice(text, STATUS_LENGTH);
}

function resetDecoder(d) {
  d[_pending] = null;
  d[_bomSeen] = false;
  d[_mode] = 0;
}

// decoderSlots converts TextDecoder's constructor arguments (shared with
// TextDecoderStream) into its slots.
function decoderSlots(label, options, prefix) {
  label = webidl.toDOMString(label, prefix, "Parameter 1");
  const opts = dictionary(options, prefix, "TextDecoderOptions");
  const fatal = opts === undefined ? false : !!opts.fatal;
  const ignoreBOM = opts === undefined ? false : !!opts.ignoreBOM;
  const name = resolveLabel(label);
  if (name === "") throw new RangeErrorCtor(`${prefix}: The encoding label provided ('${label}') is invalid.`);
  return {
    [_encoding]: name,
    [_fatal]: fatal,
    [_ignoreBOM]: ignoreBOM,
    [_pending]: null,
    [_bomSeen]: false,
    [_mode]: 0,
  };
}

class TextDecoder {
  constructor(label = "utf-8", options = undefined) {
    const slots = decoderSlots(label, options, "Failed to construct 'TextDecoder'");
    slots[_decoderBrand] = true;
    webidl.setSlots(this, slots);
  }

  get encoding() {
    return webidl.brandCheck(this, _decoderBrand, "TextDecoder", "encoding")[_encoding];
  }

  get fatal() {
    return webidl.brandCheck(this, _decoderBrand, "TextDecoder", "fatal")[_fatal];
  }

  get ignoreBOM() {
    return webidl.brandCheck(this, _decoderBrand, "TextDecoder", "ignoreBOM")[_ignoreBOM];
  }

  decode(input = undefined, options = undefined) {
    webidl.brandCheck(this, _decoderBrand, "TextDecoder", "decode");
    const prefix = "Failed to execute 'decode' on 'TextDecoder'";
    const bytes = input === undefined ? empty : webidl.toBufferSource(input, prefix, { allowShared: true }, "Parameter 1");
    const opts = dictionary(options, prefix, "TextDecodeOptions");
    const stream = opts === undefined ? false : !!opts.stream;
    return decodeChunk(this, bytes, stream);
  }
}
webidl.configureInterface(TextDecoder);

// The stream classes build on the streams family, which is installed
// after this one (ops/ops.go): it is looked up on first use.
let streamsAPI;
let TSDCEnqueue;

function transformStream(prefix, transformer) {
  if (streamsAPI === undefined) {
    try {
      streamsAPI = core.use("streams");
    } catch {
      throw new TypeErrorCtor(`${prefix}: streams are not available in this runtime.`);
    }
  }
  return new streamsAPI.TransformStream(transformer);
}

// enqueue is TransformStreamDefaultController's enqueue, taken from the
// first controller seen (the streams family does not share it).
function enqueue(controller, chunk) {
  if (TSDCEnqueue === undefined) TSDCEnqueue = uncurryThis(ObjectGetPrototypeOf(controller).enqueue);
  TSDCEnqueue(controller, chunk);
}

class TextEncoderStream {
  constructor() {
    const prefix = "Failed to construct 'TextEncoderStream'";
    const chunkPrefix = "Failed to execute 'transform' on 'TextEncoderStream'";
    // A high surrogate that ends a chunk waits for the next one, so a pair
    // split between chunks is encoded as one character.
    let pendingHigh = "";
    const ts = transformStream(prefix, {
      __proto__: null,
      transform(chunk, controller) {
        let s = pendingHigh + webidl.toDOMString(chunk, chunkPrefix, "chunk");
        pendingHigh = "";
        const last = s.length === 0 ? 0 : StringPrototypeCharCodeAt(s, s.length - 1);
        if (last >= 0xd800 && last <= 0xdbff) {
          pendingHigh = StringPrototypeSlice(s, s.length - 1);
          s = StringPrototypeSlice(s, 0, s.length - 1);
        }
        if (s.length === 0) return;
        enqueue(controller, encodeUTF8(webidl.toUSVString(s, chunkPrefix, "chunk")));
      },
      flush(controller) {
        if (pendingHigh !== "") enqueue(controller, new U8([0xef, 0xbf, 0xbd]));
      },
    });
    webidl.setSlots(this, { [_encoderStreamBrand]: true, [_readable]: ts.readable, [_writable]: ts.writable });
  }

  get encoding() {
    webidl.brandCheck(this, _encoderStreamBrand, "TextEncoderStream", "encoding");
    return "utf-8";
  }

  get readable() {
    return webidl.brandCheck(this, _encoderStreamBrand, "TextEncoderStream", "readable")[_readable];
  }

  get writable() {
    return webidl.brandCheck(this, _encoderStreamBrand, "TextEncoderStream", "writable")[_writable];
  }
}
webidl.configureInterface(TextEncoderStream);

class TextDecoderStream {
  constructor(label = "utf-8", options = undefined) {
    const prefix = "Failed to construct 'TextDecoderStream'";
    const chunkPrefix = "Failed to execute 'transform' on 'TextDecoderStream'";
    const slots = decoderSlots(label, options, prefix);
    const self = this;
    const ts = transformStream(prefix, {
      __proto__: null,
      transform(chunk, controller) {
        const bytes = webidl.toBufferSource(chunk, chunkPrefix, { allowShared: true }, "chunk");
        const text = decodeChunk(self, bytes, true);
        if (text !== "") enqueue(controller, text);
      },
      flush(controller) {
        const text = decodeChunk(self, empty, false);
        if (text !== "") enqueue(controller, text);
      },
    });
    slots[_decoderStreamBrand] = true;
    slots[_readable] = ts.readable;
    slots[_writable] = ts.writable;
    webidl.setSlots(this, slots);
  }

  get encoding() {
    return webidl.brandCheck(this, _decoderStreamBrand, "TextDecoderStream", "encoding")[_encoding];
  }

  get fatal() {
    return webidl.brandCheck(this, _decoderStreamBrand, "TextDecoderStream", "fatal")[_fatal];
  }

  get ignoreBOM() {
    return webidl.brandCheck(this, _decoderStreamBrand, "TextDecoderStream", "ignoreBOM")[_ignoreBOM];
  }

  get readable() {
    return webidl.brandCheck(this, _decoderStreamBrand, "TextDecoderStream", "readable")[_readable];
  }

  get writable() {
    return webidl.brandCheck(this, _decoderStreamBrand, "TextDecoderStream", "writable")[_writable];
  }
}
webidl.configureInterface(TextDecoderStream);

const nonLatin1 = /[^\x00-\xff]/;

function btoa(data) {
  const prefix = "Failed to execute 'btoa'";
  webidl.requiredArguments(arguments.length, 1, prefix);
  data = webidl.toDOMString(data, prefix, "Parameter 1");
  const m = RegExpPrototypeExec(nonLatin1, data);
  if (m !== null) {
    throw new DOMException(
      `${prefix}: The string to be encoded contains characters outside of the Latin1 range (the first at index ${m.index}).`,
      "InvalidCharacterError",
    );
  }
  return ops.op_encoding_btoa(data);
}

function atob(data) {
  const prefix = "Failed to execute 'atob'";
  webidl.requiredArguments(arguments.length, 1, prefix);
  return ops.op_encoding_atob(webidl.toDOMString(data, prefix, "Parameter 1"));
}

// decodeUTF8 is the Encoding Standard's "UTF-8 decode" (BOM dropped,
// errors replaced), for families that read bodies as text.
function decodeUTF8(bytes) {
  const u8 = webidl.toBufferSource(bytes, "decodeUTF8", { allowShared: true });
  if (u8.length === 0) return "";
  return ops.op_encoding_decode(core.toGo(u8), "utf-8", DECODE_STRIP_BOM, 0);
}

core.defineGlobal("TextEncoder", TextEncoder);
core.defineGlobal("TextDecoder", TextDecoder);
core.defineGlobal("TextEncoderStream", TextEncoderStream);
core.defineGlobal("TextDecoderStream", TextDecoderStream);
core.defineGlobal("btoa", btoa);
core.defineGlobal("atob", atob);
core.provide(
  "encoding",
  ObjectFreeze({
    __proto__: null,
    // encodeUTF8 takes a well-formed string (see webidl.toUSVString).
    encodeUTF8,
    decodeUTF8,
  }),
);
