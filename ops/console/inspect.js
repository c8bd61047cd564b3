// The value formatter behind console, written in JS to give the output
// Node's util.inspect gives (`Foo { a: 1 }`, `Map(1) { 'a' => 1 }`,
// `[Function: f]`, `<ref *1>` / `[Circular *1]`, depth and length limits,
// lines broken at 80 columns) and printf-style format strings. Types are
// recognised with the built-ins' own brand checks, captured at start-up, so
// user code cannot spoof or break them; getters are shown as [Getter], not
// called. Only a promise's state comes from Go (op_console_promise_*),
// since JS cannot read it synchronously. Provided as core.use("inspect")
// (inspect(value, opts) and inspect.format(args)) for other families;
// objects may customise their output with a method under
// Symbol.for("nodejs.util.inspect.custom").
"use strict";

const uncurryThis = (fn) => Function.prototype.call.bind(fn);
const getter = (proto, name) => uncurryThis(Object.getOwnPropertyDescriptor(proto, name).get);

const ArrayIsArray = Array.isArray;
const ArrayPrototypePush = uncurryThis(Array.prototype.push);
const ArrayPrototypeJoin = uncurryThis(Array.prototype.join);
const ArrayPrototypeIncludes = uncurryThis(Array.prototype.includes);
const ArrayPrototypeIndexOf = uncurryThis(Array.prototype.indexOf);
const ArrayPrototypePop = uncurryThis(Array.prototype.pop);
const ArrayPrototypeFilter = uncurryThis(Array.prototype.filter);
const ArrayPrototypeSplice = uncurryThis(Array.prototype.splice);
const ReflectApply = Reflect.apply;
const MapCtor = Map;
const MapPrototypeGet = uncurryThis(Map.prototype.get);
const MapPrototypeSet = uncurryThis(Map.prototype.set);
const ObjectKeys = Object.keys;
const ObjectGetOwnPropertySymbols = Object.getOwnPropertySymbols;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectHasOwn = Object.hasOwn;
const ObjectIs = Object.is;
const ObjectFreeze = Object.freeze;
const ObjectPrototype = Object.prototype;
const ObjectPrototypeToString = uncurryThis(Object.prototype.toString);
const ObjectPrototypePropertyIsEnumerable = uncurryThis(Object.prototype.propertyIsEnumerable);
const ObjectPrototypeIsPrototypeOf = uncurryThis(Object.prototype.isPrototypeOf);
const FunctionPrototype = Function.prototype;
const FunctionPrototypeToString = uncurryThis(Function.prototype.toString);
const StringCtor = String;
const NumberCtor = Number;
const NumberParseInt = Number.parseInt;
const NumberParseFloat = Number.parseFloat;
const NumberIsNaN = Number.isNaN;
const MathMin = Math.min;
const MathMax = Math.max;
const MathSqrt = Math.sqrt;
const MathRound = Math.round;
const MathFloor = Math.floor;
const JSONStringify = JSON.stringify;
const StringPrototypeCharCodeAt = uncurryThis(String.prototype.charCodeAt);
const StringPrototypeSlice = uncurryThis(String.prototype.slice);
const StringPrototypeIncludes = uncurryThis(String.prototype.includes);
const StringPrototypeIndexOf = uncurryThis(String.prototype.indexOf);
const StringPrototypeRepeat = uncurryThis(String.prototype.repeat);
const StringPrototypeStartsWith = uncurryThis(String.prototype.startsWith);
const StringPrototypeEndsWith = uncurryThis(String.prototype.endsWith);
const StringPrototypeReplaceAll = uncurryThis(String.prototype.replaceAll);
const StringPrototypePadStart = uncurryThis(String.prototype.padStart);
const StringPrototypePadEnd = uncurryThis(String.prototype.padEnd);
const StringPrototypeToUpperCase = uncurryThis(String.prototype.toUpperCase);
const StringPrototypeValueOf = uncurryThis(String.prototype.valueOf);
const NumberPrototypeValueOf = uncurryThis(Number.prototype.valueOf);
const NumberPrototypeToString = uncurryThis(Number.prototype.toString);
const BooleanPrototypeValueOf = uncurryThis(Boolean.prototype.valueOf);
const BigIntPrototypeValueOf = uncurryThis(BigInt.prototype.valueOf);
const SymbolPrototypeValueOf = uncurryThis(Symbol.prototype.valueOf);
const SymbolPrototypeToString = uncurryThis(Symbol.prototype.toString);
const SymbolFor = Symbol.for;
const SymbolToStringTag = Symbol.toStringTag;
const RegExpPrototypeExec = uncurryThis(RegExp.prototype.exec);
const RegExpPrototypeToString = uncurryThis(RegExp.prototype.toString);
const DatePrototypeGetTime = uncurryThis(Date.prototype.getTime);
const DatePrototypeToISOString = uncurryThis(Date.prototype.toISOString);
const ErrorPrototype = Error.prototype;
const ErrorPrototypeToString = uncurryThis(Error.prototype.toString);
const ErrorIsError = typeof Error.isError === "function" ? Error.isError : () => false;
const MapPrototypeGetSize = getter(Map.prototype, "size");
const MapPrototypeEntries = uncurryThis(Map.prototype.entries);
const MapIteratorNext = uncurryThis(ObjectGetPrototypeOf(new Map().entries()).next);
const SetPrototypeGetSize = getter(Set.prototype, "size");
const SetPrototypeValues = uncurryThis(Set.prototype.values);
const SetIteratorNext = uncurryThis(ObjectGetPrototypeOf(new Set().values()).next);
const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
const TypedArrayPrototypeGetSymbolToStringTag = getter(TypedArrayPrototype, SymbolToStringTag);
const TypedArrayPrototypeGetLength = getter(TypedArrayPrototype, "length");
const ArrayBufferPrototypeGetByteLength = getter(ArrayBuffer.prototype, "byteLength");
const ArrayBufferPrototypeGetDetached = (() => {
  const d = ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype, "detached");
  return d && d.get ? uncurryThis(d.get) : () => false;
})();
const SharedArrayBufferPrototypeGetByteLength = getter(SharedArrayBuffer.prototype, "byteLength");
const DataViewPrototypeGetByteLength = getter(DataView.prototype, "byteLength");
const DataViewPrototypeGetByteOffset = getter(DataView.prototype, "byteOffset");
const DataViewPrototypeGetBuffer = getter(DataView.prototype, "buffer");
const U8 = Uint8Array;

