// Cases for the KV binding. Each export is run as its own fetch request by
// kv_test.go: test(env) gets the worker's env, with KV and SAME bound to
// namespace "ns1", OTHER to "ns2", LIST to "listns", BIG to "bigns" and
// DEFAULT_NS to the namespace of its own name. Cases marked manual are run
// by a Go test that does something around them (moves the store's clock,
// seeds or reads the store, uses a pool without a store).

// ---------------------------------------------------------------------------
// Assertions: every failure says what was checked, what came and what was
// wanted.

function show(v) {
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof Uint8Array) return `Uint8Array[${Array.from(v).join(",")}]`;
  if (v instanceof Map) return `Map${show([...v])}`;
  try {
    const s = JSON.stringify(v);
    if (s !== undefined) return s;
  } catch {}
  return String(v);
}

function eq(actual, expected, what) {
  if (!Object.is(actual, expected)) throw new Error(`${what}: got ${show(actual)}, want ${show(expected)}`);
}

function deepEq(actual, expected, what) {
  const a = show(actual);
  const e = show(expected);
  if (a !== e) throw new Error(`${what}: got ${a}, want ${e}`);
}

function ok(cond, what) {
  if (!cond) throw new Error(`${what}: not true`);
}

function bytesEq(actual, expected, what) {
  const a = new Uint8Array(actual);
  const e = new Uint8Array(expected);
  if (a.length !== e.length) throw new Error(`${what}: got ${a.length} bytes, want ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== e[i]) throw new Error(`${what}: byte ${i} is ${a[i]}, want ${e[i]}`);
  }
}

// rejects checks that fn() returns a promise (rather than throwing) that
// rejects with an instance of Class whose message is exactly message (or
// includes it, when message is {includes}).
async function rejects(fn, Class, message, what) {
  let p;
  try {
    p = fn();
  } catch (e) {
    throw new Error(`${what}: threw synchronously (${e && e.name}: ${e && e.message}); KV methods must return a rejected promise`);
  }
  ok(p instanceof Promise, `${what}: returns a Promise`);
  try {
    await p;
  } catch (e) {
    if (!(e instanceof Class)) throw new Error(`${what}: rejected with ${e && e.name}: ${e && e.message}, want a ${Class.name}`);
    if (Class === Error && e.constructor !== Error) throw new Error(`${what}: rejected with a ${e.constructor.name}, want a plain Error`);
    const m = String(e.message);
    if (typeof message === "string" ? m !== message : !m.includes(message.includes)) {
      throw new Error(`${what}: message ${show(m)}, want ${show(message)}`);
    }
    return e;
  }
  throw new Error(`${what}: did not reject, want a ${Class.name}`);
}

async function readAll(stream) {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function pattern(n, seed = 7) {
  const u8 = new Uint8Array(n);
  for (let i = 0; i < n; i++) u8[i] = (i * 31 + seed) & 0xff;
  return u8;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const MiB = 1 << 20;

// ---------------------------------------------------------------------------
// The class and its binding.

export const bindingShape = {
  async test(env) {
    eq(Object.prototype.toString.call(env.KV), "[object KVNamespace]", "toStringTag");
    eq(typeof globalThis.KVNamespace, "undefined", "KVNamespace is not a global");
    const C = Object.getPrototypeOf(env.KV).constructor;
    try {
      new C();
      throw new Error("new KVNamespace() did not throw");
    } catch (e) {
      ok(e instanceof TypeError, "new KVNamespace() throws a TypeError");
      eq(e.message, "Failed to construct 'KVNamespace': Illegal constructor", "constructor message");
    }
    for (const m of ["get", "getWithMetadata", "put", "delete", "list"]) {
      eq(typeof env.KV[m], "function", `env.KV.${m}`);
    }
    deepEq(Object.keys(env.KV), [], "own enumerable properties of a namespace");
    ok(env.KV !== env.SAME, "each binding has its own object");
  },
};

export const brandChecks = {
  async test(env) {
    const proto = Object.getPrototypeOf(env.KV);
    await rejects(() => proto.get.call({}, "k"), TypeError, "Failed to execute 'get' on 'KVNamespace': Illegal invocation", "get on a plain object");
    await rejects(() => proto.put.call(null, "k", "v"), TypeError, "Failed to execute 'put' on 'KVNamespace': Illegal invocation", "put on null");
    await rejects(() => proto.list.call(proto), TypeError, "Failed to execute 'list' on 'KVNamespace': Illegal invocation", "list on the prototype");
    await rejects(() => proto.delete.call(1, "k"), TypeError, "Failed to execute 'delete' on 'KVNamespace': Illegal invocation", "delete on a number");
    await rejects(
      () => proto.getWithMetadata.call({}, "k"),
      TypeError,
      "Failed to execute 'getWithMetadata' on 'KVNamespace': Illegal invocation",
      "getWithMetadata on a plain object",
    );
  },
};

export const argumentCounts = {
  async test(env) {
    await rejects(() => env.KV.get(), TypeError, "Failed to execute 'get' on 'KVNamespace': 1 argument required, but only 0 present.", "get()");
    await rejects(
      () => env.KV.getWithMetadata(),
      TypeError,
      "Failed to execute 'getWithMetadata' on 'KVNamespace': 1 argument required, but only 0 present.",
      "getWithMetadata()",
    );
    await rejects(() => env.KV.put("k"), TypeError, "Failed to execute 'put' on 'KVNamespace': 2 arguments required, but only 1 present.", "put(k)");
    await rejects(() => env.KV.delete(), TypeError, "Failed to execute 'delete' on 'KVNamespace': 1 argument required, but only 0 present.", "delete()");
    eq(await env.KV.get("argumentCounts/undefined-key-is-a-string"), null, "get of an absent key");
  },
};

// ---------------------------------------------------------------------------
// get and put.

export const getAbsent = {
  async test(env) {
    const k = "getAbsent/none";
    eq(await env.KV.get(k), null, "get");
    for (const type of ["text", "json", "arrayBuffer", "stream"]) {
      eq(await env.KV.get(k, type), null, `get(${type})`);
      eq(await env.KV.get(k, { type }), null, `get({type: ${type}})`);
      const r = await env.KV.getWithMetadata(k, type);
      eq(r.value, null, `getWithMetadata(${type}).value`);
      eq(r.metadata, null, `getWithMetadata(${type}).metadata`);
      ok(r.cacheStatus === null || r.cacheStatus === "MISS" || r.cacheStatus === "HIT", `cacheStatus ${show(r.cacheStatus)}`);
      deepEq(Object.keys(r), ["value", "metadata", "cacheStatus"], "getWithMetadata's properties");
    }
  },
};

export const putGetText = {
  async test(env) {
    const k = "putGetText/k";
    const v = "héllo, wörld 🙂 \u0000 end";
    eq(await env.KV.put(k, v), undefined, "put resolves to undefined");
    eq(await env.KV.get(k), v, "get (read-your-writes in one request)");
    eq(await env.KV.get(k, "text"), v, 'get(k, "text")');
    eq(await env.KV.get(k, {}), v, "get(k, {})");
    eq(await env.KV.get(k, null), v, "get(k, null)");
    eq(await env.KV.get(k, { type: "text", cacheTtl: 60 }), v, "get with cacheTtl 60");
    eq(await env.KV.get(k, { cacheTtl: 86400 }), v, "get with cacheTtl 86400");
    const bytes = new Uint8Array(await env.KV.get(k, "arrayBuffer"));
    bytesEq(bytes, new TextEncoder().encode(v), "a string is stored as UTF-8");
    await env.KV.put(k, "");
    eq(await env.KV.get(k), "", "an empty string is a value, not an absence");
  },
};

export const putPrimitives = {
  async test(env) {
    await env.KV.put("putPrimitives/n", 123.5);
    eq(await env.KV.get("putPrimitives/n"), "123.5", "a number is stored as its string");
    await env.KV.put("putPrimitives/b", false);
    eq(await env.KV.get("putPrimitives/b"), "false", "a boolean is stored as its string");
    await env.KV.put(42, "numeric key");
    eq(await env.KV.get("42"), "numeric key", "a number key is converted to a string");
    await rejects(
      () => env.KV.put("putPrimitives/s", Symbol("x")),
      TypeError,
      "Failed to execute 'put' on 'KVNamespace': parameter 2 is a symbol, which cannot be converted to a string.",
      "a symbol value",
    );
  },
};

export const putRejectsOtherObjects = {
  async test(env) {
    const msg = "KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.";
    for (const [what, v] of [
      ["a plain object", { a: 1 }],
      ["an array", [1, 2]],
      ["a function", () => "x"],
      ["a Blob-like object", { arrayBuffer() {} }],
    ]) {
      await rejects(() => env.KV.put("putRejectsOtherObjects/k", v), TypeError, msg, what);
    }
    eq(await env.KV.get("putRejectsOtherObjects/k"), null, "nothing was written");
  },
};

export const putGetJSON = {
  async test(env) {
    const k = "putGetJSON/k";
    const v = { a: [1, 2, { b: "ü" }], n: null, t: true };
    await env.KV.put(k, JSON.stringify(v));
    deepEq(await env.KV.get(k, "json"), v, 'get(k, "json")');
    deepEq(await env.KV.get(k, { type: "json", cacheTtl: 120 }), v, "get(k, {type: json})");
    const r = await env.KV.getWithMetadata(k, { type: "json" });
    deepEq(r.value, v, "getWithMetadata json value");
    await env.KV.put(k, "not json");
    await rejects(() => env.KV.get(k, "json"), SyntaxError, { includes: "" }, "get json of a value that is not JSON");
    await rejects(() => env.KV.getWithMetadata(k, "json"), SyntaxError, { includes: "" }, "getWithMetadata json of a value that is not JSON");
  },
};

export const putArrayBuffer = {
  async test(env) {
    const k = "putArrayBuffer/k";
    const src = pattern(1000);
    await env.KV.put(k, src.buffer.slice(0));
    const ab = await env.KV.get(k, "arrayBuffer");
    ok(ab instanceof ArrayBuffer, "get arrayBuffer gives an ArrayBuffer");
    bytesEq(ab, src, "the bytes");
    const again = await env.KV.get(k, "arrayBuffer");
    ok(again !== ab, "each get gives a fresh ArrayBuffer");
    new Uint8Array(ab)[0] ^= 0xff;
    bytesEq(await env.KV.get(k, "arrayBuffer"), src, "changing a result does not change the store");
  },
};

export const putViews = {
  async test(env) {
    const base = pattern(64);
    const cases = [
      ["a Uint8Array with an offset", new Uint8Array(base.buffer, 5, 20), base.slice(5, 25)],
      ["a DataView", new DataView(base.buffer, 8, 16), base.slice(8, 24)],
      ["a Uint16Array", new Uint16Array(base.buffer, 2, 4), base.slice(2, 10)],
      ["a Float64Array", new Float64Array(base.buffer, 8, 2), base.slice(8, 24)],
      ["a Uint8Array over a SharedArrayBuffer", new Uint8Array(new SharedArrayBuffer(3)).fill(9), new Uint8Array([9, 9, 9])],
      ["an empty Uint8Array", new Uint8Array(0), new Uint8Array(0)],
    ];
    for (const [what, view, want] of cases) {
      await env.KV.put("putViews/k", view);
      bytesEq(await env.KV.get("putViews/k", "arrayBuffer"), want, what);
    }
  },
};

export const largeValues = {
  async test(env) {
    // Larger than the 1 MiB scratch buffer, both ways.
    const k = "largeValues/k";
    const src = pattern(3 * MiB + 5, 3);
    await env.KV.put(k, src);
    bytesEq(await env.KV.get(k, "arrayBuffer"), src, "3 MiB through arrayBuffer");
    bytesEq(await readAll(await env.KV.get(k, "stream")), src, "3 MiB through stream");
    const r = await env.KV.getWithMetadata(k, "arrayBuffer");
    bytesEq(r.value, src, "3 MiB through getWithMetadata arrayBuffer");
    const text = "é".repeat(MiB);
    await env.KV.put(k, text);
    eq(await env.KV.get(k), text, "a 2 MiB string");
  },
};

export const valueAtTheLimit = {
  async test(env) {
    const k = "valueAtTheLimit/k";
    await env.KV.put(k, new Uint8Array(25 * MiB));
    eq((await env.KV.get(k, "arrayBuffer")).byteLength, 25 * MiB, "a value of exactly 25 MiB is stored");
    await env.KV.delete(k);
  },
};

export const valueTooLarge = {
  async test(env) {
    const k = "valueTooLarge/k";
    const msg = "KV PUT failed: 413 Value length of 26214401 exceeds limit of 26214400.";
    await rejects(() => env.KV.put(k, new Uint8Array(25 * MiB + 1)), Error, msg, "a Uint8Array one byte too large");
    await rejects(() => env.KV.put(k, new ArrayBuffer(25 * MiB + 1)), Error, msg, "an ArrayBuffer one byte too large");
    await rejects(() => env.KV.put(k, "x".repeat(25 * MiB + 1)), Error, msg, "a string one byte too large");
    // 25 MiB / 2 + 1 characters of two bytes each.
    await rejects(
      () => env.KV.put(k, "é".repeat(12.5 * MiB + 1)),
      Error,
      "KV PUT failed: 413 Value length of 26214402 exceeds limit of 26214400.",
      "a string whose UTF-8 is too large",
    );
    eq(await env.KV.get(k), null, "nothing was written");
  },
};

export const getStream = {
  async test(env) {
    const k = "getStream/k";
    await env.KV.put(k, "hello stream");
    const s = await env.KV.get(k, "stream");
    ok(s instanceof ReadableStream, "get stream gives a ReadableStream");
    eq(new TextDecoder().decode(await readAll(s)), "hello stream", "its bytes");
    const byob = (await env.KV.get(k, { type: "stream" })).getReader({ mode: "byob" });
    const { value } = await byob.read(new Uint8Array(5));
    eq(new TextDecoder().decode(value), "hello", "a BYOB read of a stream value");
    await env.KV.put(k, "");
    const empty = await env.KV.get(k, "stream");
    eq((await readAll(empty)).length, 0, "an empty value is an empty stream");
  },
};

export const putStream = {
  async test(env) {
    const k = "putStream/k";
    const parts = ["one,", "two,", "", "three"];
    let i = 0;
    const s = new ReadableStream({
      pull(c) {
        if (i < parts.length) c.enqueue(new TextEncoder().encode(parts[i++]));
        else c.close();
      },
    });
    await env.KV.put(k, s);
    eq(await env.KV.get(k), "one,two,three", "a default stream of Uint8Array chunks");
    ok(s.locked, "the stream is consumed");

    const big = pattern(2 * MiB + 3, 11);
    let off = 0;
    const bytes = new ReadableStream({
      type: "bytes",
      pull(c) {
        if (off >= big.length) return c.close();
        const n = Math.min(300000, big.length - off);
        c.enqueue(big.slice(off, off + n));
        off += n;
      },
    });
    await env.KV.put(k, bytes);
    bytesEq(await env.KV.get(k, "arrayBuffer"), big, "a byte stream of several chunks");

    await env.KV.put(k, new Response("from a body").body);
    eq(await env.KV.get(k), "from a body", "a Response body");

    await env.KV.put(k, new ReadableStream({ start: (c) => c.close() }));
    eq(await env.KV.get(k), "", "an empty stream");

    await env.KV.put(k, new ReadableStream({ start: (c) => (c.enqueue(new DataView(new Uint8Array([65, 66]).buffer)), c.close()) }));
    eq(await env.KV.get(k), "AB", "a DataView chunk");
  },
};

export const putStreamTooLarge = {
  async test(env) {
    const k = "putStreamTooLarge/k";
    let pulls = 0;
    let cancelled = null;
    const endless = new ReadableStream({
      pull(c) {
        pulls++;
        c.enqueue(new Uint8Array(MiB));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const e = await rejects(
      () => env.KV.put(k, endless),
      Error,
      "KV PUT failed: 413 Value length exceeds limit of 26214400: the stream had yielded 27262976 bytes when reading stopped.",
      "an endless stream",
    );
    ok(pulls <= 27, `reading stopped at the limit (${pulls} chunks pulled)`);
    eq(cancelled, e, "the stream was cancelled with the error");
    eq(await env.KV.get(k), null, "nothing was written");
  },
};

export const putStreamErrors = {
  async test(env) {
    const k = "putStreamErrors/k";
    let cancelled = false;
    const strings = new ReadableStream({
      start(c) {
        c.enqueue("text chunk");
      },
      cancel() {
        cancelled = true;
      },
    });
    await rejects(
      () => env.KV.put(k, strings),
      TypeError,
      "KV put() can only store a ReadableStream of bytes (ArrayBufferView chunks), but a chunk was string.",
      "a stream of strings",
    );
    ok(cancelled, "the stream of strings was cancelled");

    const failing = new ReadableStream({
      start(c) {
        c.enqueue(new Uint8Array([1]));
        c.error(new RangeError("source broke"));
      },
    });
    await rejects(() => env.KV.put(k, failing), RangeError, "source broke", "a stream that errors");

    const locked = new ReadableStream();
    locked.getReader();
    await rejects(() => env.KV.put(k, locked), TypeError, { includes: "lock" }, "a locked stream");
    eq(await env.KV.get(k), null, "nothing was written");

    // A bad key is refused before the stream is read.
    let pulled = false;
    const untouched = new ReadableStream({ pull: () => void (pulled = true) }, { highWaterMark: 0 });
    await rejects(() => env.KV.put("", untouched), TypeError, "Key name cannot be empty.", "a stream put with an empty key");
    ok(!pulled && !untouched.locked, "the stream was not read");
  },
};

export const putOverwrites = {
  async test(env) {
    const k = "putOverwrites/k";
    await env.KV.put(k, "first", { metadata: { v: 1 } });
    await env.KV.put(k, "second");
    const r = await env.KV.getWithMetadata(k);
    eq(r.value, "second", "the latest value");
    eq(r.metadata, null, "a put without metadata drops the old metadata");
  },
};

export const deleteKeys = {
  async test(env) {
    const k = "deleteKeys/k";
    await env.KV.put(k, "v");
    eq(await env.KV.delete(k), undefined, "delete resolves to undefined");
    eq(await env.KV.get(k), null, "a deleted key is absent");
    eq(await env.KV.delete(k), undefined, "deleting an absent key is not an error");
    await rejects(() => env.KV.delete(""), TypeError, "Key name cannot be empty.", "delete('')");
    await rejects(
      () => env.KV.delete("x".repeat(600)),
      Error,
      "KV DELETE failed: 414 UTF-8 encoded length of 600 exceeds key length limit of 512.",
      "delete of a long key",
    );
  },
};

// ---------------------------------------------------------------------------
// Keys, types and options.

export const keyValidation = {
  async test(env) {
    await rejects(() => env.KV.get(""), TypeError, "Key name cannot be empty.", "get('')");
    await rejects(() => env.KV.put("", "v"), TypeError, "Key name cannot be empty.", "put('')");
    await rejects(() => env.KV.get("."), TypeError, '"." is not allowed as a key name.', "get('.')");
    await rejects(() => env.KV.put("..", "v"), TypeError, '".." is not allowed as a key name.', "put('..')");
    await rejects(() => env.KV.getWithMetadata(".."), TypeError, '".." is not allowed as a key name.', "getWithMetadata('..')");
    await rejects(
      () => env.KV.get("a".repeat(513)),
      Error,
      "KV GET failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.",
      "get of a 513-byte key",
    );
    await rejects(
      () => env.KV.put("é".repeat(257), "v"),
      Error,
      "KV PUT failed: 414 UTF-8 encoded length of 514 exceeds key length limit of 512.",
      "put of a 257-character, 514-byte key",
    );
    await rejects(
      () => env.KV.put("🙂".repeat(128) + "x", "v"),
      Error,
      "KV PUT failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.",
      "a key of surrogate pairs",
    );
    await rejects(() => env.KV.get(Symbol("k")), TypeError, { includes: "symbol" }, "a symbol key");

    for (const key of ["a".repeat(512), "🙂".repeat(128), "é".repeat(256), "...", "a/../b", " ", "\u0000"]) {
      await env.KV.put(key, "ok:" + key);
      eq(await env.KV.get(key), "ok:" + key, `key ${show(key.slice(0, 12))} of ${new TextEncoder().encode(key).length} bytes`);
      await env.KV.delete(key);
    }
    // A lone surrogate is a USVString's U+FFFD, as Cloudflare converts keys.
    await env.KV.put("keyValidation/\uD800", "lone");
    eq(await env.KV.get("keyValidation/\uFFFD"), "lone", "a lone surrogate in a key becomes U+FFFD");
  },
};

export const unknownTypes = {
  async test(env) {
    const msg = 'Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".';
    await rejects(() => env.KV.get("unknownTypes/k", "blob"), TypeError, msg, 'get(k, "blob")');
    await rejects(() => env.KV.get("unknownTypes/k", { type: "Text" }), TypeError, msg, "get(k, {type: 'Text'})");
    await rejects(() => env.KV.getWithMetadata("unknownTypes/k", "xml"), TypeError, msg, "getWithMetadata(k, 'xml')");
    await rejects(() => env.KV.get("unknownTypes/k", 5), TypeError, msg, "get(k, 5)");
  },
};

export const cacheTtlValidation = {
  async test(env) {
    await rejects(
      () => env.KV.get("cacheTtlValidation/k", { cacheTtl: 30 }),
      Error,
      "KV GET failed: 400 Invalid cache_ttl of 30. Cache TTL must be at least 60.",
      "cacheTtl 30",
    );
    await rejects(
      () => env.KV.getWithMetadata("cacheTtlValidation/k", { cacheTtl: -1 }),
      Error,
      "KV GET failed: 400 Invalid cache_ttl of -1. Cache TTL must be at least 60.",
      "cacheTtl -1",
    );
    await rejects(
      () => env.KV.get("cacheTtlValidation/k", { cacheTtl: "abc" }),
      Error,
      "KV GET failed: 400 Invalid cache_ttl of 0. Cache TTL must be at least 60.",
      "cacheTtl that is not a number",
    );
    eq(await env.KV.get("cacheTtlValidation/k", { cacheTtl: 60.9 }), null, "cacheTtl 60.9 is 60");
  },
};

export const metadata = {
  async test(env) {
    const k = "metadata/k";
    const meta = { owner: "zoë", tags: ["🙂", "a\"b"], n: 1.5, nested: { ok: true } };
    await env.KV.put(k, "with metadata", { metadata: meta });
    for (const type of ["text", "arrayBuffer", "stream"]) {
      const r = await env.KV.getWithMetadata(k, type);
      deepEq(r.metadata, meta, `metadata through getWithMetadata(${type})`);
      ok(r.cacheStatus === null || r.cacheStatus === "MISS" || r.cacheStatus === "HIT", `cacheStatus ${show(r.cacheStatus)}`);
      deepEq(Object.keys(r), ["value", "metadata", "cacheStatus"], `getWithMetadata(${type})'s properties`);
      if (type === "text") eq(r.value, "with metadata", `value (${type})`);
      if (type === "arrayBuffer") {
        ok(r.value instanceof ArrayBuffer, "an ArrayBuffer value");
        eq(new TextDecoder().decode(r.value), "with metadata", "value (arrayBuffer)");
      }
      if (type === "stream") eq(new TextDecoder().decode(await readAll(r.value)), "with metadata", "value (stream)");
    }
    eq(await env.KV.get(k), "with metadata", "get ignores metadata");

    for (const m of ["a string", 42, [1, 2], false]) {
      await env.KV.put(k, "v", { metadata: m });
      deepEq((await env.KV.getWithMetadata(k)).metadata, m, `metadata ${show(m)}`);
    }
    await env.KV.put(k, "", { metadata: { empty: true } });
    const r = await env.KV.getWithMetadata(k, "arrayBuffer");
    eq(r.value.byteLength, 0, "an empty value with metadata");
    deepEq(r.metadata, { empty: true }, "the metadata of an empty value");
    await env.KV.put(k, "v", { metadata: null });
    eq((await env.KV.getWithMetadata(k)).metadata, null, "metadata null is no metadata");
    await env.KV.put(k, "v", { metadata: { toJSON: () => ({ via: "toJSON" }) } });
    deepEq((await env.KV.getWithMetadata(k)).metadata, { via: "toJSON" }, "metadata goes through JSON.stringify");
  },
};

