import { eq, deepEq, ok, rejects, bytes } from "./assert.js";

// A module exporting add(a, b) for two i32s, written out by hand:
// header, type, function, export and code sections.
const addModule = bytes(
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f,
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00,
  0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
);
// A module importing env.log (i32) and exporting run() that calls it with 7.
const importModule = bytes(
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x08, 0x02, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x00, 0x00,
  0x02, 0x0b, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6c, 0x6f, 0x67, 0x00, 0x00,
  0x03, 0x02, 0x01, 0x01,
  0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x01,
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x07, 0x10, 0x00, 0x0b,
);

const wasmResponse = (body, init = {}) =>
  new Response(body, { headers: { "content-type": "application/wasm" }, ...init });

export const installedLikeTheRest = {
  test() {
    const ref = Object.getOwnPropertyDescriptor(WebAssembly, "compile");
    for (const [name, length] of [["compileStreaming", 1], ["instantiateStreaming", 1]]) {
      const d = Object.getOwnPropertyDescriptor(WebAssembly, name);
      ok(d !== undefined, `WebAssembly.${name} exists`);
      deepEq([d.writable, d.enumerable, d.configurable], [ref.writable, ref.enumerable, ref.configurable], `${name} descriptor`);
      eq(d.value.name, name, `${name}.name`);
      eq(d.value.length, length, `${name}.length`);
      ok(!("prototype" in d.value), `${name} is not a constructor`);
    }
  },
};

export const instantiateFromResponse = {
  async test() {
    const { module, instance } = await WebAssembly.instantiateStreaming(wasmResponse(addModule));
    ok(module instanceof WebAssembly.Module, "module");
    eq(instance.exports.add(2, 40), 42, "add(2, 40)");
    // A promise of a response, a streamed body and an import object.
    const seen = [];
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(importModule.subarray(0, 10));
        c.enqueue(importModule.subarray(10));
        c.close();
      },
    });
    const r = await WebAssembly.instantiateStreaming(Promise.resolve(wasmResponse(stream)), { env: { log: (v) => seen.push(v) } });
    r.instance.exports.run();
    deepEq(seen, [7], "imported function called");
  },
};

export const compileFromResponse = {
  async test() {
    const module = await WebAssembly.compileStreaming(wasmResponse(addModule, { headers: { "Content-Type": " Application/WASM " } }));
    deepEq(WebAssembly.Module.exports(module), [{ name: "add", kind: "function" }], "exports");
    eq(new WebAssembly.Instance(module).exports.add(1, 2), 3, "instance");
  },
};

export const responseChecks = {
  async test() {
    for (const fn of [WebAssembly.compileStreaming, WebAssembly.instantiateStreaming]) {
      await rejects(fn(addModule), TypeError, "not a Response", `${fn.name}(bytes)`);
      await rejects(fn(), TypeError, "not a Response", `${fn.name}()`);
      await rejects(fn(new Response(addModule)), TypeError, "must be application/wasm, not missing", `${fn.name}: no content type`);
      await rejects(
        fn(new Response(addModule, { headers: { "content-type": "application/wasm; charset=utf-8" } })),
        TypeError,
        'not "application/wasm; charset=utf-8"',
        `${fn.name}: parameters`,
      );
      await rejects(fn(wasmResponse(addModule, { status: 404 })), TypeError, "status is 404", `${fn.name}: 404`);
      const used = wasmResponse(addModule);
      await used.arrayBuffer();
      await rejects(fn(used), TypeError, "already been used", `${fn.name}: used body`);
      await rejects(fn(wasmResponse(bytes(0, 0x61, 0x73, 0x6d, 2, 0, 0, 0))), WebAssembly.CompileError, "", `${fn.name}: bad module`);
      await rejects(fn(Promise.reject(new RangeError("upstream"))), RangeError, "upstream", `${fn.name}: rejected source`);
    }
  },
};
