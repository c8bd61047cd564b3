// Web IDL conversions shared by every family, all in JS (there is nothing
// here worth a crossing into Go): argument counts, DOMString / USVString /
// ByteString, the integer types with [EnforceRange] and [Clamp], buffer
// sources, brand checks and illegal constructors. Other families reach them
// with core.use("webidl"); messages follow the browsers' wording
// ("Failed to execute 'append' on 'Headers': ...") and the caller passes
// that prefix in.
"use strict";

const uncurryThis = (fn) => Function.prototype.call.bind(fn);
const getter = (proto, name) => uncurryThis(Object.getOwnPropertyDescriptor(proto, name).get);

const StringCtor = String;
const NumberCtor = Number;
const BigIntCtor = BigInt;
const BigIntAsIntN = BigInt.asIntN;
const BigIntAsUintN = BigInt.asUintN;
const TypeErrorCtor = TypeError;
const MathMin = Math.min;
const MathMax = Math.max;
const MathTrunc = Math.trunc;
const MathFloor = Math.floor;
const NumberIsNaN = Number.isNaN;
const NumberIsFinite = Number.isFinite;
const ObjectHasOwn = Object.hasOwn;
const ObjectPrototypeIsPrototypeOf = uncurryThis(Object.prototype.isPrototypeOf);
const ObjectDefineProperty = Object.defineProperty;
const ObjectGetOwnPropertySymbols = Object.getOwnPropertySymbols;
const ObjectFreeze = Object.freeze;
const ArrayBufferIsView = ArrayBuffer.isView;
const U8 = Uint8Array;
const StringPrototypeToWellFormed = uncurryThis(String.prototype.toWellFormed);
const StringPrototypeCharCodeAt = uncurryThis(String.prototype.charCodeAt);
const RegExpPrototypeExec = uncurryThis(RegExp.prototype.exec);
const ArrayBufferPrototypeGetByteLength = getter(ArrayBuffer.prototype, "byteLength");
const SharedArrayBufferPrototypeGetByteLength = getter(SharedArrayBuffer.prototype, "byteLength");
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const TypedArrayPrototypeGetSymbolToStringTag = getter(TypedArrayPrototype, Symbol.toStringTag);
const TypedArrayPrototypeGetBuffer = getter(TypedArrayPrototype, "buffer");
const TypedArrayPrototypeGetByteOffset = getter(TypedArrayPrototype, "byteOffset");
const TypedArrayPrototypeGetByteLength = getter(TypedArrayPrototype, "byteLength");
const DataViewPrototypeGetBuffer = getter(DataView.prototype, "buffer");
const DataViewPrototypeGetByteOffset = getter(DataView.prototype, "byteOffset");
const DataViewPrototypeGetByteLength = getter(DataView.prototype, "byteLength");

function fail(prefix, message) {
  return new TypeErrorCtor(prefix ? `${prefix}: ${message}` : message);
}

// requiredArguments throws unless at least `required` arguments came.
function requiredArguments(length, required, prefix) {
  if (length < required) {
    throw fail(prefix, `${required} argument${required === 1 ? "" : "s"} required, but only ${length} present.`);
  }
}

function toDOMString(v, prefix, context = "Value") {
  if (typeof v === "string") return v;
  if (typeof v === "symbol") throw fail(prefix, `${context} is a symbol, which cannot be converted to a string.`);
  return StringCtor(v);
}

// toUSVString replaces lone surrogates with U+FFFD.
function toUSVString(v, prefix, context) {
  return StringPrototypeToWellFormed(toDOMString(v, prefix, context));
}

const nonLatin1 = /[^\x00-\xff]/;

// toByteString rejects any character above U+00FF.
function toByteString(v, prefix, context = "Value") {
  const s = toDOMString(v, prefix, context);
  const m = RegExpPrototypeExec(nonLatin1, s);
  if (m !== null) {
    const c = StringPrototypeCharCodeAt(m[0], 0);
    throw fail(prefix, `${context} is not a valid ByteString: the character at index ${m.index} has a value of ${c}, which is greater than 255.`);
  }
  return s;
}

// branded returns a predicate for objects with a built-in's internal
// slots: the prototype test is a cheap filter, and confirm (a built-in
// method or getter that throws on the wrong receiver) settles it. Throwing
// is slow in V8 (it captures a stack), so only objects that claim the
// prototype ever get that far. An object of the type whose prototype was
// swapped away is not recognised.
function branded(proto, confirm) {
  return (v) => {
    if (v === null || typeof v !== "object" || !ObjectPrototypeIsPrototypeOf(proto, v)) return false;
    try {
      confirm(v);
      return true;
    } catch {
      return false;
    }
  };
}

