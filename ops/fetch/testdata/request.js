import { eq, deepEq, ok, throws, rejects, bytes, utf8 } from "./assert.js";

export const defaults = {
  test() {
    const r = new Request("https://example.com/a?b#c");
    eq(r.method, "GET", "method");
    eq(r.url, "https://example.com/a?b#c", "url");
    eq(r.redirect, "follow", "redirect");
    eq(r.body, null, "body");
    eq(r.bodyUsed, false, "bodyUsed");
    eq(r.cf, undefined, "cf");
    deepEq([...r.headers], [], "headers");
    ok(r.headers instanceof Headers, "headers is a Headers");
    eq(r.headers, r.headers, "the same Headers each time");
    eq(Object.prototype.toString.call(r), "[object Request]", "toStringTag");
    if (typeof AbortSignal === "function") {
      ok(r.signal instanceof AbortSignal, "signal is an AbortSignal");
      eq(r.signal.aborted, false, "signal not aborted");
    }
  },
};

export const urlParsing = {
  test() {
    eq(new Request("HTTPS://EXAMPLE.com:443/x y").url, "https://example.com/x%20y", "URL normalized");
    throws(() => new Request("/relative"), TypeError, "Invalid URL", "relative URL");
    throws(() => new Request("/relative"), TypeError, "must be absolute", "relative URL says why");
    throws(() => new Request("http://"), TypeError, "Invalid URL", "bad URL");
    throws(() => new Request("https://user:pw@example.com/"), TypeError, "credentials", "URL with credentials");
    throws(() => new Request(), TypeError, "Failed to construct 'Request': 1 argument required, but only 0 present.", "no arguments");
    eq(new Request({ toString: () => "https://example.com/o" }).url, "https://example.com/o", "input converted with toString");
  },
};

export const methods = {
  test() {
    for (const [given, want] of [
      ["get", "GET"],
      ["post", "POST"],
      ["Put", "PUT"],
      ["delete", "DELETE"],
      ["head", "HEAD"],
      ["options", "OPTIONS"],
      ["patch", "patch"],
      ["PATCH", "PATCH"],
      ["custom", "custom"],
    ]) {
      eq(new Request("https://example.com/", { method: given }).method, want, `method ${given}`);
    }
    for (const bad of ["CONNECT", "trace", "Track"]) {
      throws(() => new Request("https://example.com/", { method: bad }), TypeError, "forbidden", `forbidden method ${bad}`);
    }
    throws(() => new Request("https://example.com/", { method: "a b" }), TypeError, "not a valid HTTP method", "method with a space");
    throws(() => new Request("https://example.com/", { method: "" }), TypeError, "not a valid HTTP method", "empty method");
  },
};

export const getAndHeadHaveNoBody = {
  test() {
    throws(() => new Request("https://example.com/", { body: "x" }), TypeError, "GET/HEAD method cannot have body", "GET with body");
    throws(() => new Request("https://example.com/", { method: "HEAD", body: "x" }), TypeError, "GET/HEAD method cannot have body", "HEAD with body");
    eq(new Request("https://example.com/", { body: null }).body, null, "GET with null body is fine");
    const post = new Request("https://example.com/", { method: "POST", body: "x" });
    throws(() => new Request(post, { method: "GET" }), TypeError, "GET/HEAD method cannot have body", "GET from a request with a body");
  },
};

export const redirectMode = {
  test() {
    eq(new Request("https://example.com/", { redirect: "manual" }).redirect, "manual", "manual");
    eq(new Request("https://example.com/", { redirect: "error" }).redirect, "error", "error");
    throws(() => new Request("https://example.com/", { redirect: "bogus" }), TypeError, "'bogus' is not a valid enum value of type RequestRedirect", "bad enum");
  },
};

export const cf = {
  test() {
    const cf = { cacheTtl: 5 };
    const r = new Request("https://example.com/", { cf });
    eq(r.cf, cf, "cf from init");
    eq(new Request(r).cf, cf, "cf copied from the input request");
  },
};

export const stringBody = {
  async test() {
    const r = new Request("https://example.com/", { method: "POST", body: "héllo" });
    eq(r.headers.get("content-type"), "text/plain;charset=UTF-8", "content-type for a string");
    eq(r.bodyUsed, false, "not used yet");
    eq(await r.text(), "héllo", "text()");
    eq(r.bodyUsed, true, "used after text()");
    await rejects(r.text(), TypeError, "Body has already been used", "text() twice");
    await rejects(r.arrayBuffer(), TypeError, "Body has already been used", "arrayBuffer() after text()");
  },
};