export const metadataValidation = {
  async test(env) {
    const k = "metadataValidation/k";
    await rejects(
      () => env.KV.put(k, "v", { metadata: { s: "x".repeat(1017) } }),
      Error,
      "KV PUT failed: 413 Metadata length of 1025 exceeds limit of 1024.",
      "1025 bytes of metadata",
    );
    // 510 two-byte characters: 518 UTF-16 units but 1028 bytes of JSON.
    await rejects(
      () => env.KV.put(k, "v", { metadata: { s: "é".repeat(510) } }),
      Error,
      "KV PUT failed: 413 Metadata length of 1028 exceeds limit of 1024.",
      "metadata measured in UTF-8 bytes",
    );
    await rejects(
      () => env.KV.put(k, "v", { metadata: () => 1 }),
      TypeError,
      "Failed to execute 'put' on 'KVNamespace': metadata cannot be serialized as JSON (JSON.stringify returned undefined).",
      "a function as metadata",
    );
    await rejects(() => env.KV.put(k, "v", { metadata: { n: 1n } }), TypeError, { includes: "BigInt" }, "a BigInt in metadata");
    await rejects(
      () => env.KV.put(k, "v", "options"),
      TypeError,
      "Failed to execute 'put' on 'KVNamespace': parameter 3 is not of type 'KVNamespacePutOptions'.",
      "options that are not an object",
    );
    eq(await env.KV.get(k), null, "nothing was written");
    await env.KV.put(k, "v", { metadata: { s: "x".repeat(1016) } });
    eq((await env.KV.getWithMetadata(k)).metadata.s.length, 1016, "1024 bytes of metadata are allowed");
  },
};