const customInspect = SymbolFor("nodejs.util.inspect.custom");

// The prototypes whose toString %s does not call (it inspects instead).
const builtinToStringOwners = [
  ObjectPrototype,
  Array.prototype,
  ErrorPrototype,
  Date.prototype,
  RegExp.prototype,
  FunctionPrototype,
  Number.prototype,
  Boolean.prototype,
  String.prototype,
  Symbol.prototype,
  BigInt.prototype,
  TypedArrayPrototype,
];

const defaultOptions = ObjectFreeze({
  __proto__: null,
  depth: 2,
  breakLength: 80,
  compact: 3,
  maxArrayLength: 100,
  maxStringLength: 10000,
  customInspect: true,
});

// Type checks that user code cannot spoof (see webidl.types).
const {
  isMap,
  isSet,
  isWeakMap,
  isWeakSet,
  isDate,
  isRegExp,
  isArrayBuffer,
  isSharedArrayBuffer,
  isDataView,
  isNumberObject,
  isStringObject,
  isBooleanObject,
  isBigIntObject,
  isSymbolObject,
} = core.use("webidl").types;
function isError(v) {
  return ErrorIsError(v) || ObjectPrototypeIsPrototypeOf(ErrorPrototype, v);
}

function safeGet(obj, key) {
  try {
    return obj[key];
  } catch {
    return undefined;
  }
}

// --- strings and keys -------------------------------------------------------