export const contentTypeNotOverridden = {
  async test() {
    const r = new Request("https://example.com/", { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } });
    eq(r.headers.get("content-type"), "application/json", "given content-type kept");
    deepEq(await r.json(), {}, "json()");
  },
};

export const bytesBodies = {
  async test() {
    const buf = new Uint8Array([104, 105, 0, 255]).buffer;
    const r = new Request("https://example.com/", { method: "PUT", body: buf });
    eq(r.headers.get("content-type"), null, "no content-type for bytes");
    new Uint8Array(buf)[0] = 0;
    const ab = await r.arrayBuffer();
    ok(ab instanceof ArrayBuffer, "arrayBuffer() is an ArrayBuffer");
    deepEq(new Uint8Array(ab), bytes(104, 105, 0, 255), "body was copied when the request was made");

    const big = new Uint8Array([1, 2, 3, 4, 5, 6]);
    const view = new Uint16Array(big.buffer, 2, 2);
    deepEq(await new Request("https://example.com/", { method: "POST", body: view }).bytes(), bytes(3, 4, 5, 6), "typed array view");
    const dv = new DataView(big.buffer, 1, 3);
    deepEq(await new Request("https://example.com/", { method: "POST", body: dv }).bytes(), bytes(2, 3, 4), "DataView");
    const b = await new Request("https://example.com/", { method: "POST", body: "é" }).bytes();
    ok(b instanceof Uint8Array, "bytes() is a Uint8Array");
    deepEq(b, bytes(0xc3, 0xa9), "string encoded as UTF-8");
    eq(await new Request("https://example.com/", { method: "POST", body: utf8("日本語 ✓") }).text(), "日本語 ✓", "UTF-8 decoded");
    eq(await new Request("https://example.com/", { method: "POST", body: bytes(0xef, 0xbb, 0xbf, 0x41) }).text(), "A", "BOM dropped");
    eq(await new Request("https://example.com/", { method: "POST", body: bytes(0x41, 0xe2, 0x82, 0x42, 0xff) }).text(), "A\uFFFDB\uFFFD", "invalid UTF-8 replaced per maximal subpart");
    eq(await new Request("https://example.com/", { method: "POST", body: "a\uD800b" }).text(), "a\uD800b".toWellFormed(), "lone surrogate in a string body");
    deepEq(await new Request("https://example.com/", { method: "POST", body: "a\uD800" }).bytes(), bytes(0x61, 0xef, 0xbf, 0xbd), "lone surrogate encoded as U+FFFD");
  },
};

export const otherBodies = {
  async test() {
    if (typeof URLSearchParams === "function") {
      const r = new Request("https://example.com/", { method: "POST", body: new URLSearchParams({ a: "1 2", b: "é" }) });
      eq(r.headers.get("content-type"), "application/x-www-form-urlencoded;charset=UTF-8", "form content-type");
      eq(await r.text(), "a=1+2&b=%C3%A9", "form body");
    }
    const o = new Request("https://example.com/", { method: "POST", body: { toString: () => "obj" } });
    eq(await o.text(), "obj", "other objects are strings");
    eq(o.headers.get("content-type"), "text/plain;charset=UTF-8", "as text/plain");
    eq(await new Request("https://example.com/", { method: "POST", body: 12 }).text(), "12", "numbers are strings");
  },
};

export const emptyBody = {
  async test() {
    const r = new Request("https://example.com/");
    eq(await r.text(), "", "text() of no body");
    eq(r.bodyUsed, false, "a null body is never used");
    eq((await r.arrayBuffer()).byteLength, 0, "arrayBuffer() of no body");
    eq((await r.bytes()).length, 0, "bytes() of no body");
    await rejects(r.json(), SyntaxError, undefined, "json() of no body");
    const e = new Request("https://example.com/", { method: "POST", body: "" });
    eq(await e.text(), "", "empty string body");
    eq(e.bodyUsed, true, "an empty body is used after reading");
  },
};

export const jsonBody = {
  async test() {
    deepEq(await new Request("https://example.com/", { method: "POST", body: '{"a":[1,"é"]}' }).json(), { a: [1, "é"] }, "json()");
    await rejects(new Request("https://example.com/", { method: "POST", body: "{" }).json(), SyntaxError, undefined, "bad JSON");
  },
};

