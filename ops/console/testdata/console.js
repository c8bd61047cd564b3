// Cases for ops/console, run by console_test.go with the formatter exposed
// as globalThis.inspect. The expected strings are what Node's util.inspect
// and util.format print (breakLength 80), except where a comment says
// otherwise.

function eq(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}:\n got: ${JSON.stringify(actual)}\nwant: ${JSON.stringify(expected)}`);
  }
}

// [description, value maker, expected inspect output]
const inspectCases = [
  ["\"abc\"", () => "abc", "'abc'"],
  ["\"it's\"", () => "it's", "\"it's\""],
  ["\"it's \\\"q\\\"\"", () => "it's \"q\"", "`it's \"q\"`"],
  ["\"a\\nb\\t\\u0001\\\\\"", () => "a\nb\t\u0001\\", "'a\\nb\\t\\x01\\\\'"],
  ["\"\\ud800\"", () => "\ud800", "'\\ud800'"],
  ["\"\"", () => "", "''"],
  ["1", () => 1, "1"],
  ["-0", () => -0, "-0"],
  ["1.5", () => 1.5, "1.5"],
  ["NaN", () => NaN, "NaN"],
  ["-Infinity", () => -Infinity, "-Infinity"],
  ["12n", () => 12n, "12n"],
  ["true", () => true, "true"],
  ["undefined", () => undefined, "undefined"],
  ["null", () => null, "null"],
  ["Symbol(\"s\")", () => Symbol("s"), "Symbol(s)"],
  ["Symbol()", () => Symbol(), "Symbol()"],
  ["[]", () => [], "[]"],
  ["[1, 2, 3]", () => [1, 2, 3], "[ 1, 2, 3 ]"],
  ["[1, [2, [3, [4, [5]]]]]", () => [1, [2, [3, [4, [5]]]]], "[ 1, [ 2, [ 3, [Array] ] ] ]"],
  ["[, 1, , , 2, ,]", () => [, 1, , , 2, ,], "[ <1 empty item>, 1, <2 empty items>, 2, <1 empty item> ]"],
  ["new Array(5)", () => new Array(5), "[ <5 empty items> ]"],
  ["Object.assign([1, 2], { x: 1 })", () => Object.assign([1, 2], { x: 1 }), "[ 1, 2, x: 1 ]"],
  ["Array.from({ length: 101 }, (_, i) => i)", () => Array.from({ length: 101 }, (_, i) => i), "[\n   0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11,\n  12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,\n  24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,\n  36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,\n  48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59,\n  60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71,\n  72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83,\n  84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95,\n  96, 97, 98, 99,\n  ... 1 more item\n]"],
  ["({})", () => ({}), "{}"],
  ["({ a: 1, b: \"two\", c: [3], d: { e: null } })", () => ({ a: 1, b: "two", c: [3], d: { e: null } }), "{ a: 1, b: 'two', c: [ 3 ], d: { e: null } }"],
  ["({ \"a-b\": 1, $x: 2, _y: 3, 1: 4, [Symbol(\"k\")]: 5 })", () => ({ "a-b": 1, $x: 2, _y: 3, 1: 4, [Symbol("k")]: 5 }), "{ '1': 4, 'a-b': 1, '$x': 2, _y: 3, [Symbol(k)]: 5 }"],
  ["({ a: { b: { c: { d: 1 } } } })", () => ({ a: { b: { c: { d: 1 } } } }), "{ a: { b: { c: [Object] } } }"],
  ["({ a: { b: { c: {} } } })", () => ({ a: { b: { c: {} } } }), "{ a: { b: { c: {} } } }"],
  ["Object.create(null)", () => Object.create(null), "[Object: null prototype] {}"],
  ["Object.assign(Object.create(null), { a: 1 })", () => Object.assign(Object.create(null), { a: 1 }), "[Object: null prototype] { a: 1 }"],
  ["(() => { class Foo { constructor() { this.a = 1; } } return new Foo(); })()", () => (() => { class Foo { constructor() { this.a = 1; } } return new Foo(); })(), "Foo { a: 1 }"],
  ["(() => { class Foo {} return new Foo(); })()", () => (() => { class Foo {} return new Foo(); })(), "Foo {}"],
  ["(() => { class Foo {} return { f: new Foo(), g: { h: { i: new Foo() } } }; })()", () => (() => { class Foo {} return { f: new Foo(), g: { h: { i: new Foo() } } }; })(), "{ f: Foo {}, g: { h: { i: Foo {} } } }"],
  ["({ get a() { return 1; }, set b(v) {}, get c() { return 1; }, set c(v) {} })", () => ({ get a() { return 1; }, set b(v) {}, get c() { return 1; }, set c(v) {} }), "{ a: [Getter], b: [Setter], c: [Getter/Setter] }"],
  ["new Map([[\"a\", 1], [{ k: 1 }, [2]]])", () => new Map([["a", 1], [{ k: 1 }, [2]]]), "Map(2) { 'a' => 1, { k: 1 } => [ 2 ] }"],
  ["new Map()", () => new Map(), "Map(0) {}"],
  ["new Set([1, \"a\", [2]])", () => new Set([1, "a", [2]]), "Set(3) { 1, 'a', [ 2 ] }"],
  ["new Set()", () => new Set(), "Set(0) {}"],
  ["new Date(0)", () => new Date(0), "1970-01-01T00:00:00.000Z"],
  ["new Date(NaN)", () => new Date(NaN), "Invalid Date"],
  ["/ab+c/gi", () => /ab+c/gi, "/ab+c/gi"],
  ["Object.assign(/x/, { y: 1 })", () => Object.assign(/x/, { y: 1 }), "/x/ { y: 1 }"],
  ["(function foo() {})", () => (function foo() {}), "[Function: foo]"],
  ["() => {}", () => () => {}, "[Function (anonymous)]"],
  ["(async function bar() {})", () => (async function bar() {}), "[AsyncFunction: bar]"],
  ["(function* gen() {})", () => (function* gen() {}), "[GeneratorFunction: gen]"],
  ["(async function* agen() {})", () => (async function* agen() {}), "[AsyncGeneratorFunction: agen]"],
  ["(class A {})", () => (class A {}), "[class A]"],
  ["(() => { class A {} class B extends A {} return B; })()", () => (() => { class A {} class B extends A {} return B; })(), "[class B extends A]"],
  ["(class {})", () => (class {}), "[class (anonymous)]"],
  ["Object.assign(function f() {}, { p: 1 })", () => Object.assign(function f() {}, { p: 1 }), "[Function: f] { p: 1 }"],
  ["(function () { return function () {}; })()", () => (function () { return function () {}; })(), "[Function (anonymous)]"],
  ["Math.max.bind(null)", () => Math.max.bind(null), "[Function: bound max]"],
  ["new Uint8Array([1, 2, 3])", () => new Uint8Array([1, 2, 3]), "Uint8Array(3) [ 1, 2, 3 ]"],
  ["new Float64Array(2)", () => new Float64Array(2), "Float64Array(2) [ 0, 0 ]"],
  ["new BigInt64Array([1n, -2n])", () => new BigInt64Array([1n, -2n]), "BigInt64Array(2) [ 1n, -2n ]"],
  ["new Uint8Array(0)", () => new Uint8Array(0), "Uint8Array(0) []"],
  ["new Uint8Array(102)", () => new Uint8Array(102), "Uint8Array(102) [\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n  0, 0, 0, 0,\n  ... 2 more items\n]"],
  ["new ArrayBuffer(3)", () => new ArrayBuffer(3), "ArrayBuffer { [Uint8Contents]: <00 00 00>, byteLength: 3 }"],
  ["new Uint8Array([1, 255, 16]).buffer", () => new Uint8Array([1, 255, 16]).buffer, "ArrayBuffer { [Uint8Contents]: <01 ff 10>, byteLength: 3 }"],
  ["new DataView(new ArrayBuffer(2), 1)", () => new DataView(new ArrayBuffer(2), 1), "DataView {\n  byteLength: 1,\n  byteOffset: 1,\n  buffer: ArrayBuffer { [Uint8Contents]: <00 00>, byteLength: 2 }\n}"],
  ["new ArrayBuffer(60)", () => new ArrayBuffer(60), "ArrayBuffer {\n  [Uint8Contents]: <00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00>,\n  byteLength: 60\n}"],
  ["new WeakMap()", () => new WeakMap(), "WeakMap { <items unknown> }"],
  ["new WeakSet()", () => new WeakSet(), "WeakSet { <items unknown> }"],
  ["new Number(3)", () => new Number(3), "[Number: 3]"],
  ["new String(\"ab\")", () => new String("ab"), "[String: 'ab']"],
  ["new Boolean(false)", () => new Boolean(false), "[Boolean: false]"],
  ["Object(1n)", () => Object(1n), "[BigInt: 1n]"],
  ["Object(Symbol(\"q\"))", () => Object(Symbol("q")), "[Symbol: Symbol(q)]"],
  ["(() => { const o = { name: \"o\" }; o.self = o; return o; })()", () => (() => { const o = { name: "o" }; o.self = o; return o; })(), "<ref *1> { name: 'o', self: [Circular *1] }"],
  ["(() => { const o = { a: [] }; o.a.push(o); o.b = { c: o.a }; return o; })()", () => (() => { const o = { a: [] }; o.a.push(o); o.b = { c: o.a }; return o; })(), "<ref *1> { a: [ [Circular *1] ], b: { c: [ [Circular *1] ] } }"],
  ["({ a: \"x\".repeat(100) })", () => ({ a: "x".repeat(100) }), "{\n  a: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'\n}"],
  ["({ long1: \"aaaaaaaaaaaaaaaaaaaa\", long2: \"bbbbbbbbbbbbbbbbbbbb\", long3: \"cccccccccccccccccccc\", long4: 1 })", () => ({ long1: "aaaaaaaaaaaaaaaaaaaa", long2: "bbbbbbbbbbbbbbbbbbbb", long3: "cccccccccccccccccccc", long4: 1 }), "{\n  long1: 'aaaaaaaaaaaaaaaaaaaa',\n  long2: 'bbbbbbbbbbbbbbbbbbbb',\n  long3: 'cccccccccccccccccccc',\n  long4: 1\n}"],
  ["[{ a: 1, b: 2 }, { a: 3, b: 4 }]", () => [{ a: 1, b: 2 }, { a: 3, b: 4 }], "[ { a: 1, b: 2 }, { a: 3, b: 4 } ]"],
  ["({ [Symbol.toStringTag]: \"Tagged\", x: 1 })", () => ({ [Symbol.toStringTag]: "Tagged", x: 1 }), "{ x: 1, [Symbol(Symbol.toStringTag)]: 'Tagged' }"],
  ["(() => { class Foo { get [Symbol.toStringTag]() { return \"Bar\"; } } return new Foo(); })()", () => (() => { class Foo { get [Symbol.toStringTag]() { return "Bar"; } } return new Foo(); })(), "Foo [Bar] {}"],
  ["Object.assign(Object.create({}), { a: 1 })", () => Object.assign(Object.create({}), { a: 1 }), "{ a: 1 }"],
  ["({ __proto__: { constructor: { name: \"X\" } } })", () => ({ __proto__: { constructor: { name: "X" } } }), "{}"],
  ["({ a: new Map([[1, { b: { c: { d: 1 } } }]]) })", () => ({ a: new Map([[1, { b: { c: { d: 1 } } }]]) }), "{ a: Map(1) { 1 => { b: [Object] } } }"],
  ["({ f() {}, g: () => {}, h: class {} })", () => ({ f() {}, g: () => {}, h: class {} }), "{ f: [Function: f], g: [Function: g], h: [class h] }"],
  ["Promise.resolve(4)", () => Promise.resolve(4), "Promise { 4 }"],
  ["(() => { const p = Promise.reject(3); p.catch(() => {}); return p; })()", () => (() => { const p = Promise.reject(3); p.catch(() => {}); return p; })(), "Promise { <rejected> 3 }"],
  ["new Promise(() => {})", () => new Promise(() => {}), "Promise { <pending> }"],
  ["({ x: Promise.resolve({ a: 1 }) })", () => ({ x: Promise.resolve({ a: 1 }) }), "{ x: Promise { { a: 1 } } }"],
  ["[undefined, null, -0, 0n]", () => [undefined, null, -0, 0n], "[ undefined, null, -0, 0n ]"],
  ["JSON.parse('{\"__proto__\": 1, \"b\": [1, 2, 3, 4, 5, 6, 7]}')", () => JSON.parse('{"__proto__": 1, "b": [1, 2, 3, 4, 5, 6, 7]}'), "{\n  ['__proto__']: 1,\n  b: [\n    1, 2, 3, 4,\n    5, 6, 7\n  ]\n}"],
  ["({ [Symbol.for(\"nodejs.util.inspect.custom\")]() { return \"CUSTOM\"; } })", () => ({ [Symbol.for("nodejs.util.inspect.custom")]() { return "CUSTOM"; } }), "CUSTOM"],
  ["({ a: { [Symbol.for(\"nodejs.util.inspect.custom\")]() { return { replaced: true }; } } })", () => ({ a: { [Symbol.for("nodejs.util.inspect.custom")]() { return { replaced: true }; } } }), "{ a: { replaced: true } }"],
  ["[\"a\", \"bb\", \"ccc\", \"dddd\", \"e\", \"f\", \"g\", \"h\"]", () => ["a", "bb", "ccc", "dddd", "e", "f", "g", "h"], "[\n  'a',   'bb',\n  'ccc', 'dddd',\n  'e',   'f',\n  'g',   'h'\n]"],
  ["[1, 22, 333, 4444, 5, 66, 777, 8888, 9, 10]", () => [1, 22, 333, 4444, 5, 66, 777, 8888, 9, 10], "[\n  1, 22, 333, 4444,\n  5, 66, 777, 8888,\n  9, 10\n]"],
  ["({ arr: Array.from({ length: 30 }, (_, i) => i * 7) })", () => ({ arr: Array.from({ length: 30 }, (_, i) => i * 7) }), "{\n  arr: [\n      0,   7,  14,  21,  28,  35,  42,  49,\n     56,  63,  70,  77,  84,  91,  98, 105,\n    112, 119, 126, 133, 140, 147, 154, 161,\n    168, 175, 182, 189, 196, 203\n  ]\n}"],
  ["[[1, 2, [3, 4, [5, [6]]]], { x: [1, { y: [2, { z: 3 }] }] }]", () => [[1, 2, [3, 4, [5, [6]]]], { x: [1, { y: [2, { z: 3 }] }] }], "[ [ 1, 2, [ 3, 4, [Array] ] ], { x: [ 1, [Object] ] } ]"],
  ["new Set([[1, [2, [3, [4]]]]])", () => new Set([[1, [2, [3, [4]]]]]), "Set(1) { [ 1, [ 2, [Array] ] ] }"],
  ["[new Error(\"x\").message]", () => [new Error("x").message], "[ 'x' ]"],
  ["Object.assign(Object.create(Array.prototype), {})", () => Object.assign(Object.create(Array.prototype), {}), "Array {}"],
  ["(() => { class MyArr extends Array {} return MyArr.from([1, 2]); })()", () => (() => { class MyArr extends Array {} return MyArr.from([1, 2]); })(), "MyArr(2) [ 1, 2 ]"],
  ["(() => { class M extends Map {} return new M([[1, 2]]); })()", () => (() => { class M extends Map {} return new M([[1, 2]]); })(), "M(1) [Map] { 1 => 2 }"],
  ["(() => { const a = [1]; a.length = 3; return a; })()", () => (() => { const a = [1]; a.length = 3; return a; })(), "[ 1, <2 empty items> ]"],
  ["\"\u007f\u0085\"", () => "", "'\\x7F\\x85'"],
  ["({ \"key with space\": 1, \"\u00fcn\u00ef\": 2 })", () => ({ "key with space": 1, "ünï": 2 }), "{ 'key with space': 1, 'ünï': 2 }"],
  ["Object.assign(new Date(0), { x: 1 })", () => Object.assign(new Date(0), { x: 1 }), "1970-01-01T00:00:00.000Z { x: 1 }"],
];