export const expirationValidation = {
  async test(env) {
    const k = "expirationValidation/k";
    await rejects(
      () => env.KV.put(k, "v", { expirationTtl: 59 }),
      Error,
      "KV PUT failed: 400 Invalid expiration_ttl of 59. Expiration TTL must be at least 60.",
      "expirationTtl 59",
    );
    await rejects(
      () => env.KV.put(k, "v", { expirationTtl: 0 }),
      Error,
      "KV PUT failed: 400 Invalid expiration_ttl of 0. Please specify integer greater than 0.",
      "expirationTtl 0",
    );
    await rejects(
      () => env.KV.put(k, "v", { expirationTtl: -100 }),
      Error,
      "KV PUT failed: 400 Invalid expiration_ttl of -100. Please specify integer greater than 0.",
      "expirationTtl -100",
    );
    const past = nowSeconds() - 10;
    await rejects(
      () => env.KV.put(k, "v", { expiration: past }),
      Error,
      `KV PUT failed: 400 Invalid expiration of ${past}. Please specify integer greater than the current number of seconds since the UNIX epoch.`,
      "an expiration in the past",
    );
    const soon = nowSeconds() + 30;
    await rejects(
      () => env.KV.put(k, "v", { expiration: soon }),
      Error,
      `KV PUT failed: 400 Invalid expiration of ${soon}. Expiration times must be at least 60 seconds in the future.`,
      "an expiration 30 s ahead",
    );
    eq(await env.KV.get(k), null, "nothing was written");
  },
};

