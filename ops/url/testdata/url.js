// Cases for URL and URLSearchParams beyond the WPT data (url_test.go runs
// that): errors and their messages, searchParams liveness, the
// urlencoded parser and serializer, iterators, brand checks.

function eq(got, want, what) {
  if (!Object.is(got, want)) {
    throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
}

function eqJSON(got, want, what) {
  eq(JSON.stringify(got), JSON.stringify(want), what);
}

function throws(fn, Class, message, what) {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof Class)) throw new Error(`${what}: threw ${e}, want a ${Class.name}`);
    if (message !== undefined && e.message !== message) {
      throw new Error(`${what}: message ${JSON.stringify(e.message)}, want ${JSON.stringify(message)}`);
    }
    return;
  }
  throw new Error(`${what}: did not throw`);
}

export const constructorErrors = {
  test() {
    throws(() => new URL(), TypeError, "Failed to construct 'URL': 1 argument required, but only 0 present.", "no args");
    throws(() => new URL("foo"), TypeError, 'Invalid URL: "foo"', "relative without base");
    throws(() => new URL("http://a b/"), TypeError, 'Invalid URL: "http://a b/"', "space in host");
    throws(
      () => new URL("//:0", "http://x/"),
      TypeError,
      'Invalid URL: "//:0" with base "http://x/"',
      "bad input with base",
    );
    throws(
      () => new URL("a", "not a url"),
      TypeError,
      'Invalid base URL: "not a url" (while parsing "a")',
      "bad base",
    );
    throws(() => new URL("a", ""), TypeError, undefined, "an empty base is a base, and invalid");
    throws(() => new URL(Symbol("x")), TypeError, undefined, "a Symbol is not a string");
    // undefined as base means no base.
    eq(new URL("http://a/", undefined).href, "http://a/", "undefined base");
    eq(URL.length, 1, "URL.length");
    throws(() => URL("http://a/"), TypeError, undefined, "URL called without new");
  },
};

export const conversions = {
  test() {
    const u = new URL({ toString: () => "https://example.com/p" });
    eq(u.href, "https://example.com/p", "object with toString");
    eq(new URL(u).href, u.href, "URL from a URL");
    eq(new URL("/q", u).href, "https://example.com/q", "URL as base");
    // Lone surrogates become U+FFFD (USVString).
    eq(new URL("https://x/\uD800").pathname, "/%EF%BF%BD", "lone surrogate in path");
    eq(new URL("https://x/?\uDC00\uD83D\uDE00").search, "?%EF%BF%BD%F0%9F%98%80", "surrogates in query");
  },
};

export const components = {
  test() {
    const u = new URL("HTTPS://user:pa%20ss@EXAMPLE.com:8443/a/./b/../c?x=1&y=%20#Frag ment");
    eq(u.href, "https://user:pa%20ss@example.com:8443/a/c?x=1&y=%20#Frag%20ment", "href");
    eq(u.origin, "https://example.com:8443", "origin");
    eq(u.protocol, "https:", "protocol");
    eq(u.username, "user", "username");
    eq(u.password, "pa%20ss", "password");
    eq(u.host, "example.com:8443", "host");
    eq(u.hostname, "example.com", "hostname");
    eq(u.port, "8443", "port");
    eq(u.pathname, "/a/c", "pathname");
    eq(u.search, "?x=1&y=%20", "search");
    eq(u.hash, "#Frag%20ment", "hash");
    eq(new URL("http://[::1]:80/").host, "[::1]", "IPv6 host, default port dropped");
    eq(new URL("http://0x7f.1/").hostname, "127.0.0.1", "IPv4 shorthand");
    eq(new URL("https://faß.de/").hostname, "xn--fa-hia.de", "IDNA");
    eq(new URL("http://a/?").search, "", "empty query");
    eq(new URL("http://a/?").href, "http://a/?", "empty query keeps ?");
    eq(new URL("http://a/#").href, "http://a/#", "empty fragment keeps #");
    eq(new URL("blob:https://a.com:443/uuid").origin, "https://a.com", "blob origin");
    eq(new URL("data:text/plain,x").origin, "null", "opaque origin");
    eq(new URL("file:///etc/hosts").origin, "null", "file origin");
  },
};