export const inspectValues = {
  test() {
    const failures = [];
    for (const [what, make, want] of inspectCases) {
      let got;
      try {
        got = inspect(make());
      } catch (e) {
        got = `threw ${e}`;
      }
      if (got !== want) failures.push(`inspect(${what}):\n got: ${JSON.stringify(got)}\nwant: ${JSON.stringify(want)}`);
    }
    if (failures.length > 0) throw new Error(`${failures.length} of ${inspectCases.length} cases differ:\n${failures.join("\n")}`);
  },
};

// [description, argument maker, expected format output]. %o differs from
// Node on purpose: it does not list hidden properties such as [length].
const formatCases = [
  ["[\"a\", 1, \"b\"]", () => ["a", 1, "b"], "a 1 b"],
  ["[\"%s is %d years\", \"Bob\", 42]", () => ["%s is %d years", "Bob", 42], "Bob is 42 years"],
  ["[\"%i\", 42.9]", () => ["%i", 42.9], "42"],
  ["[\"%f\", \"1.5x\"]", () => ["%f", "1.5x"], "1.5"],
  ["[\"%j\", { a: 1 }]", () => ["%j", { a: 1 }], "{\"a\":1}"],
  ["(() => { const o = {}; o.o = o; return [\"%j\", o]; })()", () => (() => { const o = {}; o.o = o; return ["%j", o]; })(), "[Circular]"],
  ["[\"%o\", [1, { a: 2 }]]", () => ["%o", [1, { a: 2 }]], "[ 1, { a: 2 } ]"],
  ["[\"%O\", { a: { b: { c: { d: 1 } } } }]", () => ["%O", { a: { b: { c: { d: 1 } } } }], "{ a: { b: { c: [Object] } } }"],
  ["[\"%c styled\", \"color: red\"]", () => ["%c styled", "color: red"], " styled"],
  ["[\"100%%\"]", () => ["100%%"], "100%%"],
  ["[\"100%%\", 1]", () => ["100%%", 1], "100% 1"],
  ["[\"%s\", { a: 1 }]", () => ["%s", { a: 1 }], "{ a: 1 }"],
  ["[\"%s\", new Date(0)]", () => ["%s", new Date(0)], "1970-01-01T00:00:00.000Z"],
  ["[\"%s\", { toString() { return \"custom\"; } }]", () => ["%s", { toString() { return "custom"; } }], "custom"],
  ["[\"%s\", 5n]", () => ["%s", 5n], "5n"],
  ["[\"%d\", 5n]", () => ["%d", 5n], "5n"],
  ["[\"%s\", -0]", () => ["%s", -0], "-0"],
  ["[\"%d\", \"abc\"]", () => ["%d", "abc"], "NaN"],
  ["[\"%x\", 1]", () => ["%x", 1], "%x 1"],
  ["[\"%s\"]", () => ["%s"], "%s"],
  ["[\"%s %s\", \"a\"]", () => ["%s %s", "a"], "a %s"],
  ["[1, \"a\", { b: 2 }]", () => [1, "a", { b: 2 }], "1 a { b: 2 }"],
  ["[\"a\\n\", \"b\"]", () => ["a\n", "b"], "a\n b"],
  ["[Symbol(\"x\")]", () => [Symbol("x")], "Symbol(x)"],
  ["[\"%s\", Symbol(\"x\")]", () => ["%s", Symbol("x")], "Symbol(x)"],
  ["[\"%d\", Symbol()]", () => ["%d", Symbol()], "NaN"],
  ["[\"%s\", null]", () => ["%s", null], "null"],
  ["[\"%s\", undefined]", () => ["%s", undefined], "undefined"],
  ["[\"%s\", [1, [2, [3]]]]", () => ["%s", [1, [2, [3]]]], "[ 1, [Array] ]"],
  ["[\"%s:%s\", \"a\"]", () => ["%s:%s", "a"], "a:%s"],
  ["[\"%%s %s\", \"a\"]", () => ["%%s %s", "a"], "%s a"],
  ["[]", () => [], ""],
  ["[\"%s\", \"a\", \"b\", 3]", () => ["%s", "a", "b", 3], "a b 3"],
  ["[\"%d%%\", 50]", () => ["%d%%", 50], "50%"],
  ["[\"%j\", undefined]", () => ["%j", undefined], "undefined"],
  ["[\"%s\", () => 1]", () => ["%s", () => 1], "() => 1"],
  ["[\"%i\", \"0x10\"]", () => ["%i", "0x10"], "16"],
  ["[{ a: 1 }, \"%s\", \"x\"]", () => [{ a: 1 }, "%s", "x"], "{ a: 1 } %s x"],
  ["[\"%s\", (() => { class Foo { toString() { return \"FOO\"; } } return new Foo(); })()]", () => ["%s", (() => { class Foo { toString() { return "FOO"; } } return new Foo(); })()], "FOO"],
];

