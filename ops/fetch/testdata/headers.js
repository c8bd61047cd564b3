import { eq, deepEq, ok, throws } from "./assert.js";

export const caseInsensitive = {
  test() {
    const h = new Headers();
    h.append("Content-Type", "text/html");
    eq(h.get("content-type"), "text/html", "get lowercase");
    eq(h.get("CONTENT-TYPE"), "text/html", "get uppercase");
    ok(h.has("Content-type"), "has mixed case");
    h.set("CONTENT-type", "text/plain");
    eq(h.get("content-type"), "text/plain", "set replaced");
    deepEq([...h], [["content-type", "text/plain"]], "one entry after set");
    h.delete("Content-Type");
    eq(h.get("content-type"), null, "get after delete");
    ok(!h.has("content-type"), "has after delete");
  },
};

export const combinesValues = {
  test() {
    const h = new Headers([
      ["Accept", "a"],
      ["X-B", "1"],
      ["accept", "b"],
    ]);
    eq(h.get("accept"), "a, b", "combined with comma and space");
    deepEq([...h], [["accept", "a, b"], ["x-b", "1"]], "iteration combines");
    h.set("accept", "c");
    eq(h.get("accept"), "c", "set removes the other values");
    h.append("accept", "");
    eq(h.get("accept"), "c, ", "an empty value still counts");
  },
};

export const normalizesValues = {
  test() {
    const h = new Headers();
    h.append("a", "  \t value with  inner space \r\n ");
    eq(h.get("a"), "value with  inner space", "leading and trailing HTTP whitespace stripped");
    h.set("b", "\n\r\t ");
    eq(h.get("b"), "", "only whitespace becomes empty");
    h.append("c", 42);
    eq(h.get("c"), "42", "numbers converted to strings");
    h.append("d", "café ☕");
    eq(h.get("d"), "café ☕", "non-ASCII values are kept (sent as UTF-8)");
  },
};

export const rejectsBadNames = {
  test() {
    const h = new Headers();
    for (const bad of ["", "a b", "a:b", "ä", "a\n", "(x)", "a\u0000"]) {
      const e = throws(() => h.append(bad, "v"), TypeError, JSON.stringify(bad), `append(${JSON.stringify(bad)})`);
      ok(e.message.includes("not a valid HTTP header name"), `message for ${JSON.stringify(bad)} says why: ${e.message}`);
    }
    throws(() => h.get("a b"), TypeError, '"a b"', "get with a bad name");
    throws(() => h.has("a b"), TypeError, '"a b"', "has with a bad name");
    throws(() => h.delete("a b"), TypeError, '"a b"', "delete with a bad name");
    throws(() => h.set("a b", "v"), TypeError, '"a b"', "set with a bad name");
    throws(() => new Headers({ "bad name": "v" }), TypeError, '"bad name"', "record with a bad name");
    throws(() => h.append(Symbol("s"), "v"), TypeError, undefined, "symbol name");
    h.append("!#$%&'*+-.^_`|~09azAZ", "v");
    eq(h.get("!#$%&'*+-.^_`|~09azaz"), "v", "every token character is allowed");
  },
};

export const rejectsBadValues = {
  test() {
    const h = new Headers();
    for (const bad of ["a\nb", "a\rb", "a\u0000b"]) {
      const e = throws(() => h.append("x-test", bad), TypeError, JSON.stringify(bad), `append value ${JSON.stringify(bad)}`);
      ok(e.message.includes('"x-test"'), `message names the header: ${e.message}`);
    }
    throws(() => h.set("x-test", "a\nb"), TypeError, '"a\\nb"', "set with a bad value");
    throws(() => new Headers([["x", "a\rb"]]), TypeError, '"a\\rb"', "pair with a bad value");
    eq(h.has("x-test"), false, "nothing was added");
  },
};

export const setCookie = {
  test() {
    const h = new Headers();
    h.append("Set-Cookie", "a=1");
    h.append("X-Z", "z");
    h.append("set-cookie", "b=2; Path=/");
    h.append("Accept", "*/*");
    deepEq(h.getSetCookie(), ["a=1", "b=2; Path=/"], "getSetCookie keeps each value");
    eq(h.get("set-cookie"), "a=1, b=2; Path=/", "get still combines");
    deepEq(
      [...h],
      [
        ["accept", "*/*"],
        ["set-cookie", "a=1"],
        ["set-cookie", "b=2; Path=/"],
        ["x-z", "z"],
      ],
      "set-cookie values are yielded separately, in sorted position",
    );
    deepEq(new Headers().getSetCookie(), [], "no cookies is an empty array");
    const copy = new Headers(h);
    deepEq(copy.getSetCookie(), ["a=1", "b=2; Path=/"], "copy keeps cookies apart");
  },
};

export const iteratesSorted = {
  test() {
    const h = new Headers({ "X-B": "2", "x-a": "1", Content: "c", "x-c": "3" });
    deepEq([...h.keys()], ["content", "x-a", "x-b", "x-c"], "keys sorted and lowercase");
    deepEq([...h.values()], ["c", "1", "2", "3"], "values in key order");
    deepEq([...h.entries()], [...h], "entries is the default iterator");
    eq(Headers.prototype[Symbol.iterator], Headers.prototype.entries, "@@iterator is entries");
    const seen = [];
    const self = {};
    h.forEach(function (value, key, obj) {
      seen.push([key, value, obj === h, this === self]);
    }, self);
    deepEq(
      seen,
      [
        ["content", "c", true, true],
        ["x-a", "1", true, true],
        ["x-b", "2", true, true],
        ["x-c", "3", true, true],
      ],
      "forEach gives value, key, headers with thisArg",
    );
    const it = h.keys();
    eq(Object.prototype.toString.call(it), "[object Headers Iterator]", "iterator toStringTag");
    eq(it[Symbol.iterator](), it, "iterator is iterable");
    eq(Object.getPrototypeOf(Object.getPrototypeOf(it)), Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())), "inherits %IteratorPrototype%");
  },
};