export const stringifying = {
  test() {
    const u = new URL("https://example.com/a b");
    eq(u.toString(), "https://example.com/a%20b", "toString");
    eq(u.toJSON(), "https://example.com/a%20b", "toJSON");
    eq(`${u}`, "https://example.com/a%20b", "template");
    eq(JSON.stringify({ u }), '{"u":"https://example.com/a%20b"}', "JSON.stringify");
    eq(Object.prototype.toString.call(u), "[object URL]", "toStringTag");
  },
};

export const canParseAndParse = {
  test() {
    eq(URL.canParse("https://a/"), true, "absolute");
    eq(URL.canParse("a"), false, "relative");
    eq(URL.canParse("a", "https://b/"), true, "relative with base");
    eq(URL.canParse("a", "b"), false, "bad base");
    throws(() => URL.canParse(), TypeError, "Failed to execute 'canParse' on 'URL': 1 argument required, but only 0 present.", "canParse()");
    const p = URL.parse("c", "https://b/a/");
    eq(p instanceof URL, true, "parse gives a URL");
    eq(p.href, "https://b/a/c", "parse href");
    eq(p.searchParams.size, 0, "parse's searchParams");
    eq(URL.parse("nope"), null, "parse failure is null");
    eq(URL.parse("a", "nope"), null, "parse with bad base is null");
    throws(() => URL.parse(), TypeError, "Failed to execute 'parse' on 'URL': 1 argument required, but only 0 present.", "parse()");
  },
};

export const setters = {
  test() {
    const u = new URL("http://example.com/p?q#h");
    u.protocol = "https";
    eq(u.href, "https://example.com/p?q#h", "protocol");
    u.protocol = "mailto";
    eq(u.protocol, "https:", "special to non-special refused");
    u.username = "us er";
    u.password = "p@ss";
    eq(u.href, "https://us%20er:p%40ss@example.com/p?q#h", "userinfo");
    u.host = "other.org:444";
    eq(u.host, "other.org:444", "host");
    u.hostname = "third.net";
    eq(u.host, "third.net:444", "hostname keeps port");
    u.port = "443";
    eq(u.port, "", "default port dropped");
    u.port = "99999";
    eq(u.port, "", "out-of-range port refused");
    u.port = "8080abc";
    eq(u.port, "8080", "port stops at a non-digit");
    u.pathname = "a b/c";
    eq(u.pathname, "/a%20b/c", "pathname");
    u.search = "x=1";
    eq(u.search, "?x=1", "search");
    u.hash = "frag";
    eq(u.hash, "#frag", "hash");
    eq(u.origin, "https://third.net:8080", "origin follows");
    u.hash = "";
    u.search = "";
    eq(u.href, "https://us%20er:p%40ss@third.net:8080/a%20b/c", "cleared search and hash");
    u.href = "ws://x/";
    eq(u.origin, "ws://x", "href setter");
    throws(() => (u.href = "::"), TypeError, 'Invalid URL: "::"', "bad href");
    eq(u.href, "ws://x/", "bad href leaves the URL");
    const set = Object.getOwnPropertyDescriptor(URL.prototype, "pathname").set;
    throws(() => set.call(u), TypeError, "Failed to set the 'pathname' property on 'URL': 1 argument required, but only 0 present.", "setter without value");
  },
};