export const formatStrings = {
  test() {
    const failures = [];
    for (const [what, make, want] of formatCases) {
      let got;
      try {
        got = inspect.format(make());
      } catch (e) {
        got = `threw ${e}`;
      }
      if (got !== want) failures.push(`format(${what}):\n got: ${JSON.stringify(got)}\nwant: ${JSON.stringify(want)}`);
    }
    if (failures.length > 0) throw new Error(`${failures.length} of ${formatCases.length} cases differ:\n${failures.join("\n")}`);
  },
};

export const longStrings = {
  test() {
    const got = inspect("x".repeat(10010));
    eq(got, `'${"x".repeat(10000)}'... 10 more characters`, "truncated string");
    eq(inspect("ab", { maxStringLength: 1 }), "'a'... 1 more character", "maxStringLength option");
  },
};

export const options = {
  test() {
    const deep = { a: { b: { c: { d: { e: 1 } } } } };
    eq(inspect(deep, { depth: 0 }), "{ a: [Object] }", "depth 0");
    eq(inspect(deep, { depth: Infinity }), "{\n  a: {\n    b: { c: { d: { e: 1 } } }\n  }\n}", "depth Infinity");
    eq(inspect([1, 2, 3, 4], { maxArrayLength: 2 }), "[ 1, 2, ... 2 more items ]", "maxArrayLength");
    eq(inspect({ a: 1, b: 2 }, { breakLength: 5 }), "{\n  a: 1,\n  b: 2\n}", "breakLength");
  },
};