export const iterationIsLive = {
  test() {
    const h = new Headers({ a: "1", b: "2", c: "3" });
    const it = h.keys();
    eq(it.next().value, "a", "first key");
    h.append("aa", "x");
    eq(it.next().value, "aa", "a key added behind the cursor's sort position shows up");
    h.delete("b");
    eq(it.next().value, "c", "deleted key is skipped");
    deepEq(it.next(), { value: undefined, done: true }, "then done");
    throws(() => h.forEach(), TypeError, "1 argument required", "forEach without a callback");
    throws(() => h.forEach(5), TypeError, "not a function", "forEach with a non-function");
  },
};

export const constructors = {
  test() {
    const src = new Headers({ a: "1" });
    src.append("a", "2");
    const fromHeaders = new Headers(src);
    eq(fromHeaders.get("a"), "1, 2", "from Headers");
    src.set("a", "3");
    eq(fromHeaders.get("a"), "1, 2", "a copy, not a view");

    const fromPairs = new Headers([
      ["a", "1"],
      new Set(["b", "2"]),
    ]);
    deepEq([...fromPairs], [["a", "1"], ["b", "2"]], "from pairs (any iterables)");

    const fromRecord = new Headers({ A: "1", b: 2 });
    deepEq([...fromRecord], [["a", "1"], ["b", "2"]], "from a record");

    const withHidden = Object.create({ inherited: "x" }, { own: { value: "y", enumerable: true }, hidden: { value: "z", enumerable: false } });
    deepEq([...new Headers(withHidden)], [["own", "y"]], "only own enumerable properties of a record");

    function* gen() {
      yield ["g", "1"];
    }
    deepEq([...new Headers(gen())], [["g", "1"]], "from a generator");

    deepEq([...new Headers(undefined)], [], "undefined is empty");
    throws(() => new Headers(null), TypeError, "record<ByteString, ByteString> or sequence<sequence<ByteString>>", "null");
    throws(() => new Headers("a"), TypeError, "is not of type", "string");
    throws(() => new Headers([["a"]]), TypeError, "header pair 0 has 1 items", "pair of one");
    throws(() => new Headers([["a", "b", "c"]]), TypeError, "header pair 0 has 3 items", "pair of three");
    throws(() => new Headers([["a", "1"], "ab"]), TypeError, "header pair 1 is a string", "pair that is not an object");
    throws(() => new Headers({ [Symbol.iterator]: 5 }), TypeError, "not a function", "non-callable iterator");
    throws(() => Headers(), TypeError, undefined, "called without new");
  },
};

export const immutableGuard = {
  test() {
    const h = Response.error().headers;
    throws(() => h.set("a", "b"), TypeError, "Headers are immutable", "set");
    throws(() => h.append("a", "b"), TypeError, "Headers are immutable", "append");
    throws(() => h.delete("a"), TypeError, "Headers are immutable", "delete");
    eq(h.get("a"), null, "reading still works");
    throws(() => h.append("a b", "v"), TypeError, "not a valid HTTP header name", "validation comes first");
  },
};

export const webIDL = {
  test() {
    throws(() => Headers.prototype.get.call({}, "a"), TypeError, "Illegal invocation", "brand check on get");
    throws(() => Headers.prototype.entries.call(new Response()), TypeError, "Illegal invocation", "brand check on entries");
    const it = new Headers().entries();
    throws(() => it.next.call({}), TypeError, "Illegal invocation", "brand check on next");
    throws(() => new Headers().append("a"), TypeError, "Failed to execute 'append' on 'Headers': 2 arguments required, but only 1 present.", "append arity");
    throws(() => new Headers().get(), TypeError, "Failed to execute 'get' on 'Headers': 1 argument required, but only 0 present.", "get arity");
    eq(Object.prototype.toString.call(new Headers()), "[object Headers]", "toStringTag");
    eq(Object.keys(Headers.prototype).includes("append"), true, "operations are enumerable");
    const d = Object.getOwnPropertyDescriptor(globalThis, "Headers");
    deepEq([d.writable, d.enumerable, d.configurable], [true, false, true], "global property attributes");
  },
};

export const survivesPatchedBuiltins = {
  test() {
    const saved = {
      push: Array.prototype.push,
      sort: Array.prototype.sort,
      join: Array.prototype.join,
      toLowerCase: String.prototype.toLowerCase,
      exec: RegExp.prototype.exec,
    };
    try {
      Array.prototype.push = () => {
        throw new Error("patched push");
      };
      Array.prototype.sort = () => {
        throw new Error("patched sort");
      };
      String.prototype.toLowerCase = () => "patched";
      RegExp.prototype.exec = () => null;
      const h = new Headers({ B: "2" });
      h.append("A", "1");
      eq(h.get("a"), "1", "get with patched built-ins");
      const keys = [];
      for (const k of h.keys()) keys[keys.length] = k;
      eq(keys.length === 2 && keys[0] === "a" && keys[1] === "b", true, "iteration with patched built-ins");
    } finally {
      Object.assign(Array.prototype, { push: saved.push, sort: saved.sort, join: saved.join });
      String.prototype.toLowerCase = saved.toLowerCase;
      RegExp.prototype.exec = saved.exec;
    }
  },
};