export const expirationStored = {
  async test(env) {
    const exp = nowSeconds() + 3600;
    await env.LIST.put("expirationStored/abs", "v", { expiration: exp + 0.7 });
    const before = nowSeconds();
    await env.LIST.put("expirationStored/ttl", "v", { expirationTtl: 120 });
    const after = nowSeconds();
    // Both given: expirationTtl wins, as on Cloudflare.
    await env.LIST.put("expirationStored/both", "v", { expiration: exp, expirationTtl: 300 });
    await env.LIST.put("expirationStored/none", "v");
    const { keys } = await env.LIST.list({ prefix: "expirationStored/" });
    const by = Object.fromEntries(keys.map((k) => [k.name, k]));
    eq(by["expirationStored/abs"].expiration, exp, "an absolute expiration (truncated to seconds)");
    const ttl = by["expirationStored/ttl"].expiration;
    ok(ttl >= before + 120 && ttl <= after + 120, `expirationTtl 120 gives now+120 (got ${ttl}, now ${before}..${after})`);
    const both = by["expirationStored/both"].expiration;
    ok(both >= before + 300 && both <= nowSeconds() + 300, `expirationTtl wins over expiration (got ${both})`);
    ok(!("expiration" in by["expirationStored/none"]), "a key without expiration has no expiration property");
    eq(await env.LIST.get("expirationStored/ttl"), "v", "a key with a future expiration is readable");
  },
};