export const copyFromRequest = {
  async test() {
    const a = new Request("https://example.com/a", { method: "POST", body: "data", headers: { "X-A": "1" }, redirect: "manual" });
    const b = new Request(a);
    eq(b.url, "https://example.com/a", "url copied");
    eq(b.method, "POST", "method copied");
    eq(b.redirect, "manual", "redirect copied");
    eq(b.headers.get("x-a"), "1", "headers copied");
    ok(b.headers !== a.headers, "a new Headers");
    b.headers.set("x-a", "2");
    eq(a.headers.get("x-a"), "1", "headers are a copy");
    eq(a.bodyUsed, true, "the input's body moved");
    eq(a.body.locked, true, "the input's body stream is locked");
    eq(await b.text(), "data", "body moved to the new request");
    throws(() => new Request(a), TypeError, "already been used", "copying a used request");

    const c = new Request(new Request("https://example.com/c", { method: "POST", body: "x", headers: { A: "1" } }), {
      method: "PUT",
      headers: { B: "2" },
      body: "y",
    });
    eq(c.method, "PUT", "method overridden");
    deepEq([...c.headers], [["b", "2"], ["content-type", "text/plain;charset=UTF-8"]], "headers replaced by init.headers");
    eq(await c.text(), "y", "body from init");
  },
};

export const initFromARequest = {
  async test() {
    const a = new Request("https://example.com/a", { method: "PUT", body: "data", headers: { x: "1" }, redirect: "manual" });
    const b = new Request("https://example.com/b", a);
    eq(b.url, "https://example.com/b", "url from input");
    eq(b.method, "PUT", "method from the request used as init");
    eq(b.redirect, "manual", "redirect");
    eq(b.headers.get("x"), "1", "headers");
    eq(await b.text(), "data", "body");
  },
};

export const clone = {
  async test() {
    const a = new Request("https://example.com/", { method: "POST", body: "abc", headers: { x: "1" } });
    const b = a.clone();
    eq(b.url, a.url, "url");
    eq(b.method, "POST", "method");
    eq(b.headers.get("x"), "1", "headers");
    ok(b.headers !== a.headers, "own headers");
    eq(await a.text(), "abc", "original body");
    eq(await b.text(), "abc", "clone body");
    throws(() => a.clone(), TypeError, "already used", "clone after use");
    const bin = new Request("https://example.com/", { method: "POST", body: bytes(1, 2) });
    const binClone = bin.clone();
    const first = await bin.bytes();
    first[0] = 9;
    deepEq(await binClone.bytes(), bytes(1, 2), "clones do not share bytes");
  },
};

export const streamBody = {
  async test() {
    const r = new Request("https://example.com/", { method: "POST", body: "streamed" });
    const s = r.body;
    ok(s instanceof ReadableStream, "body is a ReadableStream");
    eq(r.body, s, "the same stream each time");
    eq(r.bodyUsed, false, "getting the stream does not use the body");
    const reader = s.getReader();
    const chunks = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(...value);
    }
    deepEq(new Uint8Array(chunks), utf8("streamed"), "stream bytes");
    eq(r.bodyUsed, true, "used after reading the stream");
    await rejects(r.text(), TypeError, "Body has already been used", "text() after reading the stream");

    const fromStream = new Request("https://example.com/", {
      method: "POST",
      body: new ReadableStream({
        start(c) {
          c.enqueue(utf8("a"));
          c.enqueue(utf8("bc"));
          c.close();
        },
      }),
    });
    eq(fromStream.headers.get("content-type"), null, "no content-type for a stream");
    eq(await fromStream.text(), "abc", "text() of a stream body");

    const locked = new ReadableStream();
    locked.getReader();
    throws(() => new Request("https://example.com/", { method: "POST", body: locked }), TypeError, "locked", "locked stream");
  },
};

export const cloneStream = {
  async test() {
    const a = new Request("https://example.com/", {
      method: "POST",
      body: new ReadableStream({
        start(c) {
          c.enqueue(utf8("tee"));
          c.close();
        },
      }),
    });
    const b = a.clone();
    eq(await a.text(), "tee", "original");
    eq(await b.text(), "tee", "clone");
  },
};

export const webIDL = {
  test() {
    throws(() => Object.getOwnPropertyDescriptor(Request.prototype, "method").get.call({}), TypeError, "Illegal invocation", "brand check");
    throws(() => Request.prototype.clone.call(new Response()), TypeError, "Illegal invocation", "clone on a Response");
    throws(() => new Request("https://example.com/", 5), TypeError, "RequestInit", "init not an object");
    for (const k of ["method", "url", "headers", "redirect", "body", "bodyUsed", "text", "json", "arrayBuffer", "bytes", "clone"]) {
      ok(k in Request.prototype, `Request.prototype.${k} exists`);
    }
  },
};

export const bodyMethodsBrandCheck = {
  async test() {
    await rejects(Request.prototype.text.call({}), TypeError, "Illegal invocation", "text on a plain object");
  },
};
