import { eq, deepEq, ok, throws, rejects, bytes, utf8 } from "./assert.js";

export const defaults = {
  async test() {
    const r = new Response();
    eq(r.status, 200, "status");
    eq(r.ok, true, "ok");
    eq(r.statusText, "", "statusText");
    eq(r.type, "default", "type");
    eq(r.url, "", "url");
    eq(r.redirected, false, "redirected");
    eq(r.body, null, "body");
    eq(r.bodyUsed, false, "bodyUsed");
    deepEq([...r.headers], [], "headers");
    eq(await r.text(), "", "text()");
    eq(Object.prototype.toString.call(r), "[object Response]", "toStringTag");
  },
};

export const statusAndText = {
  test() {
    const r = new Response("x", { status: 404, statusText: "Not Found" });
    eq(r.status, 404, "status");
    eq(r.ok, false, "ok for 404");
    eq(r.statusText, "Not Found", "statusText");
    eq(new Response(null, { status: 299 }).ok, true, "ok for 299");
    eq(new Response(null, { status: 300 }).ok, false, "ok for 300");
    for (const bad of [0, 199, 600, 1000]) {
      throws(() => new Response(null, { status: bad }), RangeError, `(${bad}) is outside the range [200, 599]`, `status ${bad}`);
    }
    throws(() => new Response(null, { status: 65536 + 100 }), RangeError, "(100)", "status wraps as an unsigned short");
    eq(new Response(null, { status: "201" }).status, 201, "status converted to a number");
    throws(() => new Response(null, { statusText: "a\nb" }), TypeError, "Invalid statusText", "statusText with a newline");
    throws(() => new Response(null, { statusText: "\u0100" }), TypeError, "ByteString", "statusText above U+00FF");
    eq(new Response(null, { statusText: "ok\tthen é" }).statusText, "ok\tthen é", "tabs and obs-text are allowed");
    throws(() => new Response(null, 5), TypeError, "ResponseInit", "init not an object");
  },
};

export const nullBodyStatuses = {
  test() {
    for (const s of [204, 205, 304]) {
      throws(() => new Response("x", { status: s }), TypeError, `null body status (${s}) cannot have body`, `status ${s} with a body`);
      throws(() => new Response("", { status: s }), TypeError, "cannot have body", `status ${s} with an empty body`);
      eq(new Response(null, { status: s }).status, s, `status ${s} without a body`);
      eq(new Response(undefined, { status: s }).body, null, `status ${s} with undefined`);
    }
  },
};

export const headersInit = {
  test() {
    const r = new Response("x", { headers: { "X-A": "1", "Content-Type": "text/html" } });
    eq(r.headers.get("x-a"), "1", "header from init");
    eq(r.headers.get("content-type"), "text/html", "content-type not overridden");
    eq(new Response("x").headers.get("content-type"), "text/plain;charset=UTF-8", "default content-type for text");
    eq(new Response(bytes(1)).headers.get("content-type"), null, "no content-type for bytes");
    r.headers.set("x-b", "2");
    eq(r.headers.get("x-b"), "2", "response headers are mutable");
  },
};

export const bodies = {
  async test() {
    eq(await new Response("héllo").text(), "héllo", "string");
    const ab = new Uint8Array([1, 2, 3]).buffer;
    const r = new Response(ab);
    new Uint8Array(ab)[0] = 7;
    deepEq(await r.bytes(), bytes(1, 2, 3), "ArrayBuffer copied at construction");
    deepEq(new Uint8Array(await new Response(new Int16Array([1, -1])).arrayBuffer()), bytes(1, 0, 255, 255), "typed array");
    deepEq(await new Response(new DataView(new Uint8Array([5, 6, 7]).buffer, 1)).bytes(), bytes(6, 7), "DataView");
    deepEq(await new Response('{"a":1}').json(), { a: 1 }, "json()");
    eq(await new Response(utf8("日本")).text(), "日本", "bytes decoded as UTF-8");
  },
};

export const usedTwice = {
  async test() {
    const r = new Response("once");
    eq(await r.text(), "once", "first read");
    eq(r.bodyUsed, true, "bodyUsed");
    await rejects(r.text(), TypeError, "Body has already been used", "text() again");
    await rejects(r.json(), TypeError, "Body has already been used", "json() again");
    await rejects(r.arrayBuffer(), TypeError, "Body has already been used", "arrayBuffer() again");
    await rejects(r.bytes(), TypeError, "Body has already been used", "bytes() again");
    throws(() => r.clone(), TypeError, "already used", "clone() after use");
    const spent = r.body;
    ok(spent instanceof ReadableStream, "body after text() is still a stream");
    eq(spent.locked, true, "and it is locked");
    throws(() => spent.getReader(), TypeError, undefined, "so it cannot be read again");
    eq(r.bodyUsed, true, "bodyUsed stays true");
  },
};

export const clone = {
  async test() {
    const r = new Response("abc", { status: 201, statusText: "Made", headers: { x: "1" } });
    const c = r.clone();
    eq(c.status, 201, "status");
    eq(c.statusText, "Made", "statusText");
    eq(c.headers.get("x"), "1", "headers");
    ok(c.headers !== r.headers, "own headers");
    eq(await c.text(), "abc", "clone body");
    eq(await r.text(), "abc", "original body");
    const e = Response.error().clone();
    eq(e.type, "error", "clone of an error");
    throws(() => e.headers.set("a", "b"), TypeError, "Headers are immutable", "clone keeps the guard");
  },
};