export const namespacesAreSeparate = {
  async test(env) {
    const k = "namespacesAreSeparate/k";
    await env.KV.put(k, "in ns1");
    eq(await env.OTHER.get(k), null, "another namespace does not see the key");
    eq(await env.SAME.get(k), "in ns1", "a second binding of the same namespace does");
    await env.OTHER.put(k, "in ns2");
    eq(await env.KV.get(k), "in ns1", "writing the other namespace leaves this one");
    await env.SAME.delete(k);
    eq(await env.KV.get(k), null, "a delete through the second binding");
    eq(await env.OTHER.get(k), "in ns2", "the other namespace keeps its key");
  },
};

export const invalidUTF8 = {
  async test(env) {
    // Truncated, overlong, surrogate, out-of-range and stray bytes: text
    // reads decode them as TextDecoder does, one U+FFFD per maximal
    // invalid subpart.
    const bytes = new Uint8Array([
      0x61, 0xe2, 0x82, 0x62, 0xf0, 0x9f, 0x99, 0xff, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xe0, 0x80, 0x63, 0xf0,
      0x9f, 0x99, 0x82, 0x80, 0xc2,
    ]);
    const want = new TextDecoder().decode(bytes);
    await env.KV.put("invalidUTF8/k", bytes);
    eq(await env.KV.get("invalidUTF8/k"), want, "get text");
    eq((await env.KV.getWithMetadata("invalidUTF8/k")).value, want, "getWithMetadata text");
    eq((await env.KV.get(["invalidUTF8/k"])).get("invalidUTF8/k"), want, "bulk get text");
    bytesEq(await env.KV.get("invalidUTF8/k", "arrayBuffer"), bytes, "the bytes are kept as they are");
  },
};