const needsEscape = /[\x00-\x1f\x27\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const keyIdentifier = /^[a-zA-Z_][a-zA-Z_0-9]*$/;

function escapeChar(code) {
  switch (code) {
    case 0x08:
      return "\\b";
    case 0x09:
      return "\\t";
    case 0x0a:
      return "\\n";
    case 0x0c:
      return "\\f";
    case 0x0d:
      return "\\r";
    case 0x5c:
      return "\\\\";
  }
  if (code >= 0xd800 && code <= 0xdfff) return `\\u${NumberPrototypeToString(code, 16)}`;
  return `\\x${StringPrototypeToUpperCase(StringPrototypePadStart(NumberPrototypeToString(code, 16), 2, "0"))}`;
}

// quote returns s as a JS string literal: single quotes unless s holds
// one, then double quotes, then backticks.
function quote(s) {
  let q = "'";
  if (StringPrototypeIncludes(s, "'")) {
    if (!StringPrototypeIncludes(s, '"')) q = '"';
    else if (!StringPrototypeIncludes(s, "`") && !StringPrototypeIncludes(s, "${")) q = "`";
  }
  if (q !== "'" || RegExpPrototypeExec(needsEscape, s) !== null) {
    let out = "";
    let last = 0;
    const qc = StringPrototypeCharCodeAt(q, 0);
    for (let i = 0; i < s.length; i++) {
      const c = StringPrototypeCharCodeAt(s, i);
      let esc;
      if (c === qc) esc = `\\${q}`;
      else if (c < 0x20 || c === 0x5c || (c >= 0x7f && c <= 0x9f)) esc = escapeChar(c);
      else if (c >= 0xd800 && c <= 0xdbff) {
        const n = StringPrototypeCharCodeAt(s, i + 1);
        if (n >= 0xdc00 && n <= 0xdfff) {
          i++;
          continue;
        }
        esc = escapeChar(c);
      } else if (c >= 0xdc00 && c <= 0xdfff) esc = escapeChar(c);
      else continue;
      out += StringPrototypeSlice(s, last, i) + esc;
      last = i + 1;
    }
    s = out + StringPrototypeSlice(s, last);
  }
  return q + s + q;
}

function formatString(ctx, s) {
  let trailer = "";
  if (s.length > ctx.maxStringLength) {
    const rest = s.length - ctx.maxStringLength;
    s = StringPrototypeSlice(s, 0, ctx.maxStringLength);
    trailer = `... ${rest} more character${rest > 1 ? "s" : ""}`;
  }
  return quote(s) + trailer;
}

function formatNumber(n) {
  return ObjectIs(n, -0) ? "-0" : `${n}`;
}

function formatPrimitive(ctx, v) {
  switch (typeof v) {
    case "string":
      return formatString(ctx, v);
    case "number":
      return formatNumber(v);
    case "bigint":
      return `${v}n`;
    case "symbol":
      return SymbolPrototypeToString(v);
  }
  return `${v}`; // undefined, boolean
}

function formatKey(key, desc) {
  if (typeof key === "symbol") return `[${SymbolPrototypeToString(key)}]`;
  if (key === "__proto__") return "['__proto__']";
  if (desc !== undefined && desc.enumerable === false) return `[${key}]`;
  if (RegExpPrototypeExec(keyIdentifier, key) !== null) return key;
  return quote(key);
}

// --- names ------------------------------------------------------------------

// constructorName walks the prototype chain for a named constructor; null
// means a null prototype.
function constructorName(obj) {
  let o = obj;
  while (o !== null && o !== undefined) {
    let desc;
    try {
      desc = ObjectGetOwnPropertyDescriptor(o, "constructor");
    } catch {
      return null;
    }
    if (desc !== undefined && typeof desc.value === "function") {
      const name = functionName(desc.value);
      if (name !== "") return name;
    }
    o = ObjectGetPrototypeOf(o);
  }
  return null;
}

function functionName(fn) {
  const d = ObjectGetOwnPropertyDescriptor(fn, "name");
  return d !== undefined && typeof d.value === "string" ? d.value : "";
}

// toStringTag returns the object's Symbol.toStringTag when it adds
// something: not the constructor's name, and not an own enumerable
// property (that one is listed with the keys anyway).
function toStringTag(value, ctor) {
  const tag = safeGet(value, SymbolToStringTag);
  if (typeof tag !== "string" || tag === "" || tag === ctor) return "";
  if (ObjectPrototypePropertyIsEnumerable(value, SymbolToStringTag)) return "";
  return tag;
}

// prefix is what goes before the braces: "Foo ", "Map(2) ",
// "[Object: null prototype] ", "Foo [Tag] ".
function prefix(ctor, tag, fallback, size = "") {
  if (ctor === null) {
    if (tag !== "" && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
    return `[${fallback}${size}: null prototype] `;
  }
  if (tag !== "" && ctor !== tag) return `${ctor}${size} [${tag}] `;
  return `${ctor}${size} `;
}

function functionBase(fn, ctor, tag) {
  const source = FunctionPrototypeToString(fn);
  const name = functionName(fn);
  if (StringPrototypeStartsWith(source, "class") && StringPrototypeEndsWith(source, "}")) {
    let base = `[class ${name === "" ? "(anonymous)" : name}`;
    const parent = ObjectGetPrototypeOf(fn);
    if (parent === null) base += " extends [null prototype]";
    else if (parent !== FunctionPrototype) {
      const pn = typeof parent === "function" ? functionName(parent) : "";
      if (pn !== "") base += ` extends ${pn}`;
    }
    return base + "]";
  }
  let type = "Function";
  switch (ObjectPrototypeToString(fn)) {
    case "[object AsyncFunction]":
      type = "AsyncFunction";
      break;
    case "[object GeneratorFunction]":
      type = "GeneratorFunction";
      break;
    case "[object AsyncGeneratorFunction]":
      type = "AsyncGeneratorFunction";
      break;
  }
  let base = `[${type}`;
  if (ctor === null) base += " (null prototype)";
  base += name === "" ? " (anonymous)" : `: ${name}`;
  base += "]";
  if (ctor !== null && ctor !== type && ctor !== "Function") base += ` ${ctor}`;
  if (tag !== "" && ctor !== tag) base += ` [${tag}]`;
  return base;
}

// --- the recursion ----------------------------------------------------------

// Kinds of entries formatProperty makes.
const kObject = 0; // "key: value"
const kArrayItem = 1; // "value"

function ownKeys(value) {
  const keys = ObjectKeys(value);
  const symbols = ObjectGetOwnPropertySymbols(value);
  for (let i = 0; i < symbols.length; i++) {
    if (ObjectPrototypePropertyIsEnumerable(value, symbols[i])) ArrayPrototypePush(keys, symbols[i]);
  }
  return keys;
}

const arrayIndex = /^(?:0|[1-9][0-9]*)$/;
function isIndex(key) {
  return typeof key === "string" && RegExpPrototypeExec(arrayIndex, key) !== null && NumberCtor(key) < 4294967295;
}

function formatValue(ctx, value, recurseTimes) {
  if (value === null) return "null";
  if (typeof value !== "object" && typeof value !== "function") return formatPrimitive(ctx, value);

  if (ctx.customInspect) {
    const custom = safeGet(value, customInspect);
    if (typeof custom === "function" && custom !== inspect) {
      const depth = ctx.depth === null ? null : ctx.depth - recurseTimes;
      const opts = { __proto__: null, ...ctx.options, depth };
      const ret = ReflectApply(custom, value, [depth, opts, inspect]);
      if (ret !== value) {
        if (typeof ret !== "string") return formatValue(ctx, ret, recurseTimes);
        return StringPrototypeReplaceAll(ret, "\n", `\n${StringPrototypeRepeat(" ", ctx.indentationLvl)}`);
      }
    }
  }

  if (ArrayPrototypeIncludes(ctx.seen, value)) {
    let index = MapPrototypeGet(ctx.circular, value);
    if (index === undefined) {
      index = MapPrototypeGetSize(ctx.circular) + 1;
      MapPrototypeSet(ctx.circular, value, index);
    }
    return `[Circular *${index}]`;
  }
  return formatRaw(ctx, value, recurseTimes);
}

// Error properties shown although they are not enumerable.
const errorExtraKeys = ["cause", "errors"];

function formatRaw(ctx, value, recurseTimes) {
  const ctor = constructorName(value);
  const tag = toStringTag(value, ctor);
  let keys;
  let base = "";
  let braces;
  let formatter = formatNothing;
  let kind = kObject;
  let typedName;

  if (ArrayIsArray(value)) {
    keys = ArrayPrototypeFilter(ownKeys(value), (k) => !isIndex(k));
    const p = ctor !== "Array" || tag !== "" ? prefix(ctor, tag, "Array", `(${value.length})`) : "";
    braces = [`${p}[`, "]"];
    if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
    kind = kArrayItem;
    formatter = formatArray;
  } else if ((typedName = TypedArrayPrototypeGetSymbolToStringTag(value)) !== undefined) {
    // Extra keys on typed arrays are not listed: finding them would mean
    // enumerating every index.
    keys = [];
    const length = TypedArrayPrototypeGetLength(value);
    braces = [`${prefix(ctor, tag, typedName, `(${length})`)}[`, "]"];
    if (length === 0) return `${braces[0]}]`;
    kind = kArrayItem;
    formatter = formatTypedArray;
  } else if (isMap(value)) {
    keys = ownKeys(value);
    const size = MapPrototypeGetSize(value);
    const p = prefix(ctor, tag, "Map", `(${size})`);
    if (size === 0 && keys.length === 0) return `${p}{}`;
    braces = [`${p}{`, "}"];
    formatter = formatMap;
  } else if (isSet(value)) {
    keys = ownKeys(value);
    const size = SetPrototypeGetSize(value);
    const p = prefix(ctor, tag, "Set", `(${size})`);
    if (size === 0 && keys.length === 0) return `${p}{}`;
    braces = [`${p}{`, "}"];
    formatter = formatSet;
  } else {
    keys = ownKeys(value);
    braces = ["{", "}"];
    if (typeof value === "function") {
      base = functionBase(value, ctor, tag);
      if (keys.length === 0) return base;
    } else if (isError(value)) {
      base = formatError(ctx, value, keys);
      for (let i = 0; i < errorExtraKeys.length; i++) {
        const d = ObjectGetOwnPropertyDescriptor(value, errorExtraKeys[i]);
        if (d !== undefined && !d.enumerable) ArrayPrototypePush(keys, errorExtraKeys[i]);
      }
      if (keys.length === 0) return base;
    } else if (isRegExp(value)) {
      base = RegExpPrototypeToString(value);
      const p = prefix(ctor, tag, "RegExp");
      if (p !== "RegExp ") base = p + base;
      if (keys.length === 0) return base;
    } else if (isDate(value)) {
      const t = DatePrototypeGetTime(value);
      base = NumberIsNaN(t) ? "Invalid Date" : DatePrototypeToISOString(value);
      const p = prefix(ctor, tag, "Date");
      if (p !== "Date ") base = p + base;
      if (keys.length === 0) return base;
    } else if (isArrayBuffer(value) || isSharedArrayBuffer(value)) {
      const shared = !isArrayBuffer(value);
      braces[0] = `${prefix(ctor, tag, shared ? "SharedArrayBuffer" : "ArrayBuffer")}{`;
      formatter = formatArrayBuffer;
    } else if (isDataView(value)) {
      braces[0] = `${prefix(ctor, tag, "DataView")}{`;
      formatter = formatDataView;
    } else if (isWeakMap(value) || isWeakSet(value)) {
      braces[0] = `${prefix(ctor, tag, isWeakMap(value) ? "WeakMap" : "WeakSet")}{`;
      formatter = formatWeak;
    } else if (ObjectPrototypeToString(value) === "[object Promise]" && ops.op_console_promise_state(value) >= 0) {
      braces[0] = `${prefix(ctor, tag, "Promise")}{`;
      formatter = formatPromise;
    } else if (isNumberObject(value)) {
      base = `[Number: ${formatNumber(NumberPrototypeValueOf(value))}]`;
      if (keys.length === 0) return base;
    } else if (isStringObject(value)) {
      base = `[String: ${formatString(ctx, StringPrototypeValueOf(value))}]`;
      keys = ArrayPrototypeFilter(keys, (k) => !isIndex(k));
      if (keys.length === 0) return base;
    } else if (isBooleanObject(value)) {
      base = `[Boolean: ${BooleanPrototypeValueOf(value)}]`;
      if (keys.length === 0) return base;
    } else if (isBigIntObject(value)) {
      base = `[BigInt: ${BigIntPrototypeValueOf(value)}n]`;
      if (keys.length === 0) return base;
    } else if (isSymbolObject(value)) {
      base = `[Symbol: ${SymbolPrototypeToString(SymbolPrototypeValueOf(value))}]`;
      if (keys.length === 0) return base;
    } else {
      const p = ctor === "Object" && tag === "" ? "" : prefix(ctor, tag, "Object");
      braces[0] = `${p}{`;
      if (keys.length === 0) return `${p}{}`;
    }
  }

  if (ctx.depth !== null && recurseTimes > ctx.depth) {
    if (ArrayIsArray(value)) return ctor === "Array" && tag === "" ? "[Array]" : `[${StringPrototypeSlice(prefix(ctor, tag, "Array"), 0, -1)}]`;
    return `[${StringPrototypeSlice(prefix(ctor, tag, "Object"), 0, -1)}]`;
  }

  recurseTimes++;
  ArrayPrototypePush(ctx.seen, value);
  ctx.currentDepth = recurseTimes;
  let output;
  try {
    output = formatter(ctx, value, recurseTimes);
    for (let i = 0; i < keys.length; i++) {
      ArrayPrototypePush(output, formatProperty(ctx, value, recurseTimes, keys[i], kObject));
    }
  } finally {
    ArrayPrototypePop(ctx.seen);
  }

  const ref = MapPrototypeGet(ctx.circular, value);
  if (ref !== undefined) {
    const mark = `<ref *${ref}>`;
    base = base === "" ? mark : `${mark} ${base}`;
  }
  return reduceToSingleString(ctx, output, base, braces, kind, recurseTimes, value);
}

function formatProperty(ctx, value, recurseTimes, key, kind) {
  const desc = ObjectGetOwnPropertyDescriptor(value, key) || { value: value[key], enumerable: true };
  let str;
  if (desc.value !== undefined) {
    ctx.indentationLvl += 2;
    str = formatValue(ctx, desc.value, recurseTimes);
    ctx.indentationLvl -= 2;
  } else if (desc.get !== undefined) {
    str = desc.set !== undefined ? "[Getter/Setter]" : "[Getter]";
  } else if (desc.set !== undefined) {
    str = "[Setter]";
  } else {
    str = "undefined";
  }
  if (kind === kArrayItem) return str;
  return `${formatKey(key, desc)}: ${str}`;
}

function formatNothing() {
  return [];
}

function moreItems(output, n) {
  if (n > 0) ArrayPrototypePush(output, `... ${n} more item${n > 1 ? "s" : ""}`);
}

function formatArray(ctx, value, recurseTimes) {
  const length = value.length;
  const output = [];
  let indices; // present indices, fetched once a hole shows up
  let next = 0;
  let i = 0;
  while (i < length && output.length < ctx.maxArrayLength) {
    if (ObjectHasOwn(value, i)) {
      ArrayPrototypePush(output, formatProperty(ctx, value, recurseTimes, i, kArrayItem));
      i++;
      continue;
    }
    if (indices === undefined) {
      indices = [];
      const keys = ObjectKeys(value);
      for (let k = 0; k < keys.length; k++) if (isIndex(keys[k])) ArrayPrototypePush(indices, NumberCtor(keys[k]));
    }
    while (next < indices.length && indices[next] <= i) next++;
    const end = next < indices.length ? MathMin(indices[next], length) : length;
    const holes = end - i;
    ArrayPrototypePush(output, `<${holes} empty item${holes > 1 ? "s" : ""}>`);
    i = end;
  }
  moreItems(output, length - i);
  return output;
}

function formatTypedArray(ctx, value) {
  const length = TypedArrayPrototypeGetLength(value);
  const n = MathMin(length, ctx.maxArrayLength);
  const output = [];
  for (let i = 0; i < n; i++) {
    const x = value[i];
    ArrayPrototypePush(output, typeof x === "bigint" ? `${x}n` : formatNumber(x));
  }
  moreItems(output, length - n);
  return output;
}

function formatMap(ctx, value, recurseTimes) {
  const output = [];
  const it = MapPrototypeEntries(value);
  let n = 0;
  ctx.indentationLvl += 2;
  for (let r = MapIteratorNext(it); !r.done; r = MapIteratorNext(it)) {
    if (n++ >= ctx.maxArrayLength) continue;
    const entry = r.value;
    ArrayPrototypePush(output, `${formatValue(ctx, entry[0], recurseTimes)} => ${formatValue(ctx, entry[1], recurseTimes)}`);
  }
  ctx.indentationLvl -= 2;
  moreItems(output, n - ctx.maxArrayLength);
  return output;
}

function formatSet(ctx, value, recurseTimes) {
  const output = [];
  const it = SetPrototypeValues(value);
  let n = 0;
  ctx.indentationLvl += 2;
  for (let r = SetIteratorNext(it); !r.done; r = SetIteratorNext(it)) {
    if (n++ >= ctx.maxArrayLength) continue;
    ArrayPrototypePush(output, formatValue(ctx, r.value, recurseTimes));
  }
  ctx.indentationLvl -= 2;
  moreItems(output, n - ctx.maxArrayLength);
  return output;
}

function hexBytes(u8, max) {
  const n = MathMin(u8.length, max);
  let s = "";
  for (let i = 0; i < n; i++) {
    const b = u8[i];
    s += (i === 0 ? "" : " ") + (b < 16 ? "0" : "") + NumberPrototypeToString(b, 16);
  }
  if (u8.length > n) s += ` ... ${u8.length - n} more byte${u8.length - n > 1 ? "s" : ""}`;
  return `<${s}>`;
}

function formatArrayBuffer(ctx, value) {
  const shared = !isArrayBuffer(value);
  if (!shared && ArrayBufferPrototypeGetDetached(value)) return ["(detached)", "byteLength: 0"];
  const length = shared ? SharedArrayBufferPrototypeGetByteLength(value) : ArrayBufferPrototypeGetByteLength(value);
  return [`[Uint8Contents]: ${hexBytes(new U8(value), ctx.maxArrayLength)}`, `byteLength: ${length}`];
}

function formatDataView(ctx, value, recurseTimes) {
  const output = [
    `byteLength: ${DataViewPrototypeGetByteLength(value)}`,
    `byteOffset: ${DataViewPrototypeGetByteOffset(value)}`,
  ];
  ctx.indentationLvl += 2;
  ArrayPrototypePush(output, `buffer: ${formatValue(ctx, DataViewPrototypeGetBuffer(value), recurseTimes)}`);
  ctx.indentationLvl -= 2;
  return output;
}

function formatWeak() {
  return ["<items unknown>"];
}

function formatPromise(ctx, value, recurseTimes) {
  const state = ops.op_console_promise_state(value);
  if (state === 0) return ["<pending>"];
  ctx.indentationLvl += 2;
  const str = formatValue(ctx, ops.op_console_promise_result(value), recurseTimes);
  ctx.indentationLvl -= 2;
  return [state === 2 ? `<rejected> ${str}` : str];
}

const errorKeys = ["name", "message", "stack"];

// formatError returns the stack (or "[Name: message]" when there is none),
// continuation lines indented to the current level, and drops name,
// message and stack from keys when the stack already shows them.
function formatError(ctx, err, keys) {
  let stack = safeGet(err, "stack");
  if (typeof stack !== "string" || stack === "") {
    try {
      stack = ErrorPrototypeToString(err);
    } catch {
      stack = "Error";
    }
  }
  for (let j = 0; j < errorKeys.length; j++) {
    const i = ArrayPrototypeIndexOf(keys, errorKeys[j]);
    if (i !== -1) {
      const v = safeGet(err, errorKeys[j]);
      if (typeof v === "string" && StringPrototypeIncludes(stack, v)) ArrayPrototypeSplice(keys, i, 1);
    }
  }
  if (StringPrototypeIndexOf(stack, "\n    at ") === -1) stack = `[${stack}]`;
  if (ctx.indentationLvl !== 0) {
    stack = StringPrototypeReplaceAll(stack, "\n", `\n${StringPrototypeRepeat(" ", ctx.indentationLvl)}`);
  }
  return stack;
}

// reduceToSingleString puts the entries on one line when the object is at
// most ctx.compact levels deep and the line fits ctx.breakLength;
// otherwise one entry per line.
function reduceToSingleString(ctx, output, base, braces, kind, recurseTimes, value) {
  const entries = output.length;
  if (kind === kArrayItem && entries > 6) output = groupInColumns(ctx, output, value);
  if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
    const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
    if (fitsOnOneLine(ctx, output, start, base)) {
      const joined = ArrayPrototypeJoin(output, ", ");
      if (!StringPrototypeIncludes(joined, "\n")) {
        return `${base === "" ? "" : `${base} `}${braces[0]} ${joined} ${braces[1]}`;
      }
    }
  }
  const indentation = `\n${StringPrototypeRepeat(" ", ctx.indentationLvl)}`;
  return `${base === "" ? "" : `${base} `}${braces[0]}${indentation}  ${ArrayPrototypeJoin(output, `,${indentation}  `)}${indentation}${braces[1]}`;
}

// groupInColumns lays the items of a long array out in aligned columns,
// several per line, as Node does: the column count aims at a roughly
// square block (a character being about 2.5 times as tall as it is wide),
// within the line length, at most 4 * compact and at most 15. Arrays with
// items of very uneven length are left one per line. Numbers are aligned
// right, anything else left.
function groupInColumns(ctx, output, value) {
  // A trailing "... n more items" is not laid out with the rest.
  const n = output.length > ctx.maxArrayLength ? output.length - 1 : output.length;
  const sep = 2; // ", "
  let total = 0;
  let longest = 0;
  for (let i = 0; i < n; i++) {
    const len = output[i].length;
    total += len + sep;
    if (len > longest) longest = len;
  }
  const cellWidth = longest + sep;
  if (cellWidth * 3 + ctx.indentationLvl >= ctx.breakLength) return output;
  if (!(total / cellWidth > 5 || longest <= 6)) return output;
  const bias = MathSqrt(cellWidth - total / output.length);
  const biasedWidth = MathMax(cellWidth - 3 - bias, 1);
  const columns = MathMin(
    MathRound(MathSqrt(2.5 * biasedWidth * n) / biasedWidth),
    MathFloor((ctx.breakLength - ctx.indentationLvl) / cellWidth),
    ctx.compact * 4,
    15,
  );
  if (columns <= 1) return output;
  const widths = [];
  for (let c = 0; c < columns; c++) {
    let w = 0;
    for (let j = c; j < n; j += columns) if (output[j].length > w) w = output[j].length;
    ArrayPrototypePush(widths, w + sep);
  }
  let alignRight = true;
  for (let i = 0; i < output.length; i++) {
    const t = typeof value[i];
    if (t !== "number" && t !== "bigint") {
      alignRight = false;
      break;
    }
  }
  const lines = [];
  for (let i = 0; i < n; i += columns) {
    const end = MathMin(i + columns, n);
    let line = "";
    for (let j = i; j < end - 1; j++) {
      const cell = `${output[j]}, `;
      line += alignRight ? StringPrototypePadStart(cell, widths[j - i], " ") : StringPrototypePadEnd(cell, widths[j - i], " ");
    }
    const last = output[end - 1];
    line += alignRight ? StringPrototypePadStart(last, widths[end - 1 - i] - sep, " ") : last;
    ArrayPrototypePush(lines, line);
  }
  if (n < output.length) ArrayPrototypePush(lines, output[n]);
  return lines;
}

function fitsOnOneLine(ctx, output, start, base) {
  let total = output.length + start;
  if (total + output.length > ctx.breakLength) return false;
  for (let i = 0; i < output.length; i++) {
    total += output[i].length;
    if (total > ctx.breakLength) return false;
  }
  return base === "" || !StringPrototypeIncludes(base, "\n");
}

const optionNames = ["depth", "breakLength", "compact", "maxArrayLength", "maxStringLength", "customInspect"];

function makeContext(opts) {
  const ctx = {
    __proto__: null,
    seen: [],
    circular: new MapCtor(),
    indentationLvl: 0,
    currentDepth: 0,
    depth: defaultOptions.depth,
    breakLength: defaultOptions.breakLength,
    compact: defaultOptions.compact,
    maxArrayLength: defaultOptions.maxArrayLength,
    maxStringLength: defaultOptions.maxStringLength,
    customInspect: defaultOptions.customInspect,
    options: defaultOptions,
  };
  if (opts !== undefined && opts !== null && typeof opts === "object") {
    for (let i = 0; i < optionNames.length; i++) {
      const k = optionNames[i];
      if (ObjectHasOwn(opts, k) && opts[k] !== undefined) ctx[k] = opts[k];
    }
    if (ctx.depth === Infinity) ctx.depth = null;
    if (ctx.maxArrayLength === null) ctx.maxArrayLength = Infinity;
    if (ctx.maxStringLength === null) ctx.maxStringLength = Infinity;
    ctx.maxArrayLength = MathMax(0, ctx.maxArrayLength);
    ctx.options = { __proto__: null, ...defaultOptions, ...opts };
  }
  return ctx;
}

// inspect returns the Node-style representation of one value.
function inspect(value, opts) {
  return formatValue(makeContext(opts), value, 0);
}

// --- format strings -------------------------------------------------------

function hasBuiltinToString(obj) {
  let o = obj;
  while (o !== null) {
    let own;
    try {
      own = ObjectHasOwn(o, "toString");
    } catch {
      return true;
    }
    if (own) {
      for (let i = 0; i < builtinToStringOwners.length; i++) if (builtinToStringOwners[i] === o) return true;
      return false;
    }
    o = ObjectGetPrototypeOf(o);
  }
  return true;
}

function formatArg(a, opts) {
  return typeof a === "string" ? a : inspect(a, opts);
}

// format joins console arguments the way Node's util.format does: a
// leading string's %s %d %i %f %j %o %O %c %% take arguments in turn; the
// rest follow, space-separated, strings as they are and anything else
// inspected.
function format(args, opts) {
  if (args.length === 0) return "";
  const first = args[0];
  let a = 0;
  let str = "";
  let join = "";
  if (typeof first === "string") {
    if (args.length === 1) return first;
    let last = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (StringPrototypeCharCodeAt(first, i) !== 37) continue; // '%'
      const c = StringPrototypeCharCodeAt(first, i + 1);
      let piece;
      if (a + 1 !== args.length) {
        switch (c) {
          case 115: {
            // %s
            const v = args[++a];
            if (typeof v === "number") piece = formatNumber(v);
            else if (typeof v === "bigint") piece = `${v}n`;
            else if (typeof v !== "object" || v === null || !hasBuiltinToString(v)) piece = StringCtor(v);
            else piece = inspect(v, { ...opts, depth: 0 });
            break;
          }
          case 100: {
            // %d
            const v = args[++a];
            if (typeof v === "bigint") piece = `${v}n`;
            else if (typeof v === "symbol") piece = "NaN";
            else piece = formatNumber(NumberCtor(v));
            break;
          }
          case 105: {
            // %i
            const v = args[++a];
            if (typeof v === "bigint") piece = `${v}n`;
            else if (typeof v === "symbol") piece = "NaN";
            else piece = formatNumber(NumberParseInt(v));
            break;
          }
          case 102: {
            // %f
            const v = args[++a];
            piece = typeof v === "symbol" ? "NaN" : formatNumber(NumberParseFloat(v));
            break;
          }
          case 106: {
            // %j
            const v = args[++a];
            try {
              piece = JSONStringify(v);
            } catch (e) {
              if (!(e instanceof TypeError) || !StringPrototypeIncludes(e.message, "circular")) throw e;
              piece = "[Circular]";
            }
            if (piece === undefined) piece = "undefined";
            break;
          }
          case 111: // %o
            piece = inspect(args[++a], { ...opts, depth: 4 });
            break;
          case 79: // %O
            piece = inspect(args[++a], opts);
            break;
          case 99: // %c: CSS, which a log line has no use for
            a++;
            piece = "";
            break;
          case 37: // %%
            str += StringPrototypeSlice(first, last, i);
            last = i + 1;
            i++;
            continue;
          default:
            continue;
        }
        str += StringPrototypeSlice(first, last, i) + piece;
        last = i + 2;
        i++;
      } else if (c === 37) {
        str += StringPrototypeSlice(first, last, i);
        last = i + 1;
        i++;
      }
    }
    if (last !== 0) {
      a++;
      join = " ";
      if (last < first.length) str += StringPrototypeSlice(first, last);
    }
  }
  while (a < args.length) {
    str += join + formatArg(args[a], opts);
    join = " ";
    a++;
  }
  return str;
}

inspect.custom = customInspect;
inspect.format = format;
inspect.defaultOptions = defaultOptions;
ObjectFreeze(inspect);
core.provide("inspect", inspect);