export const errors = {
  test() {
    const e = new TypeError("bad thing");
    const out = inspect(e);
    eq(out, e.stack, "an error prints as its stack");
    eq(out.startsWith("TypeError: bad thing\n    at "), true, `stack header: ${out}`);

    const noStack = new Error("plain");
    noStack.stack = undefined;
    eq(inspect(noStack), "[Error: plain]", "error without stack");

    const withProps = new Error("coded");
    withProps.code = "E_CODE";
    const p = inspect(withProps);
    eq(p.startsWith(withProps.stack + " {\n  code: 'E_CODE'\n}"), true, `own properties follow the stack: ${p}`);

    const caused = new Error("outer", { cause: new Error("inner") });
    const c = inspect(caused);
    eq(c.includes("[cause]: Error: inner\n      at "), true, `cause is shown, indented: ${c}`);

    const nested = inspect({ err: new RangeError("r") });
    eq(nested.startsWith("{\n  err: RangeError: r\n      at "), true, `nested error is indented: ${nested}`);

    class HttpError extends Error {
      constructor(m) {
        super(m);
        this.name = "HttpError";
      }
    }
    const h = inspect(new HttpError("nope"));
    eq(h.startsWith("HttpError: nope\n"), true, `subclass: ${h}`);
  },
};

export const domExceptionLikeErrors = {
  test() {
    // An object that is an Error by prototype only is still shown with its
    // stack (this is how DOMException is built).
    function Fake(message) {
      this.message = message;
      Error.captureStackTrace(this);
    }
    Object.setPrototypeOf(Fake.prototype, Error.prototype);
    Fake.prototype.name = "Fake";
    const out = inspect(new Fake("hm"));
    eq(out.startsWith("Fake: hm\n    at "), true, `error by prototype: ${out}`);
  },
};