const isArrayBuffer = branded(ArrayBuffer.prototype, ArrayBufferPrototypeGetByteLength);
const isSharedArrayBuffer = branded(SharedArrayBuffer.prototype, SharedArrayBufferPrototypeGetByteLength);

const ObjectPrototype = Object.prototype;
const WeakMapPrototypeHas = uncurryThis(WeakMap.prototype.has);
const WeakSetPrototypeHas = uncurryThis(WeakSet.prototype.has);

// types are predicates for the built-in types, safe against spoofing with
// Symbol.toStringTag or a replaced constructor.
const types = ObjectFreeze({
  __proto__: null,
  isArrayBuffer,
  isSharedArrayBuffer,
  isDataView: branded(DataView.prototype, getter(DataView.prototype, "byteLength")),
  isMap: branded(Map.prototype, getter(Map.prototype, "size")),
  isSet: branded(Set.prototype, getter(Set.prototype, "size")),
  isWeakMap: branded(WeakMap.prototype, (v) => WeakMapPrototypeHas(v, ObjectPrototype)),
  isWeakSet: branded(WeakSet.prototype, (v) => WeakSetPrototypeHas(v, ObjectPrototype)),
  isWeakRef: branded(WeakRef.prototype, uncurryThis(WeakRef.prototype.deref)),
  isDate: branded(Date.prototype, uncurryThis(Date.prototype.getTime)),
  isRegExp: branded(RegExp.prototype, getter(RegExp.prototype, "source")),
  isNumberObject: branded(Number.prototype, uncurryThis(Number.prototype.valueOf)),
  isStringObject: branded(String.prototype, uncurryThis(String.prototype.valueOf)),
  isBooleanObject: branded(Boolean.prototype, uncurryThis(Boolean.prototype.valueOf)),
  isBigIntObject: branded(BigInt.prototype, uncurryThis(BigInt.prototype.valueOf)),
  isSymbolObject: branded(Symbol.prototype, uncurryThis(Symbol.prototype.valueOf)),
});

// viewParts returns [buffer, byteOffset, byteLength] of a typed array or
// DataView through the built-in getters, which user code cannot shadow.
function viewParts(v) {
  if (TypedArrayPrototypeGetSymbolToStringTag(v) !== undefined) {
    return [TypedArrayPrototypeGetBuffer(v), TypedArrayPrototypeGetByteOffset(v), TypedArrayPrototypeGetByteLength(v)];
  }
  return [DataViewPrototypeGetBuffer(v), DataViewPrototypeGetByteOffset(v), DataViewPrototypeGetByteLength(v)];
}

// toBufferSource returns a Uint8Array over the bytes of an ArrayBuffer or
// an ArrayBufferView (no copy). Shared memory is refused unless
// opts.allowShared is set ([AllowShared]).
function toBufferSource(v, prefix, opts, context = "The provided value") {
  const allowShared = opts !== undefined && opts !== null && opts.allowShared === true;
  if (isArrayBuffer(v)) return new U8(v);
  if (ArrayBufferIsView(v)) {
    const parts = viewParts(v);
    if (!allowShared && isSharedArrayBuffer(parts[0])) {
      throw fail(prefix, `${context} is backed by a SharedArrayBuffer, which is not allowed here.`);
    }
    return new U8(parts[0], parts[1], parts[2]);
  }
  if (allowShared && isSharedArrayBuffer(v)) return new U8(v);
  throw fail(prefix, `${context} is not of type '(ArrayBuffer or ArrayBufferView)'.`);
}