export const searchParamsLive = {
  test() {
    const u = new URL("https://example.com/path?a=1&b=2#frag");
    const sp = u.searchParams;
    eq(u.searchParams, sp, "same object every time");
    eq(sp.get("a"), "1", "reads the query");
    sp.append("c", "x y");
    eq(u.href, "https://example.com/path?a=1&b=2&c=x+y#frag", "append updates href, fragment kept");
    eq(u.search, "?a=1&b=2&c=x+y", "and search");
    sp.set("a", "é");
    eq(u.search, "?a=%C3%A9&b=2&c=x+y", "set");
    sp.delete("b");
    sp.delete("c");
    sp.delete("a");
    eq(u.href, "https://example.com/path#frag", "an empty list drops the ?");
    eq(u.search, "", "empty search");
    u.search = "?z=9&z=8";
    eqJSON(sp.getAll("z"), ["9", "8"], "search setter updates the list");
    u.href = "https://example.com/?k=v";
    eqJSON([...sp], [["k", "v"]], "href setter updates the list");
    u.search = "";
    eq(sp.size, 0, "cleared search empties the list");
    u.hash = "h";
    sp.append("q", "1");
    eq(u.href, "https://example.com/?q=1#h", "append after the list was emptied");
    sp.sort();
    eq(u.href, "https://example.com/?q=1#h", "sort rewrites the same query");
    // Equal by value after the update steps: the href reparses the same.
    eq(new URL(u.href).href, u.href, "a rewritten href reparses to itself");
  },
};

export const searchParamsOpaquePath = {
  test() {
    const u = new URL("sc:opaque  ?x=1");
    eq(u.pathname, "opaque  ", "trailing spaces kept while there is a query");
    u.searchParams.delete("x");
    eq(u.href, "sc:opaque", "spaces stripped once query and fragment are null");
    eq(u.pathname, "opaque", "pathname follows");
    const v = new URL("sc:opaque  ?x=1#f");
    v.searchParams.delete("x");
    eq(v.href, "sc:opaque  #f", "kept while there is a fragment");
    const w = new URL("sc://host/p");
    w.searchParams.append("a", "b");
    eq(w.href, "sc://host/p?a=b", "non-special URL gets a query");
  },
};

export const searchParamsConstruct = {
  test() {
    eq(new URLSearchParams().toString(), "", "no init");
    eq(new URLSearchParams("?a=1").get("a"), "1", "leading ? stripped");
    eq(new URLSearchParams("??a=1").get("?a"), "1", "only one ? stripped");
    eqJSON([...new URLSearchParams([["a", "1"], ["b", 2]])], [["a", "1"], ["b", "2"]], "pairs");
    eqJSON([...new URLSearchParams({ a: "1", b: "2" })], [["a", "1"], ["b", "2"]], "record");
    eqJSON([...new URLSearchParams(new Map([["m", "v"]]))], [["m", "v"]], "iterable of iterables");
    const src = new URLSearchParams("x=1&x=2");
    eqJSON([...new URLSearchParams(src)], [["x", "1"], ["x", "2"]], "copy of a URLSearchParams");
    throws(
      () => new URLSearchParams([["a", "1", "2"]]),
      TypeError,
      "Failed to construct 'URLSearchParams': Sequence initializer must only contain pair elements (found one with 3).",
      "triple",
    );
    throws(() => new URLSearchParams([["a"]]), TypeError, undefined, "single");
    throws(() => new URLSearchParams([1]), TypeError, undefined, "non-object item");
    throws(() => new URLSearchParams({ [Symbol("s")]: "1" }), TypeError, undefined, "symbol key");
    const hidden = Object.defineProperty({ shown: "1" }, "hidden", { value: "2", enumerable: false });
    eqJSON([...new URLSearchParams(hidden)], [["shown", "1"]], "record skips non-enumerable keys");
    eq(URLSearchParams.length, 0, "URLSearchParams.length");
    eq(new URLSearchParams(null).toString(), "null=", "null is the string null");
  },
};