export const neverObjectObject = {
  test() {
    const values = [
      {}, [], new Map(), new Set(), Object.create(null), new (class X {})(), new Proxy({}, {}), Math, JSON,
      globalThis, new Error("e"), Symbol.iterator, new Map([[1, 2]]).entries(), (function () { return arguments; })(1),
      new URIError("u"), Promise.resolve(), new WeakRef({}), Reflect,
    ];
    for (const v of values) {
      const out = inspect(v);
      if (out.includes("[object ")) throw new Error(`inspect printed ${out}`);
      const line = inspect.format(["%s %o %O", v, v, v]);
      if (line.includes("[object ")) throw new Error(`format printed ${line}`);
    }
  },
};

export const tamperedBuiltins = {
  test() {
    const saved = {
      push: Array.prototype.push,
      iter: Array.prototype[Symbol.iterator],
      keys: Object.keys,
      mapGet: Map.prototype.get,
      join: Array.prototype.join,
    };
    const value = { a: [1, 2], m: new Map([["k", "v"]]), s: new Set([1]) };
    let out;
    try {
      Array.prototype.push = () => {
        throw new Error("push");
      };
      Array.prototype[Symbol.iterator] = () => {
        throw new Error("iterator");
      };
      Object.keys = () => [];
      Map.prototype.get = () => 42;
      Array.prototype.join = () => "joined";
      out = inspect(value);
    } finally {
      Array.prototype.push = saved.push;
      Array.prototype[Symbol.iterator] = saved.iter;
      Object.keys = saved.keys;
      Map.prototype.get = saved.mapGet;
      Array.prototype.join = saved.join;
    }
    eq(out, "{ a: [ 1, 2 ], m: Map(1) { 'k' => 'v' }, s: Set(1) { 1 } }", "formatting with tampered built-ins");
  },
};