// ---------------------------------------------------------------------------
// Bulk reads.

export const bulkGet = {
  async test(env) {
    await env.KV.put("bulkGet/a", "A");
    await env.KV.put("bulkGet/b", JSON.stringify({ b: 2 }));
    const m = await env.KV.get(["bulkGet/b", "bulkGet/missing", "bulkGet/a"]);
    ok(m instanceof Map, "an array of keys gives a Map");
    deepEq([...m], [["bulkGet/b", '{"b":2}'], ["bulkGet/missing", null], ["bulkGet/a", "A"]], "the Map, in the order asked");
    const j = await env.KV.get(["bulkGet/b"], "json");
    deepEq(j.get("bulkGet/b"), { b: 2 }, "json values are parsed");
    const j2 = await env.KV.get(["bulkGet/b", "bulkGet/missing"], { type: "json", cacheTtl: 60 });
    deepEq([...j2], [["bulkGet/b", { b: 2 }], ["bulkGet/missing", null]], "json with options");
    await rejects(
      () => env.KV.get(["bulkGet/a"], "json"),
      Error,
      "KV GET_BULK failed: 400 At least one of the requested keys corresponds to a non-json value",
      "bulk json of a non-JSON value",
    );
    const dup = await env.KV.get(["bulkGet/a", "bulkGet/a"]);
    eq(dup.size, 1, "a key asked twice is one entry");
    const keys = [];
    for (let i = 0; i < 100; i++) keys.push(`bulkGet/many/${i}`);
    await env.KV.put("bulkGet/many/42", "forty-two");
    const many = await env.KV.get(keys);
    eq(many.size, 100, "100 keys at once");
    eq(many.get("bulkGet/many/42"), "forty-two", "the one present key");
  },
};

export const bulkGetWithMetadata = {
  async test(env) {
    await env.KV.put("bulkMeta/a", "A", { metadata: { m: "a" } });
    await env.KV.put("bulkMeta/b", "[1,2]");
    await env.KV.put("bulkMeta/empty", "", { metadata: 0 });
    const m = await env.KV.getWithMetadata(["bulkMeta/a", "bulkMeta/b", "bulkMeta/none", "bulkMeta/empty"]);
    ok(m instanceof Map, "a Map");
    deepEq(
      [...m],
      [
        ["bulkMeta/a", { value: "A", metadata: { m: "a" } }],
        ["bulkMeta/b", { value: "[1,2]", metadata: null }],
        ["bulkMeta/none", null],
        ["bulkMeta/empty", { value: "", metadata: 0 }],
      ],
      "values with metadata",
    );
    const j = await env.KV.getWithMetadata(["bulkMeta/b"], { type: "json" });
    deepEq(j.get("bulkMeta/b"), { value: [1, 2], metadata: null }, "json values with metadata");
  },
};

export const bulkValidation = {
  async test(env) {
    const many = Array.from({ length: 101 }, (_, i) => `k${i}`);
    await rejects(() => env.KV.get(many), Error, "KV GET_BULK failed: 400 You can request a maximum of 100 keys", "101 keys");
    await rejects(() => env.KV.get([]), Error, "KV GET_BULK failed: 400 You must request a minimum of 1 key", "no keys");
    for (const type of ["arrayBuffer", "stream", "blob"]) {
      await rejects(
        () => env.KV.get(["k"], type),
        Error,
        `KV GET_BULK failed: 400 "${type}" is not a valid type. Use "json" or "text"`,
        `bulk ${type}`,
      );
    }
    await rejects(() => env.KV.getWithMetadata(["k"], { type: "arrayBuffer" }), Error, { includes: "is not a valid type" }, "bulk getWithMetadata arrayBuffer");
    await rejects(() => env.KV.get(["ok", ""]), Error, "KV GET_BULK failed: 400 Key names must not be empty", "an empty key in bulk");
    await rejects(
      () => env.KV.get([".."]),
      Error,
      'KV GET_BULK failed: 400 Illegal key name "..". Please use a different name.',
      "'..' in bulk",
    );
    await rejects(
      () => env.KV.get(["x".repeat(513)]),
      Error,
      "KV GET_BULK failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.",
      "a long key in bulk",
    );
    await rejects(
      () => env.KV.get(["k"], { cacheTtl: 1 }),
      Error,
      "KV GET_BULK failed: 400 Invalid cache_ttl of 1. Cache TTL must be at least 60.",
      "bulk cacheTtl",
    );
    const m = await env.KV.get([1, 2]);
    deepEq([...m.keys()], ["1", "2"], "bulk keys are converted to strings");
  },
};