// integerConverter builds ConvertToInt (Web IDL 3.2.4) for one type.
function integerConverter(typeName, bitLength, signed) {
  let lower, upper;
  if (bitLength === 64) {
    upper = 2 ** 53 - 1;
    lower = signed ? -(2 ** 53) + 1 : 0;
  } else if (signed) {
    lower = -(2 ** (bitLength - 1));
    upper = 2 ** (bitLength - 1) - 1;
  } else {
    lower = 0;
    upper = 2 ** bitLength - 1;
  }
  const twoToBits = 2 ** bitLength;
  const half = 2 ** (bitLength - 1);
  // opts: {enforceRange, clamp}; prefix: "Failed to execute ..." prefix.
  return function convert(v, opts, prefix, context = "Value") {
    if (typeof v === "symbol" || typeof v === "bigint") {
      throw fail(prefix, `${context} is a ${typeof v}, which cannot be converted to '${typeName}'.`);
    }
    let x = typeof v === "number" ? v : NumberCtor(v);
    if (x === 0) x = 0; // -0 becomes +0
    if (opts !== undefined && opts !== null) {
      if (opts.enforceRange) {
        if (!NumberIsFinite(x)) throw fail(prefix, `${context} is ${x}, which cannot be converted to '${typeName}'.`);
        x = MathTrunc(x) + 0;
        if (x < lower || x > upper) throw fail(prefix, `${context} is outside the '${typeName}' value range.`);
        return x;
      }
      if (opts.clamp && !NumberIsNaN(x)) {
        x = MathMin(MathMax(x, lower), upper);
        // Round half to even.
        const f = MathFloor(x);
        const d = x - f;
        if (d > 0.5 || (d === 0.5 && f % 2 !== 0)) x = f + 1;
        else x = f;
        return x + 0;
      }
    }
    if (x >= lower && x <= upper && MathTrunc(x) === x) return x;
    if (!NumberIsFinite(x)) return 0;
    x = MathTrunc(x);
    if (bitLength === 64) {
      const b = BigIntCtor(x);
      return NumberCtor(signed ? BigIntAsIntN(64, b) : BigIntAsUintN(64, b));
    }
    x %= twoToBits;
    if (x < 0) x += twoToBits;
    if (signed && x >= half) x -= twoToBits;
    return x + 0;
  };
}

function toBoolean(v) {
  return !!v;
}

// toDouble converts to a restricted double (finite).
function toDouble(v, prefix, context = "Value") {
  const x = toUnrestrictedDouble(v, prefix, context);
  if (!NumberIsFinite(x)) throw fail(prefix, `${context} is non-finite, which is not allowed for 'double'.`);
  return x;
}

function toUnrestrictedDouble(v, prefix, context = "Value") {
  if (typeof v === "number") return v;
  if (typeof v === "symbol" || typeof v === "bigint") {
    throw fail(prefix, `${context} is a ${typeof v}, which cannot be converted to a number.`);
  }
  return NumberCtor(v);
}

// brandCheck throws unless obj carries the private symbol as an own
// property, which the class's constructor sets.
function brandCheck(obj, symbol, className, member) {
  if (obj === null || (typeof obj !== "object" && typeof obj !== "function") || !ObjectHasOwn(obj, symbol)) {
    throw new TypeErrorCtor(
      member === undefined
        ? `Illegal invocation: the receiver is not a ${className}.`
        : `Failed to execute '${member}' on '${className}': Illegal invocation`,
    );
  }
  return obj;
}

// setSlots defines an instance's private state (the symbol-keyed own
// properties of slots) as non-enumerable, writable properties, so that it
// stays out of console output and structuredClone; later assignments keep
// those attributes.
function setSlots(obj, slots) {
  const keys = ObjectGetOwnPropertySymbols(slots);
  for (let i = 0; i < keys.length; i++) {
    ObjectDefineProperty(obj, keys[i], { value: slots[keys[i]], writable: true, enumerable: false, configurable: true });
  }
  return obj;
}

function illegalConstructor(name) {
  throw new TypeErrorCtor(`Failed to construct '${name}': Illegal constructor`);
}

// configureInterface gives a class's prototype its Symbol.toStringTag, as
// Web IDL interfaces have.
function configureInterface(cls, name = cls.name) {
  ObjectDefineProperty(cls.prototype, Symbol.toStringTag, {
    value: name,
    writable: false,
    enumerable: false,
    configurable: true,
  });
}

core.provide(
  "webidl",
  ObjectFreeze({
    __proto__: null,
    requiredArguments,
    toDOMString,
    toUSVString,
    toByteString,
    toBufferSource,
    toBoolean,
    toDouble,
    toUnrestrictedDouble,
    toOctet: integerConverter("octet", 8, false),
    toByte: integerConverter("byte", 8, true),
    toUnsignedShort: integerConverter("unsigned short", 16, false),
    toShort: integerConverter("short", 16, true),
    toUnsignedLong: integerConverter("unsigned long", 32, false),
    toLong: integerConverter("long", 32, true),
    toUnsignedLongLong: integerConverter("unsigned long long", 64, false),
    toLongLong: integerConverter("long long", 64, true),
    isArrayBuffer,
    isSharedArrayBuffer,
    branded,
    types,
    brandCheck,
    setSlots,
    illegalConstructor,
    configureInterface,
  }),
);