export const urlencodedParsing = {
  test() {
    const p = new URLSearchParams("a=%zz&b=%C3%A9&c=+x+&d=%FF&e=%E2%82&f=%2B&&g&=h&i==j&%F0%9F%98%80=k");
    eqJSON(
      [...p],
      [
        ["a", "%zz"],
        ["b", "é"],
        ["c", " x "],
        ["d", "\uFFFD"],
        ["e", "\uFFFD"],
        ["f", "+"],
        ["g", ""],
        ["", "h"],
        ["i", "=j"],
        ["😀", "k"],
      ],
      "decoding",
    );
    eq(new URLSearchParams("x=%E2%82é").get("x"), "\uFFFDé", "cut-short sequence before a literal");
    eq(new URLSearchParams("x=%ED%A0%80").get("x"), "\uFFFD\uFFFD\uFFFD", "an encoded surrogate");
    eq(new URLSearchParams("x=%").get("x"), "%", "lone percent");
    eq(new URLSearchParams("x=%4").get("x"), "%4", "short escape");
    eq(new URLSearchParams("&&&").size, 0, "only separators");
  },
};

export const urlencodedSerializing = {
  test() {
    const p = new URLSearchParams();
    p.append("a b", "c+d");
    p.append("*-._", "~!'()");
    p.append("é", "😀");
    p.append("lone", "\uD800");
    p.append("", "");
    eq(
      p.toString(),
      "a+b=c%2Bd&*-._=%7E%21%27%28%29&%C3%A9=%F0%9F%98%80&lone=%EF%BF%BD&=",
      "serializer",
    );
    eq(new URLSearchParams(p.toString()).toString(), p.toString(), "round trip");
  },
};

export const methods = {
  test() {
    const p = new URLSearchParams("a=1&b=2&a=3&c=4&a=1");
    eq(p.size, 5, "size");
    eq(p.get("a"), "1", "get first");
    eq(p.get("zz"), null, "get missing");
    eqJSON(p.getAll("a"), ["1", "3", "1"], "getAll");
    eq(p.has("a"), true, "has");
    eq(p.has("a", "3"), true, "has with value");
    eq(p.has("a", "9"), false, "has with other value");
    eq(p.has("a", undefined), true, "has with undefined value is has(name)");
    p.delete("a", "1");
    eq(p.toString(), "b=2&a=3&c=4", "delete with value");
    p.delete("a", undefined);
    eq(p.toString(), "b=2&c=4", "delete with undefined value");
    p.append("b", "5");
    p.set("b", "6");
    eq(p.toString(), "b=6&c=4", "set replaces the first and drops the rest");
    p.set("d", "7");
    eq(p.toString(), "b=6&c=4&d=7", "set appends a new name");
    throws(
      () => p.append("x"),
      TypeError,
      "Failed to execute 'append' on 'URLSearchParams': 2 arguments required, but only 1 present.",
      "append arity",
    );
    throws(() => p.get(), TypeError, "Failed to execute 'get' on 'URLSearchParams': 1 argument required, but only 0 present.", "get arity");
    throws(() => p.set("a"), TypeError, undefined, "set arity");
    throws(() => p.delete(), TypeError, undefined, "delete arity");
    throws(() => p.has(), TypeError, undefined, "has arity");
    throws(() => p.getAll(), TypeError, undefined, "getAll arity");
  },
};

export const sorting = {
  test() {
    const p = new URLSearchParams("z=1&a=2&z=3&a=4&b=5");
    p.sort();
    eq(p.toString(), "a=2&a=4&b=5&z=1&z=3", "stable");
    // By UTF-16 code units: U+1F600 (D83D DE00) sorts before U+FFFD.
    const q = new URLSearchParams([["\uFFFD", "1"], ["😀", "2"], ["ﬃ", "3"]]);
    q.sort();
    eqJSON([...q.keys()], ["😀", "ﬃ", "\uFFFD"], "code units");
  },
};