// ---------------------------------------------------------------------------
// list.

export const listKeys = {
  async test(env) {
    const names = ["listKeys/b", "listKeys/a", "listKeys/c/1", "listKeys/c/0", "listKeys/é", "listKeys/Z"];
    for (const n of names) await env.LIST.put(n, "v");
    await env.LIST.put("listKeys/meta", "v", { metadata: { x: [1, "é"] } });
    await env.LIST.put("listKeysX", "outside the prefix");
    const r = await env.LIST.list({ prefix: "listKeys/" });
    deepEq(
      r.keys.map((k) => k.name),
      ["listKeys/Z", "listKeys/a", "listKeys/b", "listKeys/c/0", "listKeys/c/1", "listKeys/meta", "listKeys/é"],
      "names in byte order, only under the prefix",
    );
    eq(r.list_complete, true, "list_complete");
    ok(!("cursor" in r), "no cursor once the list is complete");
    eq(r.cacheStatus, null, "cacheStatus");
    deepEq(Object.keys(r), ["keys", "list_complete", "cacheStatus"], "the result's properties");
    deepEq(r.keys[0], { name: "listKeys/Z" }, "a key without expiration or metadata is just its name");
    deepEq(r.keys[5], { name: "listKeys/meta", metadata: { x: [1, "é"] } }, "a key's metadata");
    const sub = await env.LIST.list({ prefix: "listKeys/c/", limit: 10, cursor: null });
    deepEq(sub.keys.map((k) => k.name), ["listKeys/c/0", "listKeys/c/1"], "a narrower prefix");
    const none = await env.LIST.list({ prefix: "listKeys/nothing/" });
    deepEq(none.keys, [], "an empty page");
    eq(none.list_complete, true, "an empty page is complete");
    await env.LIST.delete("listKeys/b");
    deepEq(
      (await env.LIST.list({ prefix: "listKeys/" })).keys.map((k) => k.name).includes("listKeys/b"),
      false,
      "a deleted key is no longer listed",
    );
  },
};

export const listPagination = {
  async test(env) {
    const want = [];
    for (let i = 0; i < 25; i++) {
      const n = `listPagination/${String(i).padStart(2, "0")}`;
      want.push(n);
      await env.LIST.put(n, "v");
    }
    const got = [];
    let cursor;
    let pages = 0;
    for (;;) {
      const r = await env.LIST.list({ prefix: "listPagination/", limit: 10, cursor });
      pages++;
      got.push(...r.keys.map((k) => k.name));
      if (r.list_complete) {
        ok(!("cursor" in r), "the last page has no cursor");
        break;
      }
      eq(r.keys.length, 10, `page ${pages} is full`);
      eq(typeof r.cursor, "string", `page ${pages} has a cursor`);
      ok(r.cursor.length > 0, `page ${pages}'s cursor is not empty`);
      cursor = r.cursor;
      if (pages > 5) throw new Error("the list does not end");
    }
    eq(pages, 3, "25 keys in pages of 10");
    deepEq(got, want, "every key once, in order");
  },
};

export const listValidation = {
  async test(env) {
    await rejects(
      () => env.LIST.list({ limit: 1001 }),
      Error,
      "KV GET failed: 400 Invalid key_count_limit of 1001. Please specify an integer from 1 to 1000.",
      "limit 1001",
    );
    await rejects(
      () => env.LIST.list({ prefix: "p".repeat(513) }),
      Error,
      "KV GET failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.",
      "a 513-byte prefix",
    );
    await rejects(
      () => env.LIST.list("prefix"),
      TypeError,
      "Failed to execute 'list' on 'KVNamespace': parameter 1 is not of type 'KVNamespaceListOptions'.",
      "options that are not an object",
    );
    await rejects(() => env.LIST.list({ cursor: "not a cursor!" }), Error, { includes: "KV GET failed: 400 " }, "a cursor no list returned");
    await env.LIST.put("listValidation/a", "v");
    await env.LIST.put("listValidation/b", "v");
    eq((await env.LIST.list({ prefix: "listValidation/", limit: 1 })).keys.length, 1, "limit 1");
    eq((await env.LIST.list({ prefix: "listValidation/", limit: 0 })).keys.length, 2, "limit 0 is the default, as on Cloudflare");
    eq((await env.LIST.list({ prefix: "listValidation/", limit: -5 })).keys.length, 2, "a negative limit is the default");
  },
};

// ---------------------------------------------------------------------------
// Manual cases (see kv_test.go).

// listDefaultLimit runs after Go has put 1005 keys in namespace "bigns".
export const listDefaultLimit = {
  manual: true,
  async test(env) {
    const first = await env.BIG.list();
    eq(first.keys.length, 1000, "the default limit is 1000");
    eq(first.list_complete, false, "more keys remain");
    eq((await env.BIG.list({ limit: 1000 })).keys.length, 1000, "limit 1000 is allowed");
    const rest = await env.BIG.list({ cursor: first.cursor });
    eq(rest.keys.length, 5, "the second page");
    eq(rest.list_complete, true, "the second page completes the list");
    eq(rest.keys[4].name, "big/1004", "the last key");
  },
};