export const initFromAResponse = {
  async test() {
    const orig = new Response("x", { status: 201, statusText: "Created", headers: { a: "1" } });
    const copy = new Response(orig.body, orig);
    eq(copy.status, 201, "status from the response used as init");
    eq(copy.statusText, "Created", "statusText");
    eq(copy.headers.get("a"), "1", "headers");
    copy.headers.set("b", "2");
    eq(orig.headers.get("b"), null, "headers copied, not shared");
    eq(await copy.text(), "x", "body stream carried over");
    eq(orig.bodyUsed, true, "the original's stream was read");
    const fromError = new Response("y", Response.redirect("https://example.com/", 301));
    eq(fromError.headers.get("location"), "https://example.com/", "headers of an immutable Headers copied");
    fromError.headers.set("location", "elsewhere");
    eq(fromError.headers.get("location"), "elsewhere", "and the copy is mutable");
  },
};

export const json = {
  async test() {
    const r = Response.json({ a: [1, "é"] });
    eq(r.status, 200, "status");
    eq(r.headers.get("content-type"), "application/json", "content-type");
    eq(await r.text(), '{"a":[1,"é"]}', "body");
    const r2 = Response.json("x", { status: 422, headers: { "content-type": "application/problem+json", a: "b" } });
    eq(r2.status, 422, "status from init");
    eq(r2.headers.get("content-type"), "application/problem+json", "content-type from init kept");
    eq(r2.headers.get("a"), "b", "headers from init");
    throws(() => Response.json(undefined), TypeError, "not JSON serializable", "undefined");
    throws(() => Response.json(() => 1), TypeError, "a function is not JSON serializable", "a function");
    const cyclic = {};
    cyclic.self = cyclic;
    throws(() => Response.json(cyclic), TypeError, undefined, "cyclic data");
    throws(() => Response.json(1n), TypeError, undefined, "bigint");
    throws(() => Response.json({}, { status: 204 }), TypeError, "cannot have body", "null body status");
    throws(() => Response.json(), TypeError, "1 argument required", "no arguments");
  },
};

export const redirect = {
  test() {
    const r = Response.redirect("https://example.com/a b");
    eq(r.status, 302, "default status");
    eq(r.headers.get("location"), "https://example.com/a%20b", "Location is the parsed URL");
    eq(r.body, null, "no body");
    for (const s of [301, 302, 303, 307, 308]) eq(Response.redirect("https://example.com/", s).status, s, `status ${s}`);
    for (const s of [200, 300, 304, 309]) {
      throws(() => Response.redirect("https://example.com/", s), RangeError, `Invalid status code ${s}`, `status ${s}`);
    }
    throws(() => Response.redirect("/relative"), TypeError, "Invalid URL", "relative URL");
    throws(() => r.headers.set("location", "x"), TypeError, "Headers are immutable", "immutable headers");
    throws(() => Response.redirect(), TypeError, "1 argument required", "no arguments");
  },
};

export const error = {
  async test() {
    const r = Response.error();
    eq(r.status, 0, "status");
    eq(r.type, "error", "type");
    eq(r.ok, false, "ok");
    eq(r.statusText, "", "statusText");
    eq(r.body, null, "body");
    throws(() => r.headers.append("a", "b"), TypeError, "Headers are immutable", "immutable headers");
    eq(await r.text(), "", "text()");
  },
};

export const streamBody = {
  async test() {
    const r = new Response(
      new ReadableStream({
        start(c) {
          c.enqueue(utf8("he"));
          c.enqueue(utf8("llo"));
          c.close();
        },
      }),
    );
    eq(r.headers.get("content-type"), null, "no content-type for a stream");
    eq(await r.text(), "hello", "text() of a stream");
    eq(r.bodyUsed, true, "used");

    const s = new Response("xyz").body;
    ok(s instanceof ReadableStream, "body of a string response is a stream");
    const reader = s.getReader();
    const first = await reader.read();
    deepEq(first.value, utf8("xyz"), "stream chunk");
    eq((await reader.read()).done, true, "then done");

    const bad = new Response(
      new ReadableStream({
        start(c) {
          c.enqueue("not bytes");
          c.close();
        },
      }),
    );
    await rejects(bad.text(), TypeError, "string", "a stream of strings");

    const failing = new Response(
      new ReadableStream({
        pull() {
          throw new RangeError("source broke");
        },
      }),
    );
    await rejects(failing.arrayBuffer(), RangeError, "source broke", "a stream that errors");
  },
};

export const cloneStream = {
  async test() {
    const r = new Response(
      new ReadableStream({
        start(c) {
          c.enqueue(utf8("one"));
          c.enqueue(utf8("two"));
          c.close();
        },
      }),
    );
    const c = r.clone();
    eq(await c.text(), "onetwo", "clone");
    eq(await r.text(), "onetwo", "original");
    const used = new Response(new ReadableStream());
    used.body.getReader();
    throws(() => used.clone(), TypeError, "already used", "clone of a locked body");
    await rejects(used.text(), TypeError, "Body has already been used", "text() of a locked body");
  },
};

export const webIDL = {
  async test() {
    throws(() => Object.getOwnPropertyDescriptor(Response.prototype, "status").get.call(new Request("https://example.com/")), TypeError, "Illegal invocation", "status on a Request");
    await rejects(Response.prototype.json.call({}), TypeError, "Illegal invocation", "json on a plain object");
    throws(() => Response(), TypeError, undefined, "called without new");
    ok(Object.keys(Response.prototype).includes("status"), "attributes are enumerable");
  },
};

export const pollutedObjectPrototype = {
  async test() {
    Object.prototype.status = 404;
    Object.prototype.headers = { injected: "yes" };
    try {
      const r = new Response("x");
      eq(r.status, 200, "status not taken from Object.prototype");
      eq(r.headers.get("injected"), null, "headers not taken from Object.prototype");
      eq(await r.text(), "x", "body");
    } finally {
      delete Object.prototype.status;
      delete Object.prototype.headers;
    }
  },
};