export const customInspect = {
  test() {
    const custom = Symbol.for("nodejs.util.inspect.custom");
    let seen;
    const o = {
      [custom](depth, opts, insp) {
        seen = { depth, hasInspect: insp === inspect, breakLength: opts.breakLength };
        return "custom!";
      },
    };
    eq(inspect({ x: o }), "{ x: custom! }", "custom result");
    eq(seen.depth, 1, "depth left for the nested object");
    eq(seen.hasInspect, true, "inspect is passed");
    eq(seen.breakLength, 80, "options are passed");
    eq(inspect(o, { customInspect: false }), "{\n  [Symbol(nodejs.util.inspect.custom)]: [Function: [nodejs.util.inspect.custom]]\n}", "customInspect off");
    class Foo {}
    eq(inspect.format(["%s", Foo]), String(Foo), "%s of a class is its source");
  },
};

export const consoleDoesNotThrow = {
  test() {
    const nasty = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error("ownKeys trap");
        },
        get() {
          throw new Error("get trap");
        },
        getPrototypeOf() {
          throw new Error("getPrototypeOf trap");
        },
      },
    );
    const circular = { a: 1 };
    circular.self = circular;
    const args = [
      [],
      ["plain"],
      ["%s %d %i %f %j %o %O %c %%", "s", 1, 2, 3, { j: 1 }, [1], { o: 1 }, "css"],
      [nasty],
      ["%s", nasty],
      [circular],
      [Symbol("s"), 1n, undefined, null],
      [Object.create(null)],
      [new Error("err")],
      [{ toString() { throw new Error("toString"); } }],
      ["%s", { toString() { throw new Error("toString"); } }],
    ];
    const methods = ["log", "info", "debug", "warn", "error", "trace", "dir", "dirxml", "table", "group", "groupCollapsed", "groupEnd", "groupEnd", "groupEnd"];
    for (const m of methods) {
      for (const a of args) console[m](...a);
    }
    console.table([{ a: 1, b: "x" }, { a: 2, c: [1, 2] }, 3]);
    console.table(new Map([["k", { v: 1 }]]));
    console.table(new Set([1, 2]));
    console.table({ r1: { c: 1 }, r2: { c: 2 } }, ["c"]);
    console.table(nasty);
    console.assert(true, "not shown");
    console.assert(false);
    console.assert(false, "with %s", "format");
    console.assert(false, { obj: 1 });
    console.count();
    console.count("x");
    console.countReset("x");
    console.countReset("missing");
    console.time();
    console.time();
    console.timeLog();
    console.timeLog("default", "extra", { data: 1 });
    console.timeEnd();
    console.timeEnd();
    console.timeLog("never");
    console.clear();
    // Detached methods work too.
    const { log, group, groupEnd } = console;
    log("detached");
    group("g");
    groupEnd();
  },
};

export const consoleShape = {
  test() {
    eq(Object.prototype.toString.call(console), "[object console]", "toStringTag");
    eq(console.log.name, "log", "method name");
    eq(console.groupCollapsed.name, "groupCollapsed", "groupCollapsed name");
    const d = Object.getOwnPropertyDescriptor(globalThis, "console");
    eq(d.enumerable, false, "console is not enumerable on globalThis");
  },
};