// opsLimitSpend uses the request's 1000 operations; invalid calls, which
// never reach the store, do not count.
export const opsLimitSpend = {
  manual: true,
  async test(env) {
    for (let i = 0; i < 5; i++) await rejects(() => env.KV.get(""), TypeError, "Key name cannot be empty.", "an invalid get");
    await env.KV.put("opsLimit/k", "v"); // 1
    await env.KV.list({ prefix: "opsLimit/" }); // 2
    await env.KV.get(["opsLimit/k", "opsLimit/x", "opsLimit/y"]); // 3: a bulk get is one operation
    await env.KV.delete("opsLimit/gone"); // 4
    for (let i = 5; i <= 1000; i++) await env.KV.get("opsLimit/k");
    const msg = "Too many API requests by single worker invocation: this request has used all 1000 of its KV operations";
    await rejects(() => env.KV.get("opsLimit/k"), Error, { includes: msg + " (KV GET refused)." }, "operation 1001, a get");
    await rejects(() => env.KV.put("opsLimit/after", "v"), Error, { includes: msg + " (KV PUT refused)." }, "a put past the limit");
    await rejects(() => env.OTHER.list(), Error, { includes: msg }, "a list of another namespace past the limit");
    await rejects(() => env.KV.get(["opsLimit/k"]), Error, { includes: msg }, "a bulk get past the limit");
    await rejects(() => env.KV.delete("opsLimit/k"), Error, { includes: msg }, "a delete past the limit");
  },
};

// opsLimitFresh runs as the next request: it has its own budget, and what
// was refused was not done.
export const opsLimitFresh = {
  manual: true,
  async test(env) {
    eq(await env.KV.get("opsLimit/after"), null, "the refused put wrote nothing");
    eq(await env.KV.get("opsLimit/k"), "v", "the refused delete deleted nothing");
    await env.KV.delete("opsLimit/k");
  },
};

// stashEnv keeps env for Go's Eval, which runs outside any request.
export const stashEnv = {
  manual: true,
  async test(env) {
    globalThis.stashedEnv = env;
  },
};

// ttlPut puts keys that expire; Go then moves the store's clock.
export const ttlPut = {
  manual: true,
  async test(env) {
    await env.KV.put("ttl/short", "v", { expirationTtl: 60 });
    await env.KV.put("ttl/long", "v", { expirationTtl: 3600 });
    await env.KV.put("ttl/abs", "v", { expiration: nowSeconds() + 90 });
    eq(await env.KV.get("ttl/short"), "v", "readable before it expires");
  },
};

// ttlGone runs once the store's clock is 120 s ahead.
export const ttlGone = {
  manual: true,
  async test(env) {
    eq(await env.KV.get("ttl/short"), null, "a key past its expirationTtl is absent");
    eq(await env.KV.get("ttl/abs"), null, "a key past its expiration is absent");
    eq((await env.KV.getWithMetadata("ttl/short")).value, null, "getWithMetadata too");
    eq(await env.KV.get("ttl/long"), "v", "a key with time left is still there");
    deepEq(
      (await env.KV.list({ prefix: "ttl/" })).keys.map((k) => k.name),
      ["ttl/long"],
      "list leaves out expired keys",
    );
  },
};

// storeContents writes what Go then reads from the store directly.
export const storeContents = {
  manual: true,
  async test(env) {
    await env.KV.put("contents/k", new Uint8Array([0, 1, 2, 255]), { metadata: { a: "é" }, expirationTtl: 600 });
    await env.DEFAULT_NS.put("contents/default", "in the binding's own namespace");
  },
};

export const noStore = {
  manual: true,
  async test(env) {
    const msg = 'KV GET failed: no KV store is configured (the host set no Resources["kv"])';
    await rejects(() => env.KV.get("k"), Error, msg, "get without a store");
    await rejects(() => env.KV.put("k", "v"), Error, msg.replace("GET", "PUT"), "put without a store");
    await rejects(() => env.KV.list(), Error, msg, "list without a store");
    // Bad input is still reported as such.
    await rejects(() => env.KV.get(""), TypeError, "Key name cannot be empty.", "an invalid key without a store");
  },
};

export const wrongResource = {
  manual: true,
  async test(env) {
    await rejects(() => env.KV.get("k"), Error, 'KV GET failed: Resources["kv"] is a string, not a kv.Store', "get with a bad resource");
  },
};

// cacheStatus needs the cached store: the first read misses, a later one
// hits (ristretto admits entries asynchronously, so it polls), and a
// write is seen by the next read at once.
export const cacheStatus = {
  manual: true,
  async test(env) {
    const k = "cacheStatus/k";
    await env.KV.put(k, "v1", { metadata: { n: 1 } });
    const first = await env.KV.getWithMetadata(k);
    eq(first.cacheStatus, "MISS", "the first read");
    let hit = null;
    for (let i = 0; i < 100 && hit === null; i++) {
      await new Promise((r) => setTimeout(r, 5));
      const r = await env.KV.getWithMetadata(k);
      if (r.cacheStatus === "HIT") hit = r;
    }
    ok(hit !== null, "a later read hits the cache");
    eq(hit.value, "v1", "the cached value");
    deepEq(hit.metadata, { n: 1 }, "the cached metadata");
    const bytes = await env.KV.getWithMetadata(k, "arrayBuffer");
    eq(bytes.cacheStatus, "HIT", "the cache serves every type");
    await env.KV.put(k, "v2");
    const after = await env.KV.getWithMetadata(k);
    eq(after.value, "v2", "read-your-writes through the cache");
    eq(after.metadata, null, "the new metadata");
    eq(after.cacheStatus, "MISS", "a write invalidates the cached entry");
    await env.KV.delete(k);
    eq(await env.KV.get(k), null, "a delete is seen at once");
  },
};
