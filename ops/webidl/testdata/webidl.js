// Cases for ops/webidl, run by webidl_test.go with the internals exposed
// as globalThis.webidl.

function eq(actual, expected, what) {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: got ${String(actual)}, want ${String(expected)}`);
  }
}

function throws(fn, cls, message, what) {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof cls)) throw new Error(`${what}: threw ${e && e.name}, want ${cls.name}: ${e && e.message}`);
    if (message !== undefined && e.message !== message) {
      throw new Error(`${what}: message ${JSON.stringify(e.message)}, want ${JSON.stringify(message)}`);
    }
    return;
  }
  throw new Error(`${what}: did not throw`);
}

export const requiredArguments = {
  test() {
    webidl.requiredArguments(2, 2, "x");
    webidl.requiredArguments(3, 1, "x");
    throws(
      () => webidl.requiredArguments(1, 2, "Failed to execute 'append' on 'Headers'"),
      TypeError,
      "Failed to execute 'append' on 'Headers': 2 arguments required, but only 1 present.",
      "two required",
    );
    throws(
      () => webidl.requiredArguments(0, 1, "Failed to execute 'get' on 'KVNamespace'"),
      TypeError,
      "Failed to execute 'get' on 'KVNamespace': 1 argument required, but only 0 present.",
      "one required",
    );
  },
};

export const strings = {
  test() {
    eq(webidl.toDOMString(12), "12", "number");
    eq(webidl.toDOMString(null), "null", "null");
    eq(webidl.toDOMString(undefined), "undefined", "undefined");
    eq(webidl.toDOMString({ toString: () => "obj" }), "obj", "object");
    throws(() => webidl.toDOMString(Symbol("s"), "P"), TypeError, undefined, "symbol");
    eq(webidl.toUSVString("a\ud800b"), "a\ufffdb", "lone high surrogate");
    eq(webidl.toUSVString("\udc00"), "\ufffd", "lone low surrogate");
    eq(webidl.toUSVString("\ud83d\ude00"), "\ud83d\ude00", "pair kept");
    eq(webidl.toByteString("\xff\x00abc"), "\xff\x00abc", "latin1 ok");
    throws(
      () => webidl.toByteString("ab\u0100", "Failed to execute 'set' on 'Headers'"),
      TypeError,
      "Failed to execute 'set' on 'Headers': Value is not a valid ByteString: the character at index 2 has a value of 256, which is greater than 255.",
      "above 0xff",
    );
  },
};

export const bufferSource = {
  test() {
    const ab = new ArrayBuffer(8);
    const u = webidl.toBufferSource(ab);
    eq(u instanceof Uint8Array, true, "is Uint8Array");
    eq(u.buffer, ab, "same buffer");
    eq(u.byteLength, 8, "length");
    const dv = new DataView(ab, 2, 4);
    const v = webidl.toBufferSource(dv);
    eq(v.byteOffset, 2, "dataview offset");
    eq(v.byteLength, 4, "dataview length");
    const f = new Float64Array(ab, 0, 1);
    eq(webidl.toBufferSource(f).byteLength, 8, "float64 bytes");
    // The built-in getters are used, not shadowable properties.
    const spoof = new Uint16Array(ab, 2, 2);
    Object.defineProperty(spoof, "byteOffset", { value: 0 });
    eq(webidl.toBufferSource(spoof).byteOffset, 2, "shadowed byteOffset ignored");
    v[0] = 7;
    eq(new Uint8Array(ab)[2], 7, "view, not copy");
    throws(() => webidl.toBufferSource("abc", "P"), TypeError, "P: The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.", "string");
    throws(() => webidl.toBufferSource({ byteLength: 1 }, "P"), TypeError, undefined, "fake");
    throws(() => webidl.toBufferSource(new SharedArrayBuffer(2), "P"), TypeError, undefined, "shared refused");
    throws(() => webidl.toBufferSource(new Uint8Array(new SharedArrayBuffer(2)), "P"), TypeError, undefined, "shared view refused");
    eq(webidl.toBufferSource(new SharedArrayBuffer(2), "P", { allowShared: true }).byteLength, 2, "allowShared");
  },
};

export const integers = {
  test() {
    const cases = [
      // [fn, value, opts, want]
      ["toUnsignedLong", 5, undefined, 5],
      ["toUnsignedLong", -1, undefined, 4294967295],
      ["toUnsignedLong", 2 ** 32 + 3, undefined, 3],
      ["toUnsignedLong", 3.9, undefined, 3],
      ["toUnsignedLong", -3.9, undefined, 4294967293],
      ["toUnsignedLong", NaN, undefined, 0],
      ["toUnsignedLong", Infinity, undefined, 0],
      ["toUnsignedLong", "12", undefined, 12],
      ["toUnsignedLong", -0, undefined, 0],
      ["toUnsignedLong", 5e9, { clamp: true }, 4294967295],
      ["toUnsignedLong", -5, { clamp: true }, 0],
      ["toUnsignedLong", 2.5, { clamp: true }, 2],
      ["toUnsignedLong", 3.5, { clamp: true }, 4],
      ["toUnsignedLong", NaN, { clamp: true }, 0],
      ["toUnsignedLong", 7.9, { enforceRange: true }, 7],
      ["toLong", 2 ** 31, undefined, -(2 ** 31)],
      ["toLong", -(2 ** 31) - 1, undefined, 2 ** 31 - 1],
      ["toLong", -5.5, undefined, -5],
      ["toLong", -2.5, { clamp: true }, -2],
      ["toLong", 1e10, { clamp: true }, 2 ** 31 - 1],
      ["toUnsignedLongLong", 2 ** 53, undefined, 2 ** 53],
      ["toUnsignedLongLong", -1, undefined, 2 ** 64],
      ["toUnsignedLongLong", 2 ** 64 + 2 ** 12, undefined, 2 ** 12],
      ["toUnsignedLongLong", 1e20, { clamp: true }, 2 ** 53 - 1],
      ["toOctet", 257, undefined, 1],
      ["toShort", 32768, undefined, -32768],
    ];
    for (const [fn, value, opts, want] of cases) {
      eq(webidl[fn](value, opts, "P"), want, `${fn}(${String(value)}, ${JSON.stringify(opts)})`);
    }
    eq(Object.is(webidl.toUnsignedLong(-0.4), 0), true, "-0.4 gives +0");
    throws(() => webidl.toUnsignedLong(-1, { enforceRange: true }, "P"), TypeError, "P: Value is outside the 'unsigned long' value range.", "enforceRange negative");
    throws(() => webidl.toUnsignedLong(2 ** 32, { enforceRange: true }, "P"), TypeError, undefined, "enforceRange too big");
    throws(() => webidl.toUnsignedLong(NaN, { enforceRange: true }, "P"), TypeError, undefined, "enforceRange NaN");
    throws(() => webidl.toUnsignedLongLong(2 ** 53, { enforceRange: true }, "P"), TypeError, undefined, "enforceRange 2^53");
    throws(() => webidl.toLong(1n, undefined, "P"), TypeError, undefined, "bigint");
    throws(() => webidl.toLong(Symbol(), undefined, "P"), TypeError, undefined, "symbol");
  },
};

export const doubles = {
  test() {
    eq(webidl.toDouble("1.5"), 1.5, "string");
    throws(() => webidl.toDouble(NaN, "P"), TypeError, undefined, "NaN restricted");
    eq(Number.isNaN(webidl.toUnrestrictedDouble(NaN)), true, "NaN unrestricted");
    eq(webidl.toBoolean(""), false, "boolean");
  },
};

export const brandCheck = {
  test() {
    const brand = Symbol("brand");
    class Thing {
      constructor() {
        this[brand] = true;
      }
      method() {
        return webidl.brandCheck(this, brand, "Thing", "method");
      }
    }
    const t = new Thing();
    eq(t.method(), t, "own brand passes");
    throws(() => Thing.prototype.method.call({}), TypeError, "Failed to execute 'method' on 'Thing': Illegal invocation", "plain object");
    throws(() => Thing.prototype.method.call(Object.create(t)), TypeError, undefined, "inherited brand");
    throws(() => Thing.prototype.method.call(undefined), TypeError, undefined, "undefined");
    throws(() => webidl.brandCheck(1, brand, "Thing"), TypeError, "Illegal invocation: the receiver is not a Thing.", "no member");
  },
};

export const illegalConstructor = {
  test() {
    throws(() => webidl.illegalConstructor("Crypto"), TypeError, "Failed to construct 'Crypto': Illegal constructor", "message");
    class X {}
    webidl.configureInterface(X, "Xyz");
    eq(Object.prototype.toString.call(new X()), "[object Xyz]", "toStringTag");
  },
};

export const survivesTamperedBuiltins = {
  test() {
    const exec = RegExp.prototype.exec;
    const wf = String.prototype.toWellFormed;
    try {
      RegExp.prototype.exec = () => null;
      String.prototype.toWellFormed = () => "tampered";
      throws(() => webidl.toByteString("\u0100"), TypeError, undefined, "ByteString with exec replaced");
      eq(webidl.toUSVString("\ud800"), "\ufffd", "USVString with toWellFormed replaced");
    } finally {
      RegExp.prototype.exec = exec;
      String.prototype.toWellFormed = wf;
    }
  },
};

export const setSlots = {
  test() {
    const a = Symbol("a");
    const b = Symbol("b");
    const o = {};
    eq(webidl.setSlots(o, { [a]: 1, [b]: "two" }), o, "returns the object");
    eq(o[a], 1, "slot a");
    eq(o[b], "two", "slot b");
    const d = Object.getOwnPropertyDescriptor(o, a);
    eq(d.enumerable, false, "not enumerable");
    eq(d.writable, true, "writable");
    o[a] = 5;
    eq(Object.getOwnPropertyDescriptor(o, a).enumerable, false, "still not enumerable after assignment");
    eq(Object.getOwnPropertySymbols(o).filter((k) => Object.prototype.propertyIsEnumerable.call(o, k)).length, 0, "no enumerable symbols");
    webidl.brandCheck(o, a, "O", "m");
  },
};

export const types = {
  test() {
    const t = webidl.types;
    const cases = [
      ["isMap", new Map(), true],
      ["isMap", Object.create(Map.prototype), false],
      ["isMap", { [Symbol.toStringTag]: "Map" }, false],
      ["isSet", new Set(), true],
      ["isSet", new Map(), false],
      ["isDate", new Date(), true],
      ["isDate", Object.create(Date.prototype), false],
      ["isRegExp", /x/, true],
      ["isRegExp", RegExp.prototype, false],
      ["isArrayBuffer", new ArrayBuffer(1), true],
      ["isArrayBuffer", new SharedArrayBuffer(1), false],
      ["isSharedArrayBuffer", new SharedArrayBuffer(1), true],
      ["isDataView", new DataView(new ArrayBuffer(1)), true],
      ["isDataView", new Uint8Array(1), false],
      ["isWeakMap", new WeakMap(), true],
      ["isWeakSet", new WeakSet(), true],
      ["isWeakRef", new WeakRef({}), true],
      ["isNumberObject", new Number(1), true],
      ["isNumberObject", 1, false],
      ["isStringObject", new String("s"), true],
      ["isBooleanObject", new Boolean(true), true],
      ["isBigIntObject", Object(1n), true],
      ["isSymbolObject", Object(Symbol()), true],
      ["isSymbolObject", Symbol(), false],
      ["isMap", null, false],
    ];
    for (const [fn, v, want] of cases) eq(t[fn](v), want, `${fn}(${Object.prototype.toString.call(v)})`);
    class MyMap extends Map {}
    eq(t.isMap(new MyMap()), true, "subclass instance");
  },
};

export const frozen = {
  test() {
    eq(Object.isFrozen(webidl), true, "the shared object is frozen");
  },
};
