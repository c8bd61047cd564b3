// The crypto global: a Crypto instance with getRandomValues and
// randomUUID. In JS: the Crypto class (no public constructor), brand checks
// and the checks on the array getRandomValues fills (integer typed arrays
// only, at most 65536 bytes). In Go: the random bytes and UUIDs, from
// crypto/rand. crypto.subtle belongs to a later family, which gets the
// class with core.use("crypto") (subtle.js, after this file).
"use strict";

const webidl = core.use("webidl");
const DOMException = core.use("DOMException");
const uncurryThis = (fn) => Function.prototype.call.bind(fn);
const getter = (proto, name) => uncurryThis(Object.getOwnPropertyDescriptor(proto, name).get);
const U8 = Uint8Array;
const TypeErrorCtor = TypeError;
const ObjectFreeze = Object.freeze;
const ArrayBufferIsView = ArrayBuffer.isView;
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const TypedArrayPrototypeGetSymbolToStringTag = getter(TypedArrayPrototype, Symbol.toStringTag);
const TypedArrayPrototypeGetBuffer = getter(TypedArrayPrototype, "buffer");
const TypedArrayPrototypeGetByteOffset = getter(TypedArrayPrototype, "byteOffset");
const TypedArrayPrototypeGetByteLength = getter(TypedArrayPrototype, "byteLength");
const TypedArrayPrototypeSet = uncurryThis(TypedArrayPrototype.set);

// getRandomValues' quota; also crypto.go: maxRandomBytes.
const MAX_RANDOM_BYTES = 65536;

const integerArrays = {
  __proto__: null,
  Int8Array: true,
  Uint8Array: true,
  Uint8ClampedArray: true,
  Int16Array: true,
  Uint16Array: true,
  Int32Array: true,
  Uint32Array: true,
  BigInt64Array: true,
  BigUint64Array: true,
};

const _brand = Symbol("[[Crypto]]");
const constructKey = Symbol("construct");

class Crypto {
  constructor(key = undefined) {
    if (key !== constructKey) webidl.illegalConstructor("Crypto");
    webidl.setSlots(this, { [_brand]: true });
  }

  getRandomValues(array) {
    webidl.brandCheck(this, _brand, "Crypto", "getRandomValues");
    const prefix = "Failed to execute 'getRandomValues' on 'Crypto'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    if (!ArrayBufferIsView(array)) {
      throw new TypeErrorCtor(`${prefix}: parameter 1 is not of type 'ArrayBufferView'.`);
    }
    const kind = TypedArrayPrototypeGetSymbolToStringTag(array);
    if (kind === undefined || integerArrays[kind] !== true) {
      throw new DOMException(
        `${prefix}: The provided ArrayBufferView is of type '${kind === undefined ? "DataView" : kind}', which is not an integer array type.`,
        "TypeMismatchError",
      );
    }
    const buffer = TypedArrayPrototypeGetBuffer(array);
    if (webidl.isSharedArrayBuffer(buffer)) {
      throw new TypeErrorCtor(`${prefix}: The provided ArrayBufferView value must not be shared.`);
    }
    const n = TypedArrayPrototypeGetByteLength(array);
    if (n > MAX_RANDOM_BYTES) {
      throw new DOMException(
        `${prefix}: The ArrayBufferView's byte length (${n}) exceeds the number of bytes of entropy available via this API (${MAX_RANDOM_BYTES}).`,
        "QuotaExceededError",
      );
    }
    if (n > 0) {
      const view = new U8(buffer, TypedArrayPrototypeGetByteOffset(array), n);
      TypedArrayPrototypeSet(view, ops.op_crypto_random(n));
    }
    return array;
  }

  randomUUID() {
    webidl.brandCheck(this, _brand, "Crypto", "randomUUID");
    return ops.op_crypto_random_uuid();
  }
}
webidl.configureInterface(Crypto);

const crypto = new Crypto(constructKey);

core.defineGlobal("Crypto", Crypto);
core.defineGlobal("crypto", crypto);
core.provide("crypto", ObjectFreeze({ __proto__: null, Crypto, crypto, brand: _brand }));