export const iteration = {
  test() {
    const p = new URLSearchParams("a=1&b=2");
    eq(URLSearchParams.prototype[Symbol.iterator], URLSearchParams.prototype.entries, "@@iterator is entries");
    const it = p.entries();
    eq(Object.prototype.toString.call(it), "[object URLSearchParams Iterator]", "iterator tag");
    const proto = Object.getPrototypeOf(it);
    eq(Object.getPrototypeOf(proto), Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())), "%IteratorPrototype%");
    eq(proto, Object.getPrototypeOf(p.keys()), "one prototype for all kinds");
    eq(it[Symbol.iterator](), it, "iterators are iterable");
    eqJSON(it.next(), { value: ["a", "1"], done: false }, "first");
    p.append("c", "3");
    eqJSON(it.next(), { value: ["b", "2"], done: false }, "second");
    eqJSON(it.next(), { value: ["c", "3"], done: false }, "live: sees an append");
    eqJSON(it.next(), { done: true }, "done");
    eqJSON([...p.keys()], ["a", "b", "c"], "keys");
    eqJSON([...p.values()], ["1", "2", "3"], "values");
    throws(() => proto.next.call({}), TypeError, "Failed to execute 'next' on 'URLSearchParams Iterator': Illegal invocation", "next brand");
  },
};

export const forEachCases = {
  test() {
    const p = new URLSearchParams("a=1&b=2");
    const seen = [];
    const self = {};
    p.forEach(function (value, name, params) {
      seen.push([name, value, this === self, params === p]);
      if (name === "a") p.append("c", "3");
    }, self);
    eqJSON(seen, [["a", "1", true, true], ["b", "2", true, true], ["c", "3", true, true]], "forEach");
    throws(() => p.forEach(), TypeError, "Failed to execute 'forEach' on 'URLSearchParams': 1 argument required, but only 0 present.", "forEach arity");
    throws(() => p.forEach(1), TypeError, "Failed to execute 'forEach' on 'URLSearchParams': parameter 1 is not of type 'Function'.", "forEach callback");
  },
};

export const brandChecks = {
  test() {
    const href = Object.getOwnPropertyDescriptor(URL.prototype, "href");
    throws(() => href.get.call({}), TypeError, "Failed to read the 'href' property from 'URL': Illegal invocation", "href getter");
    throws(() => href.set.call({}, "x"), TypeError, "Failed to set the 'href' property on 'URL': Illegal invocation", "href setter");
    throws(() => URL.prototype.toString.call({}), TypeError, "Failed to execute 'toString' on 'URL': Illegal invocation", "toString");
    throws(() => URL.prototype.toJSON.call(new URLSearchParams()), TypeError, undefined, "toJSON on URLSearchParams");
    throws(() => Object.create(URL.prototype).href, TypeError, undefined, "a bare URL.prototype object");
    throws(() => URLSearchParams.prototype.append.call({}, "a", "b"), TypeError, "Failed to execute 'append' on 'URLSearchParams': Illegal invocation", "append");
    const size = Object.getOwnPropertyDescriptor(URLSearchParams.prototype, "size");
    throws(() => size.get.call(new URL("http://a/")), TypeError, undefined, "size on a URL");
    throws(() => URL.prototype.searchParams, TypeError, undefined, "searchParams on the prototype");
  },
};

export const webIDLShape = {
  test() {
    const enumerable = [];
    for (const k in URL.prototype) enumerable.push(k);
    for (const k of ["href", "origin", "searchParams", "hash", "toJSON", "toString"]) {
      if (!enumerable.includes(k)) throw new Error(`URL.prototype.${k} is not enumerable`);
    }
    eq(Object.getOwnPropertyDescriptor(URL, "canParse").enumerable, true, "canParse enumerable");
    eq(Object.getOwnPropertyDescriptor(URL, "prototype").writable, false, "URL.prototype not writable");
    eq(Object.getOwnPropertyDescriptor(globalThis, "URL").enumerable, false, "global URL not enumerable");
    eq(Object.getOwnPropertyDescriptor(URL.prototype, "origin").set, undefined, "origin is read-only");
    eq(Object.prototype.toString.call(new URLSearchParams()), "[object URLSearchParams]", "URLSearchParams tag");
    class MyURL extends URL {}
    const m = new MyURL("http://a/b");
    eq(m.pathname, "/b", "subclass");
    eq(m instanceof URL, true, "subclass instance");
  },
};

