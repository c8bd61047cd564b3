// CompressionStream and DecompressionStream (the WHATWG Compression
// Standard). In JS: the classes, their brand checks and conversions, and
// the TransformStream (from the streams family) each wraps. In Go: the
// compressing and decompressing (compress/gzip, compress/zlib,
// compress/flate), one crossing per chunk; a stream's Go side is made on
// its first chunk and released when it flushes, errors or is canceled.
"use strict";

const webidl = core.use("webidl");
const streams = core.use("streams");
const TransformStream = streams.TransformStream;
const TypeErrorCtor = TypeError;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const uncurryThis = (fn) => Function.prototype.call.bind(fn);
const TypedArrayPrototypeGetLength = uncurryThis(Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), "length").get);

const _brand = Symbol("[[CompressionStream]]");
const _dbrand = Symbol("[[DecompressionStream]]");
const _readable = Symbol("[[readable]]");
const _writable = Symbol("[[writable]]");

// Also compression.go: newDeflater and inflater.run.
const formats = { __proto__: null, gzip: true, deflate: true, "deflate-raw": true };

let TSDCEnqueue;
// enqueue is TransformStreamDefaultController's enqueue, taken from the
// first controller seen (the streams family does not share it).
function enqueue(controller, chunk) {
  if (TSDCEnqueue === undefined) TSDCEnqueue = uncurryThis(ObjectGetPrototypeOf(controller).enqueue);
  TSDCEnqueue(controller, chunk);
}

// A FinalizationRegistry releases the Go side of a stream dropped
// half-way; the isolate's close releases whatever is left.
const registry = new FinalizationRegistry((id) => ops.op_compression_release(id));

function coderStream(format, decompress, iface) {
  let id = 0;
  const token = {};
  const ensure = () => {
    if (id === 0) {
      id = ops.op_compression_new(format, decompress);
      registry.register(token, id, token);
    }
    return id;
  };
  const done = () => {
    registry.unregister(token);
    id = -1;
  };
  const chunkPrefix = `Failed to execute 'transform' on '${iface}'`;
  return new TransformStream({
    __proto__: null,
    transform(chunk, controller) {
      const bytes = webidl.toBufferSource(chunk, chunkPrefix, { allowShared: true }, "chunk");
      if (TypedArrayPrototypeGetLength(bytes) === 0 && id !== 0) return;
      let out;
      try {
        out = ops.op_compression_write(ensure(), core.toGo(bytes));
      } catch (e) {
        done();
        throw e;
      }
      if (out !== undefined && TypedArrayPrototypeGetLength(out) > 0) enqueue(controller, out);
    },
    flush(controller) {
      let out;
      try {
        out = ops.op_compression_finish(ensure());
      } finally {
        done();
      }
      if (out !== undefined && TypedArrayPrototypeGetLength(out) > 0) enqueue(controller, out);
    },
    cancel() {
      if (id > 0) ops.op_compression_release(id);
      done();
    },
  });
}

function toFormat(format, prefix) {
  format = webidl.toDOMString(format, prefix, "Parameter 1");
  if (!formats[format]) {
    throw new TypeErrorCtor(`${prefix}: Unsupported compression format: '${format}'.`);
  }
  return format;
}

class CompressionStream {
  constructor(format) {
    const prefix = "Failed to construct 'CompressionStream'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    const ts = coderStream(toFormat(format, prefix), false, "CompressionStream");
    webidl.setSlots(this, { [_brand]: true, [_readable]: ts.readable, [_writable]: ts.writable });
  }

  get readable() {
    return webidl.brandCheck(this, _brand, "CompressionStream", "readable")[_readable];
  }

  get writable() {
    return webidl.brandCheck(this, _brand, "CompressionStream", "writable")[_writable];
  }
}
webidl.configureInterface(CompressionStream);

class DecompressionStream {
  constructor(format) {
    const prefix = "Failed to construct 'DecompressionStream'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    const ts = coderStream(toFormat(format, prefix), true, "DecompressionStream");
    webidl.setSlots(this, { [_dbrand]: true, [_readable]: ts.readable, [_writable]: ts.writable });
  }

  get readable() {
    return webidl.brandCheck(this, _dbrand, "DecompressionStream", "readable")[_readable];
  }

  get writable() {
    return webidl.brandCheck(this, _dbrand, "DecompressionStream", "writable")[_writable];
  }
}
webidl.configureInterface(DecompressionStream);

core.defineGlobal("CompressionStream", CompressionStream);
core.defineGlobal("DecompressionStream", DecompressionStream);