export const tamperedBuiltins = {
  test() {
    const saved = {
      push: Array.prototype.push,
      slice: String.prototype.slice,
      indexOf: String.prototype.indexOf,
      sort: Array.prototype.sort,
      stringify: JSON.stringify,
    };
    const boom = () => {
      throw new Error("a built-in the URL code captured was called through its replacement");
    };
    Array.prototype.push = boom;
    String.prototype.slice = boom;
    String.prototype.indexOf = boom;
    Array.prototype.sort = boom;
    JSON.stringify = boom;
    let href, err;
    try {
      const u = new URL("https://a/?b=2&a=1");
      u.searchParams.sort();
      u.searchParams.append("c", "é");
      href = u.href;
      try {
        new URL("nope");
      } catch (e) {
        err = e.message;
      }
    } finally {
      Array.prototype.push = saved.push;
      String.prototype.slice = saved.slice;
      String.prototype.indexOf = saved.indexOf;
      Array.prototype.sort = saved.sort;
      JSON.stringify = saved.stringify;
    }
    eq(href, "https://a/?a=1&b=2&c=%C3%A9", "works with replaced built-ins");
    eq(err, 'Invalid URL: "nope"', "error message with replaced built-ins");
  },
};

export const longInputs = {
  test() {
    // Linear in the input: many separators and no "=".
    const s = "a&".repeat(200000);
    const p = new URLSearchParams(s);
    eq(p.size, 200000, "many pairs");
    const long = "https://example.com/" + "x".repeat(5000);
    throws(() => new URL(long + " ::", "nope"), TypeError, undefined, "long input");
    try {
      new URL("http://a b/" + "y".repeat(5000));
    } catch (e) {
      if (e.message.length > 1200) throw new Error(`error message is ${e.message.length} characters long`);
    }
  },
};

export const updateStepsEdgeCases = {
  test() {
    const u = new URL("http://example.com/?");
    u.searchParams.sort();
    eq(u.href, "http://example.com/", "sorting an empty list drops the empty query");
    const v = new URL("http://example.org/file??a=b&c=d");
    eq(v.searchParams.toString(), "%3Fa=b&c=d", "a URL's query is parsed without stripping ?");
    const w = new URL("http://www.example.com/?a=b,c");
    w.searchParams.append("x", "y");
    eq(w.href, "http://www.example.com/?a=b%2Cc&x=y", "the update steps reserialize the whole query");
    const n = new URL("http://www.example.com/");
    n.searchParams.append("a\nb", "c\rd");
    eq(n.href, "http://www.example.com/?a%0Ab=c%0Dd", "no newline normalization");
  },
};

export const iterationWhileDeleting = {
  test() {
    const u = new URL("http://localhost/query?param0=0&param1=1&param2=2");
    const seen = [];
    for (const [k] of u.searchParams) {
      seen.push(k);
      if (k === "param0") u.searchParams.delete("param1");
    }
    eqJSON(seen, ["param0", "param2"], "deleting the next pair while iterating");
  },
};

export const customIterators = {
  test() {
    const init = [["a", "b"]];
    init[Symbol.iterator] = function* () {
      yield ["c", "d"];
    };
    eq(new URLSearchParams(init).toString(), "c=d", "the init's own iterator is used");
    const pair = ["e", "f"];
    pair[Symbol.iterator] = function* () {
      yield "g";
      yield "h";
    };
    eq(new URLSearchParams([pair]).toString(), "g=h", "a pair's own iterator is used");
    throws(() => new URLSearchParams({ [Symbol.iterator]: 1 }), TypeError, undefined, "non-callable @@iterator");
    eq(new URLSearchParams({ "c\uD83D": "23" }).toString(), "c%EF%BF%BD=23", "record keys are USVStrings");
  },
};
